package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"jejaring/internal/bot"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestDurableRepliesReplay is a crash between the commit and the delivery:
// the turn is committed (HandleDurable returned), nothing was confirmed out,
// and the message comes again (the inbox replays it). The redelivery must
// return the same replies, not "duplicate message ignored" and nothing;
// after one is confirmed only the rest; after all, none — and the
// conversation moves on once only.
func TestDurableRepliesReplay(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		ctx := context.Background()
		a := bottest.Addr("crash")
		h.Say(a, "halo")
		// Free text outside a flow: the greeting and the menu, two
		// replies.
		in := channel.Inbound{From: a, MessageID: "tg-900", Kind: channel.KindText, Text: "pagi pak"}
		first, err := h.Bot.HandleDurable(ctx, in)
		if err != nil || first.From != 0 || len(first.Out) < 2 {
			t.Fatalf("first handling: %+v, %v", first, err)
		}
		// Crash: nothing delivered. The replay gets every reply again.
		again, err := h.Bot.HandleDurable(ctx, in)
		if err != nil || again.From != 0 || bottest.Texts(again.Out) != bottest.Texts(first.Out) {
			t.Fatalf("replay after a crash: %+v, %v; want the replies %s", again, err, bottest.Texts(first.Out))
		}
		// The first reply got out, then another crash.
		if err := h.Bot.Delivered(ctx, in, 1); err != nil {
			t.Fatal(err)
		}
		rest, err := h.Bot.HandleDurable(ctx, in)
		if err != nil || rest.From != 1 || bottest.Texts(rest.Out) != bottest.Texts(first.Out[1:]) {
			t.Fatalf("replay after one confirmed: %+v, %v", rest, err)
		}
		// Confirming less than before changes nothing.
		if err := h.Bot.Delivered(ctx, in, 0); err != nil {
			t.Fatal(err)
		}
		if r, _ := h.Bot.HandleDurable(ctx, in); r.From != 1 {
			t.Errorf("confirming 0 after 1 moved the count back: %+v", r)
		}
		if err := h.Bot.Delivered(ctx, in, len(first.Out)); err != nil {
			t.Fatal(err)
		}
		if done, err := h.Bot.HandleDurable(ctx, in); err != nil || len(done.Out) != 0 {
			t.Errorf("replay after all confirmed: %+v, %v", done, err)
		}
		// Media bytes survive the store, and the action is not run again.
		doc := channel.Inbound{From: a, MessageID: "tg-902", Kind: channel.KindText, Text: "datasaya"}
		got, err := h.Bot.HandleDurable(ctx, doc)
		if err != nil || len(got.Out) != 1 || got.Out[0].Media == nil {
			t.Fatalf("datasaya: %+v, %v", got, err)
		}
		calls := f.lastCall.Load()
		replay, err := h.Bot.HandleDurable(ctx, doc)
		if err != nil || len(replay.Out) != 1 || replay.Out[0].Media == nil || string(replay.Out[0].Media.Data) != string(got.Out[0].Media.Data) {
			t.Fatalf("datasaya replay: %+v, %v", replay, err)
		}
		if f.lastCall.Load() != calls {
			t.Error("the replay ran the action again")
		}
		h.Say(a, "daftar")
		// The plain Handle keeps nothing: a redelivery stays silent.
		plain := channel.Inbound{From: a, MessageID: "tg-901", Kind: channel.KindText, Text: "halo"}
		h.Send(plain)
		if out := h.Send(plain); len(out) != 0 {
			t.Errorf("plain Handle redelivery answered: %s", bottest.Texts(out))
		}
	})
}

// TestDurableOutageIsRetryable: with Redis gone the durable path gives no
// apology but channel.ErrUnavailable, and the same message goes through
// once Redis is back; with the database gone, the same.
func TestDurableOutageIsRetryable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	set := loadFlows(t)
	rdb, prefix, m := sessiontest.Mini(t)
	db := storetest.New(t, store.SQLite)
	h := bottest.NewWith(t, set, nil, db, session.New(rdb, prefix, time.Hour), func(c *bot.Config) {
		c.LockWait = 50 * time.Millisecond
	})
	a := bottest.Addr("outage")
	wantText(t, h.Say(a, "daftar"), "Apa nama usaha")
	in := channel.Inbound{From: a, MessageID: "tg-1000", Kind: channel.KindText, Text: "Kerupuk Sanjai"}
	addr := m.Addr()
	m.Close()
	r, err := h.Bot.HandleDurable(ctx, in)
	if !errors.Is(err, channel.ErrUnavailable) || len(r.Out) != 0 {
		t.Fatalf("Redis down: %+v, %v; want ErrUnavailable and no reply", r, err)
	}
	if err := m.StartAddr(addr); err != nil {
		t.Fatal(err)
	}
	r, err = h.Bot.HandleDurable(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	wantText(t, r.Out, "bidang apa")
	// The database goes away: the contact cannot be read.
	db.Close()
	next := channel.Inbound{From: bottest.Addr("newcomer"), MessageID: "tg-1001", Kind: channel.KindText, Text: "halo"}
	if r, err := h.Bot.HandleDurable(ctx, next); !errors.Is(err, channel.ErrUnavailable) || len(r.Out) != 0 {
		t.Errorf("database down: %+v, %v; want ErrUnavailable", r, err)
	}
}
