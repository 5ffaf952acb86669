package sheet

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/idn"
)

// emptyWords are what registers write in a cell that has nothing: "-",
// "belum ada", "tidak ada".
var emptyWords = map[string]bool{
	"-": true, "--": true, "---": true, "–": true, "—": true, ".": true, "?": true, "x": true,
	"belum ada": true, "tidak ada": true, "tdk ada": true, "blm ada": true, "belum": true, "tidak": true, "tdk": true,
	"kosong": true, "nihil": true, "n/a": true, "na": true, "null": true, "none": true, "tidak tahu": true, "tdk tau": true,
	"belum punya": true, "tidak punya": true, "blm punya": true, "belum diisi": true,
}

// blank reports whether a cell holds nothing.
func blank(s string) bool {
	t := strings.ToLower(strings.Join(strings.Fields(s), " "))
	return t == "" || emptyWords[t]
}

// readMoney reads an amount the way the chat does (idn.ParseAmount:
// "Rp 25.000.000", "25 jt", "1,5 M", "sekitar 10 juta", "2 jt/bln"), or a
// plain number as Excel stores it (25000000, 1.5E+10). per is the period
// the cell itself names ("" when none).
func readMoney(s string) (int64, idn.Period, error) {
	if n, err := idn.ParseMoney(s); err == nil {
		return n, "", nil
	}
	if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
		if f >= 0 && f < 1e15 {
			return int64(math.Round(f)), "", nil
		}
		return 0, "", errors.New("out of range")
	}
	a, err := idn.ParseAmount(s, "id")
	if err != nil {
		return 0, "", err
	}
	return a.Rupiah, a.Per, nil
}

// perYear is how many of period fit in a year.
func perYear(p idn.Period) int64 {
	switch p {
	case idn.PerDay:
		return 365
	case idn.PerWeek:
		return 52
	case idn.PerMonth:
		return 12
	}
	return 1
}

// readCount reads a number of people: "3", "3 orang", "2 org", "tiga",
// "saya sendiri", or Excel's 3.0.
func readCount(s string) (int, error) {
	if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && f >= 0 && f == math.Trunc(f) && f < 1e6 {
		return int(f), nil
	}
	n, err := idn.ParseCount(s, idn.CountPeople)
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// readYear reads the year a business started: "2015", "sejak 2015", a date,
// or an Excel date serial (42370 is 2016-01-01).
func readYear(s string, now time.Time) (int, error) {
	if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && f > 3000 && f < 80000 {
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f)).Year(), nil
	}
	if y, err := idn.ParseYear(s, now); err == nil {
		return y.Year, nil
	}
	if d, err := idn.ParseDate(s); err == nil {
		return d.Year(), nil
	}
	_, err := idn.ParseYear(s, now)
	return 0, err
}

// idDigits undoes what a spreadsheet does to a long number: the
// apostrophe that kept it text, Excel's 1.30107550690001E+15, a trailing
// ".0"; spaces, dots and dashes between groups are left to the validators.
func idDigits(s string) string {
	t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "'"))
	if strings.ContainsAny(t, "eE") {
		if f, err := strconv.ParseFloat(t, 64); err == nil && f > 0 {
			return strconv.FormatFloat(f, 'f', 0, 64)
		}
	}
	if strings.HasSuffix(t, ".0") && !strings.Contains(t[:len(t)-2], ".") {
		t = t[:len(t)-2]
	}
	return t
}

// splitPhones splits a cell that holds more than one number: "0812… /
// 0813…", "0812…, 0751…", "0812… atau 0813…", two numbers on two lines.
func splitPhones(s string) []string {
	t := strings.NewReplacer(" atau ", "/", " dan ", "/", " / ", "/", ";", "/", ",", "/", "\n", "/", "&", "/", "|", "/").Replace(strings.ToLower(s))
	var out []string
	for _, p := range strings.Split(t, "/") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		// "0812 3456 7890 0813 1111 2222": two numbers with only spaces
		// between them.
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, p)
		if len(digits) >= 20 {
			// a new number starts at a 0 or +62 once the current one has
			// enough digits.
			var cur []string
			n := 0
			for _, f := range strings.Fields(p) {
				if n >= 9 && (strings.HasPrefix(f, "0") || strings.HasPrefix(f, "+")) {
					out = append(out, strings.Join(cur, " "))
					cur, n = nil, 0
				}
				cur = append(cur, f)
				for _, r := range f {
					if r >= '0' && r <= '9' {
						n++
					}
				}
			}
			out = append(out, strings.Join(cur, " "))
			continue
		}
		out = append(out, p)
	}
	return out
}

// phoneDigits prepares one number: a number Excel stored as a number has
// lost its leading 0 (81234567890) or kept its country code (6281234567890).
func phoneDigits(s string) string {
	t := idDigits(s)
	t = strings.TrimPrefix(t, "'")
	if strings.HasPrefix(t, "8") {
		return "0" + t
	}
	return t
}

// mobile reports whether an E.164 number is an Indonesian mobile.
func mobile(e164 string) bool { return strings.HasPrefix(e164, "+628") }
