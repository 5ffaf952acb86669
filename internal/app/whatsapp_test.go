package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/channel/whatsapp/whatsapptest"
	"jejaring/internal/config"
	"jejaring/internal/store"
)

// syncBuffer is a log sink safe for the App's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestWhatsAppUnreachableRestKeepsWorking: with WHATSAPP_ENABLED set, a
// linked number and WhatsApp unreachable (its traffic sent to a closed local
// proxy, so nothing leaves the machine), Jejaring starts, /readyz and the
// log say WhatsApp is not connected and why, it keeps retrying, and the web
// chat and Telegram (a fake Bot API server) keep answering.
func TestWhatsAppUnreachableRestKeepsWorking(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	whatsapptest.Link(t, db, "6281299998888")
	db.Close()

	fake := tgtest.New(t)
	env := map[string]string{"DATA_DIR": dir, "HTTP_ADDR": "127.0.0.1:0", "WHATSAPP_ENABLED": "true", "WHATSAPP_PROXY": whatsapptest.ClosedProxy,
		"TELEGRAM_BOT_TOKEN": fake.Token(), "TELEGRAM_API_URL": fake.URL()}
	cfg, err := config.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	a, err := New(ctx, cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatalf("New with WhatsApp unreachable: %v", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx, io.Discard) }()
	t.Cleanup(func() { cancel(); <-done })
	base := "http://" + a.Addr()

	var r Readiness
	deadline := time.Now().Add(10 * time.Second)
	for {
		code := getJSON(t, base+"/readyz", &r)
		if code == http.StatusServiceUnavailable && strings.Contains(r.Components["whatsapp"], "not connected") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz = %d %+v, want whatsapp not connected", code, r)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("readyz whatsapp: %s", r.Components["whatsapp"])
	if wa := r.Components["whatsapp"]; !strings.Contains(wa, "127.0.0.1:1") || !strings.Contains(wa, "next retry") {
		t.Errorf("readyz whatsapp = %q, want the reason and the next retry", wa)
	}
	if r.Components["database"] != "ok" || r.Components["redis"] != "ok" {
		t.Errorf("readyz = %+v", r)
	}
	if l := logs.String(); !strings.Contains(l, "WhatsApp channel not connected") || !strings.Contains(l, "connection refused") {
		t.Errorf("log lacks the reason:\n%s", l)
	}

	// The web chat answers meanwhile.
	resp, err := http.Post(base+"/webchat/api/send", "application/json", strings.NewReader(`{"text":"halo"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reply struct {
		Messages []struct {
			Text string `json:"text"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil || resp.StatusCode != 200 || len(reply.Messages) == 0 || reply.Messages[0].Text == "" {
		t.Fatalf("web chat: %d %+v %v", resp.StatusCode, reply, err)
	}

	// And so does Telegram.
	const chat = 5151
	fake.SendText(chat, "demo")
	for deadline := time.Now().Add(15 * time.Second); len(fake.Sent(chat)) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("Telegram did not answer while WhatsApp was unreachable")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
