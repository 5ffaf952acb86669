package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

// runReport is `jejaring report`: what came of the office's events (issue
// 16) — per event invited, going, attended and no-shows, the ratings given
// right after and the follow-ups, the deals by kind and status with their
// value, and the coverage of the register (the share of businesses that
// came to an event and that had a useful connection) per kecamatan, size
// class, sector and month. `report followups EVENT 1,3,6` sets an event's
// follow-up months ("-" none). The figures are store.EventRepo.Report's, the
// same the dashboard shows.
func runReport(ctx context.Context, db *store.DB, args []string, s stdio) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(s.err)
	eventID := fs.Int64("event", 0, "one event only")
	from := fs.String("from", "", "events starting on or after this day (YYYY-MM-DD, WIB)")
	to := fs.String("to", "", "events starting before this day (YYYY-MM-DD, WIB)")
	region := fs.String("region", defaultRegion(s), "region data file (default: $REGION, else pesisir_selatan)")
	by := fs.String("by", "cli", "followups: who sets them (kept in the audit log)")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage:")
		fmt.Fprintln(w, "  jejaring report [--event ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD]   hasil acara / what came of the events")
		fmt.Fprintln(w, "  jejaring report followups EVENT 1,3,6                                bulan tindak lanjut / follow-up months (- none)")
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	events := store.NewEventRepo(db)
	if len(pos) > 0 {
		if pos[0] != "followups" || len(pos) != 3 {
			fs.Usage()
			return 2
		}
		id, err := strconv.ParseInt(pos[1], 10, 64)
		if err != nil || id <= 0 {
			return s.failf("%s", s.t.f("report.badEvent", pos[1]))
		}
		months, err := event.ParseFollowups(pos[2])
		if err != nil {
			return s.failf("%s", s.t.f("report.badMonths", pos[2]))
		}
		if err := events.SetFollowups(ctx, id, months, *by, time.Now()); errors.Is(err, event.ErrNotFound) {
			return s.failf("%s", s.t.f("report.badEvent", pos[1]))
		} else if err != nil {
			return s.failf("report followups: %v", err)
		}
		if len(months) == 0 {
			fmt.Fprintln(s.out, s.t.f("report.followupsNone", id))
		} else {
			fmt.Fprintln(s.out, s.t.f("report.followupsSet", id, event.FormatFollowups(months)))
		}
		return 0
	}
	f := store.ReportFilter{EventID: *eventID}
	for _, d := range []struct {
		in  string
		out *time.Time
	}{{*from, &f.From}, {*to, &f.To}} {
		if d.in == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.in, idn.WIB)
		if err != nil {
			return s.failf("%s", s.t.f("report.badDate", d.in))
		}
		*d.out = t
	}
	data, err := umkm.LoadData(*region)
	if err != nil {
		return s.failf("%v", err)
	}
	rep, err := events.Report(ctx, f)
	if err != nil {
		return s.failf("report: %v", err)
	}
	writeReport(s.out, rep, data, s.t)
	return 0
}

func pct(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

func writeReport(w io.Writer, rep store.Report, data *umkm.Data, t tr) {
	lang := t.lang()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(rep.Events) == 0 {
		fmt.Fprintln(w, t.f("report.noEvents"))
	}
	for _, e := range rep.Events {
		ev := e.Event
		fmt.Fprintf(tw, "%s\n", t.f("report.event", ev.ID, ev.Title, idn.Date(ev.StartsAt.In(idn.WIB), lang), ev.Kind.Label()))
		fmt.Fprintf(tw, "  %s\n", t.f("report.attendance", e.Invited, e.Going, e.Attended, e.NoShow, pct(e.NoShow, e.Going)))
		fmt.Fprintf(tw, "  %s\n", t.f("report.after", e.Asked, e.Answered, pct(e.Answered, e.Asked), e.Useful))
		ratings := event.SeminarRatings
		if ev.Kind == event.TemuBisnis {
			ratings = event.MeetingRatings
		}
		for _, r := range ratings {
			fmt.Fprintf(tw, "    %s\t%d\t\n", r.Label(lang), e.Ratings[r])
		}
		fmt.Fprintf(tw, "  %s\n", t.f("report.followups", e.FollowupsAsked, e.FollowupsInTouch))
		if e.MeetingsBooked > 0 {
			fmt.Fprintf(tw, "  %s\n", t.f("report.meetings", e.MeetingsBooked, e.MeetingsHeld, pct(e.MeetingsHeld, e.MeetingsBooked)))
			fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\t%s\t\n", t.f("report.slotCol"), t.f("report.businessCol"), t.f("report.partnerCol"), t.f("report.ownerSaid"), t.f("report.partnerSaid"))
			for _, m := range e.Meetings {
				fmt.Fprintf(tw, "    %d\t%s\t%s\t%s\t%s\t\n", m.Slot+1, m.Business, m.PartnerName, m.Owner.Words(lang), m.Partner.Words(lang))
			}
		}
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, t.f("report.deals"))
	if len(rep.Deals) == 0 {
		fmt.Fprintln(w, "  "+t.f("report.noDeals"))
	}
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	var total int64
	for _, d := range rep.Deals {
		side := ""
		if d.Side == event.SidePartner {
			side = " (" + t.f("report.partnerSide") + ")"
		}
		fmt.Fprintf(tw, "  %s%s\t%s\t%d\t%s\t\n", d.Kind.Label(lang), side, d.Status.Label(lang), d.Count, idn.Rupiah(d.YearValue))
		if d.Side != event.SidePartner {
			total += d.YearValue
		}
	}
	tw.Flush()
	if len(rep.Deals) > 0 {
		fmt.Fprintln(w, "  "+t.f("report.dealTotal", idn.Rupiah(total)))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, t.f("report.coverage", rep.Registered, rep.Attended, pct(rep.Attended, rep.Registered), rep.Good, pct(rep.Good, rep.Registered)))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	group := func(head string, rows []store.CoverageRow, label func(string) string) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", head, t.f("report.registered"), t.f("report.attendedCol"), t.f("report.goodCol"), t.f("report.shareCol"))
		for _, r := range rows {
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t%s\t\n", label(r.Group), r.Registered, r.Attended, r.Good, pct(r.Attended, r.Registered))
		}
		fmt.Fprintln(tw, "\t\t\t\t\t")
	}
	notGiven := t.f("stats.notGiven")
	group(t.f("stats.kecamatan"), rep.ByKecamatan, func(code string) string {
		if k, ok := data.Region.KecamatanByCode(code); ok {
			return k.Name
		}
		if code == "" {
			return notGiven
		}
		return code
	})
	group(t.f("stats.size"), rep.BySize, func(c string) string {
		if c == "" {
			return notGiven
		}
		return umkm.SizeClass(c).Label(lang)
	})
	group(t.f("stats.sector"), rep.BySector, func(c string) string {
		if sec, ok := data.Sectors.Section(c); ok {
			return sec.Letter + " " + sec.ShortID
		}
		return notGiven
	})
	if len(rep.Months) > 0 {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\t\n", t.f("report.month"), t.f("report.eventsCol"), t.f("report.attendedCol"), t.f("report.goodCol"))
		for _, m := range rep.Months {
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t\t\n", m.Month, m.Events, m.Attended, m.Good)
		}
	}
	tw.Flush()
}
