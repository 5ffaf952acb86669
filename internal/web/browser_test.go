package web_test

import (
	"context"
	"flag"
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
		ctx := browser(t)
		base := h.srv.URL
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
				chromedp.Submit(chromedp.CSS("#password")),
				chromedp.Sleep(300*time.Millisecond),
				chromedp.WaitVisible(chromedp.CSS("main h1")),
			); err != nil {
				t.Fatal(err)
			}
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
			chromedp.Submit(chromedp.CSS("#q")),
			chromedp.WaitVisible(chromedp.CSS("table.list")),
		); err != nil {
			t.Fatal(err)
		}
		if text := mainText(); !strings.Contains(text, "Keripik Sanjai Amak") || strings.Contains(text, "Rendang") {
			t.Errorf("search by a typo: %q", text)
		}
		// A cross-site form POST, made by the browser from another origin,
		// is refused by the server.
		evil := "data:text/html," + strings.ReplaceAll(`<form id=f method=post action="`+base+`/dashboard/users"><input name=username value=penyusup><input name=password value=kata-sandi-penyusup><input name=role value=admin></form><script>document.getElementById('f').submit()</script>`, "#", "%23")
		if err := chromedp.Do(ctx, chromedp.Navigate(evil), chromedp.Sleep(1500*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.StaffByUsername(context.Background(), "penyusup"); !store.NotFound(err) {
			t.Errorf("a cross-site POST from the browser created a user: %v", err)
		}
		if *screenshots && db.Dialect == store.SQLite {
			shoot(t, ctx, base, b.path)
		}
		// A viewer sees no edit link, and the server refuses the form.
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard/me"), chromedp.Submit(chromedp.CSS(".tools form button")), chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		login("tamu", "sandi-tamu-123")
		if err := chromedp.Do(ctx, chromedp.Navigate(base+b.path), chromedp.WaitVisible(chromedp.CSS("#h-data"))); err != nil {
			t.Fatal(err)
		}
		if text := mainText(); strings.Contains(text, "Ubah data") || !strings.Contains(text, "1301********0001") {
			t.Errorf("viewer's business page: %q", text)
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
