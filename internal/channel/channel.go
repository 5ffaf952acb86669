// Package channel defines the neutral shapes every chat platform is turned into:
// an Inbound for what a contact sent, an Outbound for what Jejaring says, and the
// Channel interface an adapter (telegram, whatsapp, webchat) implements.
//
// The flow engine and the bot pipeline only ever see these types, so a flow
// cannot tell which platform it talks to. Adapters render an Outbound with what
// their platform can do: inline keyboards on Telegram, numbered text on
// WhatsApp, buttons in the web chat.
package channel

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Name identifies a channel. It is stored with every contact.
type Name string

// The channels Jejaring speaks.
const (
	Telegram Name = "telegram"
	WhatsApp Name = "whatsapp"
	WebChat  Name = "webchat"
)

// Address is where a contact is reached: the channel and the platform's id for
// the chat (Telegram chat id, WhatsApp JID user part or LID, web chat client id).
type Address struct {
	Channel    Name   `json:"channel"`
	ExternalID string `json:"external_id"`
}

func (a Address) String() string { return string(a.Channel) + ":" + a.ExternalID }

// Kind says what an Inbound carries.
type Kind string

// Inbound kinds. Anything a flow cannot read as text (a sticker, a voice note)
// arrives as KindOther so the engine can re-ask kindly.
const (
	KindText     Kind = "text"
	KindChoice   Kind = "choice"   // a pressed button / chosen option; Choice holds its value
	KindContact  Kind = "contact"  // a shared phone number; Phone holds it
	KindLocation Kind = "location" // Location holds it
	KindPhoto    Kind = "photo"    // Attachment holds it
	KindDocument Kind = "document" // Attachment holds it
	KindStart    Kind = "start"    // a deep link / start command; Payload holds it (may be empty)
	KindOther    Kind = "other"    // sticker, voice, video, anything else
)

// Location is a point a contact shared.
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
}

// Attachment references a received file. Ref is adapter-specific but stable
// (a Telegram file_id, a path under DATA_DIR for WhatsApp media).
type Attachment struct {
	Ref      string `json:"ref"`
	MIME     string `json:"mime,omitempty"`
	FileName string `json:"file_name,omitempty"`
	Size     int64  `json:"size,omitempty"`
}

// Inbound is one message from a contact, whatever the platform.
type Inbound struct {
	From      Address `json:"from"`
	MessageID string  `json:"message_id"` // platform message id, used for dedupe
	// GeneratedID says the adapter made MessageID up because the sender
	// gave none: it never repeats, so the bot keeps no dedupe marker for it.
	GeneratedID bool        `json:"generated_id,omitempty"`
	Kind        Kind        `json:"kind"`
	Text        string      `json:"text,omitempty"`
	Choice      string      `json:"choice,omitempty"`
	Payload     string      `json:"payload,omitempty"` // deep-link payload for KindStart
	Phone       string      `json:"phone,omitempty"`   // shared or platform-known phone, E.164 if known
	OwnPhone    bool        `json:"own_phone,omitempty"`
	Location    *Location   `json:"location,omitempty"`
	Attachment  *Attachment `json:"attachment,omitempty"`
	DisplayName string      `json:"display_name,omitempty"` // the platform's profile name
	Language    string      `json:"language,omitempty"`     // the platform's language hint ("id", "en")
	Time        time.Time   `json:"time"`
}

// Choice is one option offered to the contact.
type Choice struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Media is an image or document to send. Data holds the bytes; Name the file
// name shown to the contact.
type Media struct {
	Kind    string `json:"kind"` // "image" or "document"
	Name    string `json:"name"`
	MIME    string `json:"mime"`
	Data    []byte `json:"-"`
	Caption string `json:"caption,omitempty"`
}

// Outbound is one message to a contact.
type Outbound struct {
	Text    string   `json:"text"`
	Choices []Choice `json:"choices,omitempty"`
	// Multi says the choices may be picked several at a time.
	Multi bool `json:"multi,omitempty"`
	// Expect names the type of answer the engine waits for ("phone",
	// "location", "photo", "yesno", ...) so an adapter can offer a native
	// control (Telegram's share-contact keyboard, a WhatsApp poll).
	Expect string `json:"expect,omitempty"`
	Media  *Media `json:"media,omitempty"`
	// Lang is the conversation's language ("id", "en"; "" means "id"), for
	// what the adapter adds around the text: Telegram's share-number
	// button, WhatsApp's "Balas dengan angka 1–3" line.
	Lang string `json:"lang,omitempty"`
	// FirstContact marks a message staff chose to send to someone who
	// never wrote to us (the reach campaign, internal/umkm/reach): the
	// WhatsApp adapter lets it past its only-known-contacts rule.
	FirstContact bool `json:"first_contact,omitempty"`
}

// SendResult is what a platform said about a sent message.
type SendResult struct {
	MessageID string
}

// Channel sends messages on one platform. Implementations must be safe for
// concurrent use.
type Channel interface {
	Name() Name
	// Send delivers one message. It returns an error wrapping ErrBlocked when
	// the contact blocked us, ErrUnknownRecipient when the platform does not
	// know them, a *RateLimitError when told to slow down, and other errors for
	// transient trouble worth retrying.
	Send(ctx context.Context, to Address, msg Outbound) (SendResult, error)
}

// Sentinel errors shared by all adapters.
var (
	ErrBlocked          = errors.New("contact blocked the bot")
	ErrUnknownRecipient = errors.New("unknown recipient")
	ErrNotConnected     = errors.New("channel not connected")
	// ErrRejected means the platform refused this message as malformed
	// (Telegram's 400): sending it again can only fail again.
	ErrRejected = errors.New("message rejected by the platform")
)

// RateLimitError asks the caller to wait RetryAfter before sending again.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited: retry after %s", e.RetryAfter)
}

// Permanent reports whether err means the message can never be delivered
// (to this recipient, or at all), so retrying is pointless.
func Permanent(err error) bool {
	return errors.Is(err, ErrBlocked) || errors.Is(err, ErrUnknownRecipient) || errors.Is(err, ErrRejected)
}

// Handler processes one inbound message and returns the direct replies, in
// order. The bot pipeline implements it; adapters call it and send the replies
// themselves (the reply path, ahead of bulk sends). A handler answers its own
// failures: the bot's one apology ("Maaf Bapak/Ibu, sedang ada gangguan…")
// comes back as a reply with a nil error. An error means there is nothing to
// say now (the context ended, ErrUnavailable): adapters add no apology and
// no retry of their own beyond keeping the message for a later delivery
// where they can (Telegram's inbox).
type Handler interface {
	Handle(ctx context.Context, in Inbound) ([]Outbound, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, in Inbound) ([]Outbound, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, in Inbound) ([]Outbound, error) { return f(ctx, in) }
