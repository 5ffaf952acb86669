package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram"
	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/outbox"
	"jejaring/internal/outbox/outboxtest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestBrowserEvents runs an event from Chromium against the fake Telegram
// Bot API: create it in the form, build the audience by ticking a
// kecamatan and watch the live count reach the database's figure, send a
// test to the staff member's own Telegram, send to 500 owners and watch
// the funnel (server-sent events) reach 100 % with every figure equal to
// the outbox table's, then see the answers arrive live.
func TestBrowserEvents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		const n = 500
		owners(t, db, n, "telegram", "13.01.07", "Tarusan")
		owners(t, db, 7, "telegram", "13.01.06", "Bayang")
		// The staff member's own Telegram chat, linked to rina.
		staffChat := int64(4242)
		sc, err := store.InsertID(ctx, db, db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES ('telegram', ?, 'Rina', ?, ?)`,
			strconv.FormatInt(staffChat, 10), t0, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.GrantStaff(ctx, sc, "rina", "test", t0); err != nil {
			t.Fatal(err)
		}

		// The outbox dispatcher sends through the real adapter to the fake.
		rdb, prefix := outboxtest.Redis(t)
		srv := tgtest.New(t)
		tg, err := telegram.New(telegram.Config{Token: srv.Token(), APIURL: srv.URL(), Redis: rdb, KeyPrefix: prefix + "tg:",
			Handler: channel.HandlerFunc(func(context.Context, channel.Inbound) ([]channel.Outbound, error) { return nil, nil })})
		if err != nil {
			t.Fatal(err)
		}
		disp := outbox.NewDispatcher(outbox.Config{
			Store: store.NewOutboxRepo(db), Channels: map[channel.Name]channel.Channel{channel.Telegram: tg},
			Limits: map[channel.Name]outbox.Limit{channel.Telegram: {PerSecond: 400}},
			Redis:  rdb, KeyPrefix: prefix, Lease: 4 * time.Second, Batch: 50, Workers: 8, Poll: 20 * time.Millisecond,
			BackoffBase: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond, ProgressEvery: -1,
		})
		runCtx, stop := context.WithCancel(ctx)
		stopped := make(chan struct{})
		go func() { _ = disp.Run(runCtx); close(stopped) }()
		defer func() { stop(); <-stopped }()

		bctx := browser(t)
		base := h.srv.URL
		eval := func(js string) string {
			t.Helper()
			s, err := chromedp.Run(bctx, chromedp.Evaluate[string](js))
			if err != nil {
				t.Fatalf("%s: %v", js, err)
			}
			return s
		}
		waitJS := func(what, cond string) {
			t.Helper()
			for i := 0; ; i++ {
				ok, err := chromedp.Run(bctx, chromedp.Evaluate[bool](cond))
				if err == nil && ok {
					return
				}
				if i > 600 {
					dbg, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`JSON.stringify(document.getElementById("funnel") ? document.getElementById("funnel").dataset : {}) + " " + document.querySelector("main").innerText.slice(0, 600)`))
					cs, _ := store.NewOutboxRepo(db).OutboxCounts(ctx, 0)
					t.Fatalf("waited for %s (%s)\npage: %s\noutbox: %v, dispatcher %+v", what, cond, dbg, cs, disp.Stats())
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		// clickAndLoad clicks sel and waits for the next page.
		clickAndLoad := func(sel string) {
			t.Helper()
			eval(`document.documentElement.dataset.old = "1"; ""`)
			if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
				t.Fatal(err)
			}
			waitJS("the page after "+sel, `!document.documentElement.dataset.old && document.readyState === "complete"`)
		}
		if err := chromedp.Do(bctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
			chromedp.SendKeys(chromedp.CSS("#username"), "rina"), chromedp.SendKeys(chromedp.CSS("#password"), "sandi-rina-123")); err != nil {
			t.Fatal(err)
		}
		clickAndLoad("form button[type=submit]")

		// Create the event in the form.
		if err := chromedp.Do(bctx, chromedp.Navigate(base+"/dashboard/events/new"), chromedp.WaitVisible(chromedp.CSS("#f-title")),
			chromedp.SendKeys(chromedp.CSS("#f-title"), "Seminar Ekspor Rendang"),
			chromedp.SetValue(chromedp.CSS("#f-start"), "2026-12-08T09:00"), chromedp.SetValue(chromedp.CSS("#f-end"), "2026-12-08T12:00"),
			chromedp.SetValue(chromedp.CSS("#f-deadline"), "2026-12-06T17:00"),
			chromedp.SendKeys(chromedp.CSS("#f-venue"), "Aula Kantor Bupati, Painan"),
			chromedp.SetValue(chromedp.CSS("#f-capacity"), "0"), chromedp.SetValue(chromedp.CSS("#f-max_party"), "2")); err != nil {
			t.Fatal(err)
		}
		if *screenshots && db.Dialect == store.SQLite {
			shotAt(t, bctx, "events-form")
		}
		clickAndLoad(".evform button[type=submit]")
		if got := eval(`document.getElementById("ev-name").textContent`); got != "Seminar Ekspor Rendang" {
			t.Fatalf("event page shows %q", got)
		}
		evID := eval(`location.pathname.split("/").pop()`)

		// Build the audience: tick Koto XI Tarusan, the count follows.
		clickAndLoad("#ev-send")
		waitJS("the first count", `!!document.getElementById("aud-total")`)
		if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`input[name=region][value="13.01.07"]`))); err != nil {
			t.Fatal(err)
		}
		want := count(t, db, `SELECT COUNT(*) FROM contacts c JOIN businesses b ON b.contact_id = c.id WHERE b.region_code = '13.01.07' AND NOT c.stopped AND NOT c.blocked`)
		waitJS("the live count", fmt.Sprintf(`document.getElementById("aud-total").textContent === %q`, strconv.Itoa(want)))
		if want != n {
			t.Fatalf("database count %d, want %d", want, n)
		}
		if desc := eval(`document.getElementById("aud-desc").textContent`); desc != "kecamatan Koto XI Tarusan" {
			t.Errorf("audience described as %q", desc)
		}
		if *screenshots && db.Dialect == store.SQLite {
			shotAt(t, bctx, "events-audience")
		}

		// A test to rina's own Telegram.
		clickAndLoad("#aud-test")
		if err := srv.WaitFor(ctx, func() bool { return len(srv.Sent(staffChat)) > 0 }); err != nil {
			t.Fatalf("no test message on the staff member's Telegram: %v", err)
		}
		if m := srv.Sent(staffChat)[0]; !strings.Contains(m.Text, "UJI COBA") || !m.HasButton("Hadir") {
			t.Errorf("test message %q", m.Text)
		}

		// Confirm and send to the 500.
		waitJS("the count after the test", `!!document.getElementById("aud-confirm")`)
		if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS("#aud-confirm"))); err != nil {
			t.Fatal(err)
		}
		clickAndLoad("#aud-send")
		waitJS("the funnel at 100 %", `document.getElementById("funnel").dataset.pct === "100" && document.querySelector('[data-k="sent"]').textContent === "500"`)
		var bid int64
		if err := db.GetContext(ctx, &bid, db.Rebind(`SELECT MAX(id) FROM broadcasts WHERE event_id = ?`), evID); err != nil {
			t.Fatal(err)
		}
		counts, err := store.NewOutboxRepo(db).OutboxCounts(ctx, bid)
		if err != nil {
			t.Fatal(err)
		}
		figures := func() map[string]string {
			out := map[string]string{}
			for _, k := range []string{"queued", "sent", "failed", "skipped", "pending", "answered", "going", "pct"} {
				out[k] = eval(fmt.Sprintf(`document.querySelector('#funnel [data-k=%q]').textContent`, k))
			}
			return out
		}
		f := figures()
		total := 0
		for _, v := range counts {
			total += v
		}
		if f["queued"] != "500" || f["sent"] != strconv.Itoa(counts[outbox.StatusSent]) || counts[outbox.StatusSent] != n || total != n ||
			f["failed"] != "0" || f["pending"] != "0" || f["pct"] != "100" {
			t.Errorf("funnel %v, outbox %v", f, counts)
		}
		if got := srv.Calls("sendMessage"); got != n+1 {
			t.Errorf("the fake Telegram got %d messages, want %d invitations and 1 test", got, n+1)
		}
		// Three owners answer; the funnel shows it without a reload.
		rows, _ := store.NewEventRepo(db).ExportRows(ctx, mustID(t, evID))
		for i := range 3 {
			if _, err := store.NewEventRepo(db).Answer(ctx, rows[i].Invitation.Token, eventRequest("going", 1), t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		waitJS("the answers live", `document.querySelector('#funnel [data-k="going"]').textContent === "3"`)
		if got := count(t, db, `SELECT COUNT(*) FROM invitations WHERE event_id = ? AND status = 'going'`, evID); got != 3 {
			t.Errorf("database going %d", got)
		}
		if *screenshots && db.Dialect == store.SQLite {
			shotAt(t, bctx, "events-funnel")
			shootEvents(t, bctx, base, evID)
		}
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// shotAt writes the current page at phone and desktop width, whole
// (long pages: the first screen only, when top is set).
func shotAt(t *testing.T, ctx context.Context, name string) { shotOf(t, ctx, name, false) }

func shotOf(t *testing.T, ctx context.Context, name string, top bool) {
	t.Helper()
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, w := range []int64{390, 1440} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond)
		shot := chromedp.FullScreenshot(100)
		if top {
			shot = chromedp.CaptureScreenshot()
		}
		png, err := chromedp.Run(ctx, shot)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+map[int64]string{390: "phone", 1440: "desktop"}[w]+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)); err != nil {
		t.Fatal(err)
	}
}

// shootEvents writes the other event pages.
func shootEvents(t *testing.T, ctx context.Context, base, evID string) {
	t.Helper()
	for _, p := range []struct{ name, path string }{
		{"events-list", "/dashboard/events"}, {"events-show", "/dashboard/events/" + evID},
		{"events-answers", "/dashboard/events/" + evID + "/answers"}, {"events-badges", "/dashboard/events/" + evID + "/badges"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
			t.Fatal(err)
		}
		shotOf(t, ctx, p.name, p.name == "events-answers" || p.name == "events-badges")
	}
}
