package web

import (
	"errors"
	"math"
	"net/http"
	"strings"

	"github.com/go-redis/redis_rate/v10"

	"jejaring/internal/store"
)

// Audit actions of the dashboard's sign-in.
const (
	AuditLogin       = "staff.login"
	AuditLoginFailed = "staff.login_failed"
	AuditLoginLocked = "staff.login_locked"
	AuditLogout      = "staff.logout"
)

type loginData struct {
	Username string
	Next     string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, err := s.currentUser(r); err == nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	p := page{Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}}
	if r.URL.Query().Get("bye") != "" {
		p.Flash = t(langOf(w, r), "login.bye")
	}
	s.render(w, r, nil, http.StatusOK, "login", "login.title", p)
}

// safeNext keeps a redirect after sign-in on the dashboard.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/dashboard/") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return "/dashboard/"
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := langOf(w, r)
	username := strings.ToLower(strings.TrimSpace(r.PostFormValue("username")))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	if len(username) > 64 {
		username = username[:64]
	}
	ip := clientIP(r, s.opt.TrustedProxies)
	again := func(code int, msg string) {
		s.render(w, r, nil, code, "login", "login.title", page{Error: msg, Data: loginData{Username: username, Next: next}})
	}
	actor := store.StaffUser{Username: username}
	for _, lim := range []struct {
		key string
		l   redis_rate.Limit
	}{{s.opt.KeyPrefix + "login:ip:" + ip, addressLimit}, {s.opt.KeyPrefix + "login:user:" + username, accountLimit}} {
		res, err := s.limiter.Allow(ctx, lim.key, lim.l)
		if err != nil {
			s.opt.Log.Error("dashboard: sign-in limit", "err", err)
			again(http.StatusInternalServerError, t(lang, "err.server"))
			return
		}
		if res.Allowed == 0 {
			_ = s.audit(ctx, actor, AuditLoginLocked, "staff_user", username, map[string]string{"ip": ip})
			minutes := int(math.Ceil(res.RetryAfter.Minutes()))
			again(http.StatusTooManyRequests, page{Lang: lang}.Tf("login.locked", max(minutes, 1)))
			return
		}
	}
	u, err := s.opt.Staff.CheckStaffPassword(ctx, username, password)
	if errors.Is(err, store.ErrBadLogin) {
		_ = s.audit(ctx, actor, AuditLoginFailed, "staff_user", username, map[string]string{"ip": ip})
		again(http.StatusUnauthorized, t(lang, "login.bad"))
		return
	}
	if err != nil {
		s.opt.Log.Error("dashboard: sign-in", "err", err)
		again(http.StatusInternalServerError, t(lang, "err.server"))
		return
	}
	if roleRank(u.Role) == 0 {
		again(http.StatusUnauthorized, t(lang, "login.bad"))
		return
	}
	_ = s.limiter.Reset(ctx, s.opt.KeyPrefix+"login:user:"+username)
	id, err := s.sess.create(ctx, u.Username, s.opt.Now())
	if err != nil {
		s.opt.Log.Error("dashboard: sign-in", "err", err)
		again(http.StatusInternalServerError, t(lang, "err.server"))
		return
	}
	if err := s.audit(ctx, u, AuditLogin, "staff_user", u.Username, map[string]string{"ip": ip}); err != nil {
		_ = s.sess.drop(ctx, id)
		again(http.StatusInternalServerError, t(lang, "err.server"))
		return
	}
	setSessionCookie(w, r, id)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if u, err := s.currentUser(r); err == nil {
		_ = s.audit(ctx, u, AuditLogout, "staff_user", u.Username, nil)
	}
	if id := sessionID(r); id != "" {
		if err := s.sess.drop(ctx, id); err != nil {
			s.opt.Log.Error("dashboard: sign-out", "err", err)
		}
	}
	clearSessionCookie(w, r)
	http.Redirect(w, r, "/login?bye=1", http.StatusSeeOther)
}
