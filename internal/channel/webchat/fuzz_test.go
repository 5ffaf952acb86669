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
		`{"client_id":"abcdefgh","text":"halo"}`,
		`{"client_id":"abcdefgh","choice":"ya"}`,
		`{"client_id":"abcdefgh","kind":"location","location":{"latitude":-1.3,"longitude":100.5}}`,
		`{"client_id":"abcdefgh","kind":"start","payload":"rsvp_x"}`,
		`{"client_id":`, `[]`, `null`, `{"text":null}`, `{"client_id":"abcdefgh","text":"\u0000"}`,
	} {
		f.Add(seed)
	}
	rdb, prefix, _ := miniRedis(f)
	c, err := New(Options{Redis: rdb, Prefix: prefix, Handler: &recorder{}})
	if err != nil {
		f.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Routes(mux)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/webchat/api/send", strings.NewReader(body))
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
