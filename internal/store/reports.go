package store

import (
	"context"
	"fmt"

	"jejaring/internal/event"
)

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
