package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/event"
	"jejaring/internal/outbox"
	"jejaring/internal/outbox/outboxtest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestChannelOffRowsAreSkipped: a broadcast reaching contacts on WhatsApp
// while no running Jejaring sends on WhatsApp finishes: once the sweeping
// dispatcher has run for ChannelOffAfter and no dispatcher has marked
// WhatsApp alive for that long, its due rows are skipped as "channel off",
// counted apart in the progress report, which then says Selesai. Rows due
// later, and rows of a channel another dispatcher runs, are left alone.
func TestChannelOffRowsAreSkipped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := store.NewEventRepo(db)
		owners := addOwners(t, db, 3, 0)
		staff := addOwners(t, db, 1, 100)[0]
		for i, o := range owners[1:] {
			if _, err := db.ExecContext(ctx, db.Rebind(`UPDATE contacts SET channel = 'whatsapp', external_id = ? WHERE id = ?`), fmt.Sprintf("6281200000%d", i), o.id); err != nil {
				t.Fatal(err)
			}
		}
		ev := newEvent(t, r, 0, 1)
		res, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID, Segment: &event.Segment{}, StaffContactID: staff.id}, t0)
		if err != nil || res.Queued != 4 || res.ByChannel["whatsapp"] != 2 {
			t.Fatalf("broadcast %+v %v", res, err)
		}
		repo := store.NewOutboxRepo(db)
		later := outbox.Message{Kind: outbox.KindReminder, To: channel.Address{Channel: channel.WhatsApp, ExternalID: "62812000009"},
			DedupeKey: "test:later", Payload: outbox.Payload{Text: "besok"}, NotBefore: t0.Add(48 * time.Hour)}
		if _, err := repo.Enqueue(ctx, []outbox.Message{later}, t0); err != nil {
			t.Fatal(err)
		}

		rdb, prefix := outboxtest.Redis(t)
		now := t0.Add(time.Minute)
		web := &outboxtest.Channel{N: channel.WebChat}
		d := outbox.NewDispatcher(outbox.Config{Store: repo, Channels: map[channel.Name]channel.Channel{channel.WebChat: web},
			Redis: rdb, KeyPrefix: prefix, Now: func() time.Time { return now }, Worker: "w", ProgressEvery: -1, ChannelOffAfter: time.Hour})
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if web.Count() != 2 {
			t.Fatalf("web chat got %d, want 2", web.Count())
		}
		if on, err := outbox.ChannelAlive(ctx, rdb, prefix, channel.WebChat); err != nil || !on {
			t.Errorf("web chat not marked alive by the dispatcher running it: %v %v", on, err)
		}
		sweep := func() int {
			t.Helper()
			n, err := d.SweepChannelsOff(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := sweep(); n != 0 {
			t.Fatalf("swept %d rows before the dispatcher ran for ChannelOffAfter", n)
		}

		now = t0.Add(2 * time.Hour)
		// Another Jejaring runs WhatsApp (its mark lasts its own
		// ChannelOffAfter): nothing is skipped while the mark lives.
		wa := outbox.NewDispatcher(outbox.Config{Store: repo, Channels: map[channel.Name]channel.Channel{channel.WhatsApp: &outboxtest.Channel{N: channel.WhatsApp}},
			Redis: rdb, KeyPrefix: prefix, Worker: "wa", ProgressEvery: -1, ChannelOffAfter: 300 * time.Millisecond})
		wa.MarkChannelsAlive(ctx)
		if n := sweep(); n != 0 {
			t.Fatalf("swept %d rows of a channel another dispatcher runs", n)
		}
		time.Sleep(500 * time.Millisecond)
		if n := sweep(); n != 2 {
			t.Fatalf("swept %d rows, want the 2 WhatsApp invitations", n)
		}
		counts, _ := repo.OutboxCounts(ctx, res.BroadcastID)
		if counts[outbox.StatusSkipped] != 2 || counts[outbox.StatusSent] != 2 {
			t.Fatalf("counts %v", counts)
		}
		var errText string
		if err := db.GetContext(ctx, &errText, db.Rebind(`SELECT last_error FROM outbox WHERE broadcast_id = ? AND status = 'skipped' LIMIT 1`), res.BroadcastID); err != nil || !outbox.ChannelOff(errText) {
			t.Errorf("last_error %q %v", errText, err)
		}
		var pending int
		if err := db.GetContext(ctx, &pending, `SELECT COUNT(*) FROM outbox WHERE dedupe_key = 'test:later' AND status = 'pending'`); err != nil || pending != 1 {
			t.Errorf("a row due later was not left pending: %d %v", pending, err)
		}

		if err := d.ReportProgress(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		sent := web.Sent()
		last := sent[len(sent)-1]
		if last.To != staff.addr || !strings.Contains(last.Msg.Text, "terkirim 2 dari 4, tidak terkirim 2 (salurannya tidak aktif). Selesai.") {
			t.Fatalf("progress message %q", last.Msg.Text)
		}
	})
}
