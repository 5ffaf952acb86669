package idn

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

func TestParseMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
	}{
		{"Rp 1.500.000", 1_500_000},
		{"1,5 juta", 1_500_000},
		{"1.5jt", 1_500_000},
		{"750rb", 750_000},
		{"750 ribu", 750_000},
		{"2 M", 2_000_000_000},
		{"2 miliar", 2_000_000_000},
		{"2 milyar", 2_000_000_000},
		{"Rp2,5 M", 2_500_000_000},
		{"200000", 200_000},
		{"Rp. 50.000,-", 50_000},
		{"Rp 50.000,00", 50_000},
		{"IDR 1,500,000", 1_500_000},
		{"rp 25jt", 25_000_000},
		{"0", 0},
		{"1 triliun", 1_000_000_000_000},
		{"500k", 500_000},
		{"1.000.000.000", 1_000_000_000},
		{"  Rp 10 juta  ", 10_000_000},
		{"1 juta 500 ribu", 1_500_000},
		{"2 M 250 jt", 2_250_000_000},
		{"Rp 3 jt.", 3_000_000},
	}
	for _, tt := range tests {
		got, err := ParseMoney(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "-500", "Rp -1.000", "abc", "satu juta", "1,5 jutaan", "1.2.3", "12..5", "1,5", "Rp", "1e6", "5 dolar", "99999999999 triliun", "500 ribu 1 juta", "1 juta 2 juta", "1 juta 500", "juta"} {
		if got, err := ParseMoney(bad); err == nil {
			t.Errorf("ParseMoney(%q) = %d, want error", bad, got)
		} else {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeMoney || e.EN == "" {
				t.Errorf("ParseMoney(%q) error %v is not an idn money Error", bad, err)
			}
		}
	}
}

func TestParseNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want float64
	}{
		{"1.250", 1250}, {"1,5", 1.5}, {"12", 12}, {"1.5", 1.5}, {"1.250,75", 1250.75},
		{"1,250.75", 1250.75}, {"1.000.000", 1e6}, {"-3", -3}, {"0,25", 0.25}, {" 7 ", 7},
	}
	for _, tt := range tests {
		got, err := ParseNumber(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "dua belas", "1.2.3,4,5", "1,", "--1", "12a"} {
		if _, err := ParseNumber(bad); err == nil {
			t.Errorf("ParseNumber(%q): want error", bad)
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	aug17 := time.Date(2024, 8, 17, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"17 Agustus 2024", aug17},
		{"17 agt 2024", aug17},
		{"17-08-2024", aug17},
		{"17/8/24", aug17},
		{"2024-08-17", aug17},
		{"17.08.2024", aug17},
		{"August 17, 2024", aug17},
		{"17 August 2024", aug17},
		{"Sabtu, 17 Agustus 2024", aug17},
		{"1 Mei 1990", time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC)},
		{"5/6/85", time.Date(1985, 6, 5, 0, 0, 0, 0, time.UTC)},
		{"29 Februari 2024", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"3 Des 2026", time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)},
		{"10 Nopember 2020", time.Date(2020, 11, 10, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "besok", "31 Juni 2024", "29 Februari 2023", "32-01-2024", "17-13-2024", "17 Agustus", "2024/08", "17 foo 2024", "0-0-0"} {
		if got, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) = %v, want error", bad, got)
		}
	}
}

func TestParseNIK(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	n, err := ParseNIKAt("1301014506900001", now)
	if err != nil {
		t.Fatal(err)
	}
	want := NIK{Digits: "1301014506900001", Birth: time.Date(1990, 6, 5, 0, 0, 0, 0, time.UTC), Female: true, Province: "13", Regency: "13.01", District: "13.01.01"}
	if n != want {
		t.Errorf("got %+v, want %+v", n, want)
	}
	ok := []struct {
		in     string
		birth  string
		female bool
	}{
		{"1301070101850002", "1985-01-01", false},
		{"3171 0142 0203 0005", "2003-02-02", true},   // other region, spaces
		{"13.01.07.310112.0001", "2012-01-31", false}, // dots
		{"1301077112990003", "1999-12-31", true},      // day 71 = 31 for a woman
		{"1301072902000004", "2000-02-29", false},     // leap year 2000
		{"1301070101260001", "2026-01-01", false},
		{"1301070101270001", "1927-01-01", false}, // after this year: 19xx
	}
	for _, tt := range ok {
		n, err := ParseNIKAt(tt.in, now)
		if err != nil {
			t.Errorf("ParseNIKAt(%q): %v", tt.in, err)
			continue
		}
		if n.Birth.Format("2006-01-02") != tt.birth || n.Female != tt.female {
			t.Errorf("ParseNIKAt(%q) = %v female=%v; want %s female=%v", tt.in, n.Birth, n.Female, tt.birth, tt.female)
		}
	}
	bad := []string{
		"130101450690001",   // 15 digits
		"13010145069000012", // 17
		"1301014506900000",  // serial 0000
		"1301013206900001",  // day 32
		"1301017206900001",  // day 72 (woman 32)
		"1301014013900001",  // day 40 -> 0
		"1301010013900001",  // day 00
		"1301011513900001",  // month 13
		"1301013002900001",  // 30 Feb
		"130101450690000A",
		"",
	}
	for _, b := range bad {
		if _, err := ParseNIKAt(b, now); err == nil {
			t.Errorf("ParseNIKAt(%q): want error", b)
		}
	}
}

func TestParseNIB(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"9120001234567": "9120001234567", "912 0001 234 567": "9120001234567", "912-000-1234567": "9120001234567"} {
		if got, err := ParseNIB(in); err != nil || got != want {
			t.Errorf("ParseNIB(%q) = %q, %v", in, got, err)
		}
	}
	for _, b := range []string{"", "912000123456", "91200012345678", "912000123456x"} {
		if _, err := ParseNIB(b); err == nil {
			t.Errorf("ParseNIB(%q): want error", b)
		}
	}
}

func TestParseKBLI(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"01111": "A", "03111": "A", "05100": "B", "10710": "C", "33200": "C", "35101": "D",
		"38110": "E", "41011": "F", "47111": "G", "49421": "H", "56101": "I", "55110": "I",
		"62019": "J", "64190": "K", "68111": "L", "74100": "M", "79120": "N", "84111": "O",
		"85499": "P", "86103": "Q", "90002": "R", "96111": "S", "97000": "T", "99000": "U",
	}
	for in, sec := range tests {
		k, err := ParseKBLI(in)
		if err != nil || k.Section != sec || k.Code != in || k.Version != "2020" {
			t.Errorf("ParseKBLI(%q) = %+v, %v; want section %s", in, k, err, sec)
		}
	}
	for _, b := range []string{"", "5610", "561011", "abcde", "04000", "34000", "40000", "44000", "48000", "54000", "57000", "67000", "76000", "83000", "89000", "00000"} {
		if k, err := ParseKBLI(b); err == nil {
			t.Errorf("ParseKBLI(%q) = %+v, want error", b, k)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"0812-3456-7890", "+62 812 3456 7890", "6281234567890", "081234567890", "(0812) 3456 7890", "+62-812-3456-7890"} {
		if got, err := NormalizePhone(in); err != nil || got != "+6281234567890" {
			t.Errorf("NormalizePhone(%q) = %q, %v", in, got, err)
		}
	}
	// Fixed line in Painan (0756).
	if got, err := NormalizePhone("(0756) 21234"); err != nil || got != "+6275621234" {
		t.Errorf("fixed line: %q, %v", got, err)
	}
	for _, b := range []string{"", "12345", "+1 202 555 0123", "0812", "halo", "+44 7911 123456", "08123456789012345678"} {
		if got, err := NormalizePhone(b); err == nil {
			t.Errorf("NormalizePhone(%q) = %q, want error", b, got)
		}
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"Rp 1.500.000", "1,5 juta", "1.5jt", "750rb", "2 M", "Rp. 50.000,-", "-1", "1,2,3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseMoney(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseMoney(%q) = %d: negative", s, n)
		}
		// Round trip: the plain digits read back to the same amount.
		back, err := ParseMoney(strconv.FormatInt(n, 10))
		if err != nil || back != n {
			t.Fatalf("round trip of %d (from %q) = %d, %v", n, s, back, err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"17 Agustus 2024", "17/8/24", "2024-08-17", "August 17, 2024", "31 Juni 2024"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.Hour() != 0 || d.Location() != time.UTC {
			t.Fatalf("ParseDate(%q) = %v: not midnight UTC", s, d)
		}
		back, err := ParseDate(d.Format("2006-01-02"))
		if err != nil || !back.Equal(d) {
			t.Fatalf("round trip of %v (from %q) = %v, %v", d, s, back, err)
		}
	})
}

func FuzzParseNIK(f *testing.F) {
	for _, s := range []string{"1301014506900001", "1301070101850002", "13.01.07.310112.0001", "1301014506900000"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNIKAt(s, now)
		if err != nil {
			return
		}
		if len(n.Digits) != 16 || n.Digits[12:] == "0000" {
			t.Fatalf("ParseNIKAt(%q) accepted %+v", s, n)
		}
		back, err := ParseNIKAt(n.Digits, now)
		if err != nil || back != n {
			t.Fatalf("round trip of %q = %+v, %v", n.Digits, back, err)
		}
		if m := MaskNIK(n.Digits); len(m) != 16 || m[4:12] != "********" {
			t.Fatalf("MaskNIK(%q) = %q", n.Digits, m)
		}
	})
}

func BenchmarkParseMoney(b *testing.B) {
	in := []string{"Rp 1.500.000", "1,5 juta", "750rb", "2 M", "Rp. 50.000,-"}
	for i := 0; b.Loop(); i++ {
		if _, err := ParseMoney(in[i%len(in)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormalizePhone(b *testing.B) {
	for b.Loop() {
		if _, err := NormalizePhone("0812-3456-7890"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseNIK(b *testing.B) {
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		if _, err := ParseNIKAt("1301014506900001", now); err != nil {
			b.Fatal(err)
		}
	}
}
