package app

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"jejaring/flows"
	"jejaring/internal/actions/eventactions"
	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// TestStaffLinkThroughTheBot: a staff member links their Telegram chat with
// the code of `jejaring user link` (KODEPETUGAS), gets the staff menu, and
// loses it at the next message once the link is revoked; the same code
// from the web chat, reused, or is_staff set by hand, gives nothing.
func TestStaffLinkThroughTheBot(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			data, err := umkm.LoadData("")
			if err != nil {
				t.Fatal(err)
			}
			db := storetest.New(t, dialect)
			acts, err := actions(db, data, "", slog.New(slog.NewTextHandler(io.Discard, nil)), eventactions.Deps{Events: store.NewEventRepo(db)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			set, err := flow.Load(flows.FS)
			if err != nil {
				t.Fatal(err)
			}
			set.SetOptions(umkmactions.Options(data))
			rdb, prefix := sessiontest.Real(t)
			h := bottest.NewWith(t, set, acts, db, session.New(rdb, prefix, session.DefaultTTL))
			say := func(addr channel.Address, text, want string) {
				t.Helper()
				if got := bottest.Texts(h.Say(addr, text)); !strings.Contains(got, want) {
					t.Fatalf("after %q want %q, got:\n%s", text, want, got)
				}
			}
			if _, err := db.AddStaff(ctx, "rina", "kata-sandi-rina", false, "cli", h.Now()); err != nil {
				t.Fatal(err)
			}
			code, _, err := db.NewLinkCode(ctx, "rina", "cli", h.Now())
			if err != nil {
				t.Fatal(err)
			}

			web := bottest.Addr("rina-web-0001")
			say(web, "kodepetugas", "kode petugas")
			say(web, code, "tidak dari web chat")

			tg := channel.Address{Channel: channel.Telegram, ExternalID: "880001"}
			say(tg, "petugas", "hanya untuk petugas")
			say(tg, "kodepetugas", "kode petugas")
			say(tg, code, "tertaut sebagai petugas *rina*")
			say(tg, "petugas", "Menu petugas")

			other := channel.Address{Channel: channel.Telegram, ExternalID: "880002"}
			say(other, "kodepetugas", "kode petugas")
			say(other, code, "sudah dipakai")

			// Revoked between two messages: the next step is refused.
			if _, err := db.RevokeStaff(ctx, h.Contact(tg).ID, "cli", h.Now()); err != nil {
				t.Fatal(err)
			}
			say(tg, "1", "hanya untuk petugas")
			say(tg, "petugas", "hanya untuk petugas")

			// is_staff set by hand, no link: the menu opens, nothing in it works.
			if err := db.SetContactStaff(ctx, h.Contact(other).ID, true); err != nil {
				t.Fatal(err)
			}
			say(other, "petugas", "Menu petugas")
			say(other, "1", "sudah ditautkan kantor")
		})
	}
}
