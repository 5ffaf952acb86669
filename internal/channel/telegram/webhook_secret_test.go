package telegram

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a log sink for concurrent handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func postUpdate(t *testing.T, url, secret string, id int) int {
	t.Helper()
	body := `{"update_id":` + strconv.Itoa(id) + `,"message":{"message_id":1,"date":1764500000,"text":"halo",
		"from":{"id":9600,"is_bot":false,"first_name":"Ani"},"chat":{"id":9600,"type":"private"}}}`
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestWebhookSecretConfigured: TELEGRAM_WEBHOOK_SECRET is what Run
// registers and what the handler wants; the previous secret of a rotation
// is still accepted, the one derived from the token is not, and no warning
// about a derived secret is logged.
func TestWebhookSecretConfigured(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var logs lockedBuffer
	rec := &recorder{}
	cfg := f.config(rec)
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	cfg.WebhookURL = "https://jejaring.example/telegram"
	cfg.WebhookSecret = "new-0123456789abcdef"
	cfg.OldWebhookSecrets = []string{"old-0123456789abcdef"}
	a, _ := f.start(t, cfg)
	ctx := waitCtx(t)
	if err := f.fake.WaitFor(ctx, func() bool { u, _ := f.fake.Webhook(); return u != "" }); err != nil {
		t.Fatal("setWebhook not called")
	}
	if _, secret := f.fake.Webhook(); secret != "new-0123456789abcdef" {
		t.Errorf("registered secret %q, want TELEGRAM_WEBHOOK_SECRET", secret)
	}
	srv := httptest.NewServer(a.WebhookHandler())
	t.Cleanup(srv.Close)
	if code := postUpdate(t, srv.URL, "new-0123456789abcdef", 601); code != http.StatusOK {
		t.Errorf("new secret: %d", code)
	}
	if code := postUpdate(t, srv.URL, "old-0123456789abcdef", 602); code != http.StatusOK {
		t.Errorf("old secret during a rotation: %d", code)
	}
	if code := postUpdate(t, srv.URL, deriveSecret(cfg.Token), 603); code != http.StatusUnauthorized {
		t.Errorf("secret derived from the token accepted although TELEGRAM_WEBHOOK_SECRET is set: %d", code)
	}
	if strings.Contains(logs.String(), "TELEGRAM_WEBHOOK_SECRET is not set") {
		t.Errorf("warned about a derived secret: %s", logs.String())
	}
}

// TestWebhookSecretDerivedWarns: without TELEGRAM_WEBHOOK_SECRET the
// secret comes from the token, and the start-up says so once.
func TestWebhookSecretDerivedWarns(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var logs lockedBuffer
	cfg := f.config(&recorder{})
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	cfg.WebhookURL = "https://jejaring.example/telegram"
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if a.WebhookSecret() != deriveSecret(cfg.Token) {
		t.Error("no fallback secret")
	}
	if n := strings.Count(logs.String(), "level=WARN msg=\"TELEGRAM_WEBHOOK_SECRET is not set"); n != 1 {
		t.Errorf("%d warnings about the derived secret, want 1:\n%s", n, logs.String())
	}
	// Long polling needs no secret and gets no warning.
	logs = lockedBuffer{}
	cfg.WebhookURL = ""
	if _, err := New(cfg); err != nil {
		t.Fatal(err)
	}
	if logs.String() != "" {
		t.Errorf("polling mode logged: %s", logs.String())
	}
}

// TestRefusedWebhookCallsAreSampled: a flood of calls without the secret
// writes one WARN, then at most one a minute with how many were refused.
func TestRefusedWebhookCallsAreSampled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var logs lockedBuffer
	cfg := f.config(&recorder{})
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	cfg.WebhookURL = "https://jejaring.example/telegram"
	cfg.WebhookSecret = "the-0123456789abcdef"
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	a.refused.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	srv := httptest.NewServer(a.WebhookHandler())
	t.Cleanup(srv.Close)
	refusedLines := func() int { return strings.Count(logs.String(), "request without the right secret token refused") }

	for i := range 100 {
		secret := ""
		if i%2 == 1 {
			secret = "wrong-0123456789abcdef"
		}
		if code := postUpdate(t, srv.URL, secret, 700+i); code != http.StatusUnauthorized {
			t.Fatalf("call %d: %d", i, code)
		}
	}
	if n := refusedLines(); n != 1 {
		t.Fatalf("100 refused calls wrote %d WARN lines, want 1:\n%s", n, logs.String())
	}
	mu.Lock()
	clock = clock.Add(59 * time.Second)
	mu.Unlock()
	postUpdate(t, srv.URL, "", 800)
	if n := refusedLines(); n != 1 {
		t.Fatalf("within the minute: %d lines", n)
	}
	mu.Lock()
	clock = clock.Add(2 * time.Second)
	mu.Unlock()
	postUpdate(t, srv.URL, "", 801)
	if n := refusedLines(); n != 2 || !strings.Contains(logs.String(), "refused=101") {
		t.Errorf("after a minute: %d lines, want 2 with refused=101 (100 unlogged + this one):\n%s", n, logs.String())
	}
}
