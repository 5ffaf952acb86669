package idn

import (
	"strings"
	"unicode"
)

// Number words: Indonesian ("dua puluh lima", "seratus", "sebelas",
// "tujuh puluh lima juta", "dua setengah juta"), the Minang forms owners in
// Pesisir Selatan type ("duo", "tigo", "ampek", "sapuluah", "saratuih") and
// English ("twenty-five", "one hundred and ten", "seventy five million").

type wordKind int

const (
	wUnit    wordKind = iota + 1 // 0..9, read as the last digit
	wTeen                        // 10..19 said as one word (sepuluh, sebelas, twelve)
	wTens                        // 20..90 said as one word (twenty)
	wBelas                       // "belas": the unit before it plus ten
	wPuluh                       // "puluh": the unit before it times ten
	wRatus                       // "ratus", "hundred": the part before it times a hundred
	wSeratus                     // "seratus": one hundred
	wBig                         // ribu, juta, miliar, triliun (and English) multipliers
	wSeBig                       // "seribu", "sejuta": one of them
	wHalf                        // "setengah": a half
)

type numWord struct {
	kind wordKind
	v    float64
}

var numberWords = map[string]numWord{
	"nol": {wUnit, 0}, "zero": {wUnit, 0},
	"satu": {wUnit, 1}, "dua": {wUnit, 2}, "tiga": {wUnit, 3}, "empat": {wUnit, 4}, "lima": {wUnit, 5},
	"enam": {wUnit, 6}, "tujuh": {wUnit, 7}, "delapan": {wUnit, 8}, "sembilan": {wUnit, 9},
	"sepuluh": {wTeen, 10}, "sebelas": {wTeen, 11},
	"belas": {wBelas, 10}, "puluh": {wPuluh, 10}, "ratus": {wRatus, 100}, "seratus": {wSeratus, 100},
	"ribu": {wBig, 1e3}, "juta": {wBig, 1e6}, "miliar": {wBig, 1e9}, "milyar": {wBig, 1e9}, "triliun": {wBig, 1e12},
	"seribu": {wSeBig, 1e3}, "sejuta": {wSeBig, 1e6}, "semiliar": {wSeBig, 1e9}, "semilyar": {wSeBig, 1e9},
	"setengah": {wHalf, 0.5},
	// Minang.
	"ciek": {wUnit, 1}, "duo": {wUnit, 2}, "tigo": {wUnit, 3}, "ampek": {wUnit, 4}, "limo": {wUnit, 5},
	"anam": {wUnit, 6}, "tujuah": {wUnit, 7}, "salapan": {wUnit, 8}, "sambilan": {wUnit, 9},
	"sapuluah": {wTeen, 10}, "sabaleh": {wTeen, 11}, "baleh": {wBelas, 10}, "puluah": {wPuluh, 10},
	"ratuih": {wRatus, 100}, "saratuih": {wSeratus, 100}, "saribu": {wSeBig, 1e3}, "sajuta": {wSeBig, 1e6},
	// English.
	"one": {wUnit, 1}, "two": {wUnit, 2}, "three": {wUnit, 3}, "four": {wUnit, 4}, "five": {wUnit, 5},
	"six": {wUnit, 6}, "seven": {wUnit, 7}, "eight": {wUnit, 8}, "nine": {wUnit, 9},
	"ten": {wTeen, 10}, "eleven": {wTeen, 11}, "twelve": {wTeen, 12}, "thirteen": {wTeen, 13},
	"fourteen": {wTeen, 14}, "fifteen": {wTeen, 15}, "sixteen": {wTeen, 16}, "seventeen": {wTeen, 17},
	"eighteen": {wTeen, 18}, "nineteen": {wTeen, 19},
	"twenty": {wTens, 20}, "thirty": {wTens, 30}, "forty": {wTens, 40}, "fifty": {wTens, 50},
	"sixty": {wTens, 60}, "seventy": {wTens, 70}, "eighty": {wTens, 80}, "ninety": {wTens, 90},
	"hundred": {wRatus, 100}, "thousand": {wBig, 1e3}, "million": {wBig, 1e6}, "billion": {wBig, 1e9},
	"trillion": {wBig, 1e12}, "half": {wHalf, 0.5},
}

// IsNumberWord reports whether w (lower case) is a number word.
func IsNumberWord(w string) bool {
	_, ok := numberWords[w]
	return ok || w == "and" || w == "a"
}

// wordsValue reads a run of number words ("dua puluh lima", "seratus
// ribu", "one hundred and twenty", "dua setengah juta"). It refuses runs
// that are not one number ("dua tiga" is two or three: ask again).
func wordsValue(words []string) (float64, bool) {
	if len(words) == 0 {
		return 0, false
	}
	var total, cur, last float64
	lastBig := 0.0
	prev := wordKind(0)
	half := false
	seen := false
	for i, w := range words {
		if w == "and" || w == "a" {
			// "one hundred and five", "a million": glue words only.
			if i == 0 && w == "a" && i+1 < len(words) {
				if nw, ok := numberWords[words[i+1]]; ok && (nw.kind == wBig || nw.kind == wRatus) {
					cur, last, prev = 1, 1, wUnit
					continue
				}
			}
			if w == "and" && i > 0 && i+1 < len(words) {
				continue
			}
			return 0, false
		}
		nw, ok := numberWords[w]
		if !ok {
			return 0, false
		}
		seen = true
		switch nw.kind {
		case wUnit:
			if prev == wUnit || prev == wTeen || prev == wBelas || prev == wHalf {
				return 0, false
			}
			cur += nw.v
			last = nw.v
		case wTeen:
			if prev == wUnit || prev == wTeen || prev == wBelas || prev == wPuluh || prev == wTens {
				return 0, false
			}
			cur += nw.v
			last = 0
		case wTens:
			if prev == wUnit || prev == wTeen || prev == wBelas || prev == wPuluh || prev == wTens {
				return 0, false
			}
			cur += nw.v
			last = 0
		case wBelas, wPuluh:
			if prev != wUnit || last < 1 {
				return 0, false
			}
			if nw.kind == wBelas {
				cur += 10
			} else {
				cur += last * 9
			}
			last = 0
		case wRatus:
			if prev != wUnit && prev != wTeen && prev != wTens && prev != wPuluh && prev != wBelas {
				return 0, false
			}
			if cur >= 100 || cur == 0 {
				return 0, false // "seratus dua ratus" is not one number
			}
			cur *= 100
			last = 0
		case wSeratus:
			if prev != 0 && prev != wBig && prev != wSeBig {
				return 0, false
			}
			cur += 100
			last = 0
		case wBig, wSeBig:
			n := cur
			if nw.kind == wSeBig {
				if prev != 0 && prev != wBig && prev != wSeBig {
					return 0, false
				}
				n = 1
			} else if prev == 0 || prev == wBig || prev == wSeBig {
				return 0, false
			}
			if half {
				n += 0.5
				half = false
			}
			if lastBig != 0 && nw.v >= lastBig {
				return 0, false
			}
			total += n * nw.v
			lastBig = nw.v
			cur, last = 0, 0
		case wHalf:
			// "setengah juta", "dua setengah juta": only before a multiplier.
			if half || (prev != 0 && prev != wUnit && prev != wTeen && prev != wBig) {
				return 0, false
			}
			if i+1 >= len(words) {
				return 0, false
			}
			if nx, ok := numberWords[words[i+1]]; !ok || nx.kind != wBig {
				return 0, false
			}
			half = true
			if prev == 0 || prev == wBig {
				// "setengah juta": half of one.
				cur = 0
			}
		}
		prev = nw.kind
	}
	if !seen || half {
		return 0, false
	}
	return total + cur, true
}

// token is one piece of an answer: a number written in digits (with its
// separators), a run of number words, or another word.
type token struct {
	word   string // lower-case word or digits
	num    float64
	isNum  bool
	digits bool // the number was written in digits
	raw    string
}

// tokenize splits an answer into words and numbers. Number words next to
// each other become one number ("dua puluh lima" is 25); digits keep their
// separators ("1.500.000", "1,5"). Signs that mean "about" (±, +-, ~) become
// the word "sekitar"; "/" is its own word ("10jt/bln").
func tokenize(s string) []token {
	s = strings.ToLower(s)
	r := strings.NewReplacer("±", " sekitar ", "+-", " sekitar ", "+/-", " sekitar ", "~", " sekitar ",
		"/", " / ", "'", "", "’", "")
	s = r.Replace(s)
	var raw []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			raw = append(raw, b.String())
			b.Reset()
		}
	}
	kind := 0 // 1 letters, 2 digits
	rs := []rune(s)
	for i, c := range rs {
		switch {
		case unicode.IsLetter(c):
			if kind == 2 {
				flush()
			}
			kind = 1
			b.WriteRune(c)
		case unicode.IsDigit(c):
			if kind == 1 && c == '2' && (i+1 == len(rs) || !unicode.IsDigit(rs[i+1]) && rs[i+1] != '.' && rs[i+1] != ',') {
				// "kira2", "rata2", "anak2": the 2 doubles the word.
				b.WriteRune(c)
				continue
			}
			if kind == 1 {
				flush()
			}
			kind = 2
			b.WriteRune(c)
		case c == '-':
			// Between numbers or before one it is a range or a minus
			// ("5-10 juta", "-5"): kept, so the reader refuses it.
			// Between words it joins them ("seventy-five").
			if j := nextNonSpace(rs, i+1); j >= 0 && unicode.IsDigit(rs[j]) && (kind == 2 || kind == 0 && lastIsNum(raw, b.Len())) || j >= 0 && unicode.IsDigit(rs[j]) && len(raw) == 0 && b.Len() == 0 {
				flush()
				kind = 0
				raw = append(raw, "-")
				continue
			}
			flush()
			kind = 0
		case (c == '.' || c == ',') && kind == 2:
			b.WriteRune(c)
		case c == '/' || c == '+' || c == '&':
			flush()
			kind = 0
			raw = append(raw, string(c))
		default:
			flush()
			kind = 0
		}
	}
	flush()
	var out []token
	for i := 0; i < len(raw); i++ {
		w := raw[i]
		if w[0] >= '0' && w[0] <= '9' {
			d := strings.TrimRight(w, ".,")
			ip, fr, ok := decimal(d)
			if !ok {
				out = append(out, token{word: w, raw: w})
				continue
			}
			f, _ := rat(ip, fr).Float64()
			out = append(out, token{word: d, num: f, isNum: true, digits: true, raw: d})
			continue
		}
		if _, ok := numberWords[w]; ok || (w == "a" && i+1 < len(raw) && isBigWord(raw[i+1])) {
			j := i
			for j < len(raw) && IsNumberWord(raw[j]) {
				j++
			}
			// A trailing "and"/"a" is not part of the number.
			for j > i+1 && (raw[j-1] == "and" || raw[j-1] == "a") {
				j--
			}
			if v, ok := wordsValue(raw[i:j]); ok {
				out = append(out, token{word: strings.Join(raw[i:j], " "), num: v, isNum: true, raw: strings.Join(raw[i:j], " ")})
				i = j - 1
				continue
			}
			// Not one number: keep the words so the caller refuses it.
			out = append(out, token{word: w, raw: w, isNum: false})
			continue
		}
		out = append(out, token{word: w, raw: w})
	}
	return out
}

func isBigWord(w string) bool {
	nw, ok := numberWords[w]
	return ok && (nw.kind == wBig || nw.kind == wRatus)
}

// ParseWords reads a number written in words ("dua puluh lima", "seratus",
// "twenty five"); ok is false for anything else.
func ParseWords(s string) (float64, bool) {
	f := strings.Fields(strings.ToLower(strings.NewReplacer("-", " ").Replace(s)))
	return wordsValue(f)
}

func nextNonSpace(rs []rune, i int) int {
	for ; i < len(rs); i++ {
		if rs[i] != ' ' {
			return i
		}
	}
	return -1
}

// lastIsNum reports whether the last word split off was digits (pending
// is the length of the word being built, which then comes first).
func lastIsNum(raw []string, pending int) bool {
	if pending > 0 || len(raw) == 0 {
		return false
	}
	w := raw[len(raw)-1]
	return w != "" && w[0] >= '0' && w[0] <= '9'
}
