package session_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"reflect"
	"testing"
	"time"

	"jejaring/internal/flow"
	"jejaring/internal/session"
)

// oldRecord is how every Jejaring before the hand-written codec stored a
// session: encoding/json over the flow's session with the bot's note.
type oldRecord struct {
	*flow.Session
	Note string `json:"bot_note,omitempty"`
}

func codecSessions(t *testing.T) map[string]struct {
	s    *flow.Session
	note string
} {
	t.Helper()
	wib := time.FixedZone("WIB", 7*3600)
	t0 := time.Date(2026, 12, 1, 9, 30, 15, 123456789, wib)
	type tc = struct {
		s    *flow.Session
		note string
	}
	out := map[string]tc{
		"empty": {s: &flow.Session{}},
		"minimal": {s: &flow.Session{FlowID: "daftar", Step: "nama", Lang: "id", Started: t0, LastActive: t0.Add(time.Minute),
			Contact: flow.Contact{ID: 1, Name: "Siti", Channel: "telegram", Lang: "id"}}},
		"everything": {note: "resume?", s: &flow.Session{
			FlowID: "daftar", FlowVersion: 7, Step: "alamat", Retries: 2, Lang: "en",
			Answers: map[string]any{
				"nama": "Kerupuk Sanjai <Bu Siti> & \"anak\"", "kota": "Pariaman\n", "utf": "Kopi Ñusantara ☕ \u2028",
				"bad": "\xff\xfe", "ya": true, "tidak": false, "kosong": nil,
				"modal": int64(1500000), "n": 3, "pi": 3.14159, "tiny": 1e-9, "huge": 1e22, "neg": -0.5, "zero": 0.0,
				"big": float64(math.MaxInt64), "list": []any{"toko", "instagram", 2.5, map[string]any{"b": 1.0, "a": "x"}},
				"lokasi": map[string]any{"lat": -1.35, "lon": 100.57, "name": "Painan"},
				"strs":   []string{"a", "b"}, // a type the fast path does not know
			},
			Stack:   []flow.Frame{{FlowID: "daftar", Step: "sub"}, {FlowID: "alamat", Step: "x"}},
			History: []string{"nama", "bidang", "alamat"}, Returning: "ringkasan", Pending: "simpan", Confirm: "offer",
			Offer:   map[string]any{"value": 12000000.0},
			Params:  map[string]any{"token": "abc123"},
			Started: t0, LastActive: t0.UTC(),
			Contact: flow.Contact{ID: -42, Name: "Ibu Ani", Phone: "+6281234567890", Channel: "whatsapp", Lang: "en", IsStaff: true},
		}},
		"offer string": {s: &flow.Session{FlowID: "f", Confirm: "offer", Offer: "tarusan"}},
	}
	// A real registration's sessions, question by question.
	data, err := os.ReadFile("../flow/testdata/registration.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, err := flow.Parse("registration.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	def := set.Get("registration")
	r, err := flow.Start(def, flow.Contact{ID: 42, Name: "Siti Aminah", Channel: "whatsapp", Lang: "id"}, "", nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"Kerupuk Sanjai Bu Siti", "1", "tarusan", "modal dan pasar", "3", "1,5 juta", "12 juta",
		"17 Agustus 2019", "ya", "1234567890123", "47111", "1301015708900001", "0812-3456-7890"} {
		r, err = flow.Step(def, r.Session, flow.Input{Kind: flow.InText, Text: text}, t0.Add(time.Duration(i)*time.Minute))
		if err != nil || r.Session == nil {
			t.Fatalf("registration stopped at %q: %v", text, err)
		}
		out["registration "+text] = tc{s: r.Session}
	}
	return out
}

// TestCodecWritesWhatEncodingJSONWrote: byte for byte, so sessions of
// both codecs are one format.
func TestCodecWritesWhatEncodingJSONWrote(t *testing.T) {
	t.Parallel()
	for name, c := range codecSessions(t) {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(oldRecord{Session: c.s, Note: c.note})
			if err != nil {
				t.Fatal(err)
			}
			got, err := session.Marshal(c.s, c.note)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("Marshal:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// TestCodecReadsOldSessions: a value stored by encoding/json (an older
// Jejaring) decodes to what encoding/json decoded.
func TestCodecReadsOldSessions(t *testing.T) {
	t.Parallel()
	for name, c := range codecSessions(t) {
		t.Run(name, func(t *testing.T) {
			stored, err := json.MarshalIndent(oldRecord{Session: c.s, Note: c.note}, "", "  ") // white space too
			if err != nil {
				t.Fatal(err)
			}
			want := oldRecord{Session: &flow.Session{}}
			if err := json.Unmarshal(stored, &want); err != nil {
				t.Fatal(err)
			}
			got, note, err := session.Unmarshal(stored)
			if err != nil {
				t.Fatal(err)
			}
			if note != want.Note {
				t.Errorf("note %q, want %q", note, want.Note)
			}
			if !reflect.DeepEqual(got, want.Session) {
				t.Errorf("Unmarshal:\n got %#v\nwant %#v", got, want.Session)
			}
		})
	}
}

func TestCodecRefusesGarbage(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "{", "[]", `{"flow":1}`, `{"v":"x"}`, `{"answers":{"a":}}`, `{"flow":"a"} x`,
		`{"started":"yesterday"}`, `{"flow":"a`, `{"stack":[{"flow":2}]}`, `{"contact":{"is_staff":"yes"}}`} {
		if _, _, err := session.Unmarshal([]byte(in)); err == nil {
			t.Errorf("Unmarshal(%q) took it", in)
		}
	}
}

// TestOldSessionStillLoads: a session an older Jejaring left in Redis (as
// encoding/json wrote it) is picked up by the next turn and by Get.
func TestOldSessionStillLoads(t *testing.T) {
	t.Parallel()
	const stored = `{"flow":"registration","v":1,"step":"phone","answers":{"business_name":"Kerupuk Sanjai Bu Siti",` +
		`"capital":1500000,"employees":3,"has_nib":true,"needs":["modal","pasar"],"sector":"kuliner"},"lang":"id",` +
		`"hist":["business_name","sector","phone"],"started":"2026-11-30T09:00:00Z","last":"2026-11-30T09:05:00+07:00",` +
		`"contact":{"id":42,"name":"Siti Aminah","channel":"whatsapp","lang":"id"},"bot_note":"ask"}`
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		if err := b.rdb.Set(ctx, b.prefix+"sess:{telegram:12345}", stored, time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
		want := oldRecord{Session: &flow.Session{}}
		if err := json.Unmarshal([]byte(stored), &want); err != nil {
			t.Fatal(err)
		}
		tr := begin(t, s, addr, "m1")
		if !reflect.DeepEqual(tr.Session, want.Session) || tr.Note != "ask" {
			t.Errorf("Begin read %#v note %q", tr.Session, tr.Note)
		}
		if err := tr.CommitNote(ctx, tr.Session, tr.Note, 0, time.Hour); err != nil {
			t.Fatal(err)
		}
		raw, err := b.rdb.Get(ctx, b.prefix+"sess:{telegram:12345}").Result()
		if err != nil {
			t.Fatal(err)
		}
		if raw != stored {
			t.Errorf("written back differently:\n got %s\nwant %s", raw, stored)
		}
		got, err := s.Get(ctx, addr)
		if err != nil || !reflect.DeepEqual(got, want.Session) {
			t.Errorf("Get: %#v, %v", got, err)
		}
	})
}
