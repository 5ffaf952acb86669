package umkmactions_test

import (
	"context"
	"strings"
	"testing"

	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestControlCharactersThroughTheBot registers a business whose answers
// carry NUL, bidi overrides and zero-width characters, on both databases.
// On PostgreSQL a NUL used to make the last step fail with an apology on
// every retry; now the bot drops them before the flow sees the text, an
// answer of nothing but such characters is asked again like a sticker, and
// the record holds clean text.
func TestControlCharactersThroughTheBot(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			h := harness(t, dialect)
			ctx := context.Background()
			web := bottest.Addr("nul-web")
			first := channel.Inbound{From: web, Kind: channel.KindText, Text: "daftar\x00", DisplayName: "Uni\x00 Siti\u202e"}
			expect(t, h.Send(first), "Apakah Bapak/Ibu setuju")
			expect(t, h.Say(web, "ya\u200b"), "bolehkah profil usaha")
			expect(t, h.Say(web, "tidak"), "nama lengkap pemilik")
			expect(t, h.Say(web, "Siti\x00 Aminah\u2066"), "Nomor HP")
			expect(t, h.Say(web, "\u20660812-3456-7890\u2069"), "nama usahanya")

			// Nothing but invisible characters: the same kind re-ask a
			// sticker gets, and the question stays.
			sticker := h.Send(bottest.Inbound(web, flow.Input{Kind: flow.InOther}))
			invisible := h.Say(web, "\x00\u200b\u202e\ufeff\u200d")
			if bottest.Texts(invisible) != bottest.Texts(sticker) || len(invisible) == 0 {
				t.Errorf("only control characters: got\n%s\nwant what a sticker gets:\n%s", bottest.Texts(invisible), bottest.Texts(sticker))
			}
			// (A third miss adds the engine's hint below the same re-ask.)
			pressed := h.Send(channel.Inbound{From: web, Kind: channel.KindChoice, Choice: "\x00\u200b"})
			firstLine := func(out []channel.Outbound) string { return strings.SplitN(bottest.Texts(out), "\n", 2)[0] }
			if firstLine(pressed) != firstLine(sticker) {
				t.Errorf("an empty choice: got\n%q\nwant the start of %q", bottest.Texts(pressed), bottest.Texts(sticker))
			}

			expect(t, h.Say(web, "Keripik\x00 Balado \u202eUni Siti\u202c"), "Apa yang dijual")
			expect(t, h.Say(web, "keripik\u200b balado"), "Industri olahan")
			expect(t, h.Say(web, "ya"), "kecamatan")
			expect(t, h.Say(web, "tarusan"), "Nagari")
			expect(t, h.Say(web, "mandeh"), "Alamat")
			expect(t, h.Say(web, "Jl. Raya\x00 Tarusan\r\nNo. 5\x7f"), "Tahun")
			expect(t, h.Say(web, "2015"), "Berapa orang")
			expect(t, h.Say(web, "3"), "modal")
			expect(t, h.Say(web, "50 juta"), "omzet")
			expect(t, h.Say(web, "2,5 M"), "NIB")
			expect(t, h.Say(web, "lewati"), "NIK")
			// A NIK of a province that does not exist is asked again, kindly,
			// with an example.
			out := h.Say(web, "9901014506900001")
			expect(t, out, "bukan kode provinsi")
			expect(t, out, "contoh: 1301014506900001")
			expect(t, h.Say(web, "1301014506900001\u200e"), "foto")
			expect(t, h.Send(bottest.Inbound(web, flow.Input{Kind: flow.InPhoto, FileRef: "photo-1"})), "PP 7/2021")
			expect(t, h.Say(web, "ya\x00"), "PSS-2026-000001")

			b, err := store.NewBusinessRepo(h.DB).BusinessByRegNo(ctx, "PSS-2026-000001")
			if err != nil {
				t.Fatal(err)
			}
			if b.Name != "Keripik Balado Uni Siti" || b.OwnerName != "Siti Aminah" || b.OwnerPhone != "+6281234567890" ||
				b.Products != "keripik balado" || b.Address != "Jl. Raya Tarusan\nNo. 5" || b.NIK != "1301014506900001" {
				t.Errorf("stored %q / %q / %q / %q / %q / %q", b.Name, b.OwnerName, b.OwnerPhone, b.Products, b.Address, b.NIK)
			}
			if c := h.Contact(web); c.DisplayName != "Uni Siti" {
				t.Errorf("contact display name %q", c.DisplayName)
			}
			for _, s := range []string{b.Name, b.OwnerName, b.Address, b.Products} {
				if strings.ContainsAny(s, "\x00\u200b\u202e\u2066\u200e\r\x7f") {
					t.Errorf("stored text keeps a control character: %q", s)
				}
			}
		})
	}
}
