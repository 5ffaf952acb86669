package idn

import (
	"strconv"
	"strings"
	"time"
)

var monthNames = map[string]time.Month{
	"januari": 1, "jan": 1, "january": 1,
	"februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
	"maret": 3, "mar": 3, "march": 3,
	"april": 4, "apr": 4,
	"mei": 5, "may": 5,
	"juni": 6, "jun": 6, "june": 6,
	"juli": 7, "jul": 7, "july": 7,
	"agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "aug": 8, "august": 8,
	"september": 9, "sep": 9, "sept": 9,
	"oktober": 10, "okt": 10, "oct": 10, "october": 10,
	"november": 11, "nopember": 11, "nov": 11, "nop": 11,
	"desember": 12, "des": 12, "dec": 12, "december": 12,
}

var weekdays = map[string]bool{
	"senin": true, "selasa": true, "rabu": true, "kamis": true, "jumat": true, "jum'at": true,
	"sabtu": true, "minggu": true, "ahad": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true,
}

// dateLead are words before a date that only say what it is.
var dateLead = map[string]bool{"tgl": true, "tanggal": true, "sejak": true, "mulai": true, "dari": true,
	"pada": true, "since": true, "on": true, "from": true, "semenjak": true}

func dateErr() *Error {
	return errf(CodeDate,
		"Mohon tulis tanggal seperti ini: 17 Agustus 2024 atau 17-08-2024",
		"Please write the date like this: 17 August 2024 or 17-08-2024")
}

// ParseDate reads a calendar date: "17 Agustus 2024", "17 agt 2024",
// "17-08-2024", "17/8/24", "2024-08-17", "August 17, 2024", with an optional
// weekday in front ("Sabtu, 17 Agustus 2024"). Numeric dates are day first.
// A two-digit year 00–68 is 20xx, 69–99 is 19xx. The result is midnight UTC.
func ParseDate(s string) (time.Time, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.NewReplacer(",", " ").Replace(t)
	f := strings.Fields(t)
	for len(f) > 1 && dateLead[strings.TrimSuffix(f[0], ".")] {
		f = f[1:] // "tgl 17 agustus 2019", "sejak 1 mei 2020"
	}
	if len(f) > 0 && weekdays[f[0]] {
		f = f[1:]
	}
	var y, d int
	var m time.Month
	var ok bool
	switch len(f) {
	case 1:
		y, m, d, ok = numericDate(f[0])
	case 3:
		if mm, isName := monthNames[strings.TrimSuffix(f[1], ".")]; isName {
			d, ok = atoi(f[0])
			y, ok = yearOf(f[2], ok)
			m = mm
		} else if mm, isName := monthNames[strings.TrimSuffix(f[0], ".")]; isName {
			d, ok = atoi(f[1])
			y, ok = yearOf(f[2], ok)
			m = mm
		}
	}
	if !ok {
		return time.Time{}, dateErr()
	}
	return makeDate(y, m, d)
}

func makeDate(y int, m time.Month, d int) (time.Time, error) {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, dateErr()
	}
	tm := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if tm.Day() != d || tm.Month() != m {
		return time.Time{}, errf(CodeDate,
			"Tanggal itu tidak ada di kalender. Mohon periksa lagi, contoh: 17 Agustus 2024",
			"That date does not exist. Please check it, for example: 17 August 2024")
	}
	return tm, nil
}

func numericDate(s string) (y int, m time.Month, d int, ok bool) {
	sep := ""
	for _, c := range []string{"-", "/", "."} {
		if strings.Count(s, c) == 2 {
			sep = c
			break
		}
	}
	if sep == "" {
		return 0, 0, 0, false
	}
	p := strings.Split(s, sep)
	if len(p[0]) == 4 { // ISO: year first
		y, ok1 := atoi(p[0])
		mm, ok2 := atoi(p[1])
		d, ok3 := atoi(p[2])
		return y, time.Month(mm), d, ok1 && ok2 && ok3 && len(p[1]) <= 2 && len(p[2]) <= 2
	}
	d, ok1 := atoi(p[0])
	mm, ok2 := atoi(p[1])
	y, ok3 := yearOf(p[2], true)
	return y, time.Month(mm), d, ok1 && ok2 && ok3 && len(p[0]) <= 2 && len(p[1]) <= 2
}

func yearOf(s string, ok bool) (int, bool) {
	if !ok {
		return 0, false
	}
	y, ok := atoi(s)
	if !ok {
		return 0, false
	}
	switch len(s) {
	case 2:
		if y <= 68 {
			return 2000 + y, true
		}
		return 1900 + y, true
	case 4:
		return y, true
	}
	return 0, false
}

func atoi(s string) (int, bool) {
	if !onlyDigits(s) || len(s) > 4 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
