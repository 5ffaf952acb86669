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
