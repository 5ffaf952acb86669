package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"jejaring/internal/actions/eventactions"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
)

// EventDesk is what the event pages call: the event repository and the
// staff desk of package eventactions, the same code the staff chat flow
// runs (eventactions.Backend implements it).
type EventDesk interface {
	ListEvents(ctx context.Context, f store.EventFilter) ([]event.Event, error)
	Event(ctx context.Context, id int64) (*event.Event, error)
	CreateEvent(ctx context.Context, ev *event.Event, now time.Time) (int64, error)
	UpdateDetails(ctx context.Context, id int64, d store.EventDetails, now time.Time) (int, error)
	Change(ctx context.Context, id int64, ch store.EventChange, now time.Time) (int, error)
	Cancel(ctx context.Context, id int64, now time.Time) (int, error)
	Publish(ctx context.Context, id int64, now time.Time) error
	Duplicate(ctx context.Context, id int64, by string, now time.Time) (int64, error)
	Attendance(ctx context.Context, eventID int64) (store.Attendance, error)
	Broadcast(ctx context.Context, req store.BroadcastRequest, now time.Time) (store.BroadcastResult, error)
	Broadcasts(ctx context.Context, eventID int64) ([]store.BroadcastInfo, error)
	Funnel(ctx context.Context, broadcastID int64) (store.Funnel, error)
	FunnelRows(ctx context.Context, broadcastID int64, which string) ([]store.FunnelRow, error)
	Resend(ctx context.Context, id int64, by string, now time.Time) (store.BroadcastResult, error)
	TestSend(ctx context.Context, eventID int64, contacts []store.StaffContact, now time.Time) (int, error)
	ExportRows(ctx context.Context, eventID int64) ([]store.ExportRow, error)
	PromoteByHand(ctx context.Context, eventID, invitationID int64, now time.Time) error
	TelegramUsername() string

	Plan(ctx context.Context, eventID int64, seg event.Segment, lang string) (eventactions.AudienceView, error)
	Segment(f eventactions.SegmentForm) (event.Segment, error)
	Describe(seg event.Segment, lang string) string
	Previews(ev *event.Event, lang string, telegramBot string) []eventactions.Preview
	RegionName(code string) string
}

var _ EventDesk = eventactions.Backend{}

// eventPages is the event pages' state: the open live-funnel streams.
type eventPages struct {
	mu      sync.Mutex
	streams map[string]int // per user
	total   int
	done    chan struct{}
	closed  bool
	every   time.Duration // how often a stream looks at the funnel
}

// Live-funnel stream limits, as the web chat's: a few tabs per user, a cap
// for all, and a lifetime after which the browser reconnects (so a stream
// never keeps a shutdown waiting long).
const (
	streamsPerUser = 4
	maxStreams     = 200
	streamLife     = 2 * time.Minute
	streamPing     = 15 * time.Second
)

func newEventPages() *eventPages {
	return &eventPages{streams: map[string]int{}, done: make(chan struct{}), every: time.Second}
}

func (e *eventPages) take(user string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || e.streams[user] >= streamsPerUser || e.total >= maxStreams {
		return false
	}
	e.streams[user]++
	e.total++
	return true
}

func (e *eventPages) release(user string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.streams[user]--
	e.total--
	if e.streams[user] <= 0 {
		delete(e.streams, user)
	}
}

// Close ends the open live streams (at shutdown).
func (s *Server) Close() {
	s.ev.mu.Lock()
	defer s.ev.mu.Unlock()
	if !s.ev.closed {
		s.ev.closed = true
		close(s.ev.done)
	}
}

// defaultEventDesk is the desk on opt.Events (a *store.EventRepo) with
// the default paces and every channel taken as on, for a dashboard
// started without one.
func defaultEventDesk(opt Options) (EventDesk, error) {
	repo, ok := opt.Events.(*store.EventRepo)
	if !ok {
		return nil, errors.New("web: EventDesk is required when Events is not a *store.EventRepo")
	}
	d, err := eventactions.NewDesk(eventactions.Desk{Events: repo, Region: opt.Data.Region})
	if err != nil {
		return nil, err
	}
	return eventactions.Backend{Desk: d, EventRepo: repo}, nil
}

// eventRoutes adds the event pages to mux. Viewers read; staff change.
func (s *Server) eventRoutes(mux *http.ServeMux) {
	mux.Handle("GET /dashboard/events", s.need(store.RoleViewer, s.eventList))
	mux.Handle("GET /dashboard/events/new", s.need(store.RoleStaff, s.eventNew))
	mux.Handle("POST /dashboard/events", s.need(store.RoleStaff, s.eventCreate))
	mux.Handle("GET /dashboard/events/{id}", s.need(store.RoleViewer, s.eventShow))
	mux.Handle("GET /dashboard/events/{id}/edit", s.need(store.RoleStaff, s.eventEditPage))
	mux.Handle("POST /dashboard/events/{id}/edit", s.need(store.RoleStaff, s.eventEdit))
	mux.Handle("POST /dashboard/events/{id}/publish", s.need(store.RoleStaff, s.eventPublish))
	mux.Handle("POST /dashboard/events/{id}/cancel", s.need(store.RoleStaff, s.eventCancel))
	mux.Handle("POST /dashboard/events/{id}/duplicate", s.need(store.RoleStaff, s.eventDuplicate))
	mux.Handle("GET /dashboard/events/{id}/audience", s.need(store.RoleStaff, s.audiencePage))
	mux.Handle("GET /dashboard/events/{id}/audience/count", s.need(store.RoleStaff, s.audienceCount))
	mux.Handle("POST /dashboard/events/{id}/audience", s.need(store.RoleStaff, s.audiencePost))
	mux.Handle("GET /dashboard/events/{id}/broadcasts/{bid}", s.need(store.RoleViewer, s.funnelPage))
	mux.Handle("GET /dashboard/events/{id}/broadcasts/{bid}/live", s.need(store.RoleViewer, s.funnelLive))
	mux.Handle("GET /dashboard/events/{id}/broadcasts/{bid}/csv", s.need(store.RoleStaff, s.funnelCSV))
	mux.Handle("POST /dashboard/events/{id}/broadcasts/{bid}/resend", s.need(store.RoleStaff, s.funnelResend))
	mux.Handle("GET /dashboard/events/{id}/answers", s.need(store.RoleStaff, s.answersPage))
	mux.Handle("GET /dashboard/events/{id}/answers.csv", s.need(store.RoleStaff, s.answersCSV))
	mux.Handle("POST /dashboard/events/{id}/answers/{inv}/promote", s.need(store.RoleStaff, s.answerPromote))
	mux.Handle("GET /dashboard/events/{id}/print", s.need(store.RoleStaff, s.printList))
	mux.Handle("GET /dashboard/events/{id}/badges", s.need(store.RoleStaff, s.printBadges))
}

// N writes a count the page's way: 6.800 or 6,800.
func (p page) N(n int) string { return idn.Thousands(n, p.Lang) }

// When is an event's time span in the page's language.
func (p page) When(ev event.Event) string { return event.FormatWhenIn(&ev, p.Lang) }

// WIB is a time of day and date in WIB, "" for zero.
func (p page) WIB(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(idn.WIB).Format("2006-01-02 15:04")
}

// KindLabel names an event kind in the page's language.
func (p page) KindLabel(k event.Kind) string { return event.KindLabel(k, p.Lang) }

// StatusLabel names an event status.
func (p page) StatusLabel(st event.Status) string { return t(p.Lang, "ev.status."+string(st)) }

// AnswerLabel names an invitation's answer.
func (p page) AnswerLabel(a event.Answer) string { return t(p.Lang, "ev.answer."+string(a)) }

// eventByPath loads the event of the path's {id}; a missing one is answered.
func (s *Server) eventByPath(w http.ResponseWriter, r *http.Request, u store.StaffUser) (*event.Event, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return nil, false
	}
	ev, err := s.opt.EventDesk.Event(r.Context(), id)
	if errors.Is(err, event.ErrNotFound) {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return nil, false
	}
	if err != nil {
		s.serverError(w, r, u, err)
		return nil, false
	}
	return ev, true
}

func eventPath(id int64) string { return fmt.Sprintf("/dashboard/events/%d", id) }

// evListRow is one line of the events list.
type evListRow struct {
	Ev event.Event
	A  store.Attendance
}

type eventListData struct {
	Upcoming, Drafts, Past []evListRow
}

func (s *Server) eventList(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ctx := r.Context()
	evs, err := s.opt.EventDesk.ListEvents(ctx, store.EventFilter{})
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	now := s.opt.Now()
	var d eventListData
	for _, ev := range evs {
		a, err := s.opt.EventDesk.Attendance(ctx, ev.ID)
		if err != nil {
			s.serverError(w, r, u, err)
			return
		}
		row := evListRow{ev, a}
		switch {
		case ev.Status == event.Draft && ev.EndsAt.After(now):
			d.Drafts = append(d.Drafts, row)
		case ev.Status != event.Cancelled && ev.EndsAt.After(now):
			d.Upcoming = append(d.Upcoming, row)
		default:
			d.Past = append(d.Past, row)
		}
	}
	// The latest past events first.
	sort.SliceStable(d.Past, func(i, j int) bool { return d.Past[i].Ev.StartsAt.After(d.Past[j].Ev.StartsAt) })
	s.render(w, r, &u, http.StatusOK, "events", "ev.title", page{Data: d})
}

// eventFormData is the create/edit form.
type eventFormData struct {
	ID     int64 // 0: a new event
	Status event.Status
	V      eventactions.EventForm
	Errs   map[string]string
	Kinds  []event.Kind
}

func (s *Server) eventNew(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	s.render(w, r, &u, http.StatusOK, "events_form", "ev.new", page{Data: eventFormData{V: eventactions.EventForm{Kind: string(event.Seminar), MaxParty: "1", Capacity: "0"}, Kinds: event.Kinds}})
}

func evFormOf(r *http.Request) eventactions.EventForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return eventactions.EventForm{Title: v("title"), Kind: v("kind"), Description: v("description"), Venue: v("venue"), MapURL: v("map_url"),
		Start: v("start"), End: v("end"), Deadline: v("deadline"), Capacity: v("capacity"), MaxParty: v("max_party")}
}

// formProblems turns an EventForm error into texts per field (and "" for
// the whole form) in lang.
func formProblems(err error, lang string) map[string]string {
	out := map[string]string{}
	var fe eventactions.FormError
	if errors.As(err, &fe) {
		for k := range fe {
			out[k] = t(lang, "ev.bad."+k)
		}
		return out
	}
	// event.Validate's problems, joined by "; ".
	msg := strings.TrimPrefix(err.Error(), event.ErrInvalid.Error()+": ")
	var general []string
	for p := range strings.SplitSeq(msg, "; ") {
		switch {
		case strings.HasPrefix(p, "title"):
			out["title"] = t(lang, "ev.bad.title")
		case strings.HasPrefix(p, "end must"):
			out["end"] = t(lang, "ev.bad.endbefore")
		case strings.HasPrefix(p, "capacity"):
			out["capacity"] = t(lang, "ev.bad.capacity")
		case strings.HasPrefix(p, "max party is larger"):
			out["max_party"] = t(lang, "ev.bad.partycap")
		case strings.HasPrefix(p, "max party"):
			out["max_party"] = t(lang, "ev.bad.max_party")
		case strings.HasPrefix(p, "RSVP deadline"):
			out["deadline"] = t(lang, "ev.bad.deadlineafter")
		case strings.HasPrefix(p, "map link"):
			out["map_url"] = t(lang, "ev.bad.map_url")
		default:
			general = append(general, p)
		}
	}
	if len(general) > 0 {
		out[""] = strings.Join(general, "; ")
	}
	return out
}

func (s *Server) eventCreate(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	f := evFormOf(r)
	ev, err := f.Event()
	if err == nil {
		ev.CreatedBy = "staff:" + u.Username
		_, err = s.opt.EventDesk.CreateEvent(r.Context(), ev, s.opt.Now())
	}
	if err != nil {
		if !errors.Is(err, event.ErrInvalid) && !errors.As(err, new(eventactions.FormError)) {
			s.serverError(w, r, u, err)
			return
		}
		errs := formProblems(err, lang)
		s.render(w, r, &u, http.StatusUnprocessableEntity, "events_form", "ev.new", page{Error: t(lang, "ev.fix") + " " + errs[""], Data: eventFormData{V: f, Errs: errs, Kinds: event.Kinds}})
		return
	}
	if err := s.audit(r.Context(), u, "event.create", "event", strconv.FormatInt(ev.ID, 10), map[string]any{"title": ev.Title}); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	http.Redirect(w, r, eventPath(ev.ID)+"?ok=ev.created", http.StatusSeeOther)
}

func (s *Server) eventEditPage(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.eventByPath(w, r, u)
	if !ok {
		return
	}
	s.render(w, r, &u, http.StatusOK, "events_form", "ev.edit", page{Data: eventFormData{ID: ev.ID, Status: ev.Status, V: eventactions.FormOf(ev), Kinds: event.Kinds}})
}

// eventEdit saves the form: the words, seats, deadline and kind at once;
// a moved time or venue through Change, which sends the CLI's notices to
// those who answered Hadir or Mungkin when the event is published.
func (s *Server) eventEdit(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	old, ok := s.eventByPath(w, r, u)
	if !ok {
		return
	}
	lang := langOf(w, r)
	f := evFormOf(r)
	again := func(err error) {
		errs := formProblems(err, lang)
		s.render(w, r, &u, http.StatusUnprocessableEntity, "events_form", "ev.edit", page{Error: t(lang, "ev.fix") + " " + errs[""], Data: eventFormData{ID: old.ID, Status: old.Status, V: f, Errs: errs, Kinds: event.Kinds}})
	}
	ev, err := f.Event()
	if err != nil {
		again(err)
		return
	}
	ctx, now := r.Context(), s.opt.Now()
	if old.Status == event.Cancelled {
		s.render(w, r, &u, http.StatusConflict, "error", "app", page{Error: t(lang, "ev.iscancelled")})
		return
	}
	var ch store.EventChange
	if !ev.StartsAt.Equal(old.StartsAt) {
		ch.StartsAt = ev.StartsAt
	}
	if !ev.EndsAt.Equal(old.EndsAt) || !ch.StartsAt.IsZero() {
		ch.EndsAt = ev.EndsAt
	}
	if ev.Venue != old.Venue {
		ch.Venue = &ev.Venue
	}
	if ev.MapURL != old.MapURL {
		ch.MapURL = &ev.MapURL
	}
	// The deadline is checked against the new start: change time first.
	notices := 0
	if !ch.StartsAt.IsZero() || !ch.EndsAt.IsZero() || ch.Venue != nil || ch.MapURL != nil {
		if notices, err = s.opt.EventDesk.Change(ctx, old.ID, ch, now); err != nil {
			if errors.Is(err, event.ErrInvalid) {
				again(err)
				return
			}
			s.serverError(w, r, u, err)
			return
		}
	}
	promoted, err := s.opt.EventDesk.UpdateDetails(ctx, old.ID, store.EventDetails{Title: ev.Title, Description: ev.Description, Kind: ev.Kind,
		Capacity: ev.Capacity, MaxParty: ev.MaxParty, RSVPDeadline: ev.RSVPDeadline, Segment: old.Segment}, now)
	if err != nil {
		if errors.Is(err, event.ErrInvalid) {
			again(err)
			return
		}
		s.serverError(w, r, u, err)
		return
	}
	if err := s.audit(ctx, u, "event.update", "event", strconv.FormatInt(old.ID, 10), map[string]any{"notices": notices, "promoted": promoted}); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	redirectOK(w, r, eventPath(old.ID), "ev.saved", notices, promoted)
}

// redirectOK goes to path with the flash text key and its numbers, shown
// by flashOf on the page (keys only: no text of the link's own is shown).
func redirectOK(w http.ResponseWriter, r *http.Request, path, key string, nums ...int) {
	path = strings.TrimSuffix(path, "?")
	q := url.Values{"ok": {key}}
	for _, n := range nums {
		q.Add("n", strconv.Itoa(n))
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	http.Redirect(w, r, path+sep+q.Encode(), http.StatusSeeOther)
}

// flashOf is the flash text of an event page's ?ok=ev.…&n=….
func flashOf(r *http.Request, lang string) string {
	q := r.URL.Query()
	key := q.Get("ok")
	if !strings.HasPrefix(key, "ev.") {
		return ""
	}
	var args []any
	for _, v := range q["n"] {
		n, err := strconv.Atoi(v)
		if err != nil {
			return ""
		}
		args = append(args, n)
	}
	text := t(lang, key)
	if len(args) == 0 || strings.Count(text, "%d") != len(args) {
		if strings.Contains(text, "%") {
			return ""
		}
		return text
	}
	return fmt.Sprintf(text, args...)
}

type eventShowData struct {
	Ev         *event.Event
	A          store.Attendance
	Audience   string
	Broadcasts []store.BroadcastInfo
	CanSend    bool
	Deadline   string
}

func (s *Server) eventShow(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.eventByPath(w, r, u)
	if !ok {
		return
	}
	ctx := r.Context()
	lang := langOf(w, r)
	a, err := s.opt.EventDesk.Attendance(ctx, ev.ID)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	bs, err := s.opt.EventDesk.Broadcasts(ctx, ev.ID)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	d := eventShowData{Ev: ev, A: a, Audience: s.opt.EventDesk.Describe(ev.Segment, lang), Broadcasts: bs,
		CanSend:  ev.Status != event.Cancelled && s.opt.Now().Before(ev.StartsAt),
		Deadline: event.FormatDateIn(ev.Deadline(), lang) + " " + event.FormatClockIn(ev.Deadline(), lang)}
	s.render(w, r, &u, http.StatusOK, "events_show", "ev.event", page{Data: d, Flash: flashOf(r, lang)})
}

func (s *Server) eventPublish(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.eventByPath(w, r, u)
	if !ok {
		return
	}
	if err := s.opt.EventDesk.Publish(r.Context(), ev.ID, s.opt.Now()); err != nil {
		if errors.Is(err, event.ErrClosed) {
			s.fail(w, r, u, http.StatusConflict, "ev.iscancelled")
			return
		}
		s.serverError(w, r, u, err)
		return
	}
	if err := s.audit(r.Context(), u, "event.publish", "event", strconv.FormatInt(ev.ID, 10), nil); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	http.Redirect(w, r, eventPath(ev.ID)+"?ok=ev.published", http.StatusSeeOther)
}

func (s *Server) eventCancel(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.eventByPath(w, r, u)
	if !ok {
		return
	}
	if r.PostFormValue("confirm") != "1" {
		redirectOK(w, r, eventPath(ev.ID), "ev.cancelconfirm")
		return
	}
	n, err := s.opt.EventDesk.Cancel(r.Context(), ev.ID, s.opt.Now())
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	if err := s.audit(r.Context(), u, "event.cancel", "event", strconv.FormatInt(ev.ID, 10), map[string]any{"notices": n}); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	redirectOK(w, r, eventPath(ev.ID), "ev.cancelled", n)
}

func (s *Server) eventDuplicate(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.eventByPath(w, r, u)
	if !ok {
		return
	}
	id, err := s.opt.EventDesk.Duplicate(r.Context(), ev.ID, "staff:"+u.Username, s.opt.Now())
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	if err := s.audit(r.Context(), u, "event.create", "event", strconv.FormatInt(id, 10), map[string]any{"copy_of": ev.ID}); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	http.Redirect(w, r, eventPath(id)+"/edit", http.StatusSeeOther)
}
