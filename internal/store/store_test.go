package store_test

import (
	"context"
	"errors"
	"path/filepath"
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

// TestCheckSchema: with migrations off, the database must be at exactly the
// newest version: an unmigrated one and a newer one are refused, each with
// its own error, and neither is migrated by the check.
func TestCheckSchema(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatalf("a migrated database: %v", err)
		}
		if _, err := db.Exec(db.Rebind("INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)"), 99999, true); err != nil {
			t.Fatal(err)
		}
		if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrNewerSchema) || !strings.Contains(err.Error(), "99999") {
			t.Errorf("a newer database: %v, want ErrNewerSchema naming 99999", err)
		}
	})
}

func TestCheckSchemaUnmigrated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "fresh.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.CheckSchema(ctx)
	if !errors.Is(err, store.ErrOlderSchema) || !strings.Contains(err.Error(), "version 0") {
		t.Fatalf("an unmigrated database: %v, want ErrOlderSchema at version 0", err)
	}
	if ms, err := db.Migrations(ctx); err != nil || len(ms) == 0 || ms[0].Applied {
		t.Errorf("the check migrated the database: %+v %v", ms, err)
	}
}
