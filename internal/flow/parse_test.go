package flow

import (
	"slices"
	"testing"
)

var kecamatan = []Choice{
	{"Pancung Soal", "13.01.01"}, {"Ranah Pesisir", "13.01.02"}, {"Lengayang", "13.01.03"},
	{"Batang Kapas", "13.01.04"}, {"IV Jurai", "13.01.05"}, {"Bayang", "13.01.06"},
	{"Koto XI Tarusan", "13.01.07"}, {"Sutera", "13.01.08"}, {"Linggo Sari Baganti", "13.01.09"},
	{"Lunang", "13.01.10"}, {"Basa Ampek Balai Tapan", "13.01.11"}, {"IV Nagari Bayang Utara", "13.01.12"},
	{"Airpura", "13.01.13"}, {"Ranah Ampek Hulu Tapan", "13.01.14"}, {"Silaut", "13.01.15"},
}

func TestMatchChoice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // value, "" = refused
	}{
		{"7", "13.01.07"},
		{"no 7", "13.01.07"},
		{"16", ""},
		{"0", ""},
		{"Koto XI Tarusan", "13.01.07"},
		{"koto xi tarusan", "13.01.07"},
		{"  KOTO   XI  TARUSAN ", "13.01.07"},
		{"tarusan", "13.01.07"},
		{"koto 11 tarusan", "13.01.07"},
		{"4 jurai", "13.01.05"},
		{"iv jurai", "13.01.05"},
		{"bayang", "13.01.06"},       // exact beats part of "IV Nagari Bayang Utara"
		{"bayang utara", "13.01.12"}, // whole words of one label
		{"tapan", ""},                // two labels: ambiguous
		{"lenggayang", "13.01.03"},   // one typo
		{"silaud", "13.01.15"},       // one typo
		{"pancung sol", "13.01.01"},  // one typo
		{"airpura", "13.01.13"},
		{"13.01.08", "13.01.08"}, // the value itself
		{"painan", ""},           // the capital, not a kecamatan
		{"", ""},
		{"xyz", ""},
	}
	for _, tc := range tests {
		i, err := MatchChoice(kecamatan, tc.in)
		got := ""
		if err == nil {
			got = kecamatan[i].Value
		}
		if got != tc.want {
			t.Errorf("MatchChoice(%q) = %q (err %v), want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := MatchChoice(kecamatan, "tapan"); err == nil || err.ID != "Maksud Bapak/Ibu yang mana: Basa Ampek Balai Tapan, Ranah Ampek Hulu Tapan?" {
		t.Errorf("ambiguous: %v", err)
	}
}

func TestMatchChoices(t *testing.T) {
	t.Parallel()
	needs := []Choice{{"Modal", "modal"}, {"Pembeli / pasar", "pasar"}, {"Pemasok bahan", "pemasok"}, {"Pendampingan", "pendampingan"}, {"Perizinan", "izin"}}
	tests := []struct {
		in   string
		want []string
	}{
		{"1, 3", []string{"modal", "pemasok"}},
		{"3 1", []string{"modal", "pemasok"}},
		{"1,3,3", []string{"modal", "pemasok"}},
		{"modal dan pasar", []string{"modal", "pasar"}},
		{"Modal, perizinan & pendampingan", []string{"modal", "pendampingan", "izin"}},
		{"pembeli / pasar", []string{"pasar"}},
		{"2", []string{"pasar"}},
		{"1, 9", nil},
		{"modal dan uang", nil},
		{"", nil},
	}
	for _, tc := range tests {
		idx, err := MatchChoices(needs, tc.in)
		var got []string
		for _, i := range idx {
			got = append(got, needs[i].Value)
		}
		if !slices.Equal(got, tc.want) || (tc.want == nil) != (err != nil) {
			t.Errorf("MatchChoices(%q) = %v (err %v), want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseYesNo(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"ya", "Iya", "y", "OK", "oke", "boleh", "betul", "sudah", "ya, sudah benar", "Yes!"} {
		if v, ok := ParseYesNo(s); !ok || !v {
			t.Errorf("%q: want yes", s)
		}
	}
	for _, s := range []string{"tidak", "Gak", "nggak", "enggak", "no", "tdk", "belum", "tidak mau"} {
		if v, ok := ParseYesNo(s); !ok || v {
			t.Errorf("%q: want no", s)
		}
	}
	for _, s := range []string{"", "mungkin", "entahlah", "123"} {
		if _, ok := ParseYesNo(s); ok {
			t.Errorf("%q: want neither", s)
		}
	}
}

func TestParseEmail(t *testing.T) {
	t.Parallel()
	good := map[string]string{"Siti@Gmail.com": "siti@gmail.com", " toko.siti@umkm.pesisirselatan.go.id ": "toko.siti@umkm.pesisirselatan.go.id", "a+b@x.co": "a+b@x.co"}
	for in, want := range good {
		if got, ok := ParseEmail(in); !ok || got != want {
			t.Errorf("ParseEmail(%q) = %q %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "siti", "siti@", "@gmail.com", "siti@gmail", "si ti@gmail.com", "a@@b.com", "siti@gmail.c", ".siti@gmail.com", "siti@.gmail.com"} {
		if got, ok := ParseEmail(in); ok {
			t.Errorf("ParseEmail(%q) = %q, want refused", in, got)
		}
	}
}

func TestRupiahAndDate(t *testing.T) {
	t.Parallel()
	for in, want := range map[any]string{int64(1500000): "Rp1.500.000", 1500000.0: "Rp1.500.000", 0: "Rp0", int64(999): "Rp999", int64(1000): "Rp1.000", "2500000": "Rp2.500.000", int64(-5000): "-Rp5.000"} {
		if got := Rupiah(in); got != want {
			t.Errorf("Rupiah(%v) = %q, want %q", in, got, want)
		}
	}
	if got := FormatDate("2024-08-17", "id"); got != "17 Agustus 2024" {
		t.Errorf("date id: %q", got)
	}
	if got := FormatDate("2024-08-17", "en"); got != "17 August 2024" {
		t.Errorf("date en: %q", got)
	}
}

func TestGlobalWord(t *testing.T) {
	t.Parallel()
	tests := map[string][2]string{
		"batal": {"batal", ""}, "Cancel": {"batal", ""}, " KEMBALI ": {"kembali", ""}, "back": {"kembali", ""},
		"lewati": {"lewati", ""}, "skip": {"lewati", ""}, "bantuan": {"bantuan", ""}, "help": {"bantuan", ""},
		"bahasa": {"bahasa", ""}, "bahasa inggris": {"bahasa", "inggris"}, "language": {"bahasa", ""},
		"ulang": {"ulang", ""}, "restart": {"ulang", ""}, "menu": {"menu", ""},
		"batal daftar": {"", ""}, "Toko Batal": {"", ""}, "": {"", ""},
	}
	for in, want := range tests {
		w, a := GlobalWord(in)
		if w != want[0] || a != want[1] {
			t.Errorf("GlobalWord(%q) = %q, %q; want %q, %q", in, w, a, want[0], want[1])
		}
	}
}

func TestRoman(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"IV Jurai": "4 jurai", "Koto XI Tarusan": "koto 11 tarusan", "Lima Puluh Kota": "lima puluh kota", "Ii": "2", "il": "il", "vv": "vv"} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
