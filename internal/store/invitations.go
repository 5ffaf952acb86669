package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/outbox"
)

// Recipient is a contact a segment reaches.
type Recipient struct {
	ContactID int64
	Address   outbox.Address
	Name      string
	Lang      string // the contact's language, "id" or "en"
	Stopped   bool
	Blocked   bool
}

// Recipients lists the contacts with a business matching seg, one per
// contact, stopped and blocked ones included (marked).
func (r *EventRepo) Recipients(ctx context.Context, seg event.Segment) ([]Recipient, error) {
	return r.recipients(ctx, r.db, seg)
}

func (r *EventRepo) recipients(ctx context.Context, q sqlx.QueryerContext, seg event.Segment) ([]Recipient, error) {
	where, args := segmentWhere(seg, true)
	query := `SELECT c.id, c.channel, c.external_id, COALESCE(NULLIF(b.owner_name, ''), c.display_name), c.language, c.stopped, c.blocked
 FROM contacts c JOIN businesses b ON b.contact_id = c.id AND b.deleted_at IS NULL WHERE 1=1` + where
	query += ` ORDER BY c.id, b.id`
	rows, err := q.QueryxContext(ctx, r.db.Rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("segment query: %w", err)
	}
	defer rows.Close()
	var out []Recipient
	seen := map[int64]bool{}
	for rows.Next() {
		var rc Recipient
		var ch string
		if err := rows.Scan(&rc.ContactID, &ch, &rc.Address.ExternalID, &rc.Name, &rc.Lang, &rc.Stopped, &rc.Blocked); err != nil {
			return nil, err
		}
		if seen[rc.ContactID] {
			continue
		}
		seen[rc.ContactID] = true
		rc.Address.Channel = outbox.ChannelName(ch)
		out = append(out, rc)
	}
	return out, rows.Err()
}

// segmentWhere is the segment as SQL conditions (" AND ...") over
// businesses b and contacts c, with their arguments; the channel condition
// only when withChannel (a business with no chat has no channel).
func segmentWhere(seg event.Segment, withChannel bool) (string, []any) {
	var query string
	var args []any
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		query += ` AND ` + col + ` IN (?` + strings.Repeat(", ?", len(vals)-1) + `)`
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("b.region_code", seg.RegionCodes)
	in("b.size_class", seg.SizeClasses)
	in("b.kbli_section", seg.KBLISections)
	if withChannel {
		in("c.channel", seg.Channels)
	}
	if len(seg.Tags) > 0 {
		var ors []string
		for _, t := range seg.Tags {
			ors = append(ors, `(',' || REPLACE(b.tags, ' ', '') || ',') LIKE ?`)
			args = append(args, "%,"+strings.ReplaceAll(strings.TrimSpace(t), " ", "")+",%")
		}
		query += ` AND (` + strings.Join(ors, " OR ") + `)`
	}
	if seg.VerifiedOnly {
		query += ` AND b.verified = ?`
		args = append(args, true)
	}
	if !seg.RegisteredSince.IsZero() {
		query += ` AND b.created_at >= ?`
		args = append(args, seg.RegisteredSince.UTC())
	}
	return query, args
}

// SegmentCount is what staff see before confirming a broadcast.
type SegmentCount struct {
	ByChannel map[string]int // will receive, per channel
	Total     int            // will receive
	Skipped   int            // stopped or blocked: left out
	Already   int            // invited to this event before: left out
}

// CountSegment counts who a broadcast of eventID (0: none) to seg would reach.
func (r *EventRepo) CountSegment(ctx context.Context, eventID int64, seg event.Segment) (SegmentCount, error) {
	rs, err := r.recipients(ctx, r.db, seg)
	if err != nil {
		return SegmentCount{}, err
	}
	invited := map[int64]bool{}
	if eventID != 0 {
		var ids []int64
		if err := r.db.SelectContext(ctx, &ids, r.db.Rebind(`SELECT contact_id FROM invitations WHERE event_id = ?`), eventID); err != nil {
			return SegmentCount{}, fmt.Errorf("count invited: %w", err)
		}
		for _, id := range ids {
			invited[id] = true
		}
	}
	sc := SegmentCount{ByChannel: map[string]int{}}
	for _, rc := range rs {
		switch {
		case rc.Stopped || rc.Blocked:
			sc.Skipped++
		case invited[rc.ContactID]:
			sc.Already++
		default:
			sc.ByChannel[string(rc.Address.Channel)]++
			sc.Total++
		}
	}
	return sc, nil
}

// BroadcastRequest asks to invite a segment to an event.
type BroadcastRequest struct {
	EventID        int64
	Segment        *event.Segment // nil: the event's own segment
	StaffContactID int64          // who gets progress messages (0: nobody)
	CreatedBy      string         // "staff:admin", "contact:12"
}

// BroadcastResult says what a broadcast queued.
type BroadcastResult struct {
	BroadcastID int64
	Queued      int // invitations written now
	Skipped     int // stopped or blocked contacts left out
	Already     int // invited by an earlier broadcast
	ByChannel   map[string]int
}

// Broadcast invites every contact of the segment not invited before, in one
// transaction: the broadcast row, one invitation and one outbox row per
// recipient. A draft event is published first. A contact is invited to an
// event at most once (UNIQUE (event_id, contact_id)), so broadcasting the
// same event twice reaches only the new recipients.
func (r *EventRepo) Broadcast(ctx context.Context, req BroadcastRequest, now time.Time) (BroadcastResult, error) {
	var res BroadcastResult
	now = now.UTC()
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		ev, err := r.eventQ(ctx, tx, req.EventID, true)
		if err != nil {
			return err
		}
		if ev.Status == event.Cancelled {
			return fmt.Errorf("event %d is cancelled: %w", ev.ID, event.ErrClosed)
		}
		if !now.Before(ev.StartsAt) {
			return fmt.Errorf("event %d: %w", ev.ID, event.ErrAlreadyFinished)
		}
		if err := r.publishTx(ctx, tx, ev, now); err != nil {
			return err
		}
		seg := ev.Segment
		if req.Segment != nil {
			seg = *req.Segment
		}
		rs, err := r.recipients(ctx, tx, seg)
		if err != nil {
			return err
		}
		var codes []string
		if err := tx.SelectContext(ctx, &codes, tx.Rebind(`SELECT checkin_code FROM invitations WHERE event_id = ?`), ev.ID); err != nil {
			return fmt.Errorf("load check-in codes: %w", err)
		}
		used := map[string]bool{}
		for _, c := range codes {
			used[c] = true
		}
		bid, err := InsertID(ctx, tx, r.db.Dialect, `INSERT INTO broadcasts (event_id, kind, segment, staff_contact_id, created_by, created_at)
 VALUES (?, 'invite', ?, ?, ?, ?)`, ev.ID, segJSON(seg), evNullID(req.StaffContactID), req.CreatedBy, now)
		if err != nil {
			return fmt.Errorf("record broadcast: %w", err)
		}
		res.BroadcastID = bid
		res.ByChannel = map[string]int{}
		var invs []event.Invitation
		byContact := map[int64]Recipient{}
		tgBot := r.telegramBot()
		for _, rc := range rs {
			if rc.Stopped || rc.Blocked {
				res.Skipped++
				continue
			}
			code := event.NewCheckinCode()
			for used[code] {
				code = event.NewCheckinCode()
			}
			used[code] = true
			invs = append(invs, event.Invitation{EventID: ev.ID, ContactID: rc.ContactID, BroadcastID: bid, Token: event.NewToken(), CheckinCode: code})
			byContact[rc.ContactID] = rc
		}
		added, err := r.insertInvitations(ctx, tx, invs, now)
		if err != nil {
			return err
		}
		res.Already = len(invs) - len(added)
		msgs := make([]outbox.Message, 0, len(added))
		for _, inv := range added {
			rc := byContact[inv.ContactID]
			msgs = append(msgs, outbox.Message{
				Kind: outbox.KindInvite, To: rc.Address, ContactID: rc.ContactID, EventID: ev.ID, InvitationID: inv.ID, BroadcastID: bid,
				DedupeKey: fmt.Sprintf("invite:%d:%d", ev.ID, rc.ContactID),
				Payload:   outbox.NoticePayload(event.InvitationNotice(ev, &inv, addressee(rc.ContactID, rc.Address, rc.Name, rc.Lang, tgBot))),
				Priority:  outbox.PriorityInvite, NotBefore: now, NotAfter: ev.StartsAt,
			})
			res.ByChannel[string(rc.Address.Channel)]++
		}
		n, err := Enqueue(ctx, tx, msgs, now)
		if err != nil {
			return err
		}
		res.Queued = n
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE broadcasts SET total = ?, skipped = ?, already = ? WHERE id = ?`), n, res.Skipped, res.Already, bid)
		return err
	})
	if err != nil {
		return BroadcastResult{}, fmt.Errorf("broadcast event %d: %w", req.EventID, err)
	}
	return res, nil
}

// invitationChunk rows go in one INSERT (6 parameters each).
const invitationChunk = 500

// insertInvitations adds invs, many per statement, leaving out contacts
// already invited to the event (UNIQUE (event_id, contact_id)); it returns
// the ones added, with their ids, in the order given.
func (r *EventRepo) insertInvitations(ctx context.Context, tx *sqlx.Tx, invs []event.Invitation, now time.Time) ([]event.Invitation, error) {
	var added []event.Invitation
	for len(invs) > 0 {
		chunk := invs[:min(len(invs), invitationChunk)]
		invs = invs[len(chunk):]
		var b strings.Builder
		b.WriteString(`INSERT INTO invitations (event_id, contact_id, broadcast_id, token, status, party_size, checkin_code, created_at) VALUES `)
		args := make([]any, 0, len(chunk)*6)
		for i, inv := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, 'invited', 0, ?, ?)")
			args = append(args, inv.EventID, inv.ContactID, evNullID(inv.BroadcastID), inv.Token, inv.CheckinCode, now)
		}
		b.WriteString(` ON CONFLICT (event_id, contact_id) DO NOTHING RETURNING id, contact_id`)
		rows, err := tx.QueryxContext(ctx, tx.Rebind(b.String()), args...)
		if err != nil {
			return nil, fmt.Errorf("insert invitations: %w", err)
		}
		ids := map[int64]int64{}
		for rows.Next() {
			var id, contact int64
			if err := rows.Scan(&id, &contact); err != nil {
				rows.Close()
				return nil, err
			}
			ids[contact] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("insert invitations: %w", err)
		}
		for _, inv := range chunk {
			if id, ok := ids[inv.ContactID]; ok {
				inv.ID = id
				inv.CreatedAt = now
				added = append(added, inv)
			}
		}
	}
	return added, nil
}

const invCols = `i.id, i.event_id, i.contact_id, COALESCE(i.broadcast_id, 0), i.token, i.status, i.party_size, i.needs, i.checkin_code,
 i.answered_at, i.waitlisted_at, i.checked_in_at, i.checked_in_by, i.created_at`

// scanInvitations reads every row of an invCols query and closes rows.
func scanInvitations(rows *sqlx.Rows) ([]event.Invitation, error) {
	defer rows.Close()
	var invs []event.Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		invs = append(invs, *inv)
	}
	return invs, rows.Err()
}

func scanInvitation(r eventRow, extra ...any) (*event.Invitation, error) {
	var inv event.Invitation
	var status, needs string
	var answered, waitlisted, checked sql.NullTime
	dest := []any{&inv.ID, &inv.EventID, &inv.ContactID, &inv.BroadcastID, &inv.Token, &status, &inv.PartySize, &needs, &inv.CheckinCode,
		&answered, &waitlisted, &checked, &inv.CheckedInBy, &inv.CreatedAt}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	inv.Status = event.Answer(status)
	if needs != "" {
		inv.Needs = strings.Split(needs, ",")
	}
	inv.AnsweredAt, inv.WaitlistedAt, inv.CheckedInAt = answered.Time, waitlisted.Time, checked.Time
	return &inv, nil
}

// Invitation loads an invitation by its token with its event.
func (r *EventRepo) Invitation(ctx context.Context, token string) (*event.Invitation, *event.Event, error) {
	inv, err := scanInvitation(r.db.QueryRowxContext(ctx, r.db.Rebind(`SELECT `+invCols+` FROM invitations i WHERE i.token = ?`), strings.ToLower(strings.TrimSpace(token))))
	if noRows(err) {
		return nil, nil, fmt.Errorf("invitation %q: %w", token, event.ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load invitation: %w", err)
	}
	ev, err := r.Event(ctx, inv.EventID)
	if err != nil {
		return nil, nil, err
	}
	return inv, ev, nil
}

// contactInfo is what notices need about a contact.
type contactInfo struct {
	Address outbox.Address
	Name    string
	Lang    string
}

// to is who a notice to contact id goes to.
func (ci contactInfo) to(id int64) event.Addressee {
	return addressee(id, ci.Address, ci.Name, ci.Lang, "")
}

// addressee names a notice's recipient for package event; tgBot is the
// bot's username for the invitation's Telegram link ("" none).
func addressee(id int64, a outbox.Address, name, lang, tgBot string) event.Addressee {
	return event.Addressee{ContactID: id, Name: name, Lang: lang, Channel: string(a.Channel), TelegramBot: tgBot}
}

// contactCols, over contacts c, are what contactInfo scans: the channel,
// the external id, the name to address (the owner's on the first
// business, else the chat's display name) and the language.
const contactCols = `c.channel, c.external_id,
 COALESCE((SELECT NULLIF(b.owner_name, '') FROM businesses b WHERE b.contact_id = c.id AND b.deleted_at IS NULL ORDER BY b.id LIMIT 1), c.display_name), c.language`

func (r *EventRepo) contactInfo(ctx context.Context, q sqlx.QueryerContext, id int64) (contactInfo, error) {
	var ci contactInfo
	err := q.QueryRowxContext(ctx, r.db.Rebind(`SELECT `+contactCols+` FROM contacts c WHERE c.id = ?`), id).
		Scan(&ci.Address.Channel, &ci.Address.ExternalID, &ci.Name, &ci.Lang)
	if err != nil {
		return ci, fmt.Errorf("load contact %d: %w", id, notFound(err, contact.ErrNotFound))
	}
	return ci, nil
}

// MyInvitation is one line of an owner's `acara` list.
type MyInvitation struct {
	Invitation event.Invitation
	Event      event.Event
}

// MyInvitations lists a contact's invitations to events not yet ended,
// soonest first.
func (r *EventRepo) MyInvitations(ctx context.Context, contactID int64, now time.Time) ([]MyInvitation, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT `+invCols+` FROM invitations i JOIN events e ON e.id = i.event_id
 WHERE i.contact_id = ? AND e.ends_at > ? AND e.status <> 'draft' ORDER BY e.starts_at, i.id`), contactID, now.UTC())
	if err != nil {
		return nil, fmt.Errorf("my invitations: %w", err)
	}
	invs, err := scanInvitations(rows)
	if err != nil {
		return nil, fmt.Errorf("my invitations: %w", err)
	}
	out := make([]MyInvitation, 0, len(invs))
	for _, inv := range invs {
		ev, err := r.Event(ctx, inv.EventID)
		if err != nil {
			return nil, err
		}
		out = append(out, MyInvitation{Invitation: inv, Event: *ev})
	}
	return out, nil
}
