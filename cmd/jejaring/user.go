package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"jejaring/internal/app"
	"jejaring/internal/config"
	"jejaring/internal/store"
)

func runUser(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("user", flag.ContinueOnError)
	fs.SetOutput(s.err)
	admin := fs.Bool("admin", false, "give the new user the admin role")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (also used whenever stdin is not a terminal)")
	flags := config.AddFlags(fs, dbVars()...)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage:")
		fmt.Fprintln(w, "  jejaring user add NAME [-admin] [-password-stdin]   create a staff user (asks for the password)")
		fmt.Fprintln(w, "  jejaring user passwd NAME [-password-stdin]         set a new password")
		fmt.Fprintln(w, "  jejaring user list                                  list staff users")
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) == 0 || (pos[0] == "list") != (len(pos) == 1) || len(pos) > 2 ||
		(pos[0] != "add" && pos[0] != "passwd" && pos[0] != "list") {
		fs.Usage()
		return 2
	}
	cfg, err := flags.Load(s.getenv)
	if err != nil {
		s.failf("%v", err)
		return 2
	}
	db, err := app.OpenDB(ctx, cfg, nil)
	if err != nil {
		return s.failf("%v", err)
	}
	defer db.Close()

	switch pos[0] {
	case "list":
		us, err := db.ListStaff(ctx)
		if err != nil {
			return s.failf("%v", err)
		}
		for _, u := range us {
			state := ""
			if u.Disabled {
				state = s.t.f("user.disabled")
			}
			fmt.Fprintln(s.out, s.t.f("user.list", u.Username, u.Role, u.CreatedAt.Format("2006-01-02"), state))
		}
		return 0
	case "add":
		pw, err := readPassword(s, *fromStdin)
		if err != nil {
			return s.failf("%v", err)
		}
		u, err := db.AddStaff(ctx, pos[1], pw, *admin, "cli", time.Now())
		switch {
		case errors.Is(err, store.ErrStaffExists):
			return s.failf("%s", s.t.f("user.exists", pos[1]))
		case errors.Is(err, store.ErrWeakPassword):
			return s.failf("%s", s.t.f("user.weak", store.MinPasswordLen))
		case err != nil:
			return s.failf("user add %s: %v", pos[1], err)
		}
		fmt.Fprintln(s.out, s.t.f("user.added", u.Role, u.Username))
		return 0
	default: // passwd
		pw, err := readPassword(s, *fromStdin)
		if err != nil {
			return s.failf("%v", err)
		}
		if err := db.SetStaffPassword(ctx, pos[1], pw, "cli", time.Now()); err != nil {
			if store.NotFound(err) {
				return s.failf("%s", s.t.f("user.notfound", pos[1]))
			}
			if errors.Is(err, store.ErrWeakPassword) {
				return s.failf("%s", s.t.f("user.weak", store.MinPasswordLen))
			}
			return s.failf("user passwd %s: %v", pos[1], err)
		}
		fmt.Fprintln(s.out, s.t.f("user.passwd", strings.ToLower(pos[1])))
		return 0
	}
}

// readPassword reads the first line of stdin when asked to or when stdin is
// not a terminal; otherwise it prompts twice without echo.
func readPassword(s stdio, fromStdin bool) (string, error) {
	f, isFile := s.in.(*os.File)
	if fromStdin || !isFile || !term.IsTerminal(int(f.Fd())) {
		line, err := bufio.NewReader(s.in).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password from stdin: %w", err)
		}
		pw := strings.TrimRight(line, "\r\n")
		if pw == "" {
			return "", errors.New(s.t.f("user.nostdin"))
		}
		return pw, nil
	}
	fmt.Fprint(s.err, s.t.f("user.prompt"))
	a, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(s.err)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	fmt.Fprint(s.err, s.t.f("user.again"))
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(s.err)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if string(a) != string(b) {
		return "", errors.New(s.t.f("user.differs"))
	}
	return string(a), nil
}
