package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/outbox"
)

// What came of an event (issue 16): the questions asked after it and their
// answers. ScheduleOutcomes plans them for everyone who checked in, each
// as an outcomes row and an outbox row with its time; the hasil flow
// records the answers (AnswerOutcome); Report (report.go) counts them.

// ErrOutcomeNotFound is an unknown outcome token, or one that is not the
// asking contact's.
var ErrOutcomeNotFound = errors.New("outcome question not found")

// Outcome windows: the question right after is not asked once it is three
// days late (a bot that was down does not ask about last week's seminar);
// a follow-up is dropped when it is a fortnight late (follow-up months set
// long after the event).
const (
	afterLate    = 3 * 24 * time.Hour
	followupLate = 14 * 24 * time.Hour
	// outcomeHorizon is how long after an event its follow-ups may still be
	// planned: the latest follow-up month (24) and its fortnight.
	outcomeHorizon = (24*31 + 14) * 24 * time.Hour
)

// Followups returns an event's follow-up months: what staff set, else the
// default of its kind (event.DefaultFollowups).
func (r *EventRepo) Followups(ctx context.Context, eventID int64) ([]int, error) {
	return r.followups(ctx, r.db, eventID)
}

func (r *EventRepo) followups(ctx context.Context, q sqlx.QueryerContext, eventID int64) ([]int, error) {
	var kind string
	var months sql.NullString
	err := q.QueryRowxContext(ctx, r.db.Rebind(`SELECT kind, followup_months FROM events WHERE id = ?`), eventID).Scan(&kind, &months)
	if err != nil {
		return nil, fmt.Errorf("event %d follow-ups: %w", eventID, notFound(err, event.ErrNotFound))
	}
	if !months.Valid {
		return event.DefaultFollowups(event.Kind(kind)), nil
	}
	return event.ParseFollowups(months.String)
}

// SetFollowups sets an event's follow-up months. Questions already planned
// for a month no longer wanted are withdrawn (their unsent outbox rows
// cancelled, unanswered rows removed); new months are planned by the next
// ScheduleOutcomes.
func (r *EventRepo) SetFollowups(ctx context.Context, eventID int64, months []int, actor string, now time.Time) error {
	return r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE events SET followup_months = ?, updated_at = ? WHERE id = ?`), event.FormatFollowups(months), now, eventID)
		if err != nil {
			return fmt.Errorf("set follow-ups of event %d: %w", eventID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("event %d: %w", eventID, event.ErrNotFound)
		}
		keep := []any{eventID, string(event.RoundAfter)}
		marks := "?"
		for _, m := range months {
			keep = append(keep, string(event.FollowupRound(m)))
			marks += ", ?"
		}
		gone := `SELECT id FROM outcomes WHERE event_id = ? AND answered_at IS NULL AND round NOT IN (` + marks + `)`
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, tx.Rebind(gone), keep...); err != nil {
			return fmt.Errorf("follow-ups no longer wanted: %w", err)
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET status = 'cancelled', updated_at = ? WHERE dedupe_key = ? AND status = 'pending'`),
				now, outcomeKey(id)); err != nil {
				return fmt.Errorf("withdraw follow-up %d: %w", id, err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM outcomes WHERE id = ?`), id); err != nil {
				return fmt.Errorf("remove follow-up %d: %w", id, err)
			}
		}
		return addAudit(ctx, tx, r.db.Dialect, now, actor, "event.followups", "event", strconv.FormatInt(eventID, 10),
			map[string]any{"months": months, "withdrawn": len(ids)})
	})
}

func outcomeKey(id int64) string { return "outcome:" + strconv.FormatInt(id, 10) }

// plannedRound is a question to plan for everyone who came.
type plannedRound struct {
	round        event.Round
	due, expires time.Time
}

// rounds are the questions still worth planning at now for ev.
func rounds(ev *event.Event, months []int, now time.Time) []plannedRound {
	var out []plannedRound
	if at := event.AfterAt(ev); now.Before(at.Add(afterLate)) {
		out = append(out, plannedRound{event.RoundAfter, at, at.Add(afterLate)})
	}
	for _, m := range months {
		if at := event.FollowupAt(ev, m); now.Before(at.Add(followupLate)) {
			out = append(out, plannedRound{event.FollowupRound(m), at, at.Add(followupLate)})
		}
	}
	return out
}

// ScheduleOutcomes plans the outcome questions of the events that have
// begun (and were not cancelled): for each temu bisnis meeting whose slot is
// over and whose two sides came, a question to each side right after it
// and its follow-ups (meeting_outcomes.go); once the event has ended, for
// everyone else who checked in, the question about the event as a whole
// and its follow-ups. One outcomes row per person and round, and its outbox
// row due at the round's time.
// It is safe to run again and from several processes at once (one row per
// event, contact, meeting, side and round; the outbox row's key is the
// outcome's id), and a check-in entered after the event is picked up by
// the next run. It returns how many questions it planned.
func (r *EventRepo) ScheduleOutcomes(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	var evs []eventRow2
	if err := r.db.SelectContext(ctx, &evs, r.db.Rebind(`SELECT id FROM events WHERE starts_at <= ? AND ends_at > ? AND status IN (?, ?) ORDER BY id`),
		now, now.Add(-outcomeHorizon), string(event.Published), string(event.Changed)); err != nil {
		return 0, fmt.Errorf("events that ended: %w", err)
	}
	planned := 0
	for _, e := range evs {
		n, err := r.scheduleEventOutcomes(ctx, e.ID, now)
		if err != nil {
			return planned, err
		}
		planned += n
	}
	return planned, nil
}

type eventRow2 struct {
	ID int64 `db:"id"`
}

func (r *EventRepo) scheduleEventOutcomes(ctx context.Context, eventID int64, now time.Time) (int, error) {
	planned := 0
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		planned = 0
		ev, err := r.eventQ(ctx, tx, eventID, false)
		if err != nil {
			return err
		}
		months, err := r.followups(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if err := r.scheduleMeetingOutcomes(ctx, tx, ev, months, now, &planned); err != nil {
			return err
		}
		if now.Before(ev.EndsAt) {
			return nil // the event's own questions wait for its end
		}
		want := rounds(ev, months, now)
		if len(want) == 0 {
			return nil
		}
		// Who came and still lacks a question: checked in, not erased.
		rows, err := tx.QueryxContext(ctx, tx.Rebind(`SELECT i.id, i.contact_id,
 COALESCE((SELECT b.id FROM businesses b WHERE b.contact_id = i.contact_id AND b.deleted_at IS NULL ORDER BY b.id LIMIT 1), 0)
 FROM invitations i JOIN contacts c ON c.id = i.contact_id
 WHERE i.event_id = ? AND i.checked_in_at IS NOT NULL AND c.erased_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM match_meetings m WHERE m.invitation_id = i.id)
   AND (SELECT COUNT(*) FROM outcomes o WHERE o.invitation_id = i.id AND o.meeting_key = '' AND o.side = 'owner') < ?
 ORDER BY i.id`), eventID, len(want))
		if err != nil {
			return fmt.Errorf("attendees of event %d: %w", eventID, err)
		}
		type who struct{ inv, contact, business int64 }
		var people []who
		for rows.Next() {
			var w who
			if err := rows.Scan(&w.inv, &w.contact, &w.business); err != nil {
				rows.Close()
				return err
			}
			people = append(people, w)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, p := range people {
			ci, err := r.contactInfo(ctx, tx, p.contact)
			if err != nil {
				return err
			}
			for _, pr := range want {
				o := event.Outcome{EventID: eventID, InvitationID: p.inv, ContactID: p.contact, BusinessID: p.business,
					Side: event.SideOwner, Round: pr.round, DueAt: pr.due}
				ok, err := r.planOutcome(ctx, tx, ev, &o, ci, pr, now)
				if err != nil {
					return err
				}
				if ok {
					planned++
				}
			}
		}
		return nil
	})
	return planned, err
}

// planOutcome adds the question o (its round pr) and its outbox row to ci,
// unless it was planned before (false).
func (r *EventRepo) planOutcome(ctx context.Context, tx *sqlx.Tx, ev *event.Event, o *event.Outcome, ci contactInfo, pr plannedRound, now time.Time) (bool, error) {
	o.Token = event.NewToken()
	id, err := insertOutcome(ctx, tx, r.db.Dialect, o, now)
	if err != nil || id == 0 {
		return false, err
	}
	o.ID = id
	due := pr.due
	if due.Before(now) {
		due = now
	}
	_, err = Enqueue(ctx, tx, []outbox.Message{{
		Kind: outbox.KindOutcome, To: ci.Address, ContactID: o.ContactID, EventID: ev.ID, InvitationID: o.InvitationID,
		DedupeKey: outcomeKey(id), Payload: outbox.NoticePayload(event.OutcomeNotice(ev, o, ci.to(o.ContactID))),
		Priority: outbox.PriorityReminder, NotBefore: due, NotAfter: pr.expires,
	}}, now)
	return err == nil, err
}

// insertOutcome adds o unless its (event, contact, meeting, side, round)
// exists; it returns the new id, or 0 when it existed.
func insertOutcome(ctx context.Context, tx *sqlx.Tx, dialect string, o *event.Outcome, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowxContext(ctx, tx.Rebind(`INSERT INTO outcomes (event_id, invitation_id, contact_id, business_id, side, meeting_key, counterpart, round, token, due_at, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, contact_id, meeting_key, side, round) DO NOTHING RETURNING id`),
		o.EventID, nullID(o.InvitationID), nullID(o.ContactID), nullID(o.BusinessID), o.Side, o.MeetingKey, o.Counterpart, string(o.Round), o.Token, o.DueAt.UTC(), now).Scan(&id)
	if noRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("plan outcome question: %w", err)
	}
	return id, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const outcomeCols = `o.id, o.event_id, COALESCE(o.invitation_id, 0), COALESCE(o.contact_id, 0), COALESCE(o.business_id, 0), o.side, o.meeting_key,
 o.counterpart, o.round, o.token, o.due_at, o.rating, o.wants_next, o.in_contact, o.deal_kind, o.deal_status, o.deal_value, o.deal_per, o.note, o.answered_at`

func scanOutcome(r eventRow) (*event.Outcome, error) {
	var o event.Outcome
	var round, rating, kind, status, per string
	var answered sql.NullTime
	if err := r.Scan(&o.ID, &o.EventID, &o.InvitationID, &o.ContactID, &o.BusinessID, &o.Side, &o.MeetingKey, &o.Counterpart, &round, &o.Token,
		&o.DueAt, &rating, &o.WantsNext, &o.InContact, &kind, &status, &o.DealValue, &per, &o.Note, &answered); err != nil {
		return nil, err
	}
	o.Round, o.Rating, o.DealKind, o.DealStatus, o.DealPer = event.Round(round), event.Rating(rating), event.DealKind(kind), event.DealStatus(status), idn.Period(per)
	o.AnsweredAt = answered.Time
	return &o, nil
}

// OutcomeFor loads the outcome question with token for the contact asking:
// a token that is not theirs is ErrOutcomeNotFound, as an unknown one is
// (a forwarded button does not let someone else answer).
func (r *EventRepo) OutcomeFor(ctx context.Context, token string, contactID int64) (*event.Outcome, *event.Event, error) {
	o, err := scanOutcome(r.db.QueryRowxContext(ctx, r.db.Rebind(`SELECT `+outcomeCols+` FROM outcomes o WHERE o.token = ? AND o.contact_id = ?`),
		strings.ToLower(strings.TrimSpace(token)), contactID))
	if noRows(err) {
		return nil, nil, fmt.Errorf("outcome %q: %w", token, ErrOutcomeNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load outcome: %w", err)
	}
	ev, err := r.Event(ctx, o.EventID)
	if err != nil {
		return nil, nil, err
	}
	return o, ev, nil
}

// LatestOutcome is the contact's most recent question already due (the
// one `hasil` typed alone answers); ErrOutcomeNotFound when none is.
func (r *EventRepo) LatestOutcome(ctx context.Context, contactID int64, now time.Time) (*event.Outcome, *event.Event, error) {
	var token string
	err := r.db.QueryRowxContext(ctx, r.db.Rebind(`SELECT o.token FROM outcomes o WHERE o.contact_id = ? AND o.due_at <= ? ORDER BY o.due_at DESC, o.id DESC LIMIT 1`),
		contactID, now.UTC()).Scan(&token)
	if noRows(err) {
		return nil, nil, fmt.Errorf("contact %d: %w", contactID, ErrOutcomeNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("latest outcome: %w", err)
	}
	return r.OutcomeFor(ctx, token, contactID)
}

// OutcomeAnswer is what the hasil flow records; empty fields are left as
// they were.
type OutcomeAnswer struct {
	Rating     event.Rating
	WantsNext  string
	InContact  string
	DealKind   event.DealKind
	DealStatus event.DealStatus
	DealValue  int64
	DealPer    idn.Period
	Note       string
}

// AnswerOutcome records the contact's answer to their question token. An
// answer may be given again (a second tap changes the rating); "tidak" to
// a follow-up clears any deal given before.
func (r *EventRepo) AnswerOutcome(ctx context.Context, token string, contactID int64, a OutcomeAnswer, now time.Time) (*event.Outcome, error) {
	var out *event.Outcome
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		o, err := scanOutcome(tx.QueryRowxContext(ctx, tx.Rebind(`SELECT `+outcomeCols+` FROM outcomes o WHERE o.token = ? AND o.contact_id = ?`),
			strings.ToLower(strings.TrimSpace(token)), contactID))
		if noRows(err) {
			return fmt.Errorf("outcome %q: %w", token, ErrOutcomeNotFound)
		}
		if err != nil {
			return fmt.Errorf("load outcome: %w", err)
		}
		if a.Rating != "" {
			o.Rating = a.Rating
		}
		if a.WantsNext != "" {
			o.WantsNext = truncate(a.WantsNext, 500)
		}
		if a.Note != "" {
			o.Note = truncate(a.Note, 500)
		}
		if a.InContact != "" {
			o.InContact = a.InContact
		}
		if o.InContact == "tidak" {
			o.DealKind, o.DealStatus, o.DealValue, o.DealPer = "", "", 0, ""
		} else {
			if a.DealKind != "" {
				o.DealKind = a.DealKind
			}
			if a.DealStatus != "" {
				o.DealStatus = a.DealStatus
			}
			if a.DealValue > 0 {
				o.DealValue, o.DealPer = a.DealValue, a.DealPer
			}
		}
		o.AnsweredAt = now.UTC()
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outcomes SET rating = ?, wants_next = ?, in_contact = ?, deal_kind = ?, deal_status = ?, deal_value = ?, deal_per = ?, note = ?, answered_at = ? WHERE id = ?`),
			string(o.Rating), o.WantsNext, o.InContact, string(o.DealKind), string(o.DealStatus), o.DealValue, string(o.DealPer), o.Note, o.AnsweredAt, o.ID); err != nil {
			return fmt.Errorf("save outcome answer: %w", err)
		}
		out = o
		return nil
	})
	return out, err
}

// MyOutcome is one of a contact's answers, with its event's title (datasaya).
type MyOutcome struct {
	Outcome event.Outcome
	Title   string
}

// OutcomesOf lists the contact's answered outcome questions, newest first
// (datasaya shows them: they are the owner's personal data).
func (db *DB) OutcomesOf(ctx context.Context, contactID int64) ([]MyOutcome, error) {
	return (&EventRepo{db: db}).OutcomesOf(ctx, contactID)
}

// OutcomesOf lists the contact's answered outcome questions, newest first.
func (r *EventRepo) OutcomesOf(ctx context.Context, contactID int64) ([]MyOutcome, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT `+outcomeCols+`, e.title FROM outcomes o JOIN events e ON e.id = o.event_id
 WHERE o.contact_id = ? AND o.answered_at IS NOT NULL ORDER BY o.answered_at DESC, o.id DESC`), contactID)
	if err != nil {
		return nil, fmt.Errorf("outcomes of contact %d: %w", contactID, err)
	}
	defer rows.Close()
	var out []MyOutcome
	for rows.Next() {
		var title string
		o, err := scanOutcome(scanWith{rows, &title})
		if err != nil {
			return nil, err
		}
		out = append(out, MyOutcome{Outcome: *o, Title: title})
	}
	return out, rows.Err()
}

// scanWith scans a row's leading columns into the caller's destinations
// and the trailing ones into extra.
type scanWith struct {
	r     eventRow
	extra any
}

func (s scanWith) Scan(dest ...any) error { return s.r.Scan(append(dest, s.extra)...) }

// eraseOutcomes keeps a contact's answers for the statistics only: who
// answered, the other side's name and the free texts go; the ratings and
// deals stay, counted by the business's anonymised kecamatan and class.
func eraseOutcomes(ctx context.Context, tx *sqlx.Tx, contactID int64) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outcomes SET contact_id = NULL, counterpart = '', wants_next = '', note = '', token = 'erased-' || CAST(id AS TEXT) WHERE contact_id = ?`), contactID); err != nil {
		return fmt.Errorf("erase outcomes of contact %d: %w", contactID, err)
	}
	return nil
}
