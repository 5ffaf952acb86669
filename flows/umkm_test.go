package flows_test

import (
	"path/filepath"
	"strings"
	"testing"

	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/flow/flowtest"
	"jejaring/internal/umkm"
)

// umkmActions are the actions of internal/actions/umkmactions (kept here by
// name so this test does not need the database).
var umkmActions = []string{"umkm.notice", "umkm.consent", "umkm.find_existing", "umkm.sector", "umkm.classify",
	"umkm.register", "umkm.load", "umkm.update", "umkm.mydata", "umkm.delete_data", "umkm.stop", "umkm.start",
	"umkm.send_code", "umkm.check_code"}

var umkmFlows = map[string]bool{"daftar": true, "ubah": true, "datasaya": true, "hapusdata": true, "berhenti": true, "mulai": true, "hubungkan": true}

// TestUMKMFlowsCheck checks the registration, update and data-rights flows
// with the region and KBLI choice lists plugged in and their actions known.
func TestUMKMFlowsCheck(t *testing.T) {
	t.Parallel()
	set := load(t)
	d, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	set.SetOptions(umkmactions.Options(d))
	for id := range umkmFlows {
		if set.Get(id) == nil {
			t.Errorf("flow %s missing", id)
		}
	}
	for _, p := range set.Check(umkmActions) {
		if umkmFlows[p.Flow] {
			t.Error(p)
		}
	}
}

// TestUMKMConversations runs testdata/umkm/*.yaml on the pure engine with
// the choice lists from internal/umkm and the scripts' stubbed actions.
// The paths that need the database (duplicates, datasaya, hapusdata, the
// stored refusal) are tested against real databases in
// internal/actions/umkmactions.
func TestUMKMConversations(t *testing.T) {
	t.Parallel()
	d, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("testdata/umkm/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/umkm/")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			t.Parallel()
			set := load(t)
			set.SetOptions(umkmactions.Options(d))
			flowtest.RunEngine(t, set, f)
		})
	}
}
