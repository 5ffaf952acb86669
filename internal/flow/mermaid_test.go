package flow

import (
	"strings"
	"testing"
)

func TestMermaid(t *testing.T) {
	t.Parallel()
	set := loadMap(t, map[string]string{"a.yaml": withAction, "main.yaml": subflows, "sub.yaml": sub})
	got := Mermaid(set.Get("act"))
	want := `flowchart TD
  start((start)) --> s_name
  s_name["name: text"]
  s_save[["save: do umkm.register"]]
  s_ok(["ok: Beres."])
  s_failed(["failed: Gagal."])
  s_name --> s_save
  s_save -->|"answers.reg_no == nil"| s_failed
  s_save --> s_ok
  s_ok --> finish
  s_failed --> finish
  finish((end))
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if m := Mermaid(set.Get("main")); !strings.Contains(m, `s_call_b[["call_b: call sub"]]`) || !strings.Contains(m, "s_bye --> finish") {
		t.Errorf("main:\n%s", m)
	}
}
