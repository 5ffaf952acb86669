// Package namematch compares the names owners type with the names on a
// list: options of a flow question, kecamatan and nagari of the regency,
// KBLI sections. Both sides go through the same normal form, then callers
// compare them exactly, by containment or by EditDistance.
//
// There is one numeral rule: numbers become digits. Roman numerals ("IV",
// "XI"), Indonesian, Minang and English number words ("empat", "ampek",
// "sebelas", "dua belas", "tiga puluh lima", "four") and digits all meet as
// digits, so "IV Jurai", "4 jurai" and "empat jurai" are one name, and
// "Koto XI Tarusan" is "koto 11 tarusan".
//
// namematch is a leaf: it imports nothing of Jejaring's.
package namematch

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold lower-cases s, turns punctuation into spaces, collapses spaces and
// writes Roman numerals as digits ("IV Jurai" → "4 jurai"). Number words
// stay words (see Normalize): a flow's command words are compared folded.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	out := strings.TrimRight(b.String(), " ")
	if !strings.ContainsAny(out, "ivxl") {
		return out
	}
	words := strings.Split(out, " ")
	changed := false
	for i, w := range words {
		if v, ok := roman(w); ok {
			words[i] = strconv.Itoa(v)
			changed = true
		}
	}
	if !changed {
		return out
	}
	return strings.Join(words, " ")
}

// roman reads a canonical Roman numeral made of I, V, X and L (1..89).
func roman(w string) (int, bool) {
	if w == "" || len(w) > 7 {
		return 0, false
	}
	total := 0
	for i := 0; i < len(w); i++ {
		v := romanDigit(w[i])
		if v == 0 {
			return 0, false
		}
		if i+1 < len(w) && romanDigit(w[i+1]) > v {
			total -= v
		} else {
			total += v
		}
	}
	if total <= 0 || toRoman(total) != w {
		return 0, false
	}
	return total, true
}

func romanDigit(c byte) int {
	switch c {
	case 'i':
		return 1
	case 'v':
		return 5
	case 'x':
		return 10
	case 'l':
		return 50
	}
	return 0
}

func toRoman(n int) string {
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}} {
		for n >= p.v {
			b.WriteString(p.s)
			n -= p.v
		}
	}
	return b.String()
}

// numberWords are Indonesian, Minang and English number words, read as
// digits in names ("koto sebelas tarusan", "basa ampek balai").
var numberWords = map[string]int{
	"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
	"sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100,
	"duo": 2, "tigo": 3, "ampek": 4, "limo": 5, "anam": 6, "tujuah": 7, "salapan": 8,
	"sambilan": 9, "sapuluah": 10, "sabaleh": 11,
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11,
}

// Normalize is Fold plus number words as digits: "dua belas" is "12",
// "tiga puluh lima" is "35", "Basa Ampek Balai" is "basa 4 balai". It is
// the normal form names are matched in.
func Normalize(s string) string {
	t := Fold(s)
	if !hasNumberWord(t) {
		return t
	}
	words := strings.Split(t, " ")
	out := make([]string, 0, len(words))
	for i := 0; i < len(words); i++ {
		v, ok := numberWords[words[i]]
		if !ok {
			out = append(out, words[i])
			continue
		}
		if v < 10 && i+1 < len(words) {
			switch words[i+1] {
			case "belas", "baleh":
				v += 10
				i++
			case "puluh", "puluah":
				v *= 10
				i++
				if i+1 < len(words) {
					if u, ok := numberWords[words[i+1]]; ok && u < 10 {
						v += u
						i++
					}
				}
			}
		}
		out = append(out, strconv.Itoa(v))
	}
	return strings.Join(out, " ")
}

// hasNumberWord reports whether a folded text has a number word, without
// allocating (most answers have none).
func hasNumberWord(t string) bool {
	for t != "" {
		w, rest, _ := strings.Cut(t, " ")
		if _, ok := numberWords[w]; ok {
			return true
		}
		t = rest
	}
	return false
}

// EditDistance returns the Levenshtein distance of a and b in runes, or
// limit+1 when it is certainly more than limit.
func EditDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Similarity is 1 − edit distance / the longer length, on runes: 1 for
// equal names, 0 for names with nothing in common.
func Similarity(a, b string) float64 {
	longer := max(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	if longer == 0 {
		return 1
	}
	return 1 - float64(EditDistance(a, b, longer))/float64(longer)
}
