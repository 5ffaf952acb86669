package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

// dirForm is the directory's search form as typed, kept to fill the form
// again and to build the paging and export links.
type dirForm struct {
	Q, Kecamatan, Size, Sector, Verified, Source, Since, Sort string
	Partners                                                  string // "yes", "no" or "" (consent to be shown to partners)
	Page                                                      int
}

func readDirForm(v url.Values) dirForm {
	f := dirForm{Q: strings.TrimSpace(v.Get("q")), Kecamatan: v.Get("kecamatan"), Size: v.Get("size"), Sector: v.Get("sector"),
		Verified: v.Get("verified"), Source: v.Get("source"), Since: v.Get("since"), Sort: v.Get("sort")}
	f.Partners = v.Get("partners")
	f.Page, _ = strconv.Atoi(v.Get("page"))
	f.Page = max(f.Page, 1)
	return f
}

// query is the form as a URL query (without the page).
func (f dirForm) query() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "kecamatan": f.Kecamatan, "size": f.Size, "sector": f.Sector,
		"verified": f.Verified, "source": f.Source, "since": f.Since, "sort": f.Sort, "partners": f.Partners} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// Hidden is the form as hidden fields (for the export form).
func (f dirForm) Hidden() map[string]string {
	out := map[string]string{}
	for k, v := range f.query() {
		out[k] = v[0]
	}
	return out
}

// search turns the form into a store search. The kecamatan is chosen by
// name; the store is given its code.
func (s *Server) search(f dirForm, limit int) umkm.Search {
	q := umkm.Search{Text: f.Q, SizeClass: umkm.SizeClass(f.Size), KBLISection: f.Sector, Source: f.Source, Sort: f.Sort, Limit: limit, Offset: (f.Page - 1) * limit}
	if f.Kecamatan != "" {
		if _, ok := s.opt.Data.Region.KecamatanByCode(f.Kecamatan); ok {
			q.RegionCodes = []string{f.Kecamatan}
		} else if k, ok := s.opt.Data.Region.MatchKecamatan(f.Kecamatan); ok {
			q.RegionCodes = []string{k.Code}
		} else {
			q.RegionCodes = []string{"-"} // matches nothing, rather than everything
		}
	}
	switch f.Verified {
	case "yes":
		q.Verified = new(true)
	case "no":
		q.Verified = new(false)
	}
	switch f.Partners {
	case "yes":
		q.Partners = new(true)
	case "no":
		q.Partners = new(false)
	}
	if d, err := time.ParseInLocation("2006-01-02", f.Since, s.location); err == nil {
		q.Since = d
	}
	return q
}

type option struct{ Value, Label string }

// row is one business as a list shows it: NIK and phone masked.
type row struct {
	ID                             int64
	RegNo, Name, Owner, Phone, NIK string
	Kecamatan, Size, Sector        string
	Verified                       bool
	Registered                     string
}

func (s *Server) row(b umkm.Business, lang string) row {
	return row{ID: b.ID, RegNo: b.RegNo, Name: b.Name, Owner: b.OwnerName, Phone: idn.MaskPhone(b.OwnerPhone), NIK: idn.MaskNIK(b.NIK),
		Kecamatan: s.kecamatanName(b.RegionCode, lang), Size: sizeLabel(lang, string(b.SizeClass)), Sector: s.sectorName(b.KBLISection, lang),
		Verified: b.Verified, Registered: b.CreatedAt.In(s.location).Format("02-01-2006")}
}

type dirData struct {
	Form                      dirForm
	Rows                      []row
	Total                     int
	Kecamatan, Sizes, Sectors []option
	Sorts, Sources            []option
	PrevURL, NextURL          string
	ExportURL, ExportXLSXURL  string // the filtered set, as the form has it
	From, To                  int
}

const dirPageSize = 25

func (s *Server) options(lang string) (kec, sizes, sectors, sorts, sources []option) {
	for _, k := range s.opt.Data.Region.Kecamatan {
		kec = append(kec, option{k.Code, k.Name})
	}
	for _, c := range []umkm.SizeClass{umkm.Mikro, umkm.Kecil, umkm.Menengah, umkm.Besar} {
		sizes = append(sizes, option{string(c), sizeLabel(lang, string(c))})
	}
	for _, sec := range s.opt.Data.Sectors.Sections {
		sectors = append(sectors, option{sec.Letter, sec.Letter + " " + sec.Short(lang)})
	}
	for _, so := range []string{umkm.SortRelevance, umkm.SortNewest, umkm.SortOldest, umkm.SortName, umkm.SortRegNo} {
		sorts = append(sorts, option{so, t(lang, "sort."+so)})
	}
	for _, src := range []string{umkm.SourceImport, umkm.SourceChat, umkm.SourceDashboard} {
		sources = append(sources, option{src, sourceLabel(src, lang)})
	}
	return
}

func (s *Server) directory(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	f := readDirForm(r.URL.Query())
	res, err := s.opt.Directory.SearchBusinesses(r.Context(), s.search(f, dirPageSize))
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	d := dirData{Form: f, Total: res.Total}
	d.Kecamatan, d.Sizes, d.Sectors, d.Sorts, d.Sources = s.options(lang)
	for _, b := range res.Businesses {
		d.Rows = append(d.Rows, s.row(b, lang))
	}
	q := f.query()
	// Whole URLs: html/template would escape a bare query in an href
	// (= and & as %3d and %26), and the export would lose the filters.
	d.ExportURL = "/dashboard/businesses/export?" + q.Encode()
	qx := f.query()
	qx.Set("format", "xlsx")
	d.ExportXLSXURL = "/dashboard/businesses/export?" + qx.Encode()
	if len(d.Rows) > 0 {
		d.From = (f.Page-1)*dirPageSize + 1
		d.To = d.From + len(d.Rows) - 1
	}
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page-1))
		d.PrevURL = "/dashboard/businesses?" + q.Encode()
	}
	if f.Page*dirPageSize < res.Total {
		q.Set("page", strconv.Itoa(f.Page+1))
		d.NextURL = "/dashboard/businesses?" + q.Encode()
	}
	s.render(w, r, &u, http.StatusOK, "directory", "dir.title", page{Data: d})
}
