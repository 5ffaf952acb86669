package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/event"
	"jejaring/internal/outbox"
	"jejaring/internal/outbox/outboxtest"
	"jejaring/internal/store"
)

// TestResumeAfterReachesTheBot: RESUME_AFTER is the bot's resume window;
// 0 turns it off rather than falling back to the bot's default.
func TestResumeAfterReachesTheBot(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		val  string
		want time.Duration
	}{{"", 30 * time.Minute}, {"2h", 2 * time.Hour}, {"0", 0}} {
		var kv []string
		if tt.val != "" {
			kv = []string{"RESUME_AFTER", tt.val}
		}
		a, err := New(context.Background(), localConfig(t, kv...), nil)
		if err != nil {
			t.Fatal(err)
		}
		got := a.Bot.ResumeAfter()
		a.Close()
		if got != tt.want {
			t.Errorf("RESUME_AFTER=%q: bot's window %v, want %v", tt.val, got, tt.want)
		}
	}
}

// TestInvitationsCarryTheTelegramLink: with Telegram configured, the app
// learns the bot's username from getMe (the fake Bot API server here) and
// invitations written through its event repository — the one the staff
// actions use — on the other channels link to t.me/<bot>?start=rsvp_<token>.
func TestInvitationsCarryTheTelegramLink(t *testing.T) {
	t.Parallel()
	fake := tgtest.New(t)
	a, _, _ := started(t, nil, "TELEGRAM_BOT_TOKEN", fake.Token(), "TELEGRAM_API_URL", fake.URL())
	deadline := time.Now().Add(15 * time.Second)
	for a.telegramUsername() == "" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := a.telegramUsername(); got != tgtest.BotUsername {
		t.Fatalf("username %q, want %q", got, tgtest.BotUsername)
	}

	ctx := context.Background()
	now := time.Now().UTC()
	cid, err := store.InsertID(ctx, a.DB, a.DB.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES ('webchat', 'tg-link-client', 'Bu Siti', ?, ?)`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.ExecContext(ctx, a.DB.Rebind(`INSERT INTO businesses (contact_id, owner_name, name, region_code, created_at, updated_at) VALUES (?, 'Bu Siti', 'Rendang Siti', '13.01.07', ?, ?)`), cid, now, now); err != nil {
		t.Fatal(err)
	}
	ev := &event.Event{Title: "Temu Bisnis", Kind: event.Seminar, StartsAt: now.Add(72 * time.Hour), EndsAt: now.Add(75 * time.Hour)}
	if _, err := a.Events.CreateEvent(ctx, ev, now); err != nil {
		t.Fatal(err)
	}
	res, err := a.Events.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, now)
	if err != nil || res.Queued != 1 {
		t.Fatalf("broadcast: %+v %v", res, err)
	}
	var pay, token string
	if err := a.DB.GetContext(ctx, &pay, a.DB.Rebind(`SELECT payload FROM outbox WHERE broadcast_id = ?`), res.BroadcastID); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.GetContext(ctx, &token, a.DB.Rebind(`SELECT token FROM invitations WHERE contact_id = ?`), cid); err != nil {
		t.Fatal(err)
	}
	p, _ := outbox.DecodePayload(pay)
	if want := "https://t.me/" + tgtest.BotUsername + "?start=rsvp_" + token; !strings.Contains(p.Text, want) {
		t.Errorf("invitation lacks %s:\n%s", want, p.Text)
	}
}

// TestChannelOn: the staff preview's view of the channels: the ones this
// app runs, plus those another Jejaring's dispatcher marks alive in the
// shared Redis.
func TestChannelOn(t *testing.T) {
	t.Parallel()
	a, err := New(context.Background(), localConfig(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	if !a.channelOn(ctx, "webchat") || a.channelOn(ctx, "whatsapp") {
		t.Fatalf("webchat %v whatsapp %v", a.channelOn(ctx, "webchat"), a.channelOn(ctx, "whatsapp"))
	}
	other := outbox.NewDispatcher(outbox.Config{Store: store.NewOutboxRepo(a.DB), Redis: a.Redis, KeyPrefix: a.outboxPrefix(),
		Channels: map[channel.Name]channel.Channel{channel.WhatsApp: &outboxtest.Channel{N: channel.WhatsApp}}})
	other.MarkChannelsAlive(ctx)
	if !a.channelOn(ctx, "whatsapp") {
		t.Error("WhatsApp run by another Jejaring counts as off")
	}
}
