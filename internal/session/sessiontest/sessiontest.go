// Package sessiontest gives tests a Redis to talk to: the real server at
// TEST_REDIS_URL (default redis://127.0.0.1:6379/0) or an in-process
// miniredis, each with a random key prefix so parallel tests never see each
// other's keys. A test that needs the real server fails when it is not there;
// it is never skipped. Keys are removed by prefix when the test ends (never
// FLUSHDB: the server is shared).
package sessiontest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// DefaultURL is used when TEST_REDIS_URL is empty.
const DefaultURL = "redis://127.0.0.1:6379/0"

// URL is the Redis server tests use.
func URL() string {
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// Backends names the Redis implementations tests run on.
var Backends = []string{"redis", "miniredis"}

// Prefix returns a fresh random key prefix like "test:1a2b3c4d5e6f:".
func Prefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "test:" + hex.EncodeToString(b[:]) + ":"
}

// Real connects to the Redis at URL and returns the client and a random key
// prefix; keys under the prefix are deleted when the test ends.
func Real(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	opt, err := redis.ParseURL(URL())
	if err != nil {
		t.Fatalf("TEST_REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(opt)
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		t.Fatalf("Redis for tests is not reachable (set TEST_REDIS_URL; default %s): %v", DefaultURL, err)
	}
	prefix := Prefix()
	t.Cleanup(func() {
		defer rdb.Close()
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	return rdb, prefix
}

// Mini starts an in-process miniredis for the test and returns a client, a
// random key prefix and the server (to fast-forward its clock).
func Mini(t testing.TB) (redis.UniversalClient, string, *miniredis.Miniredis) {
	t.Helper()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return rdb, Prefix(), m
}

// New returns a client and prefix for the named backend ("redis" or
// "miniredis").
func New(t testing.TB, backend string) (redis.UniversalClient, string) {
	t.Helper()
	switch backend {
	case "redis":
		return Real(t)
	case "miniredis":
		rdb, prefix, _ := Mini(t)
		return rdb, prefix
	default:
		t.Fatalf("unknown Redis backend %q", backend)
		return nil, ""
	}
}
