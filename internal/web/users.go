package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"jejaring/internal/store"
)

type usersData struct {
	Users    []store.StaffUser
	Roles    []option
	Code     string
	Username string
}

func (s *Server) roles(lang string) []option {
	return []option{{store.RoleViewer, t(lang, "role.viewer")}, {store.RoleStaff, t(lang, "role.staff")}, {store.RoleAdmin, t(lang, "role.admin")}}
}

func (s *Server) users(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	s.renderUsers(w, r, u, http.StatusOK, "", "")
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, u store.StaffUser, code int, flash, errText string) {
	us, err := s.opt.Staff.ListStaff(r.Context())
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	s.render(w, r, &u, code, "users", "users.title", page{Data: usersData{Users: us, Roles: s.roles(langOf(w, r))}, Flash: flash, Error: errText})
}

// storeErr turns the store's staff errors into the page's words.
func storeErr(lang string, err error) string {
	en := lang == langEN
	switch {
	case errors.Is(err, store.ErrStaffExists):
		return pick(en, "Nama pengguna itu sudah dipakai.", "That username is taken.")
	case errors.Is(err, store.ErrBadUsername):
		return pick(en, "Nama pengguna 1 sampai 64 huruf, angka, titik, tanda hubung atau garis bawah.", "A username is 1 to 64 letters, digits, dots, dashes or underscores.")
	case errors.Is(err, store.ErrWeakPassword):
		return pick(en, "Kata sandi 8 sampai 72 karakter.", "A password is 8 to 72 characters.")
	case errors.Is(err, store.ErrBadRole):
		return pick(en, "Peran tidak dikenal.", "Unknown role.")
	case errors.Is(err, store.ErrStaffDisabled):
		return pick(en, "Pengguna ini nonaktif.", "This user is disabled.")
	case errors.Is(err, store.ErrStaffNotFound):
		return pick(en, "Pengguna tidak ditemukan.", "No such user.")
	}
	return ""
}

func pick(en bool, id, eng string) string {
	if en {
		return eng
	}
	return id
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	name := r.PostFormValue("username")
	_, err := s.opt.Staff.AddStaffRole(r.Context(), name, r.PostFormValue("password"), r.PostFormValue("role"), store.ActorStaff(u.Username), s.opt.Now())
	if msg := storeErr(lang, err); msg != "" {
		s.renderUsers(w, r, u, http.StatusUnprocessableEntity, "", msg)
		return
	}
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	s.renderUsers(w, r, u, http.StatusOK, page{Lang: lang}.Tf("users.created", strings.ToLower(strings.TrimSpace(name))), "")
}

// userAction is one admin action on a user: role, disable, enable,
// password, link (a phone link code made for them).
func (s *Server) userAction(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ctx := r.Context()
	lang := langOf(w, r)
	name, op := r.PathValue("name"), r.PathValue("op")
	actor, now := store.ActorStaff(u.Username), s.opt.Now()
	self := strings.EqualFold(name, u.Username)
	var err error
	switch op {
	case "role":
		role := r.PostFormValue("role")
		if self && role != store.RoleAdmin {
			s.renderUsers(w, r, u, http.StatusUnprocessableEntity, "", t(lang, "users.self"))
			return
		}
		err = s.opt.Staff.SetStaffRole(ctx, name, role, actor, now)
	case "disable", "enable":
		if self {
			s.renderUsers(w, r, u, http.StatusUnprocessableEntity, "", t(lang, "users.self"))
			return
		}
		err = s.opt.Staff.SetStaffDisabled(ctx, name, op == "disable", actor, now)
	case "password":
		err = s.opt.Staff.SetStaffPassword(ctx, name, r.PostFormValue("password"), actor, now)
	case "link":
		var target store.StaffUser
		if target, err = s.opt.Staff.StaffByUsername(ctx, name); err == nil && target.Role == store.RoleViewer {
			s.renderUsers(w, r, u, http.StatusUnprocessableEntity, "", t(lang, "me.viewer"))
			return
		}
		if err == nil {
			var code, until string
			if code, until, err = s.linkCode(r, target.Username, actor); err == nil {
				s.renderUsers(w, r, u, http.StatusOK, page{Lang: lang}.Tf("me.code", target.Username, code, until), "")
				return
			}
		}
	default:
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	if msg := storeErr(lang, err); msg != "" {
		s.renderUsers(w, r, u, http.StatusUnprocessableEntity, "", msg)
		return
	}
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/dashboard/users?ok=users.done", http.StatusSeeOther)
}

// linkCode makes a one-time code with the store's staff link logic (the
// same as `jejaring user link` and the chat's KODEPETUGAS).
func (s *Server) linkCode(r *http.Request, username, actor string) (code, until string, err error) {
	c, exp, err := s.opt.Staff.NewLinkCode(r.Context(), username, actor, s.opt.Now())
	if err != nil {
		return "", "", fmt.Errorf("link code for %s: %w", username, err)
	}
	return c, exp.In(s.location).Format("15:04"), nil
}

type meData struct {
	Linked []store.StaffContact
	Code   string
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	s.renderMe(w, r, u, "")
}

func (s *Server) renderMe(w http.ResponseWriter, r *http.Request, u store.StaffUser, flash string) {
	all, err := s.opt.Staff.ListStaffContacts(r.Context())
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	var mine []store.StaffContact
	for _, c := range all {
		if c.Username == u.Username {
			mine = append(mine, c)
		}
	}
	s.render(w, r, &u, http.StatusOK, "me", "me.title", page{Data: meData{Linked: mine}, Flash: flash})
}

// linkMine makes a link code for the signed-in staff member's own phone.
func (s *Server) linkMine(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	code, until, err := s.linkCode(r, u.Username, store.ActorStaff(u.Username))
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	s.renderMe(w, r, u, page{Lang: langOf(w, r)}.Tf("me.code", u.Username, code, until))
}
