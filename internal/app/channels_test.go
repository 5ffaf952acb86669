package app

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// TestChannelLoggerKeepsWarnings: a channel's warnings and errors are kept
// for the channels page, newest first and at most logRingSize, and still
// reach the app's log; info lines are not kept.
func TestChannelLoggerKeepsWarnings(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	a := &App{Log: slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelError}))}
	log := a.channelLogger("telegram").With("bot", "x")
	log.Info("telegram connected")
	for i := range logRingSize + 2 {
		log.Warn("telegram getUpdates failed", "attempt", i, "err", "context deadline exceeded")
	}
	log.Error("telegram token refused")
	got := a.recentErrors("telegram")
	if len(got) != logRingSize || got[0].Text != "telegram token refused" || !strings.Contains(got[1].Text, "attempt=11 err=context deadline exceeded") {
		t.Fatalf("recent errors: %+v", got)
	}
	if a.recentErrors("whatsapp") != nil {
		t.Error("whatsapp has lines it never logged")
	}
	// The app's own log keeps its level (errors only here) and the attributes.
	if s := out.String(); !strings.Contains(s, "token refused") || strings.Contains(s, "getUpdates") || !strings.Contains(s, "channel=telegram") {
		t.Errorf("app log: %s", s)
	}
}
