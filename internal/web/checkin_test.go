package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jejaring/internal/event"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// postJSON posts body as JSON from the dashboard's own page.
func (c *client) postJSON(path, body string, hdr map[string]string) resp {
	c.h.t.Helper()
	req, err := http.NewRequest("POST", c.h.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", c.h.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, string(b), res.Header.Get("Location"), res.Header}
}

type scanAnswer struct {
	ScanID    string `json:"scan_id"`
	Outcome   string `json:"outcome"`
	Replayed  bool   `json:"replayed"`
	Name      string `json:"name"`
	PartySize int    `json:"party_size"`
	FirstAt   string `json:"first_at"`
	Text      string `json:"text"`
	CheckedIn int    `json:"checked_in"`
}

// TestCheckinScanAPI: a scan sent again with its id (the answer lost on
// the way) gets the first answer and counts once; roles, cross-site
// requests, the form without script and the English texts.
func TestCheckinScanAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		evID, g := doorEvent(t, db, []doorGuest{
			{name: "Ibu Satu", business: "Rendang Uni Ros", party: 2, answer: event.Going},
			{name: "Bapak Dua", business: "Kopi Kawa Daun", party: 1, answer: event.Going},
		})
		path := fmt.Sprintf("/dashboard/checkin/%d/scan", evID)
		c := h.signedIn("rina")
		scan := func(id, code string) scanAnswer {
			t.Helper()
			r := c.postJSON(path, fmt.Sprintf(`{"scan_id":%q,"code":%q}`, id, code), nil)
			var a scanAnswer
			if r.code != http.StatusOK || json.Unmarshal([]byte(r.body), &a) != nil {
				t.Fatalf("scan %s: %d %s", id, r.code, r.body)
			}
			return a
		}
		first := scan("page-scan-0001", g[0].code)
		if first.Outcome != store.ScanOK || first.Replayed || first.Name != "Ibu Satu" || first.PartySize != 2 || first.FirstAt != "16.00 WIB" || first.CheckedIn != 1 {
			t.Fatalf("first scan: %+v", first)
		}
		h.advance(5 * 60e9)
		again := scan("page-scan-0001", g[0].code)
		if again.Outcome != store.ScanOK || !again.Replayed || again.Text != first.Text || again.CheckedIn != 1 {
			t.Fatalf("the same scan again: %+v", again)
		}
		second := scan("page-scan-0002", g[0].code)
		if second.Outcome != store.ScanAlready || second.Text != "Ibu Satu sudah check-in pukul 16.00 WIB." {
			t.Fatalf("a second scan of the code: %+v", second)
		}
		if n, scans, _ := checkedIn(t, db, evID, g[0].code); n != 1 || scans != 2 {
			t.Fatalf("%d check-ins, %d scans", n, scans)
		}
		if r := c.postJSON(path, `{"scan_id":"x","code":"ABCDEF"}`, nil); r.code != http.StatusBadRequest {
			t.Errorf("short scan id: %d %s", r.code, r.body)
		}
		// Unknown code, in English.
		r := c.postJSON(path+"?lang=en", `{"scan_id":"page-scan-0003","code":"ZZZZZZ"}`, nil)
		if !strings.Contains(r.body, "not known for this event") {
			t.Errorf("English unknown code: %s", r.body)
		}
		// The form without script: a code typed and posted.
		r = c.post(path+"?lang=id", url.Values{"scan_id": {"srv-form-0001"}, "code": {g[1].code}})
		if r.code != http.StatusOK || !strings.Contains(r.body, "Bapak Dua — check-in berhasil (1 orang)") || !strings.Contains(r.body, `data-outcome="ok"`) {
			t.Errorf("form check-in: %d %s", r.code, r.body)
		}
		// Name search as JSON.
		r = c.get(fmt.Sprintf("/dashboard/checkin/%d/find?q=satu", evID))
		if !strings.Contains(r.body, `"name":"Ibu Satu"`) || !strings.Contains(r.body, `"first_at":"16.00 WIB"`) || strings.Contains(r.body, "Bapak Dua") {
			t.Errorf("find: %s", r.body)
		}
		// A viewer reads the attendance but checks nobody in.
		v := h.signedIn("tamu")
		if r := v.postJSON(path, `{"scan_id":"page-scan-0009","code":"`+g[1].code+`"}`, nil); r.code != http.StatusForbidden {
			t.Errorf("viewer scan: %d", r.code)
		}
		if r := v.get(fmt.Sprintf("/dashboard/checkin/%d/attendance", evID)); r.code != http.StatusOK || !strings.Contains(r.body, "Kehadiran menurut kecamatan") {
			t.Errorf("viewer attendance: %d", r.code)
		}
		// Another site cannot check anyone in with the staff's cookie.
		if r := c.postJSON(path, `{"scan_id":"page-scan-0010","code":"ZZZZZZ"}`, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); r.code != http.StatusForbidden {
			t.Errorf("cross-site scan: %d", r.code)
		}
		if r := c.get("/dashboard/checkin/99999"); r.code != http.StatusNotFound {
			t.Errorf("unknown event: %d", r.code)
		}
	})
}
