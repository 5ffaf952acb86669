package web_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

var (
	fieldTag  = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	attrID    = regexp.MustCompile(`\bid="([^"]+)"`)
	emptyText = regexp.MustCompile(`<(dt|th|label|td|h1|h2|button|option|a)\b[^>]*>\s*</(dt|th|label|td|h1|h2|button|option|a)>`)
	langLink  = regexp.MustCompile(`<a href="([^"]*)" hreflang="(id|en)"`)
)

// Every page, in both languages: each field has a label, no text is
// missing (an unknown message key renders as nothing), and the language
// switch leads to the same page with its filters.
func TestEveryPageLabelledAndBilingual(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		f := h.seedFigures()
		b := f.bizByContact[f.contacts[0]]
		admin := h.signedIn("admin")
		anon := h.client()
		pages := []string{"/dashboard/", "/dashboard/businesses", "/dashboard/businesses?q=usaha&partners=yes&sort=name", b.path, b.path + "/edit", "/dashboard/businesses/new",
			"/dashboard/users", "/dashboard/me", "/login"}
		for _, lang := range []string{"id", "en"} {
			for _, p := range pages {
				sep := "?"
				if strings.Contains(p, "?") {
					sep = "&"
				}
				c := admin
				if p == "/login" {
					c = anon
				}
				r := c.get(p + sep + "lang=" + lang)
				if r.code != 200 {
					t.Errorf("%s (%s): %d", p, lang, r.code)
					continue
				}
				if !strings.Contains(r.body, `<html lang="`+lang+`">`) {
					t.Errorf("%s (%s): html lang", p, lang)
				}
				for _, tag := range fieldTag.FindAllString(r.body, -1) {
					if strings.Contains(tag, `type="hidden"`) || strings.Contains(tag, "aria-label=") {
						continue
					}
					m := attrID.FindStringSubmatch(tag)
					if m == nil || !strings.Contains(r.body, `<label for="`+m[1]+`"`) {
						t.Errorf("%s (%s): a field without a label: %s", p, lang, tag)
					}
				}
				for _, e := range emptyText.FindAllString(r.body, -1) {
					if !strings.Contains(e, `<td class="n">`) {
						t.Errorf("%s (%s): empty text (a missing message?): %s", p, lang, e)
					}
				}
				m := langLink.FindStringSubmatch(r.body)
				if m == nil {
					t.Errorf("%s (%s): no language switch", p, lang)
					continue
				}
				other := map[string]string{"id": "en", "en": "id"}[lang]
				u, err := url.Parse(html.UnescapeString(m[1]))
				if err != nil || m[2] != other || u.Query().Get("lang") != other {
					t.Errorf("%s (%s): language switch %q", p, lang, m[1])
				}
				want, _ := url.Parse(p)
				if u.Path != want.Path {
					t.Errorf("%s (%s): the switch leads to %s", p, lang, u.Path)
				}
				for k, v := range want.Query() {
					if u.Query().Get(k) != v[0] {
						t.Errorf("%s (%s): the switch drops %s=%s", p, lang, k, v[0])
					}
				}
			}
		}
	})
}
