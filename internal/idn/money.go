package idn

import (
	"math/big"
	"strings"
	"unicode"
)

// multipliers of the words owners put after an amount. "M" is miliar
// (10^9) as in Indonesian bookkeeping, never million.
var moneyWords = []struct {
	word string
	mult int64
}{
	{"triliun", 1e12}, {"trilyun", 1e12}, {"t", 1e12},
	{"miliar", 1e9}, {"milyar", 1e9}, {"mlyr", 1e9}, {"mily", 1e9}, {"m", 1e9}, {"b", 1e9},
	{"juta", 1e6}, {"jt", 1e6}, {"jta", 1e6},
	{"ribu", 1e3}, {"rb", 1e3}, {"rbu", 1e3}, {"k", 1e3},
}

func moneyErr() *Error {
	return errf(CodeMoney,
		"Mohon tulis jumlah uang dalam rupiah, contoh: 1.500.000 atau 1,5 juta",
		"Please type an amount in rupiah, for example: 1,500,000 or 1.5 juta")
}

// ParseMoney reads an amount of money as whole rupiah: "Rp 1.500.000",
// "1,5 juta", "1.5jt", "750rb", "750 ribu", "2 M", "2 miliar", "Rp2,5 M",
// "200000", "Rp. 50.000,-", and compounds such as "1 juta 500 ribu".
// Negative amounts, fractions of a rupiah and
// anything that is not an amount are refused with an *Error.
func ParseMoney(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"rp.", "rp", "idr"} {
		if strings.HasPrefix(t, p) {
			t = strings.TrimSpace(t[len(p):])
			break
		}
	}
	t = strings.TrimSuffix(t, ",-")
	t = strings.TrimSuffix(t, ".-")
	t = strings.TrimSuffix(t, ",00")
	t = strings.Join(strings.Fields(t), "")
	if t == "" || strings.HasPrefix(t, "-") {
		return 0, moneyErr()
	}
	// Pairs of digits and the word after them: "1,5jt", "1juta500ribu"
	// (the spaces are gone by now). Each word must be smaller than the one
	// before it; only the last pair may have no word.
	total := new(big.Rat)
	prev := int64(0)
	for t != "" {
		i := strings.IndexFunc(t, unicode.IsLetter)
		num, rest := t, ""
		if i >= 0 {
			num, rest = t[:i], t[i:]
		}
		j := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) })
		word := rest
		if j >= 0 {
			word, rest = rest[:j], rest[j:]
		} else {
			rest = ""
		}
		if rest != "" && strings.HasPrefix(rest, ".") {
			rest = rest[1:] // "jt." abbreviation
		}
		mult := int64(1)
		if word != "" {
			found := false
			for _, w := range moneyWords {
				if word == w.word {
					mult, found = w.mult, true
					break
				}
			}
			if !found {
				return 0, moneyErr()
			}
		}
		if prev != 0 && mult >= prev {
			return 0, moneyErr()
		}
		if mult == 1 && (rest != "" || prev != 0) {
			// "1 juta 500" may mean 1.000.500 or (spoken) 1.500.000.
			return 0, moneyErr()
		}
		prev = mult
		ip, fr, ok := decimal(num)
		if !ok {
			return 0, moneyErr()
		}
		r := rat(ip, fr)
		if r == nil {
			return 0, moneyErr()
		}
		total.Add(total, r.Mul(r, new(big.Rat).SetInt64(mult)))
		t = rest
	}
	r := total
	if !r.IsInt() {
		return 0, errf(CodeMoney,
			"Mohon tulis jumlah dalam rupiah bulat, contoh: 1.500.000",
			"Please type a whole number of rupiah, for example: 1,500,000")
	}
	n := r.Num()
	if !n.IsInt64() || n.Sign() < 0 {
		return 0, moneyErr()
	}
	// Refuse amounts beyond any business's size (over a thousand trillion):
	// they are typing mistakes.
	if n.Int64() > 1e15 {
		return 0, moneyErr()
	}
	return n.Int64(), nil
}
