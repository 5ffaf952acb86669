package app

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/config"
	"jejaring/internal/contact"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
)

func localConfig(t testing.TB, kv ...string) *config.Config {
	t.Helper()
	env := map[string]string{"DATA_DIR": t.TempDir(), "HTTP_ADDR": "127.0.0.1:0"}
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	cfg, err := config.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

type failing struct{ err error }

func (f failing) Health() error { return f.err }

// started runs a local-mode App until the test ends and returns it with its
// base URL and a function that stops it and returns Run's result.
func started(t *testing.T, prepare func(a *App), kv ...string) (*App, string, func() error) {
	t.Helper()
	a, err := New(context.Background(), localConfig(t, kv...), nil)
	if err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare(a)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var runErr error
	go func() { runErr = a.Run(ctx, io.Discard); close(done) }()
	stop := func() error {
		cancel()
		select {
		case <-done:
			return runErr
		case <-time.After(StopTimeout + 2*time.Second):
			t.Fatal("Run did not return within the stop timeout")
			return nil
		}
	}
	t.Cleanup(func() { cancel(); <-done })
	return a, "http://" + a.Addr(), stop
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
	}
	return resp.StatusCode
}

func TestReadiness(t *testing.T) {
	t.Parallel()
	_, base, stop := started(t, func(a *App) {
		a.AddHealth("telegram", failing{errors.New("telegram not reachable:\n dial tcp 127.0.0.1:1")})
		a.AddHealth("whatsapp", failing{})
	})
	var r Readiness
	if code := getJSON(t, base+"/readyz", &r); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d with a failing channel, want 503", code)
	}
	want := map[string]string{"database": "ok", "redis": "ok", "whatsapp": "ok", "telegram": "telegram not reachable: dial tcp 127.0.0.1:1"}
	if r.Status != "unavailable" || len(r.Components) != len(want) {
		t.Errorf("readiness %+v", r)
	}
	for k, v := range want {
		if r.Components[k] != v {
			t.Errorf("component %s = %q, want %q", k, r.Components[k], v)
		}
	}
	var h map[string]string
	if code := getJSON(t, base+"/healthz", &h); code != 200 || h["status"] != "ok" {
		t.Errorf("/healthz = %d %v", code, h)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "go_goroutines") {
		t.Error("/metrics lacks the Go collector")
	}
	if err := stop(); err != nil {
		t.Errorf("Run = %v", err)
	}
}

func TestGracefulStopFinishesRequestsInFlight(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	_, base, stop := started(t, func(a *App) {
		a.Mux.HandleFunc("GET /test/slow", func(w http.ResponseWriter, r *http.Request) {
			close(entered)
			time.Sleep(300 * time.Millisecond)
			io.WriteString(w, "finished")
		})
	})
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/test/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- result{body: string(b)}
	}()
	<-entered
	if err := stop(); err != nil {
		t.Errorf("Run = %v", err)
	}
	if r := <-got; r.err != nil || r.body != "finished" {
		t.Errorf("in-flight request: %q %v, want it to finish", r.body, r.err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after the stop")
	}
}

// TestOutboxDeliversToWebChat: a message queued in the outbox for a web chat
// client reaches the page's event stream through the dispatcher.
func TestOutboxDeliversToWebChat(t *testing.T) {
	t.Parallel()
	a, base, _ := started(t, nil)
	ctx := context.Background()
	cl := webClient(t)
	to := hello(t, cl, base)
	client := to.ExternalID
	contact, _, err := a.DB.UpsertContact(ctx, contact.Seen{Channel: string(to.Channel), ExternalID: client, DisplayName: "Bu Siti", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}

	resp, err := cl.Get(base + "/webchat/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "data: ") {
				lines <- strings.TrimPrefix(l, "data: ")
			}
		}
		close(lines)
	}()

	n, err := store.NewOutboxRepo(a.DB).Enqueue(ctx, []outbox.Message{{
		Kind: outbox.KindInvite, To: to, ContactID: contact.ID, DedupeKey: "test:invite:" + client,
		Payload: outbox.PayloadOf(channel.Outbound{Text: "Undangan Temu Bisnis, Senin 09.00", Choices: []channel.Choice{{Label: "Hadir", Value: "rsvp:yes"}}}),
	}}, time.Now())
	if err != nil || n != 1 {
		t.Fatalf("enqueue: %d %v", n, err)
	}
	select {
	case l, ok := <-lines:
		if !ok {
			t.Fatal("stream ended")
		}
		var m struct {
			Text    string           `json:"text"`
			Choices []channel.Choice `json:"choices"`
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil || m.Text != "Undangan Temu Bisnis, Senin 09.00" || len(m.Choices) != 1 {
			t.Errorf("delivered %s (%v)", l, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the outbox message did not reach the web chat stream within 10 s")
	}
}

// TestTelegramThroughTheApp: with a token, the app runs the Telegram channel
// against the configured Bot API server (here the fake one), answers through
// the bot, and reports the channel on /readyz.
func TestTelegramThroughTheApp(t *testing.T) {
	t.Parallel()
	fake := tgtest.New(t)
	_, base, stop := started(t, nil, "TELEGRAM_BOT_TOKEN", fake.Token(), "TELEGRAM_API_URL", fake.URL())
	const chat = 4242
	fake.SendText(chat, "demo")
	deadline := time.Now().Add(15 * time.Second)
	for len(fake.Sent(chat)) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	sent := fake.Sent(chat)
	if len(sent) < 2 || !strings.Contains(sent[0].Text, "contoh") {
		t.Fatalf("bot answered %+v, want the demo flow's welcome and first question", sent)
	}
	var r Readiness
	for time.Now().Before(deadline) {
		getJSON(t, base+"/readyz", &r)
		if r.Components["telegram"] == "ok" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r.Components["telegram"] != "ok" || r.Status != "ok" {
		t.Errorf("readiness %+v", r)
	}
	if err := stop(); err != nil {
		t.Errorf("Run = %v", err)
	}
}

// realRedis returns the test Redis URL (TEST_REDIS_URL, default
// 127.0.0.1:6379/0) and a random key prefix whose keys are deleted when the
// test ends.
func realRedis(tb testing.TB) (string, string) {
	tb.Helper()
	u := os.Getenv("TEST_REDIS_URL")
	if u == "" {
		u = "redis://127.0.0.1:6379/0"
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		tb.Fatalf("TEST_REDIS_URL: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "test:" + hex.EncodeToString(b[:]) + ":"
	tb.Cleanup(func() {
		rdb := redis.NewClient(opt)
		defer rdb.Close()
		ctx := context.Background()
		keys, _ := rdb.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	return u, prefix
}
