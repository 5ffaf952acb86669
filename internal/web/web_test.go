package web_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/web"
)

// harness is a dashboard on a fresh database and Redis prefix, with a
// clock the test moves.
type harness struct {
	t   *testing.T
	db  *store.DB
	srv *httptest.Server
	mu  sync.Mutex
	now time.Time
	// seen are the requests that reached the server, with the answer.
	seen []seenRequest
}

type seenRequest struct {
	method, path, fetchSite string
	code                    int
}

type codeWriter struct {
	http.ResponseWriter
	code int
}

func (w *codeWriter) WriteHeader(code int) { w.code = code; w.ResponseWriter.WriteHeader(code) }

func (h *harness) requests(method, path string) []seenRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []seenRequest
	for _, r := range h.seen {
		if r.method == method && r.path == path {
			out = append(out, r)
		}
	}
	return out
}

// storeOptions fills opt's stores with the store's types on db, as
// internal/app wires them.
func storeOptions(db *store.DB, opt web.Options) web.Options {
	biz := store.NewBusinessRepo(db)
	opt.Staff, opt.Audit, opt.Contacts = db, db, db
	opt.Businesses, opt.Directory, opt.Stats, opt.Imports = biz, biz, biz, biz
	opt.Events = store.NewEventRepo(db)
	opt.Outcomes = store.NewEventRepo(db)
	opt.Door = store.NewEventRepo(db) // check-in (checkin.go)
	return opt
}

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, db *store.DB) *harness {
	t.Helper()
	rdb, prefix := sessiontest.Real(t)
	data, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, db: db, now: t0}
	s, err := web.New(storeOptions(db, web.Options{Data: data, Redis: rdb, KeyPrefix: prefix, Idle: 30 * time.Minute, Max: 12 * time.Hour,
		Now: func() time.Time { h.mu.Lock(); defer h.mu.Unlock(); return h.now }}))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s.Mount(mux)
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &codeWriter{ResponseWriter: w, code: http.StatusOK}
		mux.ServeHTTP(cw, r)
		h.mu.Lock()
		h.seen = append(h.seen, seenRequest{r.Method, r.URL.Path, r.Header.Get("Sec-Fetch-Site"), cw.code})
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	ctx := context.Background()
	for _, u := range []struct{ name, role string }{{"admin", store.RoleAdmin}, {"rina", store.RoleStaff}, {"tamu", store.RoleViewer}} {
		if _, err := db.AddStaffRole(ctx, u.name, "sandi-"+u.name+"-123", u.role, "test", t0); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func (h *harness) advance(d time.Duration) { h.mu.Lock(); h.now = h.now.Add(d); h.mu.Unlock() }

// client is a browser-like client: a cookie jar, no redirects followed.
type client struct {
	h  *harness
	hc *http.Client
}

func (h *harness) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{h: h, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	code int
	body string
	loc  string
	hdr  http.Header
}

func (c *client) do(method, path string, form url.Values, hdr map[string]string) resp {
	c.h.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.h.srv.URL+path, body)
	if err != nil {
		c.h.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// What a browser sends with a form of our own page.
		req.Header.Set("Origin", c.h.srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, string(b), res.Header.Get("Location"), res.Header}
}

func (c *client) get(path string) resp { return c.do("GET", path, nil, nil) }
func (c *client) post(path string, form url.Values) resp {
	return c.do("POST", path, form, nil)
}

func (c *client) login(user, pass string) resp {
	return c.post("/login", url.Values{"username": {user}, "password": {pass}})
}

func (h *harness) signedIn(user string) *client {
	h.t.Helper()
	c := h.client()
	if r := c.login(user, "sandi-"+user+"-123"); r.code != http.StatusSeeOther || r.loc != "/dashboard/" {
		h.t.Fatalf("sign in %s: %d %s", user, r.code, r.body)
	}
	return c
}

func (h *harness) actions(actor string) []string {
	h.t.Helper()
	es, err := h.db.AuditByActor(context.Background(), actor)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Action)
	}
	return out
}

func has(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestSignInOutAndLockOut(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		c := h.client()
		if r := c.get("/dashboard/"); r.code != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/login") {
			t.Fatalf("dashboard without sign-in: %d %q", r.code, r.loc)
		}
		if r := c.get("/admin"); r.code != http.StatusSeeOther || r.loc != "/dashboard/" {
			t.Errorf("/admin: %d %q", r.code, r.loc)
		}
		r := c.login("rina", "salah-sandi")
		if r.code != http.StatusUnauthorized || !strings.Contains(r.body, "belum cocok") {
			t.Fatalf("wrong password: %d %s", r.code, r.body)
		}
		r = c.login("rina", "sandi-rina-123")
		if r.code != http.StatusSeeOther {
			t.Fatalf("right password: %d %s", r.code, r.body)
		}
		var cookie *http.Cookie
		for _, ck := range (&http.Response{Header: r.hdr}).Cookies() {
			if ck.Name == "jejaring_staff" {
				cookie = ck
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || len(cookie.Value) != 32 {
			t.Errorf("session cookie = %+v", cookie)
		}
		if r := c.get("/dashboard/"); r.code != http.StatusOK || !strings.Contains(r.body, "UMKM terdaftar") {
			t.Fatalf("home: %d", r.code)
		}
		if r := c.get("/dashboard/?lang=en"); !strings.Contains(r.body, "Registered businesses") || !strings.Contains(r.body, `lang="en"`) {
			t.Errorf("English home: %s", r.body)
		}
		if r := c.post("/logout", url.Values{}); r.code != http.StatusSeeOther {
			t.Errorf("logout: %d", r.code)
		}
		if r := c.get("/dashboard/"); r.code != http.StatusSeeOther {
			t.Errorf("after logout: %d", r.code)
		}
		acts := h.actions("staff:rina")
		for _, a := range []string{web.AuditLoginFailed, web.AuditLogin, web.AuditLogout} {
			if !has(acts, a) {
				t.Errorf("audit of rina %v lacks %s", acts, a)
			}
		}

		// Five wrong passwords lock the account; the right one is then
		// refused too, kindly, in both languages. Another account from
		// the same address still signs in.
		for i := range 5 {
			if r := c.login("rina", "salah-sandi"); r.code != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d", i, r.code)
			}
		}
		c.get("/login?lang=id")
		r = c.login("rina", "sandi-rina-123")
		if r.code != http.StatusTooManyRequests || !strings.Contains(r.body, "terlalu banyak percobaan") || !strings.Contains(r.body, "menit") {
			t.Fatalf("locked: %d %s", r.code, r.body)
		}
		en := h.client()
		if r := en.do("POST", "/login?lang=en", url.Values{"username": {"rina"}, "password": {"x"}}, nil); !strings.Contains(r.body, "too many sign-in attempts") {
			t.Errorf("English lock-out: %s", r.body)
		}
		if !has(h.actions("staff:rina"), web.AuditLoginLocked) {
			t.Error("no staff.login_locked audit entry")
		}
		h.signedIn("admin")
	})
}

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		c := h.signedIn("rina")
		for range 3 {
			h.advance(3 * time.Hour) // busy all day: each request renews the idle time
			if r := c.get("/dashboard/"); r.code != http.StatusOK {
				t.Fatalf("within 12 h: %d %s %s", r.code, r.loc, r.body)
			}
		}
		h.advance(4 * time.Hour) // 13 h after signing in
		if r := c.get("/dashboard/"); r.code != http.StatusSeeOther {
			t.Errorf("after the absolute timeout: %d", r.code)
		}
		// A disabled user is out at the next click.
		c = h.signedIn("rina")
		if err := db.SetStaffDisabled(context.Background(), "rina", true, "test", t0); err != nil {
			t.Fatal(err)
		}
		if r := c.get("/dashboard/"); r.code != http.StatusSeeOther {
			t.Errorf("disabled user: %d", r.code)
		}
	})
}

func TestRolesOnTheServer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		b := h.business("Keripik Sanjai Amak", "1301014506900001")
		viewer, staff, admin := h.signedIn("tamu"), h.signedIn("rina"), h.signedIn("admin")
		edit := url.Values{"name": {"Diubah Tamu"}, "owner_name": {"Siti Aminah"}}
		for _, tt := range []struct {
			who      string
			c        *client
			method   string
			path     string
			form     url.Values
			wantCode int
		}{
			{"viewer reads the directory", viewer, "GET", "/dashboard/businesses", nil, 200},
			{"viewer opens the edit form", viewer, "GET", b.path + "/edit", nil, 403},
			{"viewer posts an edit", viewer, "POST", b.path + "/edit", edit, 403},
			{"viewer asks for the full NIK", viewer, "POST", b.path + "/reveal", url.Values{"reason": {"ingin tahu saja"}}, 403},
			{"viewer exports", viewer, "GET", "/dashboard/businesses/export", nil, 403},
			{"viewer makes a phone code", viewer, "POST", "/dashboard/me/link", url.Values{}, 403},
			{"staff opens users", staff, "GET", "/dashboard/users", nil, 403},
			{"staff adds a user", staff, "POST", "/dashboard/users", url.Values{"username": {"x"}, "password": {"kata-sandi-x"}, "role": {"admin"}}, 403},
			{"staff exports in full", staff, "POST", "/dashboard/businesses/export", url.Values{"reason": {"laporan bulanan"}}, 403},
			{"admin opens users", admin, "GET", "/dashboard/users", nil, 200},
		} {
			if r := tt.c.do(tt.method, tt.path, tt.form, nil); r.code != tt.wantCode {
				t.Errorf("%s: %d, want %d", tt.who, r.code, tt.wantCode)
			}
		}
		got, err := store.NewBusinessRepo(db).GetBusiness(context.Background(), b.id)
		if err != nil || got.Name != "Keripik Sanjai Amak" {
			t.Errorf("after the viewer's POST: %q, %v", got.Name, err)
		}
		if _, err := db.StaffByUsername(context.Background(), "x"); !errors.Is(err, store.ErrStaffNotFound) {
			t.Errorf("staff created a user: %v", err)
		}
	})
}

func TestCrossSitePostRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		admin := h.signedIn("admin")
		form := url.Values{"username": {"penyusup"}, "password": {"kata-sandi-penyusup"}, "role": {"admin"}}
		for _, hdr := range []map[string]string{
			{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
			{"Sec-Fetch-Site": "", "Origin": "https://evil.example"},
		} {
			if r := admin.do("POST", "/dashboard/users", form, hdr); r.code != http.StatusForbidden {
				t.Errorf("cross-site POST %v: %d", hdr, r.code)
			}
		}
		if _, err := db.StaffByUsername(context.Background(), "penyusup"); !errors.Is(err, store.ErrStaffNotFound) {
			t.Fatalf("a cross-site POST created a user: %v", err)
		}
		if r := admin.post("/dashboard/users", form); r.code != http.StatusOK || !strings.Contains(r.body, "penyusup dibuat") {
			t.Errorf("same-site POST: %d", r.code)
		}
	})
}

type testBiz struct {
	id   int64
	path string
	reg  string
}

func (h *harness) business(name, nik string) testBiz {
	h.t.Helper()
	b := umkm.Business{Name: name, OwnerName: "Siti Aminah", OwnerPhone: "+62812345678" + nik[len(nik)-2:], NIK: nik, RegionCode: "13.01.07",
		KBLISection: "C", SizeClass: umkm.Mikro, Source: umkm.SourceImport}
	if err := store.NewBusinessRepo(h.db).CreateBusiness(context.Background(), &b, "PSS", t0); err != nil {
		h.t.Fatal(err)
	}
	return testBiz{b.ID, "/dashboard/businesses/" + itoa(b.ID), b.RegNo}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestDirectoryBusinessEditExport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		b := h.business("Keripik Sanjai Amak", "1301014506900001")
		h.business("=HYPERLINK(\"http://x\")", "1301014506900002")
		staff := h.signedIn("rina")

		r := staff.get("/dashboard/businesses?q=" + url.QueryEscape("kripik sanjay"))
		if r.code != 200 || !strings.Contains(r.body, "Keripik Sanjai Amak") || !strings.Contains(r.body, "1 usaha ditemukan") {
			t.Fatalf("search by a typo: %d %s", r.code, r.body)
		}
		if strings.Contains(r.body, "+6281234567801") {
			t.Error("the list shows a phone in full")
		}
		// The kecamatan filter takes a name as typed, or the code.
		for _, k := range []string{"koto xi tarusan", "13.01.07"} {
			if r := staff.get("/dashboard/businesses?kecamatan=" + url.QueryEscape(k)); !strings.Contains(r.body, "2 usaha ditemukan") {
				t.Errorf("kecamatan %q: %s", k, r.body)
			}
		}
		if r := staff.get("/dashboard/businesses?kecamatan=Lunang"); !strings.Contains(r.body, "0 usaha ditemukan") {
			t.Errorf("another kecamatan finds businesses")
		}
		r = staff.get(b.path)
		if r.code != 200 || !strings.Contains(r.body, "1301********0001") || strings.Contains(r.body, "1301014506900001") {
			t.Fatalf("business page must mask the NIK: %d", r.code)
		}
		if r := staff.post(b.path+"/reveal", url.Values{"reason": {""}}); r.code != http.StatusUnprocessableEntity || strings.Contains(r.body, "1301014506900001") {
			t.Errorf("reveal without a reason: %d", r.code)
		}
		r = staff.post(b.path+"/reveal", url.Values{"reason": {"verifikasi bantuan modal"}})
		if r.code != 200 || !strings.Contains(r.body, "1301014506900001") {
			t.Fatalf("reveal with a reason: %d", r.code)
		}
		log, _ := db.AuditFor(context.Background(), "business", itoa(b.id))
		var reason bool
		for _, e := range log {
			if e.Action == store.AuditDataView && e.Actor == "staff:rina" && strings.Contains(e.Details, "verifikasi bantuan modal") && strings.Contains(e.Details, `"full"`) {
				reason = true
			}
		}
		if !reason {
			t.Errorf("no audited full view with its reason in %+v", log)
		}

		form := url.Values{"name": {"Keripik Sanjai Amak Jaya"}, "owner_name": {"Siti Aminah"}, "owner_phone": {"0812-3456-7801"},
			"region_code": {"13.01.07"}, "kbli_section": {"C"}, "capital": {"50 juta"}, "verified": {"on"}}
		if r := staff.post(b.path+"/edit", with(form, "owner_phone", "12")); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, `aria-invalid="true"`) {
			t.Errorf("a bad phone: %d", r.code)
		}
		if r := staff.post(b.path+"/edit", with(form, "region_code", "99.99.99")); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Kecamatan tidak ada") {
			t.Errorf("a kecamatan of another regency: %d", r.code)
		}
		if r := staff.post(b.path+"/edit", form); r.code != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.code, r.body)
		}
		got, _ := store.NewBusinessRepo(db).GetBusiness(context.Background(), b.id)
		if got.Name != "Keripik Sanjai Amak Jaya" || got.Capital == nil || *got.Capital != 50_000_000 || !got.Verified || got.OwnerPhone != "+6281234567801" {
			t.Errorf("after the edit: %+v", got)
		}
		r = staff.get(b.path + "?ok=biz.saved")
		if !strings.Contains(r.body, "Perubahan tersimpan") || !strings.Contains(r.body, "Diubah") || !strings.Contains(r.body, "Keripik Sanjai Amak Jaya") {
			t.Errorf("the edit is not in the history: %s", r.body)
		}

		r = staff.get("/dashboard/businesses/export")
		if r.code != 200 || !strings.Contains(r.body, "1301********0001") || strings.Contains(r.body, "1301014506900001") || strings.Contains(r.body, "+6281234567801") {
			t.Errorf("masked export: %d %s", r.code, r.body)
		}
		if !strings.Contains(r.body, `"'=HYPERLINK(""http://x"")"`) {
			t.Errorf("a formula cell is not neutralised: %s", r.body)
		}
		admin := h.signedIn("admin")
		if r := admin.post("/dashboard/businesses/export", url.Values{"reason": {""}}); r.code != http.StatusSeeOther || strings.Contains(r.body, "1301014506900001") {
			t.Errorf("full export without a reason: %d", r.code)
		}
		r = admin.post("/dashboard/businesses/export", url.Values{"reason": {"laporan ke kementerian"}, "q": {"sanjai"}})
		if r.code != 200 || !strings.Contains(r.body, "1301014506900001") || strings.Contains(r.body, "HYPERLINK") {
			t.Errorf("full export of the filtered set: %d %s", r.code, r.body)
		}
		acts, _ := db.AuditByActor(context.Background(), "staff:admin")
		var full bool
		for _, e := range acts {
			if e.Action == web.AuditExport && strings.Contains(e.Details, "laporan ke kementerian") && strings.Contains(e.Details, `"count":1`) {
				full = true
			}
		}
		if !full {
			t.Errorf("the full export is not audited: %+v", acts)
		}
		if r := staff.get("/dashboard/charts/size.csv"); r.code != 200 || !strings.Contains(r.body, "Mikro,2,3504") {
			t.Errorf("size chart CSV: %s", r.body)
		}
	})
}

func with(v url.Values, k, val string) url.Values {
	out := url.Values{}
	for kk, vv := range v {
		out[kk] = vv
	}
	out.Set(k, val)
	return out
}

func TestUsersPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		admin := h.signedIn("admin")
		ctx := context.Background()
		if r := admin.post("/dashboard/users", url.Values{"username": {"Budi"}, "password": {"pendek"}, "role": {"staff"}}); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "8 sampai 72") {
			t.Errorf("a short password: %d", r.code)
		}
		if r := admin.post("/dashboard/users", url.Values{"username": {"Budi"}, "password": {"kata-sandi-budi"}, "role": {"viewer"}}); r.code != 200 {
			t.Fatalf("add: %d", r.code)
		}
		if r := admin.post("/dashboard/users/budi/role", url.Values{"role": {"staff"}}); r.code != http.StatusSeeOther {
			t.Errorf("role: %d", r.code)
		}
		if r := admin.post("/dashboard/users/budi/password", url.Values{"password": {"sandi-baru-budi"}}); r.code != http.StatusSeeOther {
			t.Errorf("password: %d", r.code)
		}
		if _, err := db.CheckStaffPassword(ctx, "budi", "sandi-baru-budi"); err != nil {
			t.Errorf("new password: %v", err)
		}
		r := admin.post("/dashboard/users/budi/link", url.Values{})
		if r.code != 200 || !strings.Contains(r.body, "KODEPETUGAS") {
			t.Fatalf("link code: %d %s", r.code, r.body)
		}
		// The code shown is the store's: a Telegram contact that sends it
		// becomes staff linked to budi.
		i := strings.Index(r.body, "Kode untuk budi: ")
		code := r.body[i+len("Kode untuk budi: ") : i+len("Kode untuk budi: ")+11]
		c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "777", DisplayName: "Budi", At: t0})
		if err != nil {
			t.Fatal(err)
		}
		if sc, err := db.LinkStaff(ctx, c.ID, code, t0.Add(time.Minute)); err != nil || sc.Username != "budi" {
			t.Fatalf("LinkStaff(%q) = %+v, %v", code, sc, err)
		}
		if r := admin.post("/dashboard/users/budi/disable", url.Values{}); r.code != http.StatusSeeOther {
			t.Errorf("disable: %d", r.code)
		}
		if _, err := db.StaffOf(ctx, c.ID); !errors.Is(err, store.ErrStaffNotFound) {
			t.Errorf("a disabled user's chat keeps staff rights: %v", err)
		}
		if r := admin.post("/dashboard/users/admin/disable", url.Values{}); r.code != http.StatusUnprocessableEntity {
			t.Errorf("admin disabling themself: %d", r.code)
		}
		if r := admin.post("/dashboard/users/admin/role", url.Values{"role": {"viewer"}}); r.code != http.StatusUnprocessableEntity {
			t.Errorf("admin demoting themself: %d", r.code)
		}
		staff := h.signedIn("rina")
		if r := staff.post("/dashboard/me/link", url.Values{}); r.code != 200 || !strings.Contains(r.body, "Kode untuk rina") {
			t.Errorf("link my phone: %d", r.code)
		}
	})
}
