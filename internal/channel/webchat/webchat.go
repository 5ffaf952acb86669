// Package webchat is the channel that needs no token: a phone-friendly chat
// page at /chat, the JSON API it (and tests and scripts) talk to, and a
// server-sent-events stream for messages that arrive later (invites,
// reminders).
//
//	POST /webchat/api/hello                 -> {"new":true|false}; sets the identity cookie if missing
//	POST /webchat/api/send    {"text":"..."} or {"choice":"<value>"} (or "kind": start, location, contact, ...)
//	                       -> {"messages":[{"text":"...","choices":[{"label":"...","value":"..."}]}]}
//	POST /webchat/api/upload  multipart/form-data, the image in part "photo" (optional field "message_id")
//	                       -> the same {"messages":[...]}; the bot gets a KindPhoto Inbound
//	GET  /webchat/api/events  (text/event-stream, one "message" event per message)
//	GET  /chat                (the page; /chat?start=PAYLOAD opens with a deep link)
//
// Identity. A client is whoever holds the jejaring_chat cookie: 128 random
// bits the server issues (hello, or the first send), HttpOnly,
// SameSite=Strict, Secure when the page came over HTTPS (directly or
// X-Forwarded-Proto). Nothing in a URL or a body names a client, and a
// cookie the server would not have issued is replaced by a fresh one. The
// server keeps only a hash of the cookie (ExternalID) as the contact's
// address, and logs 8 hex digits of that. Scripts keep the cookie in a
// cookie jar (curl -c jar -b jar).
//
// Limits (Limits, DefaultLimits). Send, upload and the stream each draw on a
// token bucket per client and one per IP address (Redis, shared by
// replicas); new identities have their own bucket per IP address. An empty
// bucket is a 429 with Retry-After. A client holds at most two open streams
// and all clients together at most MaxStreams. An upload is taken only when
// the conversation waits for a photo (PhotoGate), at most UploadsPerDay per
// client, and only while DATA_DIR keeps MinFree bytes free. Every refusal is
// JSON {"error": Indonesian then English for the owner, "code": for
// scripts}.
//
// Messages sent to a client through Send (the outbox's deliveries) are kept
// in a Redis list with a TTL until a stream takes them, so a page that is
// closed or reconnecting gets them when it comes back; a Redis pub/sub
// notice wakes the stream, so any replica may deliver. Two tabs of one
// browser share the queue: each message appears in one of them.
//
// An upload is at most MaxUpload bytes (5 MiB; over it: 413) and must decode
// as a JPEG, PNG or GIF of at most MaxPixels. It is decoded and encoded
// again (JPEG stays JPEG, PNG and GIF become PNG), so EXIF (the camera's
// location) and anything else hidden in the file is dropped, then saved
// under DataDir/webchat/media/YYYY-MM/ with a random name; Attachment.Ref is
// that path, as for WhatsApp media. Messages whose id the server made up
// (no message_id given) are not deduplicated: such an id never repeats, so a
// marker for it would only fill Redis.
//
// Delivery. With a channel.DurableHandler (the bot) a message that carries
// a message_id is handled once, and its replies are kept with the turn
// until the page confirms them: the page names the ids whose answers it got
// in the Jejaring-Ack header of its next request (AckHeader). A retry with
// the same id before that returns exactly those replies again, so an answer
// lost on its way to the phone is not lost. While the database or Redis is
// unreachable, send and upload answer 503 {"code":"held"} with Retry-After
// and nothing is handled; the page sends the same message id again with
// backoff and, after about 5 s, tells the owner "Mohon tunggu sebentar ya".
package webchat

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"regexp"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/metrics"
)

// Limits of the API.
const (
	MaxBody     = 64 << 10 // bytes of one request body
	MaxText     = 4096     // characters of one text message
	maxPending  = 200      // messages kept per client while not connected
	handleLimit = 30 * time.Second
)

// Options configure a Chat.
type Options struct {
	Redis      redis.UniversalClient // required: undelivered messages and wake-up notices
	Prefix     string                // Redis key prefix, e.g. "jejaring:"
	Handler    channel.Handler       // required: the bot (or anything answering an Inbound)
	Logger     *slog.Logger          // default slog.Default()
	Metrics    *metrics.Metrics      // counts deliveries through Send; may be nil
	PendingTTL time.Duration         // how long undelivered messages wait; default 7 days
	KeepAlive  time.Duration         // SSE comment interval; default 15 s
	Now        func() time.Time      // default time.Now
	// DataDir is where uploaded photos are saved
	// (DataDir/webchat/media/YYYY-MM/); "" turns uploads off (503).
	DataDir string
	// Photos says whether a client's conversation waits for a photo;
	// nil: it never does, and every upload is refused (409).
	Photos PhotoGate
	// Limits bound anonymous load; nil: DefaultLimits.
	Limits *Limits
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the visitor's address; empty: the TCP peer is the visitor.
	TrustedProxies []netip.Prefix
}

// PhotoGate is what the channel asks before it stores an upload: does
// the conversation of addr wait for a photo right now? The app answers
// from the session and the flow's current step.
type PhotoGate interface {
	WantsPhoto(ctx context.Context, addr channel.Address) (bool, error)
}

// Chat is the web chat channel. It is safe for concurrent use.
type Chat struct {
	opt     Options
	lim     Limits
	rl      *redis_rate.Limiter
	decode  chan struct{} // at most this many photos decoded at once
	log     *slog.Logger
	done    chan struct{}
	closing sync.Once
	streams sync.WaitGroup
}

// New checks the options and returns a Chat.
func New(opt Options) (*Chat, error) {
	if opt.Redis == nil {
		return nil, errors.New("webchat: Redis is required")
	}
	if opt.Handler == nil {
		return nil, errors.New("webchat: Handler is required")
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.PendingTTL <= 0 {
		opt.PendingTTL = 7 * 24 * time.Hour
	}
	if opt.KeepAlive <= 0 {
		opt.KeepAlive = 15 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	lim := DefaultLimits()
	if opt.Limits != nil {
		lim = *opt.Limits
	}
	return &Chat{
		opt: opt, lim: lim, rl: redis_rate.NewLimiter(opt.Redis), decode: make(chan struct{}, 2),
		log: opt.Logger.With("channel", "webchat"), done: make(chan struct{}),
	}, nil
}

// Name is channel.WebChat.
func (c *Chat) Name() channel.Name { return channel.WebChat }

// Close ends every open event stream (so an http.Server can shut down
// without waiting for them) and waits until they have returned. Messages not
// yet written stay queued in Redis.
func (c *Chat) Close() {
	c.closing.Do(func() { close(c.done) })
	c.streams.Wait()
}

var clientIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// ValidClientID reports whether s can be a web chat contact's external id:
// 8 to 64 letters, digits, dashes or underscores. ExternalID's are 32 hex
// digits; longer and other ids are contacts of older versions, whose
// queued messages still go out.
func ValidClientID(s string) bool { return clientIDRe.MatchString(s) }

// Message is one message as the API and the stream show it.
type Message struct {
	ID      string           `json:"id,omitempty"` // set on messages delivered through the stream
	Text    string           `json:"text"`
	Choices []channel.Choice `json:"choices"`
	Multi   bool             `json:"multi,omitempty"`
	Expect  string           `json:"expect,omitempty"`
	Media   *Media           `json:"media,omitempty"`
}

// Media is an image or document, inlined as a data: URL.
type Media struct {
	Kind    string `json:"kind"` // image or document
	Name    string `json:"name"`
	MIME    string `json:"mime"`
	URL     string `json:"url"`
	Caption string `json:"caption,omitempty"`
}

// FromOutbound turns an Outbound into the API's shape.
func FromOutbound(o channel.Outbound) Message {
	m := Message{Text: o.Text, Choices: o.Choices, Multi: o.Multi, Expect: o.Expect}
	if m.Choices == nil {
		m.Choices = []channel.Choice{}
	}
	if o.Media != nil {
		mime := o.Media.MIME
		if mime == "" {
			mime = "application/octet-stream"
		}
		m.Media = &Media{
			Kind: o.Media.Kind, Name: o.Media.Name, MIME: mime, Caption: o.Media.Caption,
			URL: "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(o.Media.Data),
		}
	}
	return m
}

func (c *Chat) pendingKey(clientID string) string {
	return c.opt.Prefix + "webchat:pending:" + clientID
}
func (c *Chat) notifyKey(clientID string) string { return c.opt.Prefix + "webchat:notify:" + clientID }

// Send queues msg for the client and wakes its stream, if one is open. The
// message waits in Redis (PendingTTL) when the client is not connected. It
// returns ErrUnknownRecipient for an address that is not a web chat client.
func (c *Chat) Send(ctx context.Context, to channel.Address, msg channel.Outbound) (channel.SendResult, error) {
	if to.Channel != channel.WebChat || !ValidClientID(to.ExternalID) {
		return channel.SendResult{}, fmt.Errorf("webchat send to %s:%s: %w", to.Channel, short(to.ExternalID), channel.ErrUnknownRecipient)
	}
	m := FromOutbound(msg)
	m.ID = newID("wm-")
	data, err := json.Marshal(m)
	if err != nil {
		return channel.SendResult{}, fmt.Errorf("webchat encode: %w", err)
	}
	key := c.pendingKey(to.ExternalID)
	_, err = c.opt.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.RPush(ctx, key, data)
		p.LTrim(ctx, key, -maxPending, -1)
		p.Expire(ctx, key, c.opt.PendingTTL)
		p.Publish(ctx, c.notifyKey(to.ExternalID), "1")
		return nil
	})
	if err != nil {
		return channel.SendResult{}, fmt.Errorf("webchat queue for %s: %w", short(to.ExternalID), err)
	}
	c.opt.Metrics.Out(string(channel.WebChat), 1)
	return channel.SendResult{MessageID: m.ID}, nil
}

func newID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// SetLimits replaces the limits (a benchmark that measures the turn, not
// the buckets, turns them off with the zero Limits). Call it before the
// Chat serves.
func (c *Chat) SetLimits(l Limits) { c.lim = l }

// Limits are the limits in force.
func (c *Chat) Limits() Limits { return c.lim }
