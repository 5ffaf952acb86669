package umkmactions_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// The victim of issue 10: a business registered from WhatsApp.
const (
	victimPhone = "+6281266543210"
	victimName  = "Warung Nasi Uni Rosna"
	victimNIK   = "1301014506900001"
)

// seedVictim gives the harness the victim's WhatsApp contact (the platform
// vouches for the sender's number) and her business linked to it.
func seedVictim(t *testing.T, h *bottest.Harness) (channel.Address, *umkm.Business) {
	t.Helper()
	ctx := context.Background()
	wa := channel.Address{Channel: channel.WhatsApp, ExternalID: "6281266543210"}
	c, _, err := h.DB.UpsertContact(ctx, contact.Seen{Channel: string(wa.Channel), ExternalID: wa.ExternalID,
		DisplayName: "Rosna", Phone: victimPhone, PhoneSource: contact.SourceWhatsAppSender, At: h.Now()})
	if err != nil {
		t.Fatal(err)
	}
	cid := c.ID
	workers := 2
	b := umkm.Business{ContactID: &cid, OwnerName: "Rosna Dewi", OwnerPhone: victimPhone, NIK: victimNIK, Name: victimName,
		Products: "nasi kapau", KBLISection: "I", RegionCode: "13.01.07", Address: "Jl. Pasar Baru 3", Workers: &workers, Verified: true}
	b.Classify()
	if err := store.NewBusinessRepo(h.DB).CreateBusiness(ctx, &b, "PSS", h.Now()); err != nil {
		t.Fatal(err)
	}
	return wa, &b
}

// noVictim fails when out shows anything of the victim's record.
func noVictim(t *testing.T, what string, out []channel.Outbound) {
	t.Helper()
	got := bottest.Texts(out)
	for _, leak := range []string{victimName, "Rosna Dewi", "PSS-2026", "1301", "Pasar Baru", "081266543210", victimPhone} {
		if strings.Contains(got, leak) {
			t.Errorf("%s shows %q of the victim's record:\n%s", what, leak, got)
		}
	}
}

// intact fails unless the victim's record is as seeded: still hers, not
// deleted, not changed.
func intact(t *testing.T, h *bottest.Harness, b *umkm.Business) {
	t.Helper()
	got, err := store.NewBusinessRepo(h.DB).GetBusiness(context.Background(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ContactID == nil || *got.ContactID != *b.ContactID || got.DeletedAt != nil || got.Name != victimName ||
		got.Address != b.Address || got.NIK != victimNIK || got.OwnerPhone != victimPhone {
		t.Errorf("the victim's record changed: %+v", got)
	}
}

// The exact attack of issue 10: a web chat client "shares" the victim's
// phone as its own contact (the old adapter marked it own, platform
// verified), then runs datasaya, ubah and hapusdata. None of them reaches
// the victim's record; it is not re-linked; her own datasaya still works.
func TestWebChatSharedPhoneReachesNoRecord(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			h := harness(t, dialect)
			wa, b := seedVictim(t, h)
			web := bottest.Addr("attacker")
			h.Say(web, "halo")
			h.Send(channel.Inbound{From: web, Kind: channel.KindContact, Phone: "081266543210", OwnPhone: true})
			h.Send(channel.Inbound{From: web, Kind: channel.KindText, Text: "menu", Phone: "081266543210"})
			if c := h.Contact(web); c.Phone != "" || c.VerifiedPhone() != "" {
				t.Fatalf("the web chat's phone was stored as the contact's own: %+v", c)
			}

			out := h.Say(web, "datasaya")
			expect(t, out, "Belum ada usaha yang terhubung")
			noVictim(t, "datasaya", out)

			out = h.Say(web, "ubah")
			expect(t, out, "Belum ada usaha yang terhubung dengan percakapan ini")
			noVictim(t, "ubah", out)

			expect(t, h.Say(web, "hapusdata"), "Lanjutkan?")
			out = h.Say(web, "ya")
			expect(t, out, "(0 usaha)")
			intact(t, h, b)

			// Typing her number in daftar shows nothing of her either.
			h.Say(web, "daftar")
			h.Say(web, "ya")
			h.Say(web, "ya")
			h.Say(web, "Penyerang")
			out = h.Say(web, "0812-6654-3210")
			expect(t, out, "tidak bisa dipakai untuk pendaftaran baru")
			noVictim(t, "daftar with her phone", out)
			intact(t, h, b)

			// The owner herself, on WhatsApp, still sees her record.
			out = h.Send(channel.Inbound{From: wa, Kind: channel.KindText, Text: "datasaya", Phone: victimPhone})
			expect(t, out, victimName)
			expect(t, out, "1301********0001")
		})
	}
}

// The platforms that do vouch: the WhatsApp sender's number, and a Telegram
// contact shared by its own user, reach an imported record with that
// number; a Telegram contact card of someone else does not.
func TestPlatformVouchedPhoneReachesImportedRecord(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			h := harness(t, dialect)
			ctx := context.Background()
			repo := store.NewBusinessRepo(h.DB)
			imp := []umkm.Business{{OwnerName: "Rina", OwnerPhone: "+6281377778888", Name: "Lapau Rina", RegionCode: "13.01.03"}}
			if _, err := repo.ImportBusinesses(ctx, imp, "PSS", "staff:admin", h.Now(), 0, false); err != nil {
				t.Fatal(err)
			}

			// Telegram: someone else's card first (the user id differs).
			tg := channel.Address{Channel: channel.Telegram, ExternalID: "777"}
			h.Say(tg, "halo")
			h.Send(channel.Inbound{From: tg, Kind: channel.KindContact, Phone: "+6281377778888", OwnPhone: false})
			out := h.Say(tg, "datasaya")
			if strings.Contains(bottest.Texts(out), "Lapau Rina") {
				t.Errorf("someone else's Telegram contact card reached the record:\n%s", bottest.Texts(out))
			}
			// Their own card: the record is theirs.
			h.Send(channel.Inbound{From: tg, Kind: channel.KindContact, Phone: "+6281377778888", OwnPhone: true})
			expect(t, h.Say(tg, "datasaya"), "Lapau Rina")

			// WhatsApp: the sender's own number.
			wa := channel.Address{Channel: channel.WhatsApp, ExternalID: "6281377778888"}
			expect(t, h.Send(channel.Inbound{From: wa, Kind: channel.KindText, Text: "datasaya", Phone: "+6281377778888"}), "Lapau Rina")

			// The same shared card on the web chat counts for nothing.
			web := bottest.Addr("rina-web")
			h.Say(web, "halo")
			h.Send(channel.Inbound{From: web, Kind: channel.KindContact, Phone: "+6281377778888", OwnPhone: true})
			if strings.Contains(bottest.Texts(h.Say(web, "datasaya")), "Lapau Rina") {
				t.Error("a web chat shared contact reached the record")
			}
		})
	}
}

var codeRe = regexp.MustCompile(`\*(\d{6})\*`)

// sentCode is the code the outbox holds for the contact reached at to.
func sentCode(t *testing.T, h *bottest.Harness, to channel.Address) string {
	t.Helper()
	var payloads []string
	err := h.DB.SelectContext(context.Background(), &payloads, h.DB.Rebind(`SELECT payload FROM outbox
		WHERE kind = ? AND channel = ? AND external_id = ? ORDER BY id DESC`), outbox.KindCode, string(to.Channel), to.ExternalID)
	if err != nil || len(payloads) == 0 {
		t.Fatalf("no code queued for %s: %v", to, err)
	}
	p, err := outbox.DecodePayload(payloads[0])
	if err != nil {
		t.Fatal(err)
	}
	m := codeRe.FindStringSubmatch(p.Text)
	if m == nil {
		t.Fatalf("no code in %q", p.Text)
	}
	return m[1]
}

// The one-time code path: the code goes to the number's WhatsApp chat
// through the outbox, only its hash is stored, and typing it back makes the
// number the web chat contact's verified phone, so datasaya and ubah reach
// the record.
func TestOneTimeCodeLinksTheRecord(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			h := harness(t, dialect)
			ctx := context.Background()
			wa, b := seedVictim(t, h)
			web := bottest.Addr("rosna-web")
			expect(t, h.Say(web, "hubungkan"), "Nomor HP yang dipakai untuk usaha")
			expect(t, h.Say(web, "0812-6654-3210"), "Ketik kode 6 angka")
			code := sentCode(t, h, wa)
			var hashes []string
			if err := h.DB.SelectContext(ctx, &hashes, `SELECT code_hash FROM phone_codes`); err != nil || len(hashes) != 1 ||
				strings.Contains(hashes[0], code) || !contact.CodeMatches(hashes[0], code) {
				t.Fatalf("stored code: %v %v", hashes, err)
			}
			expect(t, h.Say(web, code), "sudah terhubung dengan percakapan ini")
			c := h.Contact(web)
			if c.VerifiedPhone() != victimPhone || c.PhoneSource != string(contact.SourceOTP) {
				t.Fatalf("after the code: %+v", c)
			}
			if ans, ended := h.Answers(web); ended != "done" || ans["link_code"] != "" {
				t.Errorf("the typed code was kept in the answers: %v (%s)", ans["link_code"], ended)
			}
			out := h.Say(web, "datasaya")
			expect(t, out, victimName)
			expect(t, h.Say(web, "ubah"), "Bagian mana yang ingin diubah")
			expect(t, h.Say(web, "1"), "sudah Bapak/Ibu konfirmasi")
			// Confirming through the verified path links the record here.
			if got, _ := store.NewBusinessRepo(h.DB).GetBusiness(ctx, b.ID); got.ContactID == nil || *got.ContactID != c.ID || got.DeletedAt != nil {
				t.Errorf("after ubah over the verified phone: %+v", got)
			}
			// Asking again for the number now verified: told so, no code.
			h.Say(web, "hubungkan")
			expect(t, h.Say(web, "0812-6654-3210"), "sudah terhubung")

			// A WhatsApp chat keeps the number WhatsApp gives it: another
			// number is reached from its own chat, not linked here.
			other := channel.Address{Channel: channel.WhatsApp, ExternalID: "6281377778888"}
			h.Send(channel.Inbound{From: other, Kind: channel.KindText, Text: "hubungkan", Phone: "+6281377778888"})
			expect(t, h.Send(channel.Inbound{From: other, Kind: channel.KindText, Text: "081266543210", Phone: "+6281377778888"}),
				"sudah memakai nomor +6281377778888")
			if c := h.Contact(other); c.VerifiedPhone() != "+6281377778888" {
				t.Errorf("whatsapp contact after asking for another number: %+v", c)
			}
		})
	}
}

// Wrong codes cost tries, the last one ends the code (even the right one is
// refused after), an expired code is refused, and a number cannot be sent
// more than three codes an hour. A number with no WhatsApp or Telegram
// chat gets the same answers, and its code can never match.
func TestOneTimeCodeRefusals(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			h := harness(t, dialect)
			wa, _ := seedVictim(t, h)
			web := bottest.Addr("guesser")
			h.Say(web, "hubungkan")
			h.Say(web, "081266543210")
			code := sentCode(t, h, wa)
			wrong := "000000"
			if code == wrong {
				wrong = "111111"
			}
			for left := contact.CodeAttempts - 1; left >= 1; left-- {
				expect(t, h.Say(web, wrong), "sisa "+strconv.Itoa(left)+" kali")
			}
			expect(t, h.Say(web, wrong), "tidak berlaku lagi")
			if c := h.Contact(web); c.Phone != "" {
				t.Fatalf("phone stored after wrong codes: %+v", c)
			}
			// The right code after the tries ran out: refused.
			h.Say(web, "hubungkan")
			h.Say(web, "081266543210")
			code = sentCode(t, h, wa)
			h.Advance(contact.CodeTTL + time.Second)
			expect(t, h.Say(web, code), "tidak berlaku lagi")
			if c := h.Contact(web); c.Phone != "" {
				t.Fatalf("phone stored with an expired code: %+v", c)
			}
			// Third code this hour for the number: sent; the fourth: not.
			h.Say(web, "hubungkan")
			expect(t, h.Say(web, "081266543210"), "Ketik kode 6 angka")
			h.Say(web, "batal")
			h.Say(web, "ya")
			other := bottest.Addr("guesser-2")
			h.Say(other, "hubungkan")
			expect(t, h.Say(other, "081266543210"), "terlalu sering diminta")

			// A number nobody can receive a code on: the same words, and
			// no code ever matches.
			nobody := bottest.Addr("nobody")
			h.Say(nobody, "hubungkan")
			expect(t, h.Say(nobody, "081299990000"), "Ketik kode 6 angka")
			for range contact.CodeAttempts - 1 {
				expect(t, h.Say(nobody, "123456"), "Kodenya belum cocok")
			}
			expect(t, h.Say(nobody, "654321"), "tidak berlaku lagi")
			if c := h.Contact(nobody); c.Phone != "" {
				t.Fatalf("phone stored without a code: %+v", c)
			}
		})
	}
}

// The claim token path: the office's link konfirmasi_<token> (or the text
// "KONFIRMASI <token>") links the record to the web chat contact once; the
// token is then replaced, so the same link does nothing for anyone else.
func TestClaimTokenLinksTheRecord(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			h := harness(t, dialect)
			ctx := context.Background()
			repo := store.NewBusinessRepo(h.DB)
			imp := []umkm.Business{{OwnerName: "Rina", OwnerPhone: "+6281377778888", Name: "Lapau Rina", RegionCode: "13.01.03"}}
			if _, err := repo.ImportBusinesses(ctx, imp, "PSS", "staff:admin", h.Now(), 0, false); err != nil {
				t.Fatal(err)
			}
			b, err := repo.BusinessByRegNo(ctx, imp[0].RegNo)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := umkm.NormalizeClaimToken(b.ClaimToken); !ok {
				t.Fatalf("imported record without a claim token: %q", b.ClaimToken)
			}
			web := bottest.Addr("rina-web")
			out := h.Say(web, "KONFIRMASI "+strings.ToUpper(b.ClaimToken))
			expect(t, out, "Lapau Rina")
			expect(t, out, "Bagian mana yang ingin diubah")
			expect(t, h.Say(web, "1"), "sudah Bapak/Ibu konfirmasi")
			after, _ := repo.GetBusiness(ctx, b.ID)
			if after.ContactID == nil || *after.ContactID != h.Contact(web).ID || !after.Verified || after.ClaimToken == b.ClaimToken {
				t.Fatalf("after the claim: %+v", after)
			}
			expect(t, h.Say(web, "datasaya"), "Lapau Rina")
			if c := h.Contact(web); c.Phone != "" {
				t.Errorf("a claim token vouched for a phone: %+v", c)
			}

			// The used link, opened by someone else: nothing, kindly.
			thief := bottest.Addr("thief")
			out = h.Open(thief, "konfirmasi_"+b.ClaimToken)
			expect(t, out, "kode konfirmasi itu tidak berlaku")
			noLeak := bottest.Texts(out)
			if strings.Contains(noLeak, "Lapau") || strings.Contains(noLeak, "Rina") {
				t.Errorf("a used token showed the record:\n%s", noLeak)
			}
			// The new token works as a deep link too.
			out = h.Open(thief, "konfirmasi_"+after.ClaimToken)
			expect(t, out, "Lapau Rina")
		})
	}
}
