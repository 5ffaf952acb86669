package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"jejaring/internal/idn"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// longDigits finds phone numbers and LIDs in whatsmeow's log lines.
var longDigits = regexp.MustCompile(`\d{9,}`)

// walog passes whatsmeow's printf-style log to slog. whatsmeow's debug and
// info chatter goes to slog's debug level; its warnings and errors keep
// theirs.
type walog struct {
	l      *slog.Logger
	module string
}

func newWALog(l *slog.Logger, module string) waLog.Logger {
	return &walog{l: l, module: module}
}

func (w *walog) log(level slog.Level, msg string, args []any) {
	if !w.l.Enabled(context.Background(), level) {
		return
	}
	text := longDigits.ReplaceAllStringFunc(fmt.Sprintf(msg, args...), func(d string) string {
		return strings.TrimPrefix(idn.MaskPhone(d), "+")
	})
	w.l.Log(context.Background(), level, text, "whatsmeow", w.module)
}

func (w *walog) Warnf(msg string, args ...any)  { w.log(slog.LevelWarn, msg, args) }
func (w *walog) Errorf(msg string, args ...any) { w.log(slog.LevelError, msg, args) }
func (w *walog) Infof(msg string, args ...any)  { w.log(slog.LevelDebug, msg, args) }
func (w *walog) Debugf(msg string, args ...any) { w.log(slog.LevelDebug-4, msg, args) }
func (w *walog) Sub(module string) waLog.Logger {
	return &walog{l: w.l, module: w.module + "/" + module}
}
