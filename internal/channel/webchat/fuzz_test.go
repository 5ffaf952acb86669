package webchat

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzSendAPI: whatever the body, the API answers 200 with messages or 400
// with an error, always as JSON, and never panics.
func FuzzSendAPI(f *testing.F) {
	for _, seed := range []string{
		`{"text":"halo"}`,
		`{"choice":"ya"}`,
		`{"kind":"location","location":{"latitude":-1.3,"longitude":100.5}}`,
		`{"kind":"start","payload":"rsvp_x"}`,
		`{"client_id":"abcdefgh","text":"halo"}`,
		`{"text":`, `[]`, `null`, `{"text":null}`, `{"text":"\u0000"}`,
	} {
		f.Add(seed)
	}
	rdb, prefix, _ := miniRedis(f)
	// No limits: the fuzzer is one client sending as fast as it can.
	c, err := New(Options{Redis: rdb, Prefix: prefix, Handler: &recorder{}, Limits: &Limits{}})
	if err != nil {
		f.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Routes(mux)
	tok := newToken()
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/webchat/api/send", strings.NewReader(body))
		req.AddCookie(&http.Cookie{Name: CookieName, Value: tok})
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		var out map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("body %q: response is not JSON: %q", body, rec.Body.String())
		}
		switch rec.Code {
		case 200:
			if out["messages"] == nil {
				t.Fatalf("body %q: 200 without messages", body)
			}
		case 400:
			if out["error"] == nil {
				t.Fatalf("body %q: 400 without error", body)
			}
		default:
			t.Fatalf("body %q: status %d", body, rec.Code)
		}
	})
}
