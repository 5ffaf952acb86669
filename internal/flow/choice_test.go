package flow

import (
	"reflect"
	"testing"
)

const aliasFlow = `id: al
version: 1
title: {id: Alias}
steps:
  - id: kec
    ask: choice
    say: {id: Kecamatan?, en: District?}
    options:
      - {value: "13.01.05", id: IV Jurai, aliases: [painan, salido]}
      - {value: "13.01.07", id: Koto XI Tarusan, aliases: [mandeh]}
      - {value: "13.01.01", id: Pancung Soal}
      - Bayang
  - id: via
    ask: choice
    options_from: kecamatan
    say: {id: Lewat mana?}
`

// TestChoiceAliasesInConversation: inline `aliases:` and a provider's
// aliases are understood, never shown, and an answer that fits no option is
// asked again with the whole list (not a guess).
func TestChoiceAliasesInConversation(t *testing.T) {
	t.Parallel()
	set := loadMap(t, map[string]string{"al.yaml": aliasFlow})
	set.SetOptions(func(name, lang string) []Choice { return kecamatanList(true) })
	def := set.Get("al")
	r, err := Start(def, Contact{}, "id", nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	plain := []Choice{{Label: "IV Jurai", Value: "13.01.05"}, {Label: "Koto XI Tarusan", Value: "13.01.07"}, {Label: "Pancung Soal", Value: "13.01.01"}, {Label: "Bayang", Value: "Bayang"}}
	if !reflect.DeepEqual(r.Messages[0].Choices, plain) {
		t.Fatalf("choices %+v, want no aliases", r.Messages[0].Choices)
	}
	s := roundTrip(t, r.Session)
	tests := []struct {
		in, want string // want "" = asked again
		reply    string
	}{
		{in: "sulidu", reply: "Pilihan itu tidak ada. Mungkin maksudnya: IV Jurai? Balas *ya* kalau betul, atau pilih dari daftar.\n\nKecamatan?"},
		{in: "kampung baru", reply: "Pilihan itu tidak ada. Mohon pilih salah satu dari daftar atau tulis namanya.\n\nKecamatan?"},
		{in: "salido", want: "13.01.05"},
		{in: "Painan", want: "13.01.05"},
		{in: "mandeh", want: "13.01.07"},
		{in: "koto sebelas tarusan", want: "13.01.07"},
		{in: "bayng", want: "Bayang"},
		{in: "3", want: "13.01.01"},
	}
	for _, tc := range tests {
		r, next := send(t, def, s, tc.in)
		if tc.want == "" {
			if next == nil || next.Step != "kec" || len(r.Messages) != 1 || r.Messages[0].Text != tc.reply {
				t.Errorf("%q: messages %q, want %q", tc.in, texts(r), tc.reply)
				continue
			}
			if !reflect.DeepEqual(r.Messages[0].Choices, plain) {
				t.Errorf("%q: re-asked with choices %+v", tc.in, r.Messages[0].Choices)
			}
			continue
		}
		if next == nil || next.Answers["kec"] != tc.want {
			t.Errorf("%q: kec = %v, want %q", tc.in, next.Answers["kec"], tc.want)
		}
	}
	_, s = send(t, def, s, "painan")
	r, s = send(t, def, s, "salido")
	if r.Ended != EndDone || r.Final["via"] != "13.01.05" {
		t.Errorf("options_from alias: ended %q, answers %v", r.Ended, r.Final)
	}
	_ = s
}

func TestCheckAliases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		options string
		want    string // the problem, "" = none
	}{
		{`[{value: a, id: IV Jurai, aliases: [painan, 4 jurai]}, {value: b, id: Bayang}]`, ""}, // its own label again: harmless
		{`[{value: a, id: IV Jurai, aliases: [painan]}, {value: b, id: Bayang, aliases: [Painan]}]`, `options: alias "Painan" of "b" is also option "a"`},
		{`[{value: a, id: IV Jurai, aliases: [bayang]}, {value: b, id: Bayang}]`, `options: alias "bayang" of "a" is also option "b"`},
		{`[{value: a, id: Empat, en: Four}, {value: b, id: Lima, aliases: [four]}]`, `options: alias "four" of "b" is also option "a"`},
		{`[{value: a, id: A, aliases: ["?"]}]`, `options: empty alias of "a"`},
	}
	for _, tc := range tests {
		set, err := Load(mapFS(map[string]string{"o.yaml": "id: o\nversion: 1\ntitle: {id: O}\nsteps:\n  - id: c\n    ask: choice\n    say: {id: C?}\n    options: " + tc.options + "\n"}))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, p := range set.Check(nil) {
			got += p.Msg
		}
		if got != tc.want {
			t.Errorf("%s: problems %q, want %q", tc.options, got, tc.want)
		}
	}
}
