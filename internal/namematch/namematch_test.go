package namematch

import "testing"

func TestNormalize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Koto XI Tarusan":        "koto 11 tarusan",
		"koto sebelas tarusan":   "koto 11 tarusan",
		"dua belas":              "12",
		"tiga puluh lima":        "35",
		"duo puluah":             "20",
		"Basa Ampek Balai Tapan": "basa 4 balai tapan",
		"IV Nagari Bayang Utara": "4 nagari bayang utara",
		"Tidak ada":              "tidak ada",
		"satu, dua":              "1 2",
		"":                       "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFoldRoman(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"IV Jurai": "4 jurai", "Koto XI Tarusan": "koto 11 tarusan", "Lima Puluh Kota": "lima puluh kota", "Ii": "2", "il": "il", "vv": "vv"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
