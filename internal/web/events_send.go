package web

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/actions/eventactions"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
)

// option is one checkbox of the audience builder.
type audOption struct {
	Value, Label string
	On           bool
}

type audienceData struct {
	Ev       *event.Event
	Regions  []audOption
	Sizes    []audOption
	Sectors  []audOption
	Channels []audOption
	Tags     string
	Verified bool
	Since    string
	Query    string // the form as a query, for the live count's first load
	Count    audienceCountData
}

type audienceCountData struct {
	EventID  int64
	Err      string
	View     eventactions.AudienceView
	Previews []eventactions.Preview
	Lang     string
	CanSend  bool
}

// T, N, PaceText and WayText let the count block render on its own (the
// live update) as inside the page.
func (c audienceCountData) T(key string) string { return t(c.Lang, key) }

// N writes a count in the block's language.
func (c audienceCountData) N(n int) string { return idn.Thousands(n, c.Lang) }

// PaceText says how long sends take in the block's language.
func (c audienceCountData) PaceText(d time.Duration) string { return eventactions.PaceText(d, c.Lang) }

// WayText names a group the broadcast cannot reach.
func (c audienceCountData) WayText(key string) string { return eventactions.WayText(key, c.Lang) }

// PaceText is how long a channel's sends take, in the page's language.
func (p page) PaceText(d time.Duration) string { return eventactions.PaceText(d, p.Lang) }

// WayText names a group a broadcast cannot reach and how to reach it.
func (p page) WayText(key string) string { return eventactions.WayText(key, p.Lang) }

// segmentForm reads the audience builder's fields (a GET query or a POST).
func segmentForm(r *http.Request) eventactions.SegmentForm {
	_ = r.ParseForm()
	f := r.Form
	return eventactions.SegmentForm{Regions: f["region"], Sizes: f["size"], Sectors: f["sector"], Tags: f["tags"], Channels: f["channel"],
		Verified: f.Get("verified") == "1", Since: f.Get("since")}
}

// segmentQuery writes seg as the builder's query.
func segmentQuery(seg event.Segment) string {
	q := make([]string, 0, 8)
	add := func(k string, vs []string) {
		for _, v := range vs {
			q = append(q, k+"="+url.QueryEscape(v))
		}
	}
	add("region", seg.RegionCodes)
	add("size", seg.SizeClasses)
	add("sector", seg.KBLISections)
	add("channel", seg.Channels)
	if len(seg.Tags) > 0 {
		add("tags", []string{strings.Join(seg.Tags, ", ")})
	}
	if seg.VerifiedOnly {
		q = append(q, "verified=1")
	}
	if !seg.RegisteredSince.IsZero() {
		q = append(q, "since="+seg.RegisteredSince.In(idn.WIB).Format("2006-01-02"))
	}
	return strings.Join(q, "&")
}

func (s *Server) audienceData(ev *event.Event, seg event.Segment, lang string) audienceData {
	on := func(xs []string, v string) bool {
		for _, x := range xs {
			if x == v {
				return true
			}
		}
		return false
	}
	d := audienceData{Ev: ev, Tags: strings.Join(seg.Tags, ", "), Verified: seg.VerifiedOnly, Query: segmentQuery(seg)}
	for _, k := range s.opt.Data.Region.Kecamatan {
		d.Regions = append(d.Regions, audOption{k.Code, k.Name, on(seg.RegionCodes, k.Code)})
	}
	for _, c := range []string{"mikro", "kecil", "menengah"} {
		d.Sizes = append(d.Sizes, audOption{c, sizeLabel(lang, c), on(seg.SizeClasses, c)})
	}
	if s.opt.Data.Sectors != nil {
		for _, sec := range s.opt.Data.Sectors.Sections {
			d.Sectors = append(d.Sectors, audOption{sec.Letter, sec.Letter + " · " + sec.Short(lang), on(seg.KBLISections, sec.Letter)})
		}
	}
	for _, c := range []string{"telegram", "whatsapp", "webchat"} {
		d.Channels = append(d.Channels, audOption{c, t(lang, "ch."+c), on(seg.Channels, c)})
	}
	if !seg.RegisteredSince.IsZero() {
		d.Since = seg.RegisteredSince.In(idn.WIB).Format("2006-01-02")
	}
	return d
}

// count builds the live count of seg for ev.
func (s *Server) count(r *http.Request, ev *event.Event, seg event.Segment, lang string) audienceCountData {
	c := audienceCountData{EventID: ev.ID, Lang: lang, CanSend: ev.Status != event.Cancelled && s.opt.Now().Before(ev.StartsAt)}
	v, err := s.opt.EventDesk.Plan(r.Context(), ev.ID, seg, lang)
	if err != nil {
		s.opt.Log.Error("dashboard: audience count", "event", ev.ID, "err", err)
		c.Err = t(lang, "err.server")
		return c
	}
	c.View = v
	c.Previews = s.opt.EventDesk.Previews(ev, lang, s.opt.EventDesk.TelegramUsername())
	return c
}

// audiencePage is the builder with its count. Without a query it starts
// from the audience stored with the event.
func (s *Server) audiencePage(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.eventByPath(w, r, u)
	if !ok {
		return
	}
	lang := langOf(w, r)
	seg := ev.Segment
	var errText string
	q := r.URL.Query()
	if q.Has("region") || q.Has("size") || q.Has("sector") || q.Has("tags") || q.Has("channel") || q.Has("verified") || q.Has("since") || q.Has("built") {
		var err error
		if seg, err = s.opt.EventDesk.Segment(segmentForm(r)); err != nil {
			errText = t(lang, "aud.bad") + " " + err.Error()
			seg = ev.Segment
		}
	}
	d := s.audienceData(ev, seg, lang)
	d.Count = s.count(r, ev, seg, lang)
	s.render(w, r, &u, http.StatusOK, "events_audience", "aud.title", page{Data: d, Error: errText, Flash: flashOf(r, lang)})
}

// audienceCount is the count block alone, for the page's script to swap
// in as the builder changes.
func (s *Server) audienceCount(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.eventByPath(w, r, u)
	if !ok {
		return
	}
	lang := langOf(w, r)
	var c audienceCountData
	seg, err := s.opt.EventDesk.Segment(segmentForm(r))
	if err != nil {
		c = audienceCountData{EventID: ev.ID, Lang: lang, Err: t(lang, "aud.bad") + " " + err.Error()}
	} else {
		c = s.count(r, ev, seg, lang)
	}
	var b strings.Builder
	if err := s.pages["events_audience"].ExecuteTemplate(&b, "count", c); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, b.String())
}

// audiencePost is the builder's three buttons: save the audience on the
// event, send a test to the staff member's own phone, or (confirmed)
// send the invitations to the audience, which is saved on the event
// first, so the chat's staff menu offers the same one.
func (s *Server) audiencePost(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.eventByPath(w, r, u)
	if !ok {
		return
	}
	ctx, now, lang := r.Context(), s.opt.Now(), langOf(w, r)
	seg, err := s.opt.EventDesk.Segment(segmentForm(r))
	back := eventPath(ev.ID) + "/audience"
	if err != nil {
		d := s.audienceData(ev, ev.Segment, lang)
		d.Count = s.count(r, ev, ev.Segment, lang)
		s.render(w, r, &u, http.StatusUnprocessableEntity, "events_audience", "aud.title", page{Data: d, Error: t(lang, "aud.bad") + " " + err.Error()})
		return
	}
	save := func() error {
		_, err := s.opt.EventDesk.UpdateDetails(ctx, ev.ID, store.EventDetails{Title: ev.Title, Description: ev.Description, Kind: ev.Kind,
			Capacity: ev.Capacity, MaxParty: ev.MaxParty, RSVPDeadline: ev.RSVPDeadline, Segment: seg}, now)
		return err
	}
	switch r.PostFormValue("do") {
	case "save":
		if err := save(); err != nil {
			s.serverError(w, r, u, err)
			return
		}
		redirectOK(w, r, back+"?"+segmentQuery(seg), "ev.audsaved")
	case "test":
		all, err := s.opt.Staff.ListStaffContacts(ctx)
		if err != nil {
			s.serverError(w, r, u, err)
			return
		}
		var mine []store.StaffContact
		for _, c := range all {
			if c.Username == u.Username && c.Active() {
				mine = append(mine, c)
			}
		}
		if len(mine) == 0 {
			d := s.audienceData(ev, seg, lang)
			d.Count = s.count(r, ev, seg, lang)
			s.render(w, r, &u, http.StatusConflict, "events_audience", "aud.title", page{Data: d, Error: t(lang, "aud.nophone")})
			return
		}
		n, err := s.opt.EventDesk.TestSend(ctx, ev.ID, mine, now)
		if err != nil {
			s.serverError(w, r, u, err)
			return
		}
		redirectOK(w, r, back+"?"+segmentQuery(seg), "ev.tested", n)
	case "send":
		if r.PostFormValue("confirm") != "1" {
			d := s.audienceData(ev, seg, lang)
			d.Count = s.count(r, ev, seg, lang)
			s.render(w, r, &u, http.StatusUnprocessableEntity, "events_audience", "aud.title", page{Data: d, Error: t(lang, "aud.confirmfirst")})
			return
		}
		if err := save(); err != nil {
			s.serverError(w, r, u, err)
			return
		}
		res, err := s.opt.EventDesk.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID, Segment: &seg, CreatedBy: "staff:" + u.Username}, now)
		switch {
		case errors.Is(err, event.ErrClosed):
			s.fail(w, r, u, http.StatusConflict, "ev.iscancelled")
			return
		case errors.Is(err, event.ErrAlreadyFinished):
			s.fail(w, r, u, http.StatusConflict, "ev.started")
			return
		case err != nil:
			s.serverError(w, r, u, err)
			return
		}
		if err := s.audit(ctx, u, "event.broadcast", "event", strconv.FormatInt(ev.ID, 10),
			map[string]any{"broadcast": res.BroadcastID, "queued": res.Queued, "skipped": res.Skipped, "already": res.Already}); err != nil {
			s.serverError(w, r, u, err)
			return
		}
		redirectOK(w, r, fmt.Sprintf("%s/broadcasts/%d", eventPath(ev.ID), res.BroadcastID), "ev.sent", res.Queued)
	default:
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
}

// broadcastOf loads the path's {bid} of the path's event.
func (s *Server) broadcastOf(w http.ResponseWriter, r *http.Request, u store.StaffUser) (*event.Event, store.Funnel, bool) {
	ev, ok := s.eventByPath(w, r, u)
	if !ok {
		return nil, store.Funnel{}, false
	}
	bid, err := strconv.ParseInt(r.PathValue("bid"), 10, 64)
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return nil, store.Funnel{}, false
	}
	f, err := s.opt.EventDesk.Funnel(r.Context(), bid)
	if errors.Is(err, event.ErrNotFound) || err == nil && f.EventID != ev.ID {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return nil, store.Funnel{}, false
	}
	if err != nil {
		s.serverError(w, r, u, err)
		return nil, store.Funnel{}, false
	}
	return ev, f, true
}

// funnelFigures are a funnel's numbers by name: the page's data-k
// attributes and the live stream's JSON use the same names.
func funnelFigures(f store.Funnel) map[string]int {
	pct := 100
	if f.Queued > 0 {
		pct = f.Done() * 100 / f.Queued
	}
	fin := 0
	if f.Finished() {
		fin = 1
	}
	return map[string]int{
		"queued": f.Queued, "pending": f.Pending + f.Sending, "sent": f.Sent, "failed": f.Failed + f.Expired, "cancelled": f.Cancelled,
		"skipped": f.Skipped(), "skipped_queue": f.BroadcastInfo.Skipped, "skipped_stopped": f.SkippedStopped, "skipped_off": f.SkippedOff,
		"already": f.Already, "answered": f.Answered, "unanswered": f.Queued - f.Answered - f.Cancelled, "going": f.Going, "people": f.People,
		"declined": f.Declined, "maybe": f.Maybe, "waitlist": f.Waitlist, "done": f.Done(), "pct": pct, "finished": fin,
	}
}

type funnelData struct {
	Ev       *event.Event
	F        store.Funnel
	Figures  map[string]int
	Audience string
	Statuses []string
	CanSend  bool
}

func (s *Server) funnelPage(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, f, ok := s.broadcastOf(w, r, u)
	if !ok {
		return
	}
	lang := langOf(w, r)
	d := funnelData{Ev: ev, F: f, Figures: funnelFigures(f), Audience: s.opt.EventDesk.Describe(f.Segment, lang), Statuses: store.FunnelStatuses,
		CanSend: ev.Status.Open() && s.opt.Now().Before(ev.Deadline())}
	s.render(w, r, &u, http.StatusOK, "events_funnel", "fun.title", page{Data: d, Flash: flashOf(r, lang)})
}

// funnelLive streams the funnel's figures as server-sent events ("event:
// funnel", data = funnelFigures as JSON) whenever they change, with a
// comment line every streamPing, for streamLife (then the browser
// reconnects, after the retry the stream asks for).
func (s *Server) funnelLive(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	_, f, ok := s.broadcastOf(w, r, u)
	if !ok {
		return
	}
	if !s.ev.take(u.Username) {
		w.Header().Set("Retry-After", "30")
		http.Error(w, t(langOf(w, r), "fun.busy"), http.StatusTooManyRequests)
		return
	}
	defer s.ev.release(u.Username)
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives any server write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, "retry: 3000\n: connected\n\n"); err != nil || rc.Flush() != nil {
		return
	}
	ctx := r.Context()
	tick := time.NewTicker(s.ev.every)
	defer tick.Stop()
	ping := time.NewTicker(streamPing)
	defer ping.Stop()
	end := time.NewTimer(streamLife)
	defer end.Stop()
	last := ""
	for {
		b, _ := json.Marshal(funnelFigures(f))
		if string(b) != last {
			if _, err := fmt.Fprintf(w, "event: funnel\ndata: %s\n\n", b); err != nil || rc.Flush() != nil {
				return
			}
			last = string(b)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.ev.done:
			return
		case <-end.C:
			return
		case <-ping.C:
			if _, err := io.WriteString(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		case <-tick.C:
		}
		nf, err := s.opt.EventDesk.Funnel(ctx, f.ID)
		if err != nil {
			if ctx.Err() == nil {
				s.opt.Log.Warn("dashboard: live funnel", "broadcast", f.ID, "err", err)
			}
			continue
		}
		f = nf
	}
}

var csvHeader = []string{"name", "business", "phone", "channel", "delivery", "error", "answer", "people", "needs", "sent_at"}

// funnelCSV is the recipients in one state of the funnel, phones masked;
// the export is audited.
func (s *Server) funnelCSV(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, f, ok := s.broadcastOf(w, r, u)
	if !ok {
		return
	}
	which := r.URL.Query().Get("status")
	if which == "" {
		which = "all"
	}
	rows, err := s.opt.EventDesk.FunnelRows(r.Context(), f.ID, which)
	if errors.Is(err, event.ErrInvalid) {
		s.fail(w, r, u, http.StatusBadRequest, "err.notfound")
		return
	}
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	if err := s.audit(r.Context(), u, "data.export", "broadcast", strconv.FormatInt(f.ID, 10), map[string]any{"status": which, "rows": len(rows), "event": ev.ID}); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="undangan-%d-%d-%s.csv"`, ev.ID, f.ID, which))
	cw := csv.NewWriter(w)
	_ = cw.Write(csvHeader)
	for _, x := range rows {
		phone := x.Phone
		if phone != "" {
			phone = idn.MaskPhone(phone)
		}
		_ = cw.Write([]string{csvSafe(x.Name), csvSafe(x.Business), phone, x.Channel, x.Status, csvSafe(x.Error), string(x.Answer),
			strconv.Itoa(x.PartySize), strings.Join(x.Needs, ","), (page{}).WIB(x.SentAt)})
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (s *Server) funnelResend(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, f, ok := s.broadcastOf(w, r, u)
	if !ok {
		return
	}
	res, err := s.opt.EventDesk.Resend(r.Context(), f.ID, "staff:"+u.Username, s.opt.Now())
	switch {
	case errors.Is(err, event.ErrClosed):
		s.fail(w, r, u, http.StatusConflict, "ev.iscancelled")
		return
	case errors.Is(err, event.ErrDeadlinePassed):
		s.fail(w, r, u, http.StatusConflict, "ev.deadline")
		return
	case err != nil:
		s.serverError(w, r, u, err)
		return
	}
	if err := s.audit(r.Context(), u, "event.resend", "event", strconv.FormatInt(ev.ID, 10),
		map[string]any{"from": f.ID, "broadcast": res.BroadcastID, "queued": res.Queued, "already": res.Already}); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	redirectOK(w, r, fmt.Sprintf("%s/broadcasts/%d", eventPath(ev.ID), res.BroadcastID), "ev.resent", res.Queued, res.Already)
}

// need is one thing temu bisnis attendees look for, with how many.
type need struct {
	Label string
	N     int
}

type answersData struct {
	Ev    *event.Event
	A     store.Attendance
	Rows  []store.ExportRow
	Needs []need
	Open  bool
}

// Phone masks a phone for the page.
func (p page) Phone(s string) string {
	if s == "" {
		return ""
	}
	return idn.MaskPhone(s)
}

// NeedLabels names a temu bisnis attendee's needs.
func (p page) NeedLabels(ns []string) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = event.NeedLabelIn(n, p.Lang)
	}
	return strings.Join(out, ", ")
}

// answers loads an event's answers with a view audited (names and
// masked phones of owners are personal data).
func (s *Server) answers(w http.ResponseWriter, r *http.Request, u store.StaffUser, action string) (answersData, bool) {
	ev, ok := s.eventByPath(w, r, u)
	if !ok {
		return answersData{}, false
	}
	ctx := r.Context()
	a, err := s.opt.EventDesk.Attendance(ctx, ev.ID)
	if err != nil {
		s.serverError(w, r, u, err)
		return answersData{}, false
	}
	rows, err := s.opt.EventDesk.ExportRows(ctx, ev.ID)
	if err != nil {
		s.serverError(w, r, u, err)
		return answersData{}, false
	}
	if err := s.audit(ctx, u, action, "event", strconv.FormatInt(ev.ID, 10), map[string]any{"rows": len(rows)}); err != nil {
		s.serverError(w, r, u, err)
		return answersData{}, false
	}
	d := answersData{Ev: ev, A: a, Rows: rows, Open: ev.Status.Open()}
	counts := map[string]int{}
	for _, x := range rows {
		if x.Invitation.Status == event.Going || x.Invitation.Status == event.Waitlist || x.Invitation.Status == event.Maybe {
			for _, n := range x.Invitation.Needs {
				counts[n]++
			}
		}
	}
	for _, n := range event.Needs {
		if counts[n] > 0 {
			d.Needs = append(d.Needs, need{event.NeedLabelIn(n, langOf(w, r)), counts[n]})
		}
	}
	sort.SliceStable(d.Needs, func(i, j int) bool { return d.Needs[i].N > d.Needs[j].N })
	return d, true
}

func (s *Server) answersPage(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	d, ok := s.answers(w, r, u, "data.view")
	if !ok {
		return
	}
	s.render(w, r, &u, http.StatusOK, "events_answers", "ans.title", page{Data: d, Flash: flashOf(r, langOf(w, r))})
}

// answersCSV exports every invitation with its answer, party size and
// needs, phones masked (the CLI's `event export` columns).
func (s *Server) answersCSV(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	d, ok := s.answers(w, r, u, "data.export")
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="jawaban-acara-%d.csv"`, d.Ev.ID))
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"invitation", "name", "business", "phone", "channel", "delivery", "answer", "people", "needs", "answered_at", "checkin_code", "checked_in_at"})
	for _, x := range d.Rows {
		phone := x.Phone
		if phone != "" {
			phone = idn.MaskPhone(phone)
		}
		inv := x.Invitation
		_ = cw.Write([]string{strconv.FormatInt(inv.ID, 10), csvSafe(x.Name), csvSafe(x.Business), phone, x.Channel, x.Delivery, string(inv.Status),
			strconv.Itoa(inv.PartySize), strings.Join(inv.Needs, ","), (page{}).WIB(inv.AnsweredAt), inv.CheckinCode, (page{}).WIB(inv.CheckedInAt)})
	}
	cw.Flush()
}

func (s *Server) answerPromote(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.eventByPath(w, r, u)
	if !ok {
		return
	}
	inv, err := strconv.ParseInt(r.PathValue("inv"), 10, 64)
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	err = s.opt.EventDesk.PromoteByHand(r.Context(), ev.ID, inv, s.opt.Now())
	switch {
	case errors.Is(err, event.ErrNotFound):
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	case errors.Is(err, event.ErrInvalid):
		s.fail(w, r, u, http.StatusConflict, "ans.notwaiting")
		return
	case errors.Is(err, event.ErrClosed):
		s.fail(w, r, u, http.StatusConflict, "ev.iscancelled")
		return
	case err != nil:
		s.serverError(w, r, u, err)
		return
	}
	if err := s.audit(r.Context(), u, "event.promote", "invitation", strconv.FormatInt(inv, 10), map[string]any{"event": ev.ID}); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	redirectOK(w, r, eventPath(ev.ID)+"/answers", "ev.promoted")
}

// printData is the attendee list and the badges: those going.
type printData struct {
	Ev   *event.Event
	Rows []store.ExportRow
}

func (s *Server) printRows(w http.ResponseWriter, r *http.Request, u store.StaffUser) (printData, bool) {
	d, ok := s.answers(w, r, u, "data.view")
	if !ok {
		return printData{}, false
	}
	p := printData{Ev: d.Ev}
	for _, x := range d.Rows {
		if x.Invitation.Status == event.Going {
			p.Rows = append(p.Rows, x)
		}
	}
	sort.SliceStable(p.Rows, func(i, j int) bool { return strings.ToLower(p.Rows[i].Name) < strings.ToLower(p.Rows[j].Name) })
	return p, true
}

func (s *Server) printList(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	d, ok := s.printRows(w, r, u)
	if !ok {
		return
	}
	s.render(w, r, &u, http.StatusOK, "events_print", "prt.title", page{Data: d})
}

func (s *Server) printBadges(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	d, ok := s.printRows(w, r, u)
	if !ok {
		return
	}
	s.render(w, r, &u, http.StatusOK, "events_badges", "bdg.title", page{Data: d})
}
