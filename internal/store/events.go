package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/event"
	"jejaring/internal/outbox"
)

// EventRepo stores events, broadcasts and invitations, and writes the
// outbox rows each change announces in the same transaction. Its files go
// by idea: the event's life (this file: create, publish, change, cancel
// and the notices those send), invitations.go (segments, broadcasts,
// invitations), rsvp.go (answers, waitlist, reminders, check-in) and
// reports.go (attendance, export). The words of every notice come from
// package event (event.Notice), queued through outbox.NoticePayload.
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
		n, err = r.notify(ctx, tx, ev, outbox.KindChange, now, func(to event.Addressee) event.Notice { return event.ChangeNotice(ev, to) }, true)
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
		n, err = r.notify(ctx, tx, ev, outbox.KindCancel, now, func(to event.Addressee) event.Notice { return event.CancelNotice(ev, to) }, false)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("cancel event %d: %w", id, err)
	}
	return n, nil
}

// notify queues a notice to every invitation answered going, waitlist or maybe,
// plus fresh reminders for the going ones when remind is set.
func (r *EventRepo) notify(ctx context.Context, tx *sqlx.Tx, ev *event.Event, kind string, now time.Time, notice func(to event.Addressee) event.Notice, remind bool) (int, error) {
	rows, err := tx.QueryxContext(ctx, tx.Rebind(`SELECT `+invCols+`, `+contactCols+`
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
		inv, err := scanInvitation(rows, &ci.Address.Channel, &ci.Address.ExternalID, &ci.Name, &ci.Lang)
		if err != nil {
			rows.Close()
			return 0, err
		}
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
			Payload:   outbox.NoticePayload(notice(t.ci.to(t.inv.ContactID))), Priority: outbox.PriorityNotice, NotBefore: now,
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
