package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// The history reads as words: field names in Indonesian, old → new,
// who and when in WIB; phone numbers masked; no JSON.
func TestHistoryReadable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		b := h.business("Keripik Sanjai Amak", "1301014506900001")
		staff := h.signedIn("rina")
		form := url.Values{"name": {"Keripik Sanjai Amak Jaya"}, "owner_name": {"Siti Aminah"}, "owner_phone": {"0813-9999-8877"},
			"region_code": {"13.01.07"}, "kbli_section": {"C"}, "capital": {"50 juta"}}
		if r := staff.post(b.path+"/edit", form); r.code != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.code, r.body)
		}
		if r := staff.post(b.path+"/reveal", url.Values{"reason": {"cek berkas bantuan"}}); r.code != http.StatusOK {
			t.Fatalf("reveal: %d", r.code)
		}
		r := staff.get(b.path)
		i := strings.Index(r.body, `<table class="history stack">`)
		if i < 0 {
			t.Fatalf("no history table: %s", r.body)
		}
		hist := r.body[i:]
		hist = hist[:strings.Index(hist, "</table>")]
		for _, want := range []string{
			`<span class="field">Nama usaha</span>: <del>Keripik Sanjai Amak</del>`, `<ins>Keripik Sanjai Amak Jaya</ins>`,
			`<span class="field">Modal (Rp)</span>: <del>–</del>`, `<ins>Rp50.000.000</ins>`,
			`<span class="field">Nomor HP pemilik</span>: <del>&#43;62812****7801</del>`, `<ins>&#43;62813****8877</ins>`,
			"rina (petugas)", "01-12-2026 16:00 WIB", "Diubah", "Dilihat", "NIK dan nomor HP dilihat lengkap", "Alasan: cek berkas bantuan",
		} {
			if !strings.Contains(hist, want) {
				t.Errorf("history lacks %q:\n%s", want, hist)
			}
		}
		for _, bad := range []string{"{", "6281399998877", "6281234567801", `"field":`, "null"} {
			if strings.Contains(hist, bad) {
				t.Errorf("history shows %q:\n%s", bad, hist)
			}
		}
		if r := staff.get(b.path + "?lang=en"); !strings.Contains(r.body, `<span class="field">Business name</span>`) || !strings.Contains(r.body, "rina (staff)") {
			t.Errorf("English history: %s", r.body)
		}
	})
}
