package flows_test

import (
	"path/filepath"
	"strings"
	"testing"

	"jejaring/internal/actions/eventactions"
	"jejaring/internal/actions/matchactions"
	"jejaring/internal/flow/flowtest"
)

var matchFlows = map[string]bool{"mitra": true, "temu_pilih": true, "pertemuan": true}

// TestMatchFlowsCheck checks the matchmaking flows with their actions known.
func TestMatchFlowsCheck(t *testing.T) {
	t.Parallel()
	set := load(t)
	for id := range matchFlows {
		if set.Get(id) == nil {
			t.Errorf("flow %s missing", id)
		}
	}
	for _, p := range set.Check(append(append([]string{}, matchactions.Names...), eventactions.Names...)) {
		if matchFlows[p.Flow] {
			t.Error(p)
		}
	}
}

// TestMatchConversations runs testdata/match/*.yaml on the pure engine with
// stubbed actions; internal/app's end-to-end test drives the same flows
// with the real actions on both databases.
func TestMatchConversations(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/match/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/match/")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			t.Parallel()
			flowtest.RunEngine(t, load(t), f)
		})
	}
}
