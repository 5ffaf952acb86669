// Package webchat is the channel that needs no token: a phone-friendly chat
// page at /chat, the JSON API it (and tests and scripts) talk to, and a
// server-sent-events stream for messages that arrive later (invites,
// reminders).
//
//	POST /webchat/api/send    {"client_id":"...","text":"..."} or {"client_id":"...","choice":"<value>"}
//	                       -> {"messages":[{"text":"...","choices":[{"label":"...","value":"..."}]}]}
//	POST /webchat/api/upload?client_id=...[&message_id=...]   multipart/form-data, the image in part "photo"
//	                       -> the same {"messages":[...]}; the bot gets a KindPhoto Inbound
//	GET  /webchat/api/events?client_id=...   (text/event-stream, one "message" event per message)
//	GET  /chat                               (the page; /chat?start=PAYLOAD opens with a deep link)
//
// A client is whoever holds a client_id (the page keeps one in localStorage);
// an unknown client_id simply starts a new conversation. Messages sent to a
// client through Send (the outbox's deliveries) are kept in a Redis list with
// a TTL until a stream takes them, so a page that is closed or reconnecting
// gets them when it comes back; a Redis pub/sub notice wakes the stream, so
// any replica may deliver. Two tabs sharing one client_id share the queue:
// each message appears in one of them.
//
// An upload is at most MaxUpload bytes (5 MiB; over it: 413) and must be a
// JPEG, PNG, GIF or WebP by its bytes (http.DetectContentType; otherwise
// 400); its errors are worded for the owner, in Indonesian, with a "code"
// for scripts. It is saved under DataDir/webchat/media/YYYY-MM/ with a
// random name, and Attachment.Ref is that path, as for WhatsApp media. The
// page re-encodes a chosen photo to a JPEG of at most 1600 px on its longer
// side before sending (which also drops the camera's EXIF data, location
// included). A retried upload with the same message_id is answered once by
// the bot but saves a second file.
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
	"regexp"
	"sync"
	"time"

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
}

// Chat is the web chat channel. It is safe for concurrent use.
type Chat struct {
	opt     Options
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
	return &Chat{opt: opt, log: opt.Logger.With("channel", "webchat"), done: make(chan struct{})}, nil
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

// ValidClientID reports whether s can be a client id: 8 to 64 letters,
// digits, dashes or underscores (a UUID fits).
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
		return channel.SendResult{}, fmt.Errorf("webchat send to %s: %w", to, channel.ErrUnknownRecipient)
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
		return channel.SendResult{}, fmt.Errorf("webchat queue for %s: %w", to.ExternalID, err)
	}
	c.opt.Metrics.Out(string(channel.WebChat), 1)
	return channel.SendResult{MessageID: m.ID}, nil
}

func newID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
