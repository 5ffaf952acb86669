package umkm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"jejaring/internal/flow"
	"jejaring/internal/idn"
)

// Owners write place names their own way: "kec. tarusan", "Koto 11
// Tarusan", "lengayan", "4 jurai". The matcher normalizes both sides
// (lower case, punctuation out, "kecamatan"/"nagari" dropped, numbers and
// their Minang and Indonesian words written as Roman numerals), then tries
// an exact match, then a unique containment, then the closest name by edit
// distance above a similarity floor.

var numerals = map[string]string{
	"1": "i", "2": "ii", "3": "iii", "4": "iv", "5": "v", "6": "vi", "7": "vii", "8": "viii",
	"9": "ix", "10": "x", "11": "xi", "12": "xii",
	"satu": "i", "dua": "ii", "duo": "ii", "tiga": "iii", "tigo": "iii", "empat": "iv", "ampek": "iv",
	"lima": "v", "limo": "v", "sebelas": "xi",
}

var fillerWords = map[string]bool{
	"kecamatan": true, "kec": true, "kab": true, "kabupaten": true, "desa": true, "kenagarian": true,
	"di": true, "daerah": true,
}

// Normalize prepares a place name for matching.
func Normalize(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	out := f[:0]
	for _, w := range f {
		if fillerWords[w] {
			continue
		}
		if r, ok := numerals[w]; ok {
			w = r
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// similarity is 1 - edit distance / longer length, on runes.
func similarity(a, b string) float64 {
	longer := max(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	if longer == 0 {
		return 1
	}
	return 1 - float64(flow.EditDistance(a, b, longer))/float64(longer)
}

// containsWords reports whether needle occurs in hay on word boundaries.
func containsWords(hay, needle string) bool {
	if needle == "" {
		return false
	}
	return strings.Contains(" "+hay+" ", " "+needle+" ")
}

// MinSimilarity is the floor for a fuzzy match.
const MinSimilarity = 0.75

type candidate struct {
	idx   int
	names []string // normalized
}

// best returns the index of the one candidate that matches text, or -1.
func best(text string, cands []candidate) int {
	n := Normalize(text)
	if n == "" {
		return -1
	}
	// 1. exact
	for _, c := range cands {
		for _, name := range c.names {
			if name == n {
				return c.idx
			}
		}
	}
	// 2. unique containment, either way
	hit := -1
	for _, c := range cands {
		for _, name := range c.names {
			if containsWords(n, name) || (len(n) >= 4 && containsWords(name, n)) {
				if hit >= 0 && hit != c.idx {
					hit = -2
				} else if hit != -2 {
					hit = c.idx
				}
				break
			}
		}
	}
	if hit >= 0 {
		return hit
	}
	// 3. closest by edit distance: whole names, and single words of names
	// for a one-word answer.
	oneWord := !strings.Contains(n, " ")
	top, second, topIdx := 0.0, 0.0, -1
	for _, c := range cands {
		score := 0.0
		for _, name := range c.names {
			score = max(score, similarity(n, name))
			if oneWord && len(n) >= 4 {
				for _, w := range strings.Fields(name) {
					if len(w) >= 4 {
						score = max(score, 0.97*similarity(n, w))
					}
				}
			}
		}
		switch {
		case score > top:
			second, top, topIdx = top, score, c.idx
		case score > second:
			second = score
		}
	}
	if top >= MinSimilarity && top-second >= 0.04 {
		return topIdx
	}
	return -1
}

// MatchKecamatan finds the kecamatan an owner means: an exact or fuzzy
// name, an alias, a code ("13.01.07"), or the position in the list ("7").
func (r *Region) MatchKecamatan(text string) (Kecamatan, bool) {
	t := strings.TrimSpace(text)
	if k, ok := r.KecamatanByCode(t); ok {
		return k, true
	}
	if i := best(t, r.cands); i >= 0 {
		return r.Kecamatan[i], true
	}
	return Kecamatan{}, false
}

// MatchNagari finds a nagari of the kecamatan by name or code.
func (k Kecamatan) MatchNagari(text string) (Nagari, bool) {
	t := strings.TrimSpace(text)
	cands := make([]candidate, len(k.Nagari))
	for i, n := range k.Nagari {
		if n.Code == t {
			return n, true
		}
		cands[i] = candidate{idx: i, names: []string{Normalize(n.Name)}}
	}
	if i := best(t, cands); i >= 0 {
		return k.Nagari[i], true
	}
	return Nagari{}, false
}

// FindNagari looks for a nagari by name in every kecamatan, for imports
// that carry a nagari but no kecamatan. It answers only when one kecamatan
// has it.
func (r *Region) FindNagari(text string) (Kecamatan, Nagari, bool) {
	var kk Kecamatan
	var nn Nagari
	found := 0
	n := Normalize(text)
	for _, k := range r.Kecamatan {
		for _, ng := range k.Nagari {
			if Normalize(ng.Name) == n {
				kk, nn = k, ng
				found++
			}
		}
	}
	return kk, nn, found == 1
}

// SectorMatch is what MatchSection found: the section, and the KBLI code
// when the owner typed one.
type SectorMatch struct {
	Section Section
	KBLI    string // 5-digit code, or ""
}

// MatchSection reads a sector answer: a section letter ("C"), a 5-digit KBLI
// code ("56101"), a section title, or the owner's own words ("jual kue di
// warung") matched on keywords (the longest keyword found wins).
func (s *Sectors) MatchSection(text string) (SectorMatch, bool) {
	t := strings.TrimSpace(text)
	if len(t) == 1 {
		sec, ok := s.Section(t)
		return SectorMatch{Section: sec}, ok
	}
	if k, err := idn.ParseKBLI(t); err == nil {
		sec, ok := s.Section(k.Section)
		return SectorMatch{Section: sec, KBLI: k.Code}, ok
	}
	n := Normalize(t)
	if n == "" {
		return SectorMatch{}, false
	}
	bestLen, bestIdx := 0, -1
	for i, sec := range s.Sections {
		for _, name := range sec.normTitles {
			if name == n {
				return SectorMatch{Section: sec}, true
			}
		}
		for _, kn := range sec.normKeywords {
			if len(kn) > bestLen && containsWords(n, kn) {
				bestLen, bestIdx = len(kn), i
			}
		}
	}
	if bestIdx >= 0 {
		return SectorMatch{Section: s.Sections[bestIdx]}, true
	}
	// A misspelled keyword ("konfeksi", "kulinerr"): closest single word.
	top, idx := 0.0, -1
	for _, w := range strings.Fields(n) {
		if len(w) < 5 {
			continue
		}
		for i, sec := range s.Sections {
			for _, kn := range sec.normKeywords {
				if sc := similarity(w, kn); sc > top {
					top, idx = sc, i
				}
			}
		}
	}
	if top >= 0.8 {
		return SectorMatch{Section: s.Sections[idx]}, true
	}
	return SectorMatch{}, false
}
