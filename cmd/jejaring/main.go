// Command jejaring is the one binary of Jejaring, the chat front door of a
// regency's small-business office: `jejaring serve` (the default) runs the
// bot, the web chat and the channels; the other subcommands are operations
// (migrations, staff users, flows, imports and exports, events, WhatsApp).
//
// `jejaring help` (-h, --help) lists the subcommands and starts nothing;
// bare `jejaring` serves and says so. Staff-facing output is Indonesian, or
// English with -lang en or an "en" locale (msgs.go).
//
// Each subcommand is one entry in the table built by commands(); adding one
// is adding a line there (and its Indonesian summary in commandSummaryID). A subcommand returns the process exit status: 0
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
	t      tr // the language of staff-facing output; run sets it
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
		"user":        {"manage staff users: add NAME [-admin], passwd NAME, list, link NAME, disable|enable NAME", runUser},
		"staff":       {"staff rights on chat: grant CONTACT -user NAME, revoke CONTACT, list", runStaff},
		"healthcheck": {"exit 0 when the server at HTTP_ADDR answers /healthz (for container health checks)", runHealthcheck},
		"whatsapp":    {"link the office WhatsApp number (link [--phone +62…]) or show its state (status)", runWhatsAppCommand},
		"flows": {"check, graph or test the conversation flows", func(ctx context.Context, args []string, s stdio) int {
			return runFlows(ctx, args, app.ActionNames(), s.out, s.err)
		}},
		"event":  {"create, publish, change, cancel, check in and export events", eventCommand()},
		"import": {"import businesses FILE [--dry-run] [--rejected FIX.xlsx], import list, import undo ID: the office's .xlsx or .csv into the register", withDB(runImport)},
		"reach":  {"reach [funnel] | letters | posters | campaign status|start|stop: who the office can reach, letters and posters with QR codes, the first-contact campaign", runReach},
		"export": {"export businesses [--format csv|xlsx] [--out FILE]: the register as a spreadsheet", withDB(runExport)},
		"claim": {"claim REG_NO [--new]: a record's one-time claim token, for the office to print or send its owner", withDB(func(ctx context.Context, db *store.DB, args []string, s stdio) int {
			return runClaim(ctx, db, args, s.out, s.err)
		})},
		"questions": {"owners' questions to the office (TANYA): list [--open], answer ID \"TEXT\" [--by NAME]",
			withDB(runQuestions)},
		"report": {"what came of the events: attendance, ratings, deals and coverage [--event ID] [--from --to]; followups EVENT 1,3,6", withDB(runReport)},
		"stats":  {"businesses by size class, kecamatan and sector (the yearly report table)", withDB(runStats)},
		"bench":  {"measure the message pipeline: N owners registering at once [-users N], a sustained load [-rate R -duration D], or PostgreSQL at scale (bench db)", runBench},
		"match":  {"temu bisnis: setup/plan/run/publish/schedule EVENT, partners import|list; solve, check, plan --slots (no database)", runMatch},
		"backup": {"back up the live SQLite database [--out FILE]; on PostgreSQL: the pg_dump command to use", runBackup},
	}
}

// withDB adapts a subcommand that works on an open, migrated database: the
// database comes from DATABASE_URL and DATA_DIR (MIGRATE=false skips the
// migrations), and every argument goes to the subcommand.
func withDB(fn func(ctx context.Context, db *store.DB, args []string, s stdio) int) func(context.Context, []string, stdio) int {
	return func(ctx context.Context, args []string, s stdio) int {
		db, _, code := openDB(ctx, s, config.FromEnv, migrated)
		if db == nil {
			return code
		}
		defer db.Close()
		return fn(ctx, db, args, s)
	}
}

func run(ctx context.Context, args []string, s stdio) int {
	args, lang, err := takeLang(args)
	if err != nil {
		fmt.Fprintln(s.err, "jejaring: "+err.Error())
		return 2
	}
	s.t = newTr(lang, s.getenv)
	cmds := commands()
	name := "serve"
	switch {
	case len(args) == 0:
		// `go run ./cmd/jejaring` serves; say how to get help instead (on
		// stdout: a failed start keeps its one line on stderr).
		fmt.Fprintln(s.out, s.t.f("help.bare"))
	case args[0] == "-h" || args[0] == "-help" || args[0] == "--help":
		name = "help"
	case !strings.HasPrefix(args[0], "-"):
		name, args = args[0], args[1:]
	}
	if name == "help" {
		if len(args) > 0 && args[0] == "serve" {
			return cmds["serve"].run(ctx, []string{"-h"}, s)
		}
		usage(s.out, cmds, s.t)
		return 0
	}
	if len(args) > 0 && name == "serve" && (args[0] == "help") {
		args = []string{"-h"}
	}
	c, ok := cmds[name]
	if !ok {
		fmt.Fprintln(s.err, s.t.f("help.unknown", name))
		fmt.Fprintln(s.err)
		usage(s.err, cmds, s.t)
		return 2
	}
	return c.run(ctx, args, s)
}

// usage lists the subcommands, in Indonesian from commandSummaryID when
// there is an entry, else with the table's own summary.
func usage(w io.Writer, cmds map[string]command, t tr) {
	fmt.Fprintln(w, t.f("help.usage"))
	fmt.Fprintln(w, "\n"+t.f("help.commands"))
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		summary := cmds[n].summary
		if id, ok := commandSummaryID[n]; ok && !t.en {
			summary = id
		}
		fmt.Fprintf(w, "  %-12s %s\n", n, summary)
	}
	fmt.Fprintln(w, "\n"+t.f("help.footer"))
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
