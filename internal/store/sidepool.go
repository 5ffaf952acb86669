package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"jejaring/internal/outbox"
)

// SidePool is a *sql.DB for a library that keeps tables of its own in
// Jejaring's database (whatsmeow's device session), with the dialect name
// such libraries take ("postgres" or "sqlite"). On PostgreSQL it is the
// store's own pool. On SQLite it is a second pool on the same file (up to
// four connections; WAL mode and busy_timeout let the two share it):
// whatsmeow runs queries of its own while it holds a transaction, which
// would wait forever on the store's single connection. The second pool
// lives as long as the process.
func (db *DB) SidePool() (*sql.DB, string, error) {
	switch db.Dialect {
	case Postgres:
		return db.DB.DB, "postgres", nil
	case SQLite:
		p, err := sql.Open("sqlite", db.URL)
		if err != nil {
			return nil, "", fmt.Errorf("open a second pool on %s: %w", db.Dialect, err)
		}
		p.SetMaxOpenConns(4)
		return p, "sqlite", nil
	}
	return nil, "", fmt.Errorf("side pool: unsupported dialect %q", db.Dialect)
}

// LastSent returns the newest message the outbox sent to (channelName,
// externalID) and when it was sent; ok is false when none was. The outbox is
// the durable record of what bulk sends showed, so the WhatsApp channel can
// still read a bare number as the answer to an invitation after a restart.
func (r *OutboxRepo) LastSent(ctx context.Context, channelName, externalID string) (p outbox.Payload, at time.Time, ok bool, err error) {
	var payload string
	err = r.db.QueryRowContext(ctx, r.db.Rebind(`SELECT payload, sent_at FROM outbox
		WHERE channel = ? AND external_id = ? AND status = 'sent' AND sent_at IS NOT NULL
		ORDER BY sent_at DESC, id DESC LIMIT 1`), channelName, externalID).Scan(&payload, &at)
	if noRows(err) {
		return outbox.Payload{}, time.Time{}, false, nil
	}
	if err != nil {
		return outbox.Payload{}, time.Time{}, false, fmt.Errorf("last message sent to %s: %w", logAddr(channelName, externalID), err)
	}
	p, err = outbox.DecodePayload(payload)
	if err != nil {
		return outbox.Payload{}, time.Time{}, false, fmt.Errorf("last message sent to %s: payload: %w", logAddr(channelName, externalID), err)
	}
	return p, at.UTC(), true, nil
}
