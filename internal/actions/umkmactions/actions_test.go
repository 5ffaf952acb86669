package umkmactions_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/bot"
	"jejaring/internal/contact"
	"jejaring/internal/flow"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

var now = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

type env struct {
	t   *testing.T
	db  *store.DB
	act bot.Actions
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	a := bot.Actions{}
	if err := umkmactions.Register(a, umkmactions.Deps{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		t.Fatal(err)
	}
	if got := a.Names(); len(got) != len(umkmactions.Names()) {
		t.Fatalf("registered %v", got)
	}
	return &env{t: t, db: db, act: a}
}

// contact is a contact as the bot hands it to actions. A phone is the
// platform-verified one: the WhatsApp sender, or a Telegram contact shared
// by its own user; the web chat vouches for none (phone must be "").
func (e *env) contact(channel, ext, phone string) flow.Contact {
	e.t.Helper()
	src := contact.SourceNone
	switch {
	case phone == "":
	case channel == "whatsapp":
		src = contact.SourceWhatsAppSender
	case channel == "telegram":
		src = contact.SourceTelegramContact
	default:
		e.t.Fatalf("a %s contact has no platform-verified phone", channel)
	}
	c, _, err := e.db.UpsertContact(context.Background(), contact.Seen{Channel: channel, ExternalID: ext, DisplayName: "Uni " + ext,
		Phone: phone, PhoneSource: src, At: now})
	if err != nil {
		e.t.Fatal(err)
	}
	return flow.Contact{ID: c.ID, Name: c.DisplayName, Phone: c.VerifiedPhone(), Channel: channel, Lang: "id"}
}

// answers round-trips through JSON, as the session does in Redis.
func answers(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func (e *env) run(name string, c flow.Contact, ans map[string]any, args map[string]any) map[string]any {
	e.t.Helper()
	res, err := e.act[name](context.Background(), bot.ActionCall{Contact: c, Answers: answers(ans), Args: args,
		MessageID: "msg-" + name, Now: now, Lang: c.Lang})
	if err != nil {
		e.t.Fatalf("%s: %v", name, err)
	}
	return res.Answers
}

func registration(phone string) map[string]any {
	return map[string]any{
		"consent": true, "show_partners": true, "owner_name": "Siti Aminah", "owner_phone": phone,
		"business_name": "Keripik Balado Uni Siti", "products": "keripik balado", "kbli_section": "C",
		"kecamatan": "13.01.07", "nagari": "mandeh", "address": "Jl. Raya Tarusan No. 5", "year_started": 2015,
		"workers": 3, "capital": 50_000_000, "annual_sales": 300_000_000, "nik": "1301014506900001", "photo": "file-1",
	}
}

func (e *env) register(c flow.Contact, ans map[string]any) map[string]any {
	e.t.Helper()
	e.run(umkmactions.ActConsent, c, ans, map[string]any{"purpose": contact.PurposeData, "granted": "true"})
	return e.run(umkmactions.ActRegister, c, ans, nil)
}

func TestRegisterHappyPath(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		c := e.contact("webchat", "w1", "")
		n := e.run(umkmactions.ActNotice, c, nil, nil)
		if n["notice_version"] != umkm.NoticeVersion || !strings.Contains(n["notice_text"].(string), "Pemberitahuan Privasi") {
			t.Errorf("notice %v", n)
		}
		if r := e.run(umkmactions.ActFindExisting, c, nil, nil); r["existing"] != false {
			t.Errorf("find existing before: %v", r)
		}
		if r := e.run(umkmactions.ActSector, c, nil, map[string]any{"text": "keripik balado"}); r["sector_guess"] != "C" {
			t.Errorf("sector %v", r)
		}
		cl := e.run(umkmactions.ActClassify, c, registration("0812-3456-7890"), nil)
		if cl["size_class"] != "mikro" || cl["size_basis"] != "omzet" || cl["nagari"] != "Mandeh" ||
			!strings.Contains(cl["size_text"].(string), "Usaha Mikro") {
			t.Errorf("classify %v", cl)
		}
		ans := registration("0812-3456-7890")
		r := e.register(c, ans)
		if r["reg_no"] != "PSS-2026-000001" || r["error_text"] != "" || r["size_label"] != "Usaha Mikro" {
			t.Fatalf("register %v", r)
		}
		b, err := store.NewBusinessRepo(db).BusinessByRegNo(ctx, "PSS-2026-000001")
		if err != nil {
			t.Fatal(err)
		}
		// Registered by the owner in chat: confirmed by its owner, so
		// DATASAYA right after does not say "belum dikonfirmasi pemilik".
		if !b.Verified {
			t.Error("a chat registration is stored as not confirmed by its owner")
		}
		if b.OwnerPhone != "+6281234567890" || b.Village != "Mandeh" || *b.ContactID != c.ID || b.Source != "chat" ||
			!b.ShowToPartners || b.NIK != "1301014506900001" || b.PhotoRef != "file-1" || *b.Workers != 3 {
			t.Errorf("stored %+v", b)
		}
		cons, _ := db.LatestConsent(ctx, c.ID, contact.PurposeData)
		if !cons.Granted || cons.MessageID != "msg-umkm.consent" || cons.NoticeVersion != umkm.NoticeVersion || cons.Channel != "webchat" {
			t.Errorf("consent %+v", cons)
		}
		if a, _ := db.AuditFor(ctx, "business", fmt.Sprint(b.ID)); len(a) != 1 || a[0].Action != store.AuditBusinessCreate {
			t.Errorf("audit %v", a)
		}
		if l := e.run(umkmactions.ActLoad, c, nil, nil); strings.Contains(l["record_text"].(string), "belum dikonfirmasi") {
			t.Errorf("record after registering says unconfirmed:\n%s", l["record_text"])
		}
		// The same contact again: not a second business.
		if r := e.run(umkmactions.ActFindExisting, c, nil, nil); r["existing"] != true || r["existing_reg_no"] != "PSS-2026-000001" || r["existing_by"] != "contact" {
			t.Errorf("find existing after: %v", r)
		}
		if r := e.run(umkmactions.ActRegister, c, ans, nil); r["reg_no"] != nil || r["existing"] != true {
			t.Errorf("second register: %v", r)
		}
	})
}

func TestRegisterNeedsConsentAndValidData(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.contact("telegram", "t1", "")
		if r := e.run(umkmactions.ActRegister, c, registration("081234567890"), nil); r["reg_no"] != nil || !strings.Contains(r["error_text"].(string), "persetujuan") {
			t.Errorf("without consent: %v", r)
		}
		bad := registration("081234567890")
		bad["nik"] = "1301014506900000"
		if r := e.register(c, bad); r["reg_no"] != nil || !strings.Contains(r["error_text"].(string), "0000") {
			t.Errorf("bad NIK: %v", r)
		}
	})
}

func TestConsentRefusedStoresOnlyTheRefusal(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		c := e.contact("whatsapp", "62813", "+6281377778888")
		e.run(umkmactions.ActFindExisting, c, nil, nil)
		e.run(umkmactions.ActConsent, c, map[string]any{"consent": false}, map[string]any{"purpose": contact.PurposeData, "granted": "false"})
		cs, err := db.ConsentsOf(ctx, c.ID)
		if err != nil || len(cs) != 1 || cs[0].Granted || cs[0].Reply != "tidak" || cs[0].NoticeVersion != umkm.NoticeVersion {
			t.Errorf("consents %+v %v", cs, err)
		}
		list, _ := store.NewBusinessRepo(db).ListBusinesses(ctx, umkm.Filter{IncludeDeleted: true})
		if len(list) != 0 {
			t.Errorf("businesses stored after a refusal: %d", len(list))
		}
	})
}

// The same owner comes back on WhatsApp (phone vouched for by the platform)
// after registering on the web chat: no duplicate, an update instead.
func TestDuplicatePhoneBecomesUpdate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		web := e.contact("webchat", "w1", "")
		if r := e.register(web, registration("0812-3456-7890")); r["reg_no"] != "PSS-2026-000001" {
			t.Fatalf("first: %v", r)
		}
		wa := e.contact("whatsapp", "6281234567890", "+6281234567890")
		found := e.run(umkmactions.ActFindExisting, wa, nil, nil)
		if found["existing"] != true || found["existing_by"] != "phone" {
			t.Fatalf("find existing by phone: %v", found)
		}
		e.run(umkmactions.ActConsent, wa, nil, map[string]any{"purpose": contact.PurposeData, "granted": "true"})
		if r := e.run(umkmactions.ActRegister, wa, registration("+6281234567890"), nil); r["reg_no"] != nil || r["existing_reg_no"] != "PSS-2026-000001" {
			t.Errorf("register duplicate: %v", r)
		}
		loaded := e.run(umkmactions.ActLoad, wa, nil, nil)
		if loaded["found"] != true || loaded["reg_no"] != "PSS-2026-000001" || loaded["capital"] != int64(50_000_000) ||
			!strings.Contains(loaded["record_text"].(string), "Koto XI Tarusan") || !strings.Contains(loaded["record_text"].(string), "1301********0001") {
			t.Fatalf("load: %v", loaded)
		}
		// Two fields changed, as the update flow leaves the answers.
		loaded["show_partners"] = false
		loaded["workers"] = 5
		loaded["annual_sales"] = 3_000_000_000
		loaded["change"] = []string{"workers", "annual_sales"}
		up := e.run(umkmactions.ActUpdate, wa, loaded, nil)
		if up["error_text"] != "" || up["changed_count"] != 3 || up["size_label"] != "Usaha Kecil" || !strings.Contains(up["changes_text"].(string), "tenaga kerja, omzet, tampil ke mitra") {
			t.Fatalf("update: %v", up)
		}
		repo := store.NewBusinessRepo(db)
		b, _ := repo.BusinessByRegNo(ctx, "PSS-2026-000001")
		if *b.Workers != 5 || b.SizeClass != umkm.Kecil || *b.ContactID != wa.ID || !b.Verified {
			t.Errorf("after update: %+v", b)
		}
		if c, err := db.LatestConsent(ctx, wa.ID, contact.PurposePartners); err != nil || c.Granted || c.Reply != "tidak" {
			t.Errorf("partners consent on update: %+v %v", c, err)
		}
		all, _ := repo.ListBusinesses(ctx, umkm.Filter{})
		if len(all) != 1 {
			t.Errorf("%d businesses, want 1", len(all))
		}
		audit, _ := db.AuditFor(ctx, "business", fmt.Sprint(b.ID))
		var upd *store.AuditEntry
		for i := range audit {
			if audit[i].Action == store.AuditBusinessUpdate {
				upd = &audit[i]
			}
		}
		if upd == nil || upd.Actor != store.ActorContact(wa.ID) || !strings.Contains(upd.Details, `"field":"workers","old":3,"new":5`) {
			t.Errorf("update audit: %+v", audit)
		}
		// A web chat contact who only typed the same phone cannot load it.
		other := e.contact("webchat", "w2", "")
		if r := e.run(umkmactions.ActLoad, other, nil, nil); r["found"] != false {
			t.Errorf("stranger loaded the record: %v", r)
		}
	})
}

func TestMyDataAndDeleteData(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		c := e.contact("whatsapp", "6281234567890", "+6281234567890")
		if r := e.register(c, registration("+6281234567890")); r["reg_no"] == nil {
			t.Fatalf("register: %v", r)
		}
		e.run(umkmactions.ActConsent, c, nil, map[string]any{"purpose": contact.PurposePartners, "granted": "true"})
		my := e.run(umkmactions.ActMyData, c, nil, nil)["mydata_text"].(string)
		for _, want := range []string{"Keripik Balado Uni Siti", "PSS-2026-000001", "+6281234567890", "1301********0001", "Koto XI Tarusan", "Rp50.000.000", "setuju", umkm.NoticeVersion} {
			if !strings.Contains(my, want) {
				t.Errorf("datasaya lacks %q:\n%s", want, my)
			}
		}
		if strings.Contains(my, "1301014506900001") {
			t.Error("datasaya shows the whole NIK")
		}
		if views, _ := db.AuditByActor(ctx, store.ActorContact(c.ID)); len(views) < 2 {
			t.Errorf("data view not audited: %v", views)
		}

		del := e.run(umkmactions.ActDeleteData, c, nil, nil)
		if del["deleted_count"] != 1 {
			t.Fatalf("delete: %v", del)
		}
		repo := store.NewBusinessRepo(db)
		all, _ := repo.ListBusinesses(ctx, umkm.Filter{IncludeDeleted: true})
		if len(all) != 1 || all[0].OwnerName != "" || all[0].OwnerPhone != "" || all[0].NIK != "" || all[0].DeletedAt == nil || all[0].SizeClass != umkm.Mikro {
			t.Errorf("after delete: %+v", all)
		}
		for _, p := range []string{contact.PurposeData, contact.PurposePartners, contact.PurposeBroadcasts} {
			cons, err := db.LatestConsent(ctx, c.ID, p)
			if err != nil || cons.Granted || cons.Reply != "hapusdata" || !cons.CreatedAt.Equal(now) || cons.NoticeVersion != umkm.NoticeVersion {
				t.Errorf("withdrawal of %s: %+v %v", p, cons, err)
			}
		}
		row, _ := db.ContactByID(ctx, c.ID)
		if row.Phone != "" || !row.Stopped {
			t.Errorf("contact after delete: %+v", row)
		}
		// datasaya afterwards shows nothing personal.
		c.Phone = ""
		after := e.run(umkmactions.ActMyData, c, nil, nil)["mydata_text"].(string)
		if strings.Contains(after, "Siti") || strings.Contains(after, "+62812") || !strings.Contains(after, "Belum ada usaha") {
			t.Errorf("datasaya after delete:\n%s", after)
		}
	})
}

func TestStopAndStart(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		c := e.contact("telegram", "t9", "")
		e.run(umkmactions.ActStop, c, nil, nil)
		got, _ := db.ContactByID(ctx, c.ID)
		cons, _ := db.LatestConsent(ctx, c.ID, contact.PurposeBroadcasts)
		if !got.Stopped || cons.Granted || cons.Reply != "berhenti" || cons.MessageID != "msg-umkm.stop" {
			t.Errorf("after berhenti: %+v %+v", got, cons)
		}
		e.run(umkmactions.ActStart, c, nil, nil)
		got, _ = db.ContactByID(ctx, c.ID)
		cons, _ = db.LatestConsent(ctx, c.ID, contact.PurposeBroadcasts)
		if got.Stopped || !cons.Granted || cons.Reply != "mulai" {
			t.Errorf("after mulai: %+v %+v", got, cons)
		}
	})
}

// An imported record is confirmed by its owner from WhatsApp (the "please
// confirm your data" campaign): it becomes verified and linked.
func TestImportedRecordConfirmedInChat(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		capital := int64(20_000_000)
		imp := []umkm.Business{{OwnerName: "Rina", OwnerPhone: "+6281377778888", Name: "Lapau Rina", RegionCode: "13.01.03", Capital: &capital}}
		imp[0].Classify()
		if _, err := repo.ImportBusinesses(ctx, imp, "PSS", "staff:admin", now, 0, false); err != nil {
			t.Fatal(err)
		}
		wa := e.contact("whatsapp", "6281377778888", "+6281377778888")
		loaded := e.run(umkmactions.ActLoad, wa, nil, nil)
		if loaded["found"] != true || loaded["verified"] != false || !strings.Contains(loaded["record_text"].(string), "belum dikonfirmasi") {
			t.Fatalf("load: %v", loaded)
		}
		loaded["change"] = []string{"ok"}
		up := e.run(umkmactions.ActUpdate, wa, loaded, nil)
		if up["error_text"] != "" || up["changed_count"] != 0 {
			t.Fatalf("confirm: %v", up)
		}
		b, _ := repo.BusinessByRegNo(ctx, "PSS-2026-000001")
		if !b.Verified || b.ContactID == nil || *b.ContactID != wa.ID {
			t.Errorf("after confirming: %+v", b)
		}
		audit, _ := db.AuditFor(ctx, "business", fmt.Sprint(b.ID))
		if last := audit[len(audit)-1]; last.Action != store.AuditBusinessUpdate || !strings.Contains(last.Details, `"field":"verified"`) {
			t.Errorf("confirmation not audited: %+v", audit)
		}
	})
}
