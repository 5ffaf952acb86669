package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryCommandOpensTheDatabaseAlike: each subcommand that works on the
// database opens it through openDB, so each answers bad settings (exit 2)
// and a database that will not open (exit 1) the same way, with one line.
func TestEveryCommandOpensTheDatabaseAlike(t *testing.T) {
	t.Parallel()
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmds := [][]string{{"user", "list"}, {"staff", "list"}, {"migrate", "status"}, {"whatsapp", "status"}, {"stats"}, {"event", "list"}}
	for _, args := range cmds {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			t.Parallel()
			code, _, errOut := runIn(t, "", envOf("MIGRATE=perhaps"), args...)
			if code != 2 || !strings.HasPrefix(errOut, "jejaring: ") || strings.Count(errOut, "\n") != 1 {
				t.Errorf("bad MIGRATE: exit %d, stderr %q", code, errOut)
			}
			code, _, errOut = runIn(t, "", envOf("DATA_DIR="+filepath.Join(notADir, "data")), args...)
			if code != 1 || !strings.HasPrefix(errOut, "jejaring: ") || strings.Count(errOut, "\n") != 1 {
				t.Errorf("database that cannot open: exit %d, stderr %q", code, errOut)
			}
		})
	}
}

// TestOneWayToOpenTheDatabase keeps openDB the only opener in the command's
// code (tests open their own databases).
func TestOneWayToOpenTheDatabase(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f == "db.go" || strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, call := range []string{"store.Open(", "app.OpenDB("} {
			if strings.Contains(string(src), call) {
				t.Errorf("%s calls %s: open the database with openDB (db.go)", f, call)
			}
		}
	}
}
