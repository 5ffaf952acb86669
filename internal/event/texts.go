package event

import (
	"fmt"
	"time"

	"jejaring/internal/idn"
)

// FormatDate writes a date the Indonesian way: "Selasa, 8 Desember 2026".
func FormatDate(t time.Time) string { return idn.DayDate(t, "id") }

// FormatClock writes a time of day: "09.00 WIB".
func FormatClock(t time.Time) string { return idn.Clock(t) }

// FormatWhen writes an event's time span: "Selasa, 8 Desember 2026, 09.00–12.00 WIB".
func FormatWhen(ev *Event) string {
	s, e := ev.StartsAt.In(idn.WIB), ev.EndsAt.In(idn.WIB)
	if s.YearDay() == e.YearDay() && s.Year() == e.Year() {
		return fmt.Sprintf("%s, %s–%s", FormatDate(s), idn.ClockSpan(s), FormatClock(e))
	}
	return fmt.Sprintf("%s %s s.d. %s %s", FormatDate(s), FormatClock(s), FormatDate(e), FormatClock(e))
}
