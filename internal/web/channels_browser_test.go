package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/web"
)

// harnessWith is newHarness with options of the test's (the channels and
// flows sources).
func harnessWith(t *testing.T, db *store.DB, set func(*web.Options)) *harness {
	t.Helper()
	rdb, prefix := sessiontest.Real(t)
	data, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, db: db, now: t0}
	opt := storeOptions(db, web.Options{Data: data, Redis: rdb, KeyPrefix: prefix, Idle: 30 * time.Minute, Max: 12 * time.Hour,
		Now: func() time.Time { h.mu.Lock(); defer h.mu.Unlock(); return h.now }})
	set(&opt)
	s, err := web.New(opt)
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

// fakeChannels is a web.ChannelSource over the test's database, with a
// WhatsApp that pairs when the test says the phone scanned.
type fakeChannels struct {
	db      *store.DB
	mu      sync.Mutex
	wa      web.WhatsAppStatus
	next    chan struct{} // the QR code changes
	scanned chan struct{} // the phone accepted
	linking chan string   // each Link call's phone ("" for QR)
	logouts int
}

func newFakeChannels(db *store.DB) *fakeChannels {
	return &fakeChannels{db: db, next: make(chan struct{}), scanned: make(chan struct{}), linking: make(chan string, 4),
		wa: web.WhatsAppStatus{Status: "not_linked", PerMinute: 4, MinGap: 10 * time.Second, MaxJitter: 15 * time.Second, OnlyKnownContacts: true}}
}

func (f *fakeChannels) Report(ctx context.Context) web.ChannelReport {
	f.mu.Lock()
	wa := f.wa
	f.mu.Unlock()
	return web.ChannelReport{
		Telegram: &web.TelegramStatus{Bot: "jejaring_pessel_bot", LastUpdate: t0.Add(-time.Hour),
			Errors: []web.LogLine{{At: t0.Add(-2 * time.Hour), Text: "telegram getUpdates failed err=\"context deadline exceeded\""}}},
		WhatsApp: &wa,
		Ready:    []web.ReadyLine{{Component: "database"}, {Component: "redis"}, {Component: "telegram"}, {Component: "whatsapp", Err: "whatsapp not linked: run `jejaring whatsapp link` to link the office number"}},
	}
}

func (f *fakeChannels) Outbox(ctx context.Context, now time.Time) ([]web.OutboxLine, error) {
	qs, err := store.NewOutboxRepo(f.db).ChannelQueues(ctx, now)
	if err != nil {
		return nil, err
	}
	var out []web.OutboxLine
	for _, q := range qs {
		out = append(out, web.OutboxLine{ChannelQueue: q, Paused: q.Channel == "whatsapp"})
	}
	return out, nil
}

func (f *fakeChannels) WhatsAppLinker() web.WhatsAppLinker { return f }

func (f *fakeChannels) Link(ctx context.Context, phone string, onQR, onCode func(string)) (string, error) {
	f.linking <- phone
	if phone != "" {
		onCode("JJRK-7Q2M")
	} else {
		onQR("2@fake-qr-code-one,base64key,base64identity")
		select {
		case <-f.next:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		onQR("2@fake-qr-code-two,base64key,base64identity")
	}
	select {
	case <-f.scanned:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	f.mu.Lock()
	f.wa.Status, f.wa.Phone = "connected", "6281234567890"
	f.mu.Unlock()
	return "6281234567890", nil
}

func (f *fakeChannels) Logout(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.wa.Status != "connected" {
		return errors.New("whatsapp is not connected")
	}
	f.logouts++
	f.wa.Status, f.wa.Phone = "logged_out", ""
	return nil
}

// addOutbox inserts outbox rows: n of status on ch, attempts tries, due
// at notBefore.
func addOutbox(t *testing.T, db *store.DB, ch, status string, attempts, n int, notBefore time.Time, lastErr string) {
	t.Helper()
	for i := range n {
		if _, err := db.ExecContext(context.Background(), db.Rebind(`INSERT INTO outbox (kind, channel, external_id, dedupe_key, payload, status, attempts, not_before, last_error, created_at, updated_at)
 VALUES ('invite', ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?)`), ch, fmt.Sprintf("x%d", i), fmt.Sprintf("%s:%s:%d:%d:%d", ch, status, attempts, notBefore.Unix(), i), status, attempts, notBefore.UTC(), lastErr, t0, t0); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBrowserChannels: the channels page in words, its outbox figures as
// in the database, and WhatsApp linked in the browser with a fake QR
// source: the QR streamed and replaced, then the pairing code, then a
// logout.
func TestBrowserChannels(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fc := newFakeChannels(db)
		h := harnessWith(t, db, func(o *web.Options) { o.Channels = fc })
		addOutbox(t, db, "telegram", "pending", 0, 3, t0.Add(-time.Minute), "")
		addOutbox(t, db, "telegram", "pending", 0, 2, t0.Add(time.Hour), "")
		addOutbox(t, db, "telegram", "sent", 1, 7, t0.Add(-time.Hour), "")
		addOutbox(t, db, "whatsapp", "pending", 2, 4, t0.Add(time.Minute), "whatsapp: not connected")
		addOutbox(t, db, "whatsapp", "failed", 5, 1, t0.Add(-time.Hour), "invalid JID")
		qs, err := store.NewOutboxRepo(db).ChannelQueues(context.Background(), t0)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.ChannelQueue{{Channel: "telegram", Due: 3, Scheduled: 2, Sent: 7}, {Channel: "whatsapp", Retrying: 4, Failed: 1, LastError: "invalid JID"}}
		if len(qs) != 2 || qs[0] != want[0] || qs[1] != want[1] {
			t.Fatalf("ChannelQueues = %+v, want %+v", qs, want)
		}
		ctx := browser(t)
		base := h.srv.URL
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.CSS("#username")),
			chromedp.SendKeys(chromedp.CSS("#username"), "admin"),
			chromedp.SendKeys(chromedp.CSS("#password"), "sandi-admin-123\n"),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/dashboard/channels"]`)),
			chromedp.Click(chromedp.CSS(`a[href="/dashboard/channels"]`)),
			chromedp.WaitVisible(chromedp.CSS("#pair-qr")),
		); err != nil {
			t.Fatal(err)
		}
		text := func(sel string) string {
			t.Helper()
			s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		for sel, wants := range map[string][]string{
			"#h-ready + p":  {"Ada bagian yang belum siap"},
			"#ready-list":   {"Basis data: Baik", "Redis (sesi dan antrean): Baik", "WhatsApp: Bermasalah"},
			"#tg":           {"@jejaring_pessel_bot", "polling", "Tersambung", "context deadline exceeded", "15.00 WIB"},
			"#wa-state":     {"Belum ditautkan"},
			"#wa":           {"paling banyak 4 pesan per menit, jeda 10–25 detik", "Hanya ke kontak yang pernah menulis"},
			"#wa-risk":      {"dapat diblokir sementara"},
			"#outbox tbody": {"telegram", "whatsapp", "Ditahan", "invalid JID"},
		} {
			got := text(sel)
			for _, w := range wants {
				if !strings.Contains(got, w) {
					t.Errorf("%s lacks %q: %q", sel, w, got)
				}
			}
		}
		for _, q := range qs {
			cells, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`[...document.querySelectorAll('#outbox tr[data-channel=%s] td.n')].map(td => td.textContent)`, q.Channel)))
			if err != nil {
				t.Fatal(err)
			}
			wantCells := []string{fmt.Sprint(q.Due), fmt.Sprint(q.Scheduled), fmt.Sprint(q.Retrying), fmt.Sprint(q.Sending), fmt.Sprint(q.Failed), fmt.Sprint(q.Sent)}
			if strings.Join(cells, ",") != strings.Join(wantCells, ",") {
				t.Errorf("outbox row %s on the page %v, in the database %v", q.Channel, cells, wantCells)
			}
		}

		// Linking by QR: the code is streamed, then replaced by the next.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#pair-qr"))); err != nil {
			t.Fatal(err)
		}
		if p := <-fc.linking; p != "" {
			t.Fatalf("QR link asked with phone %q", p)
		}
		waitFor(t, ctx, "the first QR", `document.getElementById('pair-img').dataset.seq === '1' && document.getElementById('pair-img').naturalWidth > 100`)
		first, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('pair-img').src`))
		if !strings.HasPrefix(first, "data:image/png;base64,") || !strings.Contains(text("#pair-status"), "Pindai kode ini") {
			t.Fatalf("first QR: %.60s, status %q", first, text("#pair-status"))
		}
		if *screenshots && db.Dialect == store.SQLite {
			shootDoor(t, ctx, "channels-desktop")
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
				t.Fatal(err)
			}
			shootDoor(t, ctx, "channels-phone")
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)); err != nil {
				t.Fatal(err)
			}
		}
		fc.next <- struct{}{}
		waitFor(t, ctx, "the second QR", `document.getElementById('pair-img').dataset.seq === '2'`)
		second, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('pair-img').src`))
		if second == first {
			t.Error("the second QR is the first one again")
		}
		fc.scanned <- struct{}{}
		waitFor(t, ctx, "the link to be confirmed", `document.getElementById('pair').dataset.state === 'done'`)
		if s := text("#pair-status"); !strings.Contains(s, "Berhasil") || !strings.Contains(s, "+62") || strings.Contains(s, "81234567890") {
			t.Errorf("after linking: %q", s)
		}
		// The page reloads and shows the number connected, masked.
		waitFor(t, ctx, "the reload", `!!document.getElementById('wa-logout')`)
		if s := text("#wa"); !strings.Contains(s, "Tersambung") || strings.Contains(s, "81234567890") {
			t.Errorf("linked: %q", s)
		}
		// Log out, then link with a pairing code.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#wa-logout button")), chromedp.WaitVisible(chromedp.CSS("#pair-phone"))); err != nil {
			t.Fatal(err)
		}
		if s := text("main .flash"); !strings.Contains(s, "sudah dikeluarkan") || fc.logouts != 1 {
			t.Errorf("after logout: %q, %d logouts", s, fc.logouts)
		}
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#pair-phone"), "+6281234567890\n")); err != nil {
			t.Fatal(err)
		}
		if p := <-fc.linking; p != "+6281234567890" {
			t.Fatalf("code link asked with phone %q", p)
		}
		waitFor(t, ctx, "the pairing code", `document.getElementById('pair').dataset.state === 'code'`)
		if s := text("#pair-code"); s != "JJRK-7Q2M" {
			t.Errorf("pairing code shown: %q", s)
		}
		fc.scanned <- struct{}{}
		waitFor(t, ctx, "the code link to be confirmed", `document.getElementById('pair').dataset.state === 'done'`)

		// A staff member sees the page but may not link.
		c := h.signedIn("rina")
		if r := c.get("/dashboard/channels/whatsapp/link"); r.code != http.StatusForbidden {
			t.Errorf("staff opening the link stream: %d", r.code)
		}
		if r := c.get("/dashboard/channels"); r.code != http.StatusOK || !strings.Contains(r.body, "Saluran pesan") {
			t.Errorf("staff channels page: %d", r.code)
		}
		if r := h.signedIn("tamu").get("/dashboard/channels"); r.code != http.StatusForbidden {
			t.Errorf("viewer channels page: %d", r.code)
		}
		acts := h.actions("staff:admin")
		for _, a := range []string{"whatsapp.link_start", "whatsapp.link", "whatsapp.logout"} {
			if !has(acts, a) {
				t.Errorf("audit lacks %s: %v", a, acts)
			}
		}
	})
}
