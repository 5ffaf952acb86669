package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm/sheet/sheettest"
)

// TestBrowserImport: in Chromium, a staff member uploads a messy register
// with errors, reads the check, downloads the rows to fix (a real
// download: an .xlsx with the original columns and "masalah"), saves the
// import and sees it in the list. With -screenshots it writes
// docs/screenshots/import-*.png at 390 px and 1440 px.
func TestBrowserImport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		reg, err := sheettest.Generate(120, 5, 5, 7)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		file := filepath.Join(dir, "DATA UMKM 2026.xlsx")
		if err := os.WriteFile(file, reg.XLSX, 0o600); err != nil {
			t.Fatal(err)
		}
		downloads := filepath.Join(dir, "downloads")
		if err := os.MkdirAll(downloads, 0o755); err != nil {
			t.Fatal(err)
		}
		ctx := browser(t)
		base := h.srv.URL
		wait := func(sel string) {
			t.Helper()
			if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
				t.Fatalf("wait for %s: %v", sel, err)
			}
		}
		text := func() string {
			t.Helper()
			s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
			chromedp.SendKeys(chromedp.CSS("#username"), "rina"), chromedp.SendKeys(chromedp.CSS("#password"), "sandi-rina-123"),
			chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS(`nav a[href="/dashboard/imports"]`)),
			chromedp.Click(chromedp.CSS(`nav a[href="/dashboard/imports"]`)), chromedp.WaitVisible(chromedp.CSS("#imp-file")),
		); err != nil {
			t.Fatal(err)
		}
		if *screenshots && db.Dialect == store.SQLite {
			shootImport(t, ctx, "upload")
		}
		if err := chromedp.Do(ctx,
			chromedp.SetUploadFiles(chromedp.CSS("#imp-file"), []string{file}),
			chromedp.Click(chromedp.CSS("#upload button")),
		); err != nil {
			t.Fatal(err)
		}
		wait("#commit")
		check := text()
		for _, want := range []string{"Periksa impor", "DATA UMKM 2026.xlsx", "Petunjuk: dilewati", "Koto XI Tarusan: judul kolom di baris 4",
			"Omzet per Bulan", "per bulan, dikali 12", "Nama usaha kosong (baris ditolak)", "Unduh baris yang perlu diperbaiki"} {
			if !strings.Contains(check, want) {
				t.Errorf("check page lacks %q:\n%s", want, check)
			}
		}
		if *screenshots && db.Dialect == store.SQLite {
			shootImport(t, ctx, "preview")
		}
		// A real download of the rows to fix.
		if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior,
			cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#download-rejected"))); err != nil {
			t.Fatal(err)
		}
		got := filepath.Join(downloads, "perbaikan-DATA UMKM 2026.xlsx")
		for i := 0; ; i++ {
			if st, err := os.Stat(got); err == nil && st.Size() > 0 {
				break
			}
			if i > 400 {
				entries, _ := os.ReadDir(downloads)
				t.Fatalf("no download at %s (have %v)", got, entries)
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // the download finishes writing
		x, err := excelize.OpenFile(got)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(x.GetSheetList()[0])
		x.Close()
		if len(rows) < 2 || rows[0][len(rows[0])-1] != "masalah" || rows[1][len(rows[0])-1] == "" {
			t.Fatalf("downloaded rows %q", rows)
		}
		// Save, and the batch is listed with its undo.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#commit button")), chromedp.WaitVisible(chromedp.CSS("#undo-1"))); err != nil {
			t.Fatal(err)
		}
		if done := text(); !strings.Contains(done, "Impor nomor 1 tersimpan") {
			t.Errorf("after saving: %s", done)
		}
		if *screenshots && db.Dialect == store.SQLite {
			shootImport(t, ctx, "done")
		}
		// Undo asks first, then takes the batch back.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#undo-1")), chromedp.WaitVisible(chromedp.CSS("#undo-confirm button"))); err != nil {
			t.Fatal(err)
		}
		if *screenshots && db.Dialect == store.SQLite {
			shootImport(t, ctx, "undo")
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#undo-confirm button")), chromedp.WaitVisible(chromedp.CSS("p.flash"))); err != nil {
			t.Fatal(err)
		}
		if done := text(); !strings.Contains(done, "Impor nomor 1 dibatalkan") {
			t.Errorf("after undo: %s", done)
		}
	})
}

// shootImport writes the current import page at phone and desktop width.
func shootImport(t *testing.T, c context.Context, name string) {
	t.Helper()
	dir := filepath.Join("..", "..", "docs", "screenshots")
	for _, w := range []int64{390, 1440} {
		if err := chromedp.Do(c, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "import-"+name+"-"+map[int64]string{390: "phone", 1440: "desktop"}[w]+".png")
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(c, chromedp.EmulateViewport(1440, 900)); err != nil {
		t.Fatal(err)
	}
}
