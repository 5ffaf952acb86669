package flow

import (
	"fmt"
	"slices"
	"testing"
)

var kecamatan = kecamatanList(false)

// kecamatanList is Pesisir Selatan's kecamatan; with aliases, some of the
// ways owners name them (as internal/umkm supplies them: common names, the
// capital Painan, and nagari such as Salido).
func kecamatanList(aliases bool) []Choice {
	names := []string{"Pancung Soal", "Ranah Pesisir", "Lengayang", "Batang Kapas", "IV Jurai", "Bayang",
		"Koto XI Tarusan", "Sutera", "Linggo Sari Baganti", "Lunang", "Basa Ampek Balai Tapan",
		"IV Nagari Bayang Utara", "Airpura", "Ranah Ampek Hulu Tapan", "Silaut"}
	al := map[int][]string{
		1:  {"inderapura", "indrapura"},
		5:  {"painan", "salido", "Painan Timur Painan"},
		7:  {"tarusan", "mandeh"},
		11: {"tapan"},
		12: {"bayang utara", "iv nagari"},
		13: {"air pura"},
	}
	out := make([]Choice, len(names))
	for i, n := range names {
		out[i] = Choice{Label: n, Value: fmt.Sprintf("13.01.%02d", i+1)}
		if aliases {
			out[i].Aliases = al[i+1]
		}
	}
	return out
}

func TestMatchChoice(t *testing.T) {
	t.Parallel()
	const (
		notOption = "Pilihan itu tidak ada. Mohon pilih salah satu dari daftar atau tulis namanya."
		tapan     = "Maksud Bapak/Ibu yang mana: Basa Ampek Balai Tapan, Ranah Ampek Hulu Tapan?"
	)
	tests := []struct {
		in      string
		aliases bool   // the list with aliases
		want    string // value, "" = refused
		err     string // the refusal (checked when set)
	}{
		{in: "7", want: "13.01.07"},
		{in: "no 7", want: "13.01.07"},
		{in: "nomor tujuh", want: "13.01.07"},
		{in: "16", err: notOption},
		{in: "0", err: notOption},
		{in: "Koto XI Tarusan", want: "13.01.07"},
		{in: "koto xi tarusan", want: "13.01.07"},
		{in: "  KOTO   XI  TARUSAN ", want: "13.01.07"},
		{in: "tarusan", want: "13.01.07"},
		{in: "koto 11 tarusan", want: "13.01.07"},
		{in: "koto sebelas tarusan", want: "13.01.07"}, // number words
		{in: "Koto Sabaleh Tarusan", want: "13.01.07"}, // in Minang
		{in: "koto", want: "13.01.07"},
		{in: "taru", want: "13.01.07"}, // the start of a word
		{in: "4 jurai", want: "13.01.05"},
		{in: "iv jurai", want: "13.01.05"},
		{in: "empat jurai", want: "13.01.05"},
		{in: "basa ampek balai tapan", want: "13.01.11"},
		{in: "basa empat balai tapan", want: "13.01.11"},
		{in: "bayang", want: "13.01.06"},       // exact beats part of "IV Nagari Bayang Utara"
		{in: "bayng", want: "13.01.06"},        // a typo of a whole label beats one of a word
		{in: "bayang utara", want: "13.01.12"}, // whole words of one label
		{in: "tapan", err: tapan},              // two labels: ambiguous
		{in: "ranah", err: "Maksud Bapak/Ibu yang mana: Ranah Pesisir, Ranah Ampek Hulu Tapan?"},
		{in: "lenggayang", want: "13.01.03"},  // one typo
		{in: "silaud", want: "13.01.15"},      // one typo
		{in: "lunag", want: "13.01.10"},       // one typo
		{in: "pancung sol", want: "13.01.01"}, // one typo
		{in: "airpura", want: "13.01.13"},
		{in: "pura", want: "13.01.13"},         // a part of a word
		{in: "13.01.08", want: "13.01.08"},     // the value itself
		{in: "painan", err: notOption},         // the capital, not a kecamatan
		{in: "salido", err: notOption},         // a nagari of IV Jurai, not Pancung Soal
		{in: "Salido, Painan", err: notOption}, // nor anything else
		{in: "soal", want: "13.01.01"},
		{in: "sola", err: notOption}, // a typo of a short word is another word
		{in: "surera", want: "13.01.08"},
		{in: "batang", want: "13.01.04"},
		{in: "batu kapas", err: "Pilihan itu tidak ada. Mungkin maksudnya: Batang Kapas? Balas *ya* kalau betul, atau pilih dari daftar."},
		{in: "kampung baru", err: notOption},
		{in: "lenggayng", want: "13.01.03"},
		{in: "lenggyng", want: "13.01.03"},
		{in: "linggo sri bagnti", want: "13.01.09"},
		{in: "linggo sri bgnti", err: "Pilihan itu tidak ada. Mungkin maksudnya: Linggo Sari Baganti? Balas *ya* kalau betul, atau pilih dari daftar."},
		{in: "", err: notOption},
		{in: "xyz", err: notOption},
		// With aliases.
		{in: "painan", aliases: true, want: "13.01.05"},
		{in: "PAINAN!", aliases: true, want: "13.01.05"},
		{in: "salido", aliases: true, want: "13.01.05"},
		{in: "painan timur", aliases: true, want: "13.01.05"}, // words of an alias
		{in: "tapan", aliases: true, want: "13.01.11"},        // an alias beats two labels
		{in: "indrapura", aliases: true, want: "13.01.01"},
		{in: "inderpura", aliases: true, want: "13.01.01"}, // a typo of an alias
		{in: "mandeh", aliases: true, want: "13.01.07"},
		{in: "bayang", aliases: true, want: "13.01.06"}, // a label beats an alias
		{in: "koto sebelas tarusan", aliases: true, want: "13.01.07"},
		{in: "4 jurai", aliases: true, want: "13.01.05"},
		{in: "bayng", aliases: true, want: "13.01.06"},
		{in: "kambang", aliases: true, err: notOption},
		{in: "7", aliases: true, want: "13.01.07"},
	}
	for _, tc := range tests {
		list := kecamatanList(tc.aliases)
		i, err := MatchChoice(list, tc.in)
		got, msg := "", ""
		if err == nil {
			got = list[i].Value
		} else {
			msg = err.ID
			if i != -1 {
				t.Errorf("MatchChoice(%q) = %d with an error", tc.in, i)
			}
		}
		if got != tc.want || (tc.err != "" && msg != tc.err) {
			t.Errorf("MatchChoice(%q, aliases %v) = %q (err %q), want %q (err %q)", tc.in, tc.aliases, got, msg, tc.want, tc.err)
		}
	}
}

func TestMatchChoices(t *testing.T) {
	t.Parallel()
	needs := []Choice{{Label: "Modal", Value: "modal"}, {Label: "Pembeli / pasar", Value: "pasar"}, {Label: "Pemasok bahan", Value: "pemasok"}, {Label: "Pendampingan", Value: "pendampingan"}, {Label: "Perizinan", Value: "izin"}}
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
		if got := rupiah(in); got != want {
			t.Errorf("rupiah(%v) = %q, want %q", in, got, want)
		}
	}
	if got := formatDate("2024-08-17", "id"); got != "17 Agustus 2024" {
		t.Errorf("date id: %q", got)
	}
	if got := formatDate("2024-08-17", "en"); got != "17 August 2024" {
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
