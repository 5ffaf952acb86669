package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// seedOutcomes makes a temu bisnis that has happened: five owners (four
// came), two partners, a meeting per owner, and answers — one owner found
// a chance and later an order of 15 jt a month, a partner found one
// meeting a poor fit, one owner says their meeting did not take place.
func seedOutcomes(t *testing.T, db *store.DB) *event.Event {
	t.Helper()
	ctx := context.Background()
	events := store.NewEventRepo(db)
	repo := store.NewBusinessRepo(db)
	var owners []int64
	for i := range 5 {
		c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: fmt.Sprintf("88800%d", i), Language: "id", At: t0})
		if err != nil {
			t.Fatal(err)
		}
		id := c.ID
		b := umkm.Business{ContactID: &id, OwnerName: fmt.Sprintf("Pemilik %d", i), Name: []string{"Keripik Sanjai Amak", "Rendang Uni Ros", "Tenun Songket Silungkang", "Kopi Bukik", "Gula Aren Tarusan"}[i],
			KBLISection: []string{"C", "C", "C", "G", "A"}[i], RegionCode: []string{"13.01.07", "13.01.01", "13.01.07", "13.01.02", "13.01.07"}[i]}
		b.Classify()
		if err := repo.CreateBusiness(ctx, &b, "PSS", t0); err != nil {
			t.Fatal(err)
		}
		owners = append(owners, id)
	}
	ev := &event.Event{Title: "Temu Bisnis Pesisir 2026", Kind: event.TemuBisnis, Venue: "Aula Painan", StartsAt: t0.Add(-72 * time.Hour), EndsAt: t0.Add(-68 * time.Hour), MaxParty: 1}
	if _, err := events.CreateEvent(ctx, ev, t0.Add(-240*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := events.Publish(ctx, ev.ID, t0.Add(-240*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := events.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, t0.Add(-240*time.Hour)); err != nil {
		t.Fatal(err)
	}
	rows, err := events.ExportRows(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	inv := map[int64]int64{}
	for _, r := range rows {
		res, err := events.Answer(ctx, r.Invitation.Token, event.Request{Answer: event.Going, PartySize: 1}, t0.Add(-200*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		inv[r.Invitation.ContactID] = r.Invitation.ID
		if r.Invitation.ContactID != owners[4] {
			if _, _, err := events.CheckIn(ctx, ev.ID, res.Invitation.CheckinCode, "pintu", ev.StartsAt); err != nil {
				t.Fatal(err)
			}
		}
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, db.Rebind(q), args...); err != nil {
			t.Fatal(err)
		}
	}
	var partners []int64
	for i, org := range []string{"Bank Nagari Painan", "Koperasi Pasar Padang"} {
		c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: fmt.Sprintf("99900%d", i), Language: "id", At: t0})
		if err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO partners (contact_id, kind, organisation, consent, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, c.ID, []string{"bank", "koperasi"}[i], org, true, t0, t0)
		var id int64
		if err := db.GetContext(ctx, &id, db.Rebind(`SELECT id FROM partners WHERE organisation = ?`), org); err != nil {
			t.Fatal(err)
		}
		partners = append(partners, id)
	}
	exec(`INSERT INTO match_setups (event_id, slots, slot_minutes, first_slot, tables, updated_at) VALUES (?, 6, 20, ?, 4, ?)`, ev.ID, ev.StartsAt, t0)
	for i, o := range owners {
		exec(`INSERT INTO match_meetings (event_id, invitation_id, partner_id, slot, table_no, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			ev.ID, inv[o], partners[i%2], i/2, 1+i%2, t0, t0)
	}
	if _, err := events.ScheduleOutcomes(ctx, ev.EndsAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	answer := func(contactID int64, round event.Round, a store.OutcomeAnswer) {
		t.Helper()
		var tok string
		if err := db.GetContext(ctx, &tok, db.Rebind(`SELECT token FROM outcomes WHERE contact_id = ? AND round = ? ORDER BY id LIMIT 1`), contactID, string(round)); err != nil {
			t.Fatal(err)
		}
		if _, err := events.AnswerOutcome(ctx, tok, contactID, a, ev.EndsAt.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	answer(owners[0], event.RoundAfter, store.OutcomeAnswer{Rating: event.RatingOpportunity})
	answer(owners[0], event.FollowupRound(1), store.OutcomeAnswer{InContact: "ya", DealKind: event.DealOrder, DealStatus: event.DealAgreed, DealValue: 15_000_000, DealPer: "month"})
	answer(owners[1], event.RoundAfter, store.OutcomeAnswer{Rating: event.RatingUseful})
	answer(owners[2], event.RoundAfter, store.OutcomeAnswer{Rating: event.RatingNotHeld})
	var bank int64
	if err := db.GetContext(ctx, &bank, `SELECT contact_id FROM partners WHERE kind = 'bank'`); err != nil {
		t.Fatal(err)
	}
	answer(bank, event.RoundAfter, store.OutcomeAnswer{Rating: event.RatingPoorFit})
	return ev
}

// TestOutcomePages: the outcomes page, its CSVs, the A4 summary and the
// network picture show the report's figures, which equal counts taken
// from the database; a viewer may read them.
func TestOutcomePages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		ev := seedOutcomes(t, db)
		c := h.signedIn("tamu")
		count := func(q string) int {
			t.Helper()
			var n int
			if err := db.GetContext(context.Background(), &n, q); err != nil {
				t.Fatal(err)
			}
			return n
		}
		page := c.get("/dashboard/outcomes")
		came := count(`SELECT COUNT(*) FROM invitations WHERE checked_in_at IS NOT NULL`)
		for _, want := range []string{"Temu Bisnis Pesisir 2026", "Bank Nagari Painan", "Kurang cocok", "Ada peluang kerja sama",
			"Pesanan/pembelian", "Rp180.000.000", fmt.Sprintf("(%d)", came), "Koto XI Tarusan"} {
			if page.code != http.StatusOK || !strings.Contains(page.body, want) {
				t.Errorf("outcomes page lacks %q (%d)", want, page.code)
			}
		}
		csv := c.get(fmt.Sprintf("/dashboard/outcomes/events.csv?event=%d", ev.ID))
		want := fmt.Sprintf("%d,Temu Bisnis Pesisir 2026,%s,5,5,%d,%d,", ev.ID, ev.StartsAt.Format("2006-01-02"), came,
			count(`SELECT COUNT(*) FROM invitations WHERE status = 'going' AND checked_in_at IS NULL`))
		if !strings.Contains(csv.body, want) {
			t.Errorf("events.csv lacks %q:\n%s", want, csv.body)
		}
		meet := c.get(fmt.Sprintf("/dashboard/outcomes/meetings.csv?event=%d", ev.ID))
		if n := strings.Count(strings.TrimSpace(meet.body), "\n"); n != count(`SELECT COUNT(*) FROM match_meetings`) {
			t.Errorf("meetings.csv has %d rows:\n%s", n, meet.body)
		}
		if p := c.get("/dashboard/outcomes/print"); !strings.Contains(p.body, "Ringkasan hasil acara") || !strings.Contains(p.body, "window.print") {
			t.Errorf("print page: %d", p.code)
		}
		net := c.get("/dashboard/network")
		held := count(`SELECT COUNT(*) FROM match_meetings`) - 1 - 1 // one owner did not come, one said it did not take place
		if strings.Count(net.body, "<line ") != count(`SELECT COUNT(*) FROM match_meetings`) || strings.Count(net.body, `class="useful"`) != 2 ||
			!strings.Contains(net.body, fmt.Sprintf("%d pertemuan terlaksana", held)) {
			t.Errorf("network page: %d lines, %d useful\n%s", strings.Count(net.body, "<line "), strings.Count(net.body, `class="useful"`), net.body)
		}
		// A viewer cannot change the follow-ups; staff can, and a bad list
		// is refused kindly.
		form := url.Values{"event": {fmt.Sprint(ev.ID)}, "months": {"2,4"}}
		if r := c.post("/dashboard/outcomes/followups", form); r.code != http.StatusForbidden {
			t.Errorf("viewer set follow-ups: %d", r.code)
		}
		staff := h.signedIn("rina")
		if r := staff.get(fmt.Sprintf("/dashboard/outcomes?event=%d", ev.ID)); !strings.Contains(r.body, `value="1,3,6"`) {
			t.Errorf("the follow-up form does not show the default months")
		}
		if r := staff.post("/dashboard/outcomes/followups", form); r.code != http.StatusSeeOther {
			t.Errorf("staff set follow-ups: %d %s", r.code, r.body)
		}
		if r := staff.get(fmt.Sprintf("/dashboard/outcomes?event=%d", ev.ID)); !strings.Contains(r.body, `value="2,4"`) {
			t.Errorf("follow-ups not saved")
		}
		if r := staff.post("/dashboard/outcomes/followups", with(form, "months", "sebulan")); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Contoh: 1,3,6") {
			t.Errorf("bad months: %d", r.code)
		}
		// The business page lists the partners it met and what came of it.
		var keripik int64
		if err := db.GetContext(context.Background(), &keripik, `SELECT id FROM businesses WHERE name = 'Keripik Sanjai Amak'`); err != nil {
			t.Fatal(err)
		}
		if r := c.get(fmt.Sprintf("/dashboard/businesses/%d", keripik)); !strings.Contains(r.body, "Hubungan dari temu bisnis") || !strings.Contains(r.body, "Bank Nagari Painan") ||
			!strings.Contains(r.body, "Rp15.000.000 sebulan") {
			t.Errorf("business page connections: %d", r.code)
		}
		if svg := c.get("/dashboard/network.svg"); !strings.HasPrefix(svg.body, "<svg") || svg.hdr.Get("Content-Type") != "image/svg+xml" {
			t.Errorf("network.svg: %q %q", svg.hdr.Get("Content-Type"), svg.body[:min(80, len(svg.body))])
		}
	})
}

// TestOutcomePagesInTheBrowser renders the outcomes page, the summary and
// the network picture in Chromium at phone and desktop width (with
// -screenshots it rewrites docs/screenshots/outcomes-*, network-*).
func TestOutcomePagesInTheBrowser(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.SQLite)
	h := newHarness(t, db)
	seedOutcomes(t, db)
	ctx := browser(t)
	base := h.srv.URL
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "tamu"), chromedp.SendKeys(chromedp.CSS("#password"), "sandi-tamu-123\n"),
		chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "docs", "screenshots")
	for _, w := range []int64{390, 1440} {
		for _, p := range []struct{ name, path, sel string }{
			{"outcomes", "/dashboard/outcomes", "main h1"}, {"outcomes-print", "/dashboard/outcomes/print", ".a4"}, {"network", "/dashboard/network", "#network circle"},
		} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.sel))); err != nil {
				t.Fatalf("%s at %d px: %v", p.name, w, err)
			}
			n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#network line, .a4 table tr, main table tr").length`))
			if err != nil || n == 0 {
				t.Fatalf("%s at %d px shows nothing: %d %v", p.name, w, n, err)
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if !*screenshots {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, p.name+"-"+map[int64]string{390: "phone", 1440: "desktop"}[w]+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
