package whatsapp

import (
	"context"
	"log/slog"
	"sync"

	signallog "go.mau.fi/libsignal/logger"
)

// signalLogOnce guards the one process-wide setting this package makes:
// libsignal (whatsmeow's encryption) keeps its logger in a package variable
// that it fills lazily — racing when two goroutines encrypt for the first
// time together — and by default prints to stdout. Installing ours once,
// before any client exists, removes both problems.
var signalLogOnce sync.Once

func setupSignalLog(l *slog.Logger) {
	signalLogOnce.Do(func() {
		var lg signallog.Loggable = &signalLog{l: l.With("whatsmeow", "libsignal")}
		signallog.Setup(&lg)
	})
}

// signalLog passes libsignal's messages to slog, one level down: its
// "info" and "warning" lines are chatter about sessions, not news for the
// operator.
type signalLog struct{ l *slog.Logger }

func (s *signalLog) log(level slog.Level, caller, msg string) {
	if s.l.Enabled(context.Background(), level) {
		s.l.Log(context.Background(), level, longDigits.ReplaceAllString(msg, "…"), "caller", caller)
	}
}

func (s *signalLog) Debug(caller, msg string)   { s.log(slog.LevelDebug-4, caller, msg) }
func (s *signalLog) Info(caller, msg string)    { s.log(slog.LevelDebug, caller, msg) }
func (s *signalLog) Warning(caller, msg string) { s.log(slog.LevelDebug, caller, msg) }
func (s *signalLog) Error(caller, msg string)   { s.log(slog.LevelWarn, caller, msg) }
func (s *signalLog) Configure(string)           {}
