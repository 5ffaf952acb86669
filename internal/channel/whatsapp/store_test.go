package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/store"
)

// side is the pool and dialect whatsmeow takes, on the test's database.
func side(t testing.TB, db *store.DB) (*sql.DB, string) {
	t.Helper()
	pool, dialect, err := db.SidePool()
	if err != nil {
		t.Fatal(err)
	}
	return pool, dialect
}

// lookups wires Config.LastSent and Config.LastSeen to db the way
// internal/app does.
func lookups(cfg *Config, db *store.DB) {
	out := store.NewOutboxRepo(db)
	cfg.LastSent = func(ctx context.Context, ext string) ([]channel.Choice, time.Time, bool, error) {
		p, at, ok, err := out.LastSent(ctx, string(channel.WhatsApp), ext)
		return p.Choices, at, ok, err
	}
	cfg.LastSeen = func(ctx context.Context, ext string) (time.Time, bool, error) {
		c, err := db.ContactByAddress(ctx, string(channel.WhatsApp), ext)
		if errors.Is(err, contact.ErrNotFound) {
			return time.Time{}, false, nil
		}
		return c.LastSeen, err == nil, err
	}
}
