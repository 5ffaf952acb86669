package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/outbox"
)

// OutboxRepo is the SQL side of the outbox (it implements outbox.Store).
type OutboxRepo struct{ db *DB }

// NewOutboxRepo returns the outbox repository on db.
func NewOutboxRepo(db *DB) *OutboxRepo { return &OutboxRepo{db: db} }

var (
	_ outbox.Store          = (*OutboxRepo)(nil)
	_ outbox.ChannelSweeper = (*OutboxRepo)(nil)
)

func evNullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func evNullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const enqueueCols = `INSERT INTO outbox (kind, channel, external_id, contact_id, event_id, invitation_id, broadcast_id,
 dedupe_key, payload, priority, status, attempts, not_before, not_after, created_at, updated_at) VALUES `

// enqueueChunk rows go in one INSERT (15 parameters each, well under
// SQLite's and PostgreSQL's limits).
const enqueueChunk = 200

// Enqueue writes msgs into the outbox inside q (a transaction, usually the
// one recording what the messages announce), many rows per statement. A
// message whose DedupeKey is already queued is left out; Enqueue returns
// how many rows were added.
func Enqueue(ctx context.Context, q sqlx.ExtContext, msgs []outbox.Message, now time.Time) (int, error) {
	n := 0
	now = now.UTC()
	for len(msgs) > 0 {
		chunk := msgs[:min(len(msgs), enqueueChunk)]
		msgs = msgs[len(chunk):]
		var b strings.Builder
		b.WriteString(enqueueCols)
		args := make([]any, 0, len(chunk)*14)
		for i, m := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)")
			nb := m.NotBefore
			if nb.IsZero() {
				nb = now
			}
			prio := m.Priority
			if prio == 0 {
				prio = outbox.PriorityCampaign
			}
			args = append(args, m.Kind, string(m.To.Channel), m.To.ExternalID, evNullID(m.ContactID), evNullID(m.EventID),
				evNullID(m.InvitationID), evNullID(m.BroadcastID), m.DedupeKey, m.Payload.Encode(), prio, nb.UTC(), evNullTime(m.NotAfter), now, now)
		}
		b.WriteString(" ON CONFLICT (dedupe_key) DO NOTHING")
		res, err := q.ExecContext(ctx, q.Rebind(b.String()), args...)
		if err != nil {
			return n, fmt.Errorf("enqueue %d messages (first %s): %w", len(chunk), chunk[0].DedupeKey, err)
		}
		if k, _ := res.RowsAffected(); k > 0 {
			n += int(k)
		}
	}
	return n, nil
}

// Enqueue writes msgs in their own transaction.
func (r *OutboxRepo) Enqueue(ctx context.Context, msgs []outbox.Message, now time.Time) (int, error) {
	var n int
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		n, err = Enqueue(ctx, tx, msgs, now)
		return err
	})
	return n, err
}

const claimCols = `id, kind, channel, external_id, COALESCE(contact_id, 0), payload, priority, attempts, not_before, not_after`

// claimSQL differs by dialect: PostgreSQL lets concurrent dispatchers skip
// each other's rows; SQLite has one writer, so the UPDATE is atomic as is.
//
// On PostgreSQL the two kinds of claimable rows are read apart, each from
// its partial index of migration 00470 (due: pending rows in claim order;
// lapsed: sending rows by lease), at most limit of each, and the best
// limit of those are claimed: the cost does not grow with the delivered
// rows the table keeps (docs/scaling.md). Lapsed rows are taken oldest
// lease first, in index order, so even thousands of them after a crash
// are not sorted; among the candidates priority decides as before.
func (r *OutboxRepo) claimSQL() string {
	if r.db.IsPostgres() {
		return `WITH due AS (SELECT id, priority, not_before FROM outbox WHERE channel = ? AND status = 'pending' AND not_before <= ?
   ORDER BY priority, not_before, id LIMIT ? FOR UPDATE SKIP LOCKED),
 lapsed AS (SELECT id, priority, not_before FROM outbox WHERE channel = ? AND status = 'sending' AND lease_until < ?
   ORDER BY lease_until LIMIT ? FOR UPDATE SKIP LOCKED)
UPDATE outbox SET status = 'sending', claimed_by = ?, lease_until = ?, updated_at = ?
 WHERE id IN (SELECT id FROM (SELECT * FROM due UNION ALL SELECT * FROM lapsed) c ORDER BY priority, not_before, id LIMIT ?)
 RETURNING ` + claimCols
	}
	return `UPDATE outbox SET status = 'sending', claimed_by = ?, lease_until = ?, updated_at = ?
 WHERE id IN (SELECT id FROM outbox WHERE channel = ?
   AND ((status = 'pending' AND not_before <= ?) OR (status = 'sending' AND lease_until < ?))
   ORDER BY priority, not_before, id LIMIT ?)
 RETURNING ` + claimCols
}

// Claim implements outbox.Store.
func (r *OutboxRepo) Claim(ctx context.Context, ch outbox.ChannelName, worker string, now time.Time, lease time.Duration, limit int) ([]outbox.Row, error) {
	now = now.UTC()
	args := []any{worker, now.Add(lease), now, string(ch), now, now, limit}
	if r.db.IsPostgres() {
		args = []any{string(ch), now, limit, string(ch), now, limit, worker, now.Add(lease), now, limit}
	}
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(r.claimSQL()), args...)
	if err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	defer rows.Close()
	var out []outbox.Row
	for rows.Next() {
		var row outbox.Row
		var chName string
		var notAfter sql.NullTime
		if err := rows.Scan(&row.ID, &row.Kind, &chName, &row.To.ExternalID, &row.ContactID, &row.Payload, &row.Priority, &row.Attempts, &row.NotBefore, &notAfter); err != nil {
			return nil, fmt.Errorf("scan outbox row: %w", err)
		}
		row.To.Channel = outbox.ChannelName(chName)
		if notAfter.Valid {
			row.NotAfter = notAfter.Time
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// Finish implements outbox.Store.
func (r *OutboxRepo) Finish(ctx context.Context, id int64, worker, status, platformID, errText string, now time.Time) error {
	now = now.UTC()
	var sentAt any
	attempts := "attempts"
	if status == outbox.StatusSent {
		sentAt = now
		attempts = "attempts + 1"
	}
	res, err := r.db.ExecContext(ctx, r.db.Rebind(`UPDATE outbox SET status = ?, platform_msg_id = ?, last_error = ?, sent_at = ?,
 attempts = `+attempts+`, lease_until = NULL, updated_at = ? WHERE id = ? AND claimed_by = ? AND status = 'sending'`),
		status, platformID, truncate(errText, 500), sentAt, now, id, worker)
	if err != nil {
		return fmt.Errorf("finish outbox row %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("finish outbox row %d: %w", id, outbox.ErrNotHeld)
	}
	return nil
}

// Extend implements outbox.Store.
func (r *OutboxRepo) Extend(ctx context.Context, id int64, worker string, until, now time.Time) error {
	res, err := r.db.ExecContext(ctx, r.db.Rebind(`UPDATE outbox SET lease_until = ?, updated_at = ?
 WHERE id = ? AND claimed_by = ? AND status = 'sending'`), until.UTC(), now.UTC(), id, worker)
	if err != nil {
		return fmt.Errorf("extend outbox lease %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("extend outbox lease %d: %w", id, outbox.ErrNotHeld)
	}
	return nil
}

// Retry implements outbox.Store.
func (r *OutboxRepo) Retry(ctx context.Context, id int64, worker, errText string, next time.Time, countAttempt bool, now time.Time) error {
	inc := 0
	if countAttempt {
		inc = 1
	}
	_, err := r.db.ExecContext(ctx, r.db.Rebind(`UPDATE outbox SET status = 'pending', attempts = attempts + ?, last_error = ?,
 not_before = ?, lease_until = NULL, claimed_by = '', updated_at = ? WHERE id = ? AND claimed_by = ? AND status = 'sending'`),
		inc, truncate(errText, 500), next.UTC(), now.UTC(), id, worker)
	if err != nil {
		return fmt.Errorf("retry outbox row %d: %w", id, err)
	}
	return nil
}

// Unreachable implements outbox.Store.
func (r *OutboxRepo) Unreachable(ctx context.Context, ids []int64) (stopped, blocked map[int64]bool, err error) {
	stopped, blocked = map[int64]bool{}, map[int64]bool{}
	if len(ids) == 0 {
		return stopped, blocked, nil
	}
	q, args, err := sqlx.In(`SELECT id, stopped, blocked FROM contacts WHERE id IN (?) AND (stopped OR blocked)`, ids)
	if err != nil {
		return nil, nil, err
	}
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(q), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("check stopped contacts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var s, b bool
		if err := rows.Scan(&id, &s, &b); err != nil {
			return nil, nil, err
		}
		stopped[id], blocked[id] = s, b
	}
	return stopped, blocked, rows.Err()
}

// MarkBlocked implements outbox.Store.
func (r *OutboxRepo) MarkBlocked(ctx context.Context, contactID int64) error {
	_, err := r.db.ExecContext(ctx, r.db.Rebind(`UPDATE contacts SET blocked = ? WHERE id = ?`), true, contactID)
	if err != nil {
		return fmt.Errorf("mark contact %d blocked: %w", contactID, err)
	}
	return nil
}

// OpenBroadcasts implements outbox.Store.
func (r *OutboxRepo) OpenBroadcasts(ctx context.Context) ([]outbox.Progress, error) {
	rows, err := r.db.QueryxContext(ctx, `SELECT b.id, COALESCE(e.title, b.kind), COALESCE(c.channel, ''), COALESCE(c.external_id, ''),
 COALESCE(b.staff_contact_id, 0), b.skipped, b.last_progress,
 COUNT(o.id),
 COALESCE(SUM(CASE WHEN o.status = 'sent' THEN 1 ELSE 0 END), 0),
 COALESCE(SUM(CASE WHEN o.status IN ('failed', 'expired') THEN 1 ELSE 0 END), 0),
 COALESCE(SUM(CASE WHEN o.status IN ('skipped', 'cancelled') AND o.last_error NOT LIKE 'channel off%' THEN 1 ELSE 0 END), 0),
 COALESCE(SUM(CASE WHEN o.status = 'skipped' AND o.last_error LIKE 'channel off%' THEN 1 ELSE 0 END), 0),
 COALESCE(SUM(CASE WHEN o.status IN ('pending', 'sending') THEN 1 ELSE 0 END), 0)
 FROM broadcasts b
 LEFT JOIN events e ON e.id = b.event_id
 LEFT JOIN contacts c ON c.id = b.staff_contact_id
 LEFT JOIN outbox o ON o.broadcast_id = b.id AND o.kind <> 'progress'
 WHERE b.done_at IS NULL
 GROUP BY b.id, e.title, b.kind, c.channel, c.external_id, b.staff_contact_id, b.skipped, b.last_progress
 ORDER BY b.id`)
	if err != nil {
		return nil, fmt.Errorf("open broadcasts: %w", err)
	}
	defer rows.Close()
	var out []outbox.Progress
	for rows.Next() {
		var p outbox.Progress
		var ch string
		var leftOut, skippedNow int
		if err := rows.Scan(&p.BroadcastID, &p.Title, &ch, &p.Staff.ExternalID, &p.StaffID, &leftOut, &p.LastReported,
			&p.Total, &p.Sent, &p.Failed, &skippedNow, &p.ChannelOff, &p.Open); err != nil {
			return nil, err
		}
		p.Staff.Channel = outbox.ChannelName(ch)
		p.Skipped = leftOut + skippedNow
		out = append(out, p)
	}
	return out, rows.Err()
}

// WaitingChannels implements outbox.ChannelSweeper.
func (r *OutboxRepo) WaitingChannels(ctx context.Context, now time.Time) ([]outbox.ChannelName, error) {
	var names []string
	if err := r.db.SelectContext(ctx, &names, r.db.Rebind(`SELECT DISTINCT channel FROM outbox WHERE status = 'pending' AND not_before <= ?`), now.UTC()); err != nil {
		return nil, fmt.Errorf("channels with waiting rows: %w", err)
	}
	out := make([]outbox.ChannelName, len(names))
	for i, n := range names {
		out[i] = outbox.ChannelName(n)
	}
	return out, nil
}

// SkipChannel implements outbox.ChannelSweeper. Rows a dispatcher holds
// (sending) are left to it.
func (r *OutboxRepo) SkipChannel(ctx context.Context, ch outbox.ChannelName, errText string, now time.Time) (int, error) {
	res, err := r.db.ExecContext(ctx, r.db.Rebind(`UPDATE outbox SET status = 'skipped', last_error = ?, lease_until = NULL, updated_at = ?
 WHERE channel = ? AND status = 'pending' AND not_before <= ?`), truncate(errText, 500), now.UTC(), string(ch), now.UTC())
	if err != nil {
		return 0, fmt.Errorf("skip %s rows: %w", ch, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ReportProgress implements outbox.Store.
func (r *OutboxRepo) ReportProgress(ctx context.Context, p outbox.Progress, msg *outbox.Message, done bool, now time.Time) error {
	return r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if msg != nil {
			if _, err := Enqueue(ctx, tx, []outbox.Message{*msg}, now); err != nil {
				return err
			}
		}
		var doneAt any
		if done {
			doneAt = now.UTC()
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE broadcasts SET last_progress = ?, done_at = ? WHERE id = ?`), p.Sent, doneAt, p.BroadcastID)
		return err
	})
}

// OutboxCounts counts rows by status, optionally for one broadcast (0: all).
func (r *OutboxRepo) OutboxCounts(ctx context.Context, broadcastID int64) (map[string]int, error) {
	q := `SELECT status, COUNT(*) FROM outbox`
	var args []any
	if broadcastID != 0 {
		q += ` WHERE broadcast_id = ?`
		args = append(args, broadcastID)
	}
	q += ` GROUP BY status`
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("count outbox: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
