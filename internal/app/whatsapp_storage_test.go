package app

import (
	"context"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/channel/whatsapp"
	"jejaring/internal/contact"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// The WhatsApp adapter asks Jejaring's records only through the two lookups
// app wires: LastSeen (a contact who never wrote is unknown, so
// OnlyKnownContacts holds) and LastSent (the choices of the last outbox
// message, for a bare number after a restart).
func TestWhatsAppStorageLookups(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var cfg whatsapp.Config
		if err := whatsappStorage(&cfg, db); err != nil {
			t.Fatal(err)
		}
		if cfg.DB == nil || cfg.Dialect != db.Dialect || cfg.LastSent == nil || cfg.LastSeen == nil {
			t.Fatalf("whatsapp config not filled: db %v dialect %q", cfg.DB != nil, cfg.Dialect)
		}
		const ext = "6281234567890"
		if _, known, err := cfg.LastSeen(ctx, ext); err != nil || known {
			t.Errorf("LastSeen of a stranger: known %v, %v", known, err)
		}
		if _, _, ok, err := cfg.LastSent(ctx, ext); err != nil || ok {
			t.Errorf("LastSent before any message: ok %v, %v", ok, err)
		}
		seenAt := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Second)
		c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: string(channel.WhatsApp), ExternalID: ext, At: seenAt})
		if err != nil {
			t.Fatal(err)
		}
		if at, known, err := cfg.LastSeen(ctx, ext); err != nil || !known || !at.Equal(seenAt) {
			t.Errorf("LastSeen = %v %v %v, want %v", at, known, err, seenAt)
		}
		sentAt := seenAt.Add(time.Hour)
		repo := store.NewOutboxRepo(db)
		msg := channel.Outbound{Text: "Undangan", Choices: []channel.Choice{{Value: "rsvp_t_yes", Label: "Hadir"}, {Value: "rsvp_t_no", Label: "Tidak"}}}
		if _, err := repo.Enqueue(ctx, []outbox.Message{{Kind: outbox.KindInvite, ContactID: c.ID, DedupeKey: "wa:1",
			To: channel.Address{Channel: channel.WhatsApp, ExternalID: ext}, Payload: outbox.PayloadOf(msg)}}, sentAt); err != nil {
			t.Fatal(err)
		}
		rows, err := repo.Claim(ctx, channel.WhatsApp, "w1", sentAt, time.Minute, 10)
		if err != nil || len(rows) != 1 {
			t.Fatalf("claim: %v %v", rows, err)
		}
		if err := repo.Finish(ctx, rows[0].ID, "w1", outbox.StatusSent, "M1", "", sentAt); err != nil {
			t.Fatal(err)
		}
		choices, at, ok, err := cfg.LastSent(ctx, ext)
		if err != nil || !ok || !at.Equal(sentAt) || len(choices) != 2 || choices[1].Value != "rsvp_t_no" {
			t.Errorf("LastSent = %v %v %v %v", choices, at, ok, err)
		}
	})
}
