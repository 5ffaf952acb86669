// Package store opens Jejaring's SQL database — PostgreSQL through lib/pq in
// production, SQLite through the pure-Go modernc driver as the embedded
// default — and runs the embedded goose migrations for its dialect.
//
// Queries are written once with `?` placeholders and passed through
// (*DB).Rebind, so the same Go code serves both dialects; where the dialects
// must differ, the migration files differ. Repositories built on DB live next
// to the domain they serve (see contacts.go, and the other files here).
//
// The types are the domain's (contact.Contact, umkm.Business, event.Event);
// store implements the interfaces its consumers declare (contact.Directory
// for the bot, the narrow ones in internal/actions) and imports no
// transport. A missing row is never returned as sql.ErrNoRows: notFound maps
// it once to the domain's error (contact.ErrNotFound, umkm.ErrNotFound,
// event.ErrNotFound, ErrStaffNotFound), which callers test with errors.Is.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // PostgreSQL driver "postgres"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"

	"jejaring/migrations"
)

// Dialects.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// DB is an open database with its dialect.
type DB struct {
	*sqlx.DB
	Dialect string
	// URL is the connection string actually used (the SQLite file path for
	// the embedded default). It may hold a password: never log it.
	URL string
}

// IsPostgres reports whether the database is PostgreSQL.
func (db *DB) IsPostgres() bool { return db.Dialect == Postgres }

// Open connects to databaseURL: a postgres:// or postgresql:// URL, a
// sqlite:PATH URL, or "" for the SQLite file jejaring.db under dataDir. It
// pings the database so an unreachable server fails here, with the host named.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	dialect, dsn, err := parseURL(databaseURL, dataDir)
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		if err := privateFiles(describe(dialect, dsn), true); err != nil {
			return nil, err
		}
	}
	driver := dialect
	sdb, err := sqlx.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	if dialect == SQLite {
		// One connection: SQLite has one writer, and this keeps
		// transactions from failing with SQLITE_BUSY under load.
		sdb.SetMaxOpenConns(1)
	} else {
		sdb.SetMaxOpenConns(20)
		sdb.SetMaxIdleConns(10)
		sdb.SetConnMaxIdleTime(5 * time.Minute)
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sdb.PingContext(pctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("DATABASE_URL: cannot reach %s database at %s: %w", dialect, describe(dialect, dsn), err)
	}
	if dialect == SQLite {
		// The first connection made the -wal and -shm files; SQLite gives
		// them the database file's mode, and older ones are fixed here.
		if err := privateFiles(describe(dialect, dsn), false); err != nil {
			sdb.Close()
			return nil, err
		}
	}
	return &DB{DB: sdb, Dialect: dialect, URL: dsn}, nil
}

// privateFiles makes the SQLite database file and its -wal, -shm and
// -journal companions readable by their owner only (0600): they hold names,
// phones and NIKs. With create it first creates an empty database file with
// that mode, which SQLite then fills and copies to the files it adds.
func privateFiles(path string, create bool) error {
	if create {
		f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("DATABASE_URL: SQLite file %s: %w", path, err)
		}
		f.Close()
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil && fi.Mode().Perm() != 0o600 {
			err = os.Chmod(p, 0o600)
		}
		if err != nil {
			return fmt.Errorf("DATABASE_URL: SQLite file %s: make it private (0600): %w", p, err)
		}
	}
	return nil
}

func parseURL(databaseURL, dataDir string) (dialect, dsn string, err error) {
	switch {
	case databaseURL == "":
		if dataDir == "" {
			dataDir = "."
		}
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return "", "", fmt.Errorf("DATA_DIR %s: %w", dataDir, err)
		}
		return SQLite, sqliteDSN(filepath.Join(dataDir, "jejaring.db")), nil
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		return Postgres, pgDefaults(databaseURL), nil
	case strings.HasPrefix(databaseURL, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(databaseURL, "sqlite:"), "//")
		if path == "" {
			return "", "", errors.New("DATABASE_URL: sqlite: needs a file path, e.g. sqlite:/var/lib/jejaring/jejaring.db")
		}
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return "", "", fmt.Errorf("DATABASE_URL: %w", err)
			}
		}
		return SQLite, sqliteDSN(path), nil
	default:
		return "", "", fmt.Errorf("DATABASE_URL: want postgres://... or sqlite:PATH, got %q", redactURL(databaseURL))
	}
}

func sqliteDSN(path string) string {
	// secure_delete: deleted and overwritten content (an erased NIK, phone,
	// name) is zeroed in the file instead of lingering in free pages.
	return "file:" + path + "?_pragma=foreign_keys(1)&_pragma=secure_delete(1)&_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
}

// describe names the server without credentials, for error messages.
func describe(dialect, dsn string) string {
	if dialect == SQLite {
		p := strings.TrimPrefix(dsn, "file:")
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		return p
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Host + u.Path
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = url.User(u.User.Username())
	return u.String()
}

// ErrNewerSchema means the database was migrated by a newer Jejaring.
var ErrNewerSchema = errors.New("database schema is newer than this program")

func (db *DB) provider(logger *slog.Logger) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations.FS, db.Dialect)
	if err != nil {
		return nil, fmt.Errorf("migrations for %s: %w", db.Dialect, err)
	}
	gd := goose.DialectPostgres
	if db.Dialect == SQLite {
		gd = goose.DialectSQLite3
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if logger != nil {
		opts = append(opts, goose.WithSlog(logger))
	}
	p, err := goose.NewProvider(gd, db.DB.DB, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations for %s: %w", db.Dialect, err)
	}
	return p, nil
}

// ErrOlderSchema means the database lacks migrations this Jejaring needs.
var ErrOlderSchema = errors.New("database schema is older than this program")

// versions is the database's schema version and the newest migration this
// binary knows, as goose reads them (without taking its lock).
func (db *DB) versions(ctx context.Context, p *goose.Provider) (current, newest int64, err error) {
	current, newest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	if current > newest {
		return current, newest, fmt.Errorf("%w: database is at version %d, this Jejaring knows up to %d; upgrade Jejaring", ErrNewerSchema, current, newest)
	}
	return current, newest, nil
}

// Migrate applies every pending migration. It refuses a database whose
// version is beyond the newest migration this binary knows (ErrNewerSchema).
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider(nil)
	if err != nil {
		return err
	}
	if _, _, err := db.versions(ctx, p); err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", db.Dialect, err)
	}
	return nil
}

// CheckSchema is the start-up check when migrations are off (MIGRATE=false):
// the database must be at exactly the newest version this binary knows. A
// newer one is ErrNewerSchema, an older one ErrOlderSchema; neither is
// changed (goose creates its empty version table in a database that has
// none).
func (db *DB) CheckSchema(ctx context.Context) error {
	p, err := db.provider(nil)
	if err != nil {
		return err
	}
	current, newest, err := db.versions(ctx, p)
	if err != nil {
		return err
	}
	if current < newest {
		return fmt.Errorf("%w: the database is at version %d and this Jejaring needs %d", ErrOlderSchema, current, newest)
	}
	return nil
}

// Migration is one migration file and whether it has been applied.
type Migration struct {
	Version   int64
	File      string // base name, e.g. 00001_foundation.sql
	Applied   bool
	AppliedAt time.Time
}

// Migrations lists every migration of the dialect, oldest first, with its
// state; the caller words it (`jejaring migrate status`).
func (db *DB) Migrations(ctx context.Context) ([]Migration, error) {
	p, err := db.provider(nil)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]Migration, 0, len(st))
	for _, s := range st {
		out = append(out, Migration{Version: s.Source.Version, File: filepath.Base(s.Source.Path),
			Applied: s.State == goose.StateApplied, AppliedAt: s.AppliedAt})
	}
	return out, nil
}

// InTx runs fn in a transaction, committing when it returns nil.
func (db *DB) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// InsertID runs an INSERT written with `?` placeholders and returns the new
// row's id: RETURNING id on PostgreSQL, LastInsertId on SQLite.
func InsertID(ctx context.Context, q sqlx.ExtContext, dialect, query string, args ...any) (int64, error) {
	query = q.Rebind(query)
	if dialect == Postgres {
		var id int64
		if err := q.QueryRowxContext(ctx, query+" RETURNING id", args...).Scan(&id); err != nil {
			return 0, err
		}
		return id, nil
	}
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// noRows reports whether err is database/sql's no-rows error. It is for
// store's own checks only: store never returns that error (see notFound).
func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// notFound is the storage edge of "not found": database/sql's no-rows
// error becomes the domain's own (contact.ErrNotFound, umkm.ErrNotFound,
// event.ErrNotFound, ErrStaffNotFound), so callers test with errors.Is on
// the domain error and never see sql.ErrNoRows. Other errors pass as they
// are.
func notFound(err, domain error) error {
	if noRows(err) {
		return domain
	}
	return err
}
