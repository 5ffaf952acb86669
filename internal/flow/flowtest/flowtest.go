// Package flowtest runs conversation scripts (package script: what the
// user sends, what the bot must answer, what must be saved) as Go tests:
// Run plays a script through any script.Driver and reports each mismatch
// with t.Error, rewriting exact expected texts under the test binary's
// -update flag; RunEngine does it on the pure engine. It is the only part
// that needs package testing, so the jejaring binary (`flows test`) links
// the script player without it.
package flowtest

import (
	"context"
	"testing"

	"jejaring/internal/flow"
	"jejaring/internal/flow/script"
	"jejaring/internal/testflags"
)

// Run plays the script in file through d as a test. With the test binary's
// -update flag set, exact expected texts that differ are rewritten in the
// file from what the bot said.
func Run(t *testing.T, set *flow.Set, file string, d script.Driver) {
	t.Helper()
	sc, err := script.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if set != nil && set.Get(sc.Flow) == nil {
		t.Fatalf("%s: unknown flow %q", file, sc.Flow)
	}
	fails, rws, err := script.PlayRewrites(context.Background(), sc, d)
	if err != nil {
		t.Fatal(err)
	}
	if updating() && len(rws) > 0 {
		if err := script.ApplyRewrites(file, rws); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: rewrote %d expected texts", file, len(rws))
		return
	}
	for _, f := range fails {
		t.Error(f.String())
	}
}

// updating is the one -update flag (internal/testflags).
func updating() bool { return testflags.Update() }

// RunEngine plays the script in file on the pure engine as a test.
func RunEngine(t *testing.T, set *flow.Set, file string) {
	t.Helper()
	sc, err := script.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	Run(t, set, file, script.EngineDriver(set, sc))
}
