package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/web"
)

// figures is a register with contacts, consents, events held (and one to
// come, one cancelled) and check-ins, made through the store.
type figures struct {
	bizByContact map[int64]testBiz
	contacts     []int64
	events       []int64
}

func (h *harness) seedFigures() figures {
	h.t.Helper()
	ctx := context.Background()
	db, repo, evs := h.db, store.NewBusinessRepo(h.db), store.NewEventRepo(h.db)
	f := figures{bizByContact: map[int64]testBiz{}}
	kec := []string{"13.01.07", "13.01.01", "13.01.02"}
	classes := []umkm.SizeClass{umkm.Mikro, umkm.Mikro, umkm.Kecil, umkm.Menengah}
	for i := range 12 {
		b := umkm.Business{Name: fmt.Sprintf("Usaha Nomor %d", i), OwnerName: "Pemilik " + strconv.Itoa(i), OwnerPhone: fmt.Sprintf("+6281300000%03d", i),
			NIK: fmt.Sprintf("130101450690%04d", i), RegionCode: kec[i%3], KBLISection: []string{"C", "G", "I"}[i%3], SizeClass: classes[i%4],
			Verified: i%3 == 0, ShowToPartners: i%2 == 0, Source: []string{umkm.SourceImport, umkm.SourceChat}[i%2]}
		if i < 6 {
			c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "whatsapp", ExternalID: fmt.Sprintf("6281300000%03d", i), DisplayName: "WA " + strconv.Itoa(i), At: t0})
			if err != nil {
				h.t.Fatal(err)
			}
			b.ContactID = &c.ID
			f.contacts = append(f.contacts, c.ID)
		}
		// Registered over the last weeks, one a week.
		if err := repo.CreateBusiness(ctx, &b, "PSS", t0.AddDate(0, 0, -7*i)); err != nil {
			h.t.Fatal(err)
		}
		if b.ContactID != nil {
			f.bizByContact[*b.ContactID] = testBiz{b.ID, "/dashboard/businesses/" + itoa(b.ID), b.RegNo}
		}
	}
	for _, id := range f.contacts[:3] {
		if err := db.RecordConsent(ctx, &contact.Consent{ContactID: id, Purpose: contact.PurposePartners, Granted: true, NoticeVersion: "2026-09", Channel: "whatsapp", CreatedAt: t0}); err != nil {
			h.t.Fatal(err)
		}
	}
	mk := func(title string, start time.Time, status event.Status) int64 {
		ev := &event.Event{Title: title, Kind: event.Seminar, Venue: "Aula Dinas", StartsAt: start, EndsAt: start.Add(3 * time.Hour), Status: status}
		id, err := evs.CreateEvent(ctx, ev, t0.AddDate(0, -2, 0))
		if err != nil {
			h.t.Fatal(err)
		}
		f.events = append(f.events, id)
		return id
	}
	past1 := mk("Pelatihan Kemasan", t0.AddDate(0, 0, -30), event.Published)
	past2 := mk("Temu Bisnis Oktober", t0.AddDate(0, 0, -10), event.Changed)
	gone := mk("Pameran Batal", t0.AddDate(0, 0, -5), event.Cancelled)
	soon := mk("Seminar Ekspor", t0.AddDate(0, 0, 10), event.Published)
	inv := func(ev, contactID int64, status string, party int, checked bool) {
		var checkedAt any
		if checked {
			checkedAt = t0.AddDate(0, 0, -1).UTC()
		}
		_, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO invitations (event_id, contact_id, token, status, party_size, needs, checkin_code, answered_at, checked_in_at, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), ev, contactID, fmt.Sprintf("tok-%d-%d", ev, contactID), status, party, "", fmt.Sprintf("C%d%d", ev, contactID), t0.AddDate(0, 0, -40).UTC(), checkedAt, t0.AddDate(0, 0, -45).UTC())
		if err != nil {
			h.t.Fatal(err)
		}
	}
	c := f.contacts
	inv(past1, c[0], "going", 2, true)
	inv(past1, c[1], "going", 1, true)
	inv(past1, c[2], "declined", 0, false)
	inv(past2, c[0], "going", 1, true)
	inv(past2, c[3], "going", 1, false)
	inv(past2, c[4], "invited", 0, false)
	inv(gone, c[5], "going", 1, true) // a check-in at a cancelled event does not count
	inv(soon, c[0], "going", 1, false)
	return f
}

// csvOf fetches a chart's CSV as label → the other columns.
func csvOf(t *testing.T, c *client, name string) map[string][]string {
	t.Helper()
	r := c.get("/dashboard/charts/" + name + ".csv")
	if r.code != http.StatusOK {
		t.Fatalf("%s.csv: %d", name, r.code)
	}
	recs, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatalf("%s.csv: %v", name, err)
	}
	out := map[string][]string{}
	for _, rec := range recs[1:] {
		out[rec[0]] = rec[1:]
	}
	return out
}

// Every chart of the home page has its numbers table and CSV, and the
// numbers are the database's, counted here with SQL of the test's own.
func TestHomeFiguresMatchTheDatabase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		h.seedFigures()
		ctx := context.Background()
		staff := h.signedIn("rina")
		home := staff.get("/dashboard/")
		charts := []string{"office", "size", "region", "sector", "weeks", "verified", "events", "attended"}
		for _, name := range charts {
			if !strings.Contains(home.body, `id="chart-`+name+`"`) || !strings.Contains(home.body, `href="/dashboard/charts/`+name+`.csv"`) {
				t.Errorf("home lacks chart %s or its CSV link", name)
			}
		}
		if n := strings.Count(home.body, `<section class="chart card"`); n != len(charts) || strings.Count(home.body, "<table>") != len(charts) {
			t.Errorf("home has %d charts and %d tables, want %d of each", n, strings.Count(home.body, "<table>"), len(charts))
		}
		count := func(q string, args ...any) string {
			var n int
			if err := db.GetContext(ctx, &n, db.Rebind(q), args...); err != nil {
				t.Fatal(err)
			}
			return strconv.Itoa(n)
		}
		check := func(chart, label, want string) {
			t.Helper()
			got := csvOf(t, staff, chart)
			if len(got[label]) == 0 || got[label][0] != want {
				t.Errorf("%s.csv %q = %v, want %s (all: %v)", chart, label, got[label], want, got)
			}
		}
		check("office", "Di Jejaring", count(`SELECT COUNT(*) FROM businesses`))
		check("size", "Mikro", count(`SELECT COUNT(*) FROM businesses WHERE size_class = 'mikro'`))
		check("size", "Kecil", count(`SELECT COUNT(*) FROM businesses WHERE size_class = 'kecil'`))
		check("size", "Menengah", count(`SELECT COUNT(*) FROM businesses WHERE size_class = 'menengah'`))
		check("region", "Koto XI Tarusan", count(`SELECT COUNT(*) FROM businesses WHERE region_code = '13.01.07'`))
		check("sector", "G Perdagangan (warung, toko), bengkel", count(`SELECT COUNT(*) FROM businesses WHERE kbli_section = 'G'`))
		check("verified", "Sudah diverifikasi", count(`SELECT COUNT(*) FROM businesses WHERE verified = ?`, true))
		check("verified", "Belum diverifikasi", count(`SELECT COUNT(*) FROM businesses WHERE verified = ?`, false))
		weeks := csvOf(t, staff, "weeks")
		if len(weeks) != 12 {
			t.Errorf("weeks: %d rows, want 12: %v", len(weeks), weeks)
		}
		total := 0
		for _, v := range weeks {
			n, _ := strconv.Atoi(v[0])
			total += n
		}
		// t0 is a Tuesday: the 12 weeks start on the Monday 11 weeks back.
		if want := count(`SELECT COUNT(*) FROM businesses WHERE created_at >= ?`, time.Date(2026, 9, 14, 0, 0, 0, 0, time.UTC)); strconv.Itoa(total) != want {
			t.Errorf("weeks add up to %d, want %s", total, want)
		}
		// Two events held (the cancelled one and the one to come are not):
		// attended and invited as the invitations say.
		ev := csvOf(t, staff, "events")
		if len(ev) != 2 {
			t.Errorf("events held: %v", ev)
		}
		for label, want := range map[string][]string{"Pelatihan Kemasan (01-11-2026)": {"2", "3"}, "Temu Bisnis Oktober (21-11-2026)": {"1", "3"}} {
			if got := ev[label]; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
				t.Errorf("events %q = %v, want %v", label, got, want)
			}
		}
		// Two businesses came to a held event (the check-in at the
		// cancelled one does not count).
		check("attended", "Pernah hadir", "2")
		check("attended", "Belum pernah hadir", count(`SELECT COUNT(*) - 2 FROM businesses WHERE deleted_at IS NULL`))
		if !strings.Contains(home.body, `<span class="big">2</span> acara sudah diadakan`) || !strings.Contains(home.body, "16.7%") {
			t.Errorf("home tiles: events held 2, attended 2 of 12: %s", home.body)
		}
	})
}

func TestDirectoryFiltersAndExport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		h.seedFigures()
		staff := h.signedIn("rina")
		found := func(q string) int {
			t.Helper()
			r := staff.get("/dashboard/businesses?" + q)
			if r.code != http.StatusOK {
				t.Fatalf("%s: %d", q, r.code)
			}
			i := strings.Index(r.body, ` usaha ditemukan`)
			j := strings.LastIndex(r.body[:i], ">")
			n, err := strconv.Atoi(r.body[j+1 : i])
			if err != nil {
				t.Fatalf("%s: count %q", q, r.body[j+1:i])
			}
			return n
		}
		for _, tt := range []struct {
			q    string
			want int
		}{
			{"", 12},
			{"partners=yes", 6},
			{"partners=no", 6},
			{"source=chat", 6},
			{"source=import&partners=yes", 6}, // the even ones: import and shown
			{"source=dashboard", 0},
			{"verified=yes", 4},
			{"since=2026-11-10", 4}, // t0 and the three weeks before
			{"kecamatan=13.01.07&size=mikro", 2},
			{"sector=G&verified=no", 4},
		} {
			if got := found(tt.q); got != tt.want {
				t.Errorf("%q: %d found, want %d", tt.q, got, tt.want)
			}
		}
		// Sorting and paging keep the filters.
		r := staff.get("/dashboard/businesses?partners=yes&sort=name")
		if !strings.Contains(r.body, `<option value="yes" selected>`) || !strings.Contains(r.body, `<option value="name" selected>`) {
			t.Errorf("the form does not keep the filters")
		}
		if i, j := strings.Index(r.body, "Usaha Nomor 0"), strings.Index(r.body, "Usaha Nomor 10"); i < 0 || j < 0 || i > j {
			t.Errorf("sorted by name: Nomor 0 before Nomor 10")
		}
		if !strings.Contains(r.body, `href="/dashboard/businesses/export?partners=yes&amp;sort=name"`) {
			t.Errorf("the export link loses the filters")
		}
		// The export has the filtered set, masked.
		exp := staff.get("/dashboard/businesses/export?partners=yes&source=import")
		recs, err := csv.NewReader(strings.NewReader(exp.body)).ReadAll()
		if err != nil || len(recs) != 7 {
			t.Fatalf("export of the filtered set: %d rows, %v\n%s", len(recs), err, exp.body)
		}
		if strings.Contains(exp.body, "1301014506900000") || !strings.Contains(exp.body, "1301********0000") {
			t.Errorf("the export does not mask the NIK")
		}
		// Paging: 25 a page.
		for i := range 20 {
			h.business(fmt.Sprintf("Tambahan %02d", i), fmt.Sprintf("13010145069010%02d", i))
		}
		p1, p2 := staff.get("/dashboard/businesses?sort=name"), staff.get("/dashboard/businesses?sort=name&page=2")
		if !strings.Contains(p1.body, "1–25 / 32") || !strings.Contains(p2.body, "26–32 / 32") || !strings.Contains(p1.body, `href="/dashboard/businesses?page=2&amp;sort=name"`) {
			t.Errorf("paging: %s", p2.body)
		}
	})
}

func TestBusinessPageEventsConsentsContact(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		f := h.seedFigures()
		viewer := h.signedIn("tamu")
		b := f.bizByContact[f.contacts[0]]
		r := viewer.get(b.path)
		if r.code != http.StatusOK {
			t.Fatalf("business page: %d", r.code)
		}
		for _, want := range []string{
			"Pelatihan Kemasan", "Akan hadir · 2 orang", "Hadir, masuk pukul", "Temu Bisnis Oktober", "Seminar Ekspor", "Acara belum berlangsung",
			"Ditampilkan ke mitra (pembeli, investor)", "Setuju", "2026-09", // consent with notice version
			"WhatsApp", "+62813****0000", // the chat contact, masked
		} {
			if !strings.Contains(strings.ReplaceAll(r.body, "&#43;", "+"), want) {
				t.Errorf("business page lacks %q", want)
			}
		}
		if strings.Contains(r.body, "6281300000000") {
			t.Error("the chat account is shown in full")
		}
		other := f.bizByContact[f.contacts[2]]
		if r := viewer.get(other.path); !strings.Contains(r.body, "Tidak bisa hadir") || !strings.Contains(r.body, "Tidak hadir") {
			t.Errorf("a declined past invitation: %s", r.body)
		}
	})
}

// Every page that shows personal data in full writes who and why first;
// the others show it masked.
func TestAuditOfFullViews(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		b := h.business("Keripik Sanjai Amak", "1301014506900001")
		staff, admin := h.signedIn("rina"), h.signedIn("admin")
		const nik, phone = "1301014506900001", "6281234567801"
		// Masked everywhere a reason was not given.
		for _, p := range []string{"/dashboard/", "/dashboard/businesses", "/dashboard/businesses?q=sanjai", b.path, b.path + "/edit?lang=en", "/dashboard/businesses/export", "/dashboard/businesses/export?format=xlsx"} {
			r := staff.get(p)
			if strings.Contains(r.body, nik) {
				t.Errorf("%s shows the NIK in full", p)
			}
			if strings.Contains(r.body, phone) && !strings.HasSuffix(p, "/edit?lang=en") {
				t.Errorf("%s shows the phone in full", p)
			}
		}
		entries := func(actor, action string) []store.AuditEntry {
			es, err := db.AuditByActor(context.Background(), actor)
			if err != nil {
				t.Fatal(err)
			}
			var out []store.AuditEntry
			for _, e := range es {
				if e.Action == action {
					out = append(out, e)
				}
			}
			return out
		}
		views := len(entries("staff:rina", store.AuditDataView))
		if views < 1 {
			t.Error("opening a business page is not audited")
		}
		// The edit form holds the phone in full (to change it): audited.
		if es := entries("staff:rina", store.AuditDataView); !strings.Contains(es[len(es)-1].Details, `"edit"`) {
			t.Errorf("the edit form's full phone is not audited: %+v", es[len(es)-1])
		}
		// Full NIK: a reason is asked, and recorded with who.
		if r := staff.post(b.path+"/reveal", url.Values{"reason": {"x"}}); r.code != http.StatusUnprocessableEntity || strings.Contains(r.body, nik) {
			t.Errorf("reveal with a too short reason: %d", r.code)
		}
		if r := staff.post(b.path+"/reveal", url.Values{"reason": {"cek berkas bantuan modal"}}); !strings.Contains(r.body, nik) {
			t.Fatal("reveal with a reason does not show the NIK")
		}
		es := entries("staff:rina", store.AuditDataView)
		last := es[len(es)-1]
		if last.EntityID != itoa(b.id) || !strings.Contains(last.Details, "cek berkas bantuan modal") || !strings.Contains(last.Details, `"full"`) {
			t.Errorf("full view audit: %+v", last)
		}
		// Exports: every one is audited, the full one with its reason.
		if n := len(entries("staff:rina", web.AuditExport)); n != 2 {
			t.Errorf("%d masked exports audited, want 2", n)
		}
		if r := admin.post("/dashboard/businesses/export", url.Values{"reason": {"laporan triwulan"}, "format": {"csv"}}); !strings.Contains(r.body, nik) {
			t.Fatal("the full export has no NIK")
		}
		if es := entries("staff:admin", web.AuditExport); len(es) != 1 || !strings.Contains(es[0].Details, "laporan triwulan") || !strings.Contains(es[0].Details, `"full":true`) {
			t.Errorf("full export audit: %+v", es)
		}
	})
}

// Staff add a business themselves: the chat's rules, source "dashboard",
// a registration number, an audit entry; a viewer cannot.
func TestNewBusinessFromTheDashboard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		staff, viewer := h.signedIn("rina"), h.signedIn("tamu")
		form := url.Values{"name": {"Songket Pandai Sikek"}, "owner_name": {"Yenni Koto"}, "owner_phone": {"0812-7777-6666"},
			"region_code": {"13.01.07"}, "kbli_section": {"C"}, "workers": {"3"}, "capital": {"25 juta"}}
		if r := viewer.post("/dashboard/businesses/new", form); r.code != http.StatusForbidden {
			t.Errorf("viewer adds a business: %d", r.code)
		}
		if r := staff.post("/dashboard/businesses/new", with(form, "owner_phone", "12")); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, `aria-invalid="true"`) {
			t.Errorf("a bad phone: %d", r.code)
		}
		r := staff.post("/dashboard/businesses/new", form)
		if r.code != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/dashboard/businesses/") {
			t.Fatalf("add: %d %s", r.code, r.body)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(strings.Split(r.loc, "?")[0], "/dashboard/businesses/"), 10, 64)
		b, err := store.NewBusinessRepo(db).GetBusiness(context.Background(), id)
		if err != nil || b.Source != umkm.SourceDashboard || b.RegNo == "" || b.OwnerPhone != "+6281277776666" || b.Capital == nil || *b.Capital != 25_000_000 || b.SizeClass == "" {
			t.Fatalf("the new business: %+v %v", b, err)
		}
		if page := staff.get(r.loc); !strings.Contains(page.body, "Dasbor petugas") || !strings.Contains(page.body, "Didaftarkan") || !strings.Contains(page.body, "rina (petugas)") {
			t.Errorf("the new business's page: %s", page.body)
		}
		if r := staff.get("/dashboard/businesses?source=dashboard"); !strings.Contains(r.body, "1 usaha ditemukan") || !strings.Contains(r.body, "Songket Pandai Sikek") {
			t.Errorf("source filter: %s", r.body)
		}
		if r := staff.post("/dashboard/businesses/new", with(form, "name", "Songket Lain")); r.code != http.StatusConflict || !strings.Contains(r.body, b.RegNo) {
			t.Errorf("the same phone again: %d", r.code)
		}
	})
}
