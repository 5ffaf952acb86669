package idn

// Text is one message in both languages the service speaks, Indonesian
// first. It is the one way code outside flow files picks a language.
type Text struct{ ID, EN string }

// In returns the text in lang: English for "en" when there is an English
// text, Indonesian otherwise.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.ID
}

// Pick is Text{ID: id, EN: en}.In(lang), for a sentence built in place.
func Pick(lang, id, en string) string { return Text{ID: id, EN: en}.In(lang) }
