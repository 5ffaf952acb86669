package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jejaring/internal/match"
	"jejaring/internal/testflags"
)

func runMatchT(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"match"}, args...), stdio{in: strings.NewReader(""), out: &out, err: &errb, getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

// TestMatchSolveGolden: the schedule written for a small fair, byte for
// byte; then `match check` accepts it.
func TestMatchSolveGolden(t *testing.T) {
	t.Parallel()
	code, out, errs := runMatchT(t, "solve", "testdata/match/fair.json")
	if code != 0 {
		t.Fatalf("solve: code %d: %s", code, errs)
	}
	golden := "testdata/match/fair.golden.json"
	if testflags.Update() {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("solve wrote\n%s\nwant (go test -run MatchSolveGolden -update)\n%s", out, want)
	}
	var sch match.Schedule
	if err := json.Unmarshal([]byte(out), &sch); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	// every owner meets (batik-ayu only in slot 0 with the koperasi), the
	// lock is kept, the bound is reached
	if sch.Coverage != 4 || sch.Bound.Coverage != 4 || sch.Weight != sch.Bound.Weight {
		t.Errorf("coverage %d bound %+v weight %g", sch.Coverage, sch.Bound, sch.Weight)
	}
	if !strings.Contains(errs, "4 dari 4 UMKM mendapat pertemuan") || !strings.Contains(errs, "4 of 4 owners have a meeting") ||
		!strings.Contains(errs, "; 0 sesi kosong di sela pertemuan") || !strings.Contains(errs, "; 0 idle slots between meetings") {
		t.Errorf("summary: %s", errs)
	}
	path := filepath.Join(t.TempDir(), "schedule.json")
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runMatchT(t, "check", "testdata/match/fair.json", path)
	if code != 0 || !strings.HasPrefix(out, "jadwal sah: ") || !strings.Contains(out, "\nthe schedule is valid: ") {
		t.Errorf("check: code %d\n%s%s", code, out, errs)
	}
}

// TestMatchCheckRefuses: a hand-edited schedule that breaks rules is named
// rule by rule, exit 1.
func TestMatchCheckRefuses(t *testing.T) {
	t.Parallel()
	bad := `{"meetings": [
  {"owner": "batik-ayu", "partner": "koperasi", "slot": 1, "table": 1},
  {"owner": "tenun-ina", "partner": "koperasi", "slot": 2, "table": 1},
  {"owner": "warung-sari", "partner": "bank-kur", "slot": 0, "table": 3}
 ], "coverage": 3, "weight": 99}`
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runMatchT(t, "check", "testdata/match/fair.json", path)
	if code != 1 {
		t.Fatalf("code %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		"batik-ayu–koperasi, slot 1, table 1): the owner is not available then",
		"pertemuan 1 (batik-ayu–koperasi, sesi 1, meja 1): UMKM tidak bisa hadir di sesi itu / ",
		"tenun-ina–koperasi, slot 2, table 1): the partner is not available then",
		"the pair is vetoed",
		"no such table (1..2)",
		"locked meeting kopi-gayo–bank-kur in slot 1 is missing",
		"weight tertulis 99, padahal bobot pertemuannya 13 / weight says 99, the meetings weigh 13",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "tidak sah") || !strings.Contains(errs, "breaks") {
		t.Errorf("stderr: %s", errs)
	}
}

func TestMatchSolveRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.json")
	write(t, typo, `{"slots": 2, "tables": 1, "max_per_ownr": 2}`)
	invalid := filepath.Join(dir, "invalid.json")
	write(t, invalid, `{"slots": 2, "tables": 1, "owners": [{"id": "a"}], "partners": [{"id": "p"}], "wishes": [{"owner": "a", "partner": "q", "weight": 1}]}`)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"solve", typo}, 1, `unknown field "max_per_ownr"`},
		{[]string{"solve", invalid}, 1, `wish: unknown partner "q"`},
		{[]string{"solve", filepath.Join(dir, "none.json")}, 1, "no such file"},
		{[]string{"solve"}, 2, "Usage: jejaring match"},
		{[]string{"check", typo}, 2, "Usage: jejaring match"},
		{[]string{"frobnicate"}, 2, "unknown match command"},
		{[]string{}, 2, "Usage: jejaring match"},
	} {
		code, _, errs := runMatchT(t, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: code %d, stderr %q; want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
}

// TestMatchSolvePrevious: a re-run after a partner cancels keeps the other
// meetings where they were.
func TestMatchSolvePrevious(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, first, errs := runMatchT(t, "solve", "testdata/match/fair.json")
	if code != 0 {
		t.Fatal(errs)
	}
	prev := filepath.Join(dir, "prev.json")
	write(t, prev, first)
	data, _ := os.ReadFile("testdata/match/fair.json")
	var in match.Instance
	if err := json.Unmarshal(data, &in); err != nil {
		t.Fatal(err)
	}
	in.Partners = in.Partners[:2] // the mentor cancels
	var wishes []match.Wish
	for _, w := range in.Wishes {
		if w.Partner != "mentor" {
			wishes = append(wishes, w)
		}
	}
	in.Wishes = wishes
	after := filepath.Join(dir, "after.json")
	b, _ := json.Marshal(in)
	write(t, after, string(b))
	code, out, errs := runMatchT(t, "solve", after, "--previous", prev)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	if !strings.Contains(errs, "0 pertemuan lama berubah") || !strings.Contains(errs, "0 announced meetings changed") {
		t.Errorf("summary: %s", errs)
	}
	var a, c match.Schedule
	json.Unmarshal([]byte(first), &a)
	json.Unmarshal([]byte(out), &c)
	kept := map[match.Meeting]bool{}
	for _, m := range c.Meetings {
		kept[m] = true
	}
	for _, m := range a.Meetings {
		if m.Partner != "mentor" && !kept[m] {
			t.Errorf("meeting %+v moved", m)
		}
	}
}

func TestMatchHelp(t *testing.T) {
	t.Parallel()
	code, out, _ := runMatchT(t, "help")
	if code != 0 || !strings.Contains(out, "solve INSTANCE.json") || !strings.Contains(out, `"max_per_owner": 3`) {
		t.Errorf("help: code %d\n%s", code, out)
	}
}

func TestMatchPlan(t *testing.T) {
	t.Parallel()
	code, out, errs := runMatchT(t, "plan", "--slots", "12", "--tables", "20", "--owners", "300")
	want := "12 sesi × 20 meja = 240 pertemuan untuk 300 UMKM: paling banyak 80 % bisa mendapat satu; 25 meja cukup untuk semua\n" +
		"12 slots × 20 tables = 240 meetings for 300 owners: at most 80 % can have one; 25 tables would allow all\n"
	if code != 0 || out != want {
		t.Errorf("code %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runMatchT(t, "plan", "temu-2026"); code != 2 || !strings.Contains(errs, "tidak sah") {
		t.Errorf("plan EVENT: code %d %s", code, errs)
	}
	if code, _, errs := runMatchT(t, "plan", "--slots", "12"); code != 2 || !strings.Contains(errs, "--tables") {
		t.Errorf("plan without tables: code %d %s", code, errs)
	}
}
