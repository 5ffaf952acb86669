package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/event"
	"jejaring/internal/outbox"
)

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
			Payload:   outbox.NoticePayload(event.ReminderNotice(ev, inv, rm.Key, ci.to(inv.ContactID))),
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
		if err := r.promoteOne(ctx, tx, ev, &promoted[i], now); err != nil {
			return nil, err
		}
	}
	return promoted, nil
}

// promoteOne gives a waiting invitation its seat: going, the promoted
// owner's notice with calendar file and QR code, and the reminders.
func (r *EventRepo) promoteOne(ctx context.Context, tx *sqlx.Tx, ev *event.Event, p *event.Invitation, now time.Time) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE invitations SET status = 'going', waitlisted_at = NULL WHERE id = ?`), p.ID); err != nil {
		return fmt.Errorf("promote: %w", err)
	}
	p.Status = event.Going
	ci, err := r.contactInfo(ctx, tx, p.ContactID)
	if err != nil {
		return err
	}
	notice, err := event.PromotedNotice(ev, p, ci.to(p.ContactID), now)
	if err != nil {
		return err
	}
	if _, err := Enqueue(ctx, tx, []outbox.Message{{
		Kind: outbox.KindPromote, To: ci.Address, ContactID: p.ContactID, EventID: ev.ID, InvitationID: p.ID,
		DedupeKey: fmt.Sprintf("promote:%d:%d", p.ID, now.UnixNano()),
		Payload:   outbox.NoticePayload(notice), Priority: outbox.PriorityPersonal, NotBefore: now, NotAfter: ev.StartsAt,
	}}, now); err != nil {
		return err
	}
	return scheduleReminders(ctx, tx, ev, p, ci, now)
}

// CheckIn marks the attendee with code present. It refuses an unknown code
// (event.ErrBadCheckinCode), an invitation not answered Hadir with a seat
// (event.ErrNotAttending), and a second check-in (event.ErrAlreadyCheckin,
// with the first one's invitation returned).
func (r *EventRepo) CheckIn(ctx context.Context, eventID int64, code, by string, now time.Time) (*event.Invitation, string, error) {
	var inv *event.Invitation
	var name string
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		inv, name, err = r.checkInTx(ctx, tx, eventID, code, by, now)
		return err
	})
	return inv, name, err
}

// checkInTx is CheckIn inside tx. The update takes only a row not yet
// checked in, so two phones scanning one code at the same moment make one
// check-in and one "already".
func (r *EventRepo) checkInTx(ctx context.Context, tx *sqlx.Tx, eventID int64, code, by string, now time.Time) (*event.Invitation, string, error) {
	code = event.NormalizeCode(code)
	load := func() (*event.Invitation, error) {
		inv, err := scanInvitation(tx.QueryRowxContext(ctx, tx.Rebind(`SELECT `+invCols+` FROM invitations i WHERE i.event_id = ? AND i.checkin_code = ?`), eventID, code))
		if noRows(err) {
			return nil, fmt.Errorf("code %q: %w", code, event.ErrBadCheckinCode)
		}
		if err != nil {
			return nil, fmt.Errorf("load invitation: %w", err)
		}
		return inv, nil
	}
	inv, err := load()
	if err != nil {
		return nil, "", err
	}
	ci, err := r.contactInfo(ctx, tx, inv.ContactID)
	if err != nil {
		return nil, "", err
	}
	if !inv.CheckedInAt.IsZero() {
		return inv, ci.Name, event.ErrAlreadyCheckin
	}
	if inv.Status != event.Going {
		return inv, ci.Name, fmt.Errorf("%w (%s)", event.ErrNotAttending, inv.Status.Label())
	}
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE invitations SET checked_in_at = ?, checked_in_by = ? WHERE id = ? AND checked_in_at IS NULL`), now.UTC(), by, inv.ID)
	if err != nil {
		return nil, "", fmt.Errorf("check in: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		if inv, err = load(); err != nil {
			return nil, "", err
		}
		return inv, ci.Name, event.ErrAlreadyCheckin
	}
	inv.CheckedInAt, inv.CheckedInBy = now.UTC(), by
	return inv, ci.Name, nil
}
