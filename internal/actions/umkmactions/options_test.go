package umkmactions

import (
	"slices"
	"strings"
	"testing"

	"jejaring/internal/flow"
	"jejaring/internal/umkm"
)

// TestOptionsKecamatanMatching answers the kecamatan question the way
// owners do, through the flow engine's matcher with the aliases Options
// supplies (the data file's aliases and the nagari names).
func TestOptionsKecamatanMatching(t *testing.T) {
	t.Parallel()
	d, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	list := Options(d)(OptionsKecamatan, "id")
	if len(list) != 15 {
		t.Fatalf("%d kecamatan", len(list))
	}
	tests := []struct {
		in   string
		want string // code, "" = refused (asked again)
	}{
		{"7", "13.01.07"},
		{"Koto XI Tarusan", "13.01.07"},
		{"tarusan", "13.01.07"},
		{"koto sebelas tarusan", "13.01.07"},
		{"mandeh", "13.01.07"}, // a nagari of Koto XI Tarusan
		{"4 jurai", "13.01.05"},
		{"empat jurai", "13.01.05"},
		{"painan", "13.01.05"}, // the regency's capital, in IV Jurai
		{"salido", "13.01.05"}, // a nagari of IV Jurai, never Pancung Soal
		{"Salido Sari Bulan", "13.01.05"},
		{"bayng", "13.01.06"},
		{"bayang", "13.01.06"},
		{"bayang utara", "13.01.12"},
		{"kambang", "13.01.03"},    // a nagari of Lengayang
		{"inderapura", "13.01.01"}, // Pancung Soal's common name
		{"tapan", "13.01.11"},      // the data file's alias
		{"ranah", ""},              // two kecamatan
		{"sungai", ""},             // many nagari
		{"jakarta", ""},
		{"", ""},
	}
	for _, tc := range tests {
		i, perr := flow.MatchChoice(list, tc.in)
		got := ""
		if perr == nil {
			got = list[i].Value
		}
		if got != tc.want {
			t.Errorf("kecamatan %q = %q (%v), want %q", tc.in, got, perr, tc.want)
		}
	}
}

// TestOptionsKecamatanAliases: a nagari name two kecamatan share is no
// alias of either.
func TestOptionsKecamatanAliases(t *testing.T) {
	t.Parallel()
	r, err := umkm.ParseRegion([]byte(`code: "99.01"
prefix: TST
kecamatan:
  - {code: "99.01.01", name: Utara, aliases: [ibukota], nagari: [{code: "1", name: Pasar}, {code: "2", name: Koto Baru}]}
  - {code: "99.01.02", name: Selatan, nagari: [{code: "3", name: Koto Baru}, {code: "4", name: Lubuk}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	list := Options(&umkm.Data{Region: r})(OptionsKecamatan, "id")
	want := [][]string{{"ibukota", "Pasar"}, {"Lubuk"}}
	for i, c := range list {
		if len(c.Aliases) != len(want[i]) {
			t.Fatalf("%s aliases %q, want %q", c.Label, c.Aliases, want[i])
		}
		for j := range want[i] {
			if c.Aliases[j] != want[i][j] {
				t.Errorf("%s aliases %q, want %q", c.Label, c.Aliases, want[i])
			}
		}
	}
}

// TestOptionsEveryNagariFindsItsKecamatan: every alias and every nagari
// name of the region data, typed as the answer to the kecamatan question,
// gives its own kecamatan (a data edit that makes one ambiguous fails here).
func TestOptionsEveryNagariFindsItsKecamatan(t *testing.T) {
	t.Parallel()
	d, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	list := Options(d)(OptionsKecamatan, "id")
	for _, k := range d.Region.Kecamatan {
		words := slices.Clone(k.Aliases)
		for _, n := range k.Nagari {
			words = append(words, n.Name)
		}
		for _, w := range words {
			i, perr := flow.MatchChoice(list, w)
			if perr != nil || list[i].Value != k.Code {
				got := ""
				if perr == nil {
					got = list[i].Label
				}
				t.Errorf("%q: got %q (%v), want %s", w, got, perr, k.Name)
			}
		}
	}
}

func TestOptionsLists(t *testing.T) {
	t.Parallel()
	d, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	o := Options(d)
	if k := o(OptionsKecamatan, "id"); len(k) != 15 || k[6].Value != "13.01.07" || k[6].Label != "Koto XI Tarusan" {
		t.Errorf("kecamatan options: %v", k)
	}
	if s := o(OptionsSections, "en"); len(s) != 21 || s[2].Value != "C" || !strings.Contains(s[2].Label, "Making") {
		t.Errorf("section options: %v", s)
	}
	if n := o("nagari:13.01.07", "id"); len(n) != 23 {
		t.Errorf("nagari of Tarusan: %d", len(n))
	}
	if o("nagari:99", "id") != nil || o("nothing", "id") != nil {
		t.Error("unknown lists should be nil")
	}
}
