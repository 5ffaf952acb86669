package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/config"
	"jejaring/internal/idn"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestEventPublishTelegramLink: with TELEGRAM_BOT_TOKEN set, `event publish`
// asks the Bot API (the fake server) for the bot's name, and the web chat
// invitation carries the t.me deep link; when Telegram cannot be asked, the
// invitations go out without it and stderr says so.
func TestEventPublishTelegramLink(t *testing.T) {
	fake := tgtest.New(t)
	cfg, err := config.FromEnv(func(k string) string {
		return map[string]string{"TELEGRAM_BOT_TOKEN": fake.Token(), "TELEGRAM_API_URL": fake.URL()}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if none, _ := config.FromEnv(func(string) string { return "" }); telegramName(none) != nil {
		t.Error("a lookup without a token")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		cid, err := store.InsertID(ctx, db, db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES ('webchat', 'cli-web', 'X', ?, ?)`, now, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(db.Rebind(`INSERT INTO businesses (contact_id, owner_name, name, region_code, created_at, updated_at) VALUES (?, 'Bu Rina', 'Rendang Rina', '13.01.07', ?, ?)`), cid, now, now); err != nil {
			t.Fatal(err)
		}
		publish := func(tg telegramLookup) (text, stderr string) {
			t.Helper()
			start := time.Now().In(idn.WIB).Add(7 * 24 * time.Hour).Format("2006-01-02")
			out, errs, code := eventCLI(t, db, "create", "--title", "Seminar", "--kind", "seminar", "--start", start+" 09:00", "--end", start+" 12:00")
			if code != 0 {
				t.Fatalf("create: %d %s", code, errs)
			}
			id := strings.TrimSpace(out)
			var o, e bytes.Buffer
			if code := runEventWith(ctx, db, tg, []string{"publish", id}, testIOIn(english, &o, &e)); code != 0 || !strings.Contains(o.String(), "Invitations queued: 1") {
				t.Fatalf("publish: %d %s %s", code, o.String(), e.String())
			}
			var pay string
			if err := db.GetContext(ctx, &pay, db.Rebind(`SELECT payload FROM outbox WHERE event_id = ? AND kind = 'invite'`), id); err != nil {
				t.Fatal(err)
			}
			p, _ := outbox.DecodePayload(pay)
			return p.Text, e.String()
		}

		text, _ := publish(telegramName(cfg))
		var token string
		if err := db.GetContext(ctx, &token, db.Rebind(`SELECT token FROM invitations WHERE contact_id = ? ORDER BY id DESC LIMIT 1`), cid); err != nil {
			t.Fatal(err)
		}
		if want := "https://t.me/" + tgtest.BotUsername + "?start=rsvp_" + token; !strings.Contains(text, want) {
			t.Errorf("invitation lacks %s:\n%s", want, text)
		}

		text, stderr := publish(func(context.Context) (string, error) { return "", errors.New("connection refused") })
		if strings.Contains(text, "t.me/") || !strings.Contains(stderr, "without the t.me link") {
			t.Errorf("failed lookup: text %q, stderr %q", text, stderr)
		}
	})
}
