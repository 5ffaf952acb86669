package whatsapp

import (
	"context"
	"errors"
	"testing"

	"jejaring/internal/channel"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestFirstContactPassesOnlyKnown (issue 12): the reach campaign's
// message (Outbound.FirstContact, sent only when staff started the
// campaign) reaches a number that never wrote; any other bulk message to
// it is still refused.
func TestFirstContactPassesOnlyKnown(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, f := testAdapter(t, nil, false)
		lookups(&a.cfg, db)
		to := channel.Address{Channel: channel.WhatsApp, ExternalID: "6285299990000"}
		if _, err := a.Send(ctx, to, channel.Outbound{Text: "Undangan"}); !errors.Is(err, channel.ErrUnknownRecipient) {
			t.Errorf("bulk to a stranger: %v", err)
		}
		if _, err := a.Send(ctx, to, channel.Outbound{Text: "Selamat pagi Bapak/Ibu", FirstContact: true}); err != nil {
			t.Errorf("first contact: %v", err)
		}
		if n := len(f.messages()); n != 1 {
			t.Errorf("sent %d, want 1", n)
		}
	})
}
