package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"jejaring/internal/event"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

func n(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var k int
	if err := db.GetContext(context.Background(), &k, db.Rebind(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return k
}

// TestAudienceReach: who a segment matches, who of them a chat reaches,
// and who not, and why: no chat linked, stopped, blocked, another channel.
func TestAudienceReach(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		os := addOwners(t, db, 9, 0) // 13.01.01, .02, .03 in turn; web chat
		for q, id := range map[string]int64{`UPDATE contacts SET stopped = ? WHERE id = ?`: os[0].id, `UPDATE contacts SET blocked = ? WHERE id = ?`: os[3].id} {
			if _, err := db.ExecContext(ctx, db.Rebind(q), true, id); err != nil {
				t.Fatal(err)
			}
		}
		// Two businesses known only from the office's sheet.
		for range 2 {
			if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO businesses (owner_name, name, region_code, size_class, source, created_at, updated_at) VALUES ('Pak Ali', 'Toko', '13.01.01', 'mikro', 'import', ?, ?)`), t0, t0); err != nil {
				t.Fatal(err)
			}
		}
		repo := store.NewEventRepo(db)
		a, err := repo.Audience(ctx, event.Segment{RegionCodes: []string{"13.01.01"}})
		if err != nil {
			t.Fatal(err)
		}
		if a.Businesses != 5 || a.NoChat != 2 || a.Stopped != 1 || a.Blocked != 1 || a.Reachable["webchat"] != 1 || a.OtherChannel != 0 {
			t.Errorf("audience of 13.01.01: %+v", a)
		}
		reachable := a.Reachable["webchat"]
		a, err = repo.Audience(ctx, event.Segment{RegionCodes: []string{"13.01.02"}, Channels: []string{"telegram"}})
		if err != nil {
			t.Fatal(err)
		}
		if a.OtherChannel != 3 || len(a.Reachable) != 0 {
			t.Errorf("audience of 13.01.02 on Telegram: %+v", a)
		}
		// The count a broadcast would queue agrees with the reach.
		sc, err := repo.CountSegment(ctx, 0, event.Segment{RegionCodes: []string{"13.01.01"}})
		if err != nil || sc.Total != reachable || sc.Skipped != 2 {
			t.Errorf("count %+v, %v", sc, err)
		}
	})
}

// TestFunnelAndResend: the funnel counts a broadcast's rows and answers as
// the tables hold them; "resend to those who did not answer" reaches each
// unanswered, sent invitation once, whichever broadcast and however often
// it is asked.
func TestFunnelAndResend(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewEventRepo(db)
		os := addOwners(t, db, 6, 0)
		ev := newEvent(t, repo, 2, 2)
		res, err := repo.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID, CreatedBy: "staff:rina"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		// Four sent, one failed, one still waiting.
		if _, err := db.ExecContext(ctx, db.Rebind(`UPDATE outbox SET status = 'sent', sent_at = ? WHERE broadcast_id = ?`), t0, res.BroadcastID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, db.Rebind(`UPDATE outbox SET status = 'failed', last_error = 'chat not found' WHERE contact_id = ?`), os[4].id); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, db.Rebind(`UPDATE outbox SET status = 'pending', sent_at = NULL WHERE contact_id = ?`), os[5].id); err != nil {
			t.Fatal(err)
		}
		tok := tokens(t, db, ev.ID)
		for i, a := range []event.Answer{event.Going, event.Going, event.Declined} {
			if _, err := repo.Answer(ctx, tok[os[i].id], event.Request{Answer: a, PartySize: 2}, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		f, err := repo.Funnel(ctx, res.BroadcastID)
		if err != nil {
			t.Fatal(err)
		}
		if f.Queued != 6 || f.Sent != 4 || f.Failed != 1 || f.Pending != 1 || f.Answered != 3 || f.Going != 1 || f.Waitlist != 1 || f.Declined != 1 || f.People != 2 ||
			f.Finished() || len(f.Reasons) != 1 || f.Reasons[0].Reason != "chat not found" {
			t.Errorf("funnel %+v", f)
		}
		unanswered, err := repo.FunnelRows(ctx, res.BroadcastID, "unanswered")
		if err != nil || len(unanswered) != 3 {
			t.Errorf("unanswered rows %d, %v", len(unanswered), err)
		}
		// Resend: only os[3] (sent, unanswered); not the failed, not the waiting.
		r1, err := repo.Resend(ctx, res.BroadcastID, "staff:rina", t0.Add(2*time.Hour))
		if err != nil || r1.Queued != 1 {
			t.Fatalf("resend %+v, %v", r1, err)
		}
		r2, err := repo.Resend(ctx, res.BroadcastID, "staff:rina", t0.Add(3*time.Hour))
		if err != nil || r2.Queued != 0 || r2.Already != 1 {
			t.Fatalf("second resend %+v, %v", r2, err)
		}
		if k := n(t, db, `SELECT COUNT(*) FROM outbox WHERE contact_id = ? AND kind = 'invite'`, os[3].id); k != 2 {
			t.Errorf("os[3] has %d invitation rows, want the first and one reminder", k)
		}
		f1, _ := repo.Funnel(ctx, r1.BroadcastID)
		if f1.Queued != 1 || f1.Kind != store.KindResend {
			t.Errorf("resend funnel %+v", f1)
		}
		// Promote by hand past the capacity, once.
		waiting := tok[os[1].id]
		inv, _, _ := repo.Invitation(ctx, waiting)
		if err := repo.PromoteByHand(ctx, ev.ID, inv.ID, t0.Add(4*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := repo.PromoteByHand(ctx, ev.ID, inv.ID, t0.Add(4*time.Hour)); !errors.Is(err, event.ErrInvalid) {
			t.Errorf("second promotion: %v", err)
		}
		if a, _ := repo.Attendance(ctx, ev.ID); a.Going != 2 || a.Seats != 4 || a.Waitlist != 0 {
			t.Errorf("attendance after promotion %+v", a)
		}
		// Join: an owner not invited gets their own invitation, once.
		extra := addOwners(t, db, 1, 50)[0]
		open, err := repo.OpenEvents(ctx, extra.id, t0, 5)
		if err != nil || len(open) != 1 {
			t.Fatalf("open events %d, %v", len(open), err)
		}
		t1, err := repo.Join(ctx, ev.ID, extra.id, t0)
		if err != nil {
			t.Fatal(err)
		}
		if t2, err := repo.Join(ctx, ev.ID, extra.id, t0); err != nil || t2 != t1 {
			t.Errorf("second join %q, %v; want %q", t2, err, t1)
		}
		if open, _ := repo.OpenEvents(ctx, extra.id, t0, 5); len(open) != 0 {
			t.Error("a joined event is still open to the owner")
		}
		if _, err := repo.Join(ctx, ev.ID, extra.id, ev.RSVPDeadline.Add(time.Minute)); !errors.Is(err, event.ErrClosed) {
			t.Errorf("join after the deadline: %v", err)
		}
	})
}
