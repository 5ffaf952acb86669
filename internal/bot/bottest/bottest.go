// Package bottest drives the real bot pipeline in tests: a Bot on a fresh
// storetest database (PostgreSQL or SQLite) and the real Redis at
// TEST_REDIS_URL under a random key prefix, with a clock the test controls.
// Flow owners use it for end-to-end conversations with their real actions:
//
//	h := bottest.New(t, set, actions, store.SQLite)
//	a := bottest.Addr("siti")
//	h.Say(a, "daftar")
//	out := h.Choose(a, "kuliner")
package bottest

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"jejaring/internal/bot"
	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/flow"
	"jejaring/internal/idn"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// Start is the harness clock's first reading: Monday 30 November 2026, 09:00
// WIB.
var Start = time.Date(2026, 11, 30, 9, 0, 0, 0, idn.WIB)

// Harness is a bot wired to test services.
type Harness struct {
	T        testing.TB
	Bot      *bot.Bot
	DB       *store.DB
	Sessions *session.Store
	Flows    *flow.Set

	// Actions is the registry the bot runs (a copy of the one given to
	// New); ScriptDriver adds a script's stubs for actions missing here.
	Actions bot.Actions

	mu  sync.Mutex
	now time.Time
	seq int
	// idPrefix keeps message ids of two harnesses on one Redis apart.
	idPrefix string
	last     map[channel.Address]turnEnd
}

type turnEnd struct {
	answers map[string]any
	ended   string
}

// Option changes the bot's Config before it is built.
type Option func(*bot.Config)

// New builds a Bot on a fresh database of dialect (store.Postgres or
// store.SQLite) and the real Redis, running flows with actions.
func New(t testing.TB, flows *flow.Set, actions bot.Actions, dialect string, opts ...Option) *Harness {
	t.Helper()
	db := storetest.New(t, dialect)
	rdb, prefix := sessiontest.Real(t)
	return NewWith(t, flows, actions, db, session.New(rdb, prefix, session.DefaultTTL), opts...)
}

// NewWith builds the harness on a database and session store the test
// already has (to share them between two bots, as two replicas would).
func NewWith(t testing.TB, flows *flow.Set, actions bot.Actions, db *store.DB, sessions *session.Store, opts ...Option) *Harness {
	t.Helper()
	h := &Harness{T: t, DB: db, Sessions: sessions, Flows: flows, now: Start,
		Actions: maps.Clone(actions), last: map[channel.Address]turnEnd{},
		idPrefix: strings.TrimSuffix(sessiontest.Prefix(), ":")[len("test:"):] + "-m"}
	if h.Actions == nil {
		h.Actions = bot.Actions{}
	}
	cfg := bot.Config{
		Contacts: db, Sessions: sessions, Flows: flows, Actions: h.Actions,
		Clock: h.Now,
		OnTurn: func(addr channel.Address, answers map[string]any, ended string) {
			h.mu.Lock()
			h.last[addr] = turnEnd{answers: answers, ended: ended}
			h.mu.Unlock()
		},
	}
	for _, o := range opts {
		o(&cfg)
	}
	b, err := bot.New(cfg)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	h.Bot = b
	return h
}

// Addr is a web chat address, the simplest channel for tests.
func Addr(id string) channel.Address {
	return channel.Address{Channel: channel.WebChat, ExternalID: id}
}

// Now is the harness clock.
func (h *Harness) Now() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

// Advance moves the clock forward.
func (h *Harness) Advance(d time.Duration) {
	h.mu.Lock()
	h.now = h.now.Add(d)
	h.mu.Unlock()
}

func (h *Harness) nextID() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	return fmt.Sprintf("%s%d", h.idPrefix, h.seq)
}

// Send handles in, filling a fresh MessageID and the clock's time when they
// are empty, and fails the test when Handle returns an error.
func (h *Harness) Send(in channel.Inbound) []channel.Outbound {
	h.T.Helper()
	out, err := h.SendErr(context.Background(), in)
	if err != nil {
		h.T.Fatalf("Handle(%s %q): %v", in.Kind, in.Text+in.Choice+in.Payload, err)
	}
	return out
}

// SendErr is Send returning Handle's error.
func (h *Harness) SendErr(ctx context.Context, in channel.Inbound) ([]channel.Outbound, error) {
	if in.MessageID == "" {
		in.MessageID = h.nextID()
	}
	if in.Time.IsZero() {
		in.Time = h.Now()
	}
	return h.Bot.Handle(ctx, in)
}

// Say sends text from addr.
func (h *Harness) Say(addr channel.Address, text string) []channel.Outbound {
	h.T.Helper()
	return h.Send(channel.Inbound{From: addr, Kind: channel.KindText, Text: text})
}

// Choose presses the option with value.
func (h *Harness) Choose(addr channel.Address, value string) []channel.Outbound {
	h.T.Helper()
	return h.Send(channel.Inbound{From: addr, Kind: channel.KindChoice, Choice: value})
}

// Open follows a deep link with payload ("" for a bare start command).
func (h *Harness) Open(addr channel.Address, payload string) []channel.Outbound {
	h.T.Helper()
	return h.Send(channel.Inbound{From: addr, Kind: channel.KindStart, Payload: payload})
}

// Session is addr's stored session (nil when none).
func (h *Harness) Session(addr channel.Address) *flow.Session {
	h.T.Helper()
	s, err := h.Sessions.Get(context.Background(), addr)
	if err != nil {
		h.T.Fatalf("session %s: %v", addr, err)
	}
	return s
}

// Answers are addr's answers after its latest turn, the final ones when the
// flow ended (nil when no flow ran), and why it ended ("" while it goes on).
func (h *Harness) Answers(addr channel.Address) (answers map[string]any, ended string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := h.last[addr]
	return e.answers, e.ended
}

// Contact is addr's contact row.
func (h *Harness) Contact(addr channel.Address) contact.Contact {
	h.T.Helper()
	c, err := h.DB.ContactByAddress(context.Background(), string(addr.Channel), addr.ExternalID)
	if err != nil {
		h.T.Fatalf("contact %s: %v", addr, err)
	}
	return c
}

// Texts joins the texts of out, one per line, for compact assertions.
func Texts(out []channel.Outbound) string {
	var b strings.Builder
	for i, o := range out {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(o.Text)
	}
	return b.String()
}

// Inbound turns an engine input into what an adapter would deliver.
func Inbound(addr channel.Address, in flow.Input) channel.Inbound {
	m := channel.Inbound{From: addr, MessageID: in.MessageID}
	switch in.Kind {
	case flow.InText:
		m.Kind, m.Text = channel.KindText, in.Text
	case flow.InChoice:
		m.Kind, m.Choice = channel.KindChoice, in.Choice
	case flow.InContact:
		m.Kind, m.Phone, m.OwnPhone = channel.KindContact, in.Phone, in.OwnPhone
	case flow.InLocation:
		m.Kind = channel.KindLocation
		if in.Location != nil {
			m.Location = &channel.Location{Latitude: in.Location.Latitude, Longitude: in.Location.Longitude, Name: in.Location.Name}
		}
	case flow.InPhoto, flow.InDocument:
		m.Kind = channel.KindPhoto
		if in.Kind == flow.InDocument {
			m.Kind = channel.KindDocument
		}
		m.Attachment = &channel.Attachment{Ref: in.FileRef}
	case flow.InStart:
		m.Kind, m.Payload = channel.KindStart, in.Text
	default:
		m.Kind = channel.KindOther
	}
	return m
}

// Messages turns channel messages back into engine messages (media by name).
func Messages(out []channel.Outbound) []flow.Message {
	msgs := make([]flow.Message, len(out))
	for i, o := range out {
		m := flow.Message{Text: o.Text, Multi: o.Multi, Expect: o.Expect}
		for _, c := range o.Choices {
			m.Choices = append(m.Choices, flow.Choice{Label: c.Label, Value: c.Value})
		}
		if o.Media != nil {
			m.Media = &flow.Media{Kind: o.Media.Kind, Ref: o.Media.Name, Name: o.Media.Name}
		}
		msgs[i] = m
	}
	return msgs
}

// storeSeen is a script's contact as the bot would have stored it. A
// script's phone is the contact's verified phone: the WhatsApp sender, a
// Telegram contact shared by its own user, or (web chat) a phone proven
// with a one-time code.
func storeSeen(addr channel.Address, name, phone, lang string, at time.Time) contact.Seen {
	src := contact.SourceNone
	if phone != "" {
		switch addr.Channel {
		case channel.WhatsApp:
			src = contact.SourceWhatsAppSender
		case channel.Telegram:
			src = contact.SourceTelegramContact
		default:
			src = contact.SourceOTP
		}
	}
	return contact.Seen{
		Channel: string(addr.Channel), ExternalID: addr.ExternalID,
		DisplayName: name, Phone: phone, PhoneSource: src, Language: lang, At: at,
	}
}
