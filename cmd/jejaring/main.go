// Command jejaring is the one binary of Jejaring, the chat front door of a
// regency's small-business office: `jejaring serve` (the default) runs the
// bot, the web chat and the channels; the other subcommands are operations
// (migrations, staff users, flows, imports and exports, events, WhatsApp).
//
// Each subcommand is one entry in the table built by commands(); adding one
// is adding a line there. A subcommand returns the process exit status: 0
// done, 1 failed (one clear line on stderr, never a stack trace), 2 bad usage
// or configuration.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"jejaring/internal/app"
	"jejaring/internal/config"
	"jejaring/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// stdio is what a subcommand may touch of the outside world.
type stdio struct {
	in     io.Reader
	out    io.Writer
	err    io.Writer
	getenv func(string) string
}

// failf prints one line "jejaring: ..." on stderr and returns 1.
func (s stdio) failf(format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintln(s.err, "jejaring: "+strings.Join(strings.Fields(msg), " "))
	return 1
}

type command struct {
	summary string
	run     func(ctx context.Context, args []string, s stdio) int
}

// commands is the table of subcommands.
func commands() map[string]command {
	return map[string]command{
		"serve":       {"run Jejaring: web chat, channels, background sending (the default)", runServe},
		"migrate":     {"apply database migrations (up) or list them (status)", runMigrate},
		"user":        {"manage staff users: add NAME [-admin], passwd NAME, list", runUser},
		"healthcheck": {"exit 0 when the server at HTTP_ADDR answers /healthz (for container health checks)", runHealthcheck},
		"whatsapp":    {"link the office WhatsApp number (link [--phone +62…]) or show its state (status)", runWhatsAppCommand},
		"flows": {"check, graph or test the conversation flows", func(ctx context.Context, args []string, s stdio) int {
			return runFlows(ctx, args, app.ActionNames(), s.out, s.err)
		}},
		"event":  {"create, publish, change, cancel, check in and export events", eventCommand()},
		"import": {"import businesses FILE [--dry-run]: the office's .xlsx or .csv into the register", withDB(runImport)},
		"export": {"export businesses [--format csv|xlsx] [--out FILE]: the register as a spreadsheet", withDB(runExport)},
		"stats":  {"businesses by size class, kecamatan and sector (the yearly report table)", withDB(runStats)},
		"bench":  {"measure the message pipeline: N owners registering at once [-users N]", runBench},
		"match":  {"temu bisnis meetings: solve INSTANCE.json, check INSTANCE.json SCHEDULE.json, plan --slots --tables --owners", runMatch},
	}
}

// withDB adapts a subcommand that works on an open, migrated database: the
// database comes from DATABASE_URL and DATA_DIR (MIGRATE=false skips the
// migrations), and every argument goes to the subcommand.
func withDB(fn func(ctx context.Context, db *store.DB, args []string, stdout, stderr io.Writer) int) func(context.Context, []string, stdio) int {
	return func(ctx context.Context, args []string, s stdio) int {
		cfg, err := config.FromEnv(s.getenv)
		if err != nil {
			s.failf("%v", err)
			return 2
		}
		db, err := app.OpenDB(ctx, cfg, nil)
		if err != nil {
			return s.failf("%v", err)
		}
		defer db.Close()
		return fn(ctx, db, args, s.out, s.err)
	}
}

func run(ctx context.Context, args []string, s stdio) int {
	cmds := commands()
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	switch name {
	case "help", "-h", "--help":
		usage(s.out, cmds)
		return 0
	}
	if len(args) > 0 && name == "serve" && (args[0] == "help") {
		args = []string{"-h"}
	}
	c, ok := cmds[name]
	if !ok {
		fmt.Fprintf(s.err, "jejaring: unknown command %q\n\n", name)
		usage(s.err, cmds)
		return 2
	}
	return c.run(ctx, args, s)
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "Usage: jejaring [command] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nWith no command, jejaring serves. `jejaring serve -h` lists every setting.")
}

// parseInterspersed parses flags that may come before, between or after the
// positional arguments (`user add rina -admin`), and returns the positionals.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
