package flow

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func loadMap(t testing.TB, files map[string]string) *Set {
	t.Helper()
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	s, err := Load(m)
	if err != nil {
		t.Fatal(err)
	}
	if ps := s.Check(nil); len(ps) > 0 {
		t.Fatalf("check: %v", ps)
	}
	return s
}

// roundTrip writes the session to JSON and reads it back, as the bot does.
func roundTrip(t testing.TB, s *Session) *Session {
	t.Helper()
	if s == nil {
		return nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var out Session
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func texts(r Result) []string {
	var out []string
	for _, m := range r.Messages {
		out = append(out, m.Text)
	}
	return out
}

func send(t testing.TB, def *Definition, s *Session, text string) (Result, *Session) {
	t.Helper()
	r, err := Step(def, s, Input{Kind: InText, Text: text}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return r, roundTrip(t, r.Session)
}

const v1 = `id: reg
version: 1
title: {id: Daftar}
triggers: {keywords: [daftar, Register], payloads: [daftar, rsvp_]}
menu: true
steps:
  - id: name
    ask: text
    say: {id: Nama?, en: Name?}
  - id: town
    ask: text
    say: {id: Kota?}
  - id: age
    ask: number
    say: {id: Umur?}
`

// v2 renamed "town" to "city" and dropped "age".
const v2 = `id: reg
version: 2
title: {id: Daftar}
steps:
  - id: name
    ask: text
    say: {id: Nama?}
  - id: city
    ask: text
    save: town
    say: {id: Kota tempat usaha?}
  - id: phone
    ask: text
    say: {id: Telepon?}
`

func TestChangedFlowRestartsKeepingAnswers(t *testing.T) {
	t.Parallel()
	old := loadMap(t, map[string]string{"reg.yaml": v1}).Get("reg")
	r, err := Start(old, Contact{Name: "Siti"}, "", nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	_, s := send(t, old, r.Session, "Siti")
	_, s = send(t, old, s, "Painan")
	if s.Step != "age" {
		t.Fatalf("at %q", s.Step)
	}
	s.Answers["gone"] = "x" // an answer no step of v2 saves
	neu := loadMap(t, map[string]string{"reg.yaml": v2}).Get("reg")
	r, s = send(t, neu, s, "40")
	want := []string{sys["changed"].ID, "Nama?"}
	if got := texts(r); !reflect.DeepEqual(got, want) {
		t.Fatalf("messages %q, want %q", got, want)
	}
	if s.FlowVersion != 2 || s.Step != "name" {
		t.Errorf("session at %s v%d", s.Step, s.FlowVersion)
	}
	if !reflect.DeepEqual(s.Answers, map[string]any{"name": "Siti", "town": "Painan"}) {
		t.Errorf("answers %v", s.Answers)
	}
}

func TestChangedFlowStepStillThere(t *testing.T) {
	t.Parallel()
	old := loadMap(t, map[string]string{"reg.yaml": v1}).Get("reg")
	r, _ := Start(old, Contact{}, "id", nil, t0)
	neu := loadMap(t, map[string]string{"reg.yaml": v2}).Get("reg")
	r, s := send(t, neu, r.Session, "Siti")
	if got := texts(r); !reflect.DeepEqual(got, []string{"Kota tempat usaha?"}) {
		t.Fatalf("messages %q", got)
	}
	if s.FlowVersion != 2 || s.Step != "city" {
		t.Errorf("session at %s v%d", s.Step, s.FlowVersion)
	}
}

func TestStepDoesNotModifySession(t *testing.T) {
	t.Parallel()
	def := loadMap(t, map[string]string{"reg.yaml": v1}).Get("reg")
	r, _ := Start(def, Contact{}, "id", map[string]any{"token": "t1"}, t0)
	s := roundTrip(t, r.Session)
	before, _ := json.Marshal(s)
	for _, in := range []string{"Siti", "batal", "ulang", "kembali", "bahasa", "menu"} {
		if _, err := Step(def, s, Input{Kind: InText, Text: in}, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		after, _ := json.Marshal(s)
		if string(before) != string(after) {
			t.Fatalf("Step(%q) changed its input session:\n%s\n%s", in, before, after)
		}
	}
}

func TestBackDoesNotTouchCallerHistory(t *testing.T) {
	t.Parallel()
	def := loadMap(t, map[string]string{"reg.yaml": v1}).Get("reg")
	r, _ := Start(def, Contact{}, "id", nil, t0)
	_, s := send(t, def, r.Session, "Siti")
	_, s = send(t, def, s, "Painan")
	before, _ := json.Marshal(s)
	r, err := Step(def, s, Input{Kind: InText, Text: "kembali"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(s); string(before) != string(after) {
		t.Fatalf("kembali changed the input session:\n%s\n%s", before, after)
	}
	if got := texts(r); !reflect.DeepEqual(got, []string{"Kota?"}) || !reflect.DeepEqual(r.Session.History, []string{"name", "town"}) {
		t.Errorf("after kembali: %q %v", got, r.Session.History)
	}
}

func TestActionResultsArePlain(t *testing.T) {
	t.Parallel()
	def := loadMap(t, map[string]string{"a.yaml": withAction}).Get("act")
	r, _ := Start(def, Contact{}, "id", nil, t0)
	r, s := send(t, def, r.Session, "Siti")
	r, err := Step(def, s, Input{Kind: InResult, Result: map[string]any{"reg_no": "P", "tags": []string{"a"}, "f": func() {}}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(r.Final); err != nil {
		t.Fatalf("final answers not JSON: %v", err)
	}
	if !reflect.DeepEqual(r.Final["tags"], []any{"a"}) {
		t.Errorf("tags %#v", r.Final["tags"])
	}
}

func TestRestartKeepsParams(t *testing.T) {
	t.Parallel()
	def := loadMap(t, map[string]string{"reg.yaml": v1}).Get("reg")
	r, _ := Start(def, Contact{}, "id", map[string]any{"token": "t1"}, t0)
	_, s := send(t, def, r.Session, "Siti")
	r, s = send(t, def, s, "ulang")
	if !reflect.DeepEqual(s.Answers, map[string]any{"token": "t1"}) || s.Step != "name" {
		t.Errorf("after ulang: %v at %s (%q)", s.Answers, s.Step, texts(r))
	}
	// batal right after a restart needs no confirmation: only params remain.
	r, _ = send(t, def, s, "batal")
	if r.Ended != EndCancelled {
		t.Errorf("batal: ended %q", r.Ended)
	}
}

func TestTriggers(t *testing.T) {
	t.Parallel()
	set := loadMap(t, map[string]string{"reg.yaml": v1, "other.yaml": `id: other
version: 1
title: {id: Lain, en: Other}
first_contact: true
steps:
  - id: hi
    say: {id: Halo}
`})
	if d := set.MatchKeyword("  REGISTER! "); d == nil || d.ID != "reg" {
		t.Errorf("keyword: %v", d)
	}
	if d := set.MatchKeyword("daftar usaha"); d != nil {
		t.Errorf("partial keyword matched %s", d.ID)
	}
	if d, p := set.MatchPayload("daftar"); d == nil || d.ID != "reg" || p != "" {
		t.Errorf("payload: %v %q", d, p)
	}
	d, p := set.MatchPayload("rsvp_abc123")
	if d == nil || d.ID != "reg" || p != "abc123" {
		t.Fatalf("prefix payload: %v %q", d, p)
	}
	if got := d.StartParams(p); !reflect.DeepEqual(got, map[string]any{"token": "abc123"}) {
		t.Errorf("params %v", got)
	}
	if d, _ := set.MatchPayload("rsvp_"); d != nil {
		t.Errorf("empty prefix param matched")
	}
	if d := set.FirstContact(); d == nil || d.ID != "other" {
		t.Errorf("first contact: %v", d)
	}
	m := set.Menu("en")
	if len(m.Choices) != 1 || !reflect.DeepEqual(m.Choices[0], Choice{Label: "Daftar", Value: "daftar"}) {
		t.Errorf("menu: %+v", m)
	}
}

const subflows = `id: main
version: 1
title: {id: Utama}
steps:
  - id: a
    ask: text
    say: {id: A?}
  - id: call_b
    call: sub
  - id: c
    ask: yesno
    say: {id: "C, {{.answers.b}}?"}
  - id: bye
    say: {id: "Selesai {{.answers.a}}/{{.answers.b}}/{{.answers.c}}"}
`

const sub = `id: sub
version: 1
title: {id: Sub}
steps:
  - id: intro
    say: {id: Masuk sub.}
  - id: b
    ask: text
    say: {id: B?}
  - id: out
    say: {id: Keluar sub.}
    end: true
`

func TestSubFlowCallAndReturn(t *testing.T) {
	t.Parallel()
	set := loadMap(t, map[string]string{"main.yaml": subflows, "sub.yaml": sub})
	def := set.Get("main")
	r, _ := Start(def, Contact{}, "id", nil, t0)
	r, s := send(t, def, r.Session, "x")
	if got := texts(r); !reflect.DeepEqual(got, []string{"Masuk sub.", "B?"}) {
		t.Fatalf("into sub: %q", got)
	}
	if s.FlowID != "sub" || len(s.Stack) != 1 || s.Stack[0] != (Frame{FlowID: "main", Step: "call_b"}) {
		t.Fatalf("session in sub: %+v", s)
	}
	// kembali inside the sub-flow has no earlier question there.
	r, s = send(t, def, s, "kembali")
	if got := texts(r); got[0] != sys["no_back"].ID {
		t.Errorf("kembali in sub: %q", got)
	}
	r, s = send(t, def, s, "y")
	if got := texts(r); !reflect.DeepEqual(got, []string{"Keluar sub.", "C, y?"}) {
		t.Fatalf("back from sub: %q", got)
	}
	if s.FlowID != "main" || len(s.Stack) != 0 {
		t.Fatalf("session after sub: %+v", s)
	}
	r, _ = send(t, def, s, "ya")
	if got := texts(r); !reflect.DeepEqual(got, []string{"Selesai x/y/true"}) || r.Ended != EndDone || r.Final["c"] != true {
		t.Fatalf("end: %q %q %v", got, r.Ended, r.Final)
	}
}

func TestLoopCap(t *testing.T) {
	t.Parallel()
	// The checker refuses this flow; the engine must still stop.
	s, err := Load(fstest.MapFS{"l.yaml": {Data: []byte(`id: l
version: 1
title: {id: L}
steps:
  - id: a
    say: {id: A}
    next: b
  - id: b
    say: {id: B}
    next: a
`)}})
	if err != nil {
		t.Fatal(err)
	}
	if ps := s.Check(nil); len(ps) == 0 {
		t.Error("checker accepted a silent loop")
	}
	r, err := Start(s.Get("l"), Contact{}, "id", nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Ended != EndError || r.Session != nil || len(r.Messages) != MaxHops+1 {
		t.Errorf("ended %q, %d messages", r.Ended, len(r.Messages))
	}
}

const withAction = `id: act
version: 1
title: {id: Aksi}
steps:
  - id: name
    ask: text
    say: {id: Nama?}
  - id: save
    do: umkm.register
    args: {name: "{{.answers.name}}", fixed: plain}
    say: {id: "Nomor {{.answers.reg_no}}"}
    next:
      - if: answers.reg_no == nil
        goto: failed
      - goto: ok
  - id: ok
    say: {id: Beres.}
    end: true
  - id: failed
    say: {id: Gagal.}
    end: true
`

func TestActionParkAndResume(t *testing.T) {
	t.Parallel()
	def := loadMap(t, map[string]string{"a.yaml": withAction}).Get("act")
	r, _ := Start(def, Contact{}, "id", nil, t0)
	r, s := send(t, def, r.Session, "Siti")
	want := []Effect{{Action: "umkm.register", Args: map[string]any{"fixed": "plain", "name": "Siti"}}}
	if !r.Wait || !reflect.DeepEqual(r.Effects, want) || s.Pending != "save" || len(r.Messages) != 0 {
		t.Fatalf("park: wait %v effects %+v pending %q msgs %q", r.Wait, r.Effects, s.Pending, texts(r))
	}
	// The action failed and the contact writes again: the action is retried.
	r, s = send(t, def, s, "halo?")
	if !r.Wait || len(r.Effects) != 1 || s.Pending != "save" {
		t.Fatalf("retry: %+v", r)
	}
	r, err := Step(def, s, Input{Kind: InResult, Result: map[string]any{"reg_no": "PSS-1"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(r); !reflect.DeepEqual(got, []string{"Nomor PSS-1", "Beres."}) || r.Ended != EndDone {
		t.Fatalf("resume: %q %q", got, r.Ended)
	}
}

func TestOptionsFromAndValidate(t *testing.T) {
	t.Parallel()
	set := loadMap(t, map[string]string{"o.yaml": `id: o
version: 1
title: {id: O}
steps:
  - id: kec
    ask: choice
    options_from: kecamatan
    say: {id: Kecamatan?}
  - id: n
    ask: number
    validate: answer <= answers.max
    invalid: {id: "Paling banyak {{.answers.max}}."}
    say: {id: Berapa?}
`})
	set.SetOptions(func(name, lang string) []Choice {
		if name == "kecamatan" {
			return kecamatan
		}
		return nil
	})
	if ps := set.Check(nil); len(ps) > 0 {
		t.Fatal(ps)
	}
	def := set.Get("o")
	r, _ := Start(def, Contact{}, "id", map[string]any{"max": 5}, t0)
	if len(r.Messages[0].Choices) != 15 {
		t.Fatalf("choices %v", r.Messages[0].Choices)
	}
	r, s := send(t, def, r.Session, "4 jurai")
	if s.Answers["kec"] != "13.01.05" {
		t.Fatalf("kec %v", s.Answers["kec"])
	}
	r, s = send(t, def, s, "7")
	if got := texts(r); len(got) != 1 || !strings.HasPrefix(got[0], "Paling banyak 5.") {
		t.Fatalf("validate: %q", got)
	}
	r, _ = send(t, def, s, "5")
	if r.Ended != EndDone || r.Final["n"] != 5.0 {
		t.Fatalf("end %q %v", r.Ended, r.Final)
	}
	bad := loadMapNoCheck(t, `id: o
version: 1
title: {id: O}
steps:
  - id: kec
    ask: choice
    options_from: desa
    say: {id: Desa?}
`)
	bad.SetOptions(func(name, lang string) []Choice { return nil })
	if ps := bad.Check(nil); len(ps) != 1 || ps[0].String() != `o.yaml:7: kec: options_from: no list named "desa"` {
		t.Errorf("check: %v", ps)
	}
}

func loadMapNoCheck(t *testing.T, src string) *Set {
	t.Helper()
	s, err := Load(fstest.MapFS{"o.yaml": {Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDuplicatesAcrossFiles(t *testing.T) {
	t.Parallel()
	s, err := Load(fstest.MapFS{
		"a.yaml":          {Data: []byte("id: x\nversion: 1\ntitle: {id: X}\ntriggers: {keywords: [daftar]}\nsteps:\n  - id: a\n    say: {id: A}\n")},
		"b.yaml":          {Data: []byte("id: x\nversion: 1\ntitle: {id: X}\ntriggers: {keywords: [Daftar]}\nsteps:\n  - id: a\n    say: {id: A}\n")},
		"b2.yaml":         {Data: []byte("id: b\nversion: 1\ntitle: {id: B}\nfirst_contact: true\nsteps:\n  - id: a\n    say: {id: A}\n")},
		"c.yaml":          {Data: []byte("id: c\nversion: 1\ntitle: {id: C}\nfirst_contact: true\nmenu: true\nsteps:\n  - id: a\n    say: {id: A}\n")},
		"testdata/c.yaml": {Data: []byte("not: a flow")},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range s.Check(nil) {
		got = append(got, p.String())
	}
	want := []string{`b.yaml:1: x: duplicate flow id "x" (also in a.yaml)`, `b.yaml:4: x: keyword "Daftar" is also a trigger of flow x`,
		`c.yaml:4: c: first_contact: flow b is already the first-contact flow`, `c.yaml:5: c: menu: a menu flow needs a trigger keyword (the menu button sends it)`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestLoadShapeErrors(t *testing.T) {
	t.Parallel()
	_, err := Load(fstest.MapFS{
		"a.yaml": {Data: []byte("id: a\nversion: one\n")},
		"b.yaml": {Data: []byte("id: b\nversion: 1\nsteps:\n  - id: x\n    next: [{if: a, goto: b, els: c}]\n")},
	})
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "a.yaml:2: ") || !strings.HasPrefix(lines[1], "b.yaml:5: ") {
		t.Errorf("errors: %q", lines)
	}
}

func TestSessionSizeAfter20Answers(t *testing.T) {
	t.Parallel()
	def, inputs := registration(t)
	r, err := Start(def, Contact{ID: 42, Name: "Siti Aminah", Phone: "+6281234567890", Channel: "whatsapp", Lang: "id"}, "", nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Session
	for _, in := range inputs {
		r, err = Step(def, s, in, t0)
		if err != nil {
			t.Fatal(err)
		}
		if r.Session == nil {
			break
		}
		s = roundTrip(t, r.Session)
	}
	if len(s.Answers) < 20 || s.Step != "confirm" {
		t.Fatalf("only %d answers, at %s", len(s.Answers), s.Step)
	}
	b, _ := json.Marshal(s)
	t.Logf("session with %d answers: %d bytes", len(s.Answers), len(b))
	if len(b) > 2048 {
		t.Errorf("session is %d bytes, want under 2 KiB:\n%s", len(b), b)
	}
}

func TestDisabledGlobalAndStartInput(t *testing.T) {
	t.Parallel()
	def := loadMap(t, map[string]string{"d.yaml": `id: d
version: 1
title: {id: D}
disable_globals: [kembali]
steps:
  - id: a
    ask: text
    say: {id: A?}
  - id: b
    ask: text
    disable_globals: [bahasa]
    say: {id: B?}
`}).Get("d")
	r, _ := Start(def, Contact{}, "id", nil, t0)
	_, s := send(t, def, r.Session, "satu")
	// kembali is off in this flow: it is an answer like any other.
	r, _ = send(t, def, s, "kembali")
	if r.Ended != EndDone || r.Final["b"] != "kembali" {
		t.Fatalf("kembali as answer: %q %v", r.Ended, r.Final)
	}
	r, _ = send(t, def, s, "bahasa")
	if r.Final["b"] != "bahasa" {
		t.Fatalf("bahasa off on step b: %v", r.Final)
	}
	// A start command inside the conversation repeats the question.
	r, err := Step(def, s, Input{Kind: InStart, Text: "daftar"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(r); !reflect.DeepEqual(got, []string{"B?"}) || r.Session.Answers["b"] != nil {
		t.Fatalf("start mid-flow: %q %v", got, r.Session.Answers)
	}
}

// TestStepOwnedIsStep: handing the session over gives what Step gives on
// a copy, answer by answer through a whole registration.
func TestStepOwnedIsStep(t *testing.T) {
	t.Parallel()
	def, inputs := registration(t)
	r, err := Start(def, Contact{ID: 42, Name: "Siti Aminah", Channel: "whatsapp", Lang: "id"}, "", nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	s := roundTrip(t, r.Session)
	for i, in := range append(inputs, Input{Kind: InText, Text: "kembali"}, Input{Kind: InText, Text: "ya"}) {
		want, err := Step(def, s, in, t0)
		if err != nil {
			t.Fatal(err)
		}
		owned := roundTrip(t, s)
		got, err := StepOwned(def, owned, in, t0)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(roundTrip(t, got.Session), roundTrip(t, want.Session)) || !reflect.DeepEqual(got.Messages, want.Messages) || got.Ended != want.Ended {
			t.Fatalf("answer %d %q: StepOwned differs from Step:\n got %+v\nwant %+v", i, in.Text, got, want)
		}
		if want.Session == nil {
			return
		}
		s = roundTrip(t, want.Session)
	}
}
