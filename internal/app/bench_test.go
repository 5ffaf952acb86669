package app

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"jejaring/internal/channel/webchat"
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
	// No web chat limits: this measures the turn, not the buckets.
	a.WebChat.SetLimits(webchat.Limits{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx, io.Discard); close(done) }()
	defer func() { cancel(); <-done }()
	url := "http://" + a.Addr() + "/webchat/api/send"
	// One cookie jar per client, as browsers.
	const clients = 50
	jars := make([]*http.Client, clients)
	for c := range jars {
		jars[c] = webClient(b)
	}
	post := func(c int, body string) {
		resp, err := jars[c].Post(url, "application/json", strings.NewReader(body))
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
	for c := range clients {
		post(c, `{"text":"demo"}`)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		post(i%clients, `{"text":"menu"}`)
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
