package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jejaring/internal/actions/matchactions"
	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/match"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/web"
)

// newMatchHarness is newHarness with the temu bisnis pages on.
func newMatchHarness(t *testing.T, db *store.DB) *harness {
	t.Helper()
	rdb, prefix := sessiontest.Real(t)
	data, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, db: db, now: t0}
	s, err := web.New(storeOptions(db, web.Options{Data: data, Redis: rdb, KeyPrefix: prefix, Idle: 30 * time.Minute, Max: 12 * time.Hour,
		Now:   func() time.Time { h.mu.Lock(); defer h.mu.Unlock(); return h.now },
		Match: matchactions.NewService(db, nil)}))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s.Mount(mux)
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	for _, u := range []struct{ name, role string }{{"admin", store.RoleAdmin}, {"rina", store.RoleStaff}, {"tamu", store.RoleViewer}} {
		if _, err := db.AddStaffRole(context.Background(), u.name, "sandi-"+u.name+"-123", u.role, "test", t0); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// temuFair makes a published temu bisnis with owners answered Hadir.
func temuFair(t *testing.T, db *store.DB, owners int) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := store.NewEventRepo(db).CreateEvent(ctx, &event.Event{Title: "Temu Bisnis Kuliner", Kind: event.TemuBisnis, Venue: "Aula Dinas",
		StartsAt: t0.Add(48 * time.Hour), EndsAt: t0.Add(52 * time.Hour), Status: event.Published}, t0)
	if err != nil {
		t.Fatal(err)
	}
	biz := store.NewBusinessRepo(db)
	for i := 0; i < owners; i++ {
		c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: strconv.Itoa(7000 + i), DisplayName: "Pemilik", At: t0})
		if err != nil {
			t.Fatal(err)
		}
		cid := c.ID
		if err := biz.CreateBusiness(ctx, &umkm.Business{ContactID: &cid, OwnerName: fmt.Sprintf("Ibu %d", i+1), Name: fmt.Sprintf("Keripik %d", i+1),
			KBLISection: "C", SizeClass: umkm.Mikro, ShowToPartners: true, Source: umkm.SourceImport}, "PSS", t0); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO invitations (event_id, contact_id, token, status, checkin_code, created_at) VALUES (?, ?, ?, 'going', ?, ?)`),
			id, c.ID, fmt.Sprintf("tok%d", i), fmt.Sprintf("C%d", i), t0); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// TestMatchPages: staff add partners, set the grid, recommend pairs, run,
// see coverage and the bound, refuse a move that breaks a rule, move and
// lock one that keeps them, publish, print and download an .ics; a viewer
// sees but may not change; every change is audited.
func TestMatchPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newMatchHarness(t, db)
		ev := temuFair(t, db, 4)
		evs := strconv.FormatInt(ev, 10)
		rina := h.signedIn("rina")
		if r := rina.get("/dashboard/match"); r.code != 200 || !strings.Contains(r.body, "Temu Bisnis Kuliner") || !strings.Contains(r.body, `for="p-org"`) {
			t.Fatalf("match home: %d\n%s", r.code, r.body)
		}
		for _, org := range []string{"Bank Nagari", "CV Oleh-oleh"} {
			r := rina.post("/dashboard/match/partners", url.Values{"kind": {"bank"}, "organisation": {org}, "contact_person": {"Andi"},
				"offer": {"KUR Mikro"}, "seats": {"1"}, "event": {evs}, "consent": {"on"}})
			if r.code != http.StatusSeeOther {
				t.Fatalf("add partner: %d %s", r.code, r.body)
			}
		}
		if r := rina.post("/dashboard/match/partners", url.Values{"kind": {"bank"}, "organisation": {"x"}, "event": {evs}}); r.code != http.StatusUnprocessableEntity {
			t.Errorf("a one-letter organisation: %d", r.code)
		}
		if r := rina.post("/dashboard/match/"+evs+"/setup", url.Values{"slots": {"2"}, "minutes": {"20"}, "start": {"2026-12-03 09:00"}, "tables": {"1"}, "cap": {"2"}}); r.code != http.StatusSeeOther {
			t.Fatalf("setup: %d %s", r.code, r.body)
		}
		page := rina.get("/dashboard/match/" + evs)
		if !strings.Contains(page.body, "2 sesi × 1 meja = 2 pertemuan untuk 4 UMKM: paling banyak 50 % bisa mendapat satu; 2 meja cukup untuk semua") {
			t.Fatalf("plan missing:\n%s", page.body)
		}
		svc := matchactions.NewService(db, nil)
		m, err := svc.Matrix(context.Background(), ev)
		if err != nil || len(m.Owners) != 4 || len(m.Partners) != 2 {
			t.Fatalf("matrix %+v %v", m, err)
		}
		for _, o := range m.Owners {
			for _, p := range m.Partners {
				if r := rina.post("/dashboard/match/"+evs+"/wish", url.Values{"owner": {itoa(o.InvitationID)}, "partner": {itoa(p.ID)}}); r.code != http.StatusSeeOther {
					t.Fatalf("wish: %d %s", r.code, r.body)
				}
			}
		}
		if r := rina.post("/dashboard/match/"+evs+"/run", url.Values{}); r.code != http.StatusSeeOther {
			t.Fatalf("run: %d %s", r.code, r.body)
		}
		page = rina.get("/dashboard/match/" + evs + "?ok=ok.match.run")
		if !strings.Contains(page.body, "Jadwal disusun.") || !strings.Contains(page.body, "Hasil terakhir: 2 dari 4 UMKM mendapat pertemuan (batas atas 2)") || !strings.Contains(page.body, `class="met"`) {
			t.Fatalf("after the run:\n%s", page.body)
		}
		rows, err := svc.MasterSchedule(context.Background(), ev)
		if err != nil || len(rows) != 2 {
			t.Fatalf("schedule %+v %v", rows, err)
		}
		// One table: moving the first meeting into the other's slot breaks
		// the table rule.
		r := rina.post("/dashboard/match/"+evs+"/move", url.Values{"meeting": {itoa(rows[0].MeetingID)}, "slot": {strconv.Itoa(rows[1].Slot + 1)}, "table": {"1"}})
		if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "meja") {
			t.Errorf("a move onto a full table: %d\n%s", r.code, r.body)
		}
		if r := rina.post("/dashboard/match/"+evs+"/lock", url.Values{"meeting": {itoa(rows[0].MeetingID)}}); r.code != http.StatusSeeOther {
			t.Errorf("lock: %d", r.code)
		}
		if r := rina.get("/dashboard/match/" + evs); !strings.Contains(r.body, "(terkunci)") {
			t.Errorf("the lock is not shown")
		}
		if r := rina.post("/dashboard/match/"+evs+"/publish", url.Values{}); r.code != http.StatusSeeOther {
			t.Errorf("publish: %d %s", r.code, r.body)
		}
		var n int
		_ = db.QueryRowxContext(context.Background(), db.Rebind(`SELECT COUNT(*) FROM outbox WHERE kind = ?`), store.KindMatchAgenda).Scan(&n)
		if n != 4 { // every owner has a chat; the partners were entered by staff
			t.Errorf("%d agendas queued, want 4", n)
		}
		if r := rina.get("/dashboard/match/" + evs + "/print"); r.code != 200 || !strings.Contains(r.body, "Lembar meja 1") || !strings.Contains(r.body, "match.css") {
			t.Errorf("print: %d", r.code)
		}
		ics := rina.get(fmt.Sprintf("/dashboard/match/%s/agenda/owner/%d.ics", evs, rows[0].InvitationID))
		if ics.code != 200 || strings.Count(ics.body, "BEGIN:VEVENT") != 1 || !strings.Contains(ics.hdr.Get("Content-Type"), "text/calendar") {
			t.Errorf("ics: %d %s", ics.code, ics.body)
		}
		tamu := h.signedIn("tamu")
		if r := tamu.get("/dashboard/match/" + evs); r.code != 200 || strings.Contains(r.body, `action="/dashboard/match/`+evs+`/run"`) {
			t.Errorf("viewer page: %d", r.code)
		}
		if r := tamu.post("/dashboard/match/"+evs+"/run", url.Values{}); r.code != http.StatusForbidden {
			t.Errorf("viewer run: %d", r.code)
		}
		acts := h.actions(store.ActorStaff("rina"))
		for _, a := range []string{"match.partner.add", "match.setup", "match.wish", "match.run", "match.lock", "match.publish", "match.view", "match.print"} {
			if !has(acts, a) {
				t.Errorf("no audit entry %s in %v", a, acts)
			}
		}
		if r := rina.get("/dashboard/match/" + evs + "?lang=en"); !strings.Contains(r.body, "Wish matrix") {
			t.Errorf("English page lacks its words")
		}
	})
}

// TestMatchPagesInTheBrowser: the temu bisnis pages at phone and desktop
// width in Chromium, screenshots in docs/screenshots/match-*.png.
func TestMatchPagesInTheBrowser(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.SQLite)
	h := newMatchHarness(t, db)
	ev := temuFair(t, db, 6)
	svc := matchactions.NewService(db, nil)
	ctx0 := context.Background()
	if err := svc.SaveSetup(ctx0, &match.Setup{EventID: ev, Slots: 4, SlotMinutes: 20, FirstSlot: t0.Add(48 * time.Hour), Tables: 3, MaxPerOwner: 2}, t0); err != nil {
		t.Fatal(err)
	}
	for i, org := range []string{"Bank Nagari", "CV Oleh-oleh Minang", "Koperasi Maju"} {
		p := &match.PartnerProfile{Kind: match.PartnerKinds[i], Organisation: org, ContactPerson: "Narahubung", Offer: "Penawaran", Consent: true}
		if err := svc.AddPartner(ctx0, p, ev, 1, t0); err != nil {
			t.Fatal(err)
		}
	}
	m, _ := svc.Matrix(ctx0, ev)
	for i, o := range m.Owners {
		ids := []int64{m.Partners[i%3].ID, m.Partners[(i+1)%3].ID}
		if err := svc.Match.SetOwnerPicks(ctx0, ev, o.InvitationID, ids, t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Run(ctx0, ev, t0); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	base := h.srv.URL
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "rina"), chromedp.SendKeys(chromedp.CSS("#password"), "sandi-rina-123"),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS(`a[href="/dashboard/match"]`))); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, w := range []int64{390, 1440} {
		for _, p := range []struct{ name, path string }{{"match", "/dashboard/match"}, {"match-event", "/dashboard/match/" + strconv.FormatInt(ev, 10)}} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
				t.Fatal(err)
			}
			// Nothing wider than the screen but the scrolling tables.
			wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
			if err != nil || wide {
				t.Errorf("%s at %d px is wider than the screen (%v)", p.name, w, err)
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(dir, p.name+"-"+map[int64]string{390: "phone", 1440: "desktop"}[w]+".png")
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
