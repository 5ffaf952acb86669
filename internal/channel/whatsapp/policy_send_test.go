package whatsapp

import (
	"context"
	"errors"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestSendOnlyToKnownContacts: with the default policy, Send (the outbox's
// path) reaches only contacts who wrote to the number before.
func TestSendOnlyToKnownContacts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, ext := range []string{"6281234567890", "123456789012345@lid"} {
			if _, _, err := db.UpsertContact(ctx, contact.Seen{Channel: string(channel.WhatsApp), ExternalID: ext, At: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		a, f := testAdapter(t, nil, false)
		lookups(&a.cfg, db)
		for _, ext := range []string{"6281234567890", "+62 812-3456-7890", "123456789012345@lid"} {
			if _, err := a.Send(ctx, channel.Address{Channel: channel.WhatsApp, ExternalID: ext}, channel.Outbound{Text: "Undangan"}); err != nil {
				t.Errorf("Send to known %s: %v", ext, err)
			}
		}
		_, err := a.Send(ctx, channel.Address{Channel: channel.WhatsApp, ExternalID: "6285299990000"}, channel.Outbound{Text: "Undangan"})
		if !errors.Is(err, channel.ErrUnknownRecipient) || !channel.Permanent(err) {
			t.Errorf("Send to a stranger: %v, want a permanent ErrUnknownRecipient", err)
		}
		if n := len(f.messages()); n != 3 {
			t.Errorf("sent %d messages, want 3", n)
		}

		p := DefaultPolicy()
		p.OnlyKnownContacts = false
		a.cfg.Policy = &p
		if _, err := a.Send(ctx, channel.Address{Channel: channel.WhatsApp, ExternalID: "6285299990000"}, channel.Outbound{Text: "Undangan"}); err != nil {
			t.Errorf("policy off: %v", err)
		}
	})
}

// TestSendDuringBanAsksTheOutboxToWait: a temporary ban turns Send into a
// rate-limit answer lasting until the ban ends.
func TestSendDuringBanAsksTheOutboxToWait(t *testing.T) {
	t.Parallel()
	a, f := testAdapter(t, nil, false)
	a.setState(State{Status: StatusConnected, PausedUntil: time.Now().Add(2 * time.Hour)})
	_, err := a.Send(context.Background(), channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}, channel.Outbound{Text: "x"})
	var rl *channel.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter < time.Hour || channel.Permanent(err) {
		t.Fatalf("Send during ban = %v, want a RateLimitError of about 2h", err)
	}
	if len(f.messages()) != 0 {
		t.Error("sent during a ban")
	}
	// The reply path still answers someone who writes (if the connection allows).
	if _, err := a.sendTo(context.Background(), "6281234567890", pnJID, channel.Outbound{Text: "balasan"}); err != nil {
		t.Errorf("reply during pause: %v", err)
	}
}
