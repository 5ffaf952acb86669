package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/actions/matchactions"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/match"
	"jejaring/internal/store"
)

// Matchmaking is what the temu bisnis pages need: the same service the
// chat's actions and `jejaring match` use (matchactions.Service).
type Matchmaking interface {
	TemuEvents(ctx context.Context, now time.Time) ([][2]string, error)
	Partners(ctx context.Context) ([]match.PartnerProfile, error)
	AddPartner(ctx context.Context, p *match.PartnerProfile, eventID int64, seats int, now time.Time) error
	ImportPartners(ctx context.Context, name string, r io.Reader, eventID int64, now time.Time) (*matchactions.PartnerImport, error)
	SetupOf(ctx context.Context, eventID int64) (*match.Setup, error)
	SaveSetup(ctx context.Context, s *match.Setup, now time.Time) error
	Plan(ctx context.Context, eventID int64, now time.Time) (*matchactions.PlanReport, error)
	Matrix(ctx context.Context, eventID int64) (*matchactions.Matrix, error)
	Recommend(ctx context.Context, eventID, invitationID, partnerID int64, veto bool, by string, now time.Time) error
	Run(ctx context.Context, eventID int64, now time.Time, skip ...string) (*matchactions.RunReport, error)
	Publish(ctx context.Context, eventID int64, now time.Time) (int, error)
	MasterSchedule(ctx context.Context, eventID int64) ([]matchactions.ScheduleRow, error)
	Move(ctx context.Context, eventID, meetingID int64, slot, table int, now time.Time) error
	Lock(ctx context.Context, meetingID int64, locked bool, now time.Time) error
	Agenda(ctx context.Context, eventID int64, side string, id int64) (*match.Agenda, error)
}

var _ Matchmaking = (*matchactions.Service)(nil)

// matchMsgs are the temu bisnis pages' texts (page.M).
var matchMsgs = map[string]tr{
	"nav.match":        {"Temu bisnis", "Matchmaking"},
	"match.title":      {"Temu bisnis", "Matchmaking"},
	"match.events":     {"Acara temu bisnis", "Matchmaking events"},
	"match.noevents":   {"Belum ada acara temu bisnis yang terbit. Buat acaranya dulu (jejaring event create --kind temu_bisnis).", "No published matchmaking event yet. Create one first (jejaring event create --kind temu_bisnis)."},
	"match.partners":   {"Mitra", "Partners"},
	"match.nopartners": {"Belum ada mitra.", "No partners yet."},
	"match.addpartner": {"Tambah mitra", "Add a partner"},
	"match.import":     {"Impor mitra dari .xlsx atau .csv", "Import partners from .xlsx or .csv"},
	"match.importhelp": {"Kolom: jenis, lembaga, narahubung, telepon, penawaran, bidang, skala min, skala max, kecamatan, kursi, setuju tampil.", "Columns: jenis, lembaga, narahubung, telepon, penawaran, bidang, skala min, skala max, kecamatan, kursi, setuju tampil."},
	"match.file":       {"Berkas", "File"},
	"match.event":      {"Acara", "Event"},
	"match.noevent":    {"(tanpa acara)", "(no event)"},
	"match.kind":       {"Jenis", "Kind"},
	"match.org":        {"Lembaga", "Organisation"},
	"match.person":     {"Narahubung", "Contact person"},
	"match.offer":      {"Yang ditawarkan / dicari", "Offers / looks for"},
	"match.sectors":    {"Bidang (seksi KBLI, mis. C G; kosong = semua)", "Sectors (KBLI sections, e.g. C G; empty = all)"},
	"match.seats":      {"Pertemuan sekaligus", "Meetings at once"},
	"match.consent":    {"Setuju ditampilkan ke UMKM", "Agrees to be shown to owners"},
	"match.shown":      {"tampil", "shown"},
	"match.hidden":     {"tidak tampil", "not shown"},
	"match.save":       {"Simpan", "Save"},
	"match.open":       {"Buka", "Open"},
	"match.link":       {"Tautan pendaftaran mitra (kirim ke calon mitra)", "Partner registration link (send it to prospective partners)"},
	"match.setup":      {"Sesi dan meja", "Slots and tables"},
	"match.slots":      {"Jumlah sesi", "Slots"},
	"match.minutes":    {"Menit per sesi", "Minutes per slot"},
	"match.start":      {"Sesi pertama mulai (WIB, YYYY-MM-DD HH:MM)", "First slot starts (WIB, YYYY-MM-DD HH:MM)"},
	"match.tables":     {"Jumlah meja", "Tables"},
	"match.cap":        {"Pertemuan per UMKM paling banyak", "Meetings per owner at most"},
	"match.nosetup":    {"Sesi dan meja belum diatur.", "Slots and tables are not set yet."},
	"match.plan":       {"Kelayakan", "Feasibility"},
	"match.run":        {"Susun jadwal", "Run the scheduler"},
	"match.publish":    {"Kirim jadwal ke semua peserta", "Publish the agendas"},
	"match.published":  {"Jadwal sudah dikirim %d kali; terakhir %s.", "Agendas published %d times; last %s."},
	"match.figures":    {"Hasil terakhir: %d dari %d UMKM mendapat pertemuan (batas atas %d); bobot %s dari batas atas %s (selisih %s %%).", "Last run: %d of %d owners have a meeting (bound %d); weight %s of a bound of %s (gap %s %%)."},
	"match.matrix":     {"Matriks keinginan", "Wish matrix"},
	"match.legend":     {"Angka = urutan pilihan UMKM; ✓ = mitra ingin bertemu; R = rekomendasi petugas; ✗ = tidak (veto); tebal = terjadwal.", "Number = the owner's pick; ✓ = partner wants to meet; R = staff recommendation; ✗ = no (veto); bold = scheduled."},
	"match.owner":      {"UMKM", "Owner"},
	"match.recommend":  {"Rekomendasi atau veto petugas", "Staff recommendation or veto"},
	"match.pair":       {"Pasangan", "Pair"},
	"match.veto":       {"Veto (tidak dipertemukan)", "Veto (never meet)"},
	"match.schedule":   {"Jadwal induk", "Master schedule"},
	"match.noschedule": {"Belum ada jadwal. Tekan \"Susun jadwal\".", "No schedule yet. Press \"Run the scheduler\"."},
	"match.slot":       {"Sesi", "Slot"},
	"match.time":       {"Jam", "Time"},
	"match.table":      {"Meja", "Table"},
	"match.partner":    {"Mitra", "Partner"},
	"match.locked":     {"terkunci", "locked"},
	"match.lock":       {"Kunci", "Lock"},
	"match.unlock":     {"Buka kunci", "Unlock"},
	"match.move":       {"Pindah", "Move"},
	"match.print":      {"Cetak jadwal induk dan lembar per meja (A4)", "Print the master schedule and per-table sheets (A4)"},
	"match.sheet":      {"Lembar meja %d", "Table %d sheet"},
	"ok.match.saved":   {"Tersimpan.", "Saved."},
	"ok.match.run":     {"Jadwal disusun.", "Schedule made."},
	"ok.match.pub":     {"Jadwal dikirim.", "Agendas sent."},
	"ok.match.moved":   {"Pertemuan dipindah dan dikunci.", "Meeting moved and locked."},
	"match.unavail":    {"Halaman temu bisnis tidak tersedia di server ini.", "The matchmaking pages are not available on this server."},
}

// M is a temu bisnis text in the page's language.
func (p page) M(key string) string { return matchMsgs[key].in(p.Lang) }

// Mf is M with fmt.Sprintf's arguments.
func (p page) Mf(key string, args ...any) string { return fmt.Sprintf(p.M(key), args...) }

func mt(lang, key string) string { return matchMsgs[key].in(lang) }

// routesMatch registers the temu bisnis pages.
func (s *Server) routesMatch(mux *http.ServeMux) {
	mux.Handle("GET /dashboard/match", s.need(store.RoleViewer, s.matchHome))
	mux.Handle("POST /dashboard/match/partners", s.need(store.RoleStaff, s.matchAddPartner))
	mux.Handle("POST /dashboard/match/partners/import", s.need(store.RoleStaff, s.matchImport))
	mux.Handle("GET /dashboard/match/{event}", s.need(store.RoleViewer, s.matchEvent))
	mux.Handle("GET /dashboard/match/{event}/print", s.need(store.RoleViewer, s.matchPrint))
	mux.Handle("GET /dashboard/match/{event}/agenda/{side}/{id}", s.need(store.RoleViewer, s.matchICS))
	mux.Handle("POST /dashboard/match/{event}/{op}", s.need(store.RoleStaff, s.matchAction))
}

func (s *Server) matchOK(w http.ResponseWriter, r *http.Request, u store.StaffUser) bool {
	if s.opt.Match == nil {
		s.render(w, r, &u, http.StatusNotFound, "error", "match.title", page{Error: mt(langOf(w, r), "match.unavail")})
		return false
	}
	return true
}

type matchHomeData struct {
	Events   [][2]string
	Partners []match.PartnerProfile
	Kinds    []kindOption
}

type kindOption struct{ Value, Label string }

func (s *Server) matchHome(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	s.renderMatchHome(w, r, u, http.StatusOK, "", "")
}

func (s *Server) renderMatchHome(w http.ResponseWriter, r *http.Request, u store.StaffUser, code int, flash, errText string) {
	if !s.matchOK(w, r, u) {
		return
	}
	ctx := r.Context()
	lang := langOf(w, r)
	evs, err := s.opt.Match.TemuEvents(ctx, s.opt.Now())
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	ps, err := s.opt.Match.Partners(ctx)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	if flash == "" {
		flash = mt(lang, r.URL.Query().Get("ok"))
	}
	d := matchHomeData{Events: evs, Partners: ps}
	for _, k := range match.PartnerKinds {
		d.Kinds = append(d.Kinds, kindOption{string(k), k.Label(lang)})
	}
	s.render(w, r, &u, code, "match", "match.title", page{Data: d, Flash: flash, Error: errText})
}

func (s *Server) matchAddPartner(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	if !s.matchOK(w, r, u) {
		return
	}
	kind, _ := match.ParsePartnerKind(r.PostFormValue("kind"))
	seats, _ := strconv.Atoi(r.PostFormValue("seats"))
	eventID, _ := strconv.ParseInt(r.PostFormValue("event"), 10, 64)
	p := &match.PartnerProfile{Kind: kind, Organisation: r.PostFormValue("organisation"), ContactPerson: r.PostFormValue("contact_person"),
		Offer: r.PostFormValue("offer"), Sectors: strings.Fields(strings.ReplaceAll(r.PostFormValue("sectors"), ",", " ")),
		Consent: r.PostFormValue("consent") == "on", Source: "dashboard"}
	if p.Consent {
		p.ConsentVersion = match.ConsentVersion
	}
	if err := s.opt.Match.AddPartner(r.Context(), p, eventID, max(seats, 1), s.opt.Now()); err != nil {
		if errors.Is(err, match.ErrInvalidPartner) {
			s.renderMatchHome(w, r, u, http.StatusUnprocessableEntity, "", err.Error())
			return
		}
		s.serverError(w, r, u, err)
		return
	}
	if s.audit(r.Context(), u, "match.partner.add", "partner", p.Organisation, map[string]any{"event": eventID}) != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "err.server")
		return
	}
	http.Redirect(w, r, "/dashboard/match?ok=ok.match.saved", http.StatusSeeOther)
}

func (s *Server) matchImport(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	if !s.matchOK(w, r, u) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 10<<20)
	f, fh, err := r.FormFile("file")
	if err != nil {
		s.renderMatchHome(w, r, u, http.StatusBadRequest, "", err.Error())
		return
	}
	defer f.Close()
	eventID, _ := strconv.ParseInt(r.FormValue("event"), 10, 64)
	imp, err := s.opt.Match.ImportPartners(r.Context(), fh.Filename, f, eventID, s.opt.Now())
	if err != nil {
		s.renderMatchHome(w, r, u, http.StatusUnprocessableEntity, "", err.Error())
		return
	}
	if s.audit(r.Context(), u, "match.partner.import", "partner", fh.Filename, map[string]any{"saved": len(imp.Partners), "left_out": len(imp.Problems)}) != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "err.server")
		return
	}
	flash := fmt.Sprintf(idn.Pick(langOf(w, r), "%d mitra disimpan, %d baris dilewati.", "%d partners saved, %d rows left out."), len(imp.Partners), len(imp.Problems))
	s.renderMatchHome(w, r, u, http.StatusOK, flash, strings.Join(imp.Problems, "; "))
}

type matchEventData struct {
	Event    *event.Event
	Setup    *match.Setup
	Start    string
	Plan     string
	Figures  string
	Pub      string
	Matrix   *matchactions.Matrix
	Rows     []matchactions.ScheduleRow
	Link     string
	SlotList []int
}

func (s *Server) eventOf(w http.ResponseWriter, r *http.Request, u store.StaffUser) (*event.Event, bool) {
	id, err := strconv.ParseInt(r.PathValue("event"), 10, 64)
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return nil, false
	}
	ev, err := s.opt.Events.Event(r.Context(), id)
	if errors.Is(err, event.ErrNotFound) || err == nil && ev.Kind != event.TemuBisnis {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return nil, false
	}
	if err != nil {
		s.serverError(w, r, u, err)
		return nil, false
	}
	return ev, true
}

func (s *Server) matchEvent(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	s.renderMatchEvent(w, r, u, http.StatusOK, "", "")
}

func (s *Server) matchEventData(w http.ResponseWriter, r *http.Request, u store.StaffUser) (*matchEventData, bool) {
	if !s.matchOK(w, r, u) {
		return nil, false
	}
	ev, ok := s.eventOf(w, r, u)
	if !ok {
		return nil, false
	}
	ctx := r.Context()
	lang := langOf(w, r)
	d := &matchEventData{Event: ev, Link: "?start=mitra_" + strconv.FormatInt(ev.ID, 10)}
	st, err := s.opt.Match.SetupOf(ctx, ev.ID)
	switch {
	case errors.Is(err, match.ErrNotFound):
	case err != nil:
		s.serverError(w, r, u, err)
		return nil, false
	default:
		d.Setup = st
		d.Start = st.FirstSlot.In(idn.WIB).Format("2006-01-02 15:04")
		for i := 0; i < st.Slots; i++ {
			d.SlotList = append(d.SlotList, i)
		}
		rep, err := s.opt.Match.Plan(ctx, ev.ID, s.opt.Now())
		if err != nil {
			s.serverError(w, r, u, err)
			return nil, false
		}
		d.Plan = rep.Text(lang)
		if !st.RunAt.IsZero() {
			gap := "0"
			if st.BoundWeight > 0 {
				gap = strconv.FormatFloat(100*(st.BoundWeight-st.Weight)/st.BoundWeight, 'f', 2, 64)
			}
			d.Figures = fmt.Sprintf(mt(lang, "match.figures"), st.Coverage, rep.Owners, st.BoundCoverage,
				strconv.FormatFloat(st.Weight, 'f', -1, 64), strconv.FormatFloat(st.BoundWeight, 'f', -1, 64), gap)
		}
		if st.Version > 0 {
			d.Pub = fmt.Sprintf(mt(lang, "match.published"), st.Version, idn.DayDate(st.PublishedAt, lang)+" "+idn.Clock(st.PublishedAt))
		}
		if d.Rows, err = s.opt.Match.MasterSchedule(ctx, ev.ID); err != nil {
			s.serverError(w, r, u, err)
			return nil, false
		}
	}
	if d.Matrix, err = s.opt.Match.Matrix(ctx, ev.ID); err != nil {
		s.serverError(w, r, u, err)
		return nil, false
	}
	return d, true
}

func (s *Server) renderMatchEvent(w http.ResponseWriter, r *http.Request, u store.StaffUser, code int, flash, errText string) {
	if flash == "" {
		flash = mt(langOf(w, r), r.URL.Query().Get("ok"))
	}
	d, ok := s.matchEventData(w, r, u)
	if !ok {
		return
	}
	// The matrix and the schedule name owners: a full view of personal data.
	if s.audit(r.Context(), u, "match.view", "event", strconv.FormatInt(d.Event.ID, 10), nil) != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "err.server")
		return
	}
	s.render(w, r, &u, code, "match_event", "match.title", page{Data: d, Flash: flash, Error: errText})
}

func (s *Server) matchPrint(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	d, ok := s.matchEventData(w, r, u)
	if !ok {
		return
	}
	if s.audit(r.Context(), u, "match.print", "event", strconv.FormatInt(d.Event.ID, 10), nil) != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "err.server")
		return
	}
	s.render(w, r, &u, http.StatusOK, "match_print", "match.title", page{Data: d})
}

// Tables groups the schedule by table, for the per-table sheets.
func (d *matchEventData) Tables() [][]matchactions.ScheduleRow {
	if d.Setup == nil {
		return nil
	}
	out := make([][]matchactions.ScheduleRow, d.Setup.Tables)
	for _, r := range d.Rows {
		if r.Table >= 1 && r.Table <= len(out) {
			out[r.Table-1] = append(out[r.Table-1], r)
		}
	}
	return out
}

// Clock writes a time in WIB for the templates.
func (d *matchEventData) Clock(t time.Time) string { return idn.ClockSpan(t) }

func (s *Server) matchICS(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	if !s.matchOK(w, r, u) {
		return
	}
	ev, ok := s.eventOf(w, r, u)
	if !ok {
		return
	}
	side := r.PathValue("side")
	id, err := strconv.ParseInt(strings.TrimSuffix(r.PathValue("id"), ".ics"), 10, 64)
	if err != nil || side != match.SideOwner && side != match.SidePartner {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	a, err := s.opt.Match.Agenda(r.Context(), ev.ID, side, id)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="temu-%d-%s-%d.ics"`, ev.ID, side, id))
	_, _ = w.Write(a.ICS(s.opt.Now()))
}

// matchAction: setup, run, publish, wish, lock, unlock, move.
func (s *Server) matchAction(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	if !s.matchOK(w, r, u) {
		return
	}
	ev, ok := s.eventOf(w, r, u)
	if !ok {
		return
	}
	ctx := r.Context()
	now := s.opt.Now()
	lang := langOf(w, r)
	op := r.PathValue("op")
	num := func(name string) int64 {
		n, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue(name)), 10, 64)
		return n
	}
	var err error
	okKey := "ok.match.saved"
	details := map[string]any{}
	switch op {
	case "setup":
		st := &match.Setup{EventID: ev.ID, Slots: int(num("slots")), SlotMinutes: int(num("minutes")), Tables: int(num("tables")), MaxPerOwner: int(num("cap"))}
		st.FirstSlot, err = time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(r.PostFormValue("start")), idn.WIB)
		if err != nil {
			s.renderMatchEvent(w, r, u, http.StatusUnprocessableEntity, "", mt(lang, "match.start"))
			return
		}
		err = s.opt.Match.SaveSetup(ctx, st, now)
		details["slots"], details["tables"] = st.Slots, st.Tables
	case "run":
		var rep *matchactions.RunReport
		rep, err = s.opt.Match.Run(ctx, ev.ID, now)
		okKey = "ok.match.run"
		if rep != nil {
			details["coverage"], details["notified"] = rep.Schedule.Coverage, rep.Notified
		}
	case "publish":
		var n int
		n, err = s.opt.Match.Publish(ctx, ev.ID, now)
		okKey = "ok.match.pub"
		details["sent"] = n
	case "wish":
		inv, partner := num("owner"), num("partner")
		err = s.opt.Match.Recommend(ctx, ev.ID, inv, partner, r.PostFormValue("veto") == "on", store.ActorStaff(u.Username), now)
		details["owner"], details["partner"] = inv, partner
	case "lock", "unlock":
		err = s.opt.Match.Lock(ctx, num("meeting"), op == "lock", now)
		details["meeting"] = num("meeting")
	case "move":
		err = s.opt.Match.Move(ctx, ev.ID, num("meeting"), int(num("slot"))-1, int(num("table")), now)
		okKey = "ok.match.moved"
		details["meeting"], details["slot"], details["table"] = num("meeting"), num("slot"), num("table")
	default:
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	if err != nil {
		var prob *match.Problem
		switch {
		case errors.As(err, &prob), errors.Is(err, matchactions.ErrNoSetup), errors.Is(err, match.ErrNotFound):
			s.renderMatchEvent(w, r, u, http.StatusUnprocessableEntity, "", problemText(err, lang))
		default:
			s.serverError(w, r, u, err)
		}
		return
	}
	if s.audit(ctx, u, "match."+op, "event", strconv.FormatInt(ev.ID, 10), details) != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "err.server")
		return
	}
	http.Redirect(w, r, "/dashboard/match/"+strconv.FormatInt(ev.ID, 10)+"?ok="+url.QueryEscape(okKey), http.StatusSeeOther)
}

// problemText is the Indonesian (or English) half of each broken rule.
func problemText(err error, lang string) string {
	var out []string
	for _, line := range strings.Split(err.Error(), "\n") {
		id, en, found := strings.Cut(line, " / ")
		if found && lang == langEN {
			out = append(out, en)
		} else {
			out = append(out, id)
		}
	}
	return strings.Join(out, "; ")
}
