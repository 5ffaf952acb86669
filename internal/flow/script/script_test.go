package script

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"jejaring/internal/flow"
)

const greet = `id: greet
version: 1
title: {id: Sapa}
triggers: {keywords: [halo], payloads: [undang_]}
steps:
  - id: name
    ask: text
    say: {id: "Nama? ({{.answers.token}})"}
  - id: save
    do: greet.save
  - id: bye
    say: {id: "Sampai jumpa {{.answers.name}}, nomor {{.answers.no}}."}
`

func greetSet(t *testing.T) *flow.Set {
	t.Helper()
	s, err := flow.Load(fstest.MapFS{"greet.yaml": {Data: []byte(greet)}})
	if err != nil {
		t.Fatal(err)
	}
	if ps := s.Check(nil); len(ps) > 0 {
		t.Fatal(ps)
	}
	return s
}

func TestPlay(t *testing.T) {
	t.Parallel()
	set := greetSet(t)
	sc, err := Parse("s.yaml", []byte(`flow: greet
actions: {greet.save: {no: 7}}
turns:
  - send: {start: undang_abc}
    expect:
      - text: "Nama? (abc)"
    answers: {token: abc}
  - send: Siti
    expect:
      - text: "Sampai jumpa Siti, nomor 7."
    answers: {name: Siti, no: 7}
    ended: done
`))
	if err != nil {
		t.Fatal(err)
	}
	fails, err := Play(context.Background(), sc, EngineDriver(set, sc))
	if err != nil || len(fails) > 0 {
		t.Fatalf("%v %v", err, fails)
	}
}

func TestPlayReportsMismatches(t *testing.T) {
	t.Parallel()
	set := greetSet(t)
	sc, err := Parse("s.yaml", []byte(`flow: greet
turns:
  - send: halo
    expect:
      - contains: Alamat
        choices: [A]
    answers: {name: x}
  - send: Siti
`))
	if err != nil {
		t.Fatal(err)
	}
	fails, err := Play(context.Background(), sc, EngineDriver(set, sc))
	if len(fails) != 3 {
		t.Errorf("failures: %v", fails)
	}
	// The action has no stub: the driver says so.
	if err == nil || !strings.Contains(err.Error(), `action "greet.save" has no stub`) {
		t.Errorf("error: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		"turns: []\n":                           "s.yaml:1: script: flow is missing",
		"flow: a\nturns:\n  - sen: x\n":         "s.yaml:3: ",
		"flow: a\nturns:\n  - send: {txt: x}\n": "s.yaml:3: ",
	} {
		_, err := Parse("s.yaml", []byte(src))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Parse(%q): %v, want prefix %q", src, err, want)
		}
	}
}

func TestUpdateRewritesTexts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	src := "flow: greet\nactions: {greet.save: {no: 1}}\nturns:\n  - send: halo\n    expect:\n      - text: old\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	set := greetSet(t)
	sc, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	_, rws, err := PlayRewrites(context.Background(), sc, EngineDriver(set, sc))
	if err != nil || len(rws) != 1 {
		t.Fatalf("%v %v", err, rws)
	}
	if err := ApplyRewrites(file, rws); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(file)
	if want := strings.Replace(src, "text: old", `text: "Nama? ()"`, 1); string(got) != want {
		t.Errorf("rewritten:\n%s\nwant:\n%s", got, want)
	}
}

// greetV2 renames greet's only question: a session waiting there restarts.
const greetV2 = `id: greet
version: 2
title: {id: Sapa}
triggers: {keywords: [halo], payloads: [undang_]}
steps:
  - id: full_name
    ask: text
    say: {id: "Nama lengkap?"}
  - id: bye
    say: {id: "Sampai jumpa {{.answers.full_name}}."}
`

type plainDriver struct{ Driver }

func TestReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("greet_v2.flow", greetV2)
	write("broken.flow", "id: greet\nversion: 3\ntitle: {id: Sapa}\nsteps:\n  - id: a\n    next: nowhere\n")
	tests := []struct {
		name, script string
		plain        bool // a driver that cannot reload
		fails        int
		err          string
	}{
		{name: "restart", script: `flow: greet
turns:
  - send: halo
    expect:
      - text: "Nama? ()"
  - reload: greet_v2.flow
  - send: Siti
    expect:
      - contains: diperbarui oleh kantor
      - text: "Nama lengkap?"
    absent: [name]
  - send: Siti Aminah
    expect:
      - text: "Sampai jumpa Siti Aminah."
    ended: done
`},
		{name: "reload and send in one turn", script: `flow: greet
turns:
  - send: halo
  - reload: greet_v2.flow
    send: Siti
    expect:
      - contains: diperbarui
      - text: "Nama lengkap?"
`},
		{name: "absent fails", script: `flow: greet
turns:
  - send: halo
  - reload: greet_v2.flow
  - send: Siti
  - send: Siti Aminah
    absent: [full_name]
`, fails: 1},
		{name: "missing file", script: "flow: greet\nturns:\n  - reload: nothere.flow\n", err: "turn 1: reload: open "},
		{name: "broken version", script: "flow: greet\nturns:\n  - reload: broken.flow\n", err: `turn 1: reload: broken.flow:6: a: next: unknown step "nowhere"`},
		{name: "reload checks nothing", script: "flow: greet\nturns:\n  - reload: greet_v2.flow\n    answers: {a: 1}\n", err: "a reload without send checks nothing"},
		{name: "driver cannot", script: "flow: greet\nturns:\n  - reload: greet_v2.flow\n", plain: true, err: "this driver cannot change flows"},
	}
	for _, tc := range tests {
		set := greetSet(t)
		sc, err := Parse(filepath.Join(dir, "s.yaml"), []byte(tc.script))
		if err != nil {
			t.Fatal(err)
		}
		var d Driver = EngineDriver(set, sc)
		if tc.plain {
			d = plainDriver{d}
		}
		fails, err := Play(context.Background(), sc, d)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || len(fails) != tc.fails {
			t.Errorf("%s: %v %v", tc.name, err, fails)
		}
		// The set the test started with is unchanged.
		if set.Get("greet").Version != 1 {
			t.Errorf("%s: the original set changed", tc.name)
		}
	}
}
