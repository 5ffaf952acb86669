package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"jejaring/internal/store/storetest"
)

// benchTurns posts messages through the web chat API of a running App: each
// iteration is one full bot turn (dedupe, contact lock, contact upsert,
// session load and save, flow step, JSON over HTTP).
func benchTurns(b *testing.B, kv ...string) {
	a, err := New(context.Background(), localConfig(b, kv...), nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx, io.Discard); close(done) }()
	defer func() { cancel(); <-done }()
	url := "http://" + a.Addr() + "/webchat/api/send"
	post := func(body string) {
		resp, err := http.Post(url, "application/json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	// Each client goes through the demo flow's first question and then
	// keeps answering the menu.
	const clients = 50
	for c := range clients {
		post(fmt.Sprintf(`{"client_id":"bench-client-%03d","text":"demo"}`, c))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		post(fmt.Sprintf(`{"client_id":"bench-client-%03d","text":"menu"}`, i%clients))
		i++
	}
}

// BenchmarkWebChatTurnLocal is the local mode: SQLite and in-process Redis.
func BenchmarkWebChatTurnLocal(b *testing.B) { benchTurns(b) }

// BenchmarkWebChatTurnPostgres uses PostgreSQL and the real Redis.
func BenchmarkWebChatTurnPostgres(b *testing.B) {
	redisURL, prefix := realRedis(b)
	benchTurns(b, "DATABASE_URL", storetest.URL(b), "REDIS_URL", redisURL, "REDIS_PREFIX", prefix)
}
