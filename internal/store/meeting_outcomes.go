package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/event"
)

// heldMeeting is a temu bisnis meeting (match_meetings) with who sat at it.
type heldMeeting struct {
	ID, Invitation, OwnerContact, Business, PartnerContact int64
	Partner, BusinessName                                  string
	Slot                                                   int
	OwnerCame                                              bool
	OwnerAbsentFrom, PartnerAbsentFrom                     int // -1: not cancelled
}

// held reports whether the meeting took place as far as the office knows:
// the owner checked in and neither side cancelled from its slot on. What
// the two sides answer then says whether it really did (RatingNotHeld).
func (m heldMeeting) held() bool {
	gone := func(from int) bool { return from >= 0 && from <= m.Slot }
	return m.OwnerCame && !gone(m.OwnerAbsentFrom) && !gone(m.PartnerAbsentFrom)
}

func meetingKey(id int64) string { return "meeting:" + strconv.FormatInt(id, 10) }

// eventMeetings lists an event's meetings and when each slot ends (nil
// when the event has no matchmaking grid).
func eventMeetings(ctx context.Context, tx *sqlx.Tx, eventID int64) ([]heldMeeting, func(slot int) time.Time, error) {
	var first time.Time
	var minutes int
	err := tx.QueryRowxContext(ctx, tx.Rebind(`SELECT first_slot, slot_minutes FROM match_setups WHERE event_id = ?`), eventID).Scan(&first, &minutes)
	if noRows(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("matchmaking grid of event %d: %w", eventID, err)
	}
	slotEnd := func(slot int) time.Time { return first.Add(time.Duration((slot+1)*minutes) * time.Minute) }
	rows, err := tx.QueryxContext(ctx, tx.Rebind(`SELECT m.id, m.invitation_id, i.contact_id,
 COALESCE((SELECT MIN(b.id) FROM businesses b WHERE b.contact_id = i.contact_id AND b.deleted_at IS NULL), 0),
 COALESCE(p.contact_id, 0), p.organisation,
 COALESCE((SELECT b.name FROM businesses b WHERE b.contact_id = i.contact_id AND b.deleted_at IS NULL ORDER BY b.id LIMIT 1), ''),
 m.slot, i.checked_in_at, COALESCE(a.absent_from, -1), COALESCE(mp.absent_from, -1)
 FROM match_meetings m JOIN invitations i ON i.id = m.invitation_id JOIN partners p ON p.id = m.partner_id
 LEFT JOIN match_partners mp ON mp.event_id = m.event_id AND mp.partner_id = m.partner_id
 LEFT JOIN match_absences a ON a.event_id = m.event_id AND a.invitation_id = m.invitation_id
 WHERE m.event_id = ? ORDER BY m.slot, m.id`), eventID)
	if err != nil {
		return nil, nil, fmt.Errorf("meetings of event %d: %w", eventID, err)
	}
	defer rows.Close()
	var out []heldMeeting
	for rows.Next() {
		var m heldMeeting
		var came sql.NullTime
		if err := rows.Scan(&m.ID, &m.Invitation, &m.OwnerContact, &m.Business, &m.PartnerContact, &m.Partner, &m.BusinessName,
			&m.Slot, &came, &m.OwnerAbsentFrom, &m.PartnerAbsentFrom); err != nil {
			return nil, nil, err
		}
		m.OwnerCame = came.Valid
		out = append(out, m)
	}
	return out, slotEnd, rows.Err()
}

// scheduleMeetingOutcomes plans, for each meeting held whose slot is over,
// the question to each side right after it (about the other side by name)
// and the follow-ups. A partner registered without a chat is not asked.
func (r *EventRepo) scheduleMeetingOutcomes(ctx context.Context, tx *sqlx.Tx, ev *event.Event, months []int, now time.Time, planned *int) error {
	meetings, slotEnd, err := eventMeetings(ctx, tx, ev.ID)
	if err != nil || len(meetings) == 0 {
		return err
	}
	for _, m := range meetings {
		end := slotEnd(m.Slot)
		if !m.held() || now.Before(end) {
			continue
		}
		var want []plannedRound
		if at := end.Add(5 * time.Minute); now.Before(at.Add(afterLate)) {
			want = append(want, plannedRound{event.RoundAfter, at, at.Add(afterLate)})
		}
		for _, mo := range months {
			if at := event.FollowupAt(ev, mo); now.Before(at.Add(followupLate)) {
				want = append(want, plannedRound{event.FollowupRound(mo), at, at.Add(followupLate)})
			}
		}
		sides := []struct {
			side                string
			contact, invitation int64
			counterpart         string
		}{
			{event.SideOwner, m.OwnerContact, m.Invitation, m.Partner},
			{event.SidePartner, m.PartnerContact, 0, m.BusinessName},
		}
		for _, sd := range sides {
			if sd.contact == 0 {
				continue
			}
			ci, err := r.contactInfo(ctx, tx, sd.contact)
			if err != nil {
				return err
			}
			for _, pr := range want {
				o := event.Outcome{EventID: ev.ID, InvitationID: sd.invitation, ContactID: sd.contact, BusinessID: m.Business, Side: sd.side,
					MeetingKey: meetingKey(m.ID), Counterpart: sd.counterpart, Round: pr.round, DueAt: pr.due}
				ok, err := r.planOutcome(ctx, tx, ev, &o, ci, pr, now)
				if err != nil {
					return err
				}
				if ok {
					*planned++
				}
			}
		}
	}
	return nil
}
