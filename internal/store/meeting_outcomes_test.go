package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestMeetingOutcomes: at a temu bisnis, each side of a meeting that took
// place is asked about the other by name five minutes after its slot —
// while the event still runs — and again at the follow-ups; a meeting the
// owner did not come to is not asked about, nor is the event as a whole for
// owners who had meetings; the report shows both sides' answers side by
// side and counts a meeting one side says did not take place as not held.
func TestMeetingOutcomes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := store.NewEventRepo(db)
		owners := addOwners(t, db, 3, 0)
		ev := newEvent(t, r, 0, 1) // temu bisnis, t0+72h to t0+75h
		if err := r.Publish(ctx, ev.ID, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, t0); err != nil {
			t.Fatal(err)
		}
		tok := tokens(t, db, ev.ID)
		inv := map[int64]int64{}
		for _, o := range owners {
			res, err := r.Answer(ctx, tok[o.id], event.Request{Answer: event.Going, PartySize: 1}, t0)
			if err != nil {
				t.Fatal(err)
			}
			inv[o.id] = res.Invitation.ID
			if o.id != owners[2].id { // the third owner does not come
				if _, _, err := r.CheckIn(ctx, ev.ID, res.Invitation.CheckinCode, "staff", ev.StartsAt); err != nil {
					t.Fatal(err)
				}
			}
		}
		bank, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "9990001", DisplayName: "Pak Andi", Language: "id", At: t0})
		if err != nil {
			t.Fatal(err)
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.ExecContext(ctx, db.Rebind(q), args...); err != nil {
				t.Fatal(err)
			}
		}
		exec(`INSERT INTO partners (contact_id, kind, organisation, consent, created_at, updated_at) VALUES (?, 'bank', 'Bank Nagari Painan', ?, ?, ?)`, bank.ID, true, t0, t0)
		var partner int64
		if err := db.GetContext(ctx, &partner, `SELECT id FROM partners`); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO match_setups (event_id, slots, slot_minutes, first_slot, tables, updated_at) VALUES (?, 4, 20, ?, 5, ?)`, ev.ID, ev.StartsAt, t0)
		for i, o := range owners {
			exec(`INSERT INTO match_meetings (event_id, invitation_id, partner_id, slot, table_no, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)`,
				ev.ID, inv[o.id], partner, i, t0, t0)
		}
		// Slot 0 is over at +20 min: its two sides are asked, nobody else.
		n, err := r.ScheduleOutcomes(ctx, ev.StartsAt.Add(21*time.Minute))
		if err != nil || n != 2*4 {
			t.Fatalf("during the event planned %d (%v), want owner and partner of slot 0 × (after + 3 follow-ups)", n, err)
		}
		// At the end: slot 1's meeting; slot 2's owner did not come; no
		// question about the event as a whole for owners who had meetings.
		n, err = r.ScheduleOutcomes(ctx, ev.EndsAt.Add(time.Minute))
		if err != nil || n != 2*4 {
			t.Fatalf("at the end planned %d (%v), want slot 1's two sides × 4", n, err)
		}
		rows, err := db.Queryx(db.Rebind(`SELECT o.payload FROM outbox o WHERE o.kind = ? AND o.contact_id = ? ORDER BY o.not_before, o.id`), outbox.KindOutcome, bank.ID)
		if err != nil {
			t.Fatal(err)
		}
		var bankQuestions []string
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				t.Fatal(err)
			}
			pl, _ := outbox.DecodePayload(p)
			bankQuestions = append(bankQuestions, pl.Text)
		}
		rows.Close()
		if len(bankQuestions) != 8 || !strings.Contains(bankQuestions[0], "Bagaimana pertemuan dengan Usaha 0") || !strings.Contains(bankQuestions[1], "Usaha 1") {
			t.Fatalf("the partner's questions: %q", bankQuestions)
		}
		// The owner of slot 0 found a chance; the bank found it a poor
		// fit. Slot 1's owner says it did not take place.
		answer := func(contactID int64, side string, slot int, rating event.Rating) {
			t.Helper()
			var token string
			if err := db.GetContext(ctx, &token, db.Rebind(`SELECT o.token FROM outcomes o JOIN match_meetings m ON o.meeting_key = 'meeting:' || CAST(m.id AS TEXT)
 WHERE o.contact_id = ? AND o.side = ? AND m.slot = ? AND o.round = 'after'`), contactID, side, slot); err != nil {
				t.Fatal(err)
			}
			if _, err := r.AnswerOutcome(ctx, token, contactID, store.OutcomeAnswer{Rating: rating}, ev.EndsAt); err != nil {
				t.Fatal(err)
			}
		}
		answer(owners[0].id, event.SideOwner, 0, event.RatingOpportunity)
		answer(bank.ID, event.SidePartner, 0, event.RatingPoorFit)
		answer(owners[1].id, event.SideOwner, 1, event.RatingNotHeld)
		rep, err := r.Report(ctx, store.ReportFilter{EventID: ev.ID})
		if err != nil {
			t.Fatal(err)
		}
		fig := rep.Events[0]
		if fig.MeetingsBooked != 3 || fig.MeetingsHeld != 1 || len(fig.Meetings) != 3 {
			t.Fatalf("meetings booked %d held %d", fig.MeetingsBooked, fig.MeetingsHeld)
		}
		m0 := fig.Meetings[0]
		if m0.Business != "Usaha 0" || m0.PartnerName != "Bank Nagari Painan" || m0.Owner.Rating != event.RatingOpportunity || m0.Partner.Rating != event.RatingPoorFit || !m0.Held {
			t.Errorf("slot 0 side by side: %+v", m0)
		}
		if fig.Useful != 1 || fig.Ratings[event.RatingPoorFit] != 0 {
			t.Errorf("the owners' ratings %+v useful %d: the partner's answer is not an owner's", fig.Ratings, fig.Useful)
		}
		if rep.Good != 1 {
			t.Errorf("useful connections %d, want 1 (the owner of slot 0)", rep.Good)
		}
	})
}
