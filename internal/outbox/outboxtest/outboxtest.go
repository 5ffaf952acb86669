// Package outboxtest has helpers for testing code that sends through the
// outbox: a fake channel that records deliveries and injects the faults
// platforms produce (429 with retry_after, 5xx, blocked users), and a Redis
// client with its own key prefix per test.
package outboxtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
)

// DefaultRedisURL is used when TEST_REDIS_URL is empty.
const DefaultRedisURL = "redis://127.0.0.1:6379/0"

// Redis connects to the test Redis and returns a key prefix unique to this
// test. The test fails when Redis is not there.
func Redis(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	u := os.Getenv("TEST_REDIS_URL")
	if u == "" {
		u = DefaultRedisURL
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("TEST_REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(opt)
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis for tests is not reachable at %s (set TEST_REDIS_URL): %v", u, err)
	}
	t.Cleanup(func() { rdb.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	return rdb, "test:" + hex.EncodeToString(b[:]) + ":"
}

// Sent is one delivered message.
type Sent struct {
	To  channel.Address
	Msg channel.Outbound
	At  time.Time
	ID  string
}

// Channel is a fake channel.Channel. Every Nth call fails in the configured
// way before anything is delivered, so a failed call never delivers.
type Channel struct {
	N            channel.Name
	Every429     int           // every Nth call answers 429
	RetryAfter   time.Duration // the 429's retry_after
	Every5xx     int           // every Nth call fails transiently
	Blocked      map[string]bool
	Latency      time.Duration
	MaxPerSecond float64 // sends faster than this (sliding 1 s window) get 429

	mu     sync.Mutex
	calls  int
	sent   []Sent
	window []time.Time
	got429 int
}

// Name implements channel.Channel.
func (c *Channel) Name() channel.Name { return c.N }

// Send implements channel.Channel.
func (c *Channel) Send(ctx context.Context, to channel.Address, msg channel.Outbound) (channel.SendResult, error) {
	if c.Latency > 0 {
		select {
		case <-time.After(c.Latency):
		case <-ctx.Done():
			return channel.SendResult{}, ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil {
		return channel.SendResult{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	now := time.Now()
	if c.MaxPerSecond > 0 {
		cut := now.Add(-time.Second)
		i := 0
		for i < len(c.window) && c.window[i].Before(cut) {
			i++
		}
		c.window = c.window[i:]
		if float64(len(c.window)+1) > c.MaxPerSecond {
			c.got429++
			return channel.SendResult{}, &channel.RateLimitError{RetryAfter: time.Second}
		}
	}
	switch {
	case c.Every429 > 0 && c.calls%c.Every429 == 0:
		c.got429++
		return channel.SendResult{}, &channel.RateLimitError{RetryAfter: c.RetryAfter}
	case c.Every5xx > 0 && c.calls%c.Every5xx == 0:
		return channel.SendResult{}, errors.New("telegram: 502 Bad Gateway")
	case c.Blocked[to.ExternalID]:
		return channel.SendResult{}, fmt.Errorf("telegram: 403 Forbidden: bot was blocked by the user: %w", channel.ErrBlocked)
	}
	c.window = append(c.window, now)
	id := fmt.Sprintf("m%d", len(c.sent)+1)
	c.sent = append(c.sent, Sent{To: to, Msg: msg, At: now, ID: id})
	return channel.SendResult{MessageID: id}, nil
}

// Sent returns the delivered messages so far.
func (c *Channel) Sent() []Sent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Sent(nil), c.sent...)
}

// Count returns how many messages were delivered.
func (c *Channel) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sent)
}

// Got429 returns how many 429s the fake answered.
func (c *Channel) Got429() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.got429
}
