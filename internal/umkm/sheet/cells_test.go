package sheet

import "testing"

func TestCSVText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{`=HYPERLINK("http://x","klik")`, `'=HYPERLINK("http://x","klik")`},
		{"+6281234567890", "'+6281234567890"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"Keripik Balado", "Keripik Balado"},
		{"'sudah", "'sudah"},
		{"", ""},
		{"a=b", "a=b"},
	} {
		if got := CSVText(tt.in); got != tt.want {
			t.Errorf("CSVText(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back := importText(CSVText(tt.in)); back != tt.in {
			t.Errorf("importText(CSVText(%q)) = %q", tt.in, back)
		}
	}
}
