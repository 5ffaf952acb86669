package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/app"
	"jejaring/internal/config"
)

func runServe(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(s.err)
	flags := config.AddFlags(fs)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: jejaring serve [flags]")
		fmt.Fprintln(w, "\nRuns Jejaring. With nothing set it starts the local mode: SQLite in DATA_DIR, an in-process Redis,")
		fmt.Fprintln(w, "and the web chat at http://127.0.0.1:8080/chat.")
		fmt.Fprintln(w, "\nEvery setting is an environment variable and also a flag; the flag wins over the variable:")
		fmt.Fprintln(w)
		config.PrintVars(w)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(s.err, "jejaring serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg, err := flags.Load(s.getenv)
	if err != nil {
		s.failf("%v", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: cfg.LogLevel}))
	redis.SetLogger(app.RedisLogger(log))
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return s.failf("%v", err)
	}
	if err := a.Run(ctx, s.out); err != nil {
		return s.failf("%v", err)
	}
	return 0
}
