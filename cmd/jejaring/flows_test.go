package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runFlowsT(t *testing.T, actions []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runFlows(context.Background(), args, actions, &out, &errb)
	return code, out.String(), errb.String()
}

func TestFlowsCheckBuiltIn(t *testing.T) {
	t.Setenv("FLOWS_DIR", "")
	code, out, errs := runFlowsT(t, nil, "check")
	if code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("check: code %d\n%s%s", code, out, errs)
	}
}

func TestFlowsCheckBroken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.yaml"), `id: a
version: 1
title: {id: A}
steps:
  - id: one
    ask: text
    say: {id: Satu?}
    next: tow
  - id: save
    do: umkm.nope
`)
	code, _, errs := runFlowsT(t, []string{"umkm.register"}, "check", dir)
	if code != 1 {
		t.Fatalf("code %d, want 1", code)
	}
	for _, want := range []string{
		`a.yaml:8: one: next: unknown step "tow"`,
		`a.yaml:9: save: unreachable: no step leads here`,
		`a.yaml:10: save: do: unknown action "umkm.nope"`,
	} {
		if !strings.Contains(errs, want+"\n") {
			t.Errorf("missing %q in\n%s", want, errs)
		}
	}
}

func TestFlowsCheckSyntax(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "b.yaml"), "id: b\nversion: [1\n")
	code, _, errs := runFlowsT(t, nil, "check", dir)
	if code != 1 || !strings.HasPrefix(errs, "b.yaml:") {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
}

func TestFlowsGraph(t *testing.T) {
	t.Setenv("FLOWS_DIR", "")
	code, out, errs := runFlowsT(t, nil, "graph", "demo")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	for _, want := range []string{"flowchart TD", `s_has_nib -->|"answers.has_nib == true"| s_nib`, `s_owner[["owner: call demo_owner"]]`, "s_confirm{{"} {
		if !strings.Contains(out, want) {
			t.Errorf("graph lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := runFlowsT(t, nil, "graph", "nope"); code != 1 {
		t.Errorf("unknown flow: code %d", code)
	}
}

func TestFlowsTest(t *testing.T) {
	t.Setenv("FLOWS_DIR", "")
	code, out, errs := runFlowsT(t, nil, "test", filepath.Join("..", "..", "flows"))
	if code != 0 {
		t.Fatalf("code %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "scripts passed") {
		t.Errorf("output: %s", out)
	}
}

func TestFlowsTestFailure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.yaml"), "id: a\nversion: 1\ntitle: {id: A}\ntriggers: {keywords: [a]}\nsteps:\n  - id: one\n    ask: text\n    say: {id: Satu?}\n")
	write(t, filepath.Join(dir, "testdata", "a.yaml"), "flow: a\nturns:\n  - send: a\n    expect:\n      - text: Dua?\n")
	code, _, errs := runFlowsT(t, nil, "test", dir)
	if code != 1 || !strings.Contains(errs, `want text`) || !strings.Contains(errs, `"Satu?"`) {
		t.Fatalf("code %d\n%s", code, errs)
	}
}

func TestFlowsUsage(t *testing.T) {
	t.Parallel()
	if code, _, _ := runFlowsT(t, nil); code != 2 {
		t.Errorf("no args: code %d", code)
	}
	if code, _, _ := runFlowsT(t, nil, "bogus"); code != 2 {
		t.Errorf("bogus: code %d", code)
	}
}

func write(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFlowsTestSkipsVersionsAndBroken: flow versions loaded by reload: turns
// (testdata/versions/) and broken flows (testdata/broken/) are not scripts.
func TestFlowsTestSkipsVersionsAndBroken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	flowA := "id: a\nversion: 1\ntitle: {id: A}\ntriggers: {keywords: [a]}\nsteps:\n  - id: one\n    ask: text\n    say: {id: Satu?}\n"
	write(t, filepath.Join(dir, "a.yaml"), flowA)
	write(t, filepath.Join(dir, "testdata", "a.yaml"), "flow: a\nturns:\n  - send: a\n    expect:\n      - text: Satu?\n")
	write(t, filepath.Join(dir, "testdata", "versions", "a_v2.yaml"), strings.Replace(flowA, "version: 1", "version: 2", 1))
	write(t, filepath.Join(dir, "testdata", "broken", "bad.yaml"), "id: bad\nsteps: [\n")
	write(t, filepath.Join(dir, "testdata", "sub", "versions", "nested.yaml"), "flow: a\nturns:\n  - send: a\n    expect:\n      - text: Satu?\n")
	code, out, errs := runFlowsT(t, nil, "test", dir)
	if code != 0 || !strings.Contains(out, "1 scripts passed") {
		t.Fatalf("code %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out+errs, "a_v2") || strings.Contains(out+errs, "bad.yaml") {
		t.Errorf("versions/ or broken/ taken for scripts:\n%s%s", out, errs)
	}
}
