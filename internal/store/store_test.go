package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		ms, err := db.Migrations(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 || ms[0].File != "00001_foundation.sql" {
			t.Errorf("migrations: %+v", ms)
		}
		for _, m := range ms {
			if !m.Applied || m.AppliedAt.IsZero() {
				t.Errorf("%s not applied after Migrate", m.File)
			}
		}
	})
}

func TestRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := db.Exec(db.Rebind("INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)"), 99999, true); err != nil {
			t.Fatal(err)
		}
		err := db.Migrate(context.Background())
		if !errors.Is(err, store.ErrNewerSchema) {
			t.Fatalf("want ErrNewerSchema, got %v", err)
		}
	})
}

func TestOpenUnreachableNamesHost(t *testing.T) {
	t.Parallel()
	_, err := store.Open(context.Background(), "postgres://u:secret@127.0.0.1:1/x?sslmode=disable&connect_timeout=2", "")
	if err == nil {
		t.Fatal("want error")
	}
	if !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "127.0.0.1:1") || strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q should name the variable and host, not the password", err)
	}
}
