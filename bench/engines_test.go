package enginebench

import (
	"testing"
)

// conversation runs a whole registration on e and returns the session
// before each answer (what a turn starts from).
func conversation(t testing.TB, e Engine) [][]byte {
	t.Helper()
	s, err := e.Start()
	if err != nil {
		t.Fatal(err)
	}
	before := make([][]byte, 0, len(Answers))
	for i, a := range Answers {
		before = append(before, s)
		next, replies, err := e.Turn(s, a)
		if err != nil {
			t.Fatalf("answer %d %q: %v", i+1, a, err)
		}
		if replies == 0 {
			t.Fatalf("answer %d %q: no reply", i+1, a)
		}
		s = next
	}
	return append(before, s)
}

func engines(t testing.TB) map[string]Engine {
	t.Helper()
	j, err := NewJejaring("..")
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGoflow()
	if err != nil {
		t.Fatal(err)
	}
	return map[string]Engine{"jejaring": j, "goflow": g}
}

// TestSameRegistration: both engines take every answer (goflow's router
// puts none in "Other") and end at the summary.
func TestSameRegistration(t *testing.T) {
	es := engines(t)
	for name, e := range es {
		sessions := conversation(t, e)
		var total int
		for _, s := range sessions[1:] {
			total += len(s)
		}
		t.Logf("%s: mean session %d B over %d answers", name, total/len(Answers), len(Answers))
	}
	g := es["goflow"].(*Goflow)
	sessions := conversation(t, g)
	results, err := g.Results(sessions[len(sessions)-1])
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range Questions {
		c, ok := results[q.Result]
		if !ok {
			t.Errorf("goflow: no result %s", q.Result)
		}
		if c == "Other" {
			t.Errorf("goflow: %s fell into Other", q.Result)
		}
	}
	if len(results) != len(Questions)+1 { // + size_class
		t.Errorf("goflow results %v", results)
	}
	j := es["jejaring"].(*Jejaring)
	last := conversation(t, j)
	// The last Jejaring turn asks for the summary's confirmation.
	if _, replies, err := j.Turn(last[len(last)-1], "ya"); err == nil || replies == 0 {
		t.Errorf("jejaring: a yes on the summary should end the registration: %v %d", err, replies)
	}
}

// BenchmarkTurn is one message, session JSON to session JSON, averaged over
// the 20 answers of a registration. session-B is the mean stored session.
func BenchmarkTurn(b *testing.B) {
	es := engines(b)
	jc := *es["jejaring"].(*Jejaring)
	jc.Copy = true
	es["jejaring-copy"] = &jc
	js := *es["jejaring"].(*Jejaring)
	js.StdJSON = true
	es["jejaring-stdjson"] = &js
	for _, name := range []string{"jejaring", "jejaring-copy", "jejaring-stdjson", "goflow"} {
		e := es[name]
		b.Run(name, func(b *testing.B) {
			sessions := conversation(b, e)
			var size int
			for _, s := range sessions[1:] {
				size += len(s)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, _, err := e.Turn(sessions[i], Answers[i]); err != nil {
					b.Fatal(err)
				}
				if i++; i == len(Answers) {
					i = 0
				}
			}
			b.ReportMetric(float64(size)/float64(len(Answers)), "session-B")
		})
	}
}
