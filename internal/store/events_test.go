package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/channel"
	"jejaring/internal/event"
	"jejaring/internal/outbox"
	"jejaring/internal/outbox/outboxtest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

var t0 = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC) // 09.00 WIB

type owner struct {
	id   int64
	addr channel.Address
}

// addOwners inserts n contacts on the web chat, each with a business in
// region 13.01.0(1 + i%3).
func addOwners(t *testing.T, db *store.DB, n int, from int) []owner {
	t.Helper()
	return addOwnersFrom(t, db, n, from)
}

func addOwnersTB(tb testing.TB, db *store.DB, n int) []owner { return addOwnersFrom(tb, db, n, 0) }

func addOwnersFrom(t testing.TB, db *store.DB, n int, from int) []owner {
	ctx := context.Background()
	var out []owner
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		for i := from; i < from+n; i++ {
			a := channel.Address{Channel: channel.WebChat, ExternalID: fmt.Sprintf("w%d", i)}
			id, err := store.InsertID(ctx, tx, db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`,
				string(a.Channel), a.ExternalID, fmt.Sprintf("Owner %d", i), t0, t0)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO businesses (contact_id, owner_name, name, region_code, size_class, kbli_section, tags, verified, created_at, updated_at)
 VALUES (?, ?, ?, ?, 'mikro', 'C', 'kuliner, ekspor', ?, ?, ?)`), id, fmt.Sprintf("Ibu %d", i), fmt.Sprintf("Usaha %d", i), fmt.Sprintf("13.01.0%d", 1+i%3), i%2 == 0, t0, t0); err != nil {
				return err
			}
			out = append(out, owner{id, a})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func newEventTB(tb testing.TB, r *store.EventRepo) int64 {
	ev := &event.Event{Title: "Seminar", Kind: event.Seminar, StartsAt: t0.Add(72 * time.Hour), EndsAt: t0.Add(75 * time.Hour), MaxParty: 1}
	if _, err := r.CreateEvent(context.Background(), ev, t0); err != nil {
		tb.Fatal(err)
	}
	return ev.ID
}

func newEvent(t *testing.T, r *store.EventRepo, capacity, maxParty int) *event.Event {
	t.Helper()
	ev := &event.Event{
		Title: "Temu Bisnis Kuliner", Kind: event.TemuBisnis, Venue: "Aula Kantor Bupati, Painan", MapURL: "https://maps.example.test/painan",
		StartsAt: t0.Add(72 * time.Hour), EndsAt: t0.Add(75 * time.Hour), Capacity: capacity, MaxParty: maxParty,
		RSVPDeadline: t0.Add(48 * time.Hour),
	}
	if _, err := r.CreateEvent(context.Background(), ev, t0); err != nil {
		t.Fatal(err)
	}
	return ev
}

// tokens returns the invitation token of each contact for the event.
func tokens(t *testing.T, db *store.DB, eventID int64) map[int64]string {
	t.Helper()
	rows, err := db.Queryx(db.Rebind(`SELECT contact_id, token FROM invitations WHERE event_id = ?`), eventID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var tok string
		if err := rows.Scan(&id, &tok); err != nil {
			t.Fatal(err)
		}
		out[id] = tok
	}
	return out
}

func outboxKinds(t *testing.T, db *store.DB, eventID int64, status string) map[string]int {
	t.Helper()
	rows, err := db.Queryx(db.Rebind(`SELECT kind, COUNT(*) FROM outbox WHERE event_id = ? AND status = ? GROUP BY kind`), eventID, status)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	return out
}

func TestSecondBroadcast(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := store.NewEventRepo(db)
		owners := addOwners(t, db, 9, 0)
		if err := db.SetContactStopped(ctx, owners[0].id, true); err != nil {
			t.Fatal(err)
		}
		ev := newEvent(t, r, 0, 2)
		seg := event.Segment{RegionCodes: []string{"13.01.01", "13.01.02"}} // owners 0,1,3,4,6,7
		cnt, err := r.CountSegment(ctx, ev.ID, seg)
		if err != nil {
			t.Fatal(err)
		}
		if cnt.Total != 5 || cnt.Skipped != 1 || cnt.ByChannel["webchat"] != 5 {
			t.Fatalf("count = %+v, want 5 on webchat and 1 skipped", cnt)
		}
		res, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID, Segment: &seg}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if res.Queued != 5 || res.Skipped != 1 || res.Already != 0 {
			t.Fatalf("first broadcast = %+v", res)
		}
		// Everyone now: only the three of region 13.01.03 are new.
		res, err = r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID, Segment: &event.Segment{}}, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if res.Queued != 3 || res.Already != 5 || res.Skipped != 1 {
			t.Fatalf("second broadcast = %+v, want 3 new, 5 already, 1 skipped", res)
		}
		if got := outboxKinds(t, db, ev.ID, outbox.StatusPending)[outbox.KindInvite]; got != 8 {
			t.Fatalf("%d invitations queued, want 8", got)
		}
		// Tags and verified filters.
		cnt, err = r.CountSegment(ctx, 0, event.Segment{Tags: []string{"ekspor"}, VerifiedOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if cnt.Total+cnt.Skipped != 5 {
			t.Fatalf("verified exporters = %+v, want 5 in all", cnt)
		}
		got, err := r.Event(ctx, ev.ID)
		if err != nil || got.Status != event.Published {
			t.Fatalf("event after broadcast: %+v, %v", got, err)
		}
	})
}

func TestWaitlistPromotionAndDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := store.NewEventRepo(db)
		owners := addOwners(t, db, 4, 0)
		ev := newEvent(t, r, 3, 2)
		if _, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, t0); err != nil {
			t.Fatal(err)
		}
		tok := tokens(t, db, ev.ID)
		answer := func(o owner, a event.Answer, party int, at time.Time) store.RSVPResult {
			t.Helper()
			res, err := r.Answer(ctx, tok[o.id], event.Request{Answer: a, PartySize: party, Needs: []string{"modal", "pembeli"}}, at)
			if err != nil {
				t.Fatalf("answer %s for %d: %v", a, o.id, err)
			}
			return res
		}
		if res := answer(owners[0], event.Going, 2, t0.Add(time.Hour)); res.Invitation.Status != event.Going || strings.Join(res.Invitation.Needs, ",") != "modal,pembeli" {
			t.Fatalf("first: %+v", res.Invitation)
		}
		if _, err := r.Answer(ctx, tok[owners[1].id], event.Request{Answer: event.Going, PartySize: 3}, t0); !errors.Is(err, event.ErrPartyTooBig) {
			t.Fatalf("party of 3 with max 2: %v", err)
		}
		if res := answer(owners[1], event.Going, 2, t0.Add(2*time.Hour)); res.Invitation.Status != event.Waitlist {
			t.Fatalf("second (2 of 1 free seats) = %s, want waitlist", res.Invitation.Status)
		}
		if res := answer(owners[2], event.Going, 1, t0.Add(3*time.Hour)); res.Invitation.Status != event.Going {
			t.Fatalf("third (1 of 1 free) = %s, want going", res.Invitation.Status)
		}
		if res := answer(owners[3], event.Going, 1, t0.Add(4*time.Hour)); res.Invitation.Status != event.Waitlist {
			t.Fatalf("fourth = %s, want waitlist", res.Invitation.Status)
		}
		// Owner 0 cancels: two seats free; owner 1 (party 2, first in line) gets them.
		res := answer(owners[0], event.Declined, 0, t0.Add(5*time.Hour))
		if len(res.Promoted) != 1 || res.Promoted[0].ContactID != owners[1].id {
			t.Fatalf("promoted %+v, want owner 1", res.Promoted)
		}
		if k := outboxKinds(t, db, ev.ID, outbox.StatusPending); k[outbox.KindPromote] != 1 || k[outbox.KindReminder] != 4 {
			t.Fatalf("queued after promotion: %v, want 1 promote and 4 reminders (owners 1 and 2)", k)
		}
		att, err := r.Attendance(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		if att.Going != 2 || att.Seats != 3 || att.Waitlist != 1 || att.Declined != 1 {
			t.Fatalf("attendance %+v", att)
		}
		// After the deadline, changes are refused.
		if _, err := r.Answer(ctx, tok[owners[2].id], event.Request{Answer: event.Declined}, ev.RSVPDeadline); !errors.Is(err, event.ErrDeadlinePassed) {
			t.Fatalf("after deadline: %v", err)
		}
		mine, err := r.MyInvitations(ctx, owners[1].id, t0)
		if err != nil || len(mine) != 1 || mine[0].Invitation.Status != event.Going {
			t.Fatalf("my invitations: %+v, %v", mine, err)
		}
	})
}

// TestRemindersAtFakeTimes runs the dispatcher at chosen clock times: the
// day-before reminder goes at its time, a missed two-hours-before reminder
// goes late while the event has not started, and not at all after.
func TestRemindersAtFakeTimes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := store.NewEventRepo(db)
		owners := addOwners(t, db, 2, 0)
		ev := newEvent(t, r, 0, 1)
		if _, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, t0); err != nil {
			t.Fatal(err)
		}
		tok := tokens(t, db, ev.ID)
		for _, o := range owners {
			if _, err := r.Answer(ctx, tok[o.id], event.Request{Answer: event.Going}, t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		web := &outboxtest.Channel{N: channel.WebChat}
		now := t0
		d := outbox.NewDispatcher(outbox.Config{
			Store: store.NewOutboxRepo(db), Channels: map[channel.Name]channel.Channel{channel.WebChat: web},
			Now: func() time.Time { return now }, Worker: "w", ProgressEvery: -1,
		})
		drain := func() {
			t.Helper()
			for {
				n, err := d.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					return
				}
			}
		}
		drain()
		if web.Count() != 2 {
			t.Fatalf("at t0: %d sent, want the 2 invitations", web.Count())
		}
		now = ev.StartsAt.Add(-25 * time.Hour)
		drain()
		if web.Count() != 2 {
			t.Fatalf("25 h before: %d sent, want still 2", web.Count())
		}
		now = ev.StartsAt.Add(-24 * time.Hour)
		drain()
		if web.Count() != 4 || !strings.Contains(web.Sent()[3].Msg.Text, "besok") {
			t.Fatalf("24 h before: %d sent, want 4 with the day-before reminder", web.Count())
		}
		// Past the deadline, owner 1 can no longer step back.
		if _, err := r.Answer(ctx, tok[owners[1].id], event.Request{Answer: event.Maybe}, now); !errors.Is(err, event.ErrDeadlinePassed) {
			t.Fatal("answer after the deadline was accepted")
		}
		// The two-hours reminders are missed until one hour before: sent late.
		now = ev.StartsAt.Add(-time.Hour)
		drain()
		if web.Count() != 6 || !strings.Contains(web.Sent()[5].Msg.Text, "dua jam lagi") {
			t.Fatalf("1 h before: %d sent, want 6", web.Count())
		}

		// A second event whose reminders are missed entirely: expired, not sent.
		ev2 := newEvent(t, r, 0, 1)
		if _, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev2.ID}, t0); err != nil {
			t.Fatal(err)
		}
		tok2 := tokens(t, db, ev2.ID)
		if _, err := r.Answer(ctx, tok2[owners[0].id], event.Request{Answer: event.Going}, t0); err != nil {
			t.Fatal(err)
		}
		before := web.Count()
		now = ev2.StartsAt.Add(time.Minute)
		drain()
		if web.Count() != before {
			t.Fatalf("after the start: %d more sent, want none", web.Count()-before)
		}
		if k := outboxKinds(t, db, ev2.ID, outbox.StatusExpired); k[outbox.KindReminder] != 2 || k[outbox.KindInvite] != 2 {
			t.Fatalf("expired rows %v, want 2 reminders and 2 invitations", k)
		}
	})
}

func TestCancellationAndChangeNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := store.NewEventRepo(db)
		owners := addOwners(t, db, 4, 0)
		ev := newEvent(t, r, 0, 1)
		if _, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, t0); err != nil {
			t.Fatal(err)
		}
		tok := tokens(t, db, ev.ID)
		answers := []event.Answer{event.Going, event.Maybe, event.Declined} // owner 3 never answers
		for i, a := range answers {
			if _, err := r.Answer(ctx, tok[owners[i].id], event.Request{Answer: a}, t0); err != nil {
				t.Fatal(err)
			}
		}
		venue := "GOR Painan"
		n, err := r.Change(ctx, ev.ID, store.EventChange{StartsAt: ev.StartsAt.Add(24 * time.Hour), Venue: &venue}, t0.Add(time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("change notices %d, %v; want 2 (hadir and mungkin)", n, err)
		}
		got, _ := r.Event(ctx, ev.ID)
		if got.Status != event.Changed || got.Venue != venue {
			t.Fatalf("after change: %+v", got)
		}
		var remindAt []time.Time
		if err := db.Select(&remindAt, db.Rebind(`SELECT not_before FROM outbox WHERE event_id = ? AND kind = 'reminder' AND status = 'pending' ORDER BY not_before`), ev.ID); err != nil {
			t.Fatal(err)
		}
		if len(remindAt) != 2 || !remindAt[0].Equal(got.StartsAt.Add(-24*time.Hour)) {
			t.Fatalf("reminders after the move: %v", remindAt)
		}
		n, err = r.Cancel(ctx, ev.ID, t0.Add(2*time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("cancel notices %d, %v; want 2", n, err)
		}
		k := outboxKinds(t, db, ev.ID, outbox.StatusPending)
		if k[outbox.KindCancel] != 2 || k[outbox.KindReminder] != 0 || k[outbox.KindInvite] != 0 {
			t.Fatalf("pending after cancel: %v", k)
		}
		var to []string
		if err := db.Select(&to, db.Rebind(`SELECT external_id FROM outbox WHERE event_id = ? AND kind = 'cancel' ORDER BY external_id`), ev.ID); err != nil {
			t.Fatal(err)
		}
		if strings.Join(to, ",") != "w0,w1" {
			t.Fatalf("cancel notices to %v, want w0,w1", to)
		}
		if _, err := r.Answer(ctx, tok[owners[3].id], event.Request{Answer: event.Going}, t0.Add(3*time.Hour)); !errors.Is(err, event.ErrClosed) {
			t.Fatalf("rsvp to a cancelled event: %v", err)
		}
	})
}

func TestCheckInByCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := store.NewEventRepo(db)
		owners := addOwners(t, db, 3, 0)
		ev := newEvent(t, r, 0, 2)
		if _, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, t0); err != nil {
			t.Fatal(err)
		}
		tok := tokens(t, db, ev.ID)
		res, err := r.Answer(ctx, tok[owners[0].id], event.Request{Answer: event.Going, PartySize: 2}, t0)
		if err != nil {
			t.Fatal(err)
		}
		code := res.Invitation.CheckinCode
		if _, err := r.Answer(ctx, tok[owners[1].id], event.Request{Answer: event.Declined}, t0); err != nil {
			t.Fatal(err)
		}
		rows, _ := r.ExportRows(ctx, ev.ID)
		var declinedCode string
		for _, x := range rows {
			if x.Invitation.ContactID == owners[1].id {
				declinedCode = x.Invitation.CheckinCode
			}
		}
		inv, name, err := r.CheckIn(ctx, ev.ID, " jjr-"+strings.ToLower(code)+" ", "staff:desk1", ev.StartsAt)
		if err != nil || inv.ContactID != owners[0].id || name != "Ibu 0" {
			t.Fatalf("check-in: %+v %q %v", inv, name, err)
		}
		if _, _, err := r.CheckIn(ctx, ev.ID, code, "staff:desk1", ev.StartsAt); !errors.Is(err, event.ErrAlreadyCheckin) {
			t.Fatalf("second check-in: %v", err)
		}
		if _, _, err := r.CheckIn(ctx, ev.ID, "ZZZZZZ", "staff:desk1", ev.StartsAt); !errors.Is(err, event.ErrBadCheckinCode) {
			t.Fatalf("bad code: %v", err)
		}
		if _, _, err := r.CheckIn(ctx, ev.ID, declinedCode, "staff:desk1", ev.StartsAt); !errors.Is(err, event.ErrNotAttending) {
			t.Fatalf("declined code: %v", err)
		}
		att, err := r.Attendance(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		if att.CheckedIn != 1 || att.Going != 1 || att.NoShow != 0 || att.Pending != 1 || att.Invited != 3 {
			t.Fatalf("attendance %+v", att)
		}
	})
}

// TestBroadcastProgressAndUnreachable: a contact who blocks the bot is
// marked blocked and not retried, one who says berhenti after the broadcast
// is skipped at send time, and the staff who started the broadcast gets
// "terkirim N dari M" through the outbox, once finished.
func TestBroadcastProgressAndUnreachable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := store.NewEventRepo(db)
		owners := addOwners(t, db, 4, 0)
		staff := addOwners(t, db, 1, 100)[0]
		ev := newEvent(t, r, 0, 1)
		seg := event.Segment{RegionCodes: []string{"13.01.01", "13.01.02"}} // owners 0, 1, 3 (staff 100 is in 13.01.02 too)
		res, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID, Segment: &seg, StaffContactID: staff.id}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if res.Queued != 4 {
			t.Fatalf("queued %d, want 4", res.Queued)
		}
		if err := db.SetContactStopped(ctx, owners[1].id, true); err != nil {
			t.Fatal(err)
		}
		web := &outboxtest.Channel{N: channel.WebChat, Blocked: map[string]bool{owners[3].addr.ExternalID: true}}
		repo := store.NewOutboxRepo(db)
		d := outbox.NewDispatcher(outbox.Config{Store: repo, Channels: map[channel.Name]channel.Channel{channel.WebChat: web},
			Now: func() time.Time { return t0.Add(time.Minute) }, Worker: "w", ProgressEvery: -1})
		for {
			n, err := d.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		if web.Count() != 2 {
			t.Fatalf("%d delivered, want 2 (owner 0 and the staff member)", web.Count())
		}
		c, _ := db.ContactByID(ctx, owners[3].id)
		if !c.Blocked {
			t.Fatal("contact who blocked the bot not marked blocked")
		}
		counts, _ := repo.OutboxCounts(ctx, res.BroadcastID)
		if counts[outbox.StatusSent] != 2 || counts[outbox.StatusSkipped] != 1 || counts[outbox.StatusFailed] != 1 {
			t.Fatalf("counts %v", counts)
		}
		if err := d.ReportProgress(ctx); err != nil {
			t.Fatal(err)
		}
		// The report is itself an outbox row to the staff member.
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		sent := web.Sent()
		last := sent[len(sent)-1]
		if last.To != staff.addr || !strings.Contains(last.Msg.Text, "terkirim 2 dari 4, gagal 1, dilewati 1") || !strings.Contains(last.Msg.Text, "Selesai") {
			t.Fatalf("progress message %+v", last)
		}
		// Finished broadcasts are not reported again.
		if err := d.ReportProgress(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := d.RunOnce(ctx); n != 0 {
			t.Fatalf("%d more rows after the final report", n)
		}
	})
}

// TestLateHadirSkipsPastReminders: answering Hadir 23 hours before the start
// schedules only the two-hours reminder.
func TestLateHadirSkipsPastReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := store.NewEventRepo(db)
		owners := addOwners(t, db, 1, 0)
		ev := &event.Event{Title: "Pelatihan", Kind: event.Pelatihan, StartsAt: t0.Add(72 * time.Hour), EndsAt: t0.Add(75 * time.Hour), MaxParty: 1}
		if _, err := r.CreateEvent(ctx, ev, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Answer(ctx, tokens(t, db, ev.ID)[owners[0].id], event.Request{Answer: event.Going}, ev.StartsAt.Add(-23*time.Hour)); err != nil {
			t.Fatal(err)
		}
		var keys []string
		if err := db.Select(&keys, db.Rebind(`SELECT dedupe_key FROM outbox WHERE event_id = ? AND kind = 'reminder'`), ev.ID); err != nil {
			t.Fatal(err)
		}
		if len(keys) != 1 || !strings.Contains(keys[0], ":j-2:") {
			t.Fatalf("reminders %v, want only the two-hours one", keys)
		}
	})
}
