package idn

import "strings"

// Text is one message in both languages the service speaks, Indonesian
// first. It is the one way code outside flow files picks a language.
type Text struct{ ID, EN string }

// In returns the text in lang: English when lang is English (see English)
// and there is an English text, Indonesian otherwise.
func (t Text) In(lang string) string {
	if English(lang) && t.EN != "" {
		return t.EN
	}
	return t.ID
}

// Pick is Text{ID: id, EN: en}.In(lang), for a sentence built in place.
func Pick(lang, id, en string) string { return Text{ID: id, EN: en}.In(lang) }

// English reports whether a language tag asks for English: "en", or a
// platform's regional tag such as "en-GB" or "EN". Everything else (the
// sessions' "id", "", a Telegram "ms") gets Indonesian, the service's first
// language.
func English(lang string) bool {
	return len(lang) >= 2 && strings.EqualFold(lang[:2], "en")
}
