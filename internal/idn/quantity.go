package idn

import (
	"strconv"
	"strings"
	"time"
)

// This file reads numbers with the words owners put around them: head
// counts ("3 orang", "2 org, sama anak saya", "saya sendiri", "berdua"),
// years ("sejak 2015", "thn 2015", "dua ribu lima belas", "5 tahun lalu")
// and money said per period ("10 jt sebulan", "500rb/hari", "75 million a
// month"). Anything it cannot read as exactly one value is refused with an
// *Error whose example fits the type, so the owner is asked again.

// approxWords mean "about"; an answer may carry them anywhere.
var approxWords = map[string]bool{
	"sekitar": true, "kira": true, "kiraan": true, "sekira": true, "kisaran": true, "kurleb": true,
	"kurlep": true, "lebihkurang": true, "kuranglebih": true, "about": true, "around": true,
	"roughly": true, "approximately": true, "approx": true, "circa": true, "ca": true, "kk": false,
	"rata": true, "ratarata": true, "average": true, "perkiraan": true, "estimasi": true,
	"kira2": true, "rata2": true, "kurleb2": true,
}

// politeWords carry no meaning in an answer.
var politeWords = map[string]bool{
	"pak": true, "bu": true, "bapak": true, "ibu": true, "ya": true, "yah": true, "sih": true, "kok": true,
	"lah": true, "deh": true, "dong": true, "kak": true, "nya": true, "itu": true, "yg": true, "yang": true,
	"cuma": true, "cuman": true, "hanya": true, "aja": true, "saja": true, "se": true, "lho": true,
	"only": true, "just": true, "ok": true, "oke": true, "kalau": true, "kalo": true, "tu": true,
	"da": true, "mah": true, "we": true, "i": true, "is": true, "its": true,
	"it": true, "are": true, "there": true, "have": true, "has": true, "my": true, "our": true,
}

// dropPairs removes two-word fillers ("kurang lebih", "lebih kurang",
// "kira kira").
//
// It also drops a number in words repeating the number before it, as
// formal Indonesian writes them: "3 (tiga) orang", "Rp 5.000.000 (lima
// juta rupiah)".
func dropPairs(toks []token) ([]token, bool) {
	approx := false
	out := toks[:0:0]
	for i := 0; i < len(toks); i++ {
		if i > 0 && toks[i].isNum && !toks[i].digits && toks[i-1].isNum && toks[i-1].digits && toks[i].num == toks[i-1].num {
			continue
		}
		if i+1 < len(toks) {
			a, b := toks[i].word, toks[i+1].word
			if (a == "kurang" && b == "lebih") || (a == "lebih" && b == "kurang") || (a == "kira" && b == "kira") ||
				(a == "rata" && b == "rata") || (a == "more" && b == "or") {
				approx = true
				i++
				if a == "more" && i+1 < len(toks) && toks[i+1].word == "less" {
					i++
				}
				continue
			}
		}
		out = append(out, toks[i])
	}
	return out, approx
}

func numbersIn(toks []token) []token {
	var out []token
	for _, t := range toks {
		if t.isNum {
			out = append(out, t)
		}
	}
	return out
}

func isInt(f float64) bool { return f == float64(int64(f)) }

// ---------------------------------------------------------------------------
// Counts.

// CountUnit says what a count counts: people ("orang", "karyawan") or
// things ("buah", "macam").
type CountUnit string

// Count units.
const (
	CountPeople CountUnit = "people"
	CountThings CountUnit = "count"
)

var peopleWords = map[string]bool{
	"orang": true, "org": true, "orng": true, "or": true, "orangnya": true, "karyawan": true, "karyawannya": true,
	"pekerja": true, "pekerjanya": true, "pegawai": true, "pegawainya": true, "tenaga": true, "kerja": true,
	"anggota": true, "jiwa": true, "personil": true, "crew": true, "kru": true, "anak": false,
	"people": true, "persons": true, "person": true, "workers": true, "worker": true, "employees": true,
	"employee": true, "staff": true, "staf": true, "urang": true, "nan": true, "bekerja": true, "karja": true,
}

var thingWords = map[string]bool{
	"buah": true, "biji": true, "pcs": true, "macam": true, "jenis": true, "kali": true, "unit": true,
	"item": true, "items": true, "kinds": true, "pieces": true, "times": true, "produk": true, "barang": true,
}

var countFillers = map[string]bool{
	"sekarang": true, "skrg": true, "skrng": true, "skg": true, "sekarng": true, "kini": true, "saat": true, "ini": true,
	"now": true, "currently": true, "ada": true, "ado": true, "total": true, "totalnya": true, "semua": true,
	"semuanya": true, "jumlah": true, "jumlahnya": true, "sebanyak": true, "kurang": false, "in": true,
	"all": true, "at": true, "the": true, "moment": true, "lai": true, "ko": true, "kini ko": true,
}

// oneWords answer a head count with one person: the owner alone.
var oneWords = map[string]bool{
	"sendiri": true, "sendirian": true, "seorang": true, "sorang": true, "surang": true, "diri": true,
	"alone": true, "myself": true, "me": true, "saya": true, "aku": true, "ambo": true, "awak": true,
	"by": true, "solo": true,
}

var groupWords = map[string]int{
	"berdua": 2, "bertiga": 3, "berempat": 4, "berlima": 5, "berenam": 6,
	"baduo": 2, "batigo": 3, "baampek": 4, "balimo": 5,
}

// selfWords name the owner.
var selfWords = map[string]bool{"saya": true, "aku": true, "ambo": true, "awak": true, "me": true, "i": true, "gue": true}

// companionWords are one other person ("saya dan istri").
var companionWords = map[string]bool{
	"istri": true, "isteri": true, "suami": true, "anak": true, "adik": true, "adek": true, "kakak": true,
	"ibu": true, "bapak": true, "ayah": true, "mama": true, "papa": true, "amak": true, "apak": true,
	"teman": true, "kawan": true, "kanti": true, "bini": true, "laki": true, "wife": true, "husband": true,
	"son": true, "daughter": true, "mother": true, "father": true, "friend": true, "partner": true,
	"uda": true, "uni": true, "mamak": true, "etek": true, "ponakan": true, "keponakan": true,
}

var joinWords = map[string]bool{"dan": true, "sama": true, "+": true, "&": true, "dengan": true, "dgn": true,
	"and": true, "with": true, "plus": true, "ditambah": true, "tambah": true, "jo": true, "samo": true}

// trailWords start a clause after the count that only describes it ("2
// orang, sama anak saya").
var trailWords = map[string]bool{",": true, "sama": true, "dengan": true, "dgn": true, "bersama": true,
	"yaitu": true, "yakni": true, "termasuk": true, "including": true, "with": true, "incl": true, "jo": true, "samo": true}

func countErr(u CountUnit) *Error {
	if u == CountPeople {
		return errf(CodeNumber, "Mohon tulis jumlah orangnya dengan angka, contoh: 3", "Please type the number of people, for example: 3")
	}
	return errf(CodeNumber, "Mohon tulis jumlahnya dengan angka, contoh: 3", "Please type the number, for example: 3")
}

// ParseCount reads a whole count: "3", "3 orang", "2 org", "4 orang
// skrg", "2 orang, sama anak saya", "tiga", "dua puluh lima", "sekitar
// 10", "±5 karyawan", "saya sendiri" (1), "berdua" (2), "saya dan istri"
// (2), "saya + 2 karyawan" (3). Two numbers ("2 atau 3"), fractions and
// words it does not know are refused with an example.
func ParseCount(s string, u CountUnit) (int64, error) {
	bad := countErr(u)
	toks, _ := dropPairs(tokenize(s))
	units := thingWords
	if u == CountPeople {
		units = peopleWords
	}
	var kept []token
	for _, t := range toks {
		w := t.word
		if !t.isNum && (units[w] || countFillers[w] || approxWords[w] || (politeWords[w] && !selfWords[w] && w != "i")) {
			continue
		}
		kept = append(kept, t)
	}
	if len(kept) == 0 {
		return 0, bad
	}
	// "berdua", "batigo", "bertiga sama keluarga".
	if !kept[0].isNum && u == CountPeople {
		if n, ok := groupWords[kept[0].word]; ok && (len(kept) == 1 || trailWords[kept[1].word] && len(numbersIn(kept)) == 0) {
			return int64(n), nil
		}
	}
	if u == CountPeople {
		if n, ok, err := selfCount(kept); ok || err != nil {
			if err != nil {
				return 0, err
			}
			return n, nil
		}
	}
	// The count, then perhaps a clause describing it.
	if !kept[0].isNum {
		return 0, bad
	}
	n := kept[0].num
	rest := kept[1:]
	if len(rest) > 0 {
		switch {
		case len(rest) == 2 && (rest[0].word == "+" || rest[0].word == "plus" || rest[0].word == "ditambah" || rest[0].word == "tambah") && selfWords[rest[1].word] && u == CountPeople:
			n++ // "3 orang + saya"
		case len(rest) == 2 && (rest[0].word == "termasuk" || rest[0].word == "sama" || rest[0].word == "dengan" || rest[0].word == "including" || rest[0].word == "with") && selfWords[rest[1].word]:
			// "3 orang termasuk saya": already counted.
		case trailWords[rest[0].word] && len(numbersIn(rest)) == 0:
			// "2 orang, sama anak saya": a description.
		default:
			if len(numbersIn(rest)) > 0 {
				return 0, errf(CodeNumber, "Mohon tulis satu angka saja, contoh: 3", "Please type just one number, for example: 3")
			}
			return 0, bad
		}
	}
	if !isInt(n) {
		return 0, errf(CodeNumber, "Jumlahnya tidak bisa pecahan. Mohon tulis angka bulat, contoh: 3", "That cannot be a fraction. Please type a whole number, for example: 3")
	}
	if n > 1e9 {
		return 0, bad
	}
	return int64(n), nil
}

// selfCount reads answers about the owner: "saya sendiri", "sendiri",
// "saya dan istri", "saya + 2 karyawan". ok is false when the answer is
// not of that kind.
func selfCount(kept []token) (int64, bool, error) {
	allOne := true
	for _, t := range kept {
		if t.isNum || !oneWords[t.word] {
			allOne = false
			break
		}
	}
	if allOne {
		return 1, true, nil
	}
	if !selfWords[kept[0].word] || len(kept) < 3 || !joinWords[kept[1].word] {
		return 0, false, nil
	}
	rest := kept[2:]
	if len(rest) == 2 && companionWords[rest[0].word] && selfWords[rest[1].word] {
		rest = rest[:1] // "saya dan istri saya"
	}
	if len(rest) == 1 && companionWords[rest[0].word] {
		return 2, true, nil // "saya dan istri"
	}
	if len(rest) == 1 && rest[0].isNum && isInt(rest[0].num) {
		return int64(rest[0].num) + 1, true, nil // "saya + 2 karyawan"
	}
	return 0, false, errf(CodeNumber, "Berapa orang semuanya, termasuk Bapak/Ibu? Mohon tulis angkanya, contoh: 3", "How many people in all, including you? Please type the number, for example: 3")
}

// ---------------------------------------------------------------------------
// Years.

// Year is a year answer; Relative is set when the owner counted back from
// now ("5 tahun lalu", "sudah 3 tahun"), which is worth confirming.
type Year struct {
	Year     int
	Relative bool
}

var yearWords = map[string]bool{
	"tahun": true, "thn": true, "th": true, "taun": true, "thun": true, "tahunnya": true, "thnya": true,
	"year": true, "yr": true,
}

var yearFillers = map[string]bool{
	"sejak": true, "semenjak": true, "dari": true, "mulai": true, "pada": true, "di": true, "since": true,
	"in": true, "the": true, "from": true, "started": true, "start": true, "berdiri": true, "buka": true,
	"usaha": true, "dibuka": true, "didirikan": true, "awal": true, "akhir": true, "pertengahan": true,
	"an": true, "early": true, "late": true, "mid": true, "saya": true, "kami": true, "sudah": false,
	"tgl": true, "tanggal": true, "bulan": true, "bln": true, "jalan": true, "berjalan": true, "ambo": true,
	"mulainya": true, "rintis": true, "merintis": true, "dirintis": true, "kira": true,
}

var agoWords = map[string]bool{"lalu": true, "yll": true, "silam": true, "ago": true, "lewat": true, "nan": false}

func yearErr() *Error {
	return errf(CodeNumber, "Mohon tulis tahunnya, contoh: 2015", "Please type the year, for example: 2015")
}

// ParseYear reads a year: "2015", "sejak 2015", "tahun 2015", "thn
// 2015", "± 2015", "Maret 2015", "dua ribu lima belas", and counted back
// from now: "5 tahun lalu", "sudah 5 tahun", "tahun lalu", "tahun ini".
// A year after now's is refused ("that year has not come yet"), a year
// before 1900 or written with two digits is asked again.
func ParseYear(s string, now time.Time) (Year, error) {
	toks, _ := dropPairs(tokenize(s))
	cur := now.Year()
	var kept []token
	hasYearWord, ago, this, last := false, false, false, false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		w := t.word
		if t.isNum {
			// A day before a month name: "17 agustus 2015".
			if i+1 < len(toks) && !toks[i+1].isNum {
				if _, ok := monthNames[toks[i+1].word]; ok && t.digits && len(t.raw) <= 2 {
					continue
				}
			}
			kept = append(kept, t)
			continue
		}
		switch {
		case yearWords[w] || w == "years" || w == "tahunan":
			hasYearWord = true
		case w == "setahun" || w == "satahun":
			hasYearWord, last = true, true
		case agoWords[w]:
			ago = true
		case w == "ini" || w == "this":
			this = true
		case w == "last" || w == "kemarin" || w == "kemaren":
			last = true
		case w == "sudah" || w == "udah" || w == "dah" || w == "lah" || w == "for" || w == "selama" || w == "baru" || w == "yang":
		default:
			if _, ok := monthNames[w]; ok {
				continue
			}
			if yearFillers[w] || approxWords[w] || politeWords[w] {
				continue
			}
			return Year{}, yearErr()
		}
	}
	nums := numbersIn(kept)
	switch len(nums) {
	case 0:
		switch {
		case this && hasYearWord && !last && !ago:
			return Year{Year: cur}, nil
		case (last || ago) && hasYearWord:
			return Year{Year: cur - 1, Relative: true}, nil
		}
		return Year{}, yearErr()
	case 1:
	default:
		return Year{}, errf(CodeNumber, "Mohon tulis satu tahun saja, contoh: 2015", "Please type just one year, for example: 2015")
	}
	n := nums[0]
	if !isInt(n.num) || n.num < 0 {
		return Year{}, yearErr()
	}
	v := int(n.num)
	if v <= 100 && positionBeforeYearWord(toks, n) {
		// "5 tahun lalu", "sudah 5 tahun": counted back from now.
		return Year{Year: cur - v, Relative: true}, nil
	}
	if ago {
		return Year{}, yearErr()
	}
	if n.digits && len(strings.ReplaceAll(strings.ReplaceAll(n.raw, ".", ""), ",", "")) != 4 {
		return Year{}, errf(CodeNumber, "Mohon tulis tahunnya lengkap dengan 4 angka, contoh: 2015", "Please type the full year with 4 digits, for example: 2015")
	}
	if v > cur {
		return Year{}, errf(CodeNumber,
			"Tahun "+strconv.Itoa(v)+" belum datang. Mohon tulis tahun usaha mulai berjalan, contoh: 2015",
			"The year "+strconv.Itoa(v)+" has not come yet. Please type the year the business started, for example: 2015")
	}
	if v < 1900 {
		return Year{}, yearErr()
	}
	return Year{Year: v}, nil
}

// positionBeforeYearWord reports whether the number n comes right before
// "tahun" ("5 tahun", not "tahun 15").
func positionBeforeYearWord(toks []token, n token) bool {
	for i, t := range toks {
		if t.isNum && t.raw == n.raw && i+1 < len(toks) && (yearWords[toks[i+1].word] || toks[i+1].word == "years") {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// Money with a period.

// Period is how often an amount comes in.
type Period string

// Periods.
const (
	PerNone  Period = ""
	PerDay   Period = "day"
	PerWeek  Period = "week"
	PerMonth Period = "month"
	PerYear  Period = "year"
)

// PerYearFactor is how many of a period make a year (a shop open every
// day: 365 days, 52 weeks, 12 months).
func (p Period) PerYearFactor() int64 {
	switch p {
	case PerDay:
		return 365
	case PerWeek:
		return 52
	case PerMonth:
		return 12
	}
	return 1
}

var periodNouns = map[string]Period{
	"hari": PerDay, "hr": PerDay, "harinya": PerDay, "day": PerDay, "days": PerDay,
	"minggu": PerWeek, "mgg": PerWeek, "mg": PerWeek, "minggunya": PerWeek, "pekan": PerWeek, "week": PerWeek, "wk": PerWeek,
	"bulan": PerMonth, "bln": PerMonth, "bl": PerMonth, "bulannya": PerMonth, "month": PerMonth, "mo": PerMonth, "mth": PerMonth, "bulan2": PerMonth,
	"tahun": PerYear, "thn": PerYear, "th": PerYear, "taun": PerYear, "tahunnya": PerYear, "year": PerYear, "yr": PerYear,
}

var periodWords = map[string]Period{
	"sehari": PerDay, "perhari": PerDay, "harian": PerDay, "daily": PerDay, "sari": PerDay,
	"seminggu": PerWeek, "perminggu": PerWeek, "sepekan": PerWeek, "mingguan": PerWeek, "weekly": PerWeek,
	"sebulan": PerMonth, "perbulan": PerMonth, "perbln": PerMonth, "bulanan": PerMonth, "monthly": PerMonth, "sabulan": PerMonth, "sebulannya": PerMonth,
	"setahun": PerYear, "pertahun": PerYear, "perthn": PerYear, "tahunan": PerYear, "yearly": PerYear, "annually": PerYear, "annual": PerYear, "satahun": PerYear, "setahunnya": PerYear,
}

var periodLead = map[string]bool{"per": true, "/": true, "tiap": true, "setiap": true, "a": true, "an": true,
	"each": true, "every": true, "dalam": false, "in": false, "sa": true}

// moneyFillers carry no meaning in a money answer.
var moneyFillers = map[string]bool{
	"rp": true, "idr": true, "rupiah": true, "rupiahnya": true, "omzet": true, "omset": true, "modal": true,
	"modalnya": true, "omzetnya": true, "omsetnya": true, "penjualan": true, "jualan": true, "dapat": true,
	"dapet": true, "hasil": true, "hasilnya": true, "kotor": true, "bersih": true, "saya": true, "kami": true,
	"ada": true, "sekitaran": true, "paling": false, "dalam": true, "in": true, "sales": true, "capital": true,
	"revenue": true, "turnover": true, "my": true, "our": true, "the": true, "of": true, "ado": true, "lai": true,
	"pendapatan": true, "pemasukan": true, "untung": false, "biasanya": true, "usually": true, "kurang": false,
}

// englishMultipliers extend moneyWords in any conversation.
var englishMultipliers = map[string]int64{
	"thousand": 1e3, "million": 1e6, "mn": 1e6, "mio": 1e6, "mil": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12,
	"jutaan": 0, "ribuan": 0, "ratusan": 0, "puluhan": 0,
}

// Amount is money with the period it was said for.
type Amount struct {
	Rupiah int64
	Per    Period
	Approx bool
	// Plain is set when the answer was digits only, without a
	// multiplier, "Rp" or words ("2015"): a year typed by mistake looks
	// like that.
	Plain bool
}

// ParseAmount reads money with the words around it: everything ParseMoney
// reads, plus "sekitar 10 juta", "± 5jt", "tujuh puluh lima juta", "dua
// setengah juta", "75 million", "1.2 billion", and a period: "10 juta per
// bulan", "10jt/bln", "sebulan 10 juta", "500rb sehari", "tiap minggu 2
// juta", "75 million a month". In an English conversation (lang "en") a
// bare "m" is refused as ambiguous (million or miliar).
func ParseAmount(s, lang string) (Amount, error) {
	var a Amount
	toks, approx := dropPairs(tokenize(s))
	a.Approx = approx
	var kept []token
	had := map[string]bool{}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		w := t.word
		if !t.isNum {
			if p, ok := periodWords[w]; ok {
				if a.Per != "" && a.Per != p {
					return a, periodErr()
				}
				a.Per = p
				continue
			}
			if periodLead[w] && i+1 < len(toks) {
				if p, ok := periodNouns[toks[i+1].word]; ok {
					if a.Per != "" && a.Per != p {
						return a, periodErr()
					}
					a.Per = p
					i++
					continue
				}
			}
			// "10 juta 1 bulan", "dalam 1 bulan".
			if approxWords[w] {
				a.Approx = true
				continue
			}
			if moneyFillers[w] || politeWords[w] {
				had[w] = true
				continue
			}
			if m, ok := englishMultipliers[w]; ok && m == 0 {
				// "jutaan": some millions, not an amount.
				return a, moneyErr()
			}
		}
		if t.isNum && t.num == 1 && i+1 < len(toks) && (i > 0 || i+2 < len(toks)) {
			if p, ok := periodNouns[toks[i+1].word]; ok {
				if a.Per != "" && a.Per != p {
					return a, periodErr()
				}
				a.Per = p
				i++
				continue
			}
		}
		kept = append(kept, t)
	}
	if len(kept) == 0 {
		return a, moneyErr()
	}
	// Rebuild the amount for the strict reader: digits and multipliers.
	var b strings.Builder
	words := false
	for _, t := range kept {
		switch {
		case t.isNum && t.digits:
			b.WriteString(t.raw)
		case t.isNum:
			words = true
			b.WriteString(strconv.FormatFloat(t.num, 'f', -1, 64))
		default:
			w := t.word
			if lang == "en" && w == "m" && !had["rp"] && !had["idr"] {
				// "75m" in English is a million; in Indonesian bookkeeping
				// (and after "Rp") M is miliar. Ask.
				return a, errf(CodeMoney,
					"Maksudnya juta atau miliar? Mohon tulis lengkap, contoh: 75 juta",
					"Do you mean million or billion (miliar)? Please write the word, for example: 75 million")
			}
			if m, ok := englishMultipliers[w]; ok {
				w = multiplierName(m)
			}
			words = true
			b.WriteString(w)
		}
		b.WriteByte(' ')
	}
	v, err := ParseMoney(b.String())
	if err != nil {
		return a, err
	}
	a.Rupiah = v
	a.Plain = !words && !had["rp"] && !had["idr"] && !had["rupiah"] && len(kept) == 1
	return a, nil
}

func multiplierName(m int64) string {
	switch m {
	case 1e3:
		return "ribu"
	case 1e6:
		return "juta"
	case 1e9:
		return "miliar"
	case 1e12:
		return "triliun"
	}
	return ""
}

func periodErr() *Error {
	return errf(CodeMoney,
		"Mohon tulis satu jumlah untuk satu waktu saja, contoh: 10 juta sebulan",
		"Please give one amount for one period, for example: 10 juta a month")
}

// PeriodWord names a period as in "Rp10.000.000 sebulan".
func PeriodWord(p Period, lang string) string {
	id := map[Period]string{PerDay: "sehari", PerWeek: "seminggu", PerMonth: "sebulan", PerYear: "setahun"}
	en := map[Period]string{PerDay: "a day", PerWeek: "a week", PerMonth: "a month", PerYear: "a year"}
	if lang == "en" {
		return en[p]
	}
	return id[p]
}
