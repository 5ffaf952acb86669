package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"jejaring/internal/config"
	"jejaring/internal/store"
)

// backupTables are counted in the copy, as a check that it opens and holds
// the register (and as the summary the office reads).
var backupTables = []string{"businesses", "contacts", "events", "invitations", "outbox"}

// runBackup is `jejaring backup [--out FILE]`. On SQLite it writes a
// consistent copy of the live database with VACUUM INTO (the server may
// keep running and writing), readable by its owner only (0600), then opens
// the copy and counts its rows. Restoring is: stop Jejaring, remove
// jejaring.db-wal and jejaring.db-shm, copy the file over jejaring.db
// (mode 0600), start Jejaring. On PostgreSQL it prints the pg_dump and
// pg_restore commands for DATABASE_URL (without its password) and exits 2:
// nothing was backed up.
func runBackup(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(s.err)
	out := fs.String("out", "", "file to write the copy to (must not exist; default DATA_DIR/backups/jejaring-YYYYMMDD-HHMMSS.db)")
	flags := config.AddFlags(fs, "DATABASE_URL", "DATA_DIR")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: jejaring backup [--out FILE]")
		fmt.Fprintln(w, "\n  SQLite: a consistent copy of the live database (0600), checked by opening it.")
		fmt.Fprintln(w, "  PostgreSQL: prints the pg_dump command to use instead.")
		fmt.Fprintln(w)
		fs.PrintDefaults()
		config.PrintVars(w, "DATABASE_URL", "DATA_DIR")
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) != 0 {
		fs.Usage()
		return 2
	}
	cfg, err := flags.Load(s.getenv)
	if err != nil {
		s.failf("%v", err)
		return 2
	}
	if u := cfg.DatabaseURL; strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		if err := pgDumpGuide(s.out, s.t, u, time.Now()); err != nil {
			s.failf("%v", err)
			return 2
		}
		s.failf("%s", s.t.f("backup.pg.nothing"))
		return 2
	}
	db, _, code := openDB(ctx, s, func(func(string) string) (*config.Config, error) { return cfg, nil }, asFound)
	if code != 0 {
		return code
	}
	defer db.Close()
	path := *out
	if path == "" {
		dir := cfg.DataDir
		if dir == "" {
			dir = "."
		}
		path = filepath.Join(dir, "backups", "jejaring-"+time.Now().UTC().Format("20060102-150405")+".db")
	}
	counts, err := backupSQLite(ctx, db, path)
	if err != nil {
		return s.failf("backup: %v", err)
	}
	fmt.Fprintln(s.out, s.t.f("backup.done", path))
	for _, c := range counts {
		fmt.Fprintf(s.out, "  %-12s %d\n", c.table, c.rows)
	}
	fmt.Fprintln(s.out, s.t.f("backup.restore", path, storePath(db.URL)))
	return 0
}

type tableCount struct {
	table string
	rows  int64
}

// backupSQLite copies the live database db into path (which must not
// exist) with VACUUM INTO, as one read transaction: a consistent snapshot
// even while the server writes. The file is created 0600 first (VACUUM
// INTO fills an empty file) so the copy is never readable by others, then
// opened read-only and checked (integrity_check, row counts).
func backupSQLite(ctx context.Context, db *store.DB, path string) ([]tableCount, error) {
	if db.Dialect != store.SQLite {
		return nil, fmt.Errorf("backup: %s is not SQLite", db.Dialect)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("backup folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("backup file (it must not exist yet): %w", err)
	}
	f.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("copy the database: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return nil, fmt.Errorf("backup file: make it private: %w", err)
	}
	return checkBackup(ctx, path)
}

// checkBackup opens the copy read-only, checks its integrity and counts
// the rows of backupTables (those it has).
func checkBackup(ctx context.Context, path string) ([]tableCount, error) {
	cp, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return nil, fmt.Errorf("open the copy: %w", err)
	}
	defer cp.Close()
	var ok string
	if err := cp.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil {
		return nil, fmt.Errorf("check the copy: %w", err)
	}
	if ok != "ok" {
		return nil, fmt.Errorf("the copy is damaged: %s", ok)
	}
	var out []tableCount
	for _, t := range backupTables {
		var n int64
		if err := cp.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", t).Scan(&n); err != nil {
			return nil, fmt.Errorf("check the copy: %w", err)
		}
		if n == 0 {
			continue // a database not migrated yet
		}
		// t comes from backupTables, never from input.
		if err := cp.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s in the copy: %w", t, err)
		}
		out = append(out, tableCount{t, n})
	}
	return out, nil
}

// storePath is the file of an SQLite DSN ("file:PATH?...").
func storePath(dsn string) string {
	p := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// pgDumpGuide prints how to back up and restore the PostgreSQL database
// of DATABASE_URL u: host, port, user, database and schema as flags, the
// password never (pg_dump asks, or reads PGPASSWORD / ~/.pgpass).
func pgDumpGuide(w io.Writer, t tr, u string, now time.Time) error {
	pu, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	var conn []string
	if h := pu.Hostname(); h != "" {
		conn = append(conn, "--host="+shellQuote(h))
	}
	if p := pu.Port(); p != "" {
		conn = append(conn, "--port="+p)
	}
	if pu.User != nil && pu.User.Username() != "" {
		conn = append(conn, "--username="+shellQuote(pu.User.Username()))
	}
	dbname := strings.TrimPrefix(pu.Path, "/")
	if dbname != "" {
		conn = append(conn, "--dbname="+shellQuote(dbname))
	}
	schema := ""
	if sp := pu.Query().Get("search_path"); sp != "" {
		schema = " --schema=" + shellQuote(strings.TrimSpace(strings.Split(sp, ",")[0]))
	}
	file := "jejaring-" + now.UTC().Format("20060102-150405") + ".dump"
	fmt.Fprintln(w, t.f("backup.pg.intro"))
	fmt.Fprintf(w, "\n  (umask 077; pg_dump --format=custom --no-owner%s %s --file=%s)\n", schema, strings.Join(conn, " "), file)
	fmt.Fprintln(w, "\n"+t.f("backup.pg.restore"))
	fmt.Fprintf(w, "\n  pg_restore --clean --if-exists --no-owner %s %s\n\n", strings.Join(conn, " "), file)
	fmt.Fprintln(w, t.f("backup.pg.password"))
	return nil
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and . _ - / : @.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/:@", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
