// Package metrics holds Jejaring's Prometheus collectors: messages in and out
// per channel, how long the bot takes to handle a message, and errors by the
// pipeline stage where they happened.
//
// The collectors are registered on a registry the caller gives (internal/app
// uses its own, not the global default), so tests can build as many as they
// like. A nil *Metrics is valid and records nothing, so code that takes one
// never needs to check.
package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics is the set of collectors the bot and the channels report to.
type Metrics struct {
	MessagesIn  *prometheus.CounterVec   // jejaring_messages_in_total{channel}
	MessagesOut *prometheus.CounterVec   // jejaring_messages_out_total{channel}
	Handle      *prometheus.HistogramVec // jejaring_handle_seconds{channel}
	Errors      *prometheus.CounterVec   // jejaring_errors_total{stage}
}

// New creates the collectors and registers them on reg. A nil reg creates
// them without registering (useful in tests).
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		MessagesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jejaring_messages_in_total",
			Help: "Messages received from contacts, by channel.",
		}, []string{"channel"}),
		MessagesOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jejaring_messages_out_total",
			Help: "Messages sent to contacts, by channel.",
		}, []string{"channel"}),
		Handle: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "jejaring_handle_seconds",
			Help:    "Time the bot took to handle one inbound message, by channel.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"channel"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jejaring_errors_total",
			Help: "Errors, by the stage where they happened (dedupe, lock, session, action, send, ...).",
		}, []string{"stage"}),
	}
	if reg != nil {
		reg.MustRegister(m.MessagesIn, m.MessagesOut, m.Handle, m.Errors)
	}
	return m
}

// In counts one inbound message on channel.
func (m *Metrics) In(channel string) {
	if m == nil {
		return
	}
	m.MessagesIn.WithLabelValues(channel).Inc()
}

// Out counts n outbound messages on channel.
func (m *Metrics) Out(channel string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.MessagesOut.WithLabelValues(channel).Add(float64(n))
}

// Observe records how long handling one message on channel took.
func (m *Metrics) Observe(channel string, d time.Duration) {
	if m == nil {
		return
	}
	m.Handle.WithLabelValues(channel).Observe(d.Seconds())
}

// Error counts one error at stage.
func (m *Metrics) Error(stage string) {
	if m == nil {
		return
	}
	m.Errors.WithLabelValues(stage).Inc()
}
