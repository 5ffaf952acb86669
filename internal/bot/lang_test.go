package bot_test

import (
	"testing"

	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
)

func wantLang(t *testing.T, out []channel.Outbound, lang string) {
	t.Helper()
	if len(out) == 0 {
		t.Fatal("no messages")
	}
	for i, o := range out {
		if o.Lang != lang {
			t.Errorf("message %d %q: Lang %q, want %q", i, o.Text, o.Lang, lang)
		}
	}
}

// TestOutboundsCarryTheLanguage: every message says the conversation's
// language, so adapters write their own words (share buttons, "reply with a
// number") in it; it follows `bahasa`, inside a flow and outside.
func TestOutboundsCarryTheLanguage(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("outlang")
		wantLang(t, h.Say(a, "daftar"), "id")
		wantLang(t, h.Say(a, "bahasa inggris"), "en")
		wantLang(t, h.Say(a, "batal"), "en")
		wantLang(t, h.Say(a, "hello"), "en")
		wantLang(t, h.Say(a, "bahasa indonesia"), "id")
	})
}
