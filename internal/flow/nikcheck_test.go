package flow

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestCheckUnmaskedNIK: a text that prints a NIK answer must mask it.
func TestCheckUnmaskedNIK(t *testing.T) {
	t.Parallel()
	tests := []struct {
		say  string
		want string // the problem, "" = none
	}{
		{`NIK {{masknik .answers.nik}}`, ""},
		{`NIK {{.answers.nik | masknik}}`, ""},
		{`NIK {{masknik $.answers.nik}}`, ""},
		{`{{if .answers.nik}}NIK sudah ada{{end}}`, ""},
		{`{{.answers.name}}`, ""},
		{`{{default "-" .answers.nama}}`, ""},
		{`NIK {{.answers.nik}}`, `shows the NIK "nik" in full`},
		{`NIK {{$.answers.nik}}`, `shows the NIK "nik" in full`},
		{`NIK {{default "-" .answers.nik}}`, `shows the NIK "nik" in full`},
		{`NIK {{printf "%s" .answers.nik | upper}}`, `shows the NIK "nik" in full`},
		{`{{if .answers.nik}}NIK {{.answers.nik}}{{end}}`, `shows the NIK "nik" in full`},
		{`{{range .answers.list}}{{$.answers.nik}}{{end}}`, `shows the NIK "nik" in full`},
		{`{{.answers.owner_nik}}`, `shows the NIK "owner_nik" in full`}, // saved in the sub-flow
	}
	for _, tc := range tests {
		set, err := Load(mapFS(map[string]string{
			"a.yaml": "id: a\nversion: 1\ntitle: {id: A}\nsteps:\n  - id: nik\n    ask: nik\n    say: {id: NIK?}\n  - id: sub\n    call: b\n  - id: bye\n    say: {id: '" + strings.ReplaceAll(tc.say, "'", "''") + "'}\n",
			"b.yaml": "id: b\nversion: 1\ntitle: {id: B}\nsteps:\n  - id: owner_nik\n    ask: nik\n    say: {id: NIK pemilik?}\n",
		}))
		if err != nil {
			t.Fatal(err)
		}
		ps := set.Check(nil)
		got := ""
		for _, p := range ps {
			got += p.Msg
		}
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("say %s: problems %q, want %q", tc.say, got, tc.want)
		}
	}
}

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

// TestSummaryMasksNIK: the summary shows 1301********0001; the answer
// stays whole.
func TestSummaryMasksNIK(t *testing.T) {
	t.Parallel()
	set := loadMap(t, map[string]string{"n.yaml": `id: n
version: 1
title: {id: N}
steps:
  - id: nik
    ask: nik
    label: {id: NIK pemilik}
    say: {id: NIK?}
  - id: ok
    summary: true
    say: {id: "Periksa:"}
`})
	def := set.Get("n")
	r, _ := Start(def, Contact{}, "id", nil, t0)
	r, s := send(t, def, r.Session, "1301 0145 0690 0001")
	if got := r.Messages[0].Text; !strings.Contains(got, "1. NIK pemilik: 1301********0001\n") || strings.Contains(got, "1301014506900001") {
		t.Errorf("summary %q", got)
	}
	if s.Answers["nik"] != "1301014506900001" {
		t.Errorf("answer %v", s.Answers["nik"])
	}
	rn := &run{sess: &Session{Lang: "id"}}
	for _, v := range []any{"1301014506900001", int64(1301014506900001), 1301014506900001.0} {
		if got := rn.display(&Node{Ask: AskNIK}, v); got != "1301********0001" {
			t.Errorf("display(%T %v) = %q", v, v, got)
		}
	}
}
