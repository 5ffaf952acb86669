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

// TestBenchSustained runs `jejaring bench -rate` briefly in the local mode:
// every offered message is handled in order per owner, and the report
// carries the percentiles and the per-message operations.
func TestBenchSustained(t *testing.T) {
	t.Parallel()
	var out, errb strings.Builder
	code := run(context.Background(), []string{"bench", "-rate", "40", "-duration", "1s"}, stdio{
		in: strings.NewReader(""), out: &out, err: &errb,
		getenv: func(k string) string { return "" },
	})
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"40 messages/s offered for 1s", "offered 40, handled 40", "failed 0", "p95", "p99",
		"Redis ", "round trips per message", "per message"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestBenchDBNeedsPostgres: `jejaring bench db` says what it needs.
func TestBenchDBNeedsPostgres(t *testing.T) {
	t.Parallel()
	var out, errb strings.Builder
	code := run(context.Background(), []string{"bench", "db"}, stdio{
		in: strings.NewReader(""), out: &out, err: &errb, getenv: func(string) string { return "" },
	})
	if code == 0 || !strings.Contains(errb.String(), "DATABASE_URL") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}
