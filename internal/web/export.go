package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"jejaring/internal/store"
	"jejaring/internal/umkm/sheet"
)

// AuditExport is the audit action of a directory export.
const AuditExport = "data.export"

func (s *Server) exportMasked(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	s.export(w, r, u, r.URL.Query(), false, "")
}

// exportFull is the admin's export with NIK and phone in full, after a
// reason.
func (s *Server) exportFull(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if utf8.RuneCountInString(reason) < 5 {
		q := readDirForm(r.PostForm).query()
		q.Set("reason", "missing")
		http.Redirect(w, r, "/dashboard/businesses?"+q.Encode()+"#export", http.StatusSeeOther)
		return
	}
	s.export(w, r, u, r.PostForm, true, reason)
}

func (s *Server) export(w http.ResponseWriter, r *http.Request, u store.StaffUser, v url.Values, full bool, reason string) {
	f := readDirForm(v)
	f.Page = 1
	q := s.search(f, 0)
	q.Export = true
	res, err := s.opt.Directory.SearchBusinesses(r.Context(), q)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	all := res.Businesses
	format := "csv"
	if v.Get("format") == "xlsx" {
		format = "xlsx"
	}
	details := map[string]any{"filter": f.query().Encode(), "count": len(all), "format": format, "full": full}
	if full {
		details["reason"] = reason
	}
	if err := s.audit(r.Context(), u, AuditExport, "business", "", details); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	ctype := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="jejaring-umkm.`+format+`"`)
	// The same file as `jejaring export businesses`: the spreadsheet
	// package's columns (they read back with its importer), text cells
	// neutralised against formulas, NIK and phone masked unless full.
	table := sheet.BusinessTable(all, s.opt.Data, full, full)
	if format == "xlsx" {
		err = sheet.WriteXLSX(w, table)
	} else {
		err = sheet.WriteCSV(w, table)
	}
	if err != nil {
		s.opt.Log.Error("dashboard: export", "err", err)
	}
}
