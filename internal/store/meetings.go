package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/match"
	"jejaring/internal/outbox"
)

// Outbox kinds of the matchmaking's messages.
const (
	KindMatchAgenda = "match_agenda"
	KindMatchChange = "match_change"
	KindMatchNudge  = "match_nudge"
)

// Setup loads an event's grid; match.ErrNotFound when staff have not set
// one.
func (r *MatchRepo) Setup(ctx context.Context, eventID int64) (*match.Setup, error) {
	var s match.Setup
	var runAt, pubAt sql.NullTime
	err := r.db.QueryRowxContext(ctx, r.db.Rebind(`SELECT event_id, slots, slot_minutes, first_slot, tables, max_per_owner, version,
 run_at, published_at, coverage, weight, bound_coverage, bound_weight FROM match_setups WHERE event_id = ?`), eventID).
		Scan(&s.EventID, &s.Slots, &s.SlotMinutes, &s.FirstSlot, &s.Tables, &s.MaxPerOwner, &s.Version, &runAt, &pubAt,
			&s.Coverage, &s.Weight, &s.BoundCoverage, &s.BoundWeight)
	if err != nil {
		return nil, fmt.Errorf("match setup of event %d: %w", eventID, notFound(err, match.ErrNotFound))
	}
	s.RunAt, s.PublishedAt = runAt.Time, pubAt.Time
	return &s, nil
}

// SaveSetup writes an event's grid (slots, minutes, first slot, tables,
// cap); the run's figures and the version are left as they are.
func (r *MatchRepo) SaveSetup(ctx context.Context, s *match.Setup, now time.Time) error {
	if err := s.Validate(); err != nil {
		return err
	}
	_, err := r.db.ExecContext(ctx, r.db.Rebind(`INSERT INTO match_setups (event_id, slots, slot_minutes, first_slot, tables, max_per_owner, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET slots = excluded.slots, slot_minutes = excluded.slot_minutes,
 first_slot = excluded.first_slot, tables = excluded.tables, max_per_owner = excluded.max_per_owner, updated_at = excluded.updated_at`),
		s.EventID, s.Slots, s.SlotMinutes, s.FirstSlot.UTC(), s.Tables, s.MaxPerOwner, now.UTC())
	if err != nil {
		return fmt.Errorf("save match setup of event %d: %w", s.EventID, err)
	}
	return nil
}

// Owners lists the owners coming to an event (invitations answered Hadir)
// with what fitting needs of their first business, by invitation id.
func (r *MatchRepo) Owners(ctx context.Context, eventID int64) ([]match.OwnerProfile, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT i.id, i.contact_id, i.needs,
 COALESCE(b.name, ''), COALESCE(NULLIF(b.owner_name, ''), c.display_name), COALESCE(b.products, ''), COALESCE(b.kbli_section, ''),
 COALESCE(b.size_class, ''), COALESCE(b.region_code, ''), COALESCE(b.show_to_partners, `+r.falseLit()+`)
 FROM invitations i JOIN contacts c ON c.id = i.contact_id
 LEFT JOIN businesses b ON b.id = (SELECT MIN(b2.id) FROM businesses b2 WHERE b2.contact_id = i.contact_id AND b2.deleted_at IS NULL)
 WHERE i.event_id = ? AND i.status = 'going' ORDER BY i.id`), eventID)
	if err != nil {
		return nil, fmt.Errorf("owners of event %d: %w", eventID, err)
	}
	defer rows.Close()
	var out []match.OwnerProfile
	for rows.Next() {
		var o match.OwnerProfile
		var needs string
		if err := rows.Scan(&o.InvitationID, &o.ContactID, &needs, &o.Name, &o.OwnerName, &o.Products, &o.Sector, &o.Size, &o.Kecamatan, &o.Shown); err != nil {
			return nil, fmt.Errorf("owners of event %d: %w", eventID, err)
		}
		o.Needs = splitList(needs)
		if o.Name == "" {
			o.Name = o.OwnerName
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (r *MatchRepo) falseLit() string {
	if r.db.IsPostgres() {
		return "FALSE"
	}
	return "0"
}

// Attendees are the owners coming, with their cancellations.
func (r *MatchRepo) Attendees(ctx context.Context, eventID int64) ([]match.Attendee, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT i.id, COALESCE(a.absent_from, -1) FROM invitations i
 LEFT JOIN match_absences a ON a.event_id = i.event_id AND a.invitation_id = i.id
 WHERE i.event_id = ? AND i.status = 'going' ORDER BY i.id`), eventID)
	if err != nil {
		return nil, fmt.Errorf("attendees of event %d: %w", eventID, err)
	}
	defer rows.Close()
	var out []match.Attendee
	for rows.Next() {
		var a match.Attendee
		if err := rows.Scan(&a.InvitationID, &a.AbsentFrom); err != nil {
			return nil, fmt.Errorf("attendees of event %d: %w", eventID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetOwnerPicks replaces an owner's picks for an event: partners in order,
// the first most wanted.
func (r *MatchRepo) SetOwnerPicks(ctx context.Context, eventID, invitationID int64, partnerIDs []int64, now time.Time) error {
	return r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM match_wishes WHERE event_id = ? AND invitation_id = ? AND side = 'owner'`), eventID, invitationID); err != nil {
			return fmt.Errorf("replace picks: %w", err)
		}
		for i, p := range partnerIDs {
			if err := r.putWish(ctx, tx, eventID, invitationID, p, match.SideOwner, i+1, false, "", now); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetWish records one side's wish for a pair: a partner's "ingin bertemu"
// (no false) or "tidak" (no true), a staff recommendation, or an owner's
// "tidak" (side owner with no).
func (r *MatchRepo) SetWish(ctx context.Context, eventID, invitationID, partnerID int64, side string, no bool, by string, now time.Time) error {
	return r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		return r.putWish(ctx, tx, eventID, invitationID, partnerID, side, 0, no, by, now)
	})
}

func (r *MatchRepo) putWish(ctx context.Context, tx *sqlx.Tx, eventID, invitationID, partnerID int64, side string, rank int, no bool, by string, now time.Time) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO match_wishes (event_id, invitation_id, partner_id, side, pick_rank, veto, created_by, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, invitation_id, partner_id, side) DO UPDATE SET pick_rank = excluded.pick_rank,
 veto = excluded.veto, created_by = excluded.created_by, created_at = excluded.created_at`),
		eventID, invitationID, partnerID, side, rank, no, by, now.UTC())
	if err != nil {
		return fmt.Errorf("save wish %d–%d (%s): %w", invitationID, partnerID, side, err)
	}
	return nil
}

// Wishes lists an event's wishes.
func (r *MatchRepo) Wishes(ctx context.Context, eventID int64) ([]match.EventWish, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT invitation_id, partner_id, side, pick_rank, veto FROM match_wishes
 WHERE event_id = ? ORDER BY invitation_id, partner_id, side`), eventID)
	if err != nil {
		return nil, fmt.Errorf("wishes of event %d: %w", eventID, err)
	}
	defer rows.Close()
	var out []match.EventWish
	for rows.Next() {
		var w match.EventWish
		if err := rows.Scan(&w.InvitationID, &w.PartnerID, &w.Side, &w.Rank, &w.No); err != nil {
			return nil, fmt.Errorf("wishes of event %d: %w", eventID, err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// SetAbsent records that an owner (side owner, id the invitation) or a
// partner cancels from slot from on.
func (r *MatchRepo) SetAbsent(ctx context.Context, eventID int64, side string, id int64, from int, now time.Time) error {
	var err error
	if side == match.SidePartner {
		_, err = r.db.ExecContext(ctx, r.db.Rebind(`UPDATE match_partners SET absent_from = ? WHERE event_id = ? AND partner_id = ?`), from, eventID, id)
	} else {
		_, err = r.db.ExecContext(ctx, r.db.Rebind(`INSERT INTO match_absences (event_id, invitation_id, absent_from, created_at) VALUES (?, ?, ?, ?)
 ON CONFLICT (event_id, invitation_id) DO UPDATE SET absent_from = excluded.absent_from`), eventID, id, from, now.UTC())
	}
	if err != nil {
		return fmt.Errorf("record cancellation of %s %d: %w", side, id, err)
	}
	return nil
}

const meetingCols = `id, invitation_id, partner_id, slot, table_no, locked, announced`

// Meetings lists an event's meetings by slot and table.
func (r *MatchRepo) Meetings(ctx context.Context, eventID int64) ([]match.Booked, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT `+meetingCols+` FROM match_meetings WHERE event_id = ? ORDER BY slot, table_no, id`), eventID)
	if err != nil {
		return nil, fmt.Errorf("meetings of event %d: %w", eventID, err)
	}
	defer rows.Close()
	var out []match.Booked
	for rows.Next() {
		var m match.Booked
		if err := rows.Scan(&m.ID, &m.InvitationID, &m.PartnerID, &m.Slot, &m.Table, &m.Locked, &m.Announced); err != nil {
			return nil, fmt.Errorf("meetings of event %d: %w", eventID, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MeetingInfo is one meeting with its event.
type MeetingInfo struct {
	EventID int64
	match.Booked
}

// Meeting loads one meeting.
func (r *MatchRepo) Meeting(ctx context.Context, id int64) (*MeetingInfo, error) {
	var m MeetingInfo
	err := r.db.QueryRowxContext(ctx, r.db.Rebind(`SELECT event_id, `+meetingCols+` FROM match_meetings WHERE id = ?`), id).
		Scan(&m.EventID, &m.ID, &m.InvitationID, &m.PartnerID, &m.Slot, &m.Table, &m.Locked, &m.Announced)
	if err != nil {
		return nil, fmt.Errorf("meeting %d: %w", id, notFound(err, match.ErrNotFound))
	}
	return &m, nil
}

// SetLocked locks or unlocks a meeting.
func (r *MatchRepo) SetLocked(ctx context.Context, id int64, locked bool, now time.Time) error {
	_, err := r.db.ExecContext(ctx, r.db.Rebind(`UPDATE match_meetings SET locked = ?, updated_at = ? WHERE id = ?`), locked, now.UTC(), id)
	if err != nil {
		return fmt.Errorf("lock meeting %d: %w", id, err)
	}
	return nil
}

// MarkArrived records that one side is at the table.
func (r *MatchRepo) MarkArrived(ctx context.Context, id int64, side string, now time.Time) error {
	col := "owner_arrived_at"
	if side == match.SidePartner {
		col = "partner_arrived_at"
	}
	_, err := r.db.ExecContext(ctx, r.db.Rebind(`UPDATE match_meetings SET `+col+` = ?, updated_at = ? WHERE id = ?`), now.UTC(), now.UTC(), id)
	if err != nil {
		return fmt.Errorf("meeting %d arrived: %w", id, err)
	}
	return nil
}

// RunResult is what SaveRun wrote.
type RunResult struct {
	Meetings []match.Booked // with their ids
}

// SaveRun replaces an event's meetings by the new booking (a kept pair
// keeps its row and id; a moved one loses its announced mark; a pair no
// longer booked is deleted with its pending nudges), records the figures,
// and queues the messages notices builds from the saved rows (with their
// ids; nil: none) in the same transaction.
func (r *MatchRepo) SaveRun(ctx context.Context, eventID int64, booked []match.Booked, sch *match.Schedule, notices func(saved []match.Booked) []outbox.Message, now time.Time) ([]match.Booked, error) {
	now = now.UTC()
	out := append([]match.Booked(nil), booked...)
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		old, err := r.meetingsTx(ctx, tx, eventID)
		if err != nil {
			return err
		}
		keep := map[int64]bool{}
		for i := range out {
			m := &out[i]
			if m.ID != 0 {
				keep[m.ID] = true
				if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE match_meetings SET slot = ?, table_no = ?, locked = ?, announced = ?, updated_at = ? WHERE id = ?`),
					m.Slot, m.Table, m.Locked, m.Announced, now, m.ID); err != nil {
					return fmt.Errorf("update meeting %d: %w", m.ID, err)
				}
				continue
			}
			id, err := InsertID(ctx, tx, r.db.Dialect, `INSERT INTO match_meetings (event_id, invitation_id, partner_id, slot, table_no, locked, announced, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, eventID, m.InvitationID, m.PartnerID, m.Slot, m.Table, m.Locked, false, now, now)
			if err != nil {
				return fmt.Errorf("insert meeting: %w", err)
			}
			m.ID = id
		}
		oldBy := map[int64]match.Booked{}
		for _, m := range old {
			oldBy[m.ID] = m
			if !keep[m.ID] {
				if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM match_meetings WHERE id = ?`), m.ID); err != nil {
					return fmt.Errorf("delete meeting %d: %w", m.ID, err)
				}
				if err := dropNudges(ctx, tx, m.ID); err != nil {
					return err
				}
			}
		}
		for _, m := range out {
			if o, ok := oldBy[m.ID]; ok && (o.Slot != m.Slot || o.Table != m.Table) {
				if err := dropNudges(ctx, tx, m.ID); err != nil {
					return err
				}
			}
		}
		if sch != nil {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE match_setups SET run_at = ?, coverage = ?, weight = ?, bound_coverage = ?, bound_weight = ?, updated_at = ?
 WHERE event_id = ?`), now, sch.Coverage, sch.Weight, sch.Bound.Coverage, sch.Bound.Weight, now, eventID); err != nil {
				return fmt.Errorf("record the run: %w", err)
			}
		}
		if notices != nil {
			if _, err := Enqueue(ctx, tx, notices(out), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (r *MatchRepo) meetingsTx(ctx context.Context, tx *sqlx.Tx, eventID int64) ([]match.Booked, error) {
	var out []match.Booked
	rows, err := tx.QueryxContext(ctx, tx.Rebind(`SELECT `+meetingCols+` FROM match_meetings WHERE event_id = ? ORDER BY id`), eventID)
	if err != nil {
		return nil, fmt.Errorf("meetings of event %d: %w", eventID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var m match.Booked
		if err := rows.Scan(&m.ID, &m.InvitationID, &m.PartnerID, &m.Slot, &m.Table, &m.Locked, &m.Announced); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// dropNudges withdraws a meeting's nudges not sent yet.
func dropNudges(ctx context.Context, tx *sqlx.Tx, meetingID int64) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM outbox WHERE kind = ? AND status = 'pending' AND dedupe_key LIKE ?`),
		KindMatchNudge, fmt.Sprintf("match-nudge:%d:%%", meetingID))
	if err != nil {
		return fmt.Errorf("withdraw nudges of meeting %d: %w", meetingID, err)
	}
	return nil
}

// MarkAnnounced marks every meeting of the event told as it stands, raises
// the version, and queues msgs (agendas, nudges, change notices) in the
// same transaction. It returns the new version.
func (r *MatchRepo) MarkAnnounced(ctx context.Context, eventID int64, msgs []outbox.Message, now time.Time) (int, error) {
	now = now.UTC()
	var v int
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE match_meetings SET announced = ?, updated_at = ? WHERE event_id = ?`), true, now, eventID); err != nil {
			return fmt.Errorf("announce meetings: %w", err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE match_setups SET version = version + 1, published_at = ?, updated_at = ? WHERE event_id = ?`), now, now, eventID); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		if err := tx.QueryRowxContext(ctx, tx.Rebind(`SELECT version FROM match_setups WHERE event_id = ?`), eventID).Scan(&v); err != nil {
			return fmt.Errorf("publish: %w", notFound(err, match.ErrNotFound))
		}
		_, err := Enqueue(ctx, tx, msgs, now)
		return err
	})
	return v, err
}

// Addressee is where a person's messages go.
type Addressee struct {
	ContactID int64
	To        outbox.Address
	Name      string
	Lang      string
}

// OwnerAddresses maps an event's invitations to their owners' chats.
func (r *MatchRepo) OwnerAddresses(ctx context.Context, eventID int64) (map[int64]Addressee, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT i.id, c.id, c.channel, c.external_id,
 COALESCE((SELECT NULLIF(b.owner_name, '') FROM businesses b WHERE b.contact_id = c.id AND b.deleted_at IS NULL ORDER BY b.id LIMIT 1), c.display_name), c.language
 FROM invitations i JOIN contacts c ON c.id = i.contact_id WHERE i.event_id = ?`), eventID)
	if err != nil {
		return nil, fmt.Errorf("owner addresses of event %d: %w", eventID, err)
	}
	return scanAddressees(rows)
}

// PartnerAddresses maps an event's partners that registered in a chat to
// that chat.
func (r *MatchRepo) PartnerAddresses(ctx context.Context, eventID int64) (map[int64]Addressee, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT p.id, c.id, c.channel, c.external_id, COALESCE(NULLIF(p.contact_person, ''), c.display_name), c.language
 FROM match_partners mp JOIN partners p ON p.id = mp.partner_id JOIN contacts c ON c.id = p.contact_id WHERE mp.event_id = ?`), eventID)
	if err != nil {
		return nil, fmt.Errorf("partner addresses of event %d: %w", eventID, err)
	}
	return scanAddressees(rows)
}

func scanAddressees(rows *sqlx.Rows) (map[int64]Addressee, error) {
	defer rows.Close()
	out := map[int64]Addressee{}
	for rows.Next() {
		var id int64
		var a Addressee
		var ch string
		if err := rows.Scan(&id, &a.ContactID, &ch, &a.To.ExternalID, &a.Name, &a.Lang); err != nil {
			return nil, fmt.Errorf("addresses: %w", err)
		}
		a.To.Channel = outbox.ChannelName(ch)
		out[id] = a
	}
	return out, rows.Err()
}

// InvitationOf is the contact's invitation to an event (0 when none).
func (r *MatchRepo) InvitationOf(ctx context.Context, eventID, contactID int64) (int64, error) {
	var id int64
	err := r.db.QueryRowxContext(ctx, r.db.Rebind(`SELECT id FROM invitations WHERE event_id = ? AND contact_id = ?`), eventID, contactID).Scan(&id)
	if noRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("invitation of contact %d: %w", contactID, err)
	}
	return id, nil
}

// TemuEvents lists the temu bisnis events not yet ended, soonest first:
// id and title.
func (r *MatchRepo) TemuEvents(ctx context.Context, now time.Time) ([][2]string, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT id, title FROM events WHERE kind = 'temu_bisnis' AND ends_at > ?
 AND status IN ('published', 'changed') ORDER BY starts_at, id`), now.UTC())
	if err != nil {
		return nil, fmt.Errorf("temu bisnis events: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var id, title string
		if err := rows.Scan(&id, &title); err != nil {
			return nil, err
		}
		out = append(out, [2]string{id, strings.TrimSpace(title)})
	}
	return out, rows.Err()
}
