package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestMetrics(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.In("webchat")
	m.In("webchat")
	m.Out("webchat", 3)
	m.Out("telegram", 0)
	m.Observe("webchat", 20*time.Millisecond)
	m.Error("action")

	if got := testutil.ToFloat64(m.MessagesIn.WithLabelValues("webchat")); got != 2 {
		t.Errorf("messages in = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.MessagesOut.WithLabelValues("webchat")); got != 3 {
		t.Errorf("messages out = %v, want 3", got)
	}
	if got := testutil.ToFloat64(m.Errors.WithLabelValues("action")); got != 1 {
		t.Errorf("errors = %v, want 1", got)
	}
	want := `
# HELP jejaring_messages_out_total Messages sent to contacts, by channel.
# TYPE jejaring_messages_out_total counter
jejaring_messages_out_total{channel="webchat"} 3
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "jejaring_messages_out_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(m.Handle); n != 1 {
		t.Errorf("histogram series = %d, want 1", n)
	}
}

func TestNilMetricsIsSafe(t *testing.T) {
	t.Parallel()
	var m *Metrics
	m.In("x")
	m.Out("x", 1)
	m.Observe("x", time.Second)
	m.Error("x")
}
