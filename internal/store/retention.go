package store

import (
	"context"
	"fmt"
	"time"
)

// ScrubbedPayload is what a finished outbox row's payload becomes once
// OUTBOX_RETENTION has passed: an empty message, still valid JSON for
// outbox.DecodePayload.
const ScrubbedPayload = `{"text":""}`

// scrubOutbox empties, oldest id first and at most ? of them, the payload of
// finished outbox rows (sent, failed, skipped, expired, cancelled) last
// updated before ?. The rows stay, so broadcast counts and reports do not
// change; only what the message said (names, event details, an .ics, a QR
// code) goes.
const scrubOutbox = `UPDATE outbox SET payload = ? WHERE id IN (
	SELECT id FROM outbox
	WHERE status IN ('sent', 'failed', 'skipped', 'expired', 'cancelled') AND updated_at < ? AND payload <> ?
	ORDER BY id
	LIMIT ?)`

// ScrubOutboxPayloads empties the payload of up to limit finished outbox
// rows last updated before before (see scrubOutbox) and returns how many.
// Call it again while it returns limit.
func (db *DB) ScrubOutboxPayloads(ctx context.Context, before time.Time, limit int) (int64, error) {
	res, err := db.ExecContext(ctx, db.Rebind(scrubOutbox), ScrubbedPayload, before, ScrubbedPayload, limit)
	if err != nil {
		return 0, fmt.Errorf("scrub outbox payloads finished before %s: %w", before.Format(time.RFC3339), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("scrub outbox payloads: rows affected: %w", err)
	}
	return n, nil
}

// PhotoRefsInUse returns the photo_ref of every business not deleted: the
// media files the register still needs.
func (db *DB) PhotoRefsInUse(ctx context.Context) ([]string, error) {
	var refs []string
	if err := db.SelectContext(ctx, &refs, db.Rebind(`SELECT photo_ref FROM businesses WHERE photo_ref <> ? AND deleted_at IS NULL`), ""); err != nil {
		return nil, fmt.Errorf("photos in use: %w", err)
	}
	return refs, nil
}
