package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"jejaring/internal/store"
)

// TestSQLiteFilesArePrivate: the SQLite database and its -wal and -shm
// files hold personal data and are created 0600 whatever the umask allows;
// files an older Jejaring left 0644 are made private when opened.
func TestSQLiteFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022) // what most shells give; not parallel: umask is per process
	defer syscall.Umask(old)
	ctx := context.Background()
	for _, tc := range []struct{ name, url string }{{"DATA_DIR", ""}, {"sqlite:PATH", "sqlite:"}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "jejaring.db")
			url := tc.url
			if url != "" {
				url += path
			}
			check := func(when string) {
				t.Helper()
				db, err := store.Open(ctx, url, dir)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				if _, err := db.ExecContext(ctx, `INSERT INTO contacts (channel, external_id, first_seen, last_seen) VALUES ('webchat', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, when); err != nil {
					t.Fatal(err)
				}
				for _, p := range []string{path, path + "-wal", path + "-shm"} {
					fi, err := os.Stat(p)
					if err != nil {
						t.Fatalf("%s: %v", when, err)
					}
					if fi.Mode().Perm() != 0o600 {
						t.Errorf("%s: %s has mode %v, want 0600", when, filepath.Base(p), fi.Mode().Perm())
					}
				}
			}
			check("new")
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				if err := os.Chmod(p, 0o644); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
			}
			check("reopened")
		})
	}
}
