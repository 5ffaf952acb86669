package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHelpNeverServes: `jejaring help`, `-h` and `--help` on the real
// binary list the subcommands and exit at once, touching no DATA_DIR.
func TestHelpNeverServes(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"-lang", "en", "help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			data := filepath.Join(t.TempDir(), "data")
			p := start(t, cleanEnv("DATA_DIR="+data, "HTTP_ADDR="+freeAddr(t)), args...)
			if code := p.wait(t, 20*time.Second); code != 0 {
				t.Fatalf("exit %d\nstderr:\n%s", code, p.stderr)
			}
			out := p.stdout.String()
			for name := range commands() {
				if !strings.Contains(out, "\n  "+name+" ") {
					t.Errorf("help does not list %s:\n%s", name, out)
				}
			}
			wantHead := "Pemakaian: jejaring"
			if args[0] == "-lang" {
				wantHead = "Usage: jejaring"
			}
			if !strings.HasPrefix(out, wantHead) {
				t.Errorf("help starts %q, want %q", out[:min(len(out), 40)], wantHead)
			}
			if _, err := os.Stat(data); !os.IsNotExist(err) {
				t.Errorf("help created DATA_DIR (%v)", err)
			}
		})
	}
}

// TestSecondServerOnSameDataDir: bare `jejaring` serves (the README's
// `go run ./cmd/jejaring`) and says how to get help; a second `jejaring
// serve` on the same folder stops at once with one line naming the first
// one's PID; a server killed outright leaves nothing that blocks the next.
func TestSecondServerOnSameDataDir(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	addr := freeAddr(t)
	first := start(t, cleanEnv("DATA_DIR="+data, "HTTP_ADDR="+addr))
	waitReady(t, first, "http://"+addr)
	if out := first.stdout.String(); !strings.HasPrefix(out, "Jejaring: tanpa perintah, server dijalankan (daftar perintah: jejaring help)\n") {
		t.Errorf("bare jejaring does not say how to get help:\n%s", out)
	}

	second := start(t, cleanEnv("DATA_DIR="+data, "HTTP_ADDR="+freeAddr(t)), "serve")
	if code := second.wait(t, 10*time.Second); code != 1 {
		t.Errorf("second serve: exit %d, want 1", code)
	}
	errOut := strings.TrimRight(second.stderr.String(), "\n")
	if strings.Contains(errOut, "\n") {
		t.Errorf("second serve printed more than one line:\n%s", errOut)
	}
	for _, want := range []string{"PID " + strconv.Itoa(first.cmd.Process.Pid), data, "sedang dipakai", "in use by another Jejaring"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("second serve's line %q lacks %q", errOut, want)
		}
	}

	// kill -9: the lock dies with the process; the next start is not blocked.
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.wait(t, 10*time.Second)
	addr = freeAddr(t)
	third := start(t, cleanEnv("DATA_DIR="+data, "HTTP_ADDR="+addr), "serve")
	waitReady(t, third, "http://"+addr)
	if err := third.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := third.wait(t, 15*time.Second); code != 0 {
		t.Errorf("third serve: exit %d\n%s", code, third.stderr)
	}
}

func TestTakeLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		rest    []string
		lang    string
		wantErr bool
	}{
		{[]string{"stats"}, []string{"stats"}, "", false},
		{[]string{"-lang", "en", "stats"}, []string{"stats"}, "en", false},
		{[]string{"stats", "--lang=ID"}, []string{"stats"}, "id", false},
		{[]string{"event", "show", "7", "-lang=en"}, []string{"event", "show", "7"}, "en", false},
		{[]string{"user", "add", "x", "--", "-lang", "en"}, []string{"user", "add", "x", "--", "-lang", "en"}, "", false},
		{[]string{"-lang"}, nil, "", true},
		{[]string{"-lang", "fr", "stats"}, nil, "", true},
		{[]string{"-language", "en"}, []string{"-language", "en"}, "", false},
	}
	for _, tt := range tests {
		rest, lang, err := takeLang(tt.args)
		if (err != nil) != tt.wantErr || lang != tt.lang || !slices.Equal(rest, tt.rest) {
			t.Errorf("takeLang(%q) = %q, %q, %v; want %q, %q, error %v", tt.args, rest, lang, err, tt.rest, tt.lang, tt.wantErr)
		}
	}
}

func TestLanguageFromLocale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flag string
		env  []string
		en   bool
	}{
		{"", nil, false},
		{"", []string{"LANG=en_US.UTF-8"}, true},
		{"", []string{"LANG=id_ID.UTF-8"}, false},
		{"", []string{"LANG=C.UTF-8"}, false},
		{"", []string{"LC_ALL=en_GB.UTF-8", "LANG=id_ID.UTF-8"}, true},
		{"", []string{"LC_ALL=id_ID.UTF-8", "LANG=en_US.UTF-8"}, false},
		{"", []string{"LC_MESSAGES=en_US", "LANG=id_ID"}, true},
		{"id", []string{"LANG=en_US.UTF-8"}, false},
		{"en", nil, true},
	}
	for _, tt := range tests {
		if got := newTr(tt.flag, envOf(tt.env...)).en; got != tt.en {
			t.Errorf("flag %q env %v: English %v, want %v", tt.flag, tt.env, got, tt.en)
		}
	}
	// Through run: the locale and the flag reach a subcommand's output.
	if _, out, _ := runIn(t, "", envOf("LANG=en_US.UTF-8"), "help"); !strings.HasPrefix(out, "Usage:") {
		t.Errorf("LANG=en_US: help %q", out)
	}
	if _, out, _ := runIn(t, "", envOf("LANG=en_US.UTF-8"), "help", "-lang", "id"); !strings.HasPrefix(out, "Pemakaian:") {
		t.Errorf("-lang id over LANG=en_US: help %q", out)
	}
	if code, _, errOut := runIn(t, "", envOf(), "-lang", "fr", "help"); code != 2 || !strings.Contains(errOut, "id or en") {
		t.Errorf("-lang fr: %d %q", code, errOut)
	}
}

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// TestCatalogue: every entry has both languages with the same verbs in the
// same order, every key the code uses exists, and every entry is used.
func TestCatalogue(t *testing.T) {
	t.Parallel()
	for key, m := range catalogue {
		if m.id == "" || m.en == "" {
			t.Errorf("%s: missing a language: %+v", key, m)
		}
		if a, b := verb.FindAllString(m.id, -1), verb.FindAllString(m.en, -1); !slices.Equal(a, b) {
			t.Errorf("%s: verbs differ: id %q en %q", key, a, b)
		}
	}
	files, _ := filepath.Glob("*.go")
	used := map[string]bool{}
	call := regexp.MustCompile(`\.(?:f|or)\("([a-zA-Z.]+)"[,)]`)
	literal := regexp.MustCompile(`"([a-zA-Z]+\.[a-zA-Z.]*)"`)
	var prefixes []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "msgs.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			if _, ok := catalogue[m[1]]; !ok {
				t.Errorf("%s uses %q, which the catalogue lacks", f, m[1])
			}
		}
		// Keys are used as literals, whole ("stats.size") or as the prefix
		// of a code ("status." + ev.Status).
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
			if strings.HasSuffix(m[1], ".") {
				prefixes = append(prefixes, m[1])
			}
		}
	}
	for key := range catalogue {
		dynamic := slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(key, p) })
		if !used[key] && !dynamic {
			t.Errorf("catalogue entry %q is not used", key)
		}
	}
	for name := range commandSummaryID {
		if _, ok := commands()[name]; !ok {
			t.Errorf("commandSummaryID has %s, which is no command", name)
		}
	}
	var out strings.Builder
	usage(&out, commands(), tr{})
	if !strings.Contains(out.String(), "  stats        "+commandSummaryID["stats"]+"\n") {
		t.Errorf("Indonesian help does not use commandSummaryID:\n%s", out.String())
	}
}
