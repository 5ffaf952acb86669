package idn

import (
	"math"
	"testing"
	"time"
)

func TestDatesAndClock(t *testing.T) {
	t.Parallel()
	// 02:00 UTC on 8 December is 09:00 WIB the same day; 20:00 UTC on the
	// 7th is already the 8th in WIB.
	at := time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC)
	late := time.Date(2026, 12, 7, 20, 5, 0, 0, time.UTC)
	answer := time.Date(2024, 8, 17, 0, 0, 0, 0, time.UTC) // a date answer
	for _, tt := range []struct{ name, got, want string }{
		{"Date id", Date(answer, "id"), "17 Agustus 2024"},
		{"Date en", Date(answer, "en"), "17 August 2024"},
		{"DayDate id", DayDate(at, "id"), "Selasa, 8 Desember 2026"},
		{"DayDate en", DayDate(at, "en"), "Tuesday, 8 December 2026"},
		{"DayDate crosses midnight into WIB", DayDate(late, "id"), "Selasa, 8 Desember 2026"},
		{"Clock", Clock(at), "09.00 WIB"},
		{"Clock late", Clock(late), "03.05 WIB"},
		{"ClockSpan", ClockSpan(at), "09.00"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if _, off := time.Date(2026, 6, 1, 0, 0, 0, 0, WIB).Zone(); off != 7*3600 {
		t.Errorf("WIB offset = %d, want 7h", off)
	}
}

func TestThousandsAndRupiah(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		n      int64
		id, en string
		rp     string
	}{
		{0, "0", "0", "Rp0"},
		{999, "999", "999", "Rp999"},
		{1000, "1.000", "1,000", "Rp1.000"},
		{1234, "1.234", "1,234", "Rp1.234"},
		{1234567, "1.234.567", "1,234,567", "Rp1.234.567"},
		{-1500, "-1.500", "-1,500", "-Rp1.500"},
		{6800, "6.800", "6,800", "Rp6.800"},
		{1500000, "1.500.000", "1,500,000", "Rp1.500.000"},
		{-1250, "-1.250", "-1,250", "-Rp1.250"},
		{-100, "-100", "-100", "-Rp100"},
		{math.MinInt64, "-9.223.372.036.854.775.808", "-9,223,372,036,854,775,808", "-Rp9.223.372.036.854.775.808"},
	} {
		if got := Thousands(tt.n, "id"); got != tt.id {
			t.Errorf("Thousands(%d, id) = %q, want %q", tt.n, got, tt.id)
		}
		if got := Thousands(tt.n, "en"); got != tt.en {
			t.Errorf("Thousands(%d, en) = %q, want %q", tt.n, got, tt.en)
		}
		if got := Rupiah(tt.n); got != tt.rp {
			t.Errorf("Rupiah(%d) = %q, want %q", tt.n, got, tt.rp)
		}
	}
	if got := Thousands(int(-6800), "id"); got != "-6.800" {
		t.Errorf("Thousands(int) = %q", got)
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	tx := Text{ID: "Terima kasih", EN: "Thank you"}
	for lang, want := range map[string]string{"id": "Terima kasih", "en": "Thank you", "": "Terima kasih", "fr": "Terima kasih"} {
		if got := tx.In(lang); got != want {
			t.Errorf("In(%q) = %q, want %q", lang, got, want)
		}
	}
	if got := (Text{ID: "Hanya Indonesia"}).In("en"); got != "Hanya Indonesia" {
		t.Errorf("a text with no English falls back to Indonesian, got %q", got)
	}
	if got := Pick("en", "ya", "yes"); got != "yes" {
		t.Errorf("Pick = %q", got)
	}
}

func TestMasks(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, got, want string }{
		{"phone E.164", MaskPhone("+6281234567890"), "+62812****7890"},
		{"phone digits", MaskPhone("6281234567890"), "+62812****7890"},
		{"phone JID", MaskPhone("6281234567890@s.whatsapp.net"), "+62812****7890"},
		{"phone JID device", MaskPhone("6281234567890:12@s.whatsapp.net"), "+62812****7890"},
		{"phone spaced", MaskPhone("+62 812-3456-7890"), "+62812****7890"},
		{"phone short", MaskPhone("1234"), "+****"},
		{"phone empty", MaskPhone(""), ""},
		{"LID", MaskPhone("123456789012345@lid"), "123****345@lid"},
		{"not a number", MaskPhone("budi_santoso"), "bud****oso"},
		{"id", MaskID("1234567890"), "123****890"},
		{"id short", MaskID("12345"), "****"},
		{"id empty", MaskID(""), ""},
		{"address whatsapp", MaskAddress("whatsapp", "6281234567890"), "whatsapp:+62812****7890"},
		{"address whatsapp LID", MaskAddress("whatsapp", "123456789012345@lid"), "whatsapp:123****345@lid"},
		{"address telegram", MaskAddress("telegram", "1234567890"), "telegram:123****890"},
		{"address webchat", MaskAddress("webchat", "w-3f9a2c71d0"), "webchat:w-3****1d0"},
		{"NIK", MaskNIK("1301014506900001"), "1301********0001"},
		{"NIK short", MaskNIK("123"), "***"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestEnglish(t *testing.T) {
	t.Parallel()
	for lang, want := range map[string]bool{"en": true, "EN": true, "en-GB": true, "id": false, "": false, "e": false, "ms": false} {
		if got := English(lang); got != want {
			t.Errorf("English(%q) = %v, want %v", lang, got, want)
		}
		if got := (Text{ID: "ya", EN: "yes"}).In(lang) == "yes"; got != want {
			t.Errorf("Text.In(%q) English = %v, want %v", lang, got, want)
		}
	}
}
