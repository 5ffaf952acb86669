package webchat

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
)

// testRedis connects to the real Redis at TEST_REDIS_URL (default
// 127.0.0.1:6379/0) and returns it with a random key prefix whose keys are
// removed when the test ends. It fails, never skips, when Redis is absent.
func testRedis(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	u := os.Getenv("TEST_REDIS_URL")
	if u == "" {
		u = "redis://127.0.0.1:6379/0"
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("TEST_REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(opt)
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis for tests is not reachable at %s (set TEST_REDIS_URL): %v", u, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := rdb.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
		rdb.Close()
	})
	return rdb, prefix
}

// recorder is a Handler that remembers what it got and answers with a
// greeting and two choices.
type recorder struct {
	mu  sync.Mutex
	got []channel.Inbound
	err error
}

func (r *recorder) Handle(ctx context.Context, in channel.Inbound) ([]channel.Outbound, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, in)
	if r.err != nil {
		return nil, r.err
	}
	return []channel.Outbound{
		{Text: "Halo, Bapak/Ibu!"},
		{Text: "Mau apa?", Choices: []channel.Choice{{Label: "Daftar UMKM", Value: "daftar"}, {Label: "Acara", Value: "acara"}}},
	}, nil
}

func (r *recorder) last() channel.Inbound {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[len(r.got)-1]
}

func newServer(t testing.TB, rdb redis.UniversalClient, prefix string, h channel.Handler) (*Chat, *httptest.Server) {
	t.Helper()
	return newServerWith(t, Options{Redis: rdb, Prefix: prefix, Handler: h})
}

// newServerWith serves a Chat made from opt (a fixed clock and a short
// keep-alive unless set). The server's Client keeps cookies, as a browser
// does: srv.Client() is one web chat client; browser(srv) makes another.
func newServerWith(t testing.TB, opt Options) (*Chat, *httptest.Server) {
	t.Helper()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	if opt.Now == nil {
		opt.Now = func() time.Time { return now }
	}
	if opt.KeepAlive == 0 {
		opt.KeepAlive = 50 * time.Millisecond
	}
	c, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Routes(mux)
	srv := httptest.NewServer(mux)
	srv.Client().Jar = newJar(t)
	t.Cleanup(func() {
		c.Close()
		srv.Close()
	})
	return c, srv
}

func newJar(t testing.TB) http.CookieJar {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return jar
}

// browser is another web chat client of srv: its own cookie jar.
func browser(t testing.TB, srv *httptest.Server) *http.Client {
	return &http.Client{Transport: srv.Client().Transport, Jar: newJar(t)}
}

// token is the identity cookie cl holds for srv ("" when none).
func token(t testing.TB, cl *http.Client, srv *httptest.Server) string {
	t.Helper()
	u, _ := url.Parse(srv.URL)
	for _, ck := range cl.Jar.Cookies(u) {
		if ck.Name == CookieName {
			return ck.Value
		}
	}
	return ""
}

// hello makes cl a client of srv and returns its contact address.
func hello(t testing.TB, cl *http.Client, srv *httptest.Server) channel.Address {
	t.Helper()
	resp, err := cl.Post(srv.URL+"/webchat/api/hello", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("hello: status %d", resp.StatusCode)
	}
	tok := token(t, cl, srv)
	if tok == "" {
		t.Fatal("hello set no identity cookie")
	}
	return channel.Address{Channel: channel.WebChat, ExternalID: ExternalID(tok)}
}

func post(t *testing.T, srv *httptest.Server, body string, hdr ...string) (int, map[string]any) {
	t.Helper()
	return postAs(t, srv.Client(), srv, body, hdr...)
}

func postAs(t *testing.T, cl *http.Client, srv *httptest.Server, body string, hdr ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+"/webchat/api/send", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("response is not JSON: %v", err)
		}
	}
	return resp.StatusCode, out
}

func TestSendTextAndChoice(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	rec := &recorder{}
	_, srv := newServer(t, rdb, prefix, rec)

	resp, err := srv.Client().Post(srv.URL+"/webchat/api/send", "application/json",
		strings.NewReader(`{"text":"halo"}`))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	want := `{"messages":[{"text":"Halo, Bapak/Ibu!","choices":[]},{"text":"Mau apa?","choices":[{"label":"Daftar UMKM","value":"daftar"},{"label":"Acara","value":"acara"}]}]}`
	if got := strings.TrimSpace(string(raw)); got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
	in := rec.last()
	me := channel.Address{Channel: channel.WebChat, ExternalID: ExternalID(token(t, srv.Client(), srv))}
	if in.From != me || in.Kind != channel.KindText || in.Text != "halo" || in.MessageID == "" || !in.GeneratedID || in.Time.IsZero() {
		t.Errorf("inbound = %+v", in)
	}

	tests := []struct {
		body  string
		check func(channel.Inbound) bool
	}{
		{`{"choice":"daftar","message_id":"m-000000001"}`, func(in channel.Inbound) bool {
			return in.Kind == channel.KindChoice && in.Choice == "daftar" && in.MessageID == "m-000000001" && !in.GeneratedID && in.From == me
		}},
		{`{"kind":"start","payload":"inv-42"}`, func(in channel.Inbound) bool {
			return in.Kind == channel.KindStart && in.Payload == "inv-42"
		}},
		{`{"kind":"location","location":{"latitude":-1.35,"longitude":100.57}}`, func(in channel.Inbound) bool {
			return in.Kind == channel.KindLocation && in.Location != nil && in.Location.Latitude == -1.35
		}},
		{`{"kind":"sticker"}`, func(in channel.Inbound) bool { return in.Kind == channel.KindOther }},
		{`{"kind":"contact","phone":"0812 3456 789"}`, func(in channel.Inbound) bool {
			return in.Kind == channel.KindContact && in.Phone == "0812 3456 789" && !in.OwnPhone // the web chat never vouches
		}},
	}
	for _, tt := range tests {
		code, out := post(t, srv, tt.body)
		if code != 200 || out["messages"] == nil {
			t.Errorf("%s: status %d %v", tt.body, code, out)
			continue
		}
		if in := rec.last(); !tt.check(in) {
			t.Errorf("%s: inbound %+v", tt.body, in)
		}
	}
}

func TestSendBadRequests(t *testing.T) {
	t.Parallel()
	rdb, prefix, _ := miniRedis(t)
	rec := &recorder{}
	_, srv := newServer(t, rdb, prefix, rec)
	big := `{"text":"` + strings.Repeat("a", MaxBody) + `"}`
	long := `{"text":"` + strings.Repeat("é", MaxText+1) + `"}`
	tests := []struct{ name, body, code, detail string }{
		{"bad json", `{"text":`, "bad_json", "JSON"},
		{"empty body", ``, "empty", "empty"},
		{"not an object", `[1,2]`, "bad_json", "JSON"},
		{"wrong type", `{"text":5}`, "bad_json", "text"},
		{"trailing data", `{"text":"a"} {}`, "bad_json", "nothing after"},
		{"no text or choice", `{}`, "empty", "text or choice is required"},
		{"only an old client_id", `{"client_id":"abcdefgh"}`, "empty", "text or choice is required"},
		{"empty text", `{"text":"  "}`, "empty", "text is required"},
		{"empty choice", `{"choice":""}`, "empty", "choice is required"},
		{"unknown kind", `{"kind":"fax"}`, "bad_request", "unknown kind"},
		{"bad message id", `{"text":"halo","message_id":"x"}`, "bad_request", "message_id"},
		{"bad location", `{"kind":"location","location":{"latitude":200,"longitude":1}}`, "bad_location", "location is required"},
		{"too long", long, "too_long", "4096"},
		{"too big", big, "too_large", "over 64 KiB"},
	}
	for _, tt := range tests {
		code, out := post(t, srv, tt.body)
		msg, _ := out["error"].(string)
		detail, _ := out["detail"].(string)
		// The text is for the owner: Indonesian, then English on its own line.
		id, en, two := strings.Cut(msg, "\n")
		if code != 400 || out["code"] != tt.code || !strings.Contains(detail, tt.detail) || !two || id == "" || en == "" {
			t.Errorf("%s: status %d %v, want 400 code %q with detail %q and a two-language error", tt.name, code, out, tt.code, tt.detail)
		}
	}
	if len(rec.got) != 0 {
		t.Errorf("handler ran for bad requests: %+v", rec.got)
	}

	// A cross-origin browser request is refused before it reaches the bot.
	code, _ := post(t, srv, `{"text":"halo"}`, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	if code != http.StatusForbidden {
		t.Errorf("cross-origin post: status %d, want 403", code)
	}
	if len(rec.got) != 0 {
		t.Error("handler ran for a cross-origin request")
	}
}

func TestHandlerErrorIs500JSON(t *testing.T) {
	t.Parallel()
	rdb, prefix, _ := miniRedis(t)
	_, srv := newServer(t, rdb, prefix, &recorder{err: errors.New("database down")})
	code, out := post(t, srv, `{"text":"halo"}`)
	if code != 500 || out["error"] == nil || strings.Contains(out["error"].(string), "database") || !strings.Contains(out["error"].(string), "Maaf") {
		t.Errorf("status %d %v: want 500 with a polite error that hides the cause", code, out)
	}
}

func TestPage(t *testing.T) {
	t.Parallel()
	rdb, prefix, _ := miniRedis(t)
	_, srv := newServer(t, rdb, prefix, &recorder{})
	resp, err := srv.Client().Get(srv.URL + "/chat")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d type %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`name="viewport"`, "/webchat/api/hello", "/webchat/api/send", "/webchat/api/events", "EventSource", "sessionStorage", "choices"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The page neither picks nor sends an identity, keeps no history in
	// localStorage (it only removes what older versions left there), and
	// cannot be framed.
	for _, bad := range []string{"client_id=", "body.client_id", "Math.random", "localStorage.setItem", "localStorage.getItem"} {
		if bytes.Contains(body, []byte(bad)) {
			t.Errorf("page still has %q", bad)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy %q lacks frame-ancestors 'none'", csp)
	}
	if xfo := resp.Header.Get("X-Frame-Options"); xfo != "DENY" {
		t.Errorf("X-Frame-Options %q, want DENY", xfo)
	}
	if len(resp.Cookies()) != 0 {
		t.Errorf("the page set cookies %v; only the API does (a link from another site must not replace the identity)", resp.Cookies())
	}
	// A venue's map link is tappable: https addresses become anchor
	// elements built with textContent (bot text is never parsed as HTML).
	for _, want := range []string{`split(/(https:\/\/`, `a.href = url; a.textContent = url`, `noopener noreferrer`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("page lacks the link writer: %q", want)
		}
	}
	if bytes.Contains(body, []byte("innerHTML")) {
		t.Error("page uses innerHTML")
	}
}

// sse reads "event: message" data lines from a stream.
type sse struct {
	resp *http.Response
	msgs chan Message
}

// openEvents opens cl's stream on srv.
func openEvents(t *testing.T, cl *http.Client, srv *httptest.Server) *sse {
	t.Helper()
	return openEventsAt(t, cl, srv.URL+"/webchat/api/events")
}

func openEventsAt(t *testing.T, cl *http.Client, url string) *sse {
	t.Helper()
	resp, err := cl.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" {
		t.Fatalf("events: status %d type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &sse{resp: resp, msgs: make(chan Message, 16)}
	go func() {
		defer close(s.msgs)
		sc := bufio.NewScanner(resp.Body)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "message":
				var m Message
				if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m) == nil {
					s.msgs <- m
				}
			case line == "":
				event = ""
			}
		}
	}()
	t.Cleanup(func() { resp.Body.Close() })
	return s
}

func (s *sse) next(t *testing.T) Message {
	t.Helper()
	select {
	case m, ok := <-s.msgs:
		if !ok {
			t.Fatal("stream ended")
		}
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no message on the stream within 5 s")
	}
	return Message{}
}

func TestSendQueuesAndStreams(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"redis", "miniredis"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			var rdb redis.UniversalClient
			var prefix string
			if backend == "redis" {
				rdb, prefix = testRedis(t)
			} else {
				rdb, prefix, _ = miniRedis(t)
			}
			chat, srv := newServer(t, rdb, prefix, &recorder{})
			ctx := context.Background()
			to := hello(t, srv.Client(), srv)

			// Sent while the page is closed: kept, not lost.
			res, err := chat.Send(ctx, to, channel.Outbound{Text: "Undangan temu bisnis", Choices: []channel.Choice{{Label: "Hadir", Value: "rsvp:yes"}}})
			if err != nil || res.MessageID == "" {
				t.Fatalf("Send: %v %v", res, err)
			}
			if _, err := chat.Send(ctx, to, channel.Outbound{Text: "Agenda", Media: &channel.Media{Kind: "document", Name: "agenda.ics", MIME: "text/calendar", Data: []byte("BEGIN:VCALENDAR")}}); err != nil {
				t.Fatal(err)
			}
			s := openEvents(t, srv.Client(), srv)
			m := s.next(t)
			if m.Text != "Undangan temu bisnis" || len(m.Choices) != 1 || m.Choices[0].Value != "rsvp:yes" || m.ID != res.MessageID {
				t.Errorf("first queued message = %+v", m)
			}
			m = s.next(t)
			if m.Media == nil || m.Media.Name != "agenda.ics" || m.Media.URL != "data:text/calendar;base64,QkVHSU46VkNBTEVOREFS" {
				t.Errorf("document message = %+v", m)
			}

			// Sent while connected: arrives on the open stream.
			if _, err := chat.Send(ctx, to, channel.Outbound{Text: "Pengingat: besok jam 09.00"}); err != nil {
				t.Fatal(err)
			}
			if m := s.next(t); m.Text != "Pengingat: besok jam 09.00" {
				t.Errorf("live message = %+v", m)
			}
			if n, _ := rdb.LLen(ctx, prefix+"webchat:pending:"+to.ExternalID).Result(); n != 0 {
				t.Errorf("%d messages left queued after delivery", n)
			}

			// Close ends the stream promptly (graceful shutdown).
			done := make(chan struct{})
			go func() { chat.Close(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Close did not end the open stream")
			}
		})
	}
}

func TestSendRejectsOtherAddresses(t *testing.T) {
	t.Parallel()
	rdb, prefix, _ := miniRedis(t)
	chat, _ := newServer(t, rdb, prefix, &recorder{})
	for _, to := range []channel.Address{{Channel: channel.Telegram, ExternalID: "12345678"}, {Channel: channel.WebChat, ExternalID: "bad id"}} {
		if _, err := chat.Send(context.Background(), to, channel.Outbound{Text: "x"}); !errors.Is(err, channel.ErrUnknownRecipient) {
			t.Errorf("Send to %v = %v, want ErrUnknownRecipient", to, err)
		}
	}
}

// TestEventsNeedTheCookie: the stream is read with the cookie only; a
// client_id in the URL (the old API) opens nothing.
func TestEventsNeedTheCookie(t *testing.T) {
	t.Parallel()
	rdb, prefix, _ := miniRedis(t)
	_, srv := newServer(t, rdb, prefix, &recorder{})
	for _, q := range []string{"", "?client_id=x", "?client_id=abcdefgh-1234"} {
		resp, err := browser(t, srv).Get(srv.URL + "/webchat/api/events" + q)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != 401 || out["code"] != "no_identity" || out["error"] == "" {
			t.Errorf("events%s without a cookie: status %d %v, want 401 no_identity", q, resp.StatusCode, out)
		}
	}
}

func miniRedis(t testing.TB) (redis.UniversalClient, string, *miniredis.Miniredis) {
	t.Helper()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return rdb, "test:", m
}
