package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jejaring/internal/actions/reachactions"
	"jejaring/internal/contact"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/reach"
	"jejaring/internal/web"
)

var testOffice = reach.Office{Name: "Dinas Koperasi dan UKM", Region: "Kabupaten Pesisir Selatan", WhatsApp: "+6281100001111", TelegramBot: "JejaringBot"}

// newReachHarness is newHarness with the reach pages wired as the app
// wires them (the real store, documents and campaign).
func newReachHarness(t *testing.T, db *store.DB) *harness {
	t.Helper()
	rdb, prefix := sessiontest.Real(t)
	data, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, db: db, now: t0}
	now := func() time.Time { h.mu.Lock(); defer h.mu.Unlock(); return h.now }
	repo := store.NewBusinessRepo(db)
	docs, err := reachactions.NewDocuments(repo, data.Region, testOffice)
	if err != nil {
		t.Fatal(err)
	}
	camp := &reachactions.Campaign{Store: repo, Pace: reach.DefaultPace(), Office: testOffice, Now: now}
	s, err := web.New(storeOptions(db, web.Options{Data: data, Redis: rdb, KeyPrefix: prefix, Idle: 30 * time.Minute, Max: 12 * time.Hour, Now: now,
		Reach: &web.ReachDeps{Store: repo, Docs: docs, Campaign: camp, Office: testOffice, WhatsApp: true, DailyCap: 15}}))
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

// reachSeed: three imported records (two with a phone) in Koto XI Tarusan
// and one linked to a Telegram chat.
func reachSeed(t *testing.T, h *harness) {
	t.Helper()
	h.business("Keripik Sanjai Amak", "1301014506900001")
	h.business("Rendang Uni Ros", "1301014506900002")
	b := umkm.Business{Name: "Bengkel Darman", OwnerName: "Darman", RegionCode: "13.01.07", Source: umkm.SourceImport}
	if err := store.NewBusinessRepo(h.db).CreateBusiness(context.Background(), &b, "PSS", t0); err != nil {
		t.Fatal(err)
	}
	c, _, err := h.db.UpsertContact(context.Background(), contact.Seen{Channel: "telegram", ExternalID: "900", At: t0})
	if err != nil {
		t.Fatal(err)
	}
	cid := c.ID
	linked := umkm.Business{Name: "Lapau Rina", OwnerName: "Rina", RegionCode: "13.01.03", ContactID: &cid, Verified: true}
	if err := store.NewBusinessRepo(h.db).CreateBusiness(context.Background(), &linked, "PSS", t0); err != nil {
		t.Fatal(err)
	}
}

// TestReachPages: the reach page lists who never wrote to us (staff only),
// prints their letters with QR codes under a CSP that allows exactly the
// document's own style, starts the campaign only with the risk accepted,
// and stops it; the home page shows the funnel with its CSV; the
// directory filters by reach.
func TestReachPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newReachHarness(t, db)
		reachSeed(t, h)
		if r := h.signedIn("tamu").get("/dashboard/reach"); r.code != http.StatusForbidden {
			t.Errorf("viewer on the reach page: %d", r.code)
		}
		rina := h.signedIn("rina")
		r := rina.get("/dashboard/reach")
		if r.code != 200 || !strings.Contains(r.body, "Keripik Sanjai Amak") || !strings.Contains(r.body, "Bengkel Darman") || strings.Contains(r.body, "Lapau Rina") ||
			!strings.Contains(r.body, "Cetak surat undangan untuk 3 usaha") || !strings.Contains(r.body, "memblokir nomor kantor") {
			t.Fatalf("reach page: %d\n%s", r.code, r.body)
		}
		l := rina.get("/dashboard/reach/letters?reach=phone_only")
		if l.code != 200 || strings.Count(l.body, `class="sheet letter"`) != 2 || strings.Count(l.body, "data:image/png;base64,") != 4 || strings.Contains(l.body, "1301014506900001") {
			t.Fatalf("letters: %d, %d letters", l.code, strings.Count(l.body, `class="sheet letter"`))
		}
		if csp := l.hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'sha256-") || !strings.Contains(csp, "img-src data:") {
			t.Errorf("letters CSP %q", csp)
		}
		if a, _ := db.AuditByActor(context.Background(), "staff:rina"); !hasAction(a, store.AuditLetters) {
			t.Errorf("letters not audited: %+v", a)
		}
		if p := rina.get("/dashboard/reach/posters?kecamatan=13.01.07"); p.code != 200 || strings.Count(p.body, `class="sheet poster"`) != 1 || !strings.Contains(p.body, "Koto XI Tarusan") {
			t.Errorf("posters: %d", p.code)
		}
		if r := rina.post("/dashboard/reach/campaign/start", url.Values{"cap": {"10"}}); r.code != http.StatusBadRequest || !strings.Contains(r.body, "centang pernyataan risiko") {
			t.Errorf("start without accepting the risk: %d", r.code)
		}
		if r := rina.post("/dashboard/reach/campaign/start", url.Values{"cap": {"10"}, "accept": {"yes"}}); r.code != http.StatusSeeOther {
			t.Fatalf("start: %d %s", r.code, r.body)
		}
		if r := rina.get("/dashboard/reach?ok=reach.started"); !strings.Contains(r.body, "Kampanye #1 berjalan") || !strings.Contains(r.body, "Hentikan kampanye") {
			t.Errorf("running campaign not shown:\n%s", r.body)
		}
		if r := rina.post("/dashboard/reach/campaign/stop", url.Values{}); r.code != http.StatusSeeOther {
			t.Errorf("stop: %d", r.code)
		}
		if c, err := store.NewBusinessRepo(db).LatestCampaign(context.Background()); err != nil || c.Running() || c.StartedBy != "staff:rina" {
			t.Errorf("campaign after stop: %+v %v", c, err)
		}
		home := h.signedIn("tamu").get("/dashboard/")
		if !strings.Contains(home.body, "Jangkauan per kecamatan") || !strings.Contains(home.body, "Bisa dihubungi lewat chat") {
			t.Errorf("home has no funnel")
		}
		if csv := h.signedIn("tamu").get("/dashboard/charts/reach.csv"); csv.code != 200 || !strings.Contains(csv.body, "Terdaftar,4") || !strings.Contains(csv.body, "Bisa dihubungi lewat chat,1") {
			t.Errorf("funnel csv: %d %s", csv.code, csv.body)
		}
		if csv := h.signedIn("tamu").get("/dashboard/reach/funnel.csv"); csv.code != 200 || !strings.Contains(csv.body, "Koto XI Tarusan,3,3,0,0,0,0,3,0,0") {
			t.Errorf("kecamatan csv: %d %s", csv.code, csv.body)
		}
		if d := rina.get("/dashboard/businesses?reach=reachable"); !strings.Contains(d.body, "Lapau Rina") || strings.Contains(d.body, "Bengkel Darman") {
			t.Errorf("directory reach filter")
		}
	})
}

func hasAction(a []store.AuditEntry, action string) bool {
	for _, e := range a {
		if e.Action == action {
			return true
		}
	}
	return false
}

// TestReachBrowser: in Chromium, the reach page at phone and desktop
// width, and the letters it links to render with their QR images loaded
// (the document's CSP lets them in). -screenshots writes
// docs/screenshots/reach-*.png.
func TestReachBrowser(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newReachHarness(t, db)
		reachSeed(t, h)
		ctx := browser(t)
		base := h.srv.URL
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.CSS("#username")),
			chromedp.SendKeys(chromedp.CSS("#username"), "rina"),
			chromedp.SendKeys(chromedp.CSS("#password"), "sandi-rina-123"),
			chromedp.Submit(chromedp.CSS("#password")),
			chromedp.WaitVisible(chromedp.CSS(".tiles")),
			chromedp.Navigate(base+"/dashboard/reach"),
			chromedp.WaitVisible(chromedp.CSS("#campaign-risk")),
		); err != nil {
			t.Fatal(err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "Keripik Sanjai Amak") || !strings.Contains(text, "memblokir nomor kantor") {
			t.Fatalf("reach page in the browser: %q", text)
		}
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('letters-link').getAttribute('href')`))
		if err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(base+href), chromedp.WaitVisible(chromedp.CSS("article.letter img"))); err != nil {
			t.Fatal(err)
		}
		var loaded int
		for i := 0; i < 100; i++ {
			if loaded, err = chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.images].filter(i => i.complete && i.naturalWidth > 100).length`)); err != nil {
				t.Fatal(err)
			}
			if loaded == 6 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if loaded != 6 {
			t.Errorf("%d QR images loaded in the letters, want 6 (3 letters × WhatsApp and Telegram)", loaded)
		}
		// The inline style applied (the CSP hash matched): the A4 sheet's
		// width is set.
		if w, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('.sheet')).maxWidth`)); err != nil || w == "none" {
			t.Errorf("letters' style not applied: %q %v", w, err)
		}
		if *screenshots && db.Dialect == store.SQLite {
			dir := filepath.Join("..", "..", "docs", "screenshots")
			for _, w := range []int64{390, 1440} {
				for _, p := range []struct{ name, path, wait string }{{"reach", "/dashboard/reach", "main h1"}, {"reach-letters", href, "article.letter img"}, {"reach-home", "/dashboard/", "#reach-kec"}} {
					if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait))); err != nil {
						t.Fatal(err)
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
	})
}
