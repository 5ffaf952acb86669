package idn

import (
	"math"
	"math/big"
	"strings"
)

// decimal splits a number written the Indonesian way (or the English way
// when it is unambiguous) into its integer digits and fraction digits.
//
// Rules: when both '.' and ',' appear, the last one is the decimal mark.
// A lone '.' followed by exactly three digits, or several '.' between groups
// of three, groups thousands ("1.250", "1.500.000"); otherwise '.' is a
// decimal mark ("1.5"). A lone ',' is the Indonesian decimal mark ("1,5");
// several ',' between groups of three group thousands ("1,500,000").
func decimal(s string) (intPart, frac string, ok bool) {
	if s == "" {
		return "", "", false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' && r != ',' {
			return "", "", false
		}
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	switch {
	case dots == 0 && commas == 0:
		return s, "", true
	case dots > 0 && commas > 0:
		ld, lc := strings.LastIndex(s, "."), strings.LastIndex(s, ",")
		group, mark := ".", ","
		if ld > lc {
			group, mark = ",", "."
		}
		if strings.Count(s, mark) != 1 {
			return "", "", false
		}
		i := strings.Index(s, mark)
		ip, ok := grouped(s[:i], group)
		if !ok {
			return "", "", false
		}
		return ip, s[i+1:], onlyDigits(s[i+1:])
	case dots > 0:
		return oneSep(s, ".", dots, true)
	default:
		return oneSep(s, ",", commas, false)
	}
}

func oneSep(s, sep string, n int, loneThreeIsGroup bool) (string, string, bool) {
	if n > 1 {
		ip, ok := grouped(s, sep)
		return ip, "", ok
	}
	i := strings.Index(s, sep)
	left, right := s[:i], s[i+1:]
	if loneThreeIsGroup && len(right) == 3 && left != "" && left != "0" && len(left) <= 3 {
		return left + right, "", true
	}
	if left == "" {
		left = "0"
	}
	if right == "" {
		return "", "", false
	}
	return left, right, true
}

// grouped checks "1.500.000"-style grouping and returns the bare digits.
func grouped(s, sep string) (string, bool) {
	parts := strings.Split(s, sep)
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return "", false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return "", false
		}
	}
	out := strings.Join(parts, "")
	return out, onlyDigits(out)
}

func onlyDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func rat(intPart, frac string) *big.Rat {
	r, ok := new(big.Rat).SetString(intPart + "." + frac + "0")
	if !ok {
		return nil
	}
	return r
}

// ParseNumber reads a number as Indonesians write it: "1.250" is 1250,
// "1,5" is 1.5, "12" is 12, "-3" is -3. Spaces are ignored.
func ParseNumber(s string) (float64, error) {
	bad := errf(CodeNumber, "Mohon tulis angka saja, contoh: 12 atau 1,5", "Please type a number, for example: 12 or 1.5")
	t := strings.Join(strings.Fields(s), "")
	neg := false
	if strings.HasPrefix(t, "-") {
		neg, t = true, t[1:]
	}
	ip, fr, ok := decimal(t)
	if !ok {
		return 0, bad
	}
	r := rat(ip, fr)
	if r == nil {
		return 0, bad
	}
	f, _ := r.Float64()
	if math.IsInf(f, 0) {
		return 0, bad
	}
	if neg {
		f = -f
	}
	return f, nil
}

// ParseNumberWords is ParseNumber that also reads number words ("dua
// puluh lima", "seratus", "twenty five") and an "about" around the number
// ("sekitar 12", "± 12", "kurang lebih 12").
func ParseNumberWords(s string) (float64, error) {
	if f, err := ParseNumber(s); err == nil {
		return f, nil
	}
	toks, _ := dropPairs(tokenize(s))
	var num []token
	for _, t := range toks {
		switch {
		case t.isNum:
			num = append(num, t)
		case approxWords[t.word] || politeWords[t.word]:
		default:
			return 0, numberErr()
		}
	}
	if len(num) != 1 {
		return 0, numberErr()
	}
	return num[0].num, nil
}

func numberErr() *Error {
	return errf(CodeNumber, "Mohon tulis angka saja, contoh: 12 atau 1,5", "Please type a number, for example: 12 or 1.5")
}
