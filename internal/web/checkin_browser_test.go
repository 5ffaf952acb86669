package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jmoiron/sqlx"

	"jejaring/internal/event"
	"jejaring/internal/faulttest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// doorGuest is an invited owner who answered.
type doorGuest struct {
	name, business, code string
	party                int
	answer               event.Answer
}

// doorEvent makes a published event with one invitation per guest,
// answered as the guest says; it returns the event id and the guests with
// their check-in codes.
func doorEvent(t testing.TB, db *store.DB, guests []doorGuest) (int64, []doorGuest) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		for i, g := range guests {
			id, err := store.InsertID(ctx, tx, db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`,
				"webchat", fmt.Sprintf("door%d", i), g.name, t0, t0)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO businesses (contact_id, owner_name, name, region_code, size_class, created_at, updated_at)
 VALUES (?, ?, ?, ?, 'mikro', ?, ?)`), id, g.name, g.business, fmt.Sprintf("13.01.0%d", 1+i%3), t0, t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := store.NewEventRepo(db)
	ev := &event.Event{Title: "Temu Bisnis Kuliner", Kind: event.TemuBisnis, Venue: "Aula Kantor Bupati, Painan",
		StartsAt: t0.Add(2 * time.Hour), EndsAt: t0.Add(5 * time.Hour), MaxParty: 3}
	if _, err := r.CreateEvent(ctx, ev, t0); err != nil {
		t.Fatal(err)
	}
	if err := r.Publish(ctx, ev.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, t0); err != nil {
		t.Fatal(err)
	}
	var toks []struct {
		Token string `db:"token"`
		Name  string `db:"display_name"`
	}
	if err := db.SelectContext(ctx, &toks, db.Rebind(`SELECT i.token, c.display_name FROM invitations i JOIN contacts c ON c.id = i.contact_id WHERE i.event_id = ?`), ev.ID); err != nil {
		t.Fatal(err)
	}
	out := append([]doorGuest(nil), guests...)
	for i := range out {
		for _, tk := range toks {
			if tk.Name != out[i].name {
				continue
			}
			res, err := r.Answer(ctx, tk.Token, event.Request{Answer: out[i].answer, PartySize: out[i].party}, t0)
			if err != nil {
				t.Fatal(err)
			}
			out[i].code = res.Invitation.CheckinCode
		}
	}
	return ev.ID, out
}

// checkedIn counts the event's check-ins and the scans recorded for code.
func checkedIn(t testing.TB, db *store.DB, eventID int64, code string) (checkins, scans int, by string) {
	t.Helper()
	ctx := context.Background()
	if err := db.GetContext(ctx, &checkins, db.Rebind(`SELECT COUNT(*) FROM invitations WHERE event_id = ? AND checked_in_at IS NOT NULL`), eventID); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &scans, db.Rebind(`SELECT COUNT(*) FROM checkin_scans WHERE event_id = ? AND code = ?`), eventID, code); err != nil {
		t.Fatal(err)
	}
	_ = db.GetContext(ctx, &by, db.Rebind(`SELECT checked_in_by FROM invitations WHERE event_id = ? AND checkin_code = ?`), eventID, code)
	return checkins, scans, by
}

// fakeCamera writes a Y4M video (what Chromium's fake camera plays) of the
// PNG centred on white, 640×480.
func fakeCamera(t *testing.T, pngData []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 640, 480
	y := bytes.Repeat([]byte{235}, w*h)
	b := img.Bounds()
	ox, oy := (w-b.Dx())/2, (h-b.Dy())/2
	for py := 0; py < b.Dy() && oy+py < h; py++ {
		for px := 0; px < b.Dx() && ox+px < w; px++ {
			r, g, bb, _ := img.At(b.Min.X+px, b.Min.Y+py).RGBA()
			lum := (299*r + 587*g + 114*bb) / 1000 >> 8
			y[(oy+py)*w+ox+px] = byte(16 + lum*219/255)
		}
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "YUV4MPEG2 W%d H%d F5:1 Ip A1:1 C420jpeg\n", w, h)
	chroma := bytes.Repeat([]byte{128}, (w/2)*(h/2))
	for range 5 {
		out.WriteString("FRAME\n")
		out.Write(y)
		out.Write(chroma)
		out.Write(chroma)
	}
	path := filepath.Join(t.TempDir(), "camera.y4m")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// cameraBrowser is browser() with Chromium's fake camera playing video
// and the camera permission granted.
func cameraBrowser(t *testing.T, video string) context.Context {
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
		chromedp.Flag("use-fake-device-for-media-stream", true), chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-file-for-fake-video-capture", video),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 150*time.Second)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// waitFor polls the page until js is true.
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	for i := 0; ; i++ {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if i > 600 {
			text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
			t.Fatalf("waiting for %s: %v; page: %s", what, err, text)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestBrowserCheckin is the door on a phone: a QR shown to the camera, a
// second scan of it refused with the first time, a typed code, a name
// search, and a code typed while the server is unreachable that lands
// once when it is back. Every count is checked against the database.
func TestBrowserCheckin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		evID, g := doorEvent(t, db, []doorGuest{
			{name: "Ibu Camera", business: "Rendang Uni Ros", party: 2, answer: event.Going},
			{name: "Bapak Kode", business: "Keripik Sanjai Amak", party: 1, answer: event.Going},
			{name: "Ibu Nurhayati", business: "Songket Silungkang", party: 3, answer: event.Going},
			{name: "Bapak Sinyal", business: "Kopi Kawa Daun", party: 1, answer: event.Going},
			{name: "Ibu Tidak", business: "Batik Tanah Liek", party: 1, answer: event.Declined},
		})
		qr, err := event.QRPNG(g[0].code)
		if err != nil {
			t.Fatal(err)
		}
		ctx := cameraBrowser(t, fakeCamera(t, qr))
		proxy := faulttest.NewProxy(t, strings.TrimPrefix(h.srv.URL, "http://"))
		base := "http://" + proxy.Addr()
		if err := chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.CSS("#username")),
			chromedp.SendKeys(chromedp.CSS("#username"), "rina"),
			chromedp.SendKeys(chromedp.CSS("#password"), "sandi-rina-123\n"),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/dashboard/checkin"]`)),
			chromedp.Click(chromedp.CSS(`a[href="/dashboard/checkin"]`)),
			chromedp.WaitVisible(chromedp.CSS("table.door-events")),
		); err != nil {
			t.Fatal(err)
		}
		list, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.door-events tbody")))
		if err != nil || !strings.Contains(list, "Temu Bisnis Kuliner") {
			t.Fatalf("event list: %q %v", list, err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/dashboard/checkin/%d", base, evID)), chromedp.WaitVisible(chromedp.CSS("#door-code"))); err != nil {
			t.Fatal(err)
		}
		result := func() string {
			t.Helper()
			s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#door-result")))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}

		// The camera sees the first guest's QR: checked in, with the
		// party size; jsQR reads it (headless Chromium on Linux has no
		// BarcodeDetector).
		waitFor(t, ctx, "the QR scan", `document.querySelectorAll('#door-log li[data-outcome=ok]').length === 1`)
		if r := result(); !strings.Contains(r, "Ibu Camera — check-in berhasil (2 orang)") {
			t.Fatalf("QR scan: %q", r)
		}
		if dec, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('door').dataset.decoder`)); dec == "" {
			t.Error("no decoder named on the page")
		}
		if n, scans, by := checkedIn(t, db, evID, g[0].code); n != 1 || scans != 1 || by != "staff:rina" {
			t.Fatalf("after the QR: %d check-ins, %d scans, by %q", n, scans, by)
		}
		// Shown again after "next": refused, with the time of the first.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#door-next"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the second QR scan", `document.querySelectorAll('#door-log li[data-outcome=already]').length === 1`)
		if r := result(); !strings.Contains(r, "Ibu Camera sudah check-in pukul 16.00 WIB") {
			t.Fatalf("second QR scan: %q", r)
		}
		if n, scans, _ := checkedIn(t, db, evID, g[0].code); n != 1 || scans != 2 {
			t.Fatalf("after the second QR: %d check-ins, %d scans", n, scans)
		}

		// A typed code, in lower case with the JJR- of the QR text.
		h.advance(3 * time.Minute)
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#door-code"), "jjr-"+strings.ToLower(g[1].code)+"\n")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the typed code", `document.querySelectorAll('#door-log li[data-outcome=ok]').length === 2`)
		if r := result(); !strings.Contains(r, "Bapak Kode — check-in berhasil (1 orang)") {
			t.Fatalf("typed code: %q", r)
		}

		// A name, misspelt in case, found and checked in with its button.
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#door-q"), "nurhayati")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the name search", `!!document.querySelector('#door-found button')`)
		found, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#door-found")))
		if !strings.Contains(found, "Ibu Nurhayati") || !strings.Contains(found, "Songket Silungkang") || !strings.Contains(found, "3 orang") {
			t.Fatalf("name search: %q", found)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#door-found button"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the check-in by name", `document.querySelectorAll('#door-log li[data-outcome=ok]').length === 3`)
		if r := result(); !strings.Contains(r, "Ibu Nurhayati — check-in berhasil (3 orang)") {
			t.Fatalf("check-in by name: %q", r)
		}
		// The declined guest is told apart.
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#door-code"), g[4].code+"\n")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the declined code", `document.querySelectorAll('#door-log li[data-outcome=not_attending]').length === 1`)

		// The server goes away; a code typed now waits on the phone.
		proxy.Cut()
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#door-code"), g[3].code+"\n")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the scan to wait", `document.getElementById('door-pending').dataset.pending === '1' && /Sinyal terputus/.test(document.getElementById('door-pending').textContent)`)
		queued, _ := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`localStorage.getItem('jejaring.door.%d')`, evID)))
		if !strings.Contains(queued, g[3].code) {
			t.Fatalf("queue in localStorage: %q", queued)
		}
		if n, scans, _ := checkedIn(t, db, evID, g[3].code); n != 3 || scans != 0 {
			t.Fatalf("while cut: %d check-ins, %d scans of the waiting code", n, scans)
		}
		if *screenshots && db.Dialect == store.SQLite {
			shootDoor(t, ctx, "checkin-offline-phone")
		}
		proxy.Restore()
		waitFor(t, ctx, "the waiting scan to land", `document.querySelectorAll('#door-log li[data-outcome=ok]').length === 4 && document.getElementById('door-pending').hidden`)
		if r := result(); !strings.Contains(r, "Bapak Sinyal — check-in berhasil (1 orang)") {
			t.Fatalf("scan after the connection came back: %q", r)
		}
		if n, scans, _ := checkedIn(t, db, evID, g[3].code); n != 4 || scans != 1 {
			t.Fatalf("after the connection came back: %d check-ins, %d scans of the code", n, scans)
		}
		if queued, _ := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`localStorage.getItem('jejaring.door.%d')`, evID))); queued != "[]" {
			t.Errorf("queue left: %q", queued)
		}
		count, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#door-count")))
		if !strings.Contains(count, "4 dari 4") {
			t.Errorf("count on the page: %q", count)
		}
		if *screenshots && db.Dialect == store.SQLite {
			shootDoor(t, ctx, "checkin-phone")
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#door-code"))); err != nil {
				t.Fatal(err)
			}
			// The reloaded page reads the QR in front of it again: refused.
			waitFor(t, ctx, "the camera", `document.querySelectorAll('#door-log li[data-outcome=already]').length === 1 && document.getElementById('door-pending').hidden`)
			shootDoor(t, ctx, "checkin-desktop")
		}

		// Attendance: the page and the CSV agree with the database.
		if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/dashboard/checkin/%d/attendance", base, evID)), chromedp.WaitVisible(chromedp.CSS("#att-regions"))); err != nil {
			t.Fatal(err)
		}
		a, err := store.NewEventRepo(db).Attendance(context.Background(), evID)
		if err != nil {
			t.Fatal(err)
		}
		for id, want := range map[string]int{"#att-going": a.Going, "#att-came": a.CheckedIn, "#att-noshow": a.NoShow} {
			got, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(id)))
			if got != fmt.Sprint(want) {
				t.Errorf("%s on the page %q, in the database %d", id, got, want)
			}
		}
		if a.CheckedIn != 4 || a.NoShow != 0 || a.Going != 4 {
			t.Errorf("attendance %+v", a)
		}
		regions, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#att-regions")))
		for _, k := range []string{"Pancung Soal", "Jumlah"} {
			if !strings.Contains(regions, k) {
				t.Errorf("by kecamatan lacks %q: %q", k, regions)
			}
		}
		csv, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch('/dashboard/checkin/%d/attendance?csv=regions').then(r => r.text())`, evID), chromedp.EvalAwaitPromise))
		if err != nil || !strings.Contains(csv, "Jumlah,4,7,4,7,0") {
			t.Errorf("regions CSV: %q %v", csv, err)
		}
		people, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch('/dashboard/checkin/%d/attendance?csv=people').then(r => r.text())`, evID), chromedp.EvalAwaitPromise))
		if err != nil || strings.Count(people, "WIB") != 4 || !strings.Contains(people, "Ibu Nurhayati,Songket Silungkang") {
			t.Errorf("people CSV: %q %v", people, err)
		}
		if *screenshots && db.Dialect == store.SQLite {
			shootDoor(t, ctx, "checkin-attendance-desktop")
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#att-regions"))); err != nil {
				t.Fatal(err)
			}
			shootDoor(t, ctx, "checkin-attendance-phone")
		}
	})
}

// shootDoor writes the page as docs/screenshots/name.png.
func shootDoor(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The whole page in one viewport: a full-page capture in tiles can
	// miss parts repainted meanwhile (the camera's video).
	size, err := chromedp.Run(ctx, chromedp.Evaluate[[]int64](`[window.innerWidth, window.innerHeight, document.documentElement.scrollHeight]`))
	if err != nil || len(size) != 3 {
		t.Fatalf("page size: %v %v", size, err)
	}
	var png []byte
	if size[2] > 8000 { // too tall for one viewport: tiles
		png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	} else {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[2])); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[1])); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
