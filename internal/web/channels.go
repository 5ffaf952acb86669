package web

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"rsc.io/qr"

	"jejaring/internal/idn"
	"jejaring/internal/store"
)

// ChannelSource is what the channels page reads of the running channels;
// internal/app wires it from the Telegram and WhatsApp adapters, the
// outbox and /readyz (the dashboard imports no adapter).
type ChannelSource interface {
	Report(ctx context.Context) ChannelReport
	Outbox(ctx context.Context, now time.Time) ([]OutboxLine, error)
	// WhatsAppLinker links and logs out the office number; nil when the
	// WhatsApp channel is off.
	WhatsAppLinker() WhatsAppLinker
}

// WhatsAppLinker pairs the office's WhatsApp number as a linked device.
// Link calls onQR with each QR code to show (they change every ~20 s), or,
// with a phone number, onCode once with the 8-character pairing code, and
// returns the linked number (digits) when WhatsApp accepted the device.
type WhatsAppLinker interface {
	Link(ctx context.Context, phone string, onQR, onCode func(code string)) (string, error)
	Logout(ctx context.Context) error
}

// ChannelReport is the channels' state at one moment.
type ChannelReport struct {
	Telegram *TelegramStatus // nil: no TELEGRAM_BOT_TOKEN
	WhatsApp *WhatsAppStatus // nil: WHATSAPP_ENABLED is off
	// Ready is /readyz: every component with "ok" or its error.
	Ready []ReadyLine
}

// ReadyLine is one component of /readyz.
type ReadyLine struct {
	Component string // database, redis, telegram, whatsapp, …
	Err       string // "" when ready
}

// LogLine is a warning or error a channel logged.
type LogLine struct {
	At   time.Time
	Text string
}

// TelegramStatus is the Telegram bot as the adapter sees it.
type TelegramStatus struct {
	Bot        string // @username without @, "" until getMe answered
	Webhook    bool   // false: long polling
	WebhookURL string
	LastUpdate time.Time // when a Telegram user last wrote; zero: never
	Health     string    // "" when talking to Telegram, else why not
	Errors     []LogLine // newest first
}

// WhatsAppStatus is the WhatsApp link as the adapter sees it.
type WhatsAppStatus struct {
	Status      string // whatsapp.ConnStatus: not_linked, connecting, connected, …
	Phone       string // digits, "" when not linked
	Reason      string
	Since       time.Time
	PausedUntil time.Time
	Paused      bool // bulk sending waits
	// The bulk pace (whatsapp.Policy).
	PerMinute         int
	MinGap, MaxJitter time.Duration
	OnlyKnownContacts bool
	Errors            []LogLine
}

// OutboxLine is one channel's outbox.
type OutboxLine struct {
	store.ChannelQueue
	Paused bool // the channel holds bulk sending (ban, not connected)
	Off    bool // rows wait for a channel that is not running
}

func (s *Server) channelRoutes(mux *http.ServeMux) {
	mux.Handle("GET /dashboard/channels", s.need(store.RoleStaff, s.channelsPage))
	mux.Handle("GET /dashboard/channels/whatsapp/link", s.need(store.RoleAdmin, s.whatsappLink))
	mux.Handle("POST /dashboard/channels/whatsapp/logout", s.need(store.RoleAdmin, s.whatsappLogout))
}

type channelsData struct {
	Report  ChannelReport
	Outbox  []OutboxLine
	CanLink bool // WhatsApp is on and not linked
	Linked  bool
	Pace    string
	Ready   bool
	lang    string
	s       *Server
}

// When writes a time in WIB, or "—".
func (d channelsData) When(at time.Time) string {
	if at.IsZero() {
		return "—"
	}
	return idn.DayDate(at.In(d.s.location), d.lang) + " " + idn.Clock(at)
}

// Component names a /readyz component in words.
func (d channelsData) Component(name string) string {
	if v := t(d.lang, "chan.comp."+name); v != "" {
		return v
	}
	return name
}

// WAState says the WhatsApp state in words.
func (d channelsData) WAState() string {
	if v := t(d.lang, "chan.wa."+d.Report.WhatsApp.Status); v != "" {
		return v
	}
	return d.Report.WhatsApp.Status
}

// MaskedPhone is the linked number with the middle hidden.
func (d channelsData) MaskedPhone() string { return idn.MaskPhone(d.Report.WhatsApp.Phone) }

func (s *Server) channelsPage(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	d := channelsData{lang: lang, s: s}
	if src := s.opt.Channels; src != nil {
		d.Report = src.Report(r.Context())
		out, err := src.Outbox(r.Context(), s.opt.Now())
		if err != nil {
			s.serverError(w, r, u, err)
			return
		}
		d.Outbox = out
	}
	d.Ready = true
	for _, c := range d.Report.Ready {
		if c.Err != "" {
			d.Ready = false
		}
	}
	if wa := d.Report.WhatsApp; wa != nil {
		d.Linked = wa.Phone != "" && wa.Status != "not_linked" && wa.Status != "logged_out"
		d.CanLink = !d.Linked && s.opt.Channels.WhatsAppLinker() != nil
		d.Pace = fmt.Sprintf(t(lang, "chan.pace"), wa.PerMinute, int(wa.MinGap.Seconds()), int((wa.MinGap + wa.MaxJitter).Seconds()))
		if wa.OnlyKnownContacts {
			d.Pace += " " + t(lang, "chan.onlyknown")
		}
	}
	s.render(w, r, &u, http.StatusOK, "channels", "chan.title", page{Data: d})
}

// whatsappLink streams a pairing as server-sent events: "qr" with a PNG
// data URL for each QR code, or "code" with the pairing code (?phone=),
// then "done" with the linked number (masked) or "fail" with the reason.
// One pairing at a time; it ends when the browser goes away.
func (s *Server) whatsappLink(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		http.Error(w, t(lang, "err.forbidden"), http.StatusForbidden)
		return
	}
	var l WhatsAppLinker
	if s.opt.Channels != nil {
		l = s.opt.Channels.WhatsAppLinker()
	}
	if l == nil {
		s.fail(w, r, u, http.StatusNotFound, "chan.waoff")
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	var mu sync.Mutex
	send := func(ev, data string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev, strings.ReplaceAll(data, "\n", " "))
		fl.Flush()
	}
	// The browser would open the stream again after it ends; "retry"
	// makes that slow, and the page closes it on done or fail.
	fmt.Fprint(w, "retry: 600000\n\n")
	if !s.waLink.TryLock() {
		send("fail", t(lang, "chan.busy"))
		return
	}
	defer s.waLink.Unlock()
	phone := strings.TrimSpace(r.URL.Query().Get("phone"))
	_ = s.audit(r.Context(), u, "whatsapp.link_start", "channel", "whatsapp", map[string]any{"by_phone": phone != ""})
	qrs := 0
	linked, err := l.Link(r.Context(), phone, func(code string) {
		c, err := qr.Encode(code, qr.L)
		if err != nil {
			send("fail", t(lang, "err.server"))
			return
		}
		c.Scale = 6
		qrs++
		send("qr", "data:image/png;base64,"+base64.StdEncoding.EncodeToString(c.PNG()))
	}, func(code string) {
		send("code", code)
	})
	if err != nil {
		if r.Context().Err() != nil {
			return // the page went away
		}
		s.opt.Log.Warn("dashboard: whatsapp link", "err", err, "qr_codes", qrs)
		send("fail", fmt.Sprintf(t(lang, "chan.linkfail"), oneLineErr(err)))
		return
	}
	_ = s.audit(context.WithoutCancel(r.Context()), u, "whatsapp.link", "channel", "whatsapp", map[string]any{"phone": idn.MaskPhone(linked)})
	send("done", fmt.Sprintf(t(lang, "chan.linked"), idn.MaskPhone(linked)))
}

func oneLineErr(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// whatsappLogout removes the linked device.
func (s *Server) whatsappLogout(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	var l WhatsAppLinker
	if s.opt.Channels != nil {
		l = s.opt.Channels.WhatsAppLinker()
	}
	if l == nil {
		s.fail(w, r, u, http.StatusNotFound, "chan.waoff")
		return
	}
	if err := s.audit(r.Context(), u, "whatsapp.logout", "channel", "whatsapp", nil); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	if err := l.Logout(r.Context()); err != nil {
		s.opt.Log.Warn("dashboard: whatsapp logout", "err", err)
		lang := langOf(w, r)
		s.render(w, r, &u, http.StatusConflict, "error", "chan.title", page{Error: fmt.Sprintf(t(lang, "chan.logoutfail"), oneLineErr(err))})
		return
	}
	http.Redirect(w, r, "/dashboard/channels?ok=chan.loggedout", http.StatusSeeOther)
}
