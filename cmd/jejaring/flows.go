package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"jejaring/flows"
	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/flow"
	"jejaring/internal/flow/script"
	"jejaring/internal/umkm"
)

const flowsUsage = `usage:
  jejaring flows check [dir]        check every flow (default: FLOWS_DIR, else the built-in flows)
  jejaring flows graph <flow> [dir] print a Mermaid flowchart of one flow
  jejaring flows test [dir]         run the conversation tests under <dir>/testdata, except broken/ and versions/ (default: FLOWS_DIR, else ./flows)
`

// runFlows implements `jejaring flows ...`. actions are the names of the
// registered Go actions (nil: do not check action names). It returns the
// process exit status.
func runFlows(ctx context.Context, args []string, actions []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, flowsUsage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "check":
		if len(rest) > 1 {
			fmt.Fprint(stderr, flowsUsage)
			return 2
		}
		set, code := loadFlows(rest, stderr)
		if set == nil {
			return code
		}
		probs := set.Check(actions)
		for _, p := range probs {
			fmt.Fprintln(stderr, p.String())
		}
		if len(probs) > 0 {
			fmt.Fprintf(stderr, "%d problems in %d flows\n", len(probs), len(set.Flows()))
			return 1
		}
		fmt.Fprintf(stdout, "ok: %d flows\n", len(set.Flows()))
		return 0
	case "graph":
		if len(rest) < 1 || len(rest) > 2 {
			fmt.Fprint(stderr, flowsUsage)
			return 2
		}
		set, code := loadFlows(rest[1:], stderr)
		if set == nil {
			return code
		}
		def := set.Get(rest[0])
		if def == nil {
			fmt.Fprintf(stderr, "flows graph: no flow %q\n", rest[0])
			return 1
		}
		fmt.Fprint(stdout, flow.Mermaid(def))
		return 0
	case "test":
		if len(rest) > 1 {
			fmt.Fprint(stderr, flowsUsage)
			return 2
		}
		dir := "flows"
		if len(rest) == 1 {
			dir = rest[0]
		} else if d := os.Getenv("FLOWS_DIR"); d != "" {
			dir = d
		}
		return testFlows(ctx, dir, actions, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, flowsUsage)
		return 0
	}
	fmt.Fprintf(stderr, "flows: unknown command %q\n%s", cmd, flowsUsage)
	return 2
}

// loadFlows loads from the directory argument, FLOWS_DIR, or the built-in
// flows.
func loadFlows(rest []string, stderr io.Writer) (*flow.Set, int) {
	var fsys fs.FS = flows.FS
	if len(rest) == 1 {
		fsys = os.DirFS(rest[0])
	} else if d := os.Getenv("FLOWS_DIR"); d != "" {
		fsys = os.DirFS(d)
	}
	set, err := flow.Load(fsys)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, 1
	}
	if err := plugOptions(set); err != nil {
		fmt.Fprintln(stderr, err)
		return nil, 1
	}
	return set, 0
}

// plugOptions gives the set the region and KBLI choice lists `serve` uses,
// so options_from names are checked and scripts see the same lists.
func plugOptions(set *flow.Set) error {
	d, err := umkm.LoadData("")
	if err != nil {
		return fmt.Errorf("flows: region data: %w", err)
	}
	set.SetOptions(umkmactions.Options(d))
	return nil
}

func testFlows(ctx context.Context, dir string, actions []string, stdout, stderr io.Writer) int {
	set, err := flow.Load(os.DirFS(dir))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if err := plugOptions(set); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if probs := set.Check(actions); len(probs) > 0 {
		for _, p := range probs {
			fmt.Fprintln(stderr, filepath.Join(dir, p.String()))
		}
		return 1
	}
	// Every script under testdata/, in sub-directories too, except the
	// broken flows (testdata/broken/) and the flow versions that reload:
	// turns load (testdata/versions/): neither is a script.
	var files []string
	root := filepath.Join(dir, "testdata")
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (d.Name() == "broken" || d.Name() == "versions") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "flows test: no scripts in %s\n", filepath.Join(dir, "testdata"))
		return 1
	}
	failed := 0
	for _, f := range files {
		sc, err := script.Load(f)
		if err == nil && set.Get(sc.Flow) == nil {
			err = fmt.Errorf("%s: unknown flow %q", f, sc.Flow)
		}
		var fails []script.Failure
		if err == nil {
			fails, err = script.Play(ctx, sc, script.EngineDriver(set, sc))
		}
		switch {
		case err != nil:
			fmt.Fprintf(stderr, "FAIL %s\n  %v\n", f, err)
			failed++
		case len(fails) > 0:
			fmt.Fprintf(stderr, "FAIL %s\n", f)
			for _, x := range fails {
				fmt.Fprintf(stderr, "  %s\n", strings.ReplaceAll(x.String(), "\n", "\n  "))
			}
			failed++
		default:
			fmt.Fprintf(stdout, "ok   %s\n", f)
		}
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "%d of %d scripts failed\n", failed, len(files))
		return 1
	}
	fmt.Fprintf(stdout, "%d scripts passed\n", len(files))
	return 0
}
