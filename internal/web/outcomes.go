package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm/sheet"
)

// What came of the office's events (issue 16): the report page, its CSVs,
// a one-page A4 summary for the head of the office, and the network the
// events built drawn as SVG (downloadable as SVG, or PNG drawn by the
// browser). The figures are store.EventRepo.Report's, the same as
// `jejaring report`.

// OutcomeStore is the report and the network (store.EventRepo).
type OutcomeStore interface {
	Report(ctx context.Context, f store.ReportFilter) (store.Report, error)
	Network(ctx context.Context, f store.ReportFilter) (store.Network, error)
	ListEvents(ctx context.Context, f store.EventFilter) ([]event.Event, error)
	Followups(ctx context.Context, eventID int64) ([]int, error)
	ConnectionsOf(ctx context.Context, businessID int64) ([]store.Connection, error)
	SetFollowups(ctx context.Context, eventID int64, months []int, actor string, now time.Time) error
}

type outcomesData struct {
	Filter             store.ReportFilter
	EventID, From, To  string // the form's values
	Events             []event.Event
	Report             store.Report
	Charts             []chart
	DealTotal          string
	Query              string // the filter as a query string, for links
	Network            networkSVG
	GeneratedAt, Title string
	// Followups are the follow-up months of the one event shown ("" when
	// all are shown).
	Followups string
}

// reportFilter reads ?event=&from=&to= (dates in WIB); a bad value is
// ignored (the form shows what was taken).
func reportFilter(r *http.Request) (store.ReportFilter, string, string, string) {
	var f store.ReportFilter
	q := r.URL.Query()
	ev, from, to := q.Get("event"), q.Get("from"), q.Get("to")
	if id, err := strconv.ParseInt(ev, 10, 64); err == nil && id > 0 {
		f.EventID = id
	} else {
		ev = ""
	}
	if d, err := time.ParseInLocation("2006-01-02", from, idn.WIB); err == nil {
		f.From = d
	} else {
		from = ""
	}
	if d, err := time.ParseInLocation("2006-01-02", to, idn.WIB); err == nil {
		f.To = d
	} else {
		to = ""
	}
	return f, ev, from, to
}

func (s *Server) outcomesData(r *http.Request, lang string) (outcomesData, error) {
	ctx := r.Context()
	f, ev, from, to := reportFilter(r)
	d := outcomesData{Filter: f, EventID: ev, From: from, To: to}
	q := r.URL.Query()
	q.Del("lang")
	d.Query = q.Encode()
	var err error
	if d.Events, err = s.opt.Outcomes.ListEvents(ctx, store.EventFilter{Limit: 200}); err != nil {
		return d, err
	}
	if d.Report, err = s.opt.Outcomes.Report(ctx, f); err != nil {
		return d, err
	}
	if f.EventID != 0 && len(d.Report.Events) == 1 {
		months, err := s.opt.Outcomes.Followups(ctx, f.EventID)
		if err != nil {
			return d, err
		}
		d.Followups = event.FormatFollowups(months)
		if d.Followups == "" {
			d.Followups = "-"
		}
	}
	var total int64
	deals := chart{Name: "deals", Title: t(lang, "out.chart.deals")}
	byKind := map[event.DealKind]int{}
	for _, dl := range d.Report.Deals {
		if dl.Side == event.SideOwner {
			byKind[dl.Kind] += dl.Count
			total += dl.YearValue
		}
	}
	for _, k := range event.DealKinds {
		if byKind[k] > 0 {
			deals.add(k.Label(lang), byKind[k], 0)
		}
	}
	d.DealTotal = idn.Rupiah(total)
	cov := chart{Name: "coverage", Title: t(lang, "out.chart.coverage"), RefCol: t(lang, "out.col.registered")}
	for _, row := range d.Report.ByKecamatan {
		cov.add(s.kecamatanName(row.Group, lang), row.Attended, row.Registered)
	}
	good := chart{Name: "useful", Title: t(lang, "out.chart.useful"), RefCol: t(lang, "out.col.came")}
	for _, row := range d.Report.ByKecamatan {
		if row.Attended > 0 {
			good.add(s.kecamatanName(row.Group, lang), row.Good, row.Attended)
		}
	}
	months := chart{Name: "months", Title: t(lang, "out.chart.months")}
	for _, m := range d.Report.Months {
		months.add(m.Month, m.Attended, 0)
	}
	d.Charts = []chart{cov, good, deals, months}
	for i := range d.Charts {
		c := &d.Charts[i]
		c.ColWhat, c.ColCount, c.CSVLabel = t(lang, "col.what"), t(lang, "col.count"), t(lang, "home.csv")
		c.CSVHref = "/dashboard/outcomes/" + c.Name + ".csv?" + d.Query
	}
	return d, nil
}

func (s *Server) outcomes(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	d, err := s.outcomesData(r, lang)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	s.render(w, r, &u, http.StatusOK, "outcomes", "out.title", page{Data: d})
}

// outcomesPrint is the one-page summary for the head of the office (A4).
func (s *Server) outcomesPrint(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	d, err := s.outcomesData(r, lang)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	d.GeneratedAt = idn.Date(s.opt.Now().In(idn.WIB), lang) + " " + idn.Clock(s.opt.Now())
	d.Title = s.opt.Data.Region.Name
	s.render(w, r, &u, http.StatusOK, "outcomes_print", "out.print.title", page{Data: d})
}

// outcomesCSV serves one table of the report.
func (s *Server) outcomesCSV(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	name, ok := strings.CutSuffix(r.PathValue("name"), ".csv")
	if !ok {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	d, err := s.outcomesData(r, lang)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	rep := d.Report
	tb := sheet.Table{Name: name}
	switch name {
	case "events":
		tb.Header = []string{"id", t(lang, "out.col.event"), t(lang, "out.col.date"), t(lang, "out.col.invited"), t(lang, "out.col.going"),
			t(lang, "out.col.came"), t(lang, "out.col.noshow"), t(lang, "out.col.asked"), t(lang, "out.col.answered"), t(lang, "out.col.useful"),
			t(lang, "out.col.booked"), t(lang, "out.col.held")}
		for _, e := range rep.Events {
			tb.Rows = append(tb.Rows, []any{e.Event.ID, e.Event.Title, e.Event.StartsAt.In(idn.WIB).Format("2006-01-02"), e.Invited, e.Going,
				e.Attended, e.NoShow, e.Asked, e.Answered, e.Useful, e.MeetingsBooked, e.MeetingsHeld})
		}
	case "meetings":
		tb.Header = []string{"id", t(lang, "out.col.event"), t(lang, "out.col.slot"), t(lang, "out.col.business"), t(lang, "out.col.partner"),
			t(lang, "out.col.held"), t(lang, "out.col.ownersaid"), t(lang, "out.col.partnersaid")}
		for _, e := range rep.Events {
			for _, m := range e.Meetings {
				tb.Rows = append(tb.Rows, []any{m.ID, e.Event.Title, m.Slot + 1, m.Business, m.PartnerName, yesno(lang, m.Held),
					m.Owner.Words(lang), m.Partner.Words(lang)})
			}
		}
	case "deals":
		tb.Header = []string{t(lang, "out.col.side"), t(lang, "out.col.kind"), t(lang, "out.col.status"), t(lang, "col.count"), t(lang, "out.col.value")}
		for _, dl := range rep.Deals {
			tb.Rows = append(tb.Rows, []any{sideLabel(lang, dl.Side), dl.Kind.Label(lang), dl.Status.Label(lang), dl.Count, dl.YearValue})
		}
	case "coverage", "useful", "kecamatan", "size", "sector":
		rows, label := rep.ByKecamatan, func(g string) string { return s.kecamatanName(g, lang) }
		switch name {
		case "size":
			rows, label = rep.BySize, func(g string) string { return sizeLabel(lang, g) }
		case "sector":
			rows, label = rep.BySector, func(g string) string { return s.sectorName(g, lang) }
		}
		tb.Header = []string{t(lang, "col.what"), t(lang, "out.col.registered"), t(lang, "out.col.came"), t(lang, "out.col.useful")}
		for _, row := range rows {
			tb.Rows = append(tb.Rows, []any{label(row.Group), row.Registered, row.Attended, row.Good})
		}
	case "months":
		tb.Header = []string{t(lang, "out.col.month"), t(lang, "out.col.events"), t(lang, "out.col.came"), t(lang, "out.col.useful")}
		for _, m := range rep.Months {
			tb.Rows = append(tb.Rows, []any{m.Month, m.Events, m.Attended, m.Good})
		}
	default:
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="hasil-%s.csv"`, name))
	if err := sheet.WriteCSV(w, tb); err != nil {
		s.opt.Log.Warn("dashboard: outcomes csv", "err", err)
	}
}

func yesno(lang string, b bool) string {
	if b {
		return t(lang, "out.yes")
	}
	return t(lang, "out.no")
}

func sideLabel(lang, side string) string {
	if side == event.SidePartner {
		return t(lang, "out.side.partner")
	}
	return t(lang, "out.side.owner")
}

// networkSVG is the network laid out for drawing: partners on an inner
// ring, businesses on the outer one in groups of their sector.
type networkSVG struct {
	Size         int
	Nodes        []svgNode
	Links        []svgLink
	Groups       []svgGroup
	Businesses   int
	Partners     int
	Held, Useful int
}

type svgNode struct {
	X, Y      float64
	R         float64
	Fill      string
	Name      string
	Class     string // "business g3" or "partner"
	Label     bool   // draw the name beside it
	Anchor    string
	LX, LY    float64
	GroupName string
}

type svgLink struct {
	X1, Y1, X2, Y2 float64
	Class          string // held, useful, missed
	Stroke, Dash   string
	Width          float64
	Title          string
}

// Colours are attributes, not a style sheet: the dashboard's content
// security policy allows no inline style, and the SVG file stands alone.
var (
	groupColours  = []string{"#d1495b", "#edae49", "#00798c", "#6a4c93", "#30638e", "#8c564b", "#2a9d8f", "#e76f51"}
	partnerColour = "#0b4f8a"
)

type svgGroup struct {
	Name   string
	Class  string
	Colour string
	N      int
}

// layoutNetwork places the graph on a square of side size.
func (s *Server) layoutNetwork(n store.Network, lang string) networkSVG {
	const size = 720
	out := networkSVG{Size: size}
	c := float64(size) / 2
	var biz, partners []store.NetworkNode
	for _, nd := range n.Nodes {
		if nd.Kind == "partner" {
			partners = append(partners, nd)
		} else {
			biz = append(biz, nd)
		}
	}
	slices.SortStableFunc(biz, func(a, b store.NetworkNode) int { return strings.Compare(a.Group+a.Name, b.Group+b.Name) })
	slices.SortStableFunc(partners, func(a, b store.NetworkNode) int { return strings.Compare(a.Group+a.Name, b.Group+b.Name) })
	out.Businesses, out.Partners = len(biz), len(partners)
	pos := map[string][2]float64{}
	groupClass := map[string]string{}
	for _, b := range biz {
		if _, ok := groupClass[b.Group]; !ok {
			i := len(groupClass) % len(groupColours)
			groupClass[b.Group] = fmt.Sprintf("g%d", i)
			out.Groups = append(out.Groups, svgGroup{Name: s.sectorName(b.Group, lang), Class: groupClass[b.Group], Colour: groupColours[i]})
		}
		for i := range out.Groups {
			if out.Groups[i].Class == groupClass[b.Group] {
				out.Groups[i].N++
			}
		}
	}
	ring := func(nodes []store.NetworkNode, radius, r float64, kind string, label bool) {
		for i, nd := range nodes {
			a := 2*math.Pi*float64(i)/float64(max(1, len(nodes))) - math.Pi/2
			x, y := c+radius*math.Cos(a), c+radius*math.Sin(a)
			pos[nd.Key] = [2]float64{x, y}
			node := svgNode{X: round1(x), Y: round1(y), R: r, Name: nd.Name, Class: kind, Label: label, Fill: partnerColour}
			if kind == "business" {
				node.Class = "business " + groupClass[nd.Group]
				var gi int
				fmt.Sscanf(groupClass[nd.Group], "g%d", &gi)
				node.Fill = groupColours[gi]
				node.GroupName = s.sectorName(nd.Group, lang)
			}
			if label {
				lx, ly := c+(radius+r+6)*math.Cos(a), c+(radius+r+6)*math.Sin(a)
				node.LX, node.LY, node.Anchor = round1(lx), round1(ly+4), "start"
				if math.Cos(a) < -0.01 {
					node.Anchor = "end"
				} else if math.Abs(math.Cos(a)) <= 0.01 {
					node.Anchor = "middle"
				}
			}
			out.Nodes = append(out.Nodes, node)
		}
	}
	ring(partners, 110, 10, "partner", true)
	ring(biz, 240, 5, "business", len(biz) <= 60)
	for _, l := range n.Links {
		a, okA := pos[l.From]
		b, okB := pos[l.To]
		if !okA || !okB {
			continue
		}
		link := svgLink{Class: "missed", Stroke: "#9aa0a6", Width: 1, Dash: "4 3", Title: t(lang, "out.net.missed")}
		switch {
		case l.Useful:
			link = svgLink{Class: "useful", Stroke: "#1b7f3b", Width: 3, Title: t(lang, "out.net.useful")}
			out.Useful++
			out.Held++
		case l.Held:
			link = svgLink{Class: "held", Stroke: "#6b7078", Width: 1.3, Title: t(lang, "out.net.held")}
			out.Held++
		}
		title := link.Title
		if l.Deal != "" {
			title += ": " + l.Deal.Label(lang)
		}
		link.X1, link.Y1, link.X2, link.Y2, link.Title = round1(a[0]), round1(a[1]), round1(b[0]), round1(b[1]), title
		out.Links = append(out.Links, link)
	}
	return out
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

func (s *Server) network(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	d, err := s.outcomesData(r, lang)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	n, err := s.opt.Outcomes.Network(r.Context(), d.Filter)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	d.Network = s.layoutNetwork(n, lang)
	s.render(w, r, &u, http.StatusOK, "network", "out.net.title", page{Data: d})
}

// networkFile serves the picture alone as an SVG file.
func (s *Server) networkFile(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	f, _, _, _ := reportFilter(r)
	n, err := s.opt.Outcomes.Network(r.Context(), f)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	tpl, ok := s.pages["network"]
	if !ok {
		http.Error(w, "no template network", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Disposition", `attachment; filename="jaringan-umkm.svg"`)
	if err := tpl.ExecuteTemplate(w, "network-svg", page{Lang: lang, Data: outcomesData{Network: s.layoutNetwork(n, lang)}, s: s}); err != nil {
		s.opt.Log.Warn("dashboard: network svg", "err", err)
	}
}

// outcomeView is a page of the outcomes with the words its templates need.
type outcomeView struct {
	page
	outcomesData
}

// OutcomeView is the page seen as an outcomes page (templates:
// {{template "outcome-tiles" .OutcomeView}}).
func (p page) OutcomeView() outcomeView {
	d, _ := p.Data.(outcomesData)
	return outcomeView{p, d}
}

// Side, Kind and Status name a deal's parts in the page's language.
func (v outcomeView) Side(side string) string           { return sideLabel(v.Lang, side) }
func (v outcomeView) Kind(k event.DealKind) string      { return k.Label(v.Lang) }
func (v outcomeView) Status(st event.DealStatus) string { return st.Label(v.Lang) }
func (v outcomeView) YesNo(b bool) string               { return yesno(v.Lang, b) }
func (v outcomeView) Said(a store.MeetingAnswer) string { return a.Words(v.Lang) }
func (v outcomeView) Rupiah(n int64) string             { return idn.Rupiah(n) }

// setFollowups changes an event's follow-up months (staff), audited.
func (s *Server) setFollowups(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	id, err := strconv.ParseInt(r.PostFormValue("event"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	months, err := event.ParseFollowups(r.PostFormValue("months"))
	if err != nil {
		s.fail(w, r, u, http.StatusUnprocessableEntity, "out.fu.bad")
		return
	}
	if err := s.opt.Outcomes.SetFollowups(r.Context(), id, months, store.ActorStaff(u.Username), s.opt.Now()); errors.Is(err, event.ErrNotFound) {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	} else if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/dashboard/outcomes?event=%d&ok=out.fu.saved", id), http.StatusSeeOther)
}

// connRow is one line of a business page's connections.
type connRow struct {
	Event, Date, Partner, Held, Said string
}

// connections are the partners the business met, for its page.
func (s *Server) connections(ctx context.Context, businessID int64, lang string) ([]connRow, error) {
	if s.opt.Outcomes == nil {
		return nil, nil
	}
	cs, err := s.opt.Outcomes.ConnectionsOf(ctx, businessID)
	if err != nil {
		return nil, err
	}
	out := make([]connRow, 0, len(cs))
	for _, c := range cs {
		row := connRow{Event: c.EventTitle, Date: c.StartsAt.In(s.location).Format("02-01-2006"), Partner: c.Partner, Held: yesno(lang, c.Held), Said: "-"}
		row.Said = store.MeetingAnswer{Rating: c.Rating, Deal: c.Deal, InContact: c.Deal.InContact}.Words(lang)
		out = append(out, row)
	}
	return out, nil
}
