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
		var b strings.Builder
		if err := db.MigrationStatus(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "00001_foundation.sql") || strings.Contains(b.String(), "pending") {
			t.Errorf("status:\n%s", b.String())
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
