package store

import (
	"context"
	"fmt"
	"strings"

	"jejaring/internal/event"
	"jejaring/internal/umkm/reach"
)

// Reach (issue 12): the reach status of each business, the funnel
// register → reachable by chat → confirmed, the audience of a broadcast
// by status, and the first-contact campaign (reach_campaign.go).
//
// A record is reachable exactly when a broadcast can invite it: linked to
// a contact (businesses.contact_id) who did not say berhenti and did not
// block us, the rule of EventRepo.Recipients.

// reachExpr is a business's reach.Status, over businesses b LEFT JOIN
// contacts c ON c.id = b.contact_id.
const reachExpr = `CASE
 WHEN c.id IS NULL AND COALESCE(b.owner_phone, '') <> '' THEN 'phone_only'
 WHEN c.id IS NULL THEN 'no_phone'
 WHEN c.stopped OR c.blocked THEN 'stopped'
 ELSE c.channel END`

const reachFrom = ` FROM businesses b LEFT JOIN contacts c ON c.id = b.contact_id`

// readStatus turns a stored channel name into a Status; a contact on a
// channel Jejaring does not name is taken as a web chat.
func readStatus(s string) reach.Status {
	if st := reach.Status(s); st.Valid() {
		return st
	}
	return reach.WebChat
}

// ReachOf returns the reach status of each live business of ids (a
// deleted or unknown id is left out of the map).
func (r *BusinessRepo) ReachOf(ctx context.Context, ids []int64) (map[int64]reach.Status, error) {
	out := make(map[int64]reach.Status, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT b.id, `+reachExpr+reachFrom+
			` WHERE b.deleted_at IS NULL AND b.id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("reach of %d businesses: %w", len(chunk), err)
		}
		for rows.Next() {
			var id int64
			var st string
			if err := rows.Scan(&id, &st); err != nil {
				rows.Close()
				return nil, fmt.Errorf("reach of businesses: %w", err)
			}
			out[id] = readStatus(st)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("reach of businesses: %w", err)
		}
	}
	return out, nil
}

// reachCounts groups the live businesses matching where (over b and c)
// by kecamatan, reach status, source and verified.
//
// Two grouped queries: the records linked to no chat need no join (most
// of an imported register), the linked ones join their contact.
func (r *BusinessRepo) reachCounts(ctx context.Context, where string, args []any) (map[string]reach.Counts, error) {
	out := map[string]reach.Counts{}
	unlinked := `SELECT b.region_code, CASE WHEN COALESCE(b.owner_phone, '') <> '' THEN 'phone_only' ELSE 'no_phone' END AS st, b.source, b.verified, COUNT(*)
 FROM businesses b WHERE b.deleted_at IS NULL AND b.contact_id IS NULL` + where + ` GROUP BY b.region_code, st, b.source, b.verified`
	linked := `SELECT b.region_code, CASE WHEN c.stopped OR c.blocked THEN 'stopped' ELSE c.channel END AS st, b.source, b.verified, COUNT(*)
 FROM businesses b JOIN contacts c ON c.id = b.contact_id WHERE b.deleted_at IS NULL` + where + ` GROUP BY b.region_code, st, b.source, b.verified`
	for _, q := range []string{unlinked, linked} {
		if err := r.addReachCounts(ctx, out, q, args); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *BusinessRepo) addReachCounts(ctx context.Context, out map[string]reach.Counts, q string, args []any) error {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(q), args...)
	if err != nil {
		return fmt.Errorf("reach counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var region, st, source string
		var verified bool
		var n int
		if err := rows.Scan(&region, &st, &source, &verified, &n); err != nil {
			return fmt.Errorf("reach counts: %w", err)
		}
		c := out[region]
		c.Add(readStatus(st), source == "import", verified, n)
		out[region] = c
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reach counts: %w", err)
	}
	return nil
}

// ReachFunnel counts the whole register by kecamatan and reach status:
// the funnel register → reachable by chat → confirmed.
func (r *BusinessRepo) ReachFunnel(ctx context.Context) (reach.Funnel, error) {
	by, err := r.reachCounts(ctx, "", nil)
	if err != nil {
		return reach.Funnel{}, err
	}
	return reach.NewFunnel(by), nil
}

// SegmentReach counts the live businesses an event segment selects by
// reach status, whether or not they can be invited: what a publish says
// about who is left out and why. The segment's channels are not applied
// (a record that never wrote has no channel).
func (r *BusinessRepo) SegmentReach(ctx context.Context, seg event.Segment) (reach.Counts, error) {
	var where strings.Builder
	var args []any
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		where.WriteString(` AND ` + col + ` IN (?` + strings.Repeat(", ?", len(vals)-1) + `)`)
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("b.region_code", seg.RegionCodes)
	in("b.size_class", seg.SizeClasses)
	in("b.kbli_section", seg.KBLISections)
	if len(seg.Tags) > 0 {
		var ors []string
		for _, t := range seg.Tags {
			ors = append(ors, `(',' || REPLACE(b.tags, ' ', '') || ',') LIKE ?`)
			args = append(args, "%,"+strings.ReplaceAll(strings.TrimSpace(t), " ", "")+",%")
		}
		where.WriteString(` AND (` + strings.Join(ors, " OR ") + `)`)
	}
	if seg.VerifiedOnly {
		where.WriteString(` AND b.verified = ?`)
		args = append(args, true)
	}
	if !seg.RegisteredSince.IsZero() {
		where.WriteString(` AND b.created_at >= ?`)
		args = append(args, seg.RegisteredSince.UTC())
	}
	by, err := r.reachCounts(ctx, where.String(), args)
	if err != nil {
		return reach.Counts{}, err
	}
	var c reach.Counts
	for _, rc := range by {
		c.Merge(rc)
	}
	if c.ByStatus == nil {
		c.ByStatus = map[reach.Status]int{}
	}
	return c, nil
}

// reachCond is the directory's reach filter as a condition on the
// businesses table alone (no alias), "" for none; ok is false for a filter
// that names nothing.
func reachCond(f reach.Filter) (cond string, args []any, ok bool) {
	sts, ok := f.Statuses()
	if !ok || len(sts) == 0 {
		return "", nil, ok
	}
	var ors []string
	var chans []any
	for _, s := range sts {
		switch s {
		case reach.PhoneOnly:
			ors = append(ors, `(contact_id IS NULL AND COALESCE(owner_phone, '') <> '')`)
		case reach.NoPhone:
			ors = append(ors, `(contact_id IS NULL AND COALESCE(owner_phone, '') = '')`)
		case reach.Stopped:
			ors = append(ors, `contact_id IN (SELECT id FROM contacts WHERE stopped OR blocked)`)
		default:
			chans = append(chans, string(s))
		}
	}
	if len(chans) > 0 {
		ors = append(ors, `contact_id IN (SELECT id FROM contacts WHERE NOT stopped AND NOT blocked AND channel IN (?`+strings.Repeat(", ?", len(chans)-1)+`))`)
		args = append(args, chans...)
	}
	return "(" + strings.Join(ors, " OR ") + ")", args, true
}
