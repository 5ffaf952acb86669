package web_test

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// -screenshots rewrites docs/screenshots/ (390 px and 1440 px wide):
//
//	go test ./internal/web -run TestBrowser -screenshots
var screenshots = flag.Bool("screenshots", false, "write the dashboard screenshots into docs/screenshots/")

const chromiumPath = "/usr/bin/chromium"

// browser starts a headless Debian Chromium for the test. A machine
// without it fails the test (it must not pass silently): .ci/run installs
// it.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath
	if p := os.Getenv("CHROMIUM"); p != "" {
		path = p
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("the browser tests need Chromium at %s (apt-get install -y chromium, or set CHROMIUM): %v", path, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1440, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

func TestBrowser(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		b := h.business("Keripik Sanjai Amak", "1301014506900001")
		h.business("Rendang Uni Ros", "1301014506900002")
		fig := h.seedFigures() // charts, events and consents for the screenshots
		ctx := browser(t)
		base := h.srv.URL
		// submit sends the form of sel and waits for the next page: the
		// old document is marked, and the wait ends when a document
		// without the mark has loaded.
		submit := func(sel string) {
			t.Helper()
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.dataset.old = "1"; true`)); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.Submit(chromedp.CSS(sel))); err != nil {
				t.Fatal(err)
			}
			for i := 0; ; i++ {
				done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.documentElement.dataset.old && document.readyState === "complete"`))
				if err == nil && done {
					return
				}
				if i > 300 {
					t.Fatalf("no new page after submitting %s", sel)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		mainText := func() string {
			t.Helper()
			s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		login := func(user, pass string) string {
			t.Helper()
			if err := chromedp.Do(ctx,
				chromedp.Navigate(base+"/login"),
				chromedp.WaitVisible(chromedp.CSS("#username")),
				chromedp.SendKeys(chromedp.CSS("#username"), user),
				chromedp.SendKeys(chromedp.CSS("#password"), pass),
			); err != nil {
				t.Fatal(err)
			}
			submit("#password")
			return mainText()
		}
		// A wrong password is refused, the right one lets the admin in.
		if text := login("admin", "salah-sandi-1"); !strings.Contains(text, "belum cocok") {
			t.Fatalf("wrong password page: %q", text)
		}
		if text := login("admin", "sandi-admin-123"); !strings.Contains(text, "UMKM terdaftar") {
			t.Fatalf("home after sign-in: %q", text)
		}
		// Search by a misspelt name.
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/dashboard/businesses"),
			chromedp.SendKeys(chromedp.CSS("#q"), "kripik sanjay"),
		); err != nil {
			t.Fatal(err)
		}
		submit("#q")
		if text := mainText(); !strings.Contains(text, "Keripik Sanjai Amak") || strings.Contains(text, "Rendang") {
			t.Errorf("search by a typo: %q", text)
		}
		// A cross-site form POST, made by the browser from another origin,
		// is refused by the server.
		evil := "data:text/html," + strings.ReplaceAll(`<form id=f method=post action="`+base+`/dashboard/users"><input name=username value=penyusup><input name=password value=kata-sandi-penyusup><input name=role value=admin></form><script>setTimeout(() => document.getElementById('f').submit(), 200)</script>`, "#", "%23")
		if err := chromedp.Do(ctx, chromedp.Navigate(evil)); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 100 && len(h.requests("POST", "/dashboard/users")) == 0; i++ {
			time.Sleep(50 * time.Millisecond)
		}
		if _, err := db.StaffByUsername(context.Background(), "penyusup"); !errors.Is(err, store.ErrStaffNotFound) {
			t.Errorf("a cross-site POST from the browser created a user: %v", err)
		}
		posts := h.requests("POST", "/dashboard/users")
		if len(posts) != 1 || posts[0].fetchSite != "cross-site" || posts[0].code != http.StatusForbidden {
			t.Errorf("the browser's cross-site POST: %+v, want one, cross-site, refused with 403", posts)
		}

		// An edit in the form shows in the business's history.
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+b.path+"/edit"),
			chromedp.WaitVisible(chromedp.CSS("#f-name")),
			chromedp.SetValue(chromedp.CSS("#f-name"), "Keripik Sanjai Amak Jaya"),
			chromedp.SetValue(chromedp.CSS("#f-capital"), "50 juta"),
		); err != nil {
			t.Fatal(err)
		}
		submit("#f-name")
		history, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.history")))
		if err != nil {
			t.Fatal(err)
		}
		// Read as words: the field's name, the old value and the new.
		for _, want := range []string{"Diubah", "admin (petugas)", "Nama usaha: Keripik Sanjai Amak", "Keripik Sanjai Amak Jaya", "Modal (Rp): –", "Rp50.000.000", "WIB"} {
			if !strings.Contains(history, want) {
				t.Errorf("history after the edit lacks %q: %q", want, history)
			}
		}
		if strings.Contains(history, "{") {
			t.Errorf("history shows JSON: %q", history)
		}

		// The export the page links to masks the NIK.
		csv, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch('/dashboard/businesses/export').then(r => r.text())`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(csv, "1301********0001") || strings.Contains(csv, "1301014506900001") {
			t.Errorf("export from the browser: %q", csv)
		}
		if *screenshots && db.Dialect == store.SQLite {
			shoot(t, ctx, base, fig.bizByContact[fig.contacts[0]].path)
		}
		// A viewer sees no edit link, and the server refuses the form.
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard/me")); err != nil {
			t.Fatal(err)
		}
		submit(".tools form button")
		// Five wrong passwords lock the account, kindly.
		for range 5 {
			login("tamu", "salah-sandi-tamu")
		}
		if text := login("tamu", "sandi-tamu-123"); !strings.Contains(text, "terlalu banyak percobaan") {
			t.Fatalf("lock-out page: %q", text)
		}
		login("rina", "sandi-rina-123")
		// A viewer signs in (a fresh account) and sees no edit link.
		if _, err := db.AddStaffRole(context.Background(), "tamu2", "sandi-tamu2-123", store.RoleViewer, "test", t0); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard/me")); err != nil {
			t.Fatal(err)
		}
		submit(".tools form button")
		login("tamu2", "sandi-tamu2-123")
		if err := chromedp.Do(ctx, chromedp.Navigate(base+b.path), chromedp.WaitVisible(chromedp.CSS("#h-data"))); err != nil {
			t.Fatal(err)
		}
		if text := mainText(); strings.Contains(text, "Ubah data") || !strings.Contains(text, "1301********0001") {
			t.Errorf("viewer's business page: %q", text)
		}
		// Nor can the viewer open the form or send it from the browser.
		if err := chromedp.Do(ctx, chromedp.Navigate(base+b.path+"/edit"), chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
			t.Fatal(err)
		}
		if text := mainText(); !strings.Contains(text, "bukan untuk peran") {
			t.Errorf("viewer's edit form: %q", text)
		}
		code, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`fetch('`+b.path+`/edit', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'name=Diubah+Tamu&owner_name=Siti'}).then(r => r.status)`, chromedp.EvalAwaitPromise))
		if err != nil || code != http.StatusForbidden {
			t.Errorf("viewer's edit POST from the browser: %v %v", code, err)
		}
		if got, err := store.NewBusinessRepo(db).GetBusiness(context.Background(), b.id); err != nil || got.Name != "Keripik Sanjai Amak Jaya" {
			t.Errorf("after the viewer's POST: %q %v", got.Name, err)
		}
		// The keyboard's first stop is the skip link, with a visible focus ring.
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard/businesses"), chromedp.WaitVisible(chromedp.CSS("#q")), chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		focus, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className + "|" + getComputedStyle(document.activeElement).outlineStyle`))
		if err != nil || focus != "skip|solid" {
			t.Errorf("first Tab: %q %v", focus, err)
		}
	})
}

// shoot writes each page at phone and desktop width.
func shoot(t *testing.T, ctx context.Context, base, bizPath string) {
	t.Helper()
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	pages := []struct{ name, path string }{
		{"home", "/dashboard/"}, {"directory", "/dashboard/businesses?q=kripik+sanjay"}, {"business", bizPath},
		{"edit", bizPath + "/edit"}, {"users", "/dashboard/users"},
	}
	for _, w := range []int64{390, 1440} {
		for _, p := range pages {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), chromedp.Navigate(base+p.path),
				chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
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
