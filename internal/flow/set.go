package flow

import (
	"slices"
	"strings"

	"jejaring/internal/namematch"
)

// index builds the trigger look-ups after loading.
func (s *Set) index() {
	slices.SortFunc(s.order, func(a, b *Definition) int { return strings.Compare(a.File, b.File) })
}

// MatchKeyword returns the flow whose trigger keyword is the whole message
// (ignoring case, spaces and punctuation), or nil.
func (s *Set) MatchKeyword(text string) *Definition {
	if s == nil || len(text) > 64 {
		return nil
	}
	t := namematch.Fold(text)
	if t == "" {
		return nil
	}
	for _, d := range s.order {
		for _, k := range d.Keywords {
			if namematch.Fold(k) == t {
				return d
			}
		}
	}
	return nil
}

// MatchKeywordLang is MatchKeyword that also says the language of the
// keyword: "en" for one of the flow's English keywords ("register"), ""
// otherwise (the contact's language stays).
func (s *Set) MatchKeywordLang(text string) (*Definition, string) {
	d := s.MatchKeyword(text)
	if d == nil {
		return nil, ""
	}
	t := namematch.Fold(text)
	for _, k := range d.KeywordsEN {
		if namematch.Fold(k) == t {
			return d, "en"
		}
	}
	return d, ""
}

// MatchPayload returns the flow a deep-link payload starts, and the
// payload's parameter: a trigger payload "daftar" matches exactly; one that
// ends in "_" ("rsvp_") is a prefix and the rest ("abc123") is the
// parameter, to be passed to Start via Definition.StartParams.
func (s *Set) MatchPayload(payload string) (*Definition, string) {
	if s == nil || payload == "" {
		return nil, ""
	}
	for _, d := range s.order {
		for _, p := range d.Payloads {
			if p == payload && !strings.HasSuffix(p, "_") {
				return d, ""
			}
		}
	}
	for _, d := range s.order {
		for _, p := range d.Payloads {
			if strings.HasSuffix(p, "_") && strings.HasPrefix(payload, p) && len(payload) > len(p) {
				return d, payload[len(p):]
			}
		}
	}
	return nil, ""
}

// FirstContact returns the flow marked `first_contact: true`, or nil.
func (s *Set) FirstContact() *Definition {
	if s == nil {
		return nil
	}
	for _, d := range s.order {
		if d.FirstContactFlow {
			return d
		}
	}
	return nil
}

// Menu is the main menu: the flows marked `menu: true`, as choices whose
// values are their first keywords (so a pressed button works like typing
// the keyword).
func (s *Set) Menu(lang string) Message {
	m := Message{Text: sysText("menu_title", lang), Expect: AskChoice}
	if s == nil {
		return m
	}
	for _, d := range s.order {
		if !d.Menu || len(d.Keywords) == 0 {
			continue
		}
		m.Choices = append(m.Choices, Choice{Label: d.Title.String(lang), Value: d.Keywords[0]})
	}
	return m
}
