package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"jejaring/internal/config"
)

func runMigrate(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(s.err)
	flags := config.AddFlags(fs, dbVars()...)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: jejaring migrate up|status [flags]")
		fmt.Fprintln(w, "\n  up      apply every pending migration (serve also does this at start-up unless -migrate=false)")
		fmt.Fprintln(w, "  status  list the migrations and when each was applied")
		fmt.Fprintln(w)
		config.PrintVars(w, dbVars()...)
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) != 1 || (pos[0] != "up" && pos[0] != "status") {
		fs.Usage()
		return 2
	}
	db, _, code := openDB(ctx, s, flags.Load, asFound)
	if db == nil {
		return code
	}
	defer db.Close()
	if pos[0] == "up" {
		if err := db.Migrate(ctx); err != nil {
			return s.failf("%v", err)
		}
	}
	ms, err := db.Migrations(ctx)
	if err != nil {
		return s.failf("%v", err)
	}
	for _, m := range ms {
		state := s.t.f("migrate.pending")
		if m.Applied {
			state = s.t.f("migrate.applied", m.AppliedAt.Format(time.RFC3339))
		}
		fmt.Fprintf(s.out, "%5d  %-40s %s\n", m.Version, m.File, state)
	}
	return 0
}
