package idn

import (
	"testing"
	"time"
)

func TestParseCount(t *testing.T) {
	t.Parallel()
	ok := map[string]int64{
		"3": 3, "3 orang": 3, "2 org": 2, "4 orang skrg": 4, "2 orang, sama anak saya": 2, "tiga": 3,
		"sepuluh": 10, "dua puluh lima": 25, "sebelas": 11, "seratus": 100, "saya sendiri": 1, "sendiri": 1,
		"berdua": 2, "saya dan istri": 2, "saya + 2 karyawan": 3, "sekitar 10 orang": 10, "±5 karyawan": 5,
		"kurang lebih 7 orang": 7, "3 orang termasuk saya": 3, "3 orang + saya": 4, "duo urang": 2,
		"five people": 5, "just me": 1, "twenty one": 21, "2 orang sama anak saya": 2, "0": 0,
	}
	for in, want := range ok {
		got, err := ParseCount(in, CountPeople)
		if err != nil || got != want {
			t.Errorf("ParseCount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"1,5", "2 atau 3", "2-3 orang", "banyak", "3 orang dan saya", "dua tiga", "", "saya dan anak2"} {
		if got, err := ParseCount(in, CountPeople); err == nil {
			t.Errorf("ParseCount(%q) = %d, want an error", in, got)
		} else if e := err.(*Error); e.ID == "" || !contains(e.ID, "3") {
			t.Errorf("ParseCount(%q) error %q has no people example", in, e.ID)
		}
	}
}

func contains(s, sub string) bool {
	return len(s) >= len(sub) && (s == sub || len(sub) == 0 || indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestParseYear(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ok := map[string]Year{
		"2015": {Year: 2015}, "sejak 2015": {Year: 2015}, "tahun 2015": {Year: 2015}, "thn 2015": {Year: 2015},
		"th. 2015": {Year: 2015}, "± 2015": {Year: 2015}, "sekitar tahun 2015": {Year: 2015}, "Maret 2015": {Year: 2015},
		"17 agustus 2015": {Year: 2015}, "dua ribu lima belas": {Year: 2015}, "5 tahun lalu": {Year: 2021, Relative: true},
		"sudah 5 tahun": {Year: 2021, Relative: true}, "tahun lalu": {Year: 2025, Relative: true}, "tahun ini": {Year: 2026},
		"kurang lebih 2010": {Year: 2010}, "since 2019": {Year: 2019}, "3 years ago": {Year: 2023, Relative: true},
		"dari thn 2008": {Year: 2008}, "awal 2020": {Year: 2020}, "2015an": {Year: 2015},
	}
	for in, want := range ok {
		got, err := ParseYear(in, now)
		if err != nil || got != want {
			t.Errorf("ParseYear(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"2099", "15", "tahun 15", "1850", "2015 atau 2016", "lama", "1,5 tahun lalu", ""} {
		if got, err := ParseYear(in, now); err == nil {
			t.Errorf("ParseYear(%q) = %+v, want an error", in, got)
		} else if e := err.(*Error); !contains(e.ID, "2015") {
			t.Errorf("ParseYear(%q) error %q has no year example", in, e.ID)
		}
	}
}

func TestParseAmount(t *testing.T) {
	t.Parallel()
	ok := map[string]Amount{
		"10 juta per bulan":         {Rupiah: 10_000_000, Per: PerMonth},
		"10jt/bln":                  {Rupiah: 10_000_000, Per: PerMonth},
		"sebulan 10 juta":           {Rupiah: 10_000_000, Per: PerMonth},
		"500rb sehari":              {Rupiah: 500_000, Per: PerDay},
		"tiap minggu 2 juta":        {Rupiah: 2_000_000, Per: PerWeek},
		"120 juta setahun":          {Rupiah: 120_000_000, Per: PerYear},
		"tujuh puluh lima juta":     {Rupiah: 75_000_000},
		"dua setengah juta":         {Rupiah: 2_500_000},
		"sekitar 5 jt":              {Rupiah: 5_000_000, Approx: true},
		"± 5jt":                     {Rupiah: 5_000_000, Approx: true},
		"kurang lebih 100 juta":     {Rupiah: 100_000_000, Approx: true},
		"75 million":                {Rupiah: 75_000_000},
		"1.2 billion":               {Rupiah: 1_200_000_000},
		"75 million a month":        {Rupiah: 75_000_000, Per: PerMonth},
		"2015":                      {Rupiah: 2015, Plain: true},
		"Rp 1.500.000":              {Rupiah: 1_500_000},
		"seratus lima puluh rb":     {Rupiah: 150_000},
		"satu juta lima ratus ribu": {Rupiah: 1_500_000},
		"Rp. 50.000,-":              {Rupiah: 50_000},
		"10 juta dalam 1 bulan":     {Rupiah: 10_000_000, Per: PerMonth},
	}
	for in, want := range ok {
		got, err := ParseAmount(in, "id")
		if err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"banyak", "jutaan", "10 juta sebulan 100 juta setahun", "", "1 juta 500"} {
		if got, err := ParseAmount(in, "id"); err == nil {
			t.Errorf("ParseAmount(%q) = %+v, want an error", in, got)
		}
	}
	if _, err := ParseAmount("75m", "en"); err == nil {
		t.Error(`ParseAmount("75m", "en") accepted an ambiguous m`)
	}
	if a, err := ParseAmount("2 M", "id"); err != nil || a.Rupiah != 2e9 {
		t.Errorf(`ParseAmount("2 M", "id") = %+v, %v; want 2 miliar`, a, err)
	}
}
