package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/event"
	"jejaring/internal/idn"
)

// ReportFilter picks the events a report covers: one event, or those that
// started in [From, To) (zero: open), drafts never.
type ReportFilter struct {
	EventID  int64
	From, To time.Time
}

// EventReport are one event's counts.
type EventReport struct {
	Event                            event.Event
	Invited, Going, Attended         int // Going: answered Hadir (with a seat), Attended: checked in
	NoShow                           int // going, not checked in (after the event)
	Asked, Answered                  int // outcome questions sent, and answered
	Ratings                          map[event.Rating]int
	Useful                           int // answers rated a useful connection
	FollowupsAsked, FollowupsInTouch int // follow-up questions sent; answered "still in touch"
	// Temu bisnis: the meetings booked, those held (both sides there, and
	// neither answered "did not take place"), and each with both sides'
	// answers side by side, never merged.
	MeetingsBooked, MeetingsHeld int
	Meetings                     []MeetingReport
}

// MeetingReport is one meeting and what each side said of it.
type MeetingReport struct {
	ID                    int64
	Slot                  int
	Business, PartnerName string
	Held                  bool
	// Owner and Partner are each side's latest answers: the rating right
	// after, and the latest follow-up's deal (empty when not answered).
	Owner, Partner MeetingAnswer
}

// MeetingAnswer is one side's view of a meeting.
type MeetingAnswer struct {
	Rating    event.Rating
	InContact string
	Deal      event.Outcome // DealKind "" none
}

// Words are one side's answers about a meeting in a few words ("-" none).
func (a MeetingAnswer) Words(lang string) string {
	if a.Rating == "" && a.InContact == "" && a.Deal.DealKind == "" {
		return "-"
	}
	out := a.Rating.Label(lang)
	if a.Deal.DealKind != "" {
		if out != "" {
			out += "; "
		}
		out += event.OutcomeSummary(&a.Deal, lang)
	}
	return out
}

// KeptRate is the share of booked meetings that were held.
func (f EventReport) KeptRate() float64 {
	if f.MeetingsBooked == 0 {
		return 0
	}
	return float64(f.MeetingsHeld) / float64(f.MeetingsBooked)
}

// NoShowRate is the share of those going who did not come (0 before any
// confirmed seat).
func (f EventReport) NoShowRate() float64 {
	if f.Going == 0 {
		return 0
	}
	return float64(f.NoShow) / float64(f.Going)
}

// DealFigure counts the deals of one kind and status, each connection
// once (its latest follow-up answer), and their value over a year.
type DealFigure struct {
	Side      string
	Kind      event.DealKind
	Status    event.DealStatus
	Count     int
	YearValue int64
}

// CoverageRow is one group of registered businesses (a kecamatan code, a
// size class or a KBLI section; "" not known): how many there are, how many
// attended at least one event, and how many had at least one useful
// connection (a meeting rated useful or a deal).
type CoverageRow struct {
	Group                      string
	Registered, Attended, Good int
}

// MonthRow is one calendar month (WIB) of the events' start dates.
type MonthRow struct {
	Month          string // "2026-12"
	Events         int
	Attended, Good int // distinct businesses
}

// Report is what came of the office's events.
type Report struct {
	Events                     []EventReport
	Deals                      []DealFigure
	Registered, Attended, Good int // distinct businesses
	ByKecamatan, BySize        []CoverageRow
	BySector                   []CoverageRow
	Months                     []MonthRow
}

// Report counts invitations, attendance, outcome answers, deals and
// coverage for the events f picks.
func (r *EventRepo) Report(ctx context.Context, f ReportFilter) (Report, error) {
	var rep Report
	q := `SELECT ` + eventCols + ` FROM events WHERE status <> ?`
	args := []any{string(event.Draft)}
	if f.EventID != 0 {
		q += ` AND id = ?`
		args = append(args, f.EventID)
	}
	if !f.From.IsZero() {
		q += ` AND starts_at >= ?`
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		q += ` AND starts_at < ?`
		args = append(args, f.To.UTC())
	}
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(q+` ORDER BY starts_at, id`), args...)
	if err != nil {
		return rep, fmt.Errorf("report events: %w", err)
	}
	var evs []event.Event
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return rep, err
		}
		evs = append(evs, *ev)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	ids := make([]any, len(evs))
	for i := range evs {
		ids[i] = evs[i].ID
		fig, err := r.eventFigures(ctx, &evs[i])
		if err != nil {
			return rep, err
		}
		rep.Events = append(rep.Events, fig)
	}
	if rep.Deals, err = r.deals(ctx, ids); err != nil {
		return rep, err
	}
	if err := r.coverage(ctx, &rep, evs, ids); err != nil {
		return rep, err
	}
	return rep, nil
}

func (r *EventRepo) eventFigures(ctx context.Context, ev *event.Event) (EventReport, error) {
	fig := EventReport{Event: *ev, Ratings: map[event.Rating]int{}}
	att, err := r.Attendance(ctx, ev.ID)
	if err != nil {
		return fig, err
	}
	fig.Invited, fig.Going, fig.Attended, fig.NoShow = att.Invited, att.Going, att.CheckedIn, att.NoShow
	if err := r.meetingFigures(ctx, &fig); err != nil {
		return fig, err
	}
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT o.round, o.rating, o.in_contact, CASE WHEN o.answered_at IS NULL THEN 0 ELSE 1 END,
 COALESCE((SELECT ob.status FROM outbox ob WHERE ob.dedupe_key = 'outcome:' || CAST(o.id AS TEXT)), ''), o.side
 FROM outcomes o WHERE o.event_id = ?`), ev.ID)
	if err != nil {
		return fig, fmt.Errorf("outcomes of event %d: %w", ev.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var round, rating, inContact, status, side string
		var answered int
		if err := rows.Scan(&round, &rating, &inContact, &answered, &status, &side); err != nil {
			return fig, err
		}
		sent := status == "sent" || answered == 1
		if event.Round(round) == event.RoundAfter {
			if side != event.SideOwner {
				continue // partners' answers are shown per meeting
			}
			if sent {
				fig.Asked++
			}
			if answered == 1 {
				fig.Answered++
				if rating != "" {
					fig.Ratings[event.Rating(rating)]++
				}
				if event.Rating(rating).Useful() {
					fig.Useful++
				}
			}
			continue
		}
		if side != event.SideOwner {
			continue
		}
		if sent {
			fig.FollowupsAsked++
		}
		if inContact == "ya" {
			fig.FollowupsInTouch++
		}
	}
	return fig, rows.Err()
}

// deals counts each connection's latest answered deal: the same order told
// at one, three and six months is one order, at its latest status.
func (r *EventRepo) deals(ctx context.Context, ids []any) ([]DealFigure, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT o.event_id, COALESCE(o.business_id, 0), o.id, COALESCE(o.invitation_id, 0), o.meeting_key, o.side, o.round,
 o.deal_kind, o.deal_status, o.deal_value, o.deal_per FROM outcomes o WHERE o.deal_kind <> '' AND o.answered_at IS NOT NULL AND o.event_id IN (`+qmarks(len(ids))+`)`), ids...)
	if err != nil {
		return nil, fmt.Errorf("deals: %w", err)
	}
	defer rows.Close()
	type conn struct {
		event, who    int64
		meeting, side string
	}
	latest := map[conn]event.Outcome{}
	for rows.Next() {
		var o event.Outcome
		var round, kind, status, per string
		var business, inv int64
		if err := rows.Scan(&o.EventID, &business, &o.ID, &inv, &o.MeetingKey, &o.Side, &round, &kind, &status, &o.DealValue, &per); err != nil {
			return nil, err
		}
		o.Round, o.DealKind, o.DealStatus, o.DealPer = event.Round(round), event.DealKind(kind), event.DealStatus(status), idn.Period(per)
		who := inv
		if who == 0 {
			who = -business
		}
		k := conn{o.EventID, who, o.MeetingKey, o.Side}
		if prev, ok := latest[k]; !ok || o.Round.Months() > prev.Round.Months() {
			latest[k] = o
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	type key struct {
		side   string
		kind   event.DealKind
		status event.DealStatus
	}
	sum := map[key]*DealFigure{}
	for _, o := range latest {
		k := key{o.Side, o.DealKind, o.DealStatus}
		d := sum[k]
		if d == nil {
			d = &DealFigure{Side: o.Side, Kind: o.DealKind, Status: o.DealStatus}
			sum[k] = d
		}
		d.Count++
		d.YearValue += o.DealYearValue()
	}
	out := make([]DealFigure, 0, len(sum))
	for _, d := range sum {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b DealFigure) int {
		if a.Side != b.Side {
			return cmp.Compare(a.Side, b.Side)
		}
		if ai, bi := slices.Index(event.DealKinds, a.Kind), slices.Index(event.DealKinds, b.Kind); ai != bi {
			return ai - bi
		}
		return slices.Index(event.DealStatuses, a.Status) - slices.Index(event.DealStatuses, b.Status)
	})
	return out, nil
}

func qmarks(n int) string {
	if n == 0 {
		return ""
	}
	b := make([]byte, 0, 3*n)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}

// coverage fills the registered / attended / useful counts per group and
// per month.
func (r *EventRepo) coverage(ctx context.Context, rep *Report, evs []event.Event, ids []any) error {
	type biz struct{ region, size, sector string }
	all := map[int64]biz{}
	rows, err := r.db.QueryxContext(ctx, `SELECT id, COALESCE(region_code, ''), COALESCE(size_class, ''), COALESCE(kbli_section, '') FROM businesses WHERE deleted_at IS NULL`)
	if err != nil {
		return fmt.Errorf("coverage: businesses: %w", err)
	}
	for rows.Next() {
		var id int64
		var b biz
		if err := rows.Scan(&id, &b.region, &b.size, &b.sector); err != nil {
			rows.Close()
			return err
		}
		all[id] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	month := map[int64]string{}
	for _, ev := range evs {
		month[ev.ID] = ev.StartsAt.In(idn.WIB).Format("2006-01")
	}
	attended := map[int64]bool{}
	good := map[int64]bool{}
	monthAtt := map[string]map[int64]bool{}
	monthGood := map[string]map[int64]bool{}
	add := func(m map[string]map[int64]bool, k string, id int64) {
		if m[k] == nil {
			m[k] = map[int64]bool{}
		}
		m[k][id] = true
	}
	if len(ids) > 0 {
		rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT DISTINCT i.event_id, b.id FROM invitations i JOIN businesses b ON b.contact_id = i.contact_id AND b.deleted_at IS NULL
 WHERE i.checked_in_at IS NOT NULL AND i.event_id IN (`+qmarks(len(ids))+`)`), ids...)
		if err != nil {
			return fmt.Errorf("coverage: attended: %w", err)
		}
		for rows.Next() {
			var ev, id int64
			if err := rows.Scan(&ev, &id); err != nil {
				rows.Close()
				return err
			}
			attended[id] = true
			add(monthAtt, month[ev], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		useful := []any{string(event.RatingUseful), string(event.RatingOpportunity), string(event.RatingHelpful)}
		rows, err = r.db.QueryxContext(ctx, r.db.Rebind(`SELECT DISTINCT o.event_id, o.business_id FROM outcomes o
 WHERE o.business_id IS NOT NULL AND o.side = 'owner' AND o.answered_at IS NOT NULL AND (o.rating IN (?, ?, ?) OR o.deal_kind <> '') AND o.event_id IN (`+qmarks(len(ids))+`)`), append(useful, ids...)...)
		if err != nil {
			return fmt.Errorf("coverage: useful: %w", err)
		}
		for rows.Next() {
			var ev, id int64
			if err := rows.Scan(&ev, &id); err != nil {
				rows.Close()
				return err
			}
			if _, ok := all[id]; !ok {
				continue
			}
			good[id] = true
			add(monthGood, month[ev], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	rep.Registered, rep.Attended, rep.Good = len(all), len(attended), len(good)
	group := func(of func(biz) string) []CoverageRow {
		m := map[string]*CoverageRow{}
		for id, b := range all {
			g := of(b)
			row := m[g]
			if row == nil {
				row = &CoverageRow{Group: g}
				m[g] = row
			}
			row.Registered++
			if attended[id] {
				row.Attended++
			}
			if good[id] {
				row.Good++
			}
		}
		out := make([]CoverageRow, 0, len(m))
		for _, row := range m {
			out = append(out, *row)
		}
		slices.SortFunc(out, func(a, b CoverageRow) int { return cmp.Compare(a.Group, b.Group) })
		return out
	}
	rep.ByKecamatan = group(func(b biz) string { return b.region })
	rep.BySize = group(func(b biz) string { return b.size })
	rep.BySector = group(func(b biz) string { return b.sector })
	events := map[string]int{}
	for _, ev := range evs {
		events[month[ev.ID]]++
	}
	for m, n := range events {
		rep.Months = append(rep.Months, MonthRow{Month: m, Events: n, Attended: len(monthAtt[m]), Good: len(monthGood[m])})
	}
	slices.SortFunc(rep.Months, func(a, b MonthRow) int { return cmp.Compare(a.Month, b.Month) })
	return nil
}

// meetingFigures fills the meetings of a temu bisnis with both sides'
// answers.
func (r *EventRepo) meetingFigures(ctx context.Context, fig *EventReport) error {
	var meetings []heldMeeting
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		meetings, _, err = eventMeetings(ctx, tx, fig.Event.ID)
		return err
	})
	if err != nil || len(meetings) == 0 {
		return err
	}
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT `+outcomeCols+` FROM outcomes o WHERE o.event_id = ? AND o.meeting_key <> '' AND o.answered_at IS NOT NULL ORDER BY o.id`), fig.Event.ID)
	if err != nil {
		return fmt.Errorf("meeting answers of event %d: %w", fig.Event.ID, err)
	}
	defer rows.Close()
	answers := map[string][]event.Outcome{}
	for rows.Next() {
		o, err := scanOutcome(rows)
		if err != nil {
			return err
		}
		answers[o.MeetingKey] = append(answers[o.MeetingKey], *o)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range meetings {
		mr := MeetingReport{ID: m.ID, Slot: m.Slot, Business: m.BusinessName, PartnerName: m.Partner, Held: m.held()}
		for _, o := range answers[meetingKey(m.ID)] {
			a := &mr.Owner
			if o.Side == event.SidePartner {
				a = &mr.Partner
			}
			if o.Round == event.RoundAfter {
				a.Rating = o.Rating
				continue
			}
			if o.InContact != "" && o.Round.Months() >= a.Deal.Round.Months() {
				a.InContact = o.InContact
				a.Deal = o
			}
		}
		if mr.Owner.Rating == event.RatingNotHeld || mr.Partner.Rating == event.RatingNotHeld {
			mr.Held = false
		}
		fig.MeetingsBooked++
		if mr.Held {
			fig.MeetingsHeld++
		}
		fig.Meetings = append(fig.Meetings, mr)
	}
	return nil
}
