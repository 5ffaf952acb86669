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

	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/reach"
	"jejaring/internal/umkm/sheet"
)

// The reach page (issue 12, issue 13's "Reach page"): a filtered list of
// businesses with their reach status, their printable letters and the
// kecamatan posters (internal/umkm/reach documents, through
// reachactions), and the first-contact campaign with its risk stated; and
// the reach funnel on the home page.

// ReachStore is what the reach pages read (store.BusinessRepo).
type ReachStore interface {
	ReachFunnel(ctx context.Context) (reach.Funnel, error)
	SearchBusinesses(ctx context.Context, s umkm.Search) (umkm.SearchPage, error)
	ReachOf(ctx context.Context, ids []int64) (map[int64]reach.Status, error)
	LatestCampaign(ctx context.Context) (reach.Campaign, error)
	CampaignLeft(ctx context.Context, regionCodes []string) (int, error)
}

// ReachDocs writes the letters and posters (reachactions.Documents).
type ReachDocs interface {
	Letters(ctx context.Context, w io.Writer, s umkm.Search, actor string) (int, error)
	Posters(ctx context.Context, w io.Writer, regionCodes []string) (int, error)
	StyleHash() string
}

// ReachCampaign starts and stops the campaign (reachactions.Campaign).
type ReachCampaign interface {
	Start(ctx context.Context, regionCodes []string, dailyCap int, actor string) (reach.Campaign, error)
	Stop(ctx context.Context, actor string) error
}

// ReachDeps are the reach pages' dependencies (Options.Reach); without
// them the pages answer 404 and the home page shows no funnel.
type ReachDeps struct {
	Store    ReachStore
	Docs     ReachDocs
	Campaign ReachCampaign
	Office   reach.Office // whether letters can carry QR codes
	// WhatsApp says a WhatsApp adapter runs in this process, so the
	// campaign can be sent; DailyCap is the default cap offered.
	WhatsApp bool
	DailyCap int
}

// reachMsgs are the reach pages' texts, merged into msgs at start (kept
// here so the shared i18n.go is not touched by every page).
var reachMsgs = map[string]tr{
	"nav.reach":          {"Jangkauan", "Reach"},
	"reach.title":        {"Jangkauan UMKM", "Reaching the businesses"},
	"reach.intro":        {"Usaha yang belum pernah menghubungi kami tidak bisa diundang lewat chat: WhatsApp dan Telegram tidak mengizinkan kami menulis lebih dulu. Cetak surat per usaha dan poster per kecamatan: kode QR-nya membuka WhatsApp atau Telegram dengan pesan KONFIRMASI yang sudah terisi, dan pesan pertama pemilik menghubungkan chat dengan datanya.", "Businesses that never wrote to us cannot be invited by chat: WhatsApp and Telegram do not let us write first. Print a letter per business and a poster per kecamatan: their QR codes open WhatsApp or Telegram with the KONFIRMASI message typed in, and the owner's first message links the chat to the record."},
	"reach.filter":       {"Jangkauan", "Reach"},
	"reach.show":         {"Tampilkan", "Show"},
	"reach.status":       {"Status jangkauan", "Reach status"},
	"reach.letters":      {"Cetak surat undangan untuk %d usaha ini", "Print invitation letters for these %d businesses"},
	"reach.letters.note": {"Satu halaman A4 per usaha, dengan kode QR pribadi (berlaku sekali). Dibuka di tab baru; cetak dengan Ctrl+P. Tercatat di log audit.", "One A4 page per business with a personal QR code (works once). Opens in a new tab; print with Ctrl+P. Written to the audit log."},
	"reach.posters":      {"Cetak poster kecamatan", "Print kecamatan posters"},
	"reach.posters.note": {"Kode QR umum tanpa data pribadi (WhatsApp dengan DAFTAR, Telegram): boleh ditempel di kantor nagari, pasar, masjid.", "General QR codes without personal data (WhatsApp with DAFTAR, Telegram): fine to hang at the nagari office, the market, the mosque."},
	"reach.noqr":         {"OFFICE_WHATSAPP dan TELEGRAM_BOT_USERNAME belum diisi: surat dan poster belum bisa memuat kode QR. Mohon minta admin server mengisinya.", "OFFICE_WHATSAPP and TELEGRAM_BOT_USERNAME are not set: letters and posters cannot carry QR codes yet. Please ask the server admin to set them."},
	"reach.campaign":     {"Kampanye sapaan pertama lewat WhatsApp", "First-contact campaign on WhatsApp"},
	"reach.risk":         {"Risiko: WhatsApp dapat memblokir nomor kantor yang mengirim pesan ke orang yang belum pernah menghubunginya, kadang untuk selamanya bersama seluruh chatnya. Karena itu kampanye ini pelan sekali: satu pesan sekali jalan, jeda acak 8–30 menit, hanya pukul 08.00–19.00 WIB, 3 pesan pada hari pertama lalu naik perlahan sampai batas harian, setiap nomor hanya sekali, dan berhenti sendiri pada peringatan pertama dari WhatsApp. Surat dan poster tidak membawa risiko ini; pakai kampanye hanya sebagai tambahan.", "Risk: WhatsApp may ban the office number for writing to people who never wrote to it, sometimes for good, with all its chats. So this campaign is very slow: one message at a time, random gaps of 8-30 minutes, only 08:00-19:00 WIB, 3 messages on the first day growing slowly to the daily cap, each number once only, and it stops by itself at the first warning from WhatsApp. Letters and posters carry no such risk; use the campaign only as an extra."},
	"reach.left":         {"Nomor HP yang belum pernah disapa: %d. Dengan batas %d sehari, kira-kira %d hari.", "Phone numbers never written to: %d. At %d a day, about %d days."},
	"reach.cap":          {"Batas pesan per hari (setelah masa pemanasan)", "Messages per day (after the warm-up)"},
	"reach.accept":       {"Saya memahami risikonya bagi nomor WhatsApp kantor", "I understand the risk to the office's WhatsApp number"},
	"reach.start":        {"Mulai kampanye", "Start the campaign"},
	"reach.stop":         {"Hentikan kampanye", "Stop the campaign"},
	"reach.nowa":         {"WhatsApp tidak berjalan di server ini (WHATSAPP_ENABLED): kampanye tidak bisa dikirim.", "WhatsApp is not running on this server (WHATSAPP_ENABLED): the campaign cannot be sent."},
	"reach.nocampaign":   {"Belum pernah ada kampanye.", "There has been no campaign yet."},
	"reach.started":      {"Kampanye dimulai. Pesan pertama keluar dalam beberapa menit pada jam kerja.", "The campaign has started. The first message goes out within minutes in office hours."},
	"reach.stopped":      {"Kampanye dihentikan; pesan yang belum terkirim ditarik.", "The campaign is stopped; messages not yet sent are withdrawn."},
	"reach.running":      {"Kampanye sudah berjalan.", "A campaign is running already."},
	"reach.mustaccept":   {"Mohon centang pernyataan risiko dulu.", "Please tick the risk statement first."},
	"reach.badcap":       {"Batas harian harus 1 sampai 40.", "The daily cap must be 1 to 40."},
	"reach.funnel":       {"Jangkauan: terdaftar → bisa dihubungi lewat chat → dikonfirmasi pemilik", "Reach: registered → reachable by chat → confirmed by the owner"},
	"reach.channels":     {"Jangkauan per kanal", "Reach by channel"},
	"reach.bykec":        {"Jangkauan per kecamatan", "Reach per kecamatan"},
	"reach.registered":   {"Terdaftar", "Registered"},
	"reach.imported":     {"Dari impor", "Imported"},
	"reach.reachable":    {"Bisa dihubungi lewat chat", "Reachable by chat"},
	"reach.confirmed":    {"Dikonfirmasi pemilik", "Confirmed by the owner"},
	"reach.neverwrote":   {"Belum pernah menghubungi", "Never wrote"},
	"reach.csv":          {"Unduh tabel (CSV)", "Download the table (CSV)"},
}

func init() {
	for k, v := range reachMsgs {
		msgs[k] = v
	}
}

// reachCharts are the home page's reach figures (as charts, so their
// tables and CSV come with them): the funnel's three stages, and the
// channels.
func reachCharts(f reach.Funnel, lang string) []chart {
	tot := f.Total
	fun := chart{Name: "reach", Title: t(lang, "reach.funnel")}
	fun.add(t(lang, "reach.registered"), tot.Total, 0)
	fun.add(t(lang, "reach.reachable"), tot.Reachable(), 0)
	fun.add(t(lang, "reach.confirmed"), tot.Confirmed, 0)
	fun.Total = tot.Total
	chs := chart{Name: "reach-channels", Title: t(lang, "reach.channels")}
	for _, st := range reach.Statuses() {
		chs.add(st.Label(lang), tot.Of(st), 0)
	}
	return []chart{fun, chs}
}

// reachTable is the funnel per kecamatan (the home page's partial and its
// CSV).
type reachTable struct {
	Heads []string
	Rows  [][]string
}

func (s *Server) reachTable(f reach.Funnel, lang string) *reachTable {
	tb := &reachTable{Heads: []string{t(lang, "dir.kecamatan"), t(lang, "reach.registered"), t(lang, "reach.imported"), "WhatsApp", "Telegram", "Web chat",
		reach.Stopped.Label(lang), t(lang, "reach.neverwrote"), t(lang, "reach.reachable"), t(lang, "reach.confirmed")}}
	add := func(name string, c reach.Counts) {
		tb.Rows = append(tb.Rows, []string{name, strconv.Itoa(c.Total), strconv.Itoa(c.Imported), strconv.Itoa(c.Of(reach.WhatsApp)), strconv.Itoa(c.Of(reach.Telegram)),
			strconv.Itoa(c.Of(reach.WebChat)), strconv.Itoa(c.Stopped()), strconv.Itoa(c.NeverWrote()), strconv.Itoa(c.Reachable()), strconv.Itoa(c.Confirmed)})
	}
	for _, r := range f.Rows {
		add(s.kecamatanName(r.RegionCode, lang), r.Counts)
	}
	add(idn.Pick(lang, "Jumlah", "Total"), f.Total)
	return tb
}

// reachFunnelCSV serves the funnel per kecamatan.
func (s *Server) reachFunnelCSV(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	if s.opt.Reach == nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	f, err := s.opt.Reach.Store.ReachFunnel(r.Context())
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	tb := s.reachTable(f, lang)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="jejaring-reach-kecamatan.csv"`)
	out := sheet.Table{Name: "reach", Header: tb.Heads}
	for _, row := range tb.Rows {
		rec := make([]any, len(row))
		for i, c := range row {
			rec[i] = c
		}
		out.Rows = append(out.Rows, rec)
	}
	if err := sheet.WriteCSV(w, out); err != nil {
		s.opt.Log.Warn("dashboard: reach csv", "err", err)
	}
}

// reachForm is the reach page's filter.
type reachForm struct {
	Kecamatan, Reach string
	Page             int
}

func readReachForm(v url.Values) reachForm {
	f := reachForm{Kecamatan: v.Get("kecamatan"), Reach: v.Get("reach")}
	if _, ok := v["reach"]; !ok {
		f.Reach = string(reach.FilterNotChat)
	}
	f.Page, _ = strconv.Atoi(v.Get("page"))
	f.Page = max(f.Page, 1)
	return f
}

func (f reachForm) query() url.Values {
	v := url.Values{}
	if f.Kecamatan != "" {
		v.Set("kecamatan", f.Kecamatan)
	}
	v.Set("reach", f.Reach)
	return v
}

func (s *Server) reachSearch(f reachForm, limit int) umkm.Search {
	q := s.search(dirForm{Kecamatan: f.Kecamatan, Page: f.Page}, limit)
	q.Reach, q.Sort = f.Reach, umkm.SortRegNo
	return q
}

type reachRow struct {
	row
	Status string
}

type reachData struct {
	Form                   reachForm
	Kecamatan, Filters     []option
	Rows                   []reachRow
	Total, From, To        int
	PrevURL, NextURL       string
	LettersURL, PostersURL string
	NoQR, WhatsApp         bool
	Campaign               *reach.Campaign
	CampaignText           string
	Left, DailyCap, Days   int
	MaxCap                 int
}

const reachPageSize = 25

func (s *Server) reachPage(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	if s.opt.Reach == nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	s.renderReach(w, r, u, http.StatusOK, "")
}

func (s *Server) renderReach(w http.ResponseWriter, r *http.Request, u store.StaffUser, code int, errKey string) {
	lang := langOf(w, r)
	ctx := r.Context()
	rd := s.opt.Reach
	f := readReachForm(r.URL.Query())
	if _, ok := reach.Filter(f.Reach).Statuses(); !ok {
		f.Reach = string(reach.FilterNotChat)
	}
	q := s.reachSearch(f, reachPageSize)
	res, err := rd.Store.SearchBusinesses(ctx, q)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	ids := make([]int64, len(res.Businesses))
	for i, b := range res.Businesses {
		ids[i] = b.ID
	}
	sts, err := rd.Store.ReachOf(ctx, ids)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	d := reachData{Form: f, Total: res.Total, NoQR: rd.Office.WhatsApp == "" && rd.Office.TelegramBot == "", WhatsApp: rd.WhatsApp,
		DailyCap: rd.DailyCap, MaxCap: reach.MaxDailyCap}
	d.Kecamatan, _, _, _, _ = s.options(lang)
	d.Filters = []option{{"", reach.FilterAny.Label(lang)}}
	for _, fl := range reach.Filters() {
		d.Filters = append(d.Filters, option{string(fl), fl.Label(lang)})
	}
	for _, b := range res.Businesses {
		d.Rows = append(d.Rows, reachRow{row: s.row(b, lang), Status: sts[b.ID].Label(lang)})
	}
	qs := f.query()
	d.LettersURL = "/dashboard/reach/letters?" + qs.Encode()
	pq := url.Values{}
	if f.Kecamatan != "" {
		pq.Set("kecamatan", f.Kecamatan)
	}
	d.PostersURL = "/dashboard/reach/posters?" + pq.Encode()
	if len(d.Rows) > 0 {
		d.From = (f.Page-1)*reachPageSize + 1
		d.To = d.From + len(d.Rows) - 1
	}
	if f.Page > 1 {
		qs.Set("page", strconv.Itoa(f.Page-1))
		d.PrevURL = "/dashboard/reach?" + qs.Encode()
	}
	if f.Page*reachPageSize < res.Total {
		qs.Set("page", strconv.Itoa(f.Page+1))
		d.NextURL = "/dashboard/reach?" + qs.Encode()
	}
	if c, err := rd.Store.LatestCampaign(ctx); err == nil {
		d.Campaign = &c
		d.CampaignText = campaignText(c, lang, s)
	} else if !errors.Is(err, reach.ErrNoCampaign) {
		s.serverError(w, r, u, err)
		return
	}
	if d.Left, err = rd.Store.CampaignLeft(ctx, q.RegionCodes); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	d.Days = (d.Left + max(d.DailyCap, 1) - 1) / max(d.DailyCap, 1)
	p := page{Data: d}
	if errKey != "" {
		p.Error = t(lang, errKey)
	}
	s.render(w, r, &u, code, "reach", "reach.title", p)
}

func campaignText(c reach.Campaign, lang string, s *Server) string {
	state := idn.Pick(lang, "berjalan", "running")
	switch c.Status {
	case reach.CampaignStopped:
		state = idn.Pick(lang, "dihentikan", "stopped")
	case reach.CampaignFinished:
		state = idn.Pick(lang, "selesai", "finished")
	}
	line := fmt.Sprintf(idn.Pick(lang, "Kampanye #%d %s, dimulai %s oleh %s, %d pesan sehari: %d antre, %d terkirim, %d gagal, %d ditarik.",
		"Campaign #%d %s, started %s by %s, %d messages a day: %d queued, %d sent, %d failed, %d withdrawn."),
		c.ID, state, c.StartedAt.In(s.location).Format("02-01-2006 15:04"), c.StartedBy, c.DailyCap, c.Queued, c.Messages["sent"], c.Messages["failed"], c.Messages["cancelled"])
	if c.StopReason != "" {
		line += idn.Pick(lang, " Alasan berhenti: ", " Why it stopped: ") + c.StopReason + "."
	}
	if c.Running() {
		line += idn.Pick(lang, " Pesan berikutnya paling cepat ", " Next message at the earliest ") + c.NextAt.In(s.location).Format("02-01-2006 15:04") + " WIB."
	}
	return line
}

// documentHeaders let a printable document carry its own inline style
// (by hash) and data: QR images, nothing else.
func (s *Server) documentHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src data:; style-src "+s.opt.Reach.Docs.StyleHash()+"; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
}

// reachLetters serves the letters of the filtered set as one printable
// A4 document (claim tokens issued where missing; audited).
func (s *Server) reachLetters(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	if s.opt.Reach == nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	f := readReachForm(r.URL.Query())
	if _, ok := reach.Filter(f.Reach).Statuses(); !ok {
		s.fail(w, r, u, http.StatusBadRequest, "err.notfound")
		return
	}
	var b strings.Builder
	if _, err := s.opt.Reach.Docs.Letters(r.Context(), &b, s.reachSearch(f, 0), store.ActorStaff(u.Username)); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	s.documentHeaders(w)
	_, _ = io.WriteString(w, b.String())
}

// reachPosters serves one poster per kecamatan (or the chosen one).
func (s *Server) reachPosters(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	if s.opt.Reach == nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	q := s.search(dirForm{Kecamatan: r.URL.Query().Get("kecamatan")}, 1)
	var b strings.Builder
	if _, err := s.opt.Reach.Docs.Posters(r.Context(), &b, q.RegionCodes); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	s.documentHeaders(w)
	_, _ = io.WriteString(w, b.String())
}

// reachCampaign starts or stops the campaign ({op} start|stop).
func (s *Server) reachCampaign(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	rd := s.opt.Reach
	if rd == nil || rd.Campaign == nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	ctx := r.Context()
	actor := store.ActorStaff(u.Username)
	switch r.PathValue("op") {
	case "start":
		if !rd.WhatsApp {
			s.renderReach(w, r, u, http.StatusConflict, "reach.nowa")
			return
		}
		if r.PostFormValue("accept") != "yes" {
			s.renderReach(w, r, u, http.StatusBadRequest, "reach.mustaccept")
			return
		}
		daily, err := strconv.Atoi(r.PostFormValue("cap"))
		if err != nil || daily < 1 || daily > reach.MaxDailyCap {
			s.renderReach(w, r, u, http.StatusBadRequest, "reach.badcap")
			return
		}
		codes := s.search(dirForm{Kecamatan: r.PostFormValue("kecamatan")}, 1).RegionCodes
		if _, err := rd.Campaign.Start(ctx, codes, daily, actor); errors.Is(err, reach.ErrCampaignRunning) {
			s.renderReach(w, r, u, http.StatusConflict, "reach.running")
			return
		} else if err != nil {
			s.serverError(w, r, u, err)
			return
		}
		http.Redirect(w, r, "/dashboard/reach?ok=reach.started", http.StatusSeeOther)
	case "stop":
		if err := rd.Campaign.Stop(ctx, actor); err != nil && !errors.Is(err, reach.ErrNoCampaign) {
			s.serverError(w, r, u, err)
			return
		}
		http.Redirect(w, r, "/dashboard/reach?ok=reach.stopped", http.StatusSeeOther)
	default:
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
	}
}

// reachHome is the home page's one call: the funnel and channel charts
// appended to charts (so their tables and CSV come with them), and the
// table per kecamatan.
func (s *Server) reachHome(ctx context.Context, lang string, charts *[]chart) (*reachTable, error) {
	if s.opt.Reach == nil {
		return nil, nil
	}
	f, err := s.opt.Reach.Store.ReachFunnel(ctx) // one query for all three
	if err != nil {
		return nil, err
	}
	*charts = append(*charts, reachCharts(f, lang)...)
	return s.reachTable(f, lang), nil
}

// reachOptions are the directory's reach filter choices.
func reachOptions(lang string) []option {
	var out []option
	for _, f := range reach.Filters() {
		out = append(out, option{string(f), f.Label(lang)})
	}
	return out
}
