package event

import (
	"fmt"
	"strings"
	"time"
)

// WIB is Asia/Jakarta time (UTC+7, no daylight saving). A fixed zone keeps
// the binary independent of the host's tzdata.
var WIB = time.FixedZone("WIB", 7*60*60)

var (
	dayNames   = [...]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
	monthNames = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
)

// FormatDate writes a date the Indonesian way: "Selasa, 8 Desember 2026".
func FormatDate(t time.Time) string {
	t = t.In(WIB)
	return fmt.Sprintf("%s, %d %s %d", dayNames[t.Weekday()], t.Day(), monthNames[t.Month()-1], t.Year())
}

// FormatClock writes a time of day: "09.00 WIB".
func FormatClock(t time.Time) string {
	t = t.In(WIB)
	return fmt.Sprintf("%02d.%02d WIB", t.Hour(), t.Minute())
}

// FormatWhen writes an event's time span: "Selasa, 8 Desember 2026, 09.00–12.00 WIB".
func FormatWhen(ev *Event) string {
	s, e := ev.StartsAt.In(WIB), ev.EndsAt.In(WIB)
	if s.YearDay() == e.YearDay() && s.Year() == e.Year() {
		return fmt.Sprintf("%s, %02d.%02d–%s", FormatDate(s), s.Hour(), s.Minute(), FormatClock(e))
	}
	return fmt.Sprintf("%s %s s.d. %s %s", FormatDate(s), FormatClock(s), FormatDate(e), FormatClock(e))
}

// Thousands writes n with Indonesian thousands dots: 6800 → "6.800".
func Thousands(n int) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
