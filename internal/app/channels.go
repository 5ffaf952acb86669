package app

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	waStore "go.mau.fi/whatsmeow/store"

	"jejaring/internal/channel"
	"jejaring/internal/channel/whatsapp"
	"jejaring/internal/store"
	"jejaring/internal/web"
)

// logRing keeps the last warnings and errors a channel logged, for the
// dashboard's channels page ("recent errors"). The adapters mask phone
// numbers in what they log, so nothing here needs masking again.
type logRing struct {
	mu    sync.Mutex
	lines []web.LogLine // oldest first
}

const logRingSize = 10

func (r *logRing) add(at time.Time, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, web.LogLine{At: at, Text: text})
	if len(r.lines) > logRingSize {
		r.lines = r.lines[len(r.lines)-logRingSize:]
	}
}

// newest returns the lines, newest first.
func (r *logRing) newest() []web.LogLine {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.lines)
	slices.Reverse(out)
	return out
}

// ringHandler passes records on and keeps those of WARN and above in ring.
type ringHandler struct {
	slog.Handler
	ring *logRing
}

func (h ringHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn || h.Handler.Enabled(ctx, l)
}

func (h ringHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		var b strings.Builder
		b.WriteString(r.Message)
		r.Attrs(func(a slog.Attr) bool {
			fmt.Fprintf(&b, " %s=%s", a.Key, a.Value)
			return true
		})
		h.ring.add(r.Time, b.String())
	}
	if !h.Handler.Enabled(ctx, r.Level) {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h ringHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return ringHandler{h.Handler.WithAttrs(as), h.ring}
}

func (h ringHandler) WithGroup(name string) slog.Handler {
	return ringHandler{h.Handler.WithGroup(name), h.ring}
}

// channelLogger is the logger of a channel: the app's, with channel=name,
// whose warnings the channels page lists.
func (a *App) channelLogger(name string) *slog.Logger {
	a.logsMu.Lock()
	defer a.logsMu.Unlock()
	if a.logs == nil {
		a.logs = map[string]*logRing{}
	}
	r := a.logs[name]
	if r == nil {
		r = &logRing{}
		a.logs[name] = r
	}
	return slog.New(ringHandler{a.Log.Handler(), r}).With("channel", name)
}

func (a *App) recentErrors(name string) []web.LogLine {
	a.logsMu.Lock()
	r := a.logs[name]
	a.logsMu.Unlock()
	if r == nil {
		return nil
	}
	return r.newest()
}

// channelsView is the dashboard's web.ChannelSource: the running
// adapters, the outbox and /readyz.
type channelsView struct{ a *App }

// Report implements web.ChannelSource.
func (v channelsView) Report(ctx context.Context) web.ChannelReport {
	a := v.a
	var rep web.ChannelReport
	rd := a.Ready(ctx)
	names := make([]string, 0, len(rd.Components))
	for n := range rd.Components {
		names = append(names, n)
	}
	order := func(n string) int {
		if r, ok := map[string]int{"database": 0, "redis": 1}[n]; ok {
			return r
		}
		return 2
	}
	slices.SortFunc(names, func(x, y string) int {
		if d := order(x) - order(y); d != 0 {
			return d
		}
		return strings.Compare(x, y)
	})
	for _, n := range names {
		line := web.ReadyLine{Component: n}
		if s := rd.Components[n]; s != "ok" {
			line.Err = s
		}
		rep.Ready = append(rep.Ready, line)
	}
	if tg := a.telegram; tg != nil {
		st := &web.TelegramStatus{Bot: tg.Username(), Webhook: a.Config.TelegramWebhookURL != "", WebhookURL: a.Config.TelegramWebhookURL,
			Errors: a.recentErrors("telegram")}
		if err := tg.Health(); err != nil {
			st.Health = oneLine(err)
		}
		if at, err := a.DB.LastInbound(ctx, string(channel.Telegram)); err == nil {
			st.LastUpdate = at
		}
		rep.Telegram = st
	}
	if wa, ok := a.Channels[channel.WhatsApp].(*whatsapp.Adapter); ok {
		s, p := wa.Status(), wa.Policy()
		rep.WhatsApp = &web.WhatsAppStatus{Status: string(s.Status), Phone: s.Phone, Reason: s.Reason, Since: s.Since, PausedUntil: s.PausedUntil,
			Paused: wa.Paused(), PerMinute: p.PerMinute, MinGap: p.MinGap, MaxJitter: p.MaxJitter, OnlyKnownContacts: p.OnlyKnownContacts,
			Errors: a.recentErrors("whatsapp")}
	}
	return rep
}

// Outbox implements web.ChannelSource: every running channel, and every
// channel rows wait for.
func (v channelsView) Outbox(ctx context.Context, now time.Time) ([]web.OutboxLine, error) {
	qs, err := store.NewOutboxRepo(v.a.DB).ChannelQueues(ctx, now)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []web.OutboxLine
	add := func(q store.ChannelQueue) {
		seen[q.Channel] = true
		line := web.OutboxLine{ChannelQueue: q}
		ch, running := v.a.Channels[channel.Name(q.Channel)]
		line.Off = !running
		if p, ok := ch.(interface{ Paused() bool }); ok {
			line.Paused = p.Paused()
		}
		out = append(out, line)
	}
	for _, q := range qs {
		add(q)
	}
	var names []string
	for n := range v.a.Channels {
		if !seen[string(n)] {
			names = append(names, string(n))
		}
	}
	slices.Sort(names)
	for _, n := range names {
		add(store.ChannelQueue{Channel: n})
	}
	return out, nil
}

// WhatsAppLinker implements web.ChannelSource.
func (v channelsView) WhatsAppLinker() web.WhatsAppLinker {
	wa, ok := v.a.Channels[channel.WhatsApp].(*whatsapp.Adapter)
	if !ok {
		return nil
	}
	return waLinker{a: v.a, wa: wa}
}

// waLinker pairs through a whatsapp.Session (as `jejaring whatsapp link`
// does; the running adapter picks the new session up within its link
// poll) and logs out through the running adapter.
type waLinker struct {
	a  *App
	wa *whatsapp.Adapter
}

func (l waLinker) Link(ctx context.Context, phone string, onQR, onCode func(string)) (string, error) {
	pool, dialect, err := l.a.DB.SidePool()
	if err != nil {
		return "", err
	}
	sess, err := whatsapp.OpenSession(ctx, whatsapp.SessionConfig{DB: pool, Dialect: dialect, Logger: l.a.channelLogger("whatsapp"),
		ProxyURL: l.a.Config.Lookup("WHATSAPP_PROXY")})
	if err != nil {
		return "", err
	}
	// The phone lists a linked device under its OS name; say who we are.
	waStore.SetOSInfo("Jejaring", [3]uint32{1, 0, 0})
	return sess.Link(ctx, whatsapp.LinkOptions{Phone: phone, OnQR: onQR, OnPairCode: onCode})
}

func (l waLinker) Logout(ctx context.Context) error { return l.wa.Logout(ctx) }
