package idn

import (
	"strconv"
	"time"
)

// WIB is Western Indonesia Time, Asia/Jakarta (UTC+7, no daylight saving),
// the zone every time shown to an owner or a clerk is written in. A fixed
// zone keeps the binary independent of the host's tzdata.
var WIB = time.FixedZone("WIB", 7*60*60)

var (
	monthsID = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
	daysID   = [...]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
)

// Date writes the calendar date t carries: "17 Agustus 2024" (lang "id")
// or "17 August 2024" (lang "en"). It does not change t's zone: a date
// answer is midnight UTC and means that day; an instant is first put in
// WIB by the caller, or written with DayDate.
func Date(t time.Time, lang string) string {
	if lang == "en" {
		return t.Format("2 January 2006")
	}
	return strconv.Itoa(t.Day()) + " " + monthsID[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// DayDate writes an instant's day in WIB with its weekday:
// "Selasa, 8 Desember 2026" (lang "id") or "Tuesday, 8 December 2026".
func DayDate(t time.Time, lang string) string {
	t = t.In(WIB)
	if lang == "en" {
		return t.Format("Monday, 2 January 2006")
	}
	return daysID[t.Weekday()] + ", " + Date(t, "id")
}

// Clock writes an instant's time of day in WIB, the Indonesian way with a
// dot: "09.00 WIB".
func Clock(t time.Time) string {
	return ClockSpan(t) + " WIB"
}

// ClockSpan is Clock without the zone name, for the start of a span written
// "09.00–12.00 WIB".
func ClockSpan(t time.Time) string {
	return t.In(WIB).Format("15.04")
}

// Thousands writes a whole number with its thousands grouped: "1.250.000"
// (lang "id", dots) or "1,250,000" (lang "en", commas); negative numbers
// keep their sign in front ("-6.800").
func Thousands[N ~int | ~int32 | ~int64](n N, lang string) string {
	sep := byte('.')
	if lang == "en" {
		sep = ','
	}
	return string(appendGrouped(nil, int64(n), sep))
}

// Rupiah writes a whole amount of rupiah as "Rp1.500.000" ("-Rp1.500" when
// negative), the form used in both languages.
func Rupiah(n int64) string {
	b := make([]byte, 0, 24)
	if n < 0 {
		b = append(b, '-')
	}
	b = append(b, "Rp"...)
	return string(appendGroupedAbs(b, n, '.'))
}

func appendGrouped(b []byte, n int64, sep byte) []byte {
	if n < 0 {
		b = append(b, '-')
	}
	return appendGroupedAbs(b, n, sep)
}

// appendGroupedAbs appends |n| with sep between groups of three digits.
func appendGroupedAbs(b []byte, n int64, sep byte) []byte {
	u := uint64(n)
	if n < 0 {
		u = -u // also right for the smallest int64
	}
	s := strconv.FormatUint(u, 10)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, sep)
		}
		b = append(b, s[i])
	}
	return b
}
