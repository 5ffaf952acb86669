package bot_test

import (
	"testing"
	"time"

	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// FuzzHandle throws arbitrary messages of every kind at one contact on the
// local-mode backends: the bot must always answer (never an error, never
// silence for a fresh message id) and never leave a session it cannot read.
func FuzzHandle(f *testing.F) {
	for _, seed := range []struct {
		kind uint8
		text string
	}{
		{0, "daftar"}, {0, "Kerupuk Sanjai"}, {1, "kuliner"}, {0, "batal"}, {0, "ya"},
		{0, "bahasa inggris"}, {0, "halo"}, {2, "rsvp_tok_yes"}, {2, ""}, {3, ""},
		{1, "rsvp_x"}, {0, "datasaya"}, {0, "menu"}, {0, "kembali"}, {0, "\\x00\\xff"},
	} {
		f.Add(seed.kind, seed.text)
	}
	set := loadFlows(f)
	rdb, prefix, _ := sessiontest.Mini(f)
	sessions := session.New(rdb, prefix, time.Hour)
	h := bottest.NewWith(f, set, (&fakes{}).actions(), storetest.New(f, store.SQLite), sessions)
	a := bottest.Addr("fuzz")
	kinds := []channel.Kind{channel.KindText, channel.KindChoice, channel.KindStart, channel.KindOther,
		channel.KindPhoto, channel.KindLocation, channel.KindContact}
	f.Fuzz(func(t *testing.T, kind uint8, text string) {
		in := channel.Inbound{From: a, Kind: kinds[int(kind)%len(kinds)]}
		switch in.Kind {
		case channel.KindText:
			in.Text = text
		case channel.KindChoice:
			in.Choice = text
		case channel.KindStart:
			in.Payload = text
		case channel.KindPhoto:
			in.Attachment = &channel.Attachment{Ref: text}
		case channel.KindLocation:
			in.Location = &channel.Location{Latitude: -1.35, Longitude: 100.57, Name: text}
		case channel.KindContact:
			in.Phone = text
		}
		out, err := h.SendErr(t.Context(), in)
		if err != nil {
			t.Fatalf("Handle(%s %q): %v", in.Kind, text, err)
		}
		if len(out) == 0 {
			t.Fatalf("Handle(%s %q): no reply", in.Kind, text)
		}
		if _, err := sessions.Get(t.Context(), a); err != nil {
			t.Fatalf("after %s %q: %v", in.Kind, text, err)
		}
	})
}
