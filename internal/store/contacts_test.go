package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

func TestUpsertContact(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		c, created, err := db.UpsertContact(ctx, contact.Seen{
			Channel: "telegram", ExternalID: "111", DisplayName: "Siti", Language: "en", At: t0,
		})
		if err != nil {
			t.Fatal(err)
		}
		if !created || c.ID == 0 || c.Channel != "telegram" || c.ExternalID != "111" ||
			c.DisplayName != "Siti" || c.Phone != "" || c.Language != "en" ||
			!c.FirstSeen.Equal(t0) || !c.LastSeen.Equal(t0) || c.Stopped || c.Blocked || c.IsStaff {
			t.Fatalf("new contact: created=%v %+v", created, c)
		}

		// Seen again: last_seen moves, first_seen stays, an empty display
		// name keeps the old one, a platform phone is stored, the language
		// hint does not override.
		t1 := t0.Add(time.Hour)
		c2, created, err := db.UpsertContact(ctx, contact.Seen{
			Channel: "telegram", ExternalID: "111", Phone: "+6281234567890", PhoneSource: contact.SourceTelegramContact, Language: "id", At: t1,
		})
		if err != nil {
			t.Fatal(err)
		}
		if created || c2.ID != c.ID || !c2.FirstSeen.Equal(t0) || !c2.LastSeen.Equal(t1) ||
			c2.DisplayName != "Siti" || c2.Phone != "+6281234567890" || c2.Language != "en" {
			t.Fatalf("seen again: created=%v %+v", created, c2)
		}
		// A new name replaces the old; no phone keeps the known one.
		c3, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "111", DisplayName: "Siti R.", At: t1})
		if err != nil {
			t.Fatal(err)
		}
		if c3.DisplayName != "Siti R." || c3.Phone != "+6281234567890" {
			t.Errorf("renamed: %+v", c3)
		}
		// Same external id on another channel is another contact; an
		// unknown language hint becomes "id".
		w, created, err := db.UpsertContact(ctx, contact.Seen{Channel: "whatsapp", ExternalID: "111", Language: "fr", At: t1})
		if err != nil {
			t.Fatal(err)
		}
		if !created || w.ID == c.ID || w.Language != "id" {
			t.Errorf("whatsapp contact: created=%v %+v", created, w)
		}
		if _, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", At: t1}); err == nil {
			t.Error("upsert without external id: want an error")
		}
	})
}

func TestUpsertContactConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		ids := make([]int64, 6)
		creators := make([]bool, 6)
		for i := range ids {
			wg.Go(func() {
				c, created, err := db.UpsertContact(ctx, contact.Seen{Channel: "webchat", ExternalID: "race", At: at})
				if err != nil {
					t.Errorf("upsert %d: %v", i, err)
					return
				}
				ids[i], creators[i] = c.ID, created
			})
		}
		wg.Wait()
		n := 0
		for i := range ids {
			if ids[i] != ids[0] {
				t.Errorf("racing upserts made different contacts: %v", ids)
			}
			if creators[i] {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d upserts say they created the contact, want 1", n)
		}
	})
}

func TestContactSetters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "222", At: at})
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			name string
			err  error
		}{
			{"phone", db.SetContactPhone(ctx, c.ID, "+6281111111111", contact.SourceTelegramContact, at)},
			{"language", db.SetContactLanguage(ctx, c.ID, "en")},
			{"stopped", db.SetContactStopped(ctx, c.ID, true)},
			{"blocked", db.SetContactBlocked(ctx, c.ID, true)},
			{"staff", db.SetContactStaff(ctx, c.ID, true)},
		} {
			if step.err != nil {
				t.Errorf("set %s: %v", step.name, step.err)
			}
		}
		got, err := db.ContactByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Phone != "+6281111111111" || got.Language != "en" || !got.Stopped || !got.Blocked || !got.IsStaff {
			t.Errorf("after setters: %+v", got)
		}
		if err := db.SetContactStopped(ctx, c.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := db.SetContactPhone(ctx, c.ID, "", contact.SourceNone, at); err != nil {
			t.Fatal(err)
		}
		// Writing to us again proves they no longer block us.
		if c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "222", At: at}); err != nil || c.Blocked {
			t.Errorf("blocked contact wrote again: %+v %v", c, err)
		}
		got, _ = db.ContactByAddress(ctx, "telegram", "222")
		if got.ID != c.ID || got.Stopped || got.Phone != "" {
			t.Errorf("by address after unset: %+v", got)
		}
		if err := db.SetContactLanguage(ctx, c.ID, "fr"); err == nil {
			t.Error("language fr: want an error")
		}
		if err := db.SetContactStaff(ctx, 99999, true); !errors.Is(err, contact.ErrNotFound) {
			t.Errorf("set on a missing contact: %v, want not found", err)
		}
		if _, err := db.ContactByID(ctx, 99999); !errors.Is(err, contact.ErrNotFound) {
			t.Errorf("missing contact: %v, want not found", err)
		}
		if _, err := db.ContactByAddress(ctx, "telegram", "nobody"); !errors.Is(err, contact.ErrNotFound) {
			t.Errorf("missing address: %v, want not found", err)
		}
	})
}

func TestContactsByPhone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		phone := "+6282222222222"
		a, _, _ := db.UpsertContact(ctx, contact.Seen{Channel: "whatsapp", ExternalID: "6282222222222", Phone: phone, PhoneSource: contact.SourceWhatsAppSender, At: at})
		b, _, _ := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "333", At: at})
		if err := db.SetContactPhone(ctx, b.ID, phone, contact.SourceTelegramContact, at); err != nil {
			t.Fatal(err)
		}
		db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "444", Phone: "+6283333333333", PhoneSource: contact.SourceTelegramContact, At: at})
		cs, err := db.ContactsByPhone(ctx, phone)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 2 || cs[0].ID != a.ID || cs[1].ID != b.ID {
			t.Errorf("by phone: %+v", cs)
		}
		if cs, _ := db.ContactsByPhone(ctx, "+6289999999999"); len(cs) != 0 {
			t.Errorf("unknown phone: %+v", cs)
		}
	})
}

func TestLastSeenResolution(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		seen := func(at time.Time, name string) contact.Contact {
			t.Helper()
			c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "5", DisplayName: name, At: at})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		seen(t0, "Ani")
		// A quick reply is only read: last_seen stays to the minute.
		if c := seen(t0.Add(20*time.Second), ""); !c.LastSeen.Equal(t0) {
			t.Errorf("last seen after 20 s = %v", c.LastSeen)
		}
		// A new name is written at once.
		if c := seen(t0.Add(30*time.Second), "Ani Sutrisno"); c.DisplayName != "Ani Sutrisno" || !c.LastSeen.Equal(t0.Add(30*time.Second)) {
			t.Errorf("renamed: %+v", c)
		}
		if c := seen(t0.Add(2*time.Minute), ""); !c.LastSeen.Equal(t0.Add(2 * time.Minute)) {
			t.Errorf("last seen after 2 min = %v", c.LastSeen)
		}
		// A late, out-of-order message never moves it back.
		if c := seen(t0.Add(-time.Hour), "Ani S."); !c.LastSeen.Equal(t0.Add(2*time.Minute)) || !c.FirstSeen.Equal(t0) {
			t.Errorf("out of order: %+v", c)
		}
	})
}
