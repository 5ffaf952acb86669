package web

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/actions/eventactions"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm/sheet"
)

// DoorStore is what the check-in pages need of the events: the same
// store methods the chat's staff menu uses (eventactions), so a check-in
// at the door and one typed in the chat are one thing.
type DoorStore interface {
	ListEvents(ctx context.Context, f store.EventFilter) ([]event.Event, error)
	Event(ctx context.Context, id int64) (*event.Event, error)
	Attendance(ctx context.Context, eventID int64) (store.Attendance, error)
	CheckInScan(ctx context.Context, eventID int64, scanID, code, by string, now time.Time) (store.ScanResult, error)
	FindAttendees(ctx context.Context, eventID int64, q string, limit int) ([]store.Attendee, error)
	Attendees(ctx context.Context, eventID int64) ([]store.Attendee, error)
	AttendanceByRegion(ctx context.Context, eventID int64) ([]store.RegionAttendance, error)
}

func (s *Server) door() DoorStore { return s.opt.Door }

// noDoor answers the check-in pages of a dashboard without a DoorStore.
func (s *Server) noDoor(w http.ResponseWriter, r *http.Request, u store.StaffUser) bool {
	if s.opt.Door != nil {
		return false
	}
	s.fail(w, r, u, http.StatusNotFound, "err.notfound")
	return true
}

// doorEvent is one event in the check-in list.
type doorEvent struct {
	Event event.Event
	When  string
	Att   store.Attendance
}

// checkinList lists the events one can check people in to: open ones not
// ended more than a month ago, soonest first.
func (s *Server) checkinList(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	if s.noDoor(w, r, u) {
		return
	}
	lang := langOf(w, r)
	evs, err := s.door().ListEvents(r.Context(), store.EventFilter{From: s.opt.Now().AddDate(0, -1, 0), Statuses: []event.Status{event.Published, event.Changed}, Limit: 100})
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	var list []doorEvent
	for _, ev := range evs {
		a, err := s.door().Attendance(r.Context(), ev.ID)
		if err != nil {
			s.serverError(w, r, u, err)
			return
		}
		list = append(list, doorEvent{Event: ev, When: s.eventWhen(&ev, lang), Att: a})
	}
	s.render(w, r, &u, http.StatusOK, "checkin_list", "door.title", page{Data: list})
}

func (s *Server) eventWhen(ev *event.Event, lang string) string {
	return idn.DayDate(ev.StartsAt.In(s.location), lang) + ", " + idn.Clock(ev.StartsAt)
}

// doorEventOf loads the event in the path, or answers 404.
func (s *Server) doorEventOf(w http.ResponseWriter, r *http.Request, u store.StaffUser) (*event.Event, bool) {
	if s.noDoor(w, r, u) {
		return nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var ev *event.Event
	if err == nil {
		ev, err = s.door().Event(r.Context(), id)
	}
	switch {
	case err == nil:
		return ev, true
	case errors.Is(err, event.ErrNotFound) || errors.Is(err, strconv.ErrSyntax) || errors.Is(err, strconv.ErrRange):
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
	default:
		s.serverError(w, r, u, err)
	}
	return nil, false
}

type doorPage struct {
	Event  *event.Event
	When   string
	Att    store.Attendance
	ScanID string      // for the form without script
	Result *scanAnswer // the answer to that form
	Q      string
	Found  []foundAttendee
}

func newScanID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "srv-" + hex.EncodeToString(b[:])
}

// checkinPage is the door page: camera, code, name search. It works
// without script too (a form that posts the code, a search that reloads).
func (s *Server) checkinPage(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.doorEventOf(w, r, u)
	if !ok {
		return
	}
	s.renderDoor(w, r, u, ev, nil)
}

func (s *Server) renderDoor(w http.ResponseWriter, r *http.Request, u store.StaffUser, ev *event.Event, res *scanAnswer) {
	lang := langOf(w, r)
	a, err := s.door().Attendance(r.Context(), ev.ID)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	d := doorPage{Event: ev, When: s.eventWhen(ev, lang), Att: a, ScanID: newScanID(), Result: res, Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	if d.Q != "" {
		if d.Found, err = s.findAttendees(r.Context(), ev.ID, d.Q, lang); err != nil {
			s.serverError(w, r, u, err)
			return
		}
	}
	s.render(w, r, &u, http.StatusOK, "checkin", "door.scan", page{Data: d})
}

// scanAnswer is the answer to a scan, as the page shows it.
type scanAnswer struct {
	ScanID    string `json:"scan_id"`
	Outcome   string `json:"outcome"` // store.ScanOK, ...
	Replayed  bool   `json:"replayed"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	PartySize int    `json:"party_size"`
	FirstAt   string `json:"first_at,omitempty"` // WIB clock of the (first) check-in
	Text      string `json:"text"`
	CheckedIn int    `json:"checked_in"` // the event's count after this scan
}

// OK reports whether the scan let the person in.
func (a scanAnswer) OK() bool { return a.Outcome == store.ScanOK }

type scanRequest struct {
	ScanID string `json:"scan_id"`
	Code   string `json:"code"`
}

// checkinScan takes one scan: JSON {scan_id, code} from the page's script
// (which sends it again, same id, until it has an answer), or the plain
// form. The same scan id always gets the same answer.
func (s *Server) checkinScan(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.doorEventOf(w, r, u)
	if !ok {
		return
	}
	lang := langOf(w, r)
	isJSON := strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
	var req scanRequest
	if isJSON {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&req); err != nil {
			writeDoorJSON(w, http.StatusBadRequest, map[string]string{"error": t(lang, "door.badreq")})
			return
		}
	} else {
		req = scanRequest{ScanID: r.PostFormValue("scan_id"), Code: r.PostFormValue("code")}
	}
	res, err := s.door().CheckInScan(r.Context(), ev.ID, req.ScanID, req.Code, "staff:"+u.Username, s.opt.Now())
	if errors.Is(err, store.ErrBadScanID) {
		if isJSON {
			writeDoorJSON(w, http.StatusBadRequest, map[string]string{"error": t(lang, "door.badreq")})
			return
		}
		req.ScanID = newScanID() // a form without a good id: take it as a new scan
		res, err = s.door().CheckInScan(r.Context(), ev.ID, req.ScanID, req.Code, "staff:"+u.Username, s.opt.Now())
	}
	if err != nil {
		s.opt.Log.Error("dashboard: check-in", "event", ev.ID, "err", err)
		if isJSON {
			writeDoorJSON(w, http.StatusInternalServerError, map[string]string{"error": t(lang, "err.server")})
			return
		}
		s.serverError(w, r, u, err)
		return
	}
	a := scanAnswer{ScanID: req.ScanID, Outcome: res.Outcome, Replayed: res.Replayed, Code: res.Code, Name: res.Name,
		PartySize: res.PartySize, Text: eventactions.CheckinText(lang, res)}
	if !res.CheckedInAt.IsZero() {
		a.FirstAt = idn.Clock(res.CheckedInAt)
	}
	if att, err := s.door().Attendance(r.Context(), ev.ID); err == nil {
		a.CheckedIn = att.CheckedIn
	}
	if isJSON {
		writeDoorJSON(w, http.StatusOK, a)
		return
	}
	s.renderDoor(w, r, u, ev, &a)
}

// foundAttendee is one line of a name search.
type foundAttendee struct {
	Name      string `json:"name"`
	Business  string `json:"business"`
	Kecamatan string `json:"kecamatan"`
	Code      string `json:"code"`
	PartySize int    `json:"party_size"`
	Going     bool   `json:"going"`
	Status    string `json:"status"`   // the answer, in words
	FirstAt   string `json:"first_at"` // WIB clock of the check-in, "" none
}

func (s *Server) findAttendees(ctx context.Context, eventID int64, q, lang string) ([]foundAttendee, error) {
	as, err := s.door().FindAttendees(ctx, eventID, q, 20)
	if err != nil {
		return nil, err
	}
	out := make([]foundAttendee, 0, len(as))
	for _, a := range as {
		f := foundAttendee{Name: a.Name, Business: a.Business, Kecamatan: s.kecamatanName(a.RegionCode, lang), Code: a.Code,
			PartySize: max(a.PartySize, 1), Going: a.Status == event.Going, Status: event.AnswerLabel(a.Status, lang)}
		if !a.CheckedInAt.IsZero() {
			f.FirstAt = idn.Clock(a.CheckedInAt)
		}
		out = append(out, f)
	}
	return out, nil
}

// checkinFind is the name search as JSON, for the page's script.
func (s *Server) checkinFind(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.doorEventOf(w, r, u)
	if !ok {
		return
	}
	found, err := s.findAttendees(r.Context(), ev.ID, r.URL.Query().Get("q"), langOf(w, r))
	if err != nil {
		s.opt.Log.Error("dashboard: find attendees", "event", ev.ID, "err", err)
		writeDoorJSON(w, http.StatusInternalServerError, map[string]string{"error": t(langOf(w, r), "err.server")})
		return
	}
	writeDoorJSON(w, http.StatusOK, map[string]any{"found": found})
}

func writeDoorJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// regionRow is one kecamatan of the attendance table.
type regionRow struct {
	Name string
	store.RegionAttendance
}

type attendanceData struct {
	Event   *event.Event
	When    string
	Att     store.Attendance
	Regions []regionRow
	Total   store.RegionAttendance
}

// checkinAttendance shows who came and who did not, per kecamatan, with
// CSVs (?csv=regions, ?csv=people).
func (s *Server) checkinAttendance(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	ev, ok := s.doorEventOf(w, r, u)
	if !ok {
		return
	}
	lang := langOf(w, r)
	ctx := r.Context()
	if r.URL.Query().Get("csv") == "people" {
		s.attendeesCSV(w, r, u, ev, lang)
		return
	}
	a, err := s.door().Attendance(ctx, ev.ID)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	regions, err := s.door().AttendanceByRegion(ctx, ev.ID)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	d := attendanceData{Event: ev, When: s.eventWhen(ev, lang), Att: a}
	for _, ra := range regions {
		d.Regions = append(d.Regions, regionRow{s.kecamatanName(ra.RegionCode, lang), ra})
		d.Total.Going += ra.Going
		d.Total.Seats += ra.Seats
		d.Total.CheckedIn += ra.CheckedIn
		d.Total.People += ra.People
		d.Total.NoShow += ra.NoShow
	}
	if r.URL.Query().Get("csv") == "regions" {
		recs := [][]string{{t(lang, "dir.kecamatan"), t(lang, "door.going"), t(lang, "door.seats"), t(lang, "door.came"), t(lang, "door.people"), t(lang, "door.noshow")}}
		row := func(name string, x store.RegionAttendance) {
			recs = append(recs, []string{sheet.CSVText(name), strconv.Itoa(x.Going), strconv.Itoa(x.Seats), strconv.Itoa(x.CheckedIn), strconv.Itoa(x.People), strconv.Itoa(x.NoShow)})
		}
		for _, x := range d.Regions {
			row(x.Name, x.RegionAttendance)
		}
		row(t(lang, "door.total"), d.Total)
		writeDoorCSV(w, fmt.Sprintf("kehadiran-acara-%d-kecamatan.csv", ev.ID), recs)
		return
	}
	s.render(w, r, &u, http.StatusOK, "checkin_attendance", "door.attendance", page{Data: d})
}

// attendeesCSV lists everyone who said Hadir or came: name, business,
// kecamatan, party size, and when they checked in (WIB). No phone or NIK.
func (s *Server) attendeesCSV(w http.ResponseWriter, r *http.Request, u store.StaffUser, ev *event.Event, lang string) {
	as, err := s.door().Attendees(r.Context(), ev.ID)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	recs := [][]string{{t(lang, "f.owner_name"), t(lang, "f.name"), t(lang, "dir.kecamatan"), t(lang, "door.code"), t(lang, "col.answer"), t(lang, "door.people"), t(lang, "door.checkedinat")}}
	for _, a := range as {
		at := ""
		if !a.CheckedInAt.IsZero() {
			at = a.CheckedInAt.In(s.location).Format("2006-01-02 15:04") + " WIB"
		}
		recs = append(recs, []string{sheet.CSVText(a.Name), sheet.CSVText(a.Business), s.kecamatanName(a.RegionCode, lang), a.Code,
			event.AnswerLabel(a.Status, lang), strconv.Itoa(max(a.PartySize, 1)), at})
	}
	writeDoorCSV(w, fmt.Sprintf("kehadiran-acara-%d-peserta.csv", ev.ID), recs)
}

func writeDoorCSV(w http.ResponseWriter, name string, recs [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	cw := csv.NewWriter(w)
	_ = cw.WriteAll(recs)
}
