package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"jejaring/internal/channel/telegram"
	"jejaring/internal/config"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm/reach"
	"jejaring/internal/umkm/sheet"
)

const eventUsage = `Usage: jejaring event COMMAND [flags]

  create  --title T --kind seminar|temu_bisnis|pelatihan|pameran --start "2026-12-08 09:00" --end "2026-12-08 12:00"
          [--venue V] [--map URL] [--capacity N] [--max-party N] [--deadline "2026-12-06 17:00"] [--description D]
          [segment flags]                    create a draft event (times in WIB); prints its id
  list    [--all]                            upcoming events (--all: past and cancelled too)
  show    ID                                 details, answers, check-ins and delivery
  publish ID [--no-send] [segment flags]     open RSVPs and invite the segment (the event's own, or the flags')
  change  ID [--start T] [--end T] [--venue V] [--map URL]
                                             move the event; Hadir and Mungkin get a notice
  cancel  ID                                 call the event off; Hadir and Mungkin get a notice
  checkin ID CODE                            check an attendee in by code (or the QR's text)
  export  ID [--format csv|xlsx] [--out FILE] [--full-phone]
                                             invitations, answers and check-ins (default csv to stdout;
                                             phones masked unless --full-phone; every export is audited)

Segment flags: --regions 13.01.07,13.01.08 --sizes mikro,kecil --sectors C,G --tags kuliner
               --verified --since 2026-01-01 --channels telegram,whatsapp,webchat
`

// eventCommand is `jejaring event`: withDB(runEvent), and when
// TELEGRAM_BOT_TOKEN is set, `publish` asks the Bot API (TELEGRAM_API_URL)
// for the bot's username, so invitations on the other channels carry the
// t.me/<bot>?start=rsvp_<token> link as they do when the server sends them.
func eventCommand() func(context.Context, []string, stdio) int {
	return func(ctx context.Context, args []string, s stdio) int {
		var tg telegramLookup
		if cfg, err := config.FromEnv(s.getenv); err == nil {
			tg = telegramName(cfg)
		}
		return withDB(func(ctx context.Context, db *store.DB, args []string, s stdio) int {
			return runEventWith(ctx, db, tg, args, s)
		})(ctx, args, s)
	}
}

// telegramLookup returns the Telegram bot's username.
type telegramLookup func(ctx context.Context) (string, error)

// telegramName is getMe against the configured Bot API server (10 s at
// most), nil when Telegram is not configured.
func telegramName(cfg *config.Config) telegramLookup {
	if cfg.TelegramBotToken == "" {
		return nil
	}
	return func(ctx context.Context) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return telegram.GetMe(ctx, cfg.TelegramAPIURL, cfg.TelegramBotToken, nil)
	}
}

// runEvent runs `jejaring event ...` on an open, migrated database.
func runEvent(ctx context.Context, db *store.DB, args []string, s stdio) int {
	return runEventWith(ctx, db, nil, args, s)
}

// runEventWith is runEvent; tg (nil: no Telegram) gives the bot's username
// for the deep links in invitations.
func runEventWith(ctx context.Context, db *store.DB, tg telegramLookup, args []string, s stdio) int {
	stdout, stderr := s.out, s.err
	if len(args) == 0 {
		fmt.Fprint(stderr, eventUsage)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, eventUsage)
		return 0
	}
	e := &eventCmd{db: db, repo: store.NewEventRepo(db), tg: tg, out: stdout, errw: stderr, now: time.Now, t: s.t}
	cmd, args := args[0], args[1:]
	var err error
	switch cmd {
	case "create":
		err = e.create(ctx, args)
	case "list":
		err = e.list(ctx, args)
	case "show":
		err = e.show(ctx, args)
	case "publish":
		err = e.publish(ctx, args)
	case "change":
		err = e.change(ctx, args)
	case "cancel":
		err = e.cancel(ctx, args)
	case "checkin":
		err = e.checkin(ctx, args)
	case "export":
		err = e.export(ctx, args)
	default:
		fmt.Fprintf(stderr, "jejaring: event: unknown command %q\n\n%s", cmd, eventUsage)
		return 2
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "jejaring: event %s: %v\n", cmd, err)
		return 2
	default:
		fmt.Fprintf(stderr, "jejaring: event %s: %v\n", cmd, strings.Join(strings.Fields(err.Error()), " "))
		return 1
	}
}

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

type eventCmd struct {
	db   *store.DB
	repo *store.EventRepo
	tg   telegramLookup // nil: Telegram not configured
	out  io.Writer
	errw io.Writer
	now  func() time.Time
	t    tr // language of the output
}

// parse reads flags anywhere among the positional arguments.
func (e *eventCmd) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(e.errw)
	fs.Usage = func() { fmt.Fprint(e.errw, eventUsage) }
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseWIB reads "2006-01-02 15:04" (WIB), "2006-01-02" or RFC 3339:
// event.ParseWIB, the parser the dashboard's event form uses too.
func parseWIB(s string) (time.Time, error) {
	t, err := event.ParseWIB(s)
	if err != nil {
		return time.Time{}, usagef("time %q: want YYYY-MM-DD HH:MM (WIB)", strings.TrimSpace(s))
	}
	return t, nil
}

type segmentFlags struct {
	regions, sizes, sectors, tags, since, channels string
	verified                                       bool
}

func (sf *segmentFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&sf.regions, "regions", "", "kecamatan codes, comma-separated")
	fs.StringVar(&sf.sizes, "sizes", "", "size classes: mikro,kecil,menengah")
	fs.StringVar(&sf.sectors, "sectors", "", "KBLI sections: C,G")
	fs.StringVar(&sf.tags, "tags", "", "any of these tags")
	fs.StringVar(&sf.since, "since", "", "registered since YYYY-MM-DD")
	fs.StringVar(&sf.channels, "channels", "", "telegram,whatsapp,webchat")
	fs.BoolVar(&sf.verified, "verified", false, "verified businesses only")
}

func (sf *segmentFlags) set() bool {
	return sf.regions != "" || sf.sizes != "" || sf.sectors != "" || sf.tags != "" || sf.since != "" || sf.channels != "" || sf.verified
}

func splitList(s string, upper bool) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			if upper {
				p = strings.ToUpper(p)
			} else {
				p = strings.ToLower(p)
			}
			out = append(out, p)
		}
	}
	return out
}

func (sf *segmentFlags) segment() (event.Segment, error) {
	seg := event.Segment{
		RegionCodes: splitList(sf.regions, false), SizeClasses: splitList(sf.sizes, false), KBLISections: splitList(sf.sectors, true),
		Tags: splitList(sf.tags, false), Channels: splitList(sf.channels, false), VerifiedOnly: sf.verified,
	}
	if sf.since != "" {
		t, err := parseWIB(sf.since)
		if err != nil {
			return seg, err
		}
		seg.RegisteredSince = t
	}
	if err := seg.Validate(); err != nil {
		return seg, usageError{err.Error()}
	}
	return seg, nil
}

func (e *eventCmd) create(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("event create", flag.ContinueOnError)
	title := fs.String("title", "", "title")
	kind := fs.String("kind", "seminar", "seminar, temu_bisnis, pelatihan, pameran")
	desc := fs.String("description", "", "description")
	venue := fs.String("venue", "", "venue")
	mapURL := fs.String("map", "", "map link")
	start := fs.String("start", "", "start (WIB)")
	end := fs.String("end", "", "end (WIB)")
	deadline := fs.String("deadline", "", "RSVP deadline (WIB; default the start)")
	capacity := fs.Int("capacity", 0, "seats (people); 0 = no limit")
	maxParty := fs.Int("max-party", 1, "people per business")
	var sf segmentFlags
	sf.add(fs)
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected %q", pos[0])
	}
	if *title == "" || *start == "" || *end == "" {
		return usagef("--title, --start and --end are required")
	}
	k, err := event.ParseKind(*kind)
	if err != nil {
		return usageError{err.Error()}
	}
	ev := &event.Event{Title: *title, Kind: k, Description: *desc, Venue: *venue, MapURL: *mapURL, Capacity: *capacity, MaxParty: *maxParty, CreatedBy: "cli"}
	if ev.StartsAt, err = parseWIB(*start); err != nil {
		return err
	}
	if ev.EndsAt, err = parseWIB(*end); err != nil {
		return err
	}
	if *deadline != "" {
		if ev.RSVPDeadline, err = parseWIB(*deadline); err != nil {
			return err
		}
	}
	if ev.Segment, err = sf.segment(); err != nil {
		return err
	}
	id, err := e.repo.CreateEvent(ctx, ev, e.now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%d\n", id)
	fmt.Fprintln(e.errw, e.t.f("event.created", id, ev.Title, event.FormatWhen(ev), id))
	return nil
}

func (e *eventCmd) list(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("event list", flag.ContinueOnError)
	all := fs.Bool("all", false, "past and cancelled events too")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	f := store.EventFilter{}
	if !*all {
		f.From = e.now()
		f.Statuses = []event.Status{event.Draft, event.Published, event.Changed}
	}
	evs, err := e.repo.ListEvents(ctx, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, e.t.f("event.listHead"))
	for _, ev := range evs {
		a, err := e.repo.Attendance(ctx, ev.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%s\n", ev.ID, e.status(ev.Status), ev.StartsAt.In(idn.WIB).Format("2006-01-02 15:04"), ev.Kind, a.Invited, a.Going, ev.Title)
	}
	return tw.Flush()
}

// status names an event status in the output's language.
func (e *eventCmd) status(s event.Status) string { return e.t.or("status."+string(s), string(s)) }

func (e *eventCmd) eventArg(ctx context.Context, pos []string, want int) (*event.Event, error) {
	if len(pos) != want {
		return nil, usagef("want %d argument(s), got %d", want, len(pos))
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return nil, usagef("event id %q is not a number", pos[0])
	}
	return e.repo.Event(ctx, id)
}

func (e *eventCmd) show(ctx context.Context, args []string) error {
	pos, err := e.parse(flag.NewFlagSet("event show", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	ev, err := e.eventArg(ctx, pos, 1)
	if err != nil {
		return err
	}
	a, err := e.repo.Attendance(ctx, ev.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s\n%s\n", e.t.f("event.show", ev.ID, e.status(ev.Status)), event.Details(ev, e.t.lang()))
	capText := e.t.f("event.noLimit")
	if ev.Capacity > 0 {
		capText = strconv.Itoa(ev.Capacity)
	}
	fmt.Fprintln(e.out, e.t.f("event.capacity", capText, ev.MaxParty, event.FormatDate(ev.Deadline()), event.FormatClock(ev.Deadline())))
	fmt.Fprintln(e.out, e.t.f("event.audience", ev.Segment.Describe()))
	fmt.Fprintln(e.out, e.t.f("event.counts",
		a.Invited, a.Going, a.Seats, a.Waitlist, a.Maybe, a.Declined, a.Pending, a.CheckedIn, a.NoShow))
	rows, err := e.db.QueryxContext(ctx, e.db.Rebind(`SELECT kind, status, COUNT(*) FROM outbox WHERE event_id = ? GROUP BY kind, status ORDER BY kind, status`), ev.ID)
	if err != nil {
		return fmt.Errorf("delivery counts: %w", err)
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var k, s string
		var n int
		if err := rows.Scan(&k, &s, &n); err != nil {
			return err
		}
		parts = append(parts, fmt.Sprintf("%s %s %d", k, s, n))
	}
	if len(parts) > 0 {
		fmt.Fprintln(e.out, e.t.f("event.messages", strings.Join(parts, ", ")))
	}
	return rows.Err()
}

func (e *eventCmd) publish(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("event publish", flag.ContinueOnError)
	noSend := fs.Bool("no-send", false, "open RSVPs without inviting anyone")
	var sf segmentFlags
	sf.add(fs)
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	ev, err := e.eventArg(ctx, pos, 1)
	if err != nil {
		return err
	}
	if *noSend {
		if err := e.repo.Publish(ctx, ev.ID, e.now()); err != nil {
			return err
		}
		fmt.Fprintln(e.out, e.t.f("event.publishedNone", ev.ID))
		return nil
	}
	req := store.BroadcastRequest{EventID: ev.ID, CreatedBy: "cli"}
	if sf.set() {
		seg, err := sf.segment()
		if err != nil {
			return err
		}
		req.Segment = &seg
	}
	if e.tg != nil {
		// Asked before the broadcast's transaction, not inside it.
		name, err := e.tg(ctx)
		if err != nil || name == "" {
			fmt.Fprintln(e.errw, e.t.f("event.noTelegram", strings.Join(strings.Fields(fmt.Sprint(err)), " ")))
		}
		e.repo.TelegramBot = name
	}
	res, err := e.repo.Broadcast(ctx, req, e.now())
	if err != nil {
		return err
	}
	var chs []string
	for ch, n := range res.ByChannel {
		chs = append(chs, fmt.Sprintf("%s %d", ch, n))
	}
	sort.Strings(chs)
	per := ""
	if len(chs) > 0 {
		per = " (" + strings.Join(chs, ", ") + ")"
	}
	fmt.Fprintln(e.out, e.t.f("event.published", ev.ID, res.Queued, per, res.Already, res.Skipped, res.BroadcastID))
	// Who is left out and why, and how to reach them (issue 12).
	seg := ev.Segment
	if req.Segment != nil {
		seg = *req.Segment
	}
	if c, err := store.NewBusinessRepo(e.db).SegmentReach(ctx, seg); err == nil {
		fmt.Fprintln(e.out, reach.LeftOut(c, e.t.lang()))
	} else {
		fmt.Fprintln(e.errw, "jejaring: event publish: reach: "+err.Error())
	}
	return nil
}

func (e *eventCmd) change(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("event change", flag.ContinueOnError)
	start := fs.String("start", "", "new start (WIB)")
	end := fs.String("end", "", "new end (WIB)")
	venue := fs.String("venue", "", "new venue")
	mapURL := fs.String("map", "", "new map link")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	ev, err := e.eventArg(ctx, pos, 1)
	if err != nil {
		return err
	}
	var ch store.EventChange
	if *start != "" {
		if ch.StartsAt, err = parseWIB(*start); err != nil {
			return err
		}
	}
	if *end != "" {
		if ch.EndsAt, err = parseWIB(*end); err != nil {
			return err
		}
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "venue":
			ch.Venue = venue
		case "map":
			ch.MapURL = mapURL
		}
	})
	if ch.StartsAt.IsZero() && ch.EndsAt.IsZero() && ch.Venue == nil && ch.MapURL == nil {
		return usagef("nothing to change: give --start, --end, --venue or --map")
	}
	n, err := e.repo.Change(ctx, ev.ID, ch, e.now())
	if err != nil {
		return err
	}
	fmt.Fprintln(e.out, e.t.f("event.changed", ev.ID, n))
	return nil
}

func (e *eventCmd) cancel(ctx context.Context, args []string) error {
	pos, err := e.parse(flag.NewFlagSet("event cancel", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	ev, err := e.eventArg(ctx, pos, 1)
	if err != nil {
		return err
	}
	n, err := e.repo.Cancel(ctx, ev.ID, e.now())
	if err != nil {
		return err
	}
	fmt.Fprintln(e.out, e.t.f("event.cancelled", ev.ID, n))
	return nil
}

func (e *eventCmd) checkin(ctx context.Context, args []string) error {
	pos, err := e.parse(flag.NewFlagSet("event checkin", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want ID CODE")
	}
	ev, err := e.eventArg(ctx, pos[:1], 1)
	if err != nil {
		return err
	}
	inv, name, err := e.repo.CheckIn(ctx, ev.ID, pos[1], "cli", e.now())
	switch {
	case errors.Is(err, event.ErrAlreadyCheckin):
		return errors.New(e.t.f("event.alreadyCheckedIn", name, inv.CheckedInAt.In(idn.WIB).Format("15:04 WIB")))
	case errors.Is(err, event.ErrNotAttending):
		return errors.New(e.t.f("event.notAttending", name, inv.Status.Label()))
	case err != nil:
		return err
	}
	fmt.Fprintln(e.out, e.t.f("event.checkedIn", name, max(inv.PartySize, 1)))
	return nil
}

var exportHeader = []string{"invitation", "name", "business", "phone", "channel", "delivery", "answer", "people", "needs", "answered_at", "checkin_code", "checked_in_at", "checked_in_by"}

// exportRecord is one invitation's row; the phone is masked
// (+62812****7890) unless fullPhone.
func exportRecord(x store.ExportRow, fullPhone bool) []string {
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(idn.WIB).Format("2006-01-02 15:04")
	}
	phone := x.Phone
	if !fullPhone && phone != "" {
		phone = idn.MaskPhone(phone)
	}
	return []string{
		strconv.FormatInt(x.Invitation.ID, 10), x.Name, x.Business, phone, x.Channel, x.Delivery, x.Invitation.Status.Label(),
		strconv.Itoa(x.Invitation.PartySize), strings.Join(x.Invitation.Needs, ","), ts(x.Invitation.AnsweredAt),
		x.Invitation.CheckinCode, ts(x.Invitation.CheckedInAt), x.Invitation.CheckedInBy,
	}
}

func (e *eventCmd) export(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("event export", flag.ContinueOnError)
	format := fs.String("format", "csv", "csv or xlsx")
	outPath := fs.String("out", "", "file to write (default stdout)")
	fullPhone := fs.Bool("full-phone", false, "write whole phone numbers (default masked: +62812****7890)")
	by := fs.String("by", "cli", "staff user name for the audit log")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	ev, err := e.eventArg(ctx, pos, 1)
	if err != nil {
		return err
	}
	if *format != "csv" && *format != "xlsx" {
		return usagef("--format %q: want csv or xlsx", *format)
	}
	rows, err := e.repo.ExportRows(ctx, ev.ID)
	if err != nil {
		return err
	}
	w := e.out
	if *outPath != "" {
		f, err := createPrivate(*outPath)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	// Who took which personal data out, recorded before any of it leaves.
	if err := e.db.AddAudit(ctx, e.now(), store.ActorStaff(*by), "data.export", "event", strconv.FormatInt(ev.ID, 10),
		map[string]any{"rows": len(rows), "format": *format, "full_phone": *fullPhone}); err != nil {
		return err
	}
	if err := e.writeExport(ctx, w, *format, ev, rows, *fullPhone); err != nil {
		return err
	}
	if *outPath != "" {
		phones := e.t.f("export.phonesMasked")
		if *fullPhone {
			phones = e.t.f("export.phonesFull")
		}
		fmt.Fprintln(e.errw, e.t.f("event.exported", len(rows), *outPath, phones))
	}
	return nil
}

func (e *eventCmd) writeExport(ctx context.Context, w io.Writer, format string, ev *event.Event, rows []store.ExportRow, fullPhone bool) error {
	t := sheet.Table{Name: "Undangan", Header: exportHeader, Rows: make([][]any, len(rows))}
	for i, x := range rows {
		rec := exportRecord(x, fullPhone)
		t.Rows[i] = make([]any, len(rec))
		for j, v := range rec {
			t.Rows[i][j] = v
		}
	}
	if format == "csv" {
		return sheet.WriteCSV(w, t)
	}
	a, err := e.repo.Attendance(ctx, ev.ID)
	if err != nil {
		return err
	}
	summary := sheet.Table{Name: "Ringkasan", Rows: [][]any{
		{"Acara", ev.Title}, {"Waktu", event.FormatWhen(ev)}, {"Tempat", ev.Venue}, {"Status", string(ev.Status)},
		{"Diundang", a.Invited}, {"Hadir (usaha)", a.Going}, {"Hadir (orang)", a.Seats}, {"Daftar tunggu", a.Waitlist},
		{"Mungkin", a.Maybe}, {"Tidak hadir", a.Declined}, {"Belum menjawab", a.Pending}, {"Check-in", a.CheckedIn}, {"Tidak datang", a.NoShow},
	}}
	return sheet.WriteXLSX(w, t, summary)
}
