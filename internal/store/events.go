package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/outbox"
)

// EventRepo stores events, broadcasts and invitations, and writes the
// outbox rows each change announces in the same transaction.
type EventRepo struct {
	db *DB
	// TelegramBot is the bot's username; when set, invitations on other
	// channels carry a t.me deep link so owners can answer on Telegram.
	TelegramBot string
	// TelegramBotName, when TelegramBot is empty, is asked for the
	// username at each broadcast ("" = not known yet): the app gives the
	// running Telegram adapter's, learned from getMe after the start.
	TelegramBotName func() string
}

// telegramBot is the username for deep links, "" when unknown.
func (r *EventRepo) telegramBot() string {
	if r.TelegramBot != "" || r.TelegramBotName == nil {
		return r.TelegramBot
	}
	return strings.TrimPrefix(r.TelegramBotName(), "@")
}

// NewEventRepo returns the event repository on db.
func NewEventRepo(db *DB) *EventRepo { return &EventRepo{db: db} }

const eventCols = `id, title, kind, description, venue, map_url, starts_at, ends_at, capacity, max_party,
 rsvp_deadline, segment, status, created_by, created_at, updated_at`

type eventRow interface{ Scan(dest ...any) error }

func scanEvent(r eventRow) (*event.Event, error) {
	var ev event.Event
	var deadline sql.NullTime
	var seg, kind, status string
	if err := r.Scan(&ev.ID, &ev.Title, &kind, &ev.Description, &ev.Venue, &ev.MapURL, &ev.StartsAt, &ev.EndsAt,
		&ev.Capacity, &ev.MaxParty, &deadline, &seg, &status, &ev.CreatedBy, &ev.CreatedAt, &ev.UpdatedAt); err != nil {
		return nil, err
	}
	ev.Kind, ev.Status = event.Kind(kind), event.Status(status)
	if deadline.Valid {
		ev.RSVPDeadline = deadline.Time
	}
	if seg != "" {
		if err := json.Unmarshal([]byte(seg), &ev.Segment); err != nil {
			return nil, fmt.Errorf("event %d segment: %w", ev.ID, err)
		}
	}
	return &ev, nil
}

func segJSON(s event.Segment) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// CreateEvent validates and saves a new event as a draft (or with the
// status it carries) and returns its id.
func (r *EventRepo) CreateEvent(ctx context.Context, ev *event.Event, now time.Time) (int64, error) {
	if ev.Status == "" {
		ev.Status = event.Draft
	}
	if ev.MaxParty == 0 {
		ev.MaxParty = 1
	}
	if err := ev.Validate(); err != nil {
		return 0, err
	}
	now = now.UTC()
	id, err := InsertID(ctx, r.db, r.db.Dialect, `INSERT INTO events (title, kind, description, venue, map_url, starts_at, ends_at,
 capacity, max_party, rsvp_deadline, segment, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.Title, string(ev.Kind), ev.Description, ev.Venue, ev.MapURL, ev.StartsAt.UTC(), ev.EndsAt.UTC(), ev.Capacity, ev.MaxParty,
		evNullTime(ev.RSVPDeadline), segJSON(ev.Segment), string(ev.Status), ev.CreatedBy, now, now)
	if err != nil {
		return 0, fmt.Errorf("create event: %w", err)
	}
	ev.ID, ev.CreatedAt, ev.UpdatedAt = id, now, now
	return id, nil
}

// Event loads one event; event.ErrNotFound when there is none.
func (r *EventRepo) Event(ctx context.Context, id int64) (*event.Event, error) {
	return r.eventQ(ctx, r.db, id, false)
}

func (r *EventRepo) eventQ(ctx context.Context, q sqlx.QueryerContext, id int64, lock bool) (*event.Event, error) {
	query := `SELECT ` + eventCols + ` FROM events WHERE id = ?`
	if lock && r.db.IsPostgres() {
		query += ` FOR UPDATE`
	}
	ev, err := scanEvent(q.QueryRowxContext(ctx, r.db.Rebind(query), id))
	if noRows(err) {
		return nil, fmt.Errorf("event %d: %w", id, event.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load event %d: %w", id, err)
	}
	return ev, nil
}

// EventFilter narrows ListEvents.
type EventFilter struct {
	From     time.Time // events ending after this (zero: all)
	Statuses []event.Status
	Limit    int
}

// ListEvents lists events by start time.
func (r *EventRepo) ListEvents(ctx context.Context, f EventFilter) ([]event.Event, error) {
	q := `SELECT ` + eventCols + ` FROM events WHERE 1=1`
	var args []any
	if !f.From.IsZero() {
		q += ` AND ends_at > ?`
		args = append(args, f.From.UTC())
	}
	if len(f.Statuses) > 0 {
		q += ` AND status IN (?` + strings.Repeat(", ?", len(f.Statuses)-1) + `)`
		for _, s := range f.Statuses {
			args = append(args, string(s))
		}
	}
	q += ` ORDER BY starts_at, id`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	defer rows.Close()
	var out []event.Event
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *ev)
	}
	return out, rows.Err()
}

// Publish opens a draft event for RSVPs.
func (r *EventRepo) Publish(ctx context.Context, id int64, now time.Time) error {
	return r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		ev, err := r.eventQ(ctx, tx, id, true)
		if err != nil {
			return err
		}
		return r.publishTx(ctx, tx, ev, now)
	})
}

func (r *EventRepo) publishTx(ctx context.Context, tx *sqlx.Tx, ev *event.Event, now time.Time) error {
	switch ev.Status {
	case event.Published, event.Changed:
		return nil
	case event.Cancelled:
		return fmt.Errorf("event %d is cancelled: %w", ev.ID, event.ErrClosed)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE events SET status = ?, updated_at = ? WHERE id = ?`), string(event.Published), now.UTC(), ev.ID); err != nil {
		return fmt.Errorf("publish event %d: %w", ev.ID, err)
	}
	ev.Status = event.Published
	return nil
}

// Recipient is a contact a segment reaches.
type Recipient struct {
	ContactID int64
	Address   channel.Address
	Name      string
	Stopped   bool
	Blocked   bool
}

// Recipients lists the contacts with a business matching seg, one per
// contact, stopped and blocked ones included (marked).
func (r *EventRepo) Recipients(ctx context.Context, seg event.Segment) ([]Recipient, error) {
	return r.recipients(ctx, r.db, seg)
}

func (r *EventRepo) recipients(ctx context.Context, q sqlx.QueryerContext, seg event.Segment) ([]Recipient, error) {
	query := `SELECT c.id, c.channel, c.external_id, COALESCE(NULLIF(b.owner_name, ''), c.display_name), c.stopped, c.blocked
 FROM contacts c JOIN businesses b ON b.contact_id = c.id AND b.deleted_at IS NULL WHERE 1=1`
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
	in("c.channel", seg.Channels)
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
		if err := rows.Scan(&rc.ContactID, &ch, &rc.Address.ExternalID, &rc.Name, &rc.Stopped, &rc.Blocked); err != nil {
			return nil, err
		}
		if seen[rc.ContactID] {
			continue
		}
		seen[rc.ContactID] = true
		rc.Address.Channel = channel.Name(ch)
		out = append(out, rc)
	}
	return out, rows.Err()
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
				Payload:   outbox.Payload{Text: invitationText(ev, &inv, rc, tgBot), Choices: RSVPChoices(inv.Token)},
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

func invitationText(ev *event.Event, inv *event.Invitation, rc Recipient, tgBot string) string {
	s := event.InvitationText(ev, rc.Name, rc.ContactID)
	if tgBot != "" && rc.Address.Channel != channel.Telegram {
		s += fmt.Sprintf("\n\nBisa juga dijawab lewat Telegram: https://t.me/%s?start=rsvp_%s", tgBot, inv.Token)
	}
	return s
}

// RSVPChoices are the buttons of an invitation. Their values are deep-link
// payloads, "rsvp_<token>_yes" (also _no, _maybe): the bot routes a pressed
// choice that the current step does not expect through flow.Set.MatchPayload
// like a deep link, which starts the rsvp flow (trigger payload "rsvp_")
// with the parameter "<token>_yes"; the flow's rsvp.load action splits it.
func RSVPChoices(token string) []channel.Choice {
	return []channel.Choice{
		{Label: "Hadir", Value: "rsvp_" + token + "_yes"},
		{Label: "Tidak hadir", Value: "rsvp_" + token + "_no"},
		{Label: "Mungkin", Value: "rsvp_" + token + "_maybe"},
	}
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
	Address channel.Address
	Name    string
}

func (r *EventRepo) contactInfo(ctx context.Context, q sqlx.QueryerContext, id int64) (contactInfo, error) {
	var ci contactInfo
	var ch string
	err := q.QueryRowxContext(ctx, r.db.Rebind(`SELECT c.channel, c.external_id,
 COALESCE((SELECT NULLIF(b.owner_name, '') FROM businesses b WHERE b.contact_id = c.id AND b.deleted_at IS NULL ORDER BY b.id LIMIT 1), c.display_name)
 FROM contacts c WHERE c.id = ?`), id).Scan(&ch, &ci.Address.ExternalID, &ci.Name)
	if err != nil {
		return ci, fmt.Errorf("load contact %d: %w", id, notFound(err, contact.ErrNotFound))
	}
	ci.Address.Channel = channel.Name(ch)
	return ci, nil
}

// RSVPResult is what an answer did.
type RSVPResult struct {
	Event      *event.Event
	Invitation *event.Invitation // after the answer
	Previous   event.Answer
	Promoted   []event.Invitation // waiting invitations that got a seat (told through the outbox)
}

// Answer records an RSVP under the event's rules (event.Decide), in one
// transaction with the event row locked on PostgreSQL (SQLite has one
// writer): schedules or withdraws the reminders, and when seats were freed
// promotes from the waitlist and queues their notices.
func (r *EventRepo) Answer(ctx context.Context, token string, req event.Request, now time.Time) (RSVPResult, error) {
	var res RSVPResult
	now = now.UTC()
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		inv, err := scanInvitation(tx.QueryRowxContext(ctx, tx.Rebind(`SELECT `+invCols+` FROM invitations i WHERE i.token = ?`), strings.ToLower(strings.TrimSpace(token))))
		if noRows(err) {
			return fmt.Errorf("invitation %q: %w", token, event.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("load invitation: %w", err)
		}
		ev, err := r.eventQ(ctx, tx, inv.EventID, true)
		if err != nil {
			return err
		}
		res.Event, res.Previous = ev, inv.Status
		taken, err := seatsTaken(ctx, tx, ev.ID, inv.ID)
		if err != nil {
			return err
		}
		d, err := event.Decide(ev, inv, req, taken, now)
		if err != nil {
			return err
		}
		waitAt := any(nil)
		if d.Status == event.Waitlist {
			if inv.Status == event.Waitlist && !inv.WaitlistedAt.IsZero() {
				waitAt = inv.WaitlistedAt.UTC()
			} else {
				waitAt = now
			}
		}
		needs := ""
		if ev.Kind == event.TemuBisnis && d.Status != event.Declined {
			needs = strings.Join(req.Needs, ",")
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE invitations SET status = ?, party_size = ?, needs = ?, answered_at = ?, waitlisted_at = ? WHERE id = ?`),
			string(d.Status), d.PartySize, needs, now, waitAt, inv.ID); err != nil {
			return fmt.Errorf("record answer: %w", err)
		}
		inv.Status, inv.PartySize, inv.AnsweredAt = d.Status, d.PartySize, now
		inv.Needs = nil
		if needs != "" {
			inv.Needs = strings.Split(needs, ",")
		}
		res.Invitation = inv
		if err := dropReminders(ctx, tx, inv.ID); err != nil {
			return err
		}
		if d.Status == event.Going {
			ci, err := r.contactInfo(ctx, tx, inv.ContactID)
			if err != nil {
				return err
			}
			if err := scheduleReminders(ctx, tx, ev, inv, ci, now); err != nil {
				return err
			}
		}
		if res.Previous == event.Going {
			res.Promoted, err = r.promote(ctx, tx, ev, now)
			return err
		}
		return nil
	})
	if err != nil {
		return RSVPResult{}, fmt.Errorf("rsvp: %w", err)
	}
	return res, nil
}

func seatsTaken(ctx context.Context, tx *sqlx.Tx, eventID, except int64) (int, error) {
	var n int
	err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COALESCE(SUM(CASE WHEN party_size < 1 THEN 1 ELSE party_size END), 0) FROM invitations WHERE event_id = ? AND status = 'going' AND id <> ?`), eventID, except)
	if err != nil {
		return 0, fmt.Errorf("count seats: %w", err)
	}
	return n, nil
}

// dropReminders withdraws an invitation's reminders not sent yet.
func dropReminders(ctx context.Context, tx *sqlx.Tx, invID int64) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM outbox WHERE invitation_id = ? AND kind = 'reminder' AND status = 'pending'`), invID)
	if err != nil {
		return fmt.Errorf("withdraw reminders: %w", err)
	}
	return nil
}

// scheduleReminders queues the day-before and two-hours-before reminders
// whose time is still ahead (someone answering Hadir an hour before the
// start just got their confirmation). Each row expires at the start, so a
// reminder missed while the bot was down is sent late only if the event has
// not begun. The start time is part of
// the key: moving the event schedules new reminders.
func scheduleReminders(ctx context.Context, tx *sqlx.Tx, ev *event.Event, inv *event.Invitation, ci contactInfo, now time.Time) error {
	var msgs []outbox.Message
	for _, rm := range event.Reminders(ev) {
		if !rm.At.After(now) {
			// Its time had already passed when the owner said Hadir: they
			// have just had the confirmation, no need to remind them.
			continue
		}
		msgs = append(msgs, outbox.Message{
			Kind: outbox.KindReminder, To: ci.Address, ContactID: inv.ContactID, EventID: ev.ID, InvitationID: inv.ID,
			DedupeKey: fmt.Sprintf("reminder:%d:%s:%d", inv.ID, rm.Key, ev.StartsAt.Unix()),
			Payload:   outbox.Payload{Text: event.ReminderText(ev, rm.Key, ci.Name, inv.CheckinCode)},
			Priority:  outbox.PriorityReminder, NotBefore: rm.At, NotAfter: ev.StartsAt,
		})
	}
	_, err := Enqueue(ctx, tx, msgs, now)
	return err
}

// promote fills free seats from the waitlist (event.Promote) and queues each
// promoted owner's notice, calendar file and QR code.
func (r *EventRepo) promote(ctx context.Context, tx *sqlx.Tx, ev *event.Event, now time.Time) ([]event.Invitation, error) {
	taken, err := seatsTaken(ctx, tx, ev.ID, 0)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryxContext(ctx, tx.Rebind(`SELECT `+invCols+` FROM invitations i WHERE i.event_id = ? AND i.status = 'waitlist' ORDER BY i.waitlisted_at, i.id`), ev.ID)
	if err != nil {
		return nil, fmt.Errorf("load waitlist: %w", err)
	}
	waiting, err := scanInvitations(rows)
	if err != nil {
		return nil, fmt.Errorf("load waitlist: %w", err)
	}
	promoted := event.Promote(ev, taken, waiting)
	for i := range promoted {
		p := &promoted[i]
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE invitations SET status = 'going', waitlisted_at = NULL WHERE id = ?`), p.ID); err != nil {
			return nil, fmt.Errorf("promote: %w", err)
		}
		p.Status = event.Going
		ci, err := r.contactInfo(ctx, tx, p.ContactID)
		if err != nil {
			return nil, err
		}
		pay, err := ConfirmationPayload(ev, p, event.PromotedText(ev, p, ci.Name), now)
		if err != nil {
			return nil, err
		}
		if _, err := Enqueue(ctx, tx, []outbox.Message{{
			Kind: outbox.KindPromote, To: ci.Address, ContactID: p.ContactID, EventID: ev.ID, InvitationID: p.ID,
			DedupeKey: fmt.Sprintf("promote:%d:%d", p.ID, now.UnixNano()),
			Payload:   pay, Priority: outbox.PriorityPersonal, NotBefore: now, NotAfter: ev.StartsAt,
		}}, now); err != nil {
			return nil, err
		}
		if err := scheduleReminders(ctx, tx, ev, p, ci, now); err != nil {
			return nil, err
		}
	}
	return promoted, nil
}

// ConfirmationPayload is text followed by the .ics file and the QR image of
// the check-in code.
func ConfirmationPayload(ev *event.Event, inv *event.Invitation, text string, now time.Time) (outbox.Payload, error) {
	png, err := event.QRPNG(inv.CheckinCode)
	if err != nil {
		return outbox.Payload{}, err
	}
	return outbox.Payload{Text: text, Then: []outbox.Payload{
		{Media: &outbox.Media{Kind: "document", Name: "acara.ics", MIME: "text/calendar", Data: event.ICS(ev, inv, now), Caption: ev.Title}},
		{Media: &outbox.Media{Kind: "image", Name: "checkin.png", MIME: "image/png", Data: png, Caption: "Kode check-in: " + inv.CheckinCode}},
	}}, nil
}

// EventChange is a staff edit of an event's time or venue.
type EventChange struct {
	StartsAt, EndsAt time.Time // zero: unchanged
	Venue, MapURL    *string
}

// Change moves an event or its venue. If it was published, its status
// becomes changed, everyone who answered Hadir (going or waiting) or Mungkin
// gets a notice, and confirmed attendees' reminders are rescheduled.
// It returns how many notices were queued.
func (r *EventRepo) Change(ctx context.Context, id int64, ch EventChange, now time.Time) (int, error) {
	now = now.UTC()
	var n int
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		ev, err := r.eventQ(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if ev.Status == event.Cancelled {
			return fmt.Errorf("event %d is cancelled: %w", id, event.ErrClosed)
		}
		if !ch.StartsAt.IsZero() {
			dur := ev.EndsAt.Sub(ev.StartsAt)
			ev.StartsAt = ch.StartsAt
			if ch.EndsAt.IsZero() {
				ev.EndsAt = ch.StartsAt.Add(dur)
			}
			if !ev.RSVPDeadline.IsZero() && ev.RSVPDeadline.After(ev.StartsAt) {
				ev.RSVPDeadline = ev.StartsAt
			}
		}
		if !ch.EndsAt.IsZero() {
			ev.EndsAt = ch.EndsAt
		}
		if ch.Venue != nil {
			ev.Venue = *ch.Venue
		}
		if ch.MapURL != nil {
			ev.MapURL = *ch.MapURL
		}
		if ev.Status == event.Published {
			ev.Status = event.Changed
		}
		if err := ev.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE events SET starts_at = ?, ends_at = ?, rsvp_deadline = ?, venue = ?, map_url = ?, status = ?, updated_at = ? WHERE id = ?`),
			ev.StartsAt.UTC(), ev.EndsAt.UTC(), evNullTime(ev.RSVPDeadline), ev.Venue, ev.MapURL, string(ev.Status), now, id); err != nil {
			return fmt.Errorf("update event: %w", err)
		}
		if ev.Status == event.Draft {
			return nil
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM outbox WHERE event_id = ? AND kind = 'reminder' AND status = 'pending'`), id); err != nil {
			return fmt.Errorf("withdraw reminders: %w", err)
		}
		// Unsent invitations go out with the new details.
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET not_after = ? WHERE event_id = ? AND kind = 'invite' AND status = 'pending'`), ev.StartsAt.UTC(), id); err != nil {
			return fmt.Errorf("update pending invitations: %w", err)
		}
		n, err = r.notify(ctx, tx, ev, outbox.KindChange, now, func(name string) string { return event.ChangeText(ev, name) }, true)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("change event %d: %w", id, err)
	}
	return n, nil
}

// Cancel calls an event off: everyone who answered Hadir (going or waiting)
// or Mungkin gets a notice; unsent invitations and reminders are withdrawn.
// It returns how many notices were queued.
func (r *EventRepo) Cancel(ctx context.Context, id int64, now time.Time) (int, error) {
	now = now.UTC()
	var n int
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		ev, err := r.eventQ(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if ev.Status == event.Cancelled {
			return nil
		}
		wasDraft := ev.Status == event.Draft
		ev.Status = event.Cancelled
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE events SET status = 'cancelled', updated_at = ? WHERE id = ?`), now, id); err != nil {
			return fmt.Errorf("cancel event: %w", err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET status = 'cancelled', updated_at = ? WHERE event_id = ? AND kind IN ('invite', 'reminder', 'promote', 'change') AND status = 'pending'`), now, id); err != nil {
			return fmt.Errorf("withdraw queued messages: %w", err)
		}
		if wasDraft {
			return nil
		}
		n, err = r.notify(ctx, tx, ev, outbox.KindCancel, now, func(name string) string { return event.CancelText(ev, name) }, false)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("cancel event %d: %w", id, err)
	}
	return n, nil
}

// notify queues text to every invitation answered going, waitlist or maybe,
// plus fresh reminders for the going ones when remind is set.
func (r *EventRepo) notify(ctx context.Context, tx *sqlx.Tx, ev *event.Event, kind string, now time.Time, text func(name string) string, remind bool) (int, error) {
	rows, err := tx.QueryxContext(ctx, tx.Rebind(`SELECT `+invCols+`, c.channel, c.external_id,
 COALESCE((SELECT NULLIF(b.owner_name, '') FROM businesses b WHERE b.contact_id = c.id AND b.deleted_at IS NULL ORDER BY b.id LIMIT 1), c.display_name)
 FROM invitations i JOIN contacts c ON c.id = i.contact_id
 WHERE i.event_id = ? AND i.status IN ('going', 'waitlist', 'maybe') ORDER BY i.id`), ev.ID)
	if err != nil {
		return 0, fmt.Errorf("load attendees: %w", err)
	}
	type target struct {
		inv *event.Invitation
		ci  contactInfo
	}
	var ts []target
	for rows.Next() {
		var ci contactInfo
		var ch string
		inv, err := scanInvitation(rows, &ch, &ci.Address.ExternalID, &ci.Name)
		if err != nil {
			rows.Close()
			return 0, err
		}
		ci.Address.Channel = channel.Name(ch)
		ts = append(ts, target{inv, ci})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	bid, err := InsertID(ctx, tx, r.db.Dialect, `INSERT INTO broadcasts (event_id, kind, segment, created_by, created_at) VALUES (?, ?, '{}', 'system', ?)`, ev.ID, kind, now)
	if err != nil {
		return 0, fmt.Errorf("record notice broadcast: %w", err)
	}
	var msgs []outbox.Message
	for _, t := range ts {
		msgs = append(msgs, outbox.Message{
			Kind: kind, To: t.ci.Address, ContactID: t.inv.ContactID, EventID: ev.ID, InvitationID: t.inv.ID, BroadcastID: bid,
			DedupeKey: fmt.Sprintf("%s:%d:%d", kind, t.inv.ID, now.UnixNano()),
			Payload:   outbox.Payload{Text: text(t.ci.Name)}, Priority: outbox.PriorityNotice, NotBefore: now,
		})
		if remind && t.inv.Status == event.Going {
			if err := scheduleReminders(ctx, tx, ev, t.inv, t.ci, now); err != nil {
				return 0, err
			}
		}
	}
	n, err := Enqueue(ctx, tx, msgs, now)
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE broadcasts SET total = ? WHERE id = ?`), n, bid)
	return n, err
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

// CheckIn marks the attendee with code present. It refuses an unknown code
// (event.ErrBadCheckinCode), an invitation not answered Hadir with a seat
// (event.ErrNotAttending), and a second check-in (event.ErrAlreadyCheckin,
// with the first one's invitation returned).
func (r *EventRepo) CheckIn(ctx context.Context, eventID int64, code, by string, now time.Time) (*event.Invitation, string, error) {
	code = event.NormalizeCode(code)
	var inv *event.Invitation
	var name string
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		inv, err = scanInvitation(tx.QueryRowxContext(ctx, tx.Rebind(`SELECT `+invCols+` FROM invitations i WHERE i.event_id = ? AND i.checkin_code = ?`), eventID, code))
		if noRows(err) {
			return fmt.Errorf("code %q: %w", code, event.ErrBadCheckinCode)
		}
		if err != nil {
			return fmt.Errorf("load invitation: %w", err)
		}
		ci, err := r.contactInfo(ctx, tx, inv.ContactID)
		if err != nil {
			return err
		}
		name = ci.Name
		if !inv.CheckedInAt.IsZero() {
			return event.ErrAlreadyCheckin
		}
		if inv.Status != event.Going {
			return fmt.Errorf("%w (%s)", event.ErrNotAttending, inv.Status.Label())
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE invitations SET checked_in_at = ?, checked_in_by = ? WHERE id = ?`), now.UTC(), by, inv.ID); err != nil {
			return fmt.Errorf("check in: %w", err)
		}
		inv.CheckedInAt, inv.CheckedInBy = now.UTC(), by
		return nil
	})
	return inv, name, err
}

// Attendance counts an event's invitations.
type Attendance struct {
	Invited, Pending, Going, Waitlist, Maybe, Declined int
	Seats                                              int // people confirmed
	CheckedIn, NoShow                                  int // no-shows: going, not checked in (meaningful after the event)
}

// Attendance counts invitations, answers and check-ins of an event.
func (r *EventRepo) Attendance(ctx context.Context, eventID int64) (Attendance, error) {
	var a Attendance
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT status, COUNT(*), COALESCE(SUM(party_size), 0), SUM(CASE WHEN checked_in_at IS NULL THEN 0 ELSE 1 END)
 FROM invitations WHERE event_id = ? GROUP BY status`), eventID)
	if err != nil {
		return a, fmt.Errorf("attendance: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n, seats, checked int
		if err := rows.Scan(&s, &n, &seats, &checked); err != nil {
			return a, err
		}
		a.Invited += n
		a.CheckedIn += checked
		switch event.Answer(s) {
		case event.Invited:
			a.Pending = n
		case event.Going:
			a.Going, a.Seats, a.NoShow = n, seats, n-checked
		case event.Waitlist:
			a.Waitlist = n
		case event.Maybe:
			a.Maybe = n
		case event.Declined:
			a.Declined = n
		}
	}
	return a, rows.Err()
}

// ExportRow is one invitation in an export.
type ExportRow struct {
	Invitation event.Invitation
	Name       string
	Business   string
	Phone      string // the contact's platform-vouched phone, else the phone on its business record
	Channel    string
	Delivery   string // outbox status of the invitation message
}

// ExportRows lists every invitation of an event with who it went to, a
// phone to reach them (the one the platform gave, else the one the owner
// registered for the business: web chat and most Telegram contacts have no
// platform phone) and whether the invitation was delivered.
func (r *EventRepo) ExportRows(ctx context.Context, eventID int64) ([]ExportRow, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT `+invCols+`,
 COALESCE((SELECT NULLIF(b.owner_name, '') FROM businesses b WHERE b.contact_id = c.id AND b.deleted_at IS NULL ORDER BY b.id LIMIT 1), c.display_name),
 COALESCE((SELECT b.name FROM businesses b WHERE b.contact_id = c.id AND b.deleted_at IS NULL ORDER BY b.id LIMIT 1), ''),
 COALESCE(c.phone, (SELECT b.owner_phone FROM businesses b WHERE b.contact_id = c.id AND b.deleted_at IS NULL AND b.owner_phone IS NOT NULL AND b.owner_phone <> '' ORDER BY b.id LIMIT 1), ''), c.channel,
 COALESCE((SELECT o.status FROM outbox o WHERE o.invitation_id = i.id AND o.kind = 'invite' ORDER BY o.id LIMIT 1), '')
 FROM invitations i JOIN contacts c ON c.id = i.contact_id WHERE i.event_id = ? ORDER BY i.id`), eventID)
	if err != nil {
		return nil, fmt.Errorf("export invitations: %w", err)
	}
	defer rows.Close()
	var out []ExportRow
	for rows.Next() {
		var x ExportRow
		inv, err := scanInvitation(rows, &x.Name, &x.Business, &x.Phone, &x.Channel, &x.Delivery)
		if err != nil {
			return nil, err
		}
		x.Invitation = *inv
		out = append(out, x)
	}
	return out, rows.Err()
}
