// Package storetest gives each test its own migrated database: a fresh
// PostgreSQL schema on the server at TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable), or a fresh SQLite
// file in the test's temp dir. A test that needs PostgreSQL fails loudly when
// the server is not there; it is never skipped.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"jejaring/internal/store"
)

// DefaultPostgresURL is used when TEST_DATABASE_URL is empty.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL is the server tests use.
func PostgresURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// Dialects lists the dialects every repository test runs on.
var Dialects = []string{store.Postgres, store.SQLite}

// New returns a migrated, empty database of the given dialect, dropped when
// the test ends.
func New(t testing.TB, dialect string) *store.DB {
	t.Helper()
	db := NewUnmigrated(t, dialect)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	return db
}

// NewUnmigrated is New without running migrations.
func NewUnmigrated(t testing.TB, dialect string) *store.DB {
	t.Helper()
	ctx := context.Background()
	switch dialect {
	case store.SQLite:
		db, err := store.Open(ctx, "sqlite:"+t.TempDir()+"/test.db", "")
		if err != nil {
			t.Fatalf("open sqlite: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	case store.Postgres:
		return newPostgres(t)
	default:
		t.Fatalf("unknown dialect %q", dialect)
		return nil
	}
}

// URL returns a connection string for a fresh PostgreSQL schema, created now
// and dropped when the test ends, for tests that start a whole process.
func URL(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	admin, err := store.Open(context.Background(), base, "")
	if err != nil {
		t.Fatalf("PostgreSQL for tests is not reachable (set TEST_DATABASE_URL; default %s): %v", DefaultPostgresURL, err)
	}
	defer admin.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := store.Open(context.Background(), base, "")
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func newPostgres(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), URL(t), "")
	if err != nil {
		t.Fatalf("open postgres schema: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Each runs fn as a parallel subtest on every dialect with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, New(t, d))
		})
	}
}
