package bot_test

import (
	"context"
	"testing"
	"time"

	"jejaring/internal/bot"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/contact"
)

func lastContactStaff(t *testing.T, f *fakes) bool {
	t.Helper()
	call := f.lastCall.Load()
	if call == nil {
		t.Fatal("no action call")
	}
	return call.Contact.IsStaff
}

// Within a minute of reading the contact row, a conversation's next
// messages use the copy saved in the session; a minute later the row is
// read again. A staff flag is never taken from the copy.
func TestContactFromSession(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		ctx := context.Background()
		// Telegram: staff rights never hold on the web chat.
		a := channel.Address{Channel: channel.Telegram, ExternalID: "cached"}
		h.Say(a, "daftar")
		id := h.Contact(a).ID
		// Staff granted on the dashboard while the conversation runs:
		// seen at the latest a minute after the row was read.
		if err := h.DB.SetContactStaff(ctx, id, true); err != nil {
			t.Fatal(err)
		}
		h.Advance(20 * time.Second)
		h.Say(a, "Kedai Kopi")
		h.Advance(20 * time.Second)
		h.Choose(a, "jasa")
		if lastContactStaff(t, f) {
			t.Error("contact row read again within a minute (staff flag seen at once)")
		}
		h.Advance(time.Minute)
		h.Say(a, "daftar")
		h.Say(a, "Kedai Kopi")
		// Staff taken away: the next message sees it, as a staff copy is
		// never reused.
		if err := h.DB.SetContactStaff(ctx, id, false); err != nil {
			t.Fatal(err)
		}
		h.Choose(a, "jasa")
		if lastContactStaff(t, f) {
			t.Error("staff flag taken away but the action still saw staff")
		}
		// A new display name from the platform is stored at once.
		h.Say(a, "daftar")
		h.Send(channel.Inbound{From: a, Kind: channel.KindText, Text: "Kedai Kopi", DisplayName: "Siti Aminah"})
		if c := h.Contact(a); c.DisplayName != "Siti Aminah" {
			t.Errorf("display name not stored: %+v", c)
		}
	})
}

// An action that changed the contact row (a phone, here) makes the next
// turn read the row again: the flow shows the new phone.
func TestContactReadAfterAction(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		h.Actions["test.setphone"] = func(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
			return bot.ActionResult{}, h.DB.SetContactPhone(ctx, call.Contact.ID, "+6281211112222", contact.SourceOTP, call.Now)
		}
		a := bottest.Addr("phone-action")
		wantText(t, h.Say(a, "telepon"), "Siapa nama")
		h.Advance(10 * time.Second)
		wantText(t, h.Say(a, "Siti"), "Nomor Bapak/Ibu +6281211112222.")
	})
}
