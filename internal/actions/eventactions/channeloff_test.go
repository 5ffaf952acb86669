package eventactions_test

import (
	"context"
	"strings"
	"testing"

	"jejaring/internal/actions/eventactions"
	"jejaring/internal/bot"
	"jejaring/internal/event"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestPreviewWarnsAboutChannelsOff: the staff preview says when recipients
// are on a channel no running Jejaring sends on, and how many invitations
// the outbox will then skip; with every channel on it says nothing more.
func TestPreviewWarnsAboutChannelsOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, event.Seminar, 0, 1, false)
		count := func(on func(context.Context, string) bool) string {
			t.Helper()
			acts := bot.Actions{}
			if err := eventactions.Register(acts, eventactions.Deps{Events: store.NewEventRepo(db), ChannelOn: on}); err != nil {
				t.Fatal(err)
			}
			res, err := acts["staff.segment_count"](context.Background(), bot.ActionCall{
				Contact: f.staff, Args: map[string]any{"event_id": f.ev.ID, "everyone": "true"}, Now: t0, Lang: "id",
			})
			if err != nil {
				t.Fatal(err)
			}
			s, _ := res.Answers["count_text"].(string)
			if !strings.Contains(s, "Akan menerima: 2 UMKM (web chat 2)") {
				t.Fatalf("count_text %q", s)
			}
			return s
		}
		var asked []string
		off := count(func(_ context.Context, ch string) bool { asked = append(asked, ch); return ch != "webchat" })
		if !strings.Contains(off, "saluran web chat tidak aktif") || !strings.Contains(off, "2 undangan lewat web chat tidak terkirim") {
			t.Errorf("no warning about the channel off:\n%s", off)
		}
		if len(asked) != 1 || asked[0] != "webchat" {
			t.Errorf("asked about %v, want only the channels reached", asked)
		}
		if on := count(func(context.Context, string) bool { return true }); strings.Contains(on, "tidak aktif") {
			t.Errorf("warning with every channel on:\n%s", on)
		}
		if none := count(nil); strings.Contains(none, "tidak aktif") {
			t.Errorf("warning without ChannelOn:\n%s", none)
		}
	})
}
