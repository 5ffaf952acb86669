package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/event"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// owners adds n chat contacts on channel, each with a business in the
// kecamatan region, named "<prefix> i", and returns their contact ids.
func owners(t testing.TB, db *store.DB, n int, channel, region, prefix string) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		for i := range n {
			id, err := store.InsertID(ctx, tx, db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`,
				channel, fmt.Sprintf("%d", 5000000+len(prefix)*100000+i), fmt.Sprintf("%s %d", prefix, i), t0, t0)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO businesses (contact_id, owner_name, name, region_code, size_class, kbli_section, created_at, updated_at)
 VALUES (?, ?, ?, ?, 'mikro', 'C', ?, ?)`), id, fmt.Sprintf("%s %d", prefix, i), fmt.Sprintf("Usaha %s %d", prefix, i), region, t0, t0); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func count(t testing.TB, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.GetContext(context.Background(), &n, db.Rebind(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// figure reads the number inside the element with the attribute attr
// (id="x" or data-k="x") of an HTML page: "1.234" is 1234.
func figure(t testing.TB, body, attr string) int {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(attr) + `[^>]*>([0-9.]+)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no figure %s in page", attr)
	}
	n, err := strconv.Atoi(strings.ReplaceAll(m[1], ".", ""))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var eventForm = url.Values{"title": {"Temu Bisnis Rendang"}, "kind": {"temu_bisnis"}, "start": {"2026-12-08T09:00"}, "end": {"2026-12-08T12:00"},
	"deadline": {"2026-12-06T17:00"}, "venue": {"Aula Painan"}, "map_url": {"https://maps.example.org/aula"}, "capacity": {"2"}, "max_party": {"2"}}

// TestEventPages: a viewer reads and cannot change; staff create an event
// with the CLI's rules (a bad end is refused and named), build an audience
// by kecamatan name whose count matches the database, send it, follow the
// funnel, resend once to those who did not answer (a second resend sends
// nobody anything), promote from the waitlist by hand, and duplicate.
func TestEventPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		tarusan := owners(t, db, 6, "telegram", "13.01.07", "Tarusan")
		owners(t, db, 3, "webchat", "13.01.06", "Bayang")
		if _, err := db.ExecContext(ctx, db.Rebind(`UPDATE contacts SET stopped = ? WHERE id = ?`), true, tarusan[5]); err != nil {
			t.Fatal(err)
		}
		h.business("Keripik Tanpa Chat", "1301014506900009") // Koto XI Tarusan, no chat

		viewer := h.signedIn("tamu")
		if r := viewer.get("/dashboard/events"); r.code != http.StatusOK || !strings.Contains(r.body, "Akan datang") {
			t.Fatalf("viewer's list: %d", r.code)
		}
		if r := viewer.post("/dashboard/events", eventForm); r.code != http.StatusForbidden {
			t.Fatalf("viewer created an event: %d", r.code)
		}

		c := h.signedIn("rina")
		bad := url.Values{}
		for k, v := range eventForm {
			bad[k] = v
		}
		bad.Set("end", "2026-12-08T08:00")
		if r := c.post("/dashboard/events", bad); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "harus sesudah waktu mulai") {
			t.Fatalf("end before start: %d %s", r.code, r.body)
		}
		r := c.post("/dashboard/events", eventForm)
		if r.code != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		path := strings.SplitN(r.loc, "?", 2)[0]
		id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/dashboard/events/"), 10, 64)
		ev, err := store.NewEventRepo(db).Event(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Status != "draft" || ev.StartsAt.Format(time.RFC3339) != "2026-12-08T02:00:00Z" || ev.Capacity != 2 || ev.MapURL != "https://maps.example.org/aula" {
			t.Fatalf("stored event %+v", ev)
		}

		// The count by kecamatan name; figures as in the database.
		r = c.get(path + "/audience/count?region=" + url.QueryEscape("Koto XI Tarusan"))
		if r.code != http.StatusOK {
			t.Fatalf("count: %d %s", r.code, r.body)
		}
		want := count(t, db, `SELECT COUNT(*) FROM contacts c JOIN businesses b ON b.contact_id = c.id WHERE b.region_code = '13.01.07' AND NOT c.stopped AND NOT c.blocked`)
		if got := figure(t, r.body, `id="aud-total"`); got != want || want != 5 {
			t.Errorf("count on the page %d, database %d (want 5)", got, want)
		}
		for _, s := range []string{"kecamatan Koto XI Tarusan", `data-way="nochat"`, `data-way="stopped"`, "Balas dengan angka 1–3.", "kurang dari 1 menit"} {
			if !strings.Contains(r.body, s) {
				t.Errorf("count block lacks %q", s)
			}
		}
		if strings.Contains(r.body, "13.01.07") {
			t.Error("the count block shows a kecamatan code")
		}

		// No confirmation, nothing sent.
		form := url.Values{"region": {"13.01.07"}, "do": {"send"}}
		if r := c.post(path+"/audience", form); r.code != http.StatusUnprocessableEntity {
			t.Fatalf("send without confirmation: %d", r.code)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM outbox`); n != 0 {
			t.Fatalf("%d rows queued without confirmation", n)
		}
		form.Set("confirm", "1")
		r = c.post(path+"/audience", form)
		if r.code != http.StatusSeeOther || !strings.Contains(r.loc, "/broadcasts/") {
			t.Fatalf("send: %d %s", r.code, r.body)
		}
		funnel := strings.SplitN(r.loc, "?", 2)[0]
		bid, _ := strconv.ParseInt(funnel[strings.LastIndex(funnel, "/")+1:], 10, 64)
		if ev, _ = store.NewEventRepo(db).Event(ctx, id); len(ev.Segment.RegionCodes) != 1 || ev.Segment.RegionCodes[0] != "13.01.07" || ev.Status != "published" {
			t.Errorf("after sending, event %+v: want the audience saved and published", ev)
		}
		page := c.get(funnel)
		if got, want := figure(t, page.body, `data-k="queued"`), count(t, db, `SELECT COUNT(*) FROM outbox WHERE broadcast_id = ?`, bid); got != want || want != 5 {
			t.Errorf("funnel queued %d, outbox %d (want 5)", got, want)
		}
		if got := figure(t, page.body, `data-k="skipped"`); got != 1 {
			t.Errorf("funnel skipped %d, want the stopped one", got)
		}

		// The platform accepted every invitation; two owners answer.
		if _, err := db.ExecContext(ctx, db.Rebind(`UPDATE outbox SET status = 'sent', sent_at = ? WHERE broadcast_id = ?`), t0, bid); err != nil {
			t.Fatal(err)
		}
		repo := store.NewEventRepo(db)
		rows, _ := repo.ExportRows(ctx, id)
		answer := func(i int, a string, party int) {
			t.Helper()
			if _, err := repo.Answer(ctx, rows[i].Invitation.Token, eventRequest(a, party), t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		answer(0, "going", 2)
		answer(1, "going", 1) // capacity 2: waitlist
		page = c.get(funnel)
		for k, want := range map[string]int{"sent": 5, "answered": 2, "going": 1, "waitlist": 1, "people": 2} {
			if got := figure(t, page.body, `data-k="`+k+`"`); got != want {
				t.Errorf("funnel %s = %d, want %d", k, got, want)
			}
		}
		csv := c.get(funnel + "/csv?status=unanswered")
		if lines := strings.Count(strings.TrimSpace(csv.body), "\n"); lines != 3 || strings.Contains(csv.body, "+62") && !strings.Contains(csv.body, "****") {
			t.Errorf("unanswered CSV: %d lines\n%s", lines, csv.body)
		}

		// Resend: the three who did not answer, once.
		r = c.post(funnel+"/resend", url.Values{})
		if r.code != http.StatusSeeOther {
			t.Fatalf("resend: %d %s", r.code, r.body)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'resend:%'`); n != 3 {
			t.Fatalf("resend queued %d, want 3", n)
		}
		c.post(funnel+"/resend", url.Values{})
		if n := count(t, db, `SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'resend:%'`); n != 3 {
			t.Fatalf("a second resend queued more: %d, want 3", n)
		}
		perContact := count(t, db, `SELECT COUNT(*) FROM (SELECT contact_id FROM outbox WHERE event_id = ? AND kind = 'invite' GROUP BY contact_id HAVING COUNT(*) > 2) x`, id)
		if perContact != 0 {
			t.Errorf("%d contacts got more than the invitation and one reminder", perContact)
		}

		// Promote by hand past the capacity.
		ans := c.get(path + "/answers")
		if !strings.Contains(ans.body, "Beri kursi") || !strings.Contains(ans.body, "Modal") && false {
			t.Fatalf("answers page lacks the promote button")
		}
		if r := c.post(fmt.Sprintf("%s/answers/%d/promote", path, rows[1].Invitation.ID), url.Values{}); r.code != http.StatusSeeOther {
			t.Fatalf("promote: %d %s", r.code, r.body)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM invitations WHERE event_id = ? AND status = 'going'`, id); n != 2 {
			t.Errorf("going after promotion: %d, want 2", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM outbox WHERE invitation_id = ? AND kind = 'promote'`, rows[1].Invitation.ID); n != 1 {
			t.Errorf("promotion notices: %d, want 1", n)
		}

		// The list shows the figures of the database.
		list := c.get("/dashboard/events")
		if got := figure(t, list.body, `data-k="going"`); got != 2 {
			t.Errorf("list going %d, want 2", got)
		}
		if got := figure(t, list.body, `data-k="invited"`); got != 5 {
			t.Errorf("list invited %d, want 5", got)
		}
		// Print pages list those going.
		if p := c.get(path + "/badges"); strings.Count(p.body, `class="badge"`) != 2 {
			t.Errorf("badges: %d", strings.Count(p.body, `class="badge"`))
		}

		// Duplicate: a new draft with the same audience.
		r = c.post(path+"/duplicate", url.Values{})
		if r.code != http.StatusSeeOther || !strings.HasSuffix(r.loc, "/edit") {
			t.Fatalf("duplicate: %d %q", r.code, r.loc)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM events WHERE status = 'draft' AND title = 'Temu Bisnis Rendang'`); n != 1 {
			t.Errorf("drafts after duplicate: %d", n)
		}

		// Moving the event tells those who answered (the CLI's notices).
		edit := url.Values{}
		for k, v := range eventForm {
			edit[k] = v
		}
		edit.Set("venue", "Gedung Painan")
		if r := c.post(path+"/edit", edit); r.code != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.code, r.body)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM outbox WHERE event_id = ? AND kind = 'change'`, id); n != 2 {
			t.Errorf("change notices %d, want 2 (both going)", n)
		}
		// A viewer reads the event and its funnel, not the audience or the answers.
		if r := viewer.get(funnel); r.code != http.StatusOK || strings.Contains(r.body, "fun-resend") {
			t.Errorf("viewer's funnel: %d, resend offered: %v", r.code, strings.Contains(r.body, "fun-resend"))
		}
		if r := viewer.get(path); r.code != http.StatusOK || strings.Contains(r.body, `id="ev-send"`) {
			t.Errorf("viewer's event page: %d", r.code)
		}
		for _, p := range []string{path + "/audience", path + "/answers", funnel + "/csv?status=all"} {
			if r := viewer.get(p); r.code != http.StatusForbidden {
				t.Errorf("viewer GET %s: %d, want 403", p, r.code)
			}
		}
		if r := viewer.post(funnel+"/resend", url.Values{}); r.code != http.StatusForbidden {
			t.Errorf("viewer resend: %d", r.code)
		}
		// The live stream: its first event carries the funnel's figures;
		// a user holds a few streams at once, not more.
		var bodies []*http.Response
		for i := range 5 {
			req, _ := http.NewRequest("GET", h.srv.URL+funnel+"/live", nil)
			res, err := viewer.hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			bodies = append(bodies, res)
			if i < 4 && res.StatusCode != http.StatusOK {
				t.Fatalf("stream %d: %d", i, res.StatusCode)
			}
			if i == 4 && res.StatusCode != http.StatusTooManyRequests {
				t.Errorf("fifth stream: %d, want 429", res.StatusCode)
			}
		}
		buf := make([]byte, 0, 4096)
		chunk := make([]byte, 1024)
		for !strings.Contains(string(buf), "\n\n") || !strings.Contains(string(buf), "event: funnel") {
			k, err := bodies[0].Body.Read(chunk)
			if err != nil {
				t.Fatalf("stream: %v (%q)", err, buf)
			}
			buf = append(buf, chunk[:k]...)
		}
		for _, want := range []string{`"queued":5`, `"going":2`, `"answered":2`} {
			if !strings.Contains(string(buf), want) {
				t.Errorf("stream's first event lacks %s: %s", want, buf)
			}
		}
		for _, b := range bodies {
			b.Body.Close()
		}
		if !has(h.actions("staff:rina"), "event.broadcast") {
			t.Error("the broadcast is not in the audit log")
		}
	})
}

func eventRequest(a string, party int) event.Request {
	return event.Request{Answer: event.Answer(a), PartySize: party}
}

// Unwrap lets http.ResponseController reach the real writer through the
// harness's recorder (the live funnel flushes each event).
func (w *codeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
