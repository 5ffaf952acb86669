package idn

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"Keripik Balado", "Keripik Balado"},
		{"Keripik\x00 Balado", "Keripik Balado"},
		{"\x00\x00", ""},
		{"a\x01b\x1fc\x7fd\u0085e\u009ff", "abcdef"},
		{"baris 1\nbaris 2\tkolom", "baris 1\nbaris 2\tkolom"},
		{"baris 1\r\nbaris 2\rbaris 3", "baris 1\nbaris 2\nbaris 3"},
		{"Toko \u202einiS\u202c Uni", "Toko iniS Uni"},
		{"\u2066Siti\u2069 \u2067x\u2068", "Siti x"},
		{"\u200eA\u200fB\u061cC", "ABC"},
		{"zero\u200bwidth\u200c\u200d\ufeff", "zerowidth"},
		{"\u2060\u2061\u2064\u206a\u206f\u180e\ufff9\ufffb", ""},
		{"\u200b", ""},
		{"bad \xff\xfe utf8", "bad  utf8"},
		// What stays: letters of every script, emoji, punctuation, the
		// replacement character a platform already put in.
		{"Rendang Üni ﷺ 🍛 — «ok» \ufffd", "Rendang Üni ﷺ 🍛 — «ok» \ufffd"},
		{"نجمة", "نجمة"},
	} {
		if got := CleanText(tt.in); got != tt.want {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanTextDropsEveryControl(t *testing.T) {
	t.Parallel()
	for r := rune(0); r <= 0x9f; r++ {
		got := CleanText("a" + string(r) + "b")
		keep := r == '\n' || r == '\t' || (r >= 0x20 && r < 0x7f) || r >= 0xa0
		switch {
		case r == '\r':
			if got != "a\nb" {
				t.Errorf("U+%04X: %q", r, got)
			}
		case keep && got != "a"+string(r)+"b", !keep && got != "ab":
			t.Errorf("U+%04X: %q", r, got)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "a\x00b", "\r\n\r", "\u202e\u200b", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanText(s)
		if !utf8.ValidString(got) {
			t.Fatalf("CleanText(%q) = %q: not UTF-8", s, got)
		}
		if CleanText(got) != got {
			t.Fatalf("CleanText not idempotent on %q", s)
		}
		for _, r := range got {
			if dropRune(r, utf8.RuneLen(r)) || r == '\r' {
				t.Fatalf("CleanText(%q) kept U+%04X", s, r)
			}
		}
		if strings.Contains(got, "\x00") {
			t.Fatal("NUL kept")
		}
	})
}
