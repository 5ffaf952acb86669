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

	"jejaring/internal/config"
	"jejaring/internal/idn"
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
		fmt.Fprintln(w, "  jejaring user link NAME                             print a one-time code (15 min) NAME sends as KODEPETUGAS from their WhatsApp/Telegram")
		fmt.Fprintln(w, "  jejaring user disable NAME | enable NAME            disable (takes every chat's staff rights away) or enable again")
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
	want := map[string]int{"add": 2, "passwd": 2, "list": 1, "link": 2, "disable": 2, "enable": 2}
	if len(pos) == 0 || want[pos[0]] != len(pos) {
		fs.Usage()
		return 2
	}
	db, _, code := openDB(ctx, s, flags.Load, migrated)
	if db == nil {
		return code
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
	case "link":
		code, exp, err := db.NewLinkCode(ctx, pos[1], "cli", time.Now())
		if errors.Is(err, store.ErrStaffNotFound) {
			return s.failf("user link: tidak ada user petugas %s / no staff user %s", pos[1], pos[1])
		}
		if err != nil {
			return s.failf("user link %s: %v", pos[1], err)
		}
		name := strings.ToLower(pos[1])
		fmt.Fprintf(s.out, "Kode petugas untuk %s: %s\n", name, code)
		fmt.Fprintf(s.out, "Berlaku sampai %s, sekali pakai. Dari WhatsApp atau Telegram miliknya sendiri, petugas mengetik KODEPETUGAS lalu kode ini.\n",
			exp.In(idn.WIB).Format("15:04 WIB, 02-01-2006"))
		fmt.Fprintf(s.out, "Staff code for %s, valid until %s, once: from their own WhatsApp or Telegram they type KODEPETUGAS, then this code.\n",
			name, exp.UTC().Format(time.RFC3339))
		return 0
	case "disable", "enable":
		name := strings.ToLower(pos[1])
		if err := db.SetStaffDisabled(ctx, pos[1], pos[0] == "disable", "cli", time.Now()); err != nil {
			if errors.Is(err, store.ErrStaffNotFound) {
				return s.failf("user %s: no staff user %s", pos[0], pos[1])
			}
			return s.failf("user %s %s: %v", pos[0], pos[1], err)
		}
		if pos[0] == "disable" {
			fmt.Fprintf(s.out, "User %s dinonaktifkan; kontak chat yang tertaut tidak lagi punya hak petugas. / User %s disabled; its linked chats lost their staff rights.\n", name, name)
		} else {
			fmt.Fprintf(s.out, "User %s aktif kembali. / User %s enabled again.\n", name, name)
		}
		return 0
	default: // passwd
		pw, err := readPassword(s, *fromStdin)
		if err != nil {
			return s.failf("%v", err)
		}
		if err := db.SetStaffPassword(ctx, pos[1], pw, "cli", time.Now()); err != nil {
			if errors.Is(err, store.ErrStaffNotFound) {
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
