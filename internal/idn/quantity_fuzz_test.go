package idn

import (
	"testing"
	"time"
)

// FuzzQuantity: the readers of counts, years and per-period money never
// panic, and what they accept is in range.
func FuzzQuantity(f *testing.F) {
	for _, s := range []string{"3 orang", "2 org, sama anak saya", "saya dan istri", "sejak thn 2015", "5 tahun lalu",
		"10jt/bln", "± 5jt", "dua setengah juta", "seventy-five million a month", "-5 juta", "5-10 juta", "kira2 3",
		"a", "and", "setengah", "2,", "+-", "1.2.3", "Rp. 50.000,-", "satu juta setengah", "sebulan sehari"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := ParseCount(s, CountPeople); err == nil && n < 0 {
			t.Errorf("ParseCount(%q) = %d", s, n)
		}
		if y, err := ParseYear(s, now); err == nil && (y.Year < 1900 && !y.Relative || y.Year > 2026) {
			t.Errorf("ParseYear(%q) = %+v", s, y)
		}
		if a, err := ParseAmount(s, "en"); err == nil && (a.Rupiah < 0 || a.Rupiah > 1e15) {
			t.Errorf("ParseAmount(%q) = %+v", s, a)
		}
		_, _ = ParseNumberWords(s)
	})
}
