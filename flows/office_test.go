package flows_test

import (
	"path/filepath"
	"strings"
	"testing"

	"jejaring/internal/actions/officeactions"
	"jejaring/internal/flow/flowtest"
)

// TestOfficeFlowCheck checks flows/tanya.yaml with its action known.
func TestOfficeFlowCheck(t *testing.T) {
	t.Parallel()
	set := load(t)
	def := set.Get("tanya")
	if def == nil || !def.Menu {
		t.Fatal("flow tanya missing or not in the menu")
	}
	for _, p := range set.Check(officeactions.Names()) {
		if p.Flow == "tanya" {
			t.Error(p)
		}
	}
}

// TestOfficeConversations runs testdata/office/*.yaml on the pure engine
// with stubbed actions; internal/actions/officeactions plays the same
// scripts through the whole bot with the real action on both databases.
func TestOfficeConversations(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/office/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/office/")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			t.Parallel()
			flowtest.RunEngine(t, load(t), f)
		})
	}
}
