package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/match"
)

// MatchRepo stores the temu bisnis matchmaking: partners and their
// profiles (this file), and per event the grid, the partners taking part,
// the wishes, the meetings and the cancellations (meetings.go). Missing rows
// are match.ErrNotFound.
type MatchRepo struct{ db *DB }

// NewMatchRepo returns the matchmaking repository on db.
func NewMatchRepo(db *DB) *MatchRepo { return &MatchRepo{db: db} }

// DB is the database the repository works on.
func (r *MatchRepo) DB() *DB { return r.db }

const partnerCols = `id, COALESCE(contact_id, 0), kind, organisation, contact_person, phone, offer, sectors, size_min, size_max,
 kecamatan, consent, consent_version, consent_at, source, created_at, updated_at`

func scanPartner(row interface{ Scan(...any) error }) (*match.PartnerProfile, error) {
	var p match.PartnerProfile
	var kind, sectors, kec string
	var consentAt sql.NullTime
	if err := row.Scan(&p.ID, &p.ContactID, &kind, &p.Organisation, &p.ContactPerson, &p.Phone, &p.Offer, &sectors,
		&p.SizeMin, &p.SizeMax, &kec, &p.Consent, &p.ConsentVersion, &consentAt, &p.Source, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	p.Kind = match.PartnerKind(kind)
	p.Sectors, p.Kecamatan = splitList(sectors), splitList(kec)
	if consentAt.Valid {
		p.ConsentAt = consentAt.Time
	}
	return &p, nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// SavePartner validates the profile and inserts it (ID 0) or updates it.
func (r *MatchRepo) SavePartner(ctx context.Context, p *match.PartnerProfile, now time.Time) error {
	return r.db.InTx(ctx, func(tx *sqlx.Tx) error { return r.savePartner(ctx, tx, p, now) })
}

func (r *MatchRepo) savePartner(ctx context.Context, tx *sqlx.Tx, p *match.PartnerProfile, now time.Time) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	now = now.UTC()
	if p.Consent && p.ConsentAt.IsZero() {
		p.ConsentAt = now
	}
	if p.Consent && p.ConsentVersion == "" {
		p.ConsentVersion = match.ConsentVersion
	}
	if p.Source == "" {
		p.Source = "chat"
	}
	args := []any{evNullID(p.ContactID), string(p.Kind), p.Organisation, p.ContactPerson, p.Phone, p.Offer,
		strings.Join(p.Sectors, ","), p.SizeMin, p.SizeMax, strings.Join(p.Kecamatan, ","), p.Consent, p.ConsentVersion,
		evNullTime(p.ConsentAt), p.Source}
	if p.ID == 0 {
		id, err := InsertID(ctx, tx, r.db.Dialect, `INSERT INTO partners (contact_id, kind, organisation, contact_person, phone, offer,
 sectors, size_min, size_max, kecamatan, consent, consent_version, consent_at, source, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, now, now)...)
		if err != nil {
			return fmt.Errorf("save partner: %w", err)
		}
		p.ID, p.CreatedAt, p.UpdatedAt = id, now, now
		return nil
	}
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE partners SET contact_id = ?, kind = ?, organisation = ?, contact_person = ?,
 phone = ?, offer = ?, sectors = ?, size_min = ?, size_max = ?, kecamatan = ?, consent = ?, consent_version = ?, consent_at = ?,
 source = ?, updated_at = ? WHERE id = ?`), append(args, now, p.ID)...)
	if err != nil {
		return fmt.Errorf("save partner %d: %w", p.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("partner %d: %w", p.ID, match.ErrNotFound)
	}
	p.UpdatedAt = now
	return nil
}

// Partner loads one partner.
func (r *MatchRepo) Partner(ctx context.Context, id int64) (*match.PartnerProfile, error) {
	p, err := scanPartner(r.db.QueryRowxContext(ctx, r.db.Rebind(`SELECT `+partnerCols+` FROM partners WHERE id = ?`), id))
	if err != nil {
		return nil, fmt.Errorf("partner %d: %w", id, notFound(err, match.ErrNotFound))
	}
	return p, nil
}

// PartnerByContact is the partner a chat registered (the latest).
func (r *MatchRepo) PartnerByContact(ctx context.Context, contactID int64) (*match.PartnerProfile, error) {
	p, err := scanPartner(r.db.QueryRowxContext(ctx, r.db.Rebind(`SELECT `+partnerCols+` FROM partners WHERE contact_id = ? ORDER BY id DESC LIMIT 1`), contactID))
	if err != nil {
		return nil, fmt.Errorf("partner of contact %d: %w", contactID, notFound(err, match.ErrNotFound))
	}
	return p, nil
}

// ListPartners lists every partner by id.
func (r *MatchRepo) ListPartners(ctx context.Context) ([]match.PartnerProfile, error) {
	return r.partners(ctx, `SELECT `+partnerCols+` FROM partners ORDER BY id`)
}

func (r *MatchRepo) partners(ctx context.Context, q string, args ...any) ([]match.PartnerProfile, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("list partners: %w", err)
	}
	defer rows.Close()
	var out []match.PartnerProfile
	for rows.Next() {
		p, err := scanPartner(rows)
		if err != nil {
			return nil, fmt.Errorf("list partners: %w", err)
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// EventPartnerProfiles lists the partners taking part in an event with
// their profiles, by id.
func (r *MatchRepo) EventPartnerProfiles(ctx context.Context, eventID int64) ([]match.PartnerProfile, error) {
	return r.partners(ctx, `SELECT `+prefixCols("p.", partnerCols)+` FROM partners p JOIN match_partners mp ON mp.partner_id = p.id
 WHERE mp.event_id = ? ORDER BY p.id`, eventID)
}

// prefixCols qualifies a column list with a table alias.
func prefixCols(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		c = strings.TrimSpace(c)
		if strings.HasPrefix(c, "COALESCE(") {
			c = "COALESCE(" + alias + strings.TrimPrefix(c, "COALESCE(")
		} else {
			c = alias + c
		}
		parts[i] = c
	}
	return strings.Join(parts, ", ")
}

// JoinEvent enters a partner into an event with their seats and the slots
// they are free in (nil: every slot); again, it updates both.
func (r *MatchRepo) JoinEvent(ctx context.Context, eventID, partnerID int64, seats int, available []int, now time.Time) error {
	return r.db.InTx(ctx, func(tx *sqlx.Tx) error { return r.joinEvent(ctx, tx, eventID, partnerID, seats, available, now) })
}

func (r *MatchRepo) joinEvent(ctx context.Context, tx *sqlx.Tx, eventID, partnerID int64, seats int, available []int, now time.Time) error {
	seats = max(seats, 1)
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO match_partners (event_id, partner_id, seats, available, absent_from, created_at)
 VALUES (?, ?, ?, ?, -1, ?) ON CONFLICT (event_id, partner_id) DO UPDATE SET seats = excluded.seats, available = excluded.available`),
		eventID, partnerID, seats, intList(available), now.UTC())
	if err != nil {
		return fmt.Errorf("partner %d joins event %d: %w", partnerID, eventID, err)
	}
	return nil
}

// ImportPartners saves many profiles in one transaction (each one new
// unless it has an ID) and, with eventID, enters them into that event.
func (r *MatchRepo) ImportPartners(ctx context.Context, ps []match.PartnerProfile, eventID int64, seats []int, now time.Time) error {
	return r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		for i := range ps {
			if err := r.savePartner(ctx, tx, &ps[i], now); err != nil {
				return fmt.Errorf("row %d (%s): %w", i+1, ps[i].Organisation, err)
			}
			if eventID != 0 {
				s := 1
				if i < len(seats) {
					s = seats[i]
				}
				if err := r.joinEvent(ctx, tx, eventID, ps[i].ID, s, nil, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// EventPartners lists who takes part in an event, for the scheduler.
func (r *MatchRepo) EventPartners(ctx context.Context, eventID int64) ([]match.EventPartner, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT partner_id, seats, available, absent_from FROM match_partners
 WHERE event_id = ? ORDER BY partner_id`), eventID)
	if err != nil {
		return nil, fmt.Errorf("event %d partners: %w", eventID, err)
	}
	defer rows.Close()
	var out []match.EventPartner
	for rows.Next() {
		var p match.EventPartner
		var avail string
		if err := rows.Scan(&p.PartnerID, &p.Seats, &avail, &p.AbsentFrom); err != nil {
			return nil, fmt.Errorf("event %d partners: %w", eventID, err)
		}
		p.Available = parseInts(avail)
		out = append(out, p)
	}
	return out, rows.Err()
}

// PartnerEvents lists the events a partner takes part in, by id.
func (r *MatchRepo) PartnerEvents(ctx context.Context, partnerID int64) ([]int64, error) {
	var ids []int64
	if err := r.db.SelectContext(ctx, &ids, r.db.Rebind(`SELECT event_id FROM match_partners WHERE partner_id = ? ORDER BY event_id`), partnerID); err != nil {
		return nil, fmt.Errorf("events of partner %d: %w", partnerID, err)
	}
	return ids, nil
}

func intList(s []int) string {
	if s == nil {
		return ""
	}
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ",")
}

func parseInts(s string) []int {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	out := []int{}
	for _, x := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil {
			out = append(out, n)
		}
	}
	return out
}
