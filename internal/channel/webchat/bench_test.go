package webchat

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"jejaring/internal/channel"
)

// BenchmarkSendAPI measures one POST /webchat/api/send through the HTTP
// stack: the cookie, the two token buckets (set so wide they never run
// dry), decoding, validation and encoding, with a handler that answers at
// once (the bot's own cost is measured in internal/bot and internal/app).
func BenchmarkSendAPI(b *testing.B) {
	rdb, prefix, _ := miniRedis(b)
	wide := Rate{N: 1 << 30, Per: time.Second, Burst: 1 << 30}
	_, srv := newServerWith(b, Options{Redis: rdb, Prefix: prefix, Handler: &recorder{}, Limits: &Limits{Send: wide, IPSend: wide, NewClients: wide}})
	client := srv.Client()
	body := `{"text":"Kerupuk Sanjai Bu Siti"}`
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Post(srv.URL+"/webchat/api/send", "application/json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkChannelSend measures queueing one outbox delivery for a client
// on the real Redis at TEST_REDIS_URL (RPUSH, LTRIM, EXPIRE, PUBLISH in one
// transaction).
func BenchmarkChannelSend(b *testing.B) {
	rdb, prefix := testRedis(b)
	c, err := New(Options{Redis: rdb, Prefix: prefix, Handler: &recorder{}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	msg := channel.Outbound{Text: "Pengingat: Temu Bisnis besok pukul 09.00 di Painan", Choices: []channel.Choice{{Label: "Hadir", Value: "rsvp:yes"}}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		to := channel.Address{Channel: channel.WebChat, ExternalID: fmt.Sprintf("bench-client-%04d", i%1000)}
		if _, err := c.Send(ctx, to, msg); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSendAPIRedis is BenchmarkSendAPI with the buckets on the real
// Redis at TEST_REDIS_URL (BenchmarkSendAPI's in-process Redis runs the
// buckets' Lua script in Go, which costs most of its time).
func BenchmarkSendAPIRedis(b *testing.B) {
	rdb, prefix := testRedis(b)
	wide := Rate{N: 1 << 30, Per: time.Second, Burst: 1 << 30}
	_, srv := newServerWith(b, Options{Redis: rdb, Prefix: prefix, Handler: &recorder{}, Limits: &Limits{Send: wide, IPSend: wide, NewClients: wide}})
	client := srv.Client()
	body := `{"text":"Kerupuk Sanjai Bu Siti"}`
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Post(srv.URL+"/webchat/api/send", "application/json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
