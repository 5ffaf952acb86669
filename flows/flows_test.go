package flows_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"jejaring/flows"
	"jejaring/internal/flow"
	"jejaring/internal/flow/flowtest"
)

// demoActions are the actions the demo flow uses; internal/bot registers
// the real ones.
var demoActions = []string{"demo.save"}

func load(t *testing.T) *flow.Set {
	t.Helper()
	set, err := flow.Load(flows.FS)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestFlowsCheck(t *testing.T) {
	t.Parallel()
	set := load(t)
	for _, p := range set.Check(nil) {
		t.Error(p)
	}
	if set.Get("demo") == nil {
		t.Fatal("demo flow missing")
	}
	// The demo flow's actions must be exactly the ones the tests stub.
	var probs []string
	for _, p := range set.Check(demoActions) {
		if p.Flow == "demo" || p.Flow == "demo_owner" {
			probs = append(probs, p.String())
		}
	}
	if len(probs) > 0 {
		t.Errorf("demo flow with its actions: %v", probs)
	}
}

func TestConversations(t *testing.T) {
	t.Parallel()
	set := load(t)
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no conversation scripts in testdata/")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			t.Parallel()
			flowtest.RunEngine(t, set, f)
		})
	}
}

// TestBroken loads each broken flow on its own and wants exactly the
// problems named by its "# want:" lines.
func TestBroken(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/broken/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no broken flows in testdata/broken/")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			sc := bufio.NewScanner(bytes.NewReader(data))
			for sc.Scan() {
				if w, ok := strings.CutPrefix(sc.Text(), "# want: "); ok {
					want = append(want, w)
				}
			}
			if len(want) == 0 {
				t.Fatal("no # want: line")
			}
			var got []string
			name := filepath.Base(f)
			set, err := flow.Parse(name, data)
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			} else {
				for _, p := range set.Check([]string{"umkm.register"}) {
					got = append(got, p.String())
				}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("want\n  %s\ngot\n  %s", strings.Join(want, "\n  "), strings.Join(got, "\n  "))
			}
		})
	}
}

// TestReadmeExample keeps the complete example in README.md valid: it is
// what other flows are copied from.
func TestReadmeExample(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "```yaml\n")
	if !ok {
		t.Fatal("no yaml block in README.md")
	}
	example, _, _ := strings.Cut(rest, "```")
	set, err := flow.Load(fstest.MapFS{
		"daftar.yaml": {Data: []byte(example)},
		"owner_details.yaml": {Data: []byte("id: owner_details\nversion: 1\ntitle: {id: Pemilik}\nsteps:\n" +
			"  - id: owner_name\n    ask: text\n    say: {id: Nama pemilik?}\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range set.Check([]string{"umkm.register"}) {
		t.Error(p)
	}
}
