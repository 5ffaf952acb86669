package flow

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func FuzzMatchChoice(f *testing.F) {
	for _, s := range []string{"7", "tarusan", "4 jurai", "IV Nagari", "tapan", "lenggayang", "1, 3", "modal dan pasar", "", "ⅳ jurai", "x\x00y", "iiiiiiiiii", strings.Repeat("a", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i, err := MatchChoice(kecamatan, s)
		if (err == nil) != (i >= 0 && i < len(kecamatan)) {
			t.Fatalf("MatchChoice(%q) = %d, %v", s, i, err)
		}
		idx, err := MatchChoices(kecamatan, s)
		if err == nil && len(idx) == 0 {
			t.Fatalf("MatchChoices(%q): no error and nothing chosen", s)
		}
		for k, j := range idx {
			if j < 0 || j >= len(kecamatan) || (k > 0 && idx[k-1] >= j) {
				t.Fatalf("MatchChoices(%q) = %v", s, idx)
			}
		}
	})
}

// FuzzParseAnswer feeds any text to the money, number, date, yes/no, email,
// NIK and choice questions: no panic, and every accepted answer survives a
// JSON round trip.
func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{"Rp 1.500.000", "1,5 juta", "1.5jt", "750rb", "2 M", "Rp2,5 M", "1.250", "1,5", "17 Agustus 2024", "17/8/24", "ya", "nggak", "a@b.co", "1301015708900001", "-1", "1e308", "NaN", "Inf", "9999999999999999999999 M"} {
		f.Add(s)
	}
	nodes := []*Node{{Ask: AskMoney}, {Ask: AskNumber}, {Ask: AskDate}, {Ask: AskYesNo}, {Ask: AskEmail}, {Ask: AskNIK}, {Ask: AskNIB}, {Ask: AskKBLI}, {Ask: AskPhone}, {Ask: AskText}, {Ask: AskLocation}, {Ask: AskChoice}, {Ask: AskMulti}}
	f.Fuzz(func(t *testing.T, s string) {
		for _, n := range nodes {
			v, err := n.parse(Input{Kind: InText, Text: s}, kecamatan, t0)
			if err != nil {
				if err.ID == "" || err.EN == "" {
					t.Fatalf("%s(%q): empty reason %+v", n.Ask, s, err)
				}
				continue
			}
			if _, jerr := json.Marshal(v); jerr != nil {
				t.Fatalf("%s(%q) = %#v: not JSON: %v", n.Ask, s, v, jerr)
			}
		}
	})
}

func fuzzSet(f *testing.F) *Set {
	data, err := os.ReadFile("testdata/registration.yaml")
	if err != nil {
		f.Fatal(err)
	}
	demo, err := os.ReadFile("../../flows/demo.yaml")
	if err != nil {
		f.Fatal(err)
	}
	owner, err := os.ReadFile("../../flows/demo_owner.yaml")
	if err != nil {
		f.Fatal(err)
	}
	s, err := Load(fstest.MapFS{
		"demo.yaml":         {Data: demo},
		"demo_owner.yaml":   {Data: owner},
		"registration.yaml": {Data: data},
		"main.yaml":         {Data: []byte(subflows)},
		"sub.yaml":          {Data: []byte(sub)},
		"act.yaml":          {Data: []byte(withAction)},
	})
	if err != nil {
		f.Fatal(err)
	}
	if ps := s.Check(nil); len(ps) > 0 {
		f.Fatal(ps)
	}
	return s
}

// FuzzStep drives flows with random inputs ("|" separates messages; a
// leading "@" sends a location, "#" a photo, "!" a sticker, "?" a pressed
// button). Whatever happens: no panic, the session is valid JSON and sits
// at a step that waits for something, and batal + ya always gets out.
func FuzzStep(f *testing.F) {
	set := fuzzSet(f)
	ids := []string{"registration", "main", "act", "demo"}
	for _, s := range []string{
		"Toko|1|tarusan|1 3|3|1 juta|2 juta|17 Agustus 2019|ya|1234567890123|lewati|1301015708900001|0812 3456 7890|lewati|Jl Painan|Siti|1|2|1|tidak|ubah 3|bayang|ya",
		"x|kembali|kembali|bahasa|y|ulang|batal|tidak|menu",
		"Siti|halo|=ok",
		"a|bantuan|!|#f1|@|?ya|lewati|batal|ya",
		"Toko|1|tarusan|1|1|1 juta|1/1/20|tidak|lewati|1301015708900001|081234567890|lewati|@|lewati|Siti|1|ubah nama pemilik|kembali|Ani|ubah 1|Toko B|ya|=PSS-1",
	} {
		for i := range ids {
			f.Add(uint8(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, script string) {
		def := set.Get(ids[int(which)%len(ids)])
		r, err := Start(def, Contact{ID: 1, Name: "Siti", Lang: "id"}, "", nil, t0)
		if err != nil {
			t.Fatal(err)
		}
		s := r.Session
		now := t0
		parts := strings.Split(script, "|")
		if len(parts) > 60 {
			parts = parts[:60]
		}
		for _, p := range parts {
			if s == nil {
				return
			}
			now = now.Add(time.Second)
			in := fuzzInput(p)
			if s.Pending != "" && strings.HasPrefix(p, "=") {
				in = Input{Kind: InResult, Result: map[string]any{"reg_no": p[1:]}}
			}
			r, err = Step(def, s, in, now)
			if err != nil {
				t.Fatalf("Step(%q): %v", p, err)
			}
			s = checkResult(t, set, r, p)
		}
		if s == nil {
			return
		}
		// A way out always exists.
		r, err = Step(def, s, Input{Kind: InText, Text: "batal"}, now)
		if err != nil {
			t.Fatal(err)
		}
		if r.Session != nil {
			r, err = Step(def, checkResult(t, set, r, "batal"), Input{Kind: InText, Text: "ya"}, now)
			if err != nil {
				t.Fatal(err)
			}
		}
		if r.Session != nil || r.Ended != EndCancelled {
			t.Fatalf("batal + ya did not cancel: %+v", r)
		}
	})
}

func fuzzInput(p string) Input {
	switch {
	case strings.HasPrefix(p, "@"):
		return Input{Kind: InLocation, Location: &Location{Latitude: -1.35, Longitude: 100.57, Name: p[1:]}}
	case strings.HasPrefix(p, "#"):
		return Input{Kind: InPhoto, FileRef: p[1:]}
	case strings.HasPrefix(p, "!"):
		return Input{Kind: InOther}
	case strings.HasPrefix(p, "?"):
		return Input{Kind: InChoice, Choice: p[1:]}
	}
	return Input{Kind: InText, Text: p}
}

func checkResult(t *testing.T, set *Set, r Result, p string) *Session {
	t.Helper()
	if r.Session == nil {
		if r.Ended == "" {
			t.Fatalf("after %q: no session and no reason", p)
		}
		if _, err := json.Marshal(r.Final); err != nil {
			t.Fatalf("after %q: final answers not JSON: %v", p, err)
		}
		return nil
	}
	if len(r.Messages) == 0 && !r.Wait {
		t.Fatalf("after %q: nothing said and nothing to wait for", p)
	}
	b, err := json.Marshal(r.Session)
	if err != nil {
		t.Fatalf("after %q: session not JSON: %v", p, err)
	}
	var s Session
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	d := set.Get(s.FlowID)
	if d == nil {
		t.Fatalf("after %q: session in unknown flow %q", p, s.FlowID)
	}
	n := d.Get(s.Step)
	if n == nil || !(n.Ask != "" || n.Summary || n.Do != "") {
		t.Fatalf("after %q: session rests at %q, which waits for nothing", p, s.Step)
	}
	if r.Wait && s.Pending == "" || !r.Wait && s.Pending != "" && s.Confirm == "" {
		t.Fatalf("after %q: pending %q but wait %v", p, s.Pending, r.Wait)
	}
	return &s
}
