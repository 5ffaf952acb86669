package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// readmeShellLines returns the command lines of the README's ```sh blocks,
// continuation lines (ending in \) joined.
func readmeShellLines(readme string) []string {
	var lines []string
	in := false
	var cont strings.Builder
	for line := range strings.SplitSeq(readme, "\n") {
		switch {
		case line == "```sh":
			in = true
			continue
		case in && line == "```":
			in = false
			continue
		case !in:
			continue
		}
		if strings.HasSuffix(line, `\`) {
			cont.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		cont.WriteString(line)
		if l := strings.TrimSpace(cont.String()); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
		cont.Reset()
	}
	return lines
}

// readmeSafe are the README commands that are safe to run anywhere: on a
// fresh local-mode DATA_DIR in a temporary folder they read, or create
// that empty store, and send nothing. Each must appear in the README.
var readmeSafe = []string{
	"jejaring help",
	"jejaring migrate status",
	"jejaring flows check",
	"jejaring stats",
}

// readmeBuild is the README's way to get the jejaring command.
const readmeBuild = "go build -o jejaring ./cmd/jejaring"

// TestReadmeShellBlocks runs the README's shell lines that are safe to run,
// taken from README.md itself, with the binary the README's build line
// makes: a renamed command, a changed flag or a build line that no longer
// works fails here, so the README cannot drift from the binary.
func TestReadmeShellBlocks(t *testing.T) {
	t.Parallel()
	lines := readmeShellLines(string(readRepoFile(t, "README.md")))
	command := func(l string) string { // the line without its comment
		if i := strings.Index(l, " #"); i >= 0 {
			l = l[:i]
		}
		return strings.TrimSpace(l)
	}
	var build string
	var run []string
	for _, l := range lines {
		c := command(l)
		if c == readmeBuild {
			build = c
		}
		for _, safe := range readmeSafe {
			if c == safe {
				run = append(run, l)
			}
		}
	}
	if build == "" {
		t.Fatalf("README has no shell line %q", readmeBuild)
	}
	for _, safe := range readmeSafe {
		found := false
		for _, l := range run {
			found = found || command(l) == safe
		}
		if !found {
			t.Errorf("README's shell blocks lack %q", safe)
		}
	}

	// The build line as written, from the repository root, but writing the
	// binary to a temporary folder instead of the checkout.
	bin := t.TempDir()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Fields(build)
	args[3] = filepath.Join(bin, "jejaring") // -o jejaring
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, out)
	}

	work := t.TempDir()
	env := cleanEnv("PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "DATA_DIR="+filepath.Join(work, "data"))
	for _, l := range run {
		t.Run(command(l), func(t *testing.T) {
			var out, errb bytes.Buffer
			sh := exec.Command("sh", "-c", l)
			sh.Dir, sh.Env, sh.Stdout, sh.Stderr = work, env, &out, &errb
			if err := sh.Run(); err != nil {
				t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", l, err, out.String(), errb.String())
			}
			if out.Len() == 0 {
				t.Errorf("%s printed nothing", l)
			}
			switch command(l) {
			case "jejaring help":
				for name := range commands() {
					if !strings.Contains(out.String(), "\n  "+name+" ") {
						t.Errorf("help lacks %s", name)
					}
				}
			case "jejaring stats":
				if !strings.Contains(out.String(), "UMKM Kabupaten Pesisir Selatan") || !strings.Contains(out.String(), "Kelas usaha (PP 7/2021)") {
					t.Errorf("stats on an empty store:\n%s", out.String())
				}
			}
		})
	}
}

// TestNoCitationOfTheOldDomainFile: the domain facts live in
// docs/domain.md; nothing in the repository cites the file they came from.
func TestNoCitationOfTheOldDomainFile(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "docs", "domain.md")); err != nil {
		t.Fatal(err)
	}
	old := "DOMAIN" + ".md"
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "data" && path == filepath.Join(root, "data") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".md", ".yaml", ".yml", ".sql", ".txt":
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(old)) {
			t.Errorf("%s cites %s; point it to docs/domain.md", path, old)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
