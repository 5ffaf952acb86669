package flows_test

import (
	"path/filepath"
	"strings"
	"testing"

	"jejaring/internal/actions/eventactions"
	"jejaring/internal/flow/flowtest"
)

var eventFlows = map[string]bool{"rsvp": true, "acara": true, "staff_broadcast": true}

// TestEventFlowsCheck checks the event flows with their actions known.
func TestEventFlowsCheck(t *testing.T) {
	t.Parallel()
	set := load(t)
	for id := range eventFlows {
		if set.Get(id) == nil {
			t.Errorf("flow %s missing", id)
		}
	}
	for _, p := range set.Check(eventactions.Names) {
		if eventFlows[p.Flow] {
			t.Error(p)
		}
	}
}

// TestEventConversations runs testdata/event/*.yaml on the pure engine
// with stubbed actions; internal/actions/eventactions drives the same flows
// with the real actions against both databases.
func TestEventConversations(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/event/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/event/")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			t.Parallel()
			flowtest.RunEngine(t, load(t), f)
		})
	}
}
