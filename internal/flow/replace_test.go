package flow

import (
	"reflect"
	"testing"
)

// TestReplace swaps one flow of a set for a new version, as a test of "the
// office changed the flow under live sessions" does, without touching the
// original set.
func TestReplace(t *testing.T) {
	t.Parallel()
	sub := "id: other\nversion: 1\ntitle: {id: Lain}\nsteps:\n  - id: q\n    ask: text\n    say: {id: Q?}\n"
	old := loadMap(t, map[string]string{"reg.yaml": v1, "other.yaml": sub})
	neu, err := old.Replace("reg_v2.flow", []byte(v2))
	if err != nil {
		t.Fatal(err)
	}
	if ps := neu.Check(nil); len(ps) > 0 {
		t.Fatal(ps)
	}
	if old.Get("reg").Version != 1 || neu.Get("reg").Version != 2 || neu.Get("reg").File != "reg_v2.flow" {
		t.Fatalf("versions: old %d, new %d", old.Get("reg").Version, neu.Get("reg").Version)
	}
	for _, d := range neu.Flows() {
		if d.Set() != neu {
			t.Errorf("flow %s still belongs to the old set", d.ID)
		}
	}
	if old.Get("other").Set() != old || len(neu.Flows()) != 2 {
		t.Errorf("old set changed, or new set has %d flows", len(neu.Flows()))
	}
	// A new flow id is added.
	added, err := old.Replace("x.yaml", []byte("id: x\nversion: 1\ntitle: {id: X}\nsteps:\n  - id: a\n    say: {id: A}\n"))
	if err != nil || added.Get("x") == nil || len(added.Flows()) != 3 {
		t.Fatalf("add: %v", err)
	}
	if _, err := old.Replace("bad.yaml", []byte("id: [")); err == nil {
		t.Error("a broken file was accepted")
	}
	// A session of v1 waiting at "age" restarts in v2 keeping its answers.
	r, _ := Start(old.Get("reg"), Contact{}, "id", nil, t0)
	_, s := send(t, old.Get("reg"), r.Session, "Siti")
	_, s = send(t, old.Get("reg"), s, "Painan")
	r, s = send(t, neu.Get("reg"), s, "40")
	if got := texts(r); !reflect.DeepEqual(got, []string{sys["changed"].ID, "Nama?"}) || s.Answers["town"] != "Painan" {
		t.Errorf("messages %q, answers %v", got, s.Answers)
	}
}
