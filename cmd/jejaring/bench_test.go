package main

import (
	"context"
	"strings"
	"testing"
)

// TestBench runs `jejaring bench` with a few owners in the local mode: every
// simulated registration must go through and be stored, and the report must
// carry the figures it promises.
func TestBench(t *testing.T) {
	t.Parallel()
	var out, errb strings.Builder
	env := map[string]string{"DATABASE_URL": "postgres://ignored:1/x", "REDIS_URL": "redis://127.0.0.1:1"}
	code := run(context.Background(), []string{"bench", "-users", "4"}, stdio{
		in: strings.NewReader(""), out: &out, err: &errb,
		getenv: func(k string) string { return env[k] }, // ignored without -use-config
	})
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"4 owners registering at once", "registrations stored 4", "messages/s", "p50", "p99", "bare round trips"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
