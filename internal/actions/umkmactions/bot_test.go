package umkmactions_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"jejaring/flows"
	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/bot"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/flow"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// harness is the real bot with the real flows, the real UMKM actions, a
// fresh database of the dialect and the real Redis.
func harness(t *testing.T, dialect string) *bottest.Harness {
	t.Helper()
	set, err := flow.Load(flows.FS)
	if err != nil {
		t.Fatal(err)
	}
	data, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	set.SetOptions(umkmactions.Options(data))
	db := storetest.New(t, dialect)
	acts := bot.Actions{}
	if err := umkmactions.Register(acts, umkmactions.Deps{DB: db, Data: data, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		t.Fatal(err)
	}
	rdb, prefix := sessiontest.Real(t)
	return bottest.NewWith(t, set, acts, db, session.New(rdb, prefix, session.DefaultTTL))
}

func expect(t *testing.T, out []channel.Outbound, want string) {
	t.Helper()
	if got := bottest.Texts(out); !strings.Contains(got, want) {
		t.Fatalf("want a reply containing %q, got:\n%s", want, got)
	}
}

// TestThroughTheBot registers a business over the web chat with the real
// bot, then the same owner on WhatsApp gets the update instead of a second
// record, looks at their data, and deletes it.
func TestThroughTheBot(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			h := harness(t, dialect)
			ctx := context.Background()
			web := bottest.Addr("siti-web")

			expect(t, h.Say(web, "daftar"), "Apakah Bapak/Ibu setuju")
			expect(t, h.Say(web, "ya"), "bolehkah profil usaha")
			expect(t, h.Say(web, "tidak"), "nama lengkap pemilik")
			expect(t, h.Say(web, "Siti Aminah"), "Nomor HP")
			// She leaves and comes back hours later (within the session
			// TTL) with DAFTAR: the registration resumes where it stopped.
			h.Advance(3 * time.Hour)
			out := h.Say(web, "daftar")
			expect(t, out, "Selamat datang kembali")
			expect(t, out, "Nomor HP")
			expect(t, h.Say(web, "0812-3456-7890"), "nama usahanya")
			expect(t, h.Say(web, "Keripik Balado Uni Siti"), "Apa yang dijual")
			expect(t, h.Say(web, "keripik balado"), "Industri olahan")
			expect(t, h.Say(web, "ya"), "kecamatan")
			expect(t, h.Say(web, "tarusan"), "Nagari")
			expect(t, h.Say(web, "mandeh"), "Alamat")
			expect(t, h.Say(web, "Jl. Raya Tarusan No. 5"), "Tahun")
			expect(t, h.Say(web, "2015"), "Berapa orang")
			expect(t, h.Say(web, "3"), "modal")
			expect(t, h.Say(web, "50 juta"), "omzet")
			expect(t, h.Say(web, "2,5 M"), "NIB")
			expect(t, h.Say(web, "lewati"), "NIK")
			expect(t, h.Say(web, "1301014506900001"), "foto")
			out = h.Send(bottest.Inbound(web, flow.Input{Kind: flow.InPhoto, FileRef: "photo-1"}))
			expect(t, out, "*Usaha Kecil* menurut PP 7/2021")
			expect(t, out, "7. Nagari: Mandeh")
			expect(t, h.Say(web, "ya"), "PSS-2026-000001")

			repo := store.NewBusinessRepo(h.DB)
			b, err := repo.BusinessByRegNo(ctx, "PSS-2026-000001")
			if err != nil {
				t.Fatal(err)
			}
			if b.OwnerPhone != "+6281234567890" || b.SizeClass != umkm.Kecil || b.RegionCode != "13.01.07" || b.KBLISection != "C" ||
				b.PhotoRef == "" || b.ShowToPartners || *b.AnnualSales != 2_500_000_000 {
				t.Errorf("stored %+v", b)
			}
			webContact := h.Contact(web)
			if c, _ := h.DB.LatestConsent(ctx, webContact.ID, contact.PurposeData); !c.Granted || c.MessageID == "" {
				t.Errorf("consent %+v", c)
			}

			// Someone else on the web chat types the same number: no
			// duplicate, no update from a typed number either, and not a
			// word of whose business uses it.
			other := bottest.Addr("andi-web")
			h.Say(other, "daftar")
			h.Say(other, "ya")
			h.Say(other, "ya")
			h.Say(other, "Andi")
			out = h.Say(other, "081234567890")
			expect(t, out, "tidak bisa dipakai untuk pendaftaran baru")
			if got := bottest.Texts(out); strings.Contains(got, "Keripik") || strings.Contains(got, "PSS-2026") {
				t.Errorf("the typed phone showed the business using it:\n%s", got)
			}
			if _, ended := h.Answers(other); ended != "done" {
				t.Errorf("flow not ended: %q", ended)
			}

			// The same owner on WhatsApp: the platform knows the phone.
			wa := channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}
			first := channel.Inbound{From: wa, Kind: channel.KindText, Text: "daftar", Phone: "+6281234567890", DisplayName: "Siti"}
			expect(t, h.Send(first), "sudah terdaftar dengan nomor PSS-2026-000001")
			out = h.Say(wa, "ya")
			expect(t, out, "Bagian mana yang ingin diubah")
			expect(t, h.Say(wa, "tenaga kerja"), "Berapa orang")
			expect(t, h.Say(wa, "5"), "Mohon periksa data yang baru")
			expect(t, h.Say(wa, "ya"), "Yang diperbarui: tenaga kerja")
			list, _ := repo.ListBusinesses(ctx, umkm.Filter{IncludeDeleted: true})
			if len(list) != 1 || *list[0].Workers != 5 || !list[0].Verified || *list[0].ContactID != h.Contact(wa).ID {
				t.Errorf("after the update: %+v", list)
			}

			expect(t, h.Say(wa, "datasaya"), "Keripik Balado Uni Siti")
			expect(t, h.Say(wa, "berhenti"), "tidak akan menerima")
			if !h.Contact(wa).Stopped {
				t.Error("berhenti did not stop broadcasts")
			}
			expect(t, h.Say(wa, "mulai"), "akan menerima")
			waID := h.Contact(wa).ID
			expect(t, h.Say(wa, "hapusdata"), "Lanjutkan?")
			expect(t, h.Say(wa, "ya"), "sudah dihapus (1 usaha)")
			b, _ = repo.BusinessByRegNo(ctx, "PSS-2026-000001")
			if b.OwnerName != "" || b.OwnerPhone != "" || b.NIK != "" || b.DeletedAt == nil || b.SizeClass != umkm.Kecil {
				t.Errorf("after hapusdata: %+v", b)
			}
			// The WhatsApp id is the phone number: it goes too.
			if c, err := h.DB.ContactByID(ctx, waID); err != nil || c.Phone != "" || !c.Stopped || c.ExternalID == wa.ExternalID {
				t.Errorf("contact after hapusdata: %+v", c)
			}
		})
	}
}
