package flow

import (
	"os"
	"testing"
)

// registration loads testdata/registration.yaml, a registration-sized flow
// (20 questions of every common type and a summary), and the inputs that
// answer it up to the summary.
func registration(t testing.TB) (*Definition, []Input) {
	t.Helper()
	data, err := os.ReadFile("testdata/registration.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, err := Parse("registration.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if ps := set.Check(nil); len(ps) > 0 {
		t.Fatal(ps)
	}
	texts := []string{
		"Kerupuk Sanjai Bu Siti", "1", "tarusan", "modal dan pasar", "3", "1,5 juta", "12 juta",
		"17 Agustus 2019", "ya", "1234567890123", "47111", "1301015708900001", "0812-3456-7890",
		"siti@gmail.com", "Jl. Raya Painan No. 5, Painan", "Siti Aminah", "pemilik", "2",
		"Toko, Instagram", "tidak",
	}
	in := make([]Input, len(texts))
	for i, s := range texts {
		in[i] = Input{Kind: InText, Text: s}
	}
	return set.Get("registration"), in
}

// BenchmarkStep measures one Step of a registration-sized flow, averaged
// over every answer of the conversation (sessions as read back from JSON).
func BenchmarkStep(b *testing.B) {
	def, inputs := registration(b)
	r, err := Start(def, Contact{ID: 42, Name: "Siti Aminah", Channel: "whatsapp", Lang: "id"}, "", nil, t0)
	if err != nil {
		b.Fatal(err)
	}
	sessions := make([]*Session, 0, len(inputs))
	s := roundTrip(b, r.Session)
	for _, in := range inputs {
		sessions = append(sessions, s)
		r, err = Step(def, s, in, t0)
		if err != nil || r.Session == nil {
			b.Fatalf("conversation stopped: %v %q", err, r.Ended)
		}
		s = roundTrip(b, r.Session)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := Step(def, sessions[i], inputs[i], t0); err != nil {
			b.Fatal(err)
		}
		i++
		if i == len(inputs) {
			i = 0
		}
	}
}
