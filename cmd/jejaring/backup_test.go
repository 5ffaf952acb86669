package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jejaring/internal/store"
)

func countContacts(t *testing.T, db *store.DB) int64 {
	t.Helper()
	var n int64
	if err := db.GetContext(context.Background(), &n, "SELECT COUNT(*) FROM contacts"); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBackupLiveSQLite backs up an SQLite database while another
// connection keeps writing to it, opens the copy, counts its rows (a
// consistent snapshot: between what was there before and after), checks
// the file is 0600, and restores it as the README says: stop, remove the
// -wal and -shm files, copy over, start.
func TestBackupLiveSQLite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	dbPath := filepath.Join(data, "jejaring.db")
	env := envOf("DATA_DIR="+data, "DATABASE_URL=")
	db, err := store.Open(ctx, "sqlite:"+dbPath, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	insert := func(i int64) error {
		now := time.Now().UTC()
		_, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`),
			"telegram", fmt.Sprint(900000+i), fmt.Sprintf("Pemilik %d", i), now, now)
		return err
	}
	for i := range int64(200) {
		if err := insert(i); err != nil {
			t.Fatal(err)
		}
	}
	before := countContacts(t, db)
	// The server goes on writing during the backup.
	var wg sync.WaitGroup
	var stop atomic.Bool
	var werr atomic.Value
	wg.Go(func() {
		for i := int64(1000); !stop.Load(); i++ {
			if err := insert(i); err != nil {
				werr.Store(err)
				return
			}
		}
	})
	out := filepath.Join(t.TempDir(), "copy", "jejaring-backup.db")
	code, stdout, stderr := runIn(t, "", env, "backup", "--out", out)
	stop.Store(true)
	wg.Wait()
	if err, _ := werr.Load().(error); err != nil {
		t.Fatalf("writer: %v", err)
	}
	if code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	after := countContacts(t, db)
	st, err := os.Stat(out)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v; want 0600", err, st.Mode().Perm())
	}
	cp, err := store.Open(ctx, "sqlite:"+out, "")
	if err != nil {
		t.Fatal(err)
	}
	inCopy := countContacts(t, cp)
	cp.Close()
	if inCopy < before || inCopy > after {
		t.Fatalf("copy holds %d contacts; want between %d (before) and %d (after)", inCopy, before, after)
	}
	if !strings.Contains(stdout, "Cadangan tersimpan di "+out) || !strings.Contains(stdout, fmt.Sprintf("contacts     %d", inCopy)) || !strings.Contains(stdout, "hentikan Jejaring") {
		t.Errorf("output:\n%s", stdout)
	}
	// An existing file is never overwritten.
	if code, _, stderr := runIn(t, "", env, "backup", "--out", out); code != 1 || !strings.Contains(stderr, "must not exist") {
		t.Errorf("backup over an existing file: exit %d %s", code, stderr)
	}

	// Restore: stop, remove -wal/-shm, copy back, start.
	db.Close()
	for _, p := range []string{dbPath + "-wal", dbPath + "-shm"} {
		_ = os.Remove(p)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dbPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	back, err := store.Open(ctx, "sqlite:"+dbPath, "")
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if err := back.Migrate(ctx); err != nil {
		t.Fatalf("restored database: %v", err)
	}
	if n := countContacts(t, back); n != inCopy {
		t.Fatalf("restored database holds %d contacts; the backup %d", n, inCopy)
	}
}

// TestBackupDefaultPath: without --out the copy goes to
// DATA_DIR/backups/, named by the time.
func TestBackupDefaultPath(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	code, stdout, stderr := runIn(t, "", envOf("DATA_DIR="+data, "DATABASE_URL="), "backup", "-lang", "en")
	if code != 0 {
		t.Fatalf("exit %d %s %s", code, stdout, stderr)
	}
	m, _ := filepath.Glob(filepath.Join(data, "backups", "jejaring-*.db"))
	if len(m) != 1 || !strings.Contains(stdout, "Backup written to "+m[0]) {
		t.Fatalf("backups %v; output %s", m, stdout)
	}
}

// TestBackupPostgresGuide: on PostgreSQL nothing is copied; the pg_dump
// and pg_restore commands are printed from DATABASE_URL without the
// password, and the exit status says no backup was made.
func TestBackupPostgresGuide(t *testing.T) {
	t.Parallel()
	u := "postgres://jejaring:s3cret-Pw@db.internal:5433/umkm?sslmode=require&search_path=kab_agam"
	code, stdout, stderr := runIn(t, "", envOf("DATABASE_URL="+u), "backup")
	if code != 2 {
		t.Errorf("exit %d; want 2 (nothing backed up)", code)
	}
	for _, want := range []string{"pg_dump --format=custom --no-owner --schema=kab_agam --host=db.internal --port=5433 --username=jejaring --dbname=umkm",
		"pg_restore --clean --if-exists", "PGPASSWORD", "umask 077"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("guide lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout+stderr, "s3cret") {
		t.Errorf("the password is printed:\n%s%s", stdout, stderr)
	}
	if !strings.Contains(stderr, "pg_dump") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("stderr %q: want one line", stderr)
	}
}
