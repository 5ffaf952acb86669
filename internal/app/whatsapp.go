package app

import (
	"context"
	"errors"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/channel/whatsapp"
	"jejaring/internal/contact"
	"jejaring/internal/store"
)

// whatsappStorage fills what the WhatsApp adapter takes of the database: the
// pool and dialect whatsmeow keeps its tables in, and the two lookups of
// Jejaring's own records it asks (the adapter runs no SQL of ours).
func whatsappStorage(cfg *whatsapp.Config, db *store.DB) error {
	pool, dialect, err := db.SidePool()
	if err != nil {
		return err
	}
	out := store.NewOutboxRepo(db)
	cfg.DB, cfg.Dialect = pool, dialect
	cfg.LastSent = func(ctx context.Context, ext string) ([]channel.Choice, time.Time, bool, error) {
		p, at, ok, err := out.LastSent(ctx, string(channel.WhatsApp), ext)
		return p.Choices, at, ok, err
	}
	cfg.LastSeen = func(ctx context.Context, ext string) (time.Time, bool, error) {
		c, err := db.ContactByAddress(ctx, string(channel.WhatsApp), ext)
		switch {
		case errors.Is(err, contact.ErrNotFound):
			return time.Time{}, false, nil
		case err != nil:
			return time.Time{}, false, err
		}
		return c.LastSeen, true, nil
	}
	return nil
}
