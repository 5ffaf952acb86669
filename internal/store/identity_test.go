package store_test

import (
	"context"
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/migrations"
)

var it0 = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

// A phone is stored on a contact only with a verified source, and
// VerifiedPhone reads only such a phone.
func TestContactPhoneNeedsAVerifiedSource(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, src := range []contact.PhoneSource{contact.SourceNone, contact.SourceTyped, "webchat"} {
			if _, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "webchat", ExternalID: "w-" + string(src), Phone: "+6281266543210", PhoneSource: src, At: it0}); err == nil {
				t.Errorf("source %q: phone stored", src)
			}
		}
		c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "webchat", ExternalID: "w", At: it0})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetContactPhone(ctx, c.ID, "+6281266543210", contact.SourceTyped, it0); err == nil {
			t.Error("typed phone stored")
		}
		if got, _ := db.ContactByID(ctx, c.ID); got.Phone != "" || got.VerifiedPhone() != "" {
			t.Errorf("after refused writes: %+v", got)
		}
		if err := db.SetContactPhone(ctx, c.ID, "+6281266543210", contact.SourceOTP, it0); err != nil {
			t.Fatal(err)
		}
		got, _ := db.ContactByID(ctx, c.ID)
		if got.VerifiedPhone() != "+6281266543210" || got.PhoneSource != "otp" || got.PhoneVerifiedAt == nil || !got.PhoneVerifiedAt.Equal(it0) {
			t.Errorf("otp phone: %+v", got)
		}
		// A row whose phone has no verified source (as before migration
		// 00300) gives no verified phone.
		if (contact.Contact{Phone: "+6281266543210", PhoneSource: ""}).VerifiedPhone() != "" {
			t.Error("a phone without a source counted")
		}
		// WhatsApp sender: source and time recorded on first sight.
		wa, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "whatsapp", ExternalID: "6281377778888", Phone: "+6281377778888",
			PhoneSource: contact.SourceWhatsAppSender, At: it0})
		if err != nil || wa.VerifiedPhone() != "+6281377778888" || wa.PhoneSource != "whatsapp_sender" {
			t.Errorf("whatsapp sender: %+v %v", wa, err)
		}
		// Reachable for a code: the WhatsApp/Telegram contacts only.
		if cs, err := db.ReachableByPhone(ctx, "+6281266543210"); err != nil || len(cs) != 0 {
			t.Errorf("an otp-verified web chat contact is reachable for codes: %+v %v", cs, err)
		}
		if cs, _ := db.ReachableByPhone(ctx, "+6281377778888"); len(cs) != 1 || cs[0].ID != wa.ID {
			t.Errorf("reachable: %+v", cs)
		}
	})
}

func TestPhoneCodes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		web, _, _ := db.UpsertContact(ctx, contact.Seen{Channel: "webchat", ExternalID: "w", At: it0})
		wa, _, _ := db.UpsertContact(ctx, contact.Seen{Channel: "whatsapp", ExternalID: "6281266543210", Phone: "+6281266543210",
			PhoneSource: contact.SourceWhatsAppSender, At: it0})
		phone := "+6281266543210"
		newCodeFor := func(from int64, phone string, at time.Time) string {
			t.Helper()
			code, hash, err := contact.NewCode()
			if err != nil {
				t.Fatal(err)
			}
			msg := &outbox.Message{Kind: outbox.KindCode, To: channel.Address{Channel: channel.WhatsApp, ExternalID: wa.ExternalID},
				ContactID: wa.ID, Payload: outbox.Payload{Text: contact.CodeText(code, "id")}}
			if err := db.CreatePhoneCode(ctx, store.PhoneCode{ContactID: from, Phone: phone, Hash: hash, Send: msg}, at); err != nil {
				t.Fatal(err)
			}
			return code
		}
		newCode := func(at time.Time) string { t.Helper(); return newCodeFor(web.ID, phone, at) }
		code := newCode(it0)
		var rows []struct {
			Hash    string    `db:"code_hash"`
			Payload string    `db:"payload"`
			After   time.Time `db:"not_after"`
		}
		if err := db.SelectContext(ctx, &rows, `SELECT code_hash, o.payload, o.not_after FROM phone_codes, outbox o WHERE o.kind = 'code'`); err != nil || len(rows) != 1 {
			t.Fatalf("rows %+v %v", rows, err)
		}
		if strings.Contains(rows[0].Hash, code) || !strings.Contains(rows[0].Payload, code) || !rows[0].After.Equal(it0.Add(contact.CodeTTL)) {
			t.Errorf("stored %+v", rows[0])
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		// Wrong tries count, committed, down to the last.
		for want := contact.CodeAttempts - 1; want >= 1; want-- {
			if _, left, err := db.CheckPhoneCode(ctx, web.ID, wrong, it0.Add(time.Minute)); !errors.Is(err, contact.ErrCodeWrong) || left != want {
				t.Fatalf("wrong try: left %d %v, want %d", left, err, want)
			}
		}
		if _, _, err := db.CheckPhoneCode(ctx, web.ID, wrong, it0.Add(time.Minute)); !errors.Is(err, contact.ErrCodeDead) {
			t.Fatalf("last wrong try: %v", err)
		}
		if _, _, err := db.CheckPhoneCode(ctx, web.ID, code, it0.Add(time.Minute)); !errors.Is(err, contact.ErrCodeDead) {
			t.Fatalf("right code after the tries: %v", err)
		}
		// A dead code is no longer in the outbox in clear.
		clear := func(code string) int {
			t.Helper()
			var n int
			if err := db.GetContext(ctx, &n, db.Rebind(`SELECT COUNT(*) FROM outbox WHERE payload LIKE ?`), "%"+code+"%"); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := clear(code); n != 0 {
			t.Errorf("dead code still in the outbox (%d rows)", n)
		}
		// Expired.
		code = newCode(it0.Add(2 * time.Minute))
		if _, _, err := db.CheckPhoneCode(ctx, web.ID, code, it0.Add(2*time.Minute+contact.CodeTTL)); !errors.Is(err, contact.ErrCodeDead) {
			t.Fatalf("expired code: %v", err)
		}
		// Three codes this hour: the fourth is refused, for the contact
		// and for the phone alike.
		if err := db.CreatePhoneCode(ctx, store.PhoneCode{ContactID: web.ID, Phone: phone}, it0.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := db.CreatePhoneCode(ctx, store.PhoneCode{ContactID: web.ID, Phone: "+6281299990000"}, it0.Add(4*time.Minute)); !errors.Is(err, contact.ErrTooManyCodes) {
			t.Fatalf("fourth code of the contact: %v", err)
		}
		other, _, _ := db.UpsertContact(ctx, contact.Seen{Channel: "webchat", ExternalID: "w2", At: it0})
		if err := db.CreatePhoneCode(ctx, store.PhoneCode{ContactID: other.ID, Phone: phone}, it0.Add(4*time.Minute)); !errors.Is(err, contact.ErrTooManyCodes) {
			t.Fatalf("fourth code to the phone: %v", err)
		}
		// An hour later: a code again, and the right one links.
		code = newCode(it0.Add(2 * time.Hour))
		got, _, err := db.CheckPhoneCode(ctx, web.ID, " "+code[:3]+" "+code[3:], it0.Add(2*time.Hour+time.Minute))
		if err != nil || got != phone {
			t.Fatalf("right code: %q %v", got, err)
		}
		if c, _ := db.ContactByID(ctx, web.ID); c.VerifiedPhone() != phone || c.PhoneSource != "otp" {
			t.Errorf("after the code: %+v", c)
		}
		if _, _, err := db.CheckPhoneCode(ctx, web.ID, code, it0.Add(2*time.Hour+2*time.Minute)); !errors.Is(err, contact.ErrCodeDead) {
			t.Errorf("code used twice: %v", err)
		}
		if n := clear(code); n != 0 {
			t.Errorf("used code still in the outbox (%d rows)", n)
		}
		// A code replaced by a newer one is blanked too; an unsent one is
		// not sent.
		// (Codes four and five of the day for this phone; a sixth is
		// refused.)
		old := newCode(it0.Add(3 * time.Hour))
		if err := db.CreatePhoneCode(ctx, store.PhoneCode{ContactID: other.ID, Phone: phone}, it0.Add(5*time.Hour)); !errors.Is(err, contact.ErrTooManyCodes) {
			t.Fatalf("sixth code of the day to the phone: %v", err)
		}
		third, _, _ := db.UpsertContact(ctx, contact.Seen{Channel: "webchat", ExternalID: "w3", At: it0})
		newCodeFor(web.ID, "+6281299990001", it0.Add(25*time.Hour))
		old2 := newCodeFor(third.ID, "+6281299990002", it0.Add(25*time.Hour))
		newCodeFor(third.ID, "+6281299990002", it0.Add(25*time.Hour+time.Minute))
		if n := clear(old2); n != 0 {
			t.Errorf("replaced code still in the outbox (%d rows)", n)
		}
		if n := clear(old); n != 0 {
			t.Errorf("replaced code still in the outbox (%d rows)", n)
		}
		var cancelled int
		if err := db.GetContext(ctx, &cancelled, `SELECT COUNT(*) FROM outbox WHERE kind = 'code' AND status = 'cancelled'`); err != nil || cancelled < 2 {
			t.Errorf("unsent dead codes cancelled: %d %v", cancelled, err)
		}
		if a, _ := db.AuditFor(ctx, "contact", itoa(web.ID)); len(a) != 1 || a[0].Action != store.AuditPhoneVerified {
			t.Errorf("audit %+v", a)
		}
		// A code nobody could receive never matches.
		if contact.CodeMatches("", "123456") {
			t.Error("empty hash matched")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestClaimToken(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		b := sample(0, "+6281234567890")
		if err := repo.CreateBusiness(ctx, &b, "PSS", bt0); err != nil {
			t.Fatal(err)
		}
		imp := []umkm.Business{sample(0, "+6282222222222"), sample(0, "+6283333333333")}
		if _, err := repo.ImportBusinesses(ctx, imp, "PSS", "staff:x", bt0, 0, false); err != nil {
			t.Fatal(err)
		}
		all, _ := repo.ListBusinesses(ctx, umkm.Filter{})
		seen := map[string]bool{}
		for _, x := range all {
			if _, ok := umkm.NormalizeClaimToken(x.ClaimToken); !ok || seen[x.ClaimToken] {
				t.Errorf("business %s token %q", x.RegNo, x.ClaimToken)
			}
			seen[x.ClaimToken] = true
		}
		c := newContact(t, db, "claimer")
		got, err := repo.ClaimBusiness(ctx, strings.ToUpper(b.ClaimToken), c, store.ActorContact(c), bt0)
		if err != nil || got.ID != b.ID || *got.ContactID != c || got.ClaimToken == b.ClaimToken {
			t.Fatalf("claim: %+v %v", got, err)
		}
		if _, err := repo.ClaimBusiness(ctx, b.ClaimToken, newContact(t, db, "late"), "contact:9", bt0); !errors.Is(err, umkm.ErrNotFound) {
			t.Errorf("token used twice: %v", err)
		}
		for _, bad := range []string{"", "x", strings.Repeat("g", umkm.ClaimTokenLen), "' OR 1=1 --"} {
			if _, err := repo.ClaimBusiness(ctx, bad, c, "contact:1", bt0); !errors.Is(err, umkm.ErrNotFound) {
				t.Errorf("token %q: %v", bad, err)
			}
		}
		a, _ := db.AuditFor(ctx, "business", itoa(b.ID))
		last := a[len(a)-1]
		if last.Action != store.AuditBusinessClaim || strings.Contains(last.Details, got.ClaimToken) || strings.Contains(last.Details, b.ClaimToken) {
			t.Errorf("claim audit %+v", last)
		}
		// The office asks for the token: the same one; --new replaces it.
		same, err := repo.IssueClaimToken(ctx, b.RegNo, false, "staff:x", bt0)
		if err != nil || same.ClaimToken != got.ClaimToken {
			t.Fatalf("issue: %+v %v", same, err)
		}
		renewed, err := repo.IssueClaimToken(ctx, b.RegNo, true, "staff:x", bt0)
		if err != nil || renewed.ClaimToken == got.ClaimToken {
			t.Fatalf("renew: %+v %v", renewed, err)
		}
		if _, err := repo.ClaimBusiness(ctx, got.ClaimToken, c, "contact:1", bt0); !errors.Is(err, umkm.ErrNotFound) {
			t.Errorf("renewed-away token still works: %v", err)
		}
		if _, err := repo.IssueClaimToken(ctx, "PSS-1999-000001", false, "staff:x", bt0); !errors.Is(err, umkm.ErrNotFound) {
			t.Errorf("unknown reg no: %v", err)
		}
	})
}

// Migration 00300 on a database with data from before it: WhatsApp and
// Telegram phones become verified (the bot only ever stored phones those
// platforms vouched for), a web chat phone — "shared" by anyone — is
// cleared, and every live business gets its own claim token.
func TestMigration00300(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.NewUnmigrated(t, dialect)
			sub, err := fs.Sub(migrations.FS, dialect)
			if err != nil {
				t.Fatal(err)
			}
			gd := goose.DialectPostgres
			if dialect == store.SQLite {
				gd = goose.DialectSQLite3
			}
			p, err := goose.NewProvider(gd, db.DB.DB, sub, goose.WithDisableGlobalRegistry(true))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, 201); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ ch, ext, phone string }{
				{"whatsapp", "6281111111111", "+6281111111111"}, {"telegram", "42", "+6282222222222"}, {"webchat", "attacker", "+6281266543210"},
			} {
				if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO contacts (channel, external_id, phone, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`),
					c.ch, c.ext, c.phone, it0, it0); err != nil {
					t.Fatal(err)
				}
			}
			for i, name := range []string{"Lapau A", "Lapau B"} {
				if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO businesses (reg_no, name, owner_phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`),
					"PSS-2026-00000"+strconv.Itoa(i+1), name, "+628133333333"+strconv.Itoa(i), it0, it0); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			want := map[string]struct{ phone, source string }{
				"6281111111111": {"+6281111111111", "whatsapp_sender"}, "42": {"+6282222222222", "telegram_contact"}, "attacker": {"", ""},
			}
			for _, ch := range []string{"whatsapp", "telegram", "webchat"} {
				var cs []contact.Contact
				if err := db.SelectContext(ctx, &cs, db.Rebind(`SELECT id, channel, external_id, COALESCE(phone, '') AS phone, display_name, language,
					first_seen, last_seen, stopped, blocked, is_staff, phone_source, phone_verified_at FROM contacts WHERE channel = ?`), ch); err != nil || len(cs) != 1 {
					t.Fatalf("%s: %+v %v", ch, cs, err)
				}
				w := want[cs[0].ExternalID]
				if cs[0].VerifiedPhone() != w.phone || cs[0].PhoneSource != w.source {
					t.Errorf("%s after migration: %+v", ch, cs[0])
				}
			}
			all, err := store.NewBusinessRepo(db).ListBusinesses(ctx, umkm.Filter{})
			if err != nil || len(all) != 2 {
				t.Fatalf("businesses %v %v", all, err)
			}
			for _, b := range all {
				if _, ok := umkm.NormalizeClaimToken(b.ClaimToken); !ok || b.ClaimToken == all[0].ClaimToken && b.ID != all[0].ID {
					t.Errorf("%s token %q", b.RegNo, b.ClaimToken)
				}
			}
		})
	}
}
