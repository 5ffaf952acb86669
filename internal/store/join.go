package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/event"
)

// OpenEvents lists published events a contact was not invited to and can
// still answer (before the deadline and the start), soonest first: the
// `acara` menu offers them to join.
func (r *EventRepo) OpenEvents(ctx context.Context, contactID int64, now time.Time, limit int) ([]event.Event, error) {
	now = now.UTC()
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT `+eventCols+` FROM events e
 WHERE e.status IN ('published', 'changed') AND e.starts_at > ? AND (e.rsvp_deadline IS NULL OR e.rsvp_deadline > ?)
   AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.event_id = e.id AND i.contact_id = ?)
 ORDER BY e.starts_at, e.id LIMIT ?`), now, now, contactID, limit)
	if err != nil {
		return nil, fmt.Errorf("open events: %w", err)
	}
	defer rows.Close()
	var out []event.Event
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("open events: %w", err)
		}
		out = append(out, *ev)
	}
	return out, rows.Err()
}

// Join gives a contact who asked for an open event their own invitation
// (no message is sent: the owner answers in the same conversation) and
// returns its token; a contact invited already gets the one they have.
// event.ErrClosed when the event does not take answers now.
func (r *EventRepo) Join(ctx context.Context, eventID, contactID int64, now time.Time) (string, error) {
	now = now.UTC()
	var token string
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		ev, err := r.eventQ(ctx, tx, eventID, true)
		if err != nil {
			return err
		}
		if !ev.Status.Open() || !now.Before(ev.Deadline()) {
			return fmt.Errorf("event %d: %w", eventID, event.ErrClosed)
		}
		var codes []string
		if err := tx.SelectContext(ctx, &codes, tx.Rebind(`SELECT checkin_code FROM invitations WHERE event_id = ?`), eventID); err != nil {
			return fmt.Errorf("load check-in codes: %w", err)
		}
		used := map[string]bool{}
		for _, c := range codes {
			used[c] = true
		}
		code := event.NewCheckinCode()
		for used[code] {
			code = event.NewCheckinCode()
		}
		if _, err := r.insertInvitations(ctx, tx, []event.Invitation{{EventID: eventID, ContactID: contactID, Token: event.NewToken(), CheckinCode: code}}, now); err != nil {
			return err
		}
		return tx.GetContext(ctx, &token, tx.Rebind(`SELECT token FROM invitations WHERE event_id = ? AND contact_id = ?`), eventID, contactID)
	})
	if err != nil {
		return "", fmt.Errorf("join event %d: %w", eventID, err)
	}
	return token, nil
}
