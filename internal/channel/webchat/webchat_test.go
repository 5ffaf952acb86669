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
	"net/http/httptest"
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
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	c, err := New(Options{Redis: rdb, Prefix: prefix, Handler: h, KeepAlive: 50 * time.Millisecond, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		c.Close()
		srv.Close()
	})
	return c, srv
}

func post(t *testing.T, srv *httptest.Server, body string, hdr ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+"/webchat/api/send", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := srv.Client().Do(req)
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
		strings.NewReader(`{"client_id":"abcdefgh-1234","text":"halo"}`))
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
	if in.From != (channel.Address{Channel: channel.WebChat, ExternalID: "abcdefgh-1234"}) || in.Kind != channel.KindText || in.Text != "halo" || in.MessageID == "" || in.Time.IsZero() {
		t.Errorf("inbound = %+v", in)
	}

	tests := []struct {
		body  string
		check func(channel.Inbound) bool
	}{
		{`{"client_id":"abcdefgh-1234","choice":"daftar","message_id":"m-000000001"}`, func(in channel.Inbound) bool {
			return in.Kind == channel.KindChoice && in.Choice == "daftar" && in.MessageID == "m-000000001"
		}},
		{`{"client_id":"abcdefgh-1234","kind":"start","payload":"inv-42"}`, func(in channel.Inbound) bool {
			return in.Kind == channel.KindStart && in.Payload == "inv-42"
		}},
		{`{"client_id":"abcdefgh-1234","kind":"location","location":{"latitude":-1.35,"longitude":100.57}}`, func(in channel.Inbound) bool {
			return in.Kind == channel.KindLocation && in.Location != nil && in.Location.Latitude == -1.35
		}},
		{`{"client_id":"abcdefgh-1234","kind":"sticker"}`, func(in channel.Inbound) bool { return in.Kind == channel.KindOther }},
		{`{"client_id":"abcdefgh-1234","kind":"contact","phone":"0812 3456 789"}`, func(in channel.Inbound) bool {
			return in.Kind == channel.KindContact && in.Phone == "0812 3456 789"
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
	big := `{"client_id":"abcdefgh","text":"` + strings.Repeat("a", MaxBody) + `"}`
	tests := []struct{ name, body, want string }{
		{"bad json", `{"client_id":`, "JSON"},
		{"empty body", ``, "empty"},
		{"not an object", `[1,2]`, "JSON"},
		{"wrong type", `{"client_id":"abcdefgh","text":5}`, "text"},
		{"trailing data", `{"client_id":"abcdefgh","text":"a"} {}`, "nothing after"},
		{"missing client", `{"text":"halo"}`, "client_id is required"},
		{"bad client", `{"client_id":"a b","text":"halo"}`, "client_id must be"},
		{"short client", `{"client_id":"abc","text":"halo"}`, "client_id must be"},
		{"no text or choice", `{"client_id":"abcdefgh"}`, "text or choice is required"},
		{"empty text", `{"client_id":"abcdefgh","text":"  "}`, "text is required"},
		{"empty choice", `{"client_id":"abcdefgh","choice":""}`, "choice is required"},
		{"unknown kind", `{"client_id":"abcdefgh","kind":"fax"}`, "unknown kind"},
		{"bad location", `{"client_id":"abcdefgh","kind":"location","location":{"latitude":200,"longitude":1}}`, "location is required"},
		{"too big", big, "over 64 KiB"},
	}
	for _, tt := range tests {
		code, out := post(t, srv, tt.body)
		msg, _ := out["error"].(string)
		if code != 400 || !strings.Contains(msg, tt.want) {
			t.Errorf("%s: status %d error %q, want 400 with %q", tt.name, code, msg, tt.want)
		}
	}
	if len(rec.got) != 0 {
		t.Errorf("handler ran for bad requests: %+v", rec.got)
	}

	// A cross-origin browser request is refused before it reaches the bot.
	code, _ := post(t, srv, `{"client_id":"abcdefgh","text":"halo"}`, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
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
	code, out := post(t, srv, `{"client_id":"abcdefgh","text":"halo"}`)
	if code != 500 || out["error"] == nil || strings.Contains(out["error"].(string), "database") {
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
	for _, want := range []string{`name="viewport"`, "/webchat/api/send", "/webchat/api/events", "EventSource", "localStorage", "choices"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
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

func openEvents(t *testing.T, srv *httptest.Server, clientID string) *sse {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + "/webchat/api/events?client_id=" + clientID)
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
			to := channel.Address{Channel: channel.WebChat, ExternalID: "client-offline-1"}

			// Sent while the page is closed: kept, not lost.
			res, err := chat.Send(ctx, to, channel.Outbound{Text: "Undangan temu bisnis", Choices: []channel.Choice{{Label: "Hadir", Value: "rsvp:yes"}}})
			if err != nil || res.MessageID == "" {
				t.Fatalf("Send: %v %v", res, err)
			}
			if _, err := chat.Send(ctx, to, channel.Outbound{Text: "Agenda", Media: &channel.Media{Kind: "document", Name: "agenda.ics", MIME: "text/calendar", Data: []byte("BEGIN:VCALENDAR")}}); err != nil {
				t.Fatal(err)
			}
			s := openEvents(t, srv, to.ExternalID)
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

func TestEventsBadClient(t *testing.T) {
	t.Parallel()
	rdb, prefix, _ := miniRedis(t)
	_, srv := newServer(t, rdb, prefix, &recorder{})
	resp, err := srv.Client().Get(srv.URL + "/webchat/api/events?client_id=x")
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != 400 || out["error"] == "" {
		t.Errorf("status %d %v, want 400 JSON error", resp.StatusCode, out)
	}
}

func miniRedis(t testing.TB) (redis.UniversalClient, string, *miniredis.Miniredis) {
	t.Helper()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return rdb, "test:", m
}
