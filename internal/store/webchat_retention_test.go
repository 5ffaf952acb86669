package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestDeleteIdleWebChatContacts: only web chat contacts seen before the
// cut-off with no consent, business, invitation or queued message go; the
// rest stay, on both databases.
func TestDeleteIdleWebChatContacts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		old := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
		cut := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		recent := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
		add := func(ch, ext string, at time.Time) int64 {
			t.Helper()
			c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: ch, ExternalID: ext, At: at})
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		gone := []int64{add("webchat", "idle-visitor-1", old), add("webchat", "idle-visitor-2", old), add("webchat", "idle-visitor-3", old)}
		consented := add("webchat", "consented-visitor", old)
		refused := add("webchat", "refused-visitor", old)
		owner := add("webchat", "business-owner", old)
		staff := add("webchat", "staff-on-webchat", old)
		invited := add("webchat", "invited-visitor", old)
		queued := add("webchat", "queued-visitor", old)
		fresh := add("webchat", "recent-visitor", recent)
		tg := add("telegram", "5550001", old)

		if err := db.RecordConsent(ctx, &contact.Consent{ContactID: consented, Purpose: "data_processing", Granted: true, NoticeVersion: "v1", Channel: "webchat", CreatedAt: old}); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordConsent(ctx, &contact.Consent{ContactID: refused, Purpose: "data_processing", Granted: false, NoticeVersion: "v1", Channel: "webchat", CreatedAt: old}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO businesses (contact_id, owner_name, name, region_code, size_class, kbli_section, tags, verified, created_at, updated_at)
			VALUES (?, 'Ibu Siti', 'Kerupuk Sanjai', '13.01.01', 'mikro', 'C', '', ?, ?, ?)`), owner, false, old, old); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, db.Rebind(`UPDATE contacts SET is_staff = ? WHERE id = ?`), true, staff); err != nil {
			t.Fatal(err)
		}

		ev, err := store.InsertID(ctx, db, db.Dialect, `INSERT INTO events (title, kind, starts_at, ends_at, created_at, updated_at) VALUES ('Temu Bisnis', 'temu_bisnis', ?, ?, ?, ?)`, recent, recent, old, old)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO invitations (event_id, contact_id, token, checkin_code, created_at) VALUES (?, ?, 'tok-retention-1', 'K1', ?)`), ev, invited, old); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO outbox (kind, channel, external_id, contact_id, dedupe_key, payload, not_before, created_at, updated_at)
			VALUES ('campaign', 'webchat', 'queued-visitor', ?, 'retention-test-1', '{}', ?, ?, ?)`), queued, old, old, old); err != nil {
			t.Fatal(err)
		}

		// In batches: two, then the last one, then nothing.
		for i, want := range []int64{2, 1, 0} {
			n, err := db.DeleteIdleWebChatContacts(ctx, cut, 2)
			if err != nil || n != want {
				t.Fatalf("round %d: deleted %d (%v), want %d", i, n, err, want)
			}
		}
		for _, id := range gone {
			if _, err := db.ContactByID(ctx, id); !errors.Is(err, contact.ErrNotFound) {
				t.Errorf("idle contact %d still there (%v)", id, err)
			}
		}
		for name, id := range map[string]int64{"consented": consented, "refused": refused, "owner": owner, "staff": staff, "invited": invited, "queued": queued, "recent": fresh, "telegram": tg} {
			if _, err := db.ContactByID(ctx, id); err != nil {
				t.Errorf("%s contact %d removed: %v", name, id, err)
			}
		}
	})
}
