package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"jejaring/internal/store"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/sheet"
)

// chart is one figure of the home page: bars, and the same numbers as a
// table and a CSV. Ref is a second series (the office's own count) where
// there is one.
type chart struct {
	Name   string
	Title  string
	RefCol string // heading of the Ref column; "" when there is none
	// ColWhat, ColCount and CSVLabel are the table's headings and the
	// download link's text in the page's language.
	ColWhat, ColCount, CSVLabel string
	// CSVHref is the download's address ("" the home page's
	// /dashboard/charts/NAME.csv).
	CSVHref string
	Rows    []bar
	Max     int
	Total   int
}

type bar struct {
	Label string
	N     int
	Ref   int
}

// Height is the SVG's height for the chart's rows.
func (c chart) Height() int { return 40*len(c.Rows) + 4 }

func (c *chart) add(label string, n, ref int) {
	c.Rows = append(c.Rows, bar{label, n, ref})
	c.Max = max(c.Max, n, ref)
	c.Total += n
}

type homeData struct {
	Total, Verified int
	// Held is the number of events held; Attendees of the Live (not
	// erased) businesses attended at least one.
	Held, Attendees, Live int
	Office                []officeTile
	Charts                []chart
	Reach                 *reachTable // the funnel per kecamatan (reach.go); nil without Options.Reach
}

type officeTile struct {
	Label string
	Total int
}

// homeWeeks is how many weeks the "new per week" chart shows, homeEvents
// how many of the latest events held the events chart shows.
const (
	homeWeeks  = 12
	homeEvents = 8
)

func (s *Server) charts(ctx context.Context, lang string) (homeData, error) {
	st, err := s.opt.Stats.BusinessStats(ctx)
	if err != nil {
		return homeData{}, err
	}
	d := homeData{Total: st.Total, Verified: st.Verified}
	for _, c := range s.counts.Counts {
		d.Office = append(d.Office, officeTile{c.label(lang), c.Total})
	}

	vs := chart{Name: "office", Title: t(lang, "home.vsoffice")}
	vs.add(t(lang, "col.jejaring"), st.Total, 0)
	for _, c := range s.counts.Counts {
		vs.add(c.label(lang), c.Total, 0)
	}
	vs.Total = st.Total

	size := chart{Name: "size", Title: t(lang, "home.bysize")}
	var base officeCount
	if len(s.counts.Counts) > 0 {
		base = s.counts.Counts[0]
		size.RefCol = base.label(lang)
	}
	have := map[string]int{}
	for _, c := range st.BySizeClass {
		have[c.Key] = c.Count
	}
	for _, c := range []struct {
		class umkm.SizeClass
		ref   int
	}{{umkm.Mikro, base.Mikro}, {umkm.Kecil, base.Kecil}, {umkm.Menengah, base.Menengah}, {umkm.Besar, 0}, {"", 0}} {
		if n := have[string(c.class)]; n > 0 || c.ref > 0 {
			size.add(sizeLabel(lang, string(c.class)), n, c.ref)
		}
	}

	region := chart{Name: "region", Title: t(lang, "home.byregion")}
	for _, c := range st.ByRegion {
		region.add(s.kecamatanName(c.Key, lang), c.Count, 0)
	}
	sector := chart{Name: "sector", Title: t(lang, "home.bysector")}
	for _, c := range st.BySection {
		sector.add(s.sectorName(c.Key, lang), c.Count, 0)
	}

	now := s.opt.Now()
	weeks, err := s.opt.Stats.BusinessesPerWeek(ctx, now.AddDate(0, 0, -7*(homeWeeks-1)), now)
	if err != nil {
		return homeData{}, err
	}
	perWeek := chart{Name: "weeks", Title: t(lang, "home.perweek")}
	for _, w := range weeks {
		perWeek.add(w.Start.Format("02-01-2006"), w.Count, 0)
	}
	verified := chart{Name: "verified", Title: t(lang, "home.verifiedshare")}
	verified.add(t(lang, "home.isverified"), st.Verified, 0)
	verified.add(t(lang, "home.notverified"), st.Total-st.Verified, 0)

	ev, err := s.opt.Events.EventFigures(ctx, now)
	if err != nil {
		return homeData{}, err
	}
	d.Held, d.Attendees, d.Live = len(ev.Held), ev.Attendees, ev.Businesses
	events := chart{Name: "events", Title: t(lang, "home.events"), RefCol: t(lang, "col.invited")}
	for _, h := range ev.Held[max(0, len(ev.Held)-homeEvents):] {
		events.add(h.Title+" ("+h.StartsAt.In(s.location).Format("02-01-2006")+")", h.Attended, h.Invited)
	}
	attended := chart{Name: "attended", Title: t(lang, "home.attended")}
	attended.add(t(lang, "home.cameonce"), ev.Attendees, 0)
	attended.add(t(lang, "home.nevercame"), ev.Businesses-ev.Attendees, 0)

	d.Charts = []chart{vs, size, region, sector, perWeek, verified, events, attended}
	if d.Reach, err = s.reachHome(ctx, lang, &d.Charts); err != nil {
		return homeData{}, err
	}
	for i := range d.Charts {
		c := &d.Charts[i]
		c.ColWhat, c.ColCount, c.CSVLabel = t(lang, "col.what"), t(lang, "col.count"), t(lang, "home.csv")
		if c.Name == "events" {
			c.ColCount = t(lang, "col.attended")
		}
	}
	return d, nil
}

func (s *Server) kecamatanName(code, lang string) string {
	if code == "" {
		return t(lang, "size.")
	}
	if k, ok := s.opt.Data.Region.KecamatanByCode(code); ok {
		return k.Name
	}
	return code
}

func (s *Server) sectorName(letter, lang string) string {
	if letter == "" {
		return t(lang, "size.")
	}
	if sec, ok := s.opt.Data.Sectors.Section(letter); ok {
		return letter + " " + sec.Short(lang)
	}
	return letter
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	d, err := s.charts(r.Context(), langOf(w, r))
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	s.render(w, r, &u, http.StatusOK, "home", "home.title", page{Data: d})
}

// chartCSV serves one chart's numbers (/dashboard/charts/size.csv).
func (s *Server) chartCSV(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	name, ok := strings.CutSuffix(r.PathValue("name"), ".csv")
	if !ok {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	d, err := s.charts(r.Context(), lang)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	for _, c := range d.Charts {
		if c.Name != name {
			continue
		}
		table := sheet.Table{Name: c.Name, Header: []string{c.ColWhat, c.ColCount}}
		if c.RefCol != "" {
			table.Header = append(table.Header, c.RefCol)
		}
		for _, row := range c.Rows {
			rec := []any{row.Label, row.N}
			if c.RefCol != "" {
				rec = append(rec, row.Ref)
			}
			table.Rows = append(table.Rows, rec)
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="jejaring-%s.csv"`, c.Name))
		if err := sheet.WriteCSV(w, table); err != nil {
			s.opt.Log.Error("dashboard: chart csv", "chart", c.Name, "err", err)
		}
		return
	}
	s.fail(w, r, u, http.StatusNotFound, "err.notfound")
}
