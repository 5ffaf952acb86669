package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// Every "not there" leaves the store as its domain's error, never as
// database/sql's no-rows error: callers test with errors.Is on the domain
// error and need not know which driver error the storage uses.
func TestNotFoundIsTheDomainError(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		repo, events := store.NewBusinessRepo(db), store.NewEventRepo(db)
		web, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "webchat", ExternalID: "nf-web", At: at})
		if err != nil {
			t.Fatal(err)
		}
		tg, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "nf-tg", At: at})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddStaff(ctx, "petugas", "sandi-rahasia-1", false, "cli", at); err != nil {
			t.Fatal(err)
		}
		two := func(_ any, err error) error { return err }
		for _, tc := range []struct {
			name   string
			err    error
			domain error
		}{
			{"ContactByID", two(db.ContactByID(ctx, 99999)), contact.ErrNotFound},
			{"ContactByAddress", two(db.ContactByAddress(ctx, "telegram", "nobody")), contact.ErrNotFound},
			{"SetContactLanguage", db.SetContactLanguage(ctx, 99999, "en"), contact.ErrNotFound},
			{"SetContactPhone", db.SetContactPhone(ctx, 99999, "", contact.SourceNone, at), contact.ErrNotFound},
			{"LatestConsent", two(db.LatestConsent(ctx, web.ID, contact.PurposeData)), contact.ErrNotFound},
			{"GrantStaff to no contact", two(db.GrantStaff(ctx, 99999, "petugas", "cli", at)), contact.ErrNotFound},
			{"LinkStaff of no contact", two(db.LinkStaff(ctx, 99999, "ABCD-EFGH", at)), contact.ErrNotFound},
			{"EraseContact", two(repo.EraseContact(ctx, 99999, "cli", at)), contact.ErrNotFound},
			{"StaffOf", two(db.StaffOf(ctx, tg.ID)), store.ErrStaffNotFound},
			{"StaffByUsername", two(db.StaffByUsername(ctx, "ghost")), store.ErrStaffNotFound},
			{"SetStaffPassword", db.SetStaffPassword(ctx, "ghost", "sandi-baru-99", "cli", at), store.ErrStaffNotFound},
			{"SetStaffDisabled", db.SetStaffDisabled(ctx, "ghost", true, "cli", at), store.ErrStaffNotFound},
			{"GrantStaff", two(db.GrantStaff(ctx, tg.ID, "ghost", "cli", at)), store.ErrStaffNotFound},
			{"NewLinkCode", func() error { _, _, err := db.NewLinkCode(ctx, "ghost", "cli", at); return err }(), store.ErrStaffNotFound},
			{"GetBusiness", two(repo.GetBusiness(ctx, 99999)), umkm.ErrNotFound},
			{"BusinessByRegNo", two(repo.BusinessByRegNo(ctx, "PSS-2026-999999")), umkm.ErrNotFound},
			{"Event", two(events.Event(ctx, 99999)), event.ErrNotFound},
			{"Invitation", func() error { _, _, err := events.Invitation(ctx, "nosuchtoken"); return err }(), event.ErrNotFound},
		} {
			if !errors.Is(tc.err, tc.domain) {
				t.Errorf("%s: %v, want %v", tc.name, tc.err, tc.domain)
			}
			if errors.Is(tc.err, sql.ErrNoRows) {
				t.Errorf("%s: %v leaks sql.ErrNoRows", tc.name, tc.err)
			}
		}
	})
}
