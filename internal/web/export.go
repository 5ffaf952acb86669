package web

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

// AuditExport is the audit action of a directory export.
const AuditExport = "data.export"

// neutralise makes a cell that a spreadsheet would run as a formula
// (starting with = + - @, a tab or a carriage return) plain text with a
// leading '. The same rule as `jejaring export businesses`; the two should
// become one function when the export moves into its own package.
func neutralise(s string) string {
	if s == "" {
		return s
	}
	switch r, _ := utf8.DecodeRuneInString(s); r {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

var exportCols = []string{"f.reg_no", "f.name", "f.owner_name", "f.owner_phone", "f.nik", "f.nib", "f.region_code", "f.village",
	"f.kbli_section", "f.size_class", "f.verified", "f.source", "f.created_at"}

func (s *Server) exportRecords(bs []umkm.Business, lang string, full bool) [][]string {
	head := make([]string, len(exportCols))
	for i, c := range exportCols {
		head[i] = t(lang, c)
	}
	out := [][]string{head}
	for _, b := range bs {
		phone, nik := idn.MaskPhone(b.OwnerPhone), idn.MaskNIK(b.NIK)
		if full {
			phone, nik = b.OwnerPhone, b.NIK
		}
		verified := t(lang, "dir.no")
		if b.Verified {
			verified = t(lang, "dir.yes")
		}
		out = append(out, []string{b.RegNo, b.Name, b.OwnerName, phone, nik, b.NIB, s.kecamatanName(b.RegionCode, lang), b.Village,
			s.sectorName(b.KBLISection, lang), sizeLabel(lang, string(b.SizeClass)), verified, b.Source,
			b.CreatedAt.In(s.location).Format("2006-01-02")})
	}
	return out
}

// writeExport writes records as CSV (cells neutralised) or XLSX (text
// cells, which a spreadsheet never evaluates; neutralised as well, so a
// copy into CSV stays safe).
func writeExport(w io.Writer, format string, recs [][]string) error {
	if format == "xlsx" {
		f := excelize.NewFile()
		defer f.Close()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			return fmt.Errorf("xlsx export: %w", err)
		}
		for i, rec := range recs {
			cells := make([]any, len(rec))
			for j, c := range rec {
				cells[j] = excelize.Cell{Value: neutralise(c)}
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := sw.SetRow(cell, cells); err != nil {
				return fmt.Errorf("xlsx export: %w", err)
			}
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("xlsx export: %w", err)
		}
		return f.Write(w)
	}
	cw := csv.NewWriter(w)
	for _, rec := range recs {
		out := make([]string, len(rec))
		for j, c := range rec {
			out[j] = neutralise(c)
		}
		if err := cw.Write(out); err != nil {
			return fmt.Errorf("csv export: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

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
	lang := langOf(w, r)
	f := readDirForm(v)
	f.Page = 1
	q := s.search(f, 0)
	q.Export = true
	res, err := s.reads.SearchBusinesses(r.Context(), q)
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
	if err := writeExport(w, format, s.exportRecords(all, lang, full)); err != nil {
		s.opt.Log.Error("dashboard: export", "err", err)
	}
}
