package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Options are what the dashboard needs from the application.
type Options struct {
	// The stores, one narrow interface per page or concern (stores.go).
	Staff      StaffStore
	Audit      AuditLog
	Businesses BusinessStore
	Directory  DirectoryStore
	Stats      StatsStore
	Contacts   ContactStore
	Events     EventStore
	Outcomes   OutcomeStore

	Data           *umkm.Data
	Redis          redis.UniversalClient
	KeyPrefix      string // Redis key prefix of the dashboard's keys (sessions, limits)
	TrustedProxies []netip.Prefix
	Idle, Max      time.Duration // sign-in idle and absolute timeouts
	Log            *slog.Logger
	Now            func() time.Time // nil: time.Now
	Imports        Importer         // the import page's register (store.BusinessRepo)
	// EventDesk serves the event pages (nil: the desk on Events when it
	// is a *store.EventRepo, with the default paces, every channel on).
	EventDesk EventDesk
	// Reach are the reach pages' dependencies (reach.go); nil: no reach
	// page, no funnel on the home page.
	Reach    *ReachDeps
	Match    Matchmaking   // the temu bisnis pages (match.go); nil: not offered
	Door     DoorStore     // check-in at the door (checkin.go); nil: the pages answer not found
	Channels ChannelSource // the channels page (channels.go); nil: the page says none is wired
	Flows    FlowSource    // the flows page (flows.go); nil: the page says none is wired
}

// Sign-in limits: per account (an attacker trying passwords on one name)
// and per address (one trying names). A right password resets the
// account's count; the address's count runs on.
var (
	accountLimit = redis_rate.Limit{Rate: 5, Burst: 5, Period: 15 * time.Minute}
	addressLimit = redis_rate.Limit{Rate: 30, Burst: 30, Period: 15 * time.Minute}
)

// Server serves the dashboard.
type Server struct {
	opt      Options
	sess     *sessions
	limiter  *redis_rate.Limiter
	pages    map[string]*template.Template
	counts   officeCounts
	handler  http.Handler
	location *time.Location
	ev       *eventPages
	waLink   sync.Mutex // one WhatsApp pairing at a time (channels.go)
}

// New checks opt and parses the templates.
func New(opt Options) (*Server, error) {
	if opt.Staff == nil || opt.Audit == nil || opt.Businesses == nil || opt.Directory == nil || opt.Stats == nil ||
		opt.Contacts == nil || opt.Events == nil || opt.Redis == nil || opt.Data == nil {
		return nil, errors.New("web: every store, Redis and Data are required")
	}
	if opt.Idle <= 0 || opt.Max < opt.Idle {
		return nil, fmt.Errorf("web: bad session timeouts idle %v, max %v", opt.Idle, opt.Max)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.EventDesk == nil {
		d, err := defaultEventDesk(opt)
		if err != nil {
			return nil, err
		}
		opt.EventDesk = d
	}
	counts, err := loadOfficeCounts()
	if err != nil {
		return nil, err
	}
	wib := time.FixedZone("WIB", 7*3600)
	s := &Server{
		opt:     opt,
		sess:    &sessions{rdb: opt.Redis, prefix: opt.KeyPrefix, idle: opt.Idle, max: opt.Max},
		limiter: redis_rate.NewLimiter(opt.Redis), counts: counts, location: wib, ev: newEventPages(),
	}
	if err := s.parse(); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

// Mount registers the dashboard's paths on mux: /login, /logout, /admin
// (a redirect) and everything under /dashboard/.
func (s *Server) Mount(mux *http.ServeMux) {
	for _, p := range []string{"/login", "/logout", "/admin", "/dashboard", "/dashboard/"} {
		mux.Handle(p, s.handler)
	}
}

// ServeHTTP serves the dashboard's paths (for tests and other muxes).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	assets, _ := fs.Sub(assetFS, "assets")
	mux.Handle("GET /dashboard/assets/", http.StripPrefix("/dashboard/assets/", http.FileServerFS(assets)))
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	redirect := func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/dashboard/", http.StatusSeeOther) }
	mux.HandleFunc("GET /admin", redirect)
	mux.HandleFunc("GET /dashboard", redirect)

	mux.Handle("GET /dashboard/{$}", s.need(store.RoleViewer, s.home))
	mux.Handle("GET /dashboard/charts/{name}", s.need(store.RoleViewer, s.chartCSV))
	mux.Handle("GET /dashboard/businesses", s.need(store.RoleViewer, s.directory))
	mux.Handle("GET /dashboard/businesses/export", s.need(store.RoleStaff, s.exportMasked))
	mux.Handle("POST /dashboard/businesses/export", s.need(store.RoleAdmin, s.exportFull))
	mux.Handle("GET /dashboard/businesses/new", s.need(store.RoleStaff, s.newPage))
	mux.Handle("POST /dashboard/businesses/new", s.need(store.RoleStaff, s.create))
	mux.Handle("GET /dashboard/businesses/{id}", s.need(store.RoleViewer, s.business))
	mux.Handle("POST /dashboard/businesses/{id}/reveal", s.need(store.RoleStaff, s.reveal))
	mux.Handle("GET /dashboard/businesses/{id}/edit", s.need(store.RoleStaff, s.editPage))
	mux.Handle("POST /dashboard/businesses/{id}/edit", s.need(store.RoleStaff, s.edit))
	mux.Handle("GET /dashboard/users", s.need(store.RoleAdmin, s.users))
	mux.Handle("POST /dashboard/users", s.need(store.RoleAdmin, s.addUser))
	mux.Handle("POST /dashboard/users/{name}/{op}", s.need(store.RoleAdmin, s.userAction))
	mux.Handle("GET /dashboard/reach", s.need(store.RoleStaff, s.reachPage))
	mux.Handle("GET /dashboard/reach/letters", s.need(store.RoleStaff, s.reachLetters))
	mux.Handle("GET /dashboard/reach/posters", s.need(store.RoleStaff, s.reachPosters))
	mux.Handle("GET /dashboard/reach/funnel.csv", s.need(store.RoleViewer, s.reachFunnelCSV))
	mux.Handle("POST /dashboard/reach/campaign/{op}", s.need(store.RoleStaff, s.reachCampaign))
	mux.Handle("GET /dashboard/outcomes", s.need(store.RoleViewer, s.outcomes))
	mux.Handle("POST /dashboard/outcomes/followups", s.need(store.RoleStaff, s.setFollowups))
	mux.Handle("GET /dashboard/outcomes/print", s.need(store.RoleViewer, s.outcomesPrint))
	mux.Handle("GET /dashboard/outcomes/{name}", s.need(store.RoleViewer, s.outcomesCSV))
	mux.Handle("GET /dashboard/network", s.need(store.RoleViewer, s.network))
	mux.Handle("GET /dashboard/network.svg", s.need(store.RoleViewer, s.networkFile))
	mux.Handle("GET /dashboard/me", s.need(store.RoleViewer, s.me))
	mux.Handle("POST /dashboard/me/link", s.need(store.RoleStaff, s.linkMine))
	s.eventRoutes(mux)
	mux.Handle("GET /dashboard/imports", s.need(store.RoleStaff, s.imports))
	mux.Handle("POST /dashboard/imports", s.need(store.RoleStaff, s.upload))
	mux.Handle("GET /dashboard/imports/upload/{token}/rejected", s.need(store.RoleStaff, s.rejected))
	mux.Handle("POST /dashboard/imports/upload/{token}/commit", s.need(store.RoleStaff, s.commit))
	mux.Handle("GET /dashboard/imports/{id}/undo", s.need(store.RoleStaff, s.undoPage))
	mux.Handle("POST /dashboard/imports/{id}/undo", s.need(store.RoleStaff, s.undo))
	s.routesMatch(mux)
	mux.Handle("GET /dashboard/checkin", s.need(store.RoleViewer, s.checkinList))
	mux.Handle("GET /dashboard/checkin/{id}", s.need(store.RoleStaff, s.checkinPage))
	mux.Handle("POST /dashboard/checkin/{id}/scan", s.need(store.RoleStaff, s.checkinScan))
	mux.Handle("GET /dashboard/checkin/{id}/find", s.need(store.RoleStaff, s.checkinFind))
	mux.Handle("GET /dashboard/checkin/{id}/attendance", s.need(store.RoleViewer, s.checkinAttendance))
	s.channelRoutes(mux)
	s.flowRoutes(mux)
	mux.Handle("/dashboard/", s.need(store.RoleViewer, func(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
	}))

	// Every POST, PUT, PATCH or DELETE must come from our own pages:
	// http.CrossOriginProtection refuses one that the browser marks as
	// cross-site (Sec-Fetch-Site) or whose Origin is not this host.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.opt.Log.Warn("dashboard: cross-origin request refused", "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		http.Error(w, "Permintaan dari situs lain ditolak. / Cross-origin request refused.", http.StatusForbidden)
	}))
	return securityHeaders(cop.Handler(mux))
}

// securityHeaders: no framing, no sniffing, no script or style from
// anywhere but the binary, no caching of pages with personal data.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/dashboard/assets/") {
			hd.Set("Cache-Control", "no-store")
		}
		h.ServeHTTP(w, r)
	})
}

// roleRank orders the roles: each may do what the ones below may.
func roleRank(role string) int {
	switch role {
	case store.RoleAdmin:
		return 3
	case store.RoleStaff:
		return 2
	case store.RoleViewer:
		return 1
	}
	return 0
}

type userHandler func(w http.ResponseWriter, r *http.Request, u store.StaffUser)

// need serves h to a signed-in, enabled user of at least role; anyone else
// goes to /login (GET) or is refused (403).
func (s *Server) need(role string, h userHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.currentUser(r)
		if err != nil {
			if !errors.Is(err, errNoSession) {
				s.opt.Log.Error("dashboard: session", "err", err)
				http.Error(w, t(langOf(w, r), "err.server"), http.StatusInternalServerError)
				return
			}
			clearSessionCookie(w, r)
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, t(langOf(w, r), "login.expired"), http.StatusUnauthorized)
			return
		}
		if roleRank(u.Role) < roleRank(role) {
			s.fail(w, r, u, http.StatusForbidden, "err.forbidden")
			return
		}
		h(w, r, u)
	})
}

func (s *Server) currentUser(r *http.Request) (store.StaffUser, error) {
	id := sessionID(r)
	if id == "" {
		return store.StaffUser{}, errNoSession
	}
	si, err := s.sess.get(r.Context(), id, s.opt.Now())
	if err != nil {
		return store.StaffUser{}, err
	}
	u, err := s.opt.Staff.StaffByUsername(r.Context(), si.Username)
	if errors.Is(err, store.ErrStaffNotFound) || err == nil && (u.Disabled || roleRank(u.Role) == 0) {
		_ = s.sess.drop(r.Context(), id)
		return store.StaffUser{}, errNoSession
	}
	return u, err
}

// audit writes an audit entry; a failure is logged and reported, and the
// caller refuses to show what it could not record.
func (s *Server) audit(ctx context.Context, u store.StaffUser, action, entity, id string, details any) error {
	if err := s.opt.Audit.AddAudit(ctx, s.opt.Now(), store.ActorStaff(u.Username), action, entity, id, details); err != nil {
		s.opt.Log.Error("dashboard: audit", "action", action, "err", err)
		return err
	}
	return nil
}

// page is what every template gets.
type page struct {
	Lang  string
	User  *store.StaffUser
	Title string
	Path  string
	Query url.Values // the request's query without lang, for the language switch
	Flash string
	Error string
	Data  any
	s     *Server
}

// T is the text of key in the page's language.
func (p page) T(key string) string { return t(p.Lang, key) }

// Tf is T with fmt.Sprintf's arguments.
func (p page) Tf(key string, args ...any) string { return fmt.Sprintf(t(p.Lang, key), args...) }

// IsAdmin and CanEdit say what the signed-in user may do, for the
// templates (the handlers check again).
func (p page) IsAdmin() bool { return p.User != nil && p.User.Role == store.RoleAdmin }

// CanEdit reports whether the user is staff or admin.
func (p page) CanEdit() bool {
	return p.User != nil && roleRank(p.User.Role) >= roleRank(store.RoleStaff)
}

// OtherLang is the language the switch offers.
func (p page) OtherLang() string {
	if p.Lang == langEN {
		return langID
	}
	return langEN
}

// LangURL is the current page in the other language, its filters kept.
func (p page) LangURL() string {
	q := url.Values{}
	for k, v := range p.Query {
		if k != "lang" && k != "ok" {
			q[k] = v
		}
	}
	q.Set("lang", p.OtherLang())
	u := url.URL{Path: p.Path, RawQuery: q.Encode()}
	return u.String()
}

var funcs = template.FuncMap{
	"pct": func(n, of int) string {
		if of == 0 {
			return "0%"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
	},
	"add":  func(a, b int) int { return a + b },
	"maxi": func(a, b int) int { return max(a, b) },
	"list": func(xs ...string) []string { return xs },
	"mul":  func(a, b int) int { return a * b },
	"barw": func(n, maxN, width int) int {
		if maxN <= 0 || n <= 0 {
			return 0
		}
		return max(1, int(math.Round(float64(n)*float64(width)/float64(maxN))))
	},
}

func (s *Server) parse() error {
	s.pages = map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return fmt.Errorf("web templates: %w", err)
	}
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		tpl, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return fmt.Errorf("web template %s: %w", base, err)
		}
		s.pages[strings.TrimSuffix(base, ".html")] = tpl
	}
	return nil
}

// render writes a page with the layout.
func (s *Server) render(w http.ResponseWriter, r *http.Request, u *store.StaffUser, code int, name, title string, p page) {
	p.Lang, p.User, p.Path, p.s = langOf(w, r), u, r.URL.Path, s
	if r.Method == http.MethodGet {
		p.Query = r.URL.Query()
	}
	p.Title = t(p.Lang, title)
	if p.Flash == "" {
		p.Flash = t(p.Lang, r.URL.Query().Get("ok"))
	}
	tpl, ok := s.pages[name]
	if !ok {
		http.Error(w, "no template "+name, http.StatusInternalServerError)
		return
	}
	var b strings.Builder
	if err := tpl.ExecuteTemplate(&b, "layout", p); err != nil {
		s.opt.Log.Error("dashboard: render", "page", name, "err", err)
		http.Error(w, t(p.Lang, "err.server"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(b.String()))
}

// fail shows an error page with the text of key.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, u store.StaffUser, code int, key string) {
	s.render(w, r, &u, code, "error", "app", page{Error: t(langOf(w, r), key)})
}

// serverError logs err and shows the server error page.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, u store.StaffUser, err error) {
	s.opt.Log.Error("dashboard", "path", r.URL.Path, "err", err)
	s.fail(w, r, u, http.StatusInternalServerError, "err.server")
}
