package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"jejaring/internal/actions/reachactions"
	"jejaring/internal/config"
	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/reach"
)

const reachUsage = `Usage: jejaring reach [funnel]
       jejaring reach letters [--kecamatan NAME] [--reach FILTER] [--out FILE] [--by NAME]
       jejaring reach posters [--kecamatan NAME] [--out FILE]
       jejaring reach campaign status|start [--kecamatan NAME] [--cap N] [--yes]|stop [--by NAME]

funnel (the default) prints the reach of the register: registered → reachable
by chat → confirmed by the owner, per kecamatan and per channel.

letters writes a print-ready A4 HTML file (open it, print it) with one
invitation letter per business: what the office holds (phone and NIK
masked) and QR codes that open WhatsApp (OFFICE_WHATSAPP) with
"KONFIRMASI <token>" typed in, or Telegram (TELEGRAM_BOT_USERNAME) with
konfirmasi_<token>. FILTER is one of: not_chat (default: never wrote to us),
phone_only, no_phone, reachable, whatsapp, telegram, webchat, stopped, all.

posters writes one poster per kecamatan with general QR codes (no token):
WhatsApp with DAFTAR typed in, and Telegram.

campaign start begins the cautious first-contact campaign on WhatsApp to
imported phones whose owners never wrote to us. WhatsApp bans numbers that
write in bulk to strangers: the campaign sends one message at a time, 8-30
minutes apart, 08:00-19:00 WIB, 3 on the first day growing to --cap a day
(default REACH_DAILY_CAP), and stops at the first warning. It runs inside
"jejaring serve" with WHATSAPP_ENABLED; --yes confirms you accept the risk.
`

// runReach runs `jejaring reach …`.
func runReach(ctx context.Context, args []string, s stdio) int {
	sub := "funnel"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "funnel", "letters", "posters", "campaign":
	case "help", "-h", "--help":
		fmt.Fprint(s.out, reachUsage)
		return 0
	default:
		fmt.Fprint(s.err, reachUsage)
		return 2
	}
	db, cfg, code := openDB(ctx, s, config.FromEnv, migrated)
	if db == nil {
		return code
	}
	defer db.Close()
	data, err := umkm.LoadData(cfg.Region)
	if err != nil {
		return s.failf("REGION: %v", err)
	}
	r := reachCmd{db: db, repo: store.NewBusinessRepo(db), cfg: cfg, data: data, s: s}
	switch sub {
	case "letters":
		return r.letters(ctx, args)
	case "posters":
		return r.posters(ctx, args)
	case "campaign":
		return r.campaign(ctx, args)
	}
	return r.funnel(ctx, args)
}

type reachCmd struct {
	db   *store.DB
	repo *store.BusinessRepo
	cfg  *config.Config
	data *umkm.Data
	s    stdio
}

func (r reachCmd) pick(id, en string) string { return idn.Pick(r.s.t.lang(), id, en) }

func (r reachCmd) office() reach.Office {
	name := r.cfg.OfficeName
	if name == "" {
		name = r.data.Region.Office
	}
	return reach.Office{Name: name, Region: r.data.Region.Name, WhatsApp: r.cfg.OfficeWhatsApp, TelegramBot: r.cfg.TelegramBotUsername}
}

// regionCodes reads --kecamatan (a name or a code; "" all).
func (r reachCmd) regionCodes(v string) ([]string, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	if k, ok := r.data.Region.KecamatanByCode(v); ok {
		return []string{k.Code}, nil
	}
	if k, ok := r.data.Region.MatchKecamatan(v); ok {
		return []string{k.Code}, nil
	}
	return nil, fmt.Errorf("%s", r.pick("kecamatan "+v+" tidak dikenal", "unknown kecamatan "+v))
}

func (r reachCmd) kecName(code string) string {
	if code == "" {
		return r.pick("(tanpa kecamatan)", "(no kecamatan)")
	}
	if k, ok := r.data.Region.KecamatanByCode(code); ok {
		return k.Name
	}
	return code
}

func (r reachCmd) funnel(ctx context.Context, args []string) int {
	if len(args) > 0 {
		fmt.Fprint(r.s.err, reachUsage)
		return 2
	}
	f, err := r.repo.ReachFunnel(ctx)
	if err != nil {
		return r.s.failf("reach: %v", err)
	}
	writeFunnel(r.s.out, f, r.kecName, r.s.t.lang())
	return 0
}

// writeFunnel prints the funnel: the three stages, then a table per
// kecamatan with the channels.
func writeFunnel(w io.Writer, f reach.Funnel, kecName func(string) string, lang string) {
	t := f.Total
	pct := func(n int) string {
		if t.Total == 0 {
			return "0%"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(t.Total))
	}
	fmt.Fprintf(w, idn.Pick(lang, "Jangkauan register: %d terdaftar (%d dari impor) → %d bisa dihubungi lewat chat (%s) → %d dikonfirmasi pemilik (%s)\n",
		"Reach of the register: %d registered (%d imported) → %d reachable by chat (%s) → %d confirmed by the owner (%s)\n"),
		t.Total, t.Imported, t.Reachable(), pct(t.Reachable()), t.Confirmed, pct(t.Confirmed))
	fmt.Fprintf(w, idn.Pick(lang, "Lewat kanal: WhatsApp %d, Telegram %d, web chat %d; berhenti %d; belum pernah menghubungi kami %d (%d dengan HP, %d tanpa HP)\n\n",
		"By channel: WhatsApp %d, Telegram %d, web chat %d; stopped %d; never wrote to us %d (%d with a phone, %d without)\n\n"),
		t.Of(reach.WhatsApp), t.Of(reach.Telegram), t.Of(reach.WebChat), t.Stopped(), t.NeverWrote(), t.Of(reach.PhoneOnly), t.Of(reach.NoPhone))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, idn.Pick(lang, "Kecamatan\tTerdaftar\tImpor\tWA\tTG\tWeb\tBerhenti\tHP saja\tTanpa HP\tBisa dihubungi\tDikonfirmasi\t",
		"Kecamatan\tRegistered\tImported\tWA\tTG\tWeb\tStopped\tPhone only\tNo phone\tReachable\tConfirmed\t"))
	row := func(name string, c reach.Counts) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", name, c.Total, c.Imported, c.Of(reach.WhatsApp), c.Of(reach.Telegram),
			c.Of(reach.WebChat), c.Stopped(), c.Of(reach.PhoneOnly), c.Of(reach.NoPhone), c.Reachable(), c.Confirmed)
	}
	for _, fr := range f.Rows {
		row(kecName(fr.RegionCode), fr.Counts)
	}
	row(idn.Pick(lang, "Jumlah", "Total"), t)
	tw.Flush()
}

// outFile opens --out, or stdout for "" and "-".
func outFile(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

func (r reachCmd) documents() (*reachactions.Documents, error) {
	return reachactions.NewDocuments(r.repo, r.data.Region, r.office())
}

func (r reachCmd) noChannels() bool {
	o := r.office()
	if o.WhatsApp == "" && o.TelegramBot == "" {
		r.s.failf("%s", r.pick("OFFICE_WHATSAPP dan TELEGRAM_BOT_USERNAME kosong: tanpa salah satunya kode QR tidak bisa dibuat",
			"OFFICE_WHATSAPP and TELEGRAM_BOT_USERNAME are empty: the QR codes need at least one"))
		return true
	}
	return false
}

func (r reachCmd) letters(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("reach letters", flag.ContinueOnError)
	fs.SetOutput(r.s.err)
	fs.Usage = func() { fmt.Fprint(r.s.err, reachUsage) }
	kec := fs.String("kecamatan", "", "only this kecamatan")
	filter := fs.String("reach", string(reach.FilterNotChat), "reach filter")
	out := fs.String("out", "", "file to write (default stdout)")
	by := fs.String("by", "cli", "staff user name for the audit log")
	if _, err := parseInterspersed(fs, args); err != nil {
		return 2
	}
	codes, err := r.regionCodes(*kec)
	if err != nil {
		return r.s.failf("%v", err)
	}
	f := reach.Filter(*filter)
	if *filter == "all" {
		f = reach.FilterAny
	}
	if _, ok := f.Statuses(); !ok {
		fmt.Fprint(r.s.err, reachUsage)
		return 2
	}
	if r.noChannels() {
		return 2
	}
	d, err := r.documents()
	if err != nil {
		return r.s.failf("reach letters: %v", err)
	}
	w, done, err := outFile(*out, r.s.out)
	if err != nil {
		return r.s.failf("reach letters: %v", err)
	}
	n, err := d.Letters(ctx, w, umkm.Search{RegionCodes: codes, Reach: string(f), Sort: umkm.SortRegNo}, store.ActorStaff(*by))
	if cerr := done(); err == nil {
		err = cerr
	}
	if err != nil {
		return r.s.failf("reach letters: %v", err)
	}
	if *out != "" && *out != "-" {
		fmt.Fprintf(r.s.out, r.pick("%d surat ditulis ke %s (A4, buka lalu cetak). Setiap kode QR hanya berlaku sekali.\n",
			"%d letters written to %s (A4: open it and print). Each QR code works once.\n"), n, *out)
	}
	return 0
}

func (r reachCmd) posters(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("reach posters", flag.ContinueOnError)
	fs.SetOutput(r.s.err)
	fs.Usage = func() { fmt.Fprint(r.s.err, reachUsage) }
	kec := fs.String("kecamatan", "", "only this kecamatan")
	out := fs.String("out", "", "file to write (default stdout)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return 2
	}
	codes, err := r.regionCodes(*kec)
	if err != nil {
		return r.s.failf("%v", err)
	}
	if r.noChannels() {
		return 2
	}
	d, err := r.documents()
	if err != nil {
		return r.s.failf("reach posters: %v", err)
	}
	w, done, err := outFile(*out, r.s.out)
	if err != nil {
		return r.s.failf("reach posters: %v", err)
	}
	n, err := d.Posters(ctx, w, codes)
	if cerr := done(); err == nil {
		err = cerr
	}
	if err != nil {
		return r.s.failf("reach posters: %v", err)
	}
	if *out != "" && *out != "-" {
		fmt.Fprintf(r.s.out, r.pick("%d poster ditulis ke %s (A4, buka lalu cetak).\n", "%d posters written to %s (A4: open it and print).\n"), n, *out)
	}
	return 0
}

func (r reachCmd) campaign(ctx context.Context, args []string) int {
	op := "status"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		op, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("reach campaign", flag.ContinueOnError)
	fs.SetOutput(r.s.err)
	fs.Usage = func() { fmt.Fprint(r.s.err, reachUsage) }
	kec := fs.String("kecamatan", "", "only this kecamatan")
	daily := fs.Int("cap", r.cfg.ReachDailyCap, "most messages a day once warmed up")
	yes := fs.Bool("yes", false, "I accept the risk to the WhatsApp number")
	by := fs.String("by", "cli", "staff user name for the audit log")
	if _, err := parseInterspersed(fs, args); err != nil {
		return 2
	}
	pace := reach.DefaultPace()
	pace.DailyCap = r.cfg.ReachDailyCap
	c := &reachactions.Campaign{Store: r.repo, Pace: pace, Office: r.office()}
	switch op {
	case "status":
	case "start":
		codes, err := r.regionCodes(*kec)
		if err != nil {
			return r.s.failf("%v", err)
		}
		left, err := r.repo.CampaignLeft(ctx, codes)
		if err != nil {
			return r.s.failf("reach campaign: %v", err)
		}
		fmt.Fprintf(r.s.out, r.pick(campaignRiskID, campaignRiskEN), left, *daily, (left+*daily-1)/max(*daily, 1))
		if !*yes {
			fmt.Fprintln(r.s.out, r.pick("Belum dimulai. Ulangi dengan --yes bila Bapak/Ibu menerima risikonya.", "Not started. Run again with --yes if you accept the risk."))
			return 1
		}
		if _, err := c.Start(ctx, codes, *daily, store.ActorStaff(*by)); errors.Is(err, reach.ErrCampaignRunning) {
			return r.s.failf("%s", r.pick("kampanye sudah berjalan (jejaring reach campaign stop untuk menghentikannya)", "a campaign is running already (jejaring reach campaign stop stops it)"))
		} else if err != nil {
			return r.s.failf("reach campaign: %v", err)
		}
		fmt.Fprintln(r.s.out, r.pick("Kampanye dimulai; pesan dikirim oleh jejaring serve dengan WHATSAPP_ENABLED.", "Campaign started; jejaring serve with WHATSAPP_ENABLED sends it."))
	case "stop":
		if err := c.Stop(ctx, store.ActorStaff(*by)); errors.Is(err, reach.ErrNoCampaign) {
			return r.s.failf("%s", r.pick("tidak ada kampanye yang berjalan", "no campaign is running"))
		} else if err != nil {
			return r.s.failf("reach campaign: %v", err)
		}
		fmt.Fprintln(r.s.out, r.pick("Kampanye dihentikan; pesan yang belum terkirim ditarik.", "Campaign stopped; messages not yet sent are withdrawn."))
	default:
		fmt.Fprint(r.s.err, reachUsage)
		return 2
	}
	cp, err := r.repo.LatestCampaign(ctx)
	if errors.Is(err, reach.ErrNoCampaign) {
		fmt.Fprintln(r.s.out, r.pick("Belum pernah ada kampanye sapaan pertama.", "There has been no first-contact campaign yet."))
		return 0
	}
	if err != nil {
		return r.s.failf("reach campaign: %v", err)
	}
	fmt.Fprintln(r.s.out, campaignLine(cp, r.s.t.lang()))
	return 0
}

const campaignRiskID = `PERHATIAN: WhatsApp dapat memblokir nomor kantor yang mengirim pesan ke orang yang belum pernah menghubunginya.
Kampanye ini mengirim %d pesan (satu per nomor, sekali saja), satu per satu, 8–30 menit sekali, pukul 08.00–19.00 WIB,
3 pesan pada hari pertama lalu naik sampai %d sehari (sekitar %d hari), dan berhenti sendiri pada peringatan pertama dari WhatsApp.
Surat dan poster (jejaring reach letters / posters) tidak membawa risiko ini.
`

const campaignRiskEN = `WARNING: WhatsApp may ban the office number for writing to people who never wrote to it.
This campaign sends %d messages (one per number, once), one at a time, 8-30 minutes apart, 08:00-19:00 WIB,
3 on the first day growing to %d a day (about %d days), and stops by itself at the first warning from WhatsApp.
Letters and posters (jejaring reach letters / posters) carry no such risk.
`

// campaignLine is a campaign in one line for staff.
func campaignLine(c reach.Campaign, lang string) string {
	state := idn.Pick(lang, "berjalan", "running")
	switch c.Status {
	case reach.CampaignStopped:
		state = idn.Pick(lang, "dihentikan", "stopped")
	case reach.CampaignFinished:
		state = idn.Pick(lang, "selesai", "finished")
	}
	line := fmt.Sprintf(idn.Pick(lang, "Kampanye #%d %s (dimulai %s oleh %s, %d sehari): %d antre, %d terkirim, %d gagal, %d ditarik",
		"Campaign #%d %s (started %s by %s, %d a day): %d queued, %d sent, %d failed, %d withdrawn"),
		c.ID, state, c.StartedAt.In(idn.WIB).Format("02-01-2006 15:04"), c.StartedBy, c.DailyCap, c.Queued,
		c.Messages["sent"], c.Messages["failed"], c.Messages["cancelled"])
	if c.StopReason != "" {
		line += idn.Pick(lang, "; alasan: ", "; reason: ") + c.StopReason
	}
	if c.Running() {
		line += idn.Pick(lang, "; pesan berikutnya paling cepat ", "; next message at the earliest ") + c.NextAt.In(idn.WIB).Format("02-01-2006 15:04") + " WIB"
	}
	return line
}
