package umkm

import (
	"strings"

	"jejaring/internal/idn"
	"jejaring/internal/namematch"
)

// Owners write place names their own way: "kec. tarusan", "Koto 11
// Tarusan", "lengayan", "empat jurai". The matcher normalizes both sides
// with namematch (lower case, punctuation out, Roman numerals and number
// words as digits) and drops "kecamatan"/"nagari"-like filler words, then
// tries an exact match, then a unique containment, then the closest name by
// edit distance above a similarity floor.

var fillerWords = map[string]bool{
	"kecamatan": true, "kec": true, "kab": true, "kabupaten": true, "desa": true, "kenagarian": true,
	"di": true, "daerah": true,
}

// Normalize prepares a place name for matching: namematch.Normalize
// without the filler words ("kec. IV Jurai" is "4 jurai").
func Normalize(s string) string {
	f := strings.Fields(namematch.Normalize(s))
	out := f[:0]
	for _, w := range f {
		if !fillerWords[w] {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
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
			score = max(score, namematch.Similarity(n, name))
			if oneWord && len(n) >= 4 {
				for _, w := range strings.Fields(name) {
					if len(w) >= 4 {
						score = max(score, 0.97*namematch.Similarity(n, w))
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
				if sc := namematch.Similarity(w, kn); sc > top {
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
