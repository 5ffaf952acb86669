package store

import (
	"context"
	"fmt"
	"time"

	"jejaring/internal/event"
)

// The network the office's events built (issue 16): the businesses and
// the partners they met, linked by each meeting held, a link marked useful
// when the owner rated it so or told of a deal, and with the latest deal's
// kind.

// NetworkNode is a business or a partner.
type NetworkNode struct {
	Key    string // "b<id>" or "p<id>"
	Kind   string // "business" or "partner"
	Name   string
	Group  string // a business's KBLI section, a partner's kind
	Region string // a business's kecamatan code
}

// NetworkLink is one meeting between a business and a partner.
type NetworkLink struct {
	From, To string // node keys: business, partner
	EventID  int64
	Held     bool
	Useful   bool
	Deal     event.DealKind // the latest one told, "" none
}

// Network is the graph.
type Network struct {
	Nodes []NetworkNode
	Links []NetworkLink
}

// Network reads the meetings of the events f picks as a graph.
func (r *EventRepo) Network(ctx context.Context, f ReportFilter) (Network, error) {
	var net Network
	q := `SELECT m.id, m.event_id, m.slot, COALESCE(b.id, 0), COALESCE(b.name, ''), COALESCE(b.kbli_section, ''), COALESCE(b.region_code, ''),
 p.id, p.organisation, p.kind, i.checked_in_at IS NOT NULL,
 COALESCE(a.absent_from, -1), COALESCE(mp.absent_from, -1)
 FROM match_meetings m JOIN events e ON e.id = m.event_id JOIN invitations i ON i.id = m.invitation_id JOIN partners p ON p.id = m.partner_id
 LEFT JOIN businesses b ON b.id = (SELECT MIN(b2.id) FROM businesses b2 WHERE b2.contact_id = i.contact_id AND b2.deleted_at IS NULL)
 LEFT JOIN match_partners mp ON mp.event_id = m.event_id AND mp.partner_id = m.partner_id
 LEFT JOIN match_absences a ON a.event_id = m.event_id AND a.invitation_id = m.invitation_id
 WHERE e.status <> ?`
	args := []any{string(event.Draft)}
	if f.EventID != 0 {
		q += ` AND e.id = ?`
		args = append(args, f.EventID)
	}
	if !f.From.IsZero() {
		q += ` AND e.starts_at >= ?`
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		q += ` AND e.starts_at < ?`
		args = append(args, f.To.UTC())
	}
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(q+` ORDER BY m.event_id, m.slot, m.id`), args...)
	if err != nil {
		return net, fmt.Errorf("network: %w", err)
	}
	seen := map[string]bool{}
	keys := map[int64]int{} // meeting id -> link index
	for rows.Next() {
		var m heldMeeting
		var ev, bizID, partnerID int64
		var bizName, section, region, org, kind string
		if err := rows.Scan(&m.ID, &ev, &m.Slot, &bizID, &bizName, &section, &region, &partnerID, &org, &kind, &m.OwnerCame,
			&m.OwnerAbsentFrom, &m.PartnerAbsentFrom); err != nil {
			rows.Close()
			return net, err
		}
		if bizID == 0 {
			continue // the owner's data was erased: no node to show
		}
		bk, pk := fmt.Sprintf("b%d", bizID), fmt.Sprintf("p%d", partnerID)
		if !seen[bk] {
			seen[bk] = true
			net.Nodes = append(net.Nodes, NetworkNode{Key: bk, Kind: "business", Name: bizName, Group: section, Region: region})
		}
		if !seen[pk] {
			seen[pk] = true
			net.Nodes = append(net.Nodes, NetworkNode{Key: pk, Kind: "partner", Name: org, Group: kind})
		}
		keys[m.ID] = len(net.Links)
		net.Links = append(net.Links, NetworkLink{From: bk, To: pk, EventID: ev, Held: m.held()})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return net, err
	}
	if len(keys) == 0 {
		return net, nil
	}
	ans, err := r.db.QueryxContext(ctx, `SELECT o.meeting_key, o.round, o.rating, o.deal_kind FROM outcomes o
 WHERE o.meeting_key <> '' AND o.side = 'owner' AND o.answered_at IS NOT NULL ORDER BY o.id`)
	if err != nil {
		return net, fmt.Errorf("network answers: %w", err)
	}
	defer ans.Close()
	for ans.Next() {
		var key, round, rating, deal string
		if err := ans.Scan(&key, &round, &rating, &deal); err != nil {
			return net, err
		}
		var id int64
		if _, err := fmt.Sscanf(key, "meeting:%d", &id); err != nil {
			continue
		}
		i, ok := keys[id]
		if !ok {
			continue
		}
		l := &net.Links[i]
		if event.Rating(rating) == event.RatingNotHeld {
			l.Held = false
		}
		if event.Rating(rating).Useful() || deal != "" {
			l.Useful = true
		}
		if deal != "" {
			l.Deal = event.DealKind(deal)
		}
	}
	return net, ans.Err()
}

// Connection is one partner a business met at a temu bisnis, with what
// the owner said came of it.
type Connection struct {
	EventID    int64
	EventTitle string
	StartsAt   time.Time
	Partner    string
	Held       bool
	Rating     event.Rating
	Deal       event.Outcome // the latest follow-up with a deal ("" kind: none)
}

// ConnectionsOf lists the meetings of the business (through its owner's
// chat), newest event first.
func (r *EventRepo) ConnectionsOf(ctx context.Context, businessID int64) ([]Connection, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT m.id, e.id, e.title, e.starts_at, p.organisation, m.slot, i.checked_in_at IS NOT NULL,
 COALESCE(a.absent_from, -1), COALESCE(mp.absent_from, -1)
 FROM businesses b JOIN invitations i ON i.contact_id = b.contact_id JOIN match_meetings m ON m.invitation_id = i.id
 JOIN events e ON e.id = m.event_id JOIN partners p ON p.id = m.partner_id
 LEFT JOIN match_partners mp ON mp.event_id = m.event_id AND mp.partner_id = m.partner_id
 LEFT JOIN match_absences a ON a.event_id = m.event_id AND a.invitation_id = m.invitation_id
 WHERE b.id = ? ORDER BY e.starts_at DESC, m.slot`), businessID)
	if err != nil {
		return nil, fmt.Errorf("connections of business %d: %w", businessID, err)
	}
	var out []Connection
	byMeeting := map[string]int{}
	for rows.Next() {
		var c Connection
		var m heldMeeting
		if err := rows.Scan(&m.ID, &c.EventID, &c.EventTitle, &c.StartsAt, &c.Partner, &m.Slot, &m.OwnerCame, &m.OwnerAbsentFrom, &m.PartnerAbsentFrom); err != nil {
			rows.Close()
			return nil, err
		}
		c.Held = m.held()
		byMeeting[meetingKey(m.ID)] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ans, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT `+outcomeCols+` FROM outcomes o WHERE o.business_id = ? AND o.side = 'owner' AND o.meeting_key <> '' AND o.answered_at IS NOT NULL ORDER BY o.id`), businessID)
	if err != nil {
		return nil, fmt.Errorf("connections' answers: %w", err)
	}
	defer ans.Close()
	for ans.Next() {
		o, err := scanOutcome(ans)
		if err != nil {
			return nil, err
		}
		i, ok := byMeeting[o.MeetingKey]
		if !ok {
			continue
		}
		c := &out[i]
		if o.Round == event.RoundAfter {
			c.Rating = o.Rating
			if o.Rating == event.RatingNotHeld {
				c.Held = false
			}
		} else if o.DealKind != "" && o.Round.Months() >= c.Deal.Round.Months() {
			c.Deal = *o
		}
	}
	return out, ans.Err()
}
