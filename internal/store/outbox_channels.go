package store

import (
	"context"
	"fmt"
	"time"
)

// ChannelQueue counts one channel's outbox rows as the dashboard's
// channels page shows them.
type ChannelQueue struct {
	Channel string
	// Due: waiting, first try, its time has come. Scheduled: waiting for
	// a later time (reminders). Retrying: waiting after a failed try.
	Due, Scheduled, Retrying int
	Sending, Failed, Sent    int
	// LastError is the newest error text of a failed or retrying row.
	LastError string
}

// ChannelQueues counts the outbox per channel at now, by channel name.
func (r *OutboxRepo) ChannelQueues(ctx context.Context, now time.Time) ([]ChannelQueue, error) {
	n := now.UTC()
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT channel,
 SUM(CASE WHEN status = 'pending' AND attempts = 0 AND not_before <= ? THEN 1 ELSE 0 END),
 SUM(CASE WHEN status = 'pending' AND attempts = 0 AND not_before > ? THEN 1 ELSE 0 END),
 SUM(CASE WHEN status = 'pending' AND attempts > 0 THEN 1 ELSE 0 END),
 SUM(CASE WHEN status = 'sending' THEN 1 ELSE 0 END),
 SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END),
 SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END)
 FROM outbox GROUP BY channel ORDER BY channel`), n, n)
	if err != nil {
		return nil, fmt.Errorf("outbox per channel: %w", err)
	}
	defer rows.Close()
	var out []ChannelQueue
	for rows.Next() {
		var q ChannelQueue
		if err := rows.Scan(&q.Channel, &q.Due, &q.Scheduled, &q.Retrying, &q.Sending, &q.Failed, &q.Sent); err != nil {
			return nil, fmt.Errorf("outbox per channel: %w", err)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox per channel: %w", err)
	}
	for i := range out {
		var e string
		err := r.db.GetContext(ctx, &e, r.db.Rebind(`SELECT last_error FROM outbox WHERE channel = ? AND last_error <> '' AND status IN ('failed', 'pending') ORDER BY updated_at DESC, id DESC LIMIT 1`), out[i].Channel)
		if err != nil && !noRows(err) {
			return nil, fmt.Errorf("outbox last error: %w", err)
		}
		out[i].LastError = e
	}
	return out, nil
}

// LastInbound is when a contact on the channel last wrote (contacts'
// last_seen); zero when none has.
func (db *DB) LastInbound(ctx context.Context, channelName string) (time.Time, error) {
	var at time.Time
	err := db.GetContext(ctx, &at, db.Rebind(`SELECT last_seen FROM contacts WHERE channel = ? ORDER BY last_seen DESC LIMIT 1`), channelName)
	if err != nil && !noRows(err) {
		return time.Time{}, fmt.Errorf("last inbound on %s: %w", channelName, err)
	}
	return at, nil
}
