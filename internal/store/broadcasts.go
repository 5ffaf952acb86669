package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/event"
	"jejaring/internal/outbox"
)

// This file is the staff desk of an event, as the dashboard and the staff
// chat flow see it: who an audience reaches and who it cannot (and why),
// each broadcast's funnel from the outbox rows and the answers, the one
// resend to those who did not answer, a test send to a staff member's own
// chat, editing and duplicating an event, and promoting from the waitlist
// by hand.

// KindTest is the outbox kind of a test send to a staff member's own chat.
const KindTest = "test"

// KindResend is the broadcasts.kind of a resend to those who did not
// answer; its outbox rows are invitations (outbox.KindInvite), so a
// cancelled or moved event withdraws or updates them like the first ones.
const KindResend = "resend"

// AudienceReach is who a segment matches among the office's businesses
// and which of them a broadcast can reach through a chat.
type AudienceReach struct {
	Businesses int // businesses matching the segment (its channel choice aside)
	// NoChat are matching businesses no chat is linked to (known from a
	// spreadsheet or the counter): a letter or a kecamatan poster with
	// their KONFIRMASI code reaches them.
	NoChat       int
	Stopped      int // chats that said berhenti: not sent to, by their own wish
	Blocked      int // chats that blocked the bot
	OtherChannel int // chats on a channel the segment leaves out
	// Reachable counts chats a broadcast can send to, per channel, before
	// leaving out those invited already.
	Reachable map[string]int
}

// AudienceCount is the audience builder's count in one aggregate query:
// who a broadcast of eventID (0: none yet) to seg would queue per channel
// (as CountSegment counts and Broadcast queues), and who matches but
// cannot be reached, and why. Reachable by chat means a linked contact
// that has not stopped or blocked us: the one place that decides it
// until the reach package's ReachOf takes over. A chat with several
// businesses counts once.
func (r *EventRepo) AudienceCount(ctx context.Context, eventID int64, seg event.Segment) (SegmentCount, AudienceReach, error) {
	where, args := segmentWhere(seg, false)
	args = append([]any{false, false, eventID}, args...)
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT COALESCE(c.channel, ''), COALESCE(c.stopped, ?), COALESCE(c.blocked, ?),
 CASE WHEN i.id IS NULL THEN 0 ELSE 1 END, COUNT(DISTINCT c.id), COUNT(*) - COUNT(c.id), COUNT(*)
 FROM businesses b LEFT JOIN contacts c ON c.id = b.contact_id
 LEFT JOIN invitations i ON i.contact_id = c.id AND i.event_id = ?
 WHERE b.deleted_at IS NULL`+where+`
 GROUP BY 1, 2, 3, 4`), args...)
	if err != nil {
		return SegmentCount{}, AudienceReach{}, fmt.Errorf("audience count: %w", err)
	}
	defer rows.Close()
	sc := SegmentCount{ByChannel: map[string]int{}}
	a := AudienceReach{Reachable: map[string]int{}}
	wanted := map[string]bool{}
	for _, c := range seg.Channels {
		wanted[c] = true
	}
	for rows.Next() {
		var ch string
		var stopped, blocked bool
		var invited, contacts, noChat, businesses int
		if err := rows.Scan(&ch, &stopped, &blocked, &invited, &contacts, &noChat, &businesses); err != nil {
			return SegmentCount{}, AudienceReach{}, fmt.Errorf("audience count: %w", err)
		}
		a.Businesses += businesses
		a.NoChat += noChat
		if ch == "" {
			continue
		}
		if len(wanted) > 0 && !wanted[ch] {
			a.OtherChannel += contacts
			continue
		}
		switch {
		case stopped || blocked:
			sc.Skipped += contacts
			if stopped {
				a.Stopped += contacts
			} else {
				a.Blocked += contacts
			}
		case invited == 1:
			sc.Already += contacts
			a.Reachable[ch] += contacts
		default:
			sc.ByChannel[ch] += contacts
			sc.Total += contacts
			a.Reachable[ch] += contacts
		}
	}
	return sc, a, rows.Err()
}

// Audience says who seg matches and who of them a chat can reach
// (AudienceCount without an event).
func (r *EventRepo) Audience(ctx context.Context, seg event.Segment) (AudienceReach, error) {
	_, a, err := r.AudienceCount(ctx, 0, seg)
	return a, err
}

// BroadcastInfo is one broadcast of an event.
type BroadcastInfo struct {
	ID        int64
	EventID   int64
	Kind      string // invite, resend, change, cancel
	Segment   event.Segment
	CreatedBy string
	CreatedAt time.Time
	Total     int // outbox rows queued
	Skipped   int // stopped or blocked contacts left out when queueing
	Already   int // invited (or reminded) before: left out
	DoneAt    time.Time
}

const broadcastCols = `id, COALESCE(event_id, 0), kind, segment, created_by, created_at, total, skipped, already, done_at`

func scanBroadcast(row eventRow) (BroadcastInfo, error) {
	var b BroadcastInfo
	var seg string
	var done sql.NullTime
	if err := row.Scan(&b.ID, &b.EventID, &b.Kind, &seg, &b.CreatedBy, &b.CreatedAt, &b.Total, &b.Skipped, &b.Already, &done); err != nil {
		return b, err
	}
	b.DoneAt = done.Time
	if seg != "" && seg != "{}" {
		if err := json.Unmarshal([]byte(seg), &b.Segment); err != nil {
			return b, fmt.Errorf("broadcast %d segment: %w", b.ID, err)
		}
	}
	return b, nil
}

// Broadcasts lists an event's invitation broadcasts (first sends and
// resends), newest first.
func (r *EventRepo) Broadcasts(ctx context.Context, eventID int64) ([]BroadcastInfo, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT `+broadcastCols+` FROM broadcasts WHERE event_id = ? AND kind IN ('invite', 'resend') ORDER BY id DESC`), eventID)
	if err != nil {
		return nil, fmt.Errorf("list broadcasts: %w", err)
	}
	defer rows.Close()
	var out []BroadcastInfo
	for rows.Next() {
		b, err := scanBroadcast(rows)
		if err != nil {
			return nil, fmt.Errorf("list broadcasts: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Broadcast loads one broadcast; event.ErrNotFound when there is none.
func (r *EventRepo) BroadcastInfo(ctx context.Context, id int64) (BroadcastInfo, error) {
	b, err := scanBroadcast(r.db.QueryRowxContext(ctx, r.db.Rebind(`SELECT `+broadcastCols+` FROM broadcasts WHERE id = ?`), id))
	if err != nil {
		return b, fmt.Errorf("broadcast %d: %w", id, notFound(err, event.ErrNotFound))
	}
	return b, nil
}

// FailReason is why some rows failed, with how many.
type FailReason struct {
	Reason string
	N      int
}

// Funnel is a broadcast's progress, from its outbox rows and the answers
// to the invitations they carry. Telegram does not tell a bot whether a
// message was delivered or read, and the outbox does not record WhatsApp's
// receipts, so the funnel stops at "sent" for delivery.
type Funnel struct {
	BroadcastInfo
	Queued    int // outbox rows
	Pending   int // waiting for their turn (or a retry)
	Sending   int // held by a dispatcher now
	Sent      int // accepted by the platform
	Failed    int // permanent error or out of attempts
	Expired   int // the event began before they went
	Cancelled int // withdrawn (event cancelled)
	// SkippedOff are rows skipped because their channel was off;
	// SkippedStopped those whose contact stopped or blocked us between
	// queueing and sending. Broadcast.Skipped were left out at queueing.
	SkippedOff, SkippedStopped int
	Answered                   int // invitations answered
	Going, Waitlist, Maybe     int
	Declined                   int
	People                     int // seats of the going ones
	Reasons                    []FailReason
}

// Done is how many rows reached an end (sent, failed, skipped, expired or
// cancelled).
func (f Funnel) Done() int { return f.Queued - f.Pending - f.Sending }

// Finished reports whether no row waits any more.
func (f Funnel) Finished() bool { return f.Pending+f.Sending == 0 }

// Skipped is every recipient skipped: left out at queueing and skipped at
// sending.
func (f Funnel) Skipped() int { return f.BroadcastInfo.Skipped + f.SkippedOff + f.SkippedStopped }

// Funnel counts a broadcast's rows and answers.
func (r *EventRepo) Funnel(ctx context.Context, broadcastID int64) (Funnel, error) {
	b, err := r.BroadcastInfo(ctx, broadcastID)
	if err != nil {
		return Funnel{}, err
	}
	f := Funnel{BroadcastInfo: b}
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT status, CASE WHEN status = 'skipped' AND last_error LIKE 'channel off%' THEN 1 ELSE 0 END, COUNT(*)
 FROM outbox WHERE broadcast_id = ? AND kind <> 'progress' GROUP BY status, CASE WHEN status = 'skipped' AND last_error LIKE 'channel off%' THEN 1 ELSE 0 END`), broadcastID)
	if err != nil {
		return f, fmt.Errorf("funnel rows: %w", err)
	}
	for rows.Next() {
		var st string
		var off, n int
		if err := rows.Scan(&st, &off, &n); err != nil {
			rows.Close()
			return f, fmt.Errorf("funnel rows: %w", err)
		}
		f.Queued += n
		switch st {
		case outbox.StatusPending:
			f.Pending += n
		case outbox.StatusSending:
			f.Sending += n
		case outbox.StatusSent:
			f.Sent += n
		case outbox.StatusFailed:
			f.Failed += n
		case outbox.StatusExpired:
			f.Expired += n
		case outbox.StatusCancelled:
			f.Cancelled += n
		case outbox.StatusSkipped:
			if off == 1 {
				f.SkippedOff += n
			} else {
				f.SkippedStopped += n
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return f, fmt.Errorf("funnel rows: %w", err)
	}
	if err := r.db.SelectContext(ctx, &f.Reasons, r.db.Rebind(`SELECT last_error AS reason, COUNT(*) AS n FROM outbox
 WHERE broadcast_id = ? AND status IN ('failed', 'expired') GROUP BY last_error ORDER BY COUNT(*) DESC, last_error LIMIT 10`), broadcastID); err != nil {
		return f, fmt.Errorf("funnel reasons: %w", err)
	}
	ans, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT i.status, COUNT(*), COALESCE(SUM(CASE WHEN i.party_size < 1 THEN 1 ELSE i.party_size END), 0)
 FROM invitations i WHERE i.id IN (SELECT o.invitation_id FROM outbox o WHERE o.broadcast_id = ? AND o.invitation_id IS NOT NULL)
 GROUP BY i.status`), broadcastID)
	if err != nil {
		return f, fmt.Errorf("funnel answers: %w", err)
	}
	defer ans.Close()
	for ans.Next() {
		var st string
		var n, people int
		if err := ans.Scan(&st, &n, &people); err != nil {
			return f, fmt.Errorf("funnel answers: %w", err)
		}
		switch event.Answer(st) {
		case event.Going:
			f.Going, f.People = n, people
		case event.Waitlist:
			f.Waitlist = n
		case event.Maybe:
			f.Maybe = n
		case event.Declined:
			f.Declined = n
		}
		if event.Answer(st) != event.Invited {
			f.Answered += n
		}
	}
	return f, ans.Err()
}

// FunnelRow is one recipient of a broadcast.
type FunnelRow struct {
	OutboxID  int64
	Name      string
	Business  string
	Phone     string // full; the caller masks
	Channel   string
	Status    string // outbox status
	Error     string
	Answer    event.Answer
	PartySize int
	Needs     []string
	SentAt    time.Time
}

// FunnelStatuses are the selections FunnelRows takes.
var FunnelStatuses = []string{"all", "pending", "sent", "failed", "skipped", "answered", "unanswered", "going", "waitlist", "maybe", "declined"}

// FunnelRows lists a broadcast's recipients in one state of the funnel
// (FunnelStatuses: an outbox status or an answer), in queue order.
func (r *EventRepo) FunnelRows(ctx context.Context, broadcastID int64, which string) ([]FunnelRow, error) {
	cond := ""
	var args []any
	switch which {
	case "all", "":
	case "pending":
		cond = ` AND o.status IN ('pending', 'sending')`
	case "failed":
		cond = ` AND o.status IN ('failed', 'expired')`
	case "sent", "skipped", "cancelled":
		cond = ` AND o.status = ?`
		args = append(args, which)
	case "answered":
		cond = ` AND i.status <> 'invited'`
	case "unanswered":
		cond = ` AND i.status = 'invited'`
	case "going", "waitlist", "maybe", "declined":
		cond = ` AND i.status = ?`
		args = append(args, which)
	default:
		return nil, fmt.Errorf("%w: funnel selection %q", event.ErrInvalid, which)
	}
	q := `SELECT o.id,
 COALESCE((SELECT NULLIF(b.owner_name, '') FROM businesses b WHERE b.contact_id = c.id AND b.deleted_at IS NULL ORDER BY b.id LIMIT 1), c.display_name),
 COALESCE((SELECT b.name FROM businesses b WHERE b.contact_id = c.id AND b.deleted_at IS NULL ORDER BY b.id LIMIT 1), ''),
 COALESCE(c.phone, (SELECT b.owner_phone FROM businesses b WHERE b.contact_id = c.id AND b.deleted_at IS NULL AND b.owner_phone IS NOT NULL AND b.owner_phone <> '' ORDER BY b.id LIMIT 1), ''),
 o.channel, o.status, o.last_error, COALESCE(i.status, 'invited'), COALESCE(i.party_size, 0), COALESCE(i.needs, ''), o.sent_at
 FROM outbox o JOIN contacts c ON c.id = o.contact_id LEFT JOIN invitations i ON i.id = o.invitation_id
 WHERE o.broadcast_id = ? AND o.kind <> 'progress'` + cond + ` ORDER BY o.id`
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(q), append([]any{broadcastID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("funnel list: %w", err)
	}
	defer rows.Close()
	var out []FunnelRow
	for rows.Next() {
		var fr FunnelRow
		var ans, needs string
		var sent sql.NullTime
		if err := rows.Scan(&fr.OutboxID, &fr.Name, &fr.Business, &fr.Phone, &fr.Channel, &fr.Status, &fr.Error, &ans, &fr.PartySize, &needs, &sent); err != nil {
			return nil, fmt.Errorf("funnel list: %w", err)
		}
		fr.Answer, fr.SentAt = event.Answer(ans), sent.Time
		if needs != "" {
			fr.Needs = strings.Split(needs, ",")
		}
		out = append(out, fr)
	}
	return out, rows.Err()
}

// Resend sends the invitations of broadcast id that were sent but not
// answered once more (event.ResendNotice), as a new broadcast whose funnel
// follows them. Each invitation is resent at most once, whichever
// broadcast asks: its outbox key is "resend:<invitation id>", so a second
// press, a second tab or another replica queues nothing new. Contacts who
// stopped or blocked us since are left out.
func (r *EventRepo) Resend(ctx context.Context, id int64, by string, now time.Time) (BroadcastResult, error) {
	var res BroadcastResult
	now = now.UTC()
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var eventID sql.NullInt64
		if err := tx.GetContext(ctx, &eventID, tx.Rebind(`SELECT event_id FROM broadcasts WHERE id = ?`), id); err != nil {
			return fmt.Errorf("broadcast %d: %w", id, notFound(err, event.ErrNotFound))
		}
		if !eventID.Valid {
			return fmt.Errorf("broadcast %d has no event: %w", id, event.ErrNotFound)
		}
		ev, err := r.eventQ(ctx, tx, eventID.Int64, true)
		if err != nil {
			return err
		}
		if !ev.Status.Open() {
			return fmt.Errorf("event %d: %w", ev.ID, event.ErrClosed)
		}
		if !now.Before(ev.Deadline()) {
			return fmt.Errorf("event %d: %w", ev.ID, event.ErrDeadlinePassed)
		}
		rows, err := tx.QueryxContext(ctx, tx.Rebind(`SELECT `+invCols+`, `+contactCols+`, c.stopped, c.blocked
 FROM invitations i JOIN contacts c ON c.id = i.contact_id
 WHERE i.status = 'invited' AND i.id IN (SELECT o.invitation_id FROM outbox o WHERE o.broadcast_id = ? AND o.kind = 'invite' AND o.status = 'sent')
 ORDER BY i.id`), id)
		if err != nil {
			return fmt.Errorf("load unanswered: %w", err)
		}
		type target struct {
			inv *event.Invitation
			ci  contactInfo
		}
		var ts []target
		for rows.Next() {
			var ci contactInfo
			var stopped, blocked bool
			inv, err := scanInvitation(rows, &ci.Address.Channel, &ci.Address.ExternalID, &ci.Name, &ci.Lang, &stopped, &blocked)
			if err != nil {
				rows.Close()
				return fmt.Errorf("load unanswered: %w", err)
			}
			if stopped || blocked {
				res.Skipped++
				continue
			}
			ts = append(ts, target{inv, ci})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("load unanswered: %w", err)
		}
		bid, err := InsertID(ctx, tx, r.db.Dialect, `INSERT INTO broadcasts (event_id, kind, segment, created_by, created_at) VALUES (?, ?, '{}', ?, ?)`,
			ev.ID, KindResend, by, now)
		if err != nil {
			return fmt.Errorf("record resend: %w", err)
		}
		res.BroadcastID, res.ByChannel = bid, map[string]int{}
		tgBot := r.telegramBot()
		msgs := make([]outbox.Message, 0, len(ts))
		for _, t := range ts {
			msgs = append(msgs, outbox.Message{
				Kind: outbox.KindInvite, To: t.ci.Address, ContactID: t.inv.ContactID, EventID: ev.ID, InvitationID: t.inv.ID, BroadcastID: bid,
				DedupeKey: fmt.Sprintf("resend:%d", t.inv.ID),
				Payload:   outbox.NoticePayload(event.ResendNotice(ev, t.inv, addressee(t.inv.ContactID, t.ci.Address, t.ci.Name, t.ci.Lang, tgBot))),
				Priority:  outbox.PriorityInvite, NotBefore: now, NotAfter: ev.StartsAt,
			})
		}
		n, err := Enqueue(ctx, tx, msgs, now)
		if err != nil {
			return err
		}
		res.Queued, res.Already = n, len(msgs)-n
		// Per channel from the rows really written.
		var chs []struct {
			Channel string `db:"channel"`
			N       int    `db:"n"`
		}
		if err := tx.SelectContext(ctx, &chs, tx.Rebind(`SELECT channel, COUNT(*) AS n FROM outbox WHERE broadcast_id = ? GROUP BY channel`), bid); err != nil {
			return fmt.Errorf("count resend: %w", err)
		}
		for _, c := range chs {
			res.ByChannel[c.Channel] = c.N
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE broadcasts SET total = ?, skipped = ?, already = ? WHERE id = ?`), n, res.Skipped, res.Already, bid)
		return err
	})
	if err != nil {
		return BroadcastResult{}, fmt.Errorf("resend broadcast %d: %w", id, err)
	}
	return res, nil
}

// TestSend queues event.TestNotice to each of the staff member's own
// chats (contacts), now, ahead of bulk sends. It returns how many.
func (r *EventRepo) TestSend(ctx context.Context, eventID int64, contacts []StaffContact, now time.Time) (int, error) {
	ev, err := r.Event(ctx, eventID)
	if err != nil {
		return 0, err
	}
	now = now.UTC()
	var msgs []outbox.Message
	tgBot := r.telegramBot()
	for _, c := range contacts {
		ci, err := r.contactInfo(ctx, r.db, c.ContactID)
		if err != nil {
			return 0, err
		}
		msgs = append(msgs, outbox.Message{
			Kind: KindTest, To: ci.Address, ContactID: c.ContactID, EventID: ev.ID,
			DedupeKey: fmt.Sprintf("test:%d:%d:%d", ev.ID, c.ContactID, now.UnixNano()),
			Payload:   outbox.NoticePayload(event.TestNotice(ev, addressee(c.ContactID, ci.Address, ci.Name, ci.Lang, tgBot))),
			Priority:  outbox.PriorityPersonal, NotBefore: now,
		})
	}
	out := NewOutboxRepo(r.db)
	return out.Enqueue(ctx, msgs, now)
}

// EventDetails are the fields of an event that change without a notice:
// its words, kind, seats, deadline and audience. Time and venue go through
// Change, which tells those who answered.
type EventDetails struct {
	Title, Description string
	Kind               event.Kind
	Capacity, MaxParty int
	RSVPDeadline       time.Time
	Segment            event.Segment
}

// UpdateDetails saves d on event id under event.Validate. When seats were
// added to an open event, waiting invitations that now fit are promoted
// (and told); it returns how many.
func (r *EventRepo) UpdateDetails(ctx context.Context, id int64, d EventDetails, now time.Time) (int, error) {
	now = now.UTC()
	var promoted int
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		ev, err := r.eventQ(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if ev.Status == event.Cancelled {
			return fmt.Errorf("event %d is cancelled: %w", id, event.ErrClosed)
		}
		oldCap := ev.Capacity
		ev.Title, ev.Description, ev.Kind = d.Title, d.Description, d.Kind
		ev.Capacity, ev.MaxParty, ev.RSVPDeadline, ev.Segment = d.Capacity, d.MaxParty, d.RSVPDeadline, d.Segment
		if err := ev.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE events SET title = ?, description = ?, kind = ?, capacity = ?, max_party = ?, rsvp_deadline = ?, segment = ?, updated_at = ? WHERE id = ?`),
			ev.Title, ev.Description, string(ev.Kind), ev.Capacity, ev.MaxParty, evNullTime(ev.RSVPDeadline), segJSON(ev.Segment), now, id); err != nil {
			return fmt.Errorf("update event: %w", err)
		}
		if ev.Status.Open() && oldCap > 0 && (ev.Capacity == 0 || ev.Capacity > oldCap) {
			p, err := r.promote(ctx, tx, ev, now)
			promoted = len(p)
			return err
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("update event %d: %w", id, err)
	}
	return promoted, nil
}

// Duplicate copies event id as a new draft (same words, times, venue,
// seats and audience; no invitations) and returns the copy's id.
func (r *EventRepo) Duplicate(ctx context.Context, id int64, by string, now time.Time) (int64, error) {
	ev, err := r.Event(ctx, id)
	if err != nil {
		return 0, err
	}
	cp := *ev
	cp.ID, cp.Status, cp.CreatedBy = 0, event.Draft, by
	return r.CreateEvent(ctx, &cp, now)
}

// PromoteByHand gives a waiting invitation of event eventID a seat on a
// staff member's word, even past the capacity (an extra chair), and tells
// the owner as an automatic promotion does. event.ErrNotFound for an
// invitation of another event; event.ErrInvalid when it is not waiting.
func (r *EventRepo) PromoteByHand(ctx context.Context, eventID, invitationID int64, now time.Time) error {
	now = now.UTC()
	return r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		ev, err := r.eventQ(ctx, tx, eventID, true)
		if err != nil {
			return err
		}
		if !ev.Status.Open() {
			return fmt.Errorf("event %d: %w", eventID, event.ErrClosed)
		}
		inv, err := scanInvitation(tx.QueryRowxContext(ctx, tx.Rebind(`SELECT `+invCols+` FROM invitations i WHERE i.id = ? AND i.event_id = ?`), invitationID, eventID))
		if err != nil {
			return fmt.Errorf("invitation %d: %w", invitationID, notFound(err, event.ErrNotFound))
		}
		if inv.Status != event.Waitlist {
			return fmt.Errorf("%w: invitation %d is %s, not waiting", event.ErrInvalid, invitationID, inv.Status)
		}
		return r.promoteOne(ctx, tx, ev, inv, now)
	})
}

// TelegramUsername is the bot's username for deep links, "" while unknown.
func (r *EventRepo) TelegramUsername() string { return r.telegramBot() }
