package flow

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"jejaring/internal/namematch"
)

// Choice matching. A contact answers a list of options by pressing a
// button, typing its number, its label, an alias, or something close. The
// matcher must never pick an option the contact did not mean: an answer that
// is only vaguely like an option is refused with the closest options named,
// and the question is asked again.
//
// The stages, first hit wins:
//
//  1. the option's value, or its label (case, spaces, punctuation ignored;
//     Roman numerals and number words as digits: "4 jurai" and "empat jurai"
//     are "IV Jurai", "koto sebelas tarusan" is "Koto XI Tarusan");
//  2. the option's number ("3", "no 3", "nomor tiga");
//  3. an alias of exactly one option (several: "which one do you mean?");
//  4. whole words of exactly one label ("tarusan"), then the start of a word
//     of exactly one label ("taru"), then a part of a word of at least four
//     letters ("pura" in "Airpura"); the same with aliases when no label
//     has it;
//  5. a small typo ("bayng" is "Bayang", "lenggayang" is "Lengayang"): one
//     letter for answers shorter than seven letters, two for longer ones;
//     a whole label beats a run of a label's words, a label beats an alias.
//
// Anything else is refused; options within one more letter of the typo
// budget (and with at most a third of the letters wrong) are named in the
// refusal ("did you mean ...?"). The buttons stay the whole list, so a
// number typed after a refusal still means the same option.

// maxNamed is the most options an ambiguity or a suggestion names; past it
// the contact is simply asked to pick from the list.
const maxNamed = 4

// choiceErr refuses an answer that is none of the options. It does not
// say "reply with a number": buttons on Telegram and the web chat carry no
// numbers, and WhatsApp's numbered list says so itself.
func choiceErr(choices []Choice) *InputError {
	return inputErr(
		"Pilihan itu tidak ada. Mohon pilih salah satu dari daftar atau tulis namanya.",
		"That is not one of the options. Please pick one from the list or type its name.")
}

func ambiguousErr(choices []Choice, idx []int) *InputError {
	if len(idx) > maxNamed {
		return choiceErr(choices)
	}
	list := namedList(choices, idx)
	return inputErr("Maksud Bapak/Ibu yang mana: "+list+"?", "Which one do you mean: "+list+"?")
}

// suggestErr refuses an answer that matched nothing and names the closest
// options, if any are near.
func suggestErr(choices []Choice, idx []int, multi ...bool) *InputError {
	if len(idx) == 0 {
		return choiceErr(choices)
	}
	list := namedList(choices, idx)
	if len(idx) == 1 && len(multi) == 0 {
		// One suggestion: a yes-word next takes it (the engine keeps the
		// offer; parseWith turns the index into the option's value).
		e := inputErr(
			fmt.Sprintf("Pilihan itu tidak ada. Mungkin maksudnya: %s? Balas *ya* kalau betul, atau pilih dari daftar.", list),
			fmt.Sprintf("That is not one of the options. Did you mean: %s? Reply *yes* if so, or pick one from the list.", list))
		e.Offer, e.HasOffer = idx[0], true
		return e
	}
	return inputErr(
		fmt.Sprintf("Pilihan itu tidak ada. Mungkin maksudnya: %s? Mohon pilih dari daftar atau tulis namanya.", list),
		fmt.Sprintf("That is not one of the options. Did you mean: %s? Please pick one from the list or type its name.", list))
}

func namedList(choices []Choice, idx []int) string {
	names := make([]string, 0, len(idx))
	for _, i := range idx {
		names = append(names, choices[i].Label)
	}
	return strings.Join(names, ", ")
}

// MatchChoice finds the option the contact means: by number ("3"), by value,
// by label ignoring case, spaces and punctuation, by Roman numerals or
// number words written as digits ("4 jurai" and "empat jurai" are "IV
// Jurai"), by an alias ("painan", when the option lists it), by a unique
// part of a label ("tarusan" is "Koto XI Tarusan"), or by a label with a
// small typo ("bayng" is "Bayang"). An answer that fits no option, or more
// than one, is refused with an error naming the closest options.
func MatchChoice(choices []Choice, s string) (int, *InputError) {
	return matchChoice(choices, normNames(choices), s)
}

// normNames normalizes each choice's label (first) and aliases once, for
// repeated matching.
func normNames(choices []Choice) [][]string {
	out := make([][]string, len(choices))
	for i, c := range choices {
		names := make([]string, 1, 1+len(c.Aliases))
		names[0] = namematch.Normalize(c.Label)
		for _, a := range c.Aliases {
			if na := namematch.Normalize(a); na != "" && !slices.Contains(names, na) {
				names = append(names, na)
			}
		}
		out[i] = names
	}
	return out
}

func matchChoice(choices []Choice, names [][]string, s string) (int, *InputError) {
	if len(choices) == 0 {
		return -1, choiceErr(choices)
	}
	t := namematch.Normalize(s)
	for _, p := range []string{"kecamatan ", "kec "} {
		// "kec. tarusan": the word for what was asked.
		if rest, ok := strings.CutPrefix(t, p); ok && rest != "" {
			t = rest
		}
	}
	if t == "" {
		return -1, choiceErr(choices)
	}
	// 1. The value, or the label.
	for i, c := range choices {
		if c.Value == s || names[i][0] == t {
			return i, nil
		}
	}
	// 2. The number.
	num := strings.TrimPrefix(strings.TrimPrefix(t, "nomor "), "no ")
	if k, err := strconv.Atoi(num); err == nil {
		if k >= 1 && k <= len(choices) {
			return k - 1, nil
		}
		return -1, choiceErr(choices)
	}
	for i, c := range choices {
		if namematch.Fold(c.Value) == t {
			return i, nil
		}
	}
	// 3. An alias.
	if hits := matchNames(names, true, func(name string) bool { return name == t }); len(hits) > 0 {
		return oneOf(choices, hits)
	}
	// 4. Part of a label, then part of an alias. One word of a longer
	// alias ("padang" of the nagari "Padang XI Punggasan") or the start
	// of an alias's word is weak evidence: it is offered, not taken.
	oneWord := !strings.Contains(t, " ")
	for _, aliases := range []bool{false, true} {
		if hits := matchNames(names, aliases, func(name string) bool { return containsWords(name, t) }); len(hits) > 0 {
			if aliases && oneWord && len(hits) == 1 {
				return -1, suggestErr(choices, hits)
			}
			return oneOf(choices, hits)
		}
		if len(t) >= 3 {
			if hits := matchNames(names, aliases, func(name string) bool { return hasWordPrefix(name, t) }); len(hits) > 0 {
				if aliases && len(hits) == 1 {
					return -1, suggestErr(choices, hits)
				}
				return oneOf(choices, hits)
			}
		}
		if len(t) >= 4 {
			if hits := matchNames(names, aliases, func(name string) bool { return strings.Contains(name, t) }); len(hits) > 0 {
				if aliases && len(hits) == 1 {
					return -1, suggestErr(choices, hits)
				}
				return oneOf(choices, hits)
			}
		}
	}
	// 5. A small typo.
	return matchTypo(choices, names, t)
}

// matchNames lists the options one of whose labels (aliases false) or
// aliases (aliases true) satisfies ok.
func matchNames(names [][]string, aliases bool, ok func(string) bool) []int {
	var hits []int
	for i, ns := range names {
		list := ns[:1]
		if aliases {
			list = ns[1:]
		}
		for _, n := range list {
			if ok(n) {
				hits = append(hits, i)
				break
			}
		}
	}
	return hits
}

func oneOf(choices []Choice, hits []int) (int, *InputError) {
	if len(hits) == 1 {
		return hits[0], nil
	}
	return -1, ambiguousErr(choices, hits)
}

// typo ranks: lower is closer. A whole label beats a run of a label's
// words, which beats a whole alias, which beats a run of an alias's words.
func typoRank(dist, kind int) int { return dist*4 + kind }

func matchTypo(choices []Choice, names [][]string, t string) (int, *InputError) {
	l := len([]rune(t))
	if l < 4 || l > 64 {
		return -1, choiceErr(choices)
	}
	budget := 1
	if l >= 7 {
		budget = 2
	}
	// Suggestions may be one letter further than a match.
	limit := budget + 1
	rank := make([]int, len(choices))
	dist := make([]int, len(choices))
	best := -1
	for i, ns := range names {
		rank[i], dist[i] = -1, limit+1
		for j, n := range ns {
			kind := 0
			if j > 0 {
				kind = 2
			}
			d, run := typoDistance(n, t, limit)
			if d > limit {
				continue
			}
			if run {
				kind++
			}
			if r := typoRank(d, kind); rank[i] < 0 || r < rank[i] {
				rank[i], dist[i] = r, d
			}
		}
		if rank[i] >= 0 && (best < 0 || rank[i] < best) {
			best = rank[i]
		}
	}
	if best < 0 {
		return -1, choiceErr(choices)
	}
	var top, near []int
	for i, r := range rank {
		if r < 0 {
			continue
		}
		if r == best {
			top = append(top, i)
		}
		// A suggestion has at most a third of its letters wrong.
		if dist[i]*3 <= l {
			near = append(near, i)
		}
	}
	if best/4 <= budget {
		if len(top) == 1 {
			return top[0], nil
		}
		return -1, ambiguousErr(choices, top)
	}
	slices.SortStableFunc(near, func(a, b int) int { return rank[a] - rank[b] })
	if len(near) > 3 {
		near = near[:3]
	}
	return -1, suggestErr(choices, near)
}

func containsWords(label, t string) bool {
	i := strings.Index(label, t)
	for i >= 0 {
		startOK := i == 0 || label[i-1] == ' '
		end := i + len(t)
		endOK := end == len(label) || label[end] == ' '
		if startOK && endOK {
			return true
		}
		j := strings.Index(label[i+1:], t)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// hasWordPrefix reports whether t starts a word of label ("taru" in "koto
// 11 tarusan").
func hasWordPrefix(label, t string) bool {
	return strings.HasPrefix(label, t) || strings.Contains(label, " "+t)
}

// typoDistance is the edit distance from t to the label or to any run of
// the label's words with as many words as t has (run reports the latter
// was closer). Runs shorter than four letters are not compared: a typo of
// a short word is a different word.
func typoDistance(label, t string, limit int) (dist int, run bool) {
	best := namematch.EditDistance(label, t, limit)
	lw := strings.Split(label, " ")
	tw := strings.Count(t, " ") + 1
	for i := 0; i+tw <= len(lw) && len(lw) > tw; i++ {
		part := strings.Join(lw[i:i+tw], " ")
		if len(part) < 4 {
			continue
		}
		if d := namematch.EditDistance(part, t, limit); d < best {
			best, run = d, true
		}
	}
	return best, run
}

// MatchChoices reads a multi-choice answer: numbers ("1 3", "1,3"), labels
// separated by commas or "dan", or one label. It returns option indexes in
// the options' order, without repeats.
func MatchChoices(choices []Choice, s string) ([]int, *InputError) {
	return matchChoices(choices, normNames(choices), s)
}

func matchChoices(choices []Choice, names [][]string, s string) ([]int, *InputError) {
	t := strings.TrimSpace(s)
	if t == "" {
		return nil, choiceErr(choices)
	}
	if i, err := matchChoice(choices, names, t); err == nil {
		return []int{i}, nil
	}
	var parts []string
	if strings.Trim(t, "0123456789 ,;.&+") == "" {
		parts = strings.FieldsFunc(t, func(r rune) bool { return strings.ContainsRune(" ,;.&+", r) })
	} else {
		low := " " + strings.ToLower(t) + " "
		for _, w := range []string{" dan ", " and ", " serta ", " & ", "+", ";", "/"} {
			low = strings.ReplaceAll(low, w, ",")
		}
		parts = strings.Split(low, ",")
	}
	seen := make([]bool, len(choices))
	any := false
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			continue
		}
		i, err := matchChoice(choices, names, p)
		if err != nil {
			if err.HasOffer {
				// No "reply yes" inside a list of several answers.
				return nil, suggestErr(choices, []int{err.Offer.(int)}, true)
			}
			return nil, err
		}
		seen[i] = true
		any = true
	}
	if !any {
		return nil, choiceErr(choices)
	}
	var out []int
	for i, ok := range seen {
		if ok {
			out = append(out, i)
		}
	}
	return out, nil
}
