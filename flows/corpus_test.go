package flows_test

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/flow"
	"jejaring/internal/umkm"
)

// corpusRow is one line of testdata/corpus/answers.txt.
type corpusRow struct {
	line                     int
	flow, step, lang, answer string
	kind, want               string // kind: "=", "?", "skip", "!"
}

func readCorpus(t *testing.T, path string) []corpusRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []corpusRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, " | ")
		if len(p) != 4 {
			t.Fatalf("%s:%d: want 4 fields separated by \" | \", got %d", path, n, len(p))
		}
		r := corpusRow{line: n, flow: "daftar", step: p[0], lang: p[1], answer: p[2]}
		if fl, st, ok := strings.Cut(p[0], "/"); ok {
			r.flow, r.step = fl, st
		}
		exp := p[3]
		switch {
		case exp == "skip":
			r.kind = "skip"
		case strings.HasPrefix(exp, "= "), strings.HasPrefix(exp, "? "), strings.HasPrefix(exp, "! "):
			r.kind, r.want = exp[:1], exp[2:]
		default:
			t.Fatalf("%s:%d: unknown expectation %q", path, n, exp)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// sameValue compares a saved answer with the corpus's written value.
func sameValue(got any, want string) bool {
	switch g := got.(type) {
	case string:
		return g == want
	case bool:
		return strconv.FormatBool(g) == want
	case float64, int64, int:
		w, err := strconv.ParseFloat(want, 64)
		return err == nil && fmt.Sprint(g) == fmt.Sprint(w) || err == nil && toFloat(g) == w
	}
	return false
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int:
		return float64(x)
	}
	return -1
}

func answersOf(res flow.Result) map[string]any {
	if res.Session != nil {
		return res.Session.Answers
	}
	return res.Final
}

func allText(res flow.Result) string {
	var b strings.Builder
	for _, m := range res.Messages {
		b.WriteString(m.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestAnswerCorpus runs every answer of testdata/corpus/answers.txt
// against its question in the real flows and wants exactly the expected
// outcome: saved at once, read back (then saved on a yes), skipped, or
// asked again with the type's own example — never a different value saved.
// With -v it prints the understanding rate per question type (the table
// in docs/benchmarks.md).
func TestAnswerCorpus(t *testing.T) {
	t.Parallel()
	set := load(t)
	d, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	set.SetOptions(umkmactions.Options(d))
	rows := readCorpus(t, "testdata/corpus/answers.txt")
	if len(rows) < 300 {
		t.Fatalf("corpus has %d answers, want at least 300", len(rows))
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	type tally struct{ total, now, readBack, skipped, askedBack, failed int }
	per := map[string]*tally{}
	for _, r := range rows {
		def := set.Get(r.flow)
		if def == nil || def.Get(r.step) == nil {
			t.Fatalf("line %d: no step %s/%s", r.line, r.flow, r.step)
		}
		n := def.Get(r.step)
		kind := r.step
		if n.Unit != "" {
			kind = n.Ask + " (" + n.Unit + ")"
		} else if n.Ask == flow.AskMoney && n.Per != "" {
			kind = "money per " + n.Per
		} else {
			kind = n.Ask
		}
		if n.Optional && (r.kind == "skip" || r.step == "nagari" || r.step == "photo") {
			kind = "optional: " + r.step
		}
		tl := per[kind]
		if tl == nil {
			tl = &tally{}
			per[kind] = tl
		}
		tl.total++
		sess := &flow.Session{
			FlowID: def.ID, FlowVersion: def.Version, Step: r.step, Lang: r.lang, Answers: map[string]any{},
			History: []string{r.step}, Started: now, LastActive: now,
			Contact: flow.Contact{ID: 1, Name: "Siti", Channel: "whatsapp", Lang: r.lang},
		}
		res, err := flow.Step(def, sess, flow.Input{Kind: flow.InText, Text: r.answer}, now)
		if err != nil {
			t.Fatalf("line %d: %v", r.line, err)
		}
		got, saved := answersOf(res)[n.Save]
		fail := func(format string, args ...any) {
			tl.failed++
			t.Errorf("line %d: %s %q: %s\nreply: %s", r.line, r.step, r.answer, fmt.Sprintf(format, args...), allText(res))
		}
		offered := res.Session != nil && res.Session.Confirm == "offer"
		switch r.kind {
		case "=":
			switch {
			case !saved:
				fail("not saved, want %s", r.want)
			case !sameValue(got, r.want):
				fail("SAVED %v (%T), want %s", got, got, r.want)
			case offered:
				fail("saved and also read back")
			default:
				tl.now++
			}
		case "?":
			switch {
			case saved:
				fail("saved %v without reading it back, want a read-back of %s", got, r.want)
			case !offered:
				fail("no read-back, want %s", r.want)
			case !sameValue(res.Session.Offer, r.want):
				fail("read back %v, want %s", res.Session.Offer, r.want)
			default:
				yes := "ya"
				if r.lang == "en" {
					yes = "yes"
				}
				res2, err := flow.Step(def, res.Session, flow.Input{Kind: flow.InText, Text: yes}, now)
				if err != nil {
					t.Fatalf("line %d: %v", r.line, err)
				}
				if v, ok := answersOf(res2)[n.Save]; !ok || !sameValue(v, r.want) {
					fail("after %q saved %v, want %s", yes, v, r.want)
				} else {
					tl.readBack++
				}
			}
		case "skip":
			switch {
			case saved:
				fail("saved %v, want it skipped", got)
			case res.Session != nil && res.Session.Step == r.step:
				fail("still at the question, want it skipped")
			default:
				tl.skipped++
			}
		case "!":
			switch {
			case saved:
				fail("SAVED %v, want it asked again", got)
			case offered:
				fail("offered %v, want it asked again", res.Session.Offer)
			case res.Session == nil || res.Session.Step != r.step:
				fail("moved on, want it asked again")
			case len(res.Messages) == 0 || !strings.Contains(res.Messages[0].Text, r.want):
				fail("reply lacks %q", r.want)
			default:
				tl.askedBack++
			}
		}
	}
	kinds := make([]string, 0, len(per))
	for k := range per {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	var sum tally
	b.WriteString("| Question type | Answers | Understood at once | Read back, then saved | Skipped | Asked again (correctly) | Wrong |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, k := range kinds {
		x := per[k]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d |\n", k, x.total, x.now, x.readBack, x.skipped, x.askedBack, x.failed)
		sum.total += x.total
		sum.now += x.now
		sum.readBack += x.readBack
		sum.skipped += x.skipped
		sum.askedBack += x.askedBack
		sum.failed += x.failed
	}
	fmt.Fprintf(&b, "| **all** | **%d** | **%d** | **%d** | **%d** | **%d** | **%d** |\n", sum.total, sum.now, sum.readBack, sum.skipped, sum.askedBack, sum.failed)
	t.Logf("answer corpus: %d answers, %d handled as expected (%.1f%%)\n%s", sum.total, sum.total-sum.failed,
		100*float64(sum.total-sum.failed)/float64(sum.total), b.String())
}
