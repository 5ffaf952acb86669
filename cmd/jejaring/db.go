package main

import (
	"context"

	"jejaring/internal/app"
	"jejaring/internal/config"
	"jejaring/internal/store"
)

// dbVars are the settings a database-only command reads.
func dbVars() []string { return []string{"DATABASE_URL", "DATA_DIR", "MIGRATE"} }

// schema says whether a command migrates the database it opens.
type schema bool

const (
	// migrated: apply pending migrations first (with MIGRATE=false, only
	// check the schema is current), as serve does.
	migrated schema = true
	// asFound: open the database as it is: `migrate` decides itself what
	// to apply, and `whatsapp` touches only whatsmeow's own tables.
	asFound schema = false
)

// openDB is how every subcommand opens its database: load reads the
// settings (config.FromEnv, or a flag set's Load), then the database is
// opened and, when sc is migrated, brought up to date. On failure it has
// printed the one line on stderr and returns the exit code: 2 for bad
// settings, 1 for a database that would not open.
func openDB(ctx context.Context, s stdio, load func(getenv func(string) string) (*config.Config, error), sc schema) (*store.DB, *config.Config, int) {
	cfg, err := load(s.getenv)
	if err != nil {
		s.failf("%v", err)
		return nil, nil, 2
	}
	var db *store.DB
	if sc == migrated {
		db, err = app.OpenDB(ctx, cfg, nil)
	} else {
		db, err = store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	}
	if err != nil {
		return nil, nil, s.failf("%v", err)
	}
	return db, cfg, 0
}
