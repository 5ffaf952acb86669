package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"jejaring/internal/umkm"
)

// Reads of the staff dashboard (issue 13) that no other part needs: a
// contact's whole event history for the business page and the office's
// event figures for the home page.

// InvitationsOf lists every invitation of a contact to a published (or
// changed, or cancelled) event, past ones included, latest event first:
// invited, answered, attended.
func (r *EventRepo) InvitationsOf(ctx context.Context, contactID int64) ([]MyInvitation, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT `+invCols+` FROM invitations i JOIN events e ON e.id = i.event_id
 WHERE i.contact_id = ? AND e.status <> 'draft' ORDER BY e.starts_at DESC, i.id`), contactID)
	if err != nil {
		return nil, fmt.Errorf("invitations of contact %d: %w", contactID, err)
	}
	invs, err := scanInvitations(rows)
	if err != nil {
		return nil, fmt.Errorf("invitations of contact %d: %w", contactID, err)
	}
	out := make([]MyInvitation, 0, len(invs))
	for _, inv := range invs {
		ev, err := r.Event(ctx, inv.EventID)
		if err != nil {
			return nil, err
		}
		out = append(out, MyInvitation{Invitation: inv, Event: *ev})
	}
	return out, nil
}

// HeldEvent is one event that has taken place, with how many businesses
// were invited, said they would come, and came (checked in).
type HeldEvent struct {
	ID       int64
	Title    string
	StartsAt time.Time
	Invited  int
	Going    int
	Attended int
}

// EventFigures are the office's events so far: each held event, and how
// many live businesses (of Businesses) attended at least one.
type EventFigures struct {
	Held       []HeldEvent // oldest first
	Attendees  int         // live businesses whose contact checked in at one event or more
	Businesses int         // live businesses
}

// EventFigures counts the events held before now (ended, not a draft,
// not cancelled) and the businesses that attended one. A business counts
// as attended when the chat contact linked to it checked in.
func (r *EventRepo) EventFigures(ctx context.Context, now time.Time) (EventFigures, error) {
	var f EventFigures
	var held []struct {
		ID       int64     `db:"id"`
		Title    string    `db:"title"`
		StartsAt time.Time `db:"starts_at"`
		Invited  int       `db:"invited"`
		Going    int       `db:"going"`
		Attended int       `db:"attended"`
	}
	err := r.db.SelectContext(ctx, &held, r.db.Rebind(`SELECT e.id, e.title, e.starts_at,
 COUNT(i.id) AS invited,
 COALESCE(SUM(CASE WHEN i.status = 'going' THEN 1 ELSE 0 END), 0) AS going,
 COALESCE(SUM(CASE WHEN i.checked_in_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS attended
 FROM events e LEFT JOIN invitations i ON i.event_id = e.id
 WHERE e.ends_at <= ? AND e.status IN ('published', 'changed')
 GROUP BY e.id, e.title, e.starts_at ORDER BY e.starts_at, e.id`), now.UTC())
	if err != nil {
		return f, fmt.Errorf("events held: %w", err)
	}
	for _, h := range held {
		f.Held = append(f.Held, HeldEvent(h))
	}
	// Driven by the check-ins (few), not by the register (many).
	err = r.db.GetContext(ctx, &f.Attendees, r.db.Rebind(`SELECT COUNT(DISTINCT b.id) FROM invitations i
 JOIN events e ON e.id = i.event_id AND e.ends_at <= ? AND e.status IN ('published', 'changed')
 JOIN businesses b ON b.contact_id = i.contact_id AND b.deleted_at IS NULL
 WHERE i.checked_in_at IS NOT NULL`), now.UTC())
	if err != nil {
		return f, fmt.Errorf("businesses that attended: %w", err)
	}
	if err := r.db.GetContext(ctx, &f.Businesses, `SELECT COUNT(*) FROM businesses WHERE deleted_at IS NULL`); err != nil {
		return f, fmt.Errorf("live businesses: %w", err)
	}
	return f, nil
}

// businessGroups reads the register's counts in one pass: one row per
// (size class, kecamatan, section, verified) that occurs, which the
// callers add up. Records anonymized on request keep these fields for
// the statistics and are counted, as before.
func (r *BusinessRepo) businessGroups(ctx context.Context) (umkm.Stats, error) {
	var groups []struct {
		Size     string `db:"size_class"`
		Region   string `db:"region_code"`
		Section  string `db:"kbli_section"`
		Verified bool   `db:"verified"`
		N        int    `db:"n"`
	}
	err := r.db.SelectContext(ctx, &groups, `SELECT size_class, region_code, kbli_section, verified, COUNT(*) AS n
 FROM businesses GROUP BY size_class, region_code, kbli_section, verified`)
	if err != nil {
		return umkm.Stats{}, fmt.Errorf("business stats: %w", err)
	}
	var s umkm.Stats
	size, region, section := map[string]int{}, map[string]int{}, map[string]int{}
	for _, g := range groups {
		s.Total += g.N
		if g.Verified {
			s.Verified += g.N
		}
		size[g.Size] += g.N
		region[g.Region] += g.N
		section[g.Section] += g.N
	}
	s.BySizeClass, s.ByRegion, s.BySection = sortedCounts(size), sortedCounts(region), sortedCounts(section)
	return s, nil
}

func sortedCounts(m map[string]int) []umkm.Count {
	out := make([]umkm.Count, 0, len(m))
	for k, n := range m {
		out = append(out, umkm.Count{Key: k, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// weekCounts counts the registrations of each week from start in one
// grouped query over the created_at index range: the week is the number
// of whole 7-day spans since start, computed by the database.
func (r *BusinessRepo) weekCounts(ctx context.Context, start time.Time, weeks int) ([]int, error) {
	counts := make([]int, weeks)
	week := `CAST(FLOOR(EXTRACT(EPOCH FROM (created_at - ?)) / 604800) AS INTEGER)`
	if !r.db.IsPostgres() {
		week = `CAST((julianday(created_at) - julianday(?) + 1e-9) / 7 AS INTEGER)`
	}
	var rows []struct {
		W int `db:"w"`
		N int `db:"n"`
	}
	q := r.db.Rebind(`SELECT ` + week + ` AS w, COUNT(*) AS n FROM businesses WHERE created_at >= ? AND created_at < ? GROUP BY 1`)
	if err := r.db.SelectContext(ctx, &rows, q, start, start, start.AddDate(0, 0, 7*weeks)); err != nil {
		return nil, fmt.Errorf("businesses per week: %w", err)
	}
	for _, row := range rows {
		if row.W >= 0 && row.W < weeks {
			counts[row.W] += row.N
		}
	}
	return counts, nil
}
