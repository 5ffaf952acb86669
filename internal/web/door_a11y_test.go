package web_test

import (
	"fmt"
	"strings"
	"testing"

	"jejaring/flows"
	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/event"
	"jejaring/internal/flow"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/web"
)

// The door, channels and flows pages pass TestEveryPageLabelledAndBilingual's
// checks: each field labelled, no missing text, a language switch to the
// same page.
func TestDoorPagesLabelledAndBilingual(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		set, err := flow.Load(flows.FS)
		if err != nil {
			t.Fatal(err)
		}
		data, err := umkm.LoadData("")
		if err != nil {
			t.Fatal(err)
		}
		set.SetOptions(umkmactions.Options(data))
		h := harnessWith(t, db, func(o *web.Options) { o.Channels = newFakeChannels(db); o.Flows = &fakeFlows{set: set} })
		evID, _ := doorEvent(t, db, []doorGuest{{name: "Ibu Satu", business: "Rendang Uni Ros", party: 2, answer: event.Going}})
		admin := h.signedIn("admin")
		for _, lang := range []string{"id", "en"} {
			for _, p := range []string{"/dashboard/checkin", fmt.Sprintf("/dashboard/checkin/%d", evID), fmt.Sprintf("/dashboard/checkin/%d?q=satu", evID),
				fmt.Sprintf("/dashboard/checkin/%d/attendance", evID), "/dashboard/channels", "/dashboard/flows"} {
				sep := "?"
				if strings.Contains(p, "?") {
					sep = "&"
				}
				r := admin.get(p + sep + "lang=" + lang)
				if r.code != 200 || !strings.Contains(r.body, `<html lang="`+lang+`">`) {
					t.Errorf("%s (%s): %d", p, lang, r.code)
					continue
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
				if m := langLink.FindStringSubmatch(r.body); m == nil || !strings.Contains(m[1], strings.SplitN(p, "?", 2)[0]) {
					t.Errorf("%s (%s): language switch %v", p, lang, m)
				}
				if lang == "en" && (strings.Contains(r.body, "Kehadiran menurut") || strings.Contains(r.body, "Saluran pesan<")) {
					t.Errorf("%s (en): Indonesian headings left", p)
				}
			}
		}
	})
}
