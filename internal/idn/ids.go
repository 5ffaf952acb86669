package idn

import (
	"fmt"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// NIK is a parsed national identity number. Province, Regency and District
// are the region codes where it was first issued, written as Kemendagri
// codes ("13", "13.01", "13.01.01").
type NIK struct {
	Digits   string
	Birth    time.Time
	Female   bool
	Province string
	Regency  string
	District string
}

// stripID removes the spaces, dots and dashes people put in long numbers.
func stripID(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '\t':
			return -1
		}
		return r
	}, s)
}

// provinces are the Kemendagri province codes a NIK can start with
// (docs/domain.md): 11–19, 21, 31–36, 51–53, 61–65, 71–76, 81–82, 91–96.
var provinces = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range [][2]int{{11, 19}, {21, 21}, {31, 36}, {51, 53}, {61, 65}, {71, 76}, {81, 82}, {91, 96}} {
		for p := r[0]; p <= r[1]; p++ {
			m[fmt.Sprint(p)] = true
		}
	}
	return m
}()

// ParseNIKAt checks a NIK by the rules in docs/domain.md: 16 digits, a
// province that exists, a real birth date (women have 40 added to the day),
// serial not 0000. A NIK from any region of an existing province is
// accepted. now chooses the century: a two-digit birth year after now's
// year is read as 19xx.
func ParseNIKAt(s string, now time.Time) (NIK, error) {
	d := stripID(strings.TrimSpace(s))
	if len(d) != 16 || !onlyDigits(d) {
		return NIK{}, errf(CodeNIK,
			"NIK harus 16 angka, contoh: 1301014506900001",
			"The NIK must be 16 digits, for example: 1301014506900001")
	}
	day, _ := atoi(d[6:8])
	mon, _ := atoi(d[8:10])
	yy, _ := atoi(d[10:12])
	female := day > 40
	if female {
		day -= 40
	}
	year := 2000 + yy
	if year > now.Year() {
		year -= 100
	}
	birth, err := makeDate(year, time.Month(mon), day)
	if err != nil {
		return NIK{}, errf(CodeNIK,
			"Tanggal lahir di dalam NIK tidak cocok (angka ke-7 sampai ke-12). Mohon periksa lagi, contoh: 1301014506900001",
			"The birth date inside the NIK (digits 7 to 12) is not a real date. Please check it, for example: 1301014506900001")
	}
	if !provinces[d[:2]] {
		return NIK{}, errf(CodeNIK,
			fmt.Sprintf("Dua angka pertama NIK (%s) bukan kode provinsi. Mohon periksa lagi angka di KTP, contoh: 1301014506900001", d[:2]),
			fmt.Sprintf("The first two digits of the NIK (%s) are not a province code. Please check the number on the ID card, for example: 1301014506900001", d[:2]))
	}
	if d[12:] == "0000" {
		return NIK{}, errf(CodeNIK,
			"Empat angka terakhir NIK tidak boleh 0000. Mohon periksa lagi, contoh: 1301014506900001",
			"The last four digits of the NIK cannot be 0000. Please check it, for example: 1301014506900001")
	}
	return NIK{
		Digits:   d,
		Birth:    birth,
		Female:   female,
		Province: d[0:2],
		Regency:  d[0:2] + "." + d[2:4],
		District: d[0:2] + "." + d[2:4] + "." + d[4:6],
	}, nil
}

// ParseNIB checks a Nomor Induk Berusaha: 13 digits (spaces, dots and dashes
// are removed) and returns the digits.
func ParseNIB(s string) (string, error) {
	d := stripID(strings.TrimSpace(s))
	if len(d) != 13 || !onlyDigits(d) {
		return "", errf(CodeNIB,
			"NIB harus 13 angka, contoh: 9120001234567. NIB ada di dokumen OSS Bapak/Ibu.",
			"The NIB must be 13 digits, for example: 9120001234567. It is on your OSS document.")
	}
	return d, nil
}

// KBLI is a business classification code with its section letter and the
// KBLI edition it belongs to.
type KBLI struct{ Code, Section, Version string }

// KBLIVersion is the edition ParseKBLI reads.
const KBLIVersion = "2020"

// kbli2020 maps each section of KBLI 2020 to its first and last two-digit
// division.
var kbli2020 = []struct {
	section  string
	from, to int
}{
	{"A", 1, 3}, {"B", 5, 9}, {"C", 10, 33}, {"D", 35, 35}, {"E", 36, 39},
	{"F", 41, 43}, {"G", 45, 47}, {"H", 49, 53}, {"I", 55, 56}, {"J", 58, 63},
	{"K", 64, 66}, {"L", 68, 68}, {"M", 69, 75}, {"N", 77, 82}, {"O", 84, 84},
	{"P", 85, 85}, {"Q", 86, 88}, {"R", 90, 93}, {"S", 94, 96}, {"T", 97, 98},
	{"U", 99, 99},
}

// KBLISection returns the KBLI 2020 section letter of a two-digit division,
// or "" when no section has it.
func KBLISection(division int) string {
	for _, s := range kbli2020 {
		if division >= s.from && division <= s.to {
			return s.section
		}
	}
	return ""
}

// ParseKBLI checks a 5-digit KBLI 2020 code and finds its section letter.
func ParseKBLI(s string) (KBLI, error) {
	d := stripID(strings.TrimSpace(s))
	bad := errf(CodeKBLI,
		"Kode KBLI harus 5 angka, contoh: 56101 (restoran)",
		"A KBLI code is 5 digits, for example: 56101 (restaurant)")
	if len(d) != 5 || !onlyDigits(d) {
		return KBLI{}, bad
	}
	div, _ := atoi(d[:2])
	sec := KBLISection(div)
	if sec == "" {
		return KBLI{}, errf(CodeKBLI,
			fmt.Sprintf("Kode KBLI %s tidak ada (golongan %s tidak dikenal). Contoh yang benar: 56101 (restoran)", d, d[:2]),
			fmt.Sprintf("KBLI code %s does not exist (division %s is unknown). A valid example: 56101 (restaurant)", d, d[:2]))
	}
	return KBLI{Code: d, Section: sec, Version: KBLIVersion}, nil
}

// NormalizePhone turns what owners type ("0812-3456-7890", "+62 812 3456 7890",
// "62812...") into E.164 ("+6281234567890"). The number must be a valid
// Indonesian mobile or fixed-line number.
func NormalizePhone(s string) (string, error) {
	t := strings.TrimSpace(s)
	if e164, ok := fastMobile(t); ok {
		return e164, nil
	}
	bad := errf(CodePhone,
		"Nomor HP belum benar. Mohon tulis seperti ini: 0812-3456-7890",
		"That phone number does not look right. Please write it like this: 0812-3456-7890")
	if t == "" || len(t) > 40 {
		return "", bad
	}
	return slowPhone(t, bad)
}

// fastMobile reads the usual way owners write an Indonesian mobile number
// (0812-3456-7890, +62 812 3456 7890, 62812..., 812...: digits with
// spaces, dashes or dots) without libphonenumber, whose Parse costs
// microseconds and dozens of allocations. It answers only for a national
// number libphonenumber itself takes as an Indonesian mobile — its pattern
// for ID mobiles is 8[1-35-9]\d{7,10} — and otherwise says !ok, and
// slowPhone decides; TestFastMobileAgrees checks the two agree.
func fastMobile(t string) (string, bool) {
	if len(t) > 40 {
		return "", false
	}
	var buf [24]byte
	d := buf[:0]
	plus := false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			if len(d) == len(buf) {
				return "", false
			}
			d = append(d, c)
		case c == '+' && i == 0:
			plus = true
		case c == ' ' || c == '-' || c == '.':
		default:
			return "", false
		}
	}
	switch {
	case len(d) > 2 && d[0] == '6' && d[1] == '2':
		d = d[2:]
	case plus:
		return "", false
	case len(d) > 1 && d[0] == '0':
		d = d[1:]
	}
	if len(d) < 9 || len(d) > 12 || d[0] != '8' || d[1] == '0' || d[1] == '4' {
		return "", false
	}
	return "+62" + string(d), true
}

// slowPhone is NormalizePhone through libphonenumber.
func slowPhone(t string, bad error) (string, error) {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, t)
	if !strings.HasPrefix(t, "+") && strings.HasPrefix(digits, "62") {
		t = "+" + t
	}
	num, err := phonenumbers.Parse(t, "ID")
	if err != nil || num.GetCountryCode() != 62 || !phonenumbers.IsValidNumber(num) {
		return "", bad
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE, phonenumbers.FIXED_LINE_OR_MOBILE:
	default:
		return "", bad
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}
