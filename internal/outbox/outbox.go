// Package outbox is Jejaring's durable send queue. Every bulk or scheduled
// message — invitations, reminders, change and cancellation notices,
// waitlist promotions, campaign messages, progress reports to staff — is a
// row in one SQL table, written in the same transaction as the business fact
// it announces (the broadcast, the RSVP). Dispatchers claim due rows with a
// lease, send them through the channel within its rate limit (go-redis
// redis_rate, shared by every replica), and record the platform message id,
// the error, or the next attempt.
//
// Delivery guarantee. A send, once started, runs to its end even when the
// dispatcher is stopped. Right after the platform accepts a message the row
// is fenced in Redis ("sent:<id>", one round trip), then marked sent in the
// database on a context that a shutdown does not cancel. A mark that fails
// (the database unreachable) is retried with backoff until it lands, the row
// kept by its claim (claimed_by, the lease extended on every round), and no
// new send starts while any mark is pending. A dispatcher that claims a row
// (a takeover after a lease ran out, a restart) first reads the fences of the
// whole claim and marks a fenced row sent instead of sending it again. So a
// graceful stop, a database outage of any length, or a crash after the fence
// never sends a row twice and never loses one: rows claimed but not yet sent
// stay claimed until their lease ends and are then taken over by any
// dispatcher. A dispatcher does not start a send once half the lease is gone
// (a long 429 pause), and a send is given at most half the lease, so a row is
// never sent by two dispatchers because its lease ran out under a slow one.
// Only a hard crash (kill -9, power loss) in the window between the platform
// accepting a message and the fence (one Redis round trip, well under a
// millisecond here) can send a message a second time: at-least-once in that
// window, exactly-once otherwise. Neither Telegram's Bot API nor a WhatsApp
// linked device accepts an idempotency key, so the window cannot be closed
// on the platform side.
//
// Replies to people chatting right now do not go through the outbox: the
// adapters send them directly (and a reply that cannot get through within
// minutes comes here as a KindReply row). Replies and bulk share each
// channel's rate, replies first: bulk takes whatever the replies leave
// (limiter, ReplyTurn).
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"jejaring/internal/channel"
)

// ErrNotHeld says a row is no longer held by the worker that asked: it was
// finished already or another dispatcher took it over.
var ErrNotHeld = errors.New("outbox row not held by this worker")

// Kinds of outbox rows.
const (
	KindInvite   = "invite"
	KindReminder = "reminder"
	KindChange   = "change"
	KindCancel   = "cancel"
	KindConfirm  = "confirm"
	KindPromote  = "promote"
	KindProgress = "progress"
	KindCampaign = "campaign"
	// KindCode carries a one-time code to a phone's own chat (package
	// contact); it expires with the code.
	KindCode = "code"
	// KindAnswer carries a staff member's answer to a question the
	// contact put to the office (flows/tanya.yaml, store.AnswerQuestion).
	KindAnswer = "answer"
	// KindReply is a chat reply the adapter could not deliver within its
	// retry time (telegram.Config.OnUndelivered), with the ones after it.
	KindReply = "reply"
	// KindOutcome asks what came of an event or meeting, right after it
	// and months later (store.ScheduleOutcomes, flows/hasil.yaml).
	KindOutcome = "outcome"
)

// Priorities: lower numbers are claimed first.
const (
	PriorityProgress = 1
	PriorityPersonal = 2 // confirmations, promotions
	PriorityNotice   = 3 // changes, cancellations
	PriorityReminder = 4
	PriorityInvite   = 5
	PriorityCampaign = 6
)

// Row statuses.
const (
	StatusPending   = "pending"
	StatusSending   = "sending"   // claimed by a dispatcher until lease_until
	StatusSent      = "sent"      // platform accepted it
	StatusFailed    = "failed"    // permanent error or out of attempts
	StatusSkipped   = "skipped"   // contact said berhenti or blocked the bot, or the channel is off (ChannelOffError)
	StatusExpired   = "expired"   // past not_after (a reminder for an event already started)
	StatusCancelled = "cancelled" // withdrawn (RSVP changed, event moved)
)

// Media is an image or document carried by a row, bytes included.
type Media struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	MIME    string `json:"mime"`
	Data    []byte `json:"data"`
	Caption string `json:"caption,omitempty"`
}

// Payload is what a row sends: a channel.Outbound that keeps its media bytes
// when stored as JSON.
type Payload struct {
	Text    string           `json:"text"`
	Choices []channel.Choice `json:"choices,omitempty"`
	Media   *Media           `json:"media,omitempty"`
	// Then are further messages sent right after this one (the .ics file
	// and QR image of a confirmation).
	Then []Payload `json:"then,omitempty"`
	// Lang is the language of the message (channel.Outbound.Lang), for the
	// words the adapter adds; the Then messages inherit it when they have
	// none. Event notices carry the contact's language (NoticePayload).
	Lang string `json:"lang,omitempty"`
	// FirstContact is channel.Outbound.FirstContact (the reach campaign).
	FirstContact bool `json:"first_contact,omitempty"`
}

// PayloadOf stores an Outbound.
func PayloadOf(o channel.Outbound) Payload {
	p := Payload{Text: o.Text, Choices: o.Choices, Lang: o.Lang, FirstContact: o.FirstContact}
	if o.Media != nil {
		p.Media = &Media{Kind: o.Media.Kind, Name: o.Media.Name, MIME: o.Media.MIME, Data: o.Media.Data, Caption: o.Media.Caption}
	}
	return p
}

// Outbounds returns the messages to send, in order.
func (p Payload) Outbounds() []channel.Outbound {
	o := channel.Outbound{Text: p.Text, Choices: p.Choices, Lang: p.Lang, FirstContact: p.FirstContact}
	if p.Media != nil {
		o.Media = &channel.Media{Kind: p.Media.Kind, Name: p.Media.Name, MIME: p.Media.MIME, Data: p.Media.Data, Caption: p.Media.Caption}
	}
	out := []channel.Outbound{o}
	for _, t := range p.Then {
		if t.Lang == "" {
			t.Lang = p.Lang
		}
		out = append(out, t.Outbounds()...)
	}
	return out
}

// Encode writes the payload as JSON for the payload column.
func (p Payload) Encode() string {
	b, _ := json.Marshal(p) // plain data: cannot fail
	return string(b)
}

// DecodePayload reads the payload column.
func DecodePayload(s string) (Payload, error) {
	var p Payload
	err := json.Unmarshal([]byte(s), &p)
	return p, err
}

// Message is a row to enqueue.
type Message struct {
	Kind         string
	To           channel.Address
	ContactID    int64 // 0: none
	EventID      int64
	InvitationID int64
	BroadcastID  int64
	// DedupeKey makes the row unique: enqueueing the same key twice keeps
	// the first ("invite:<event>:<contact>").
	DedupeKey string
	Payload   Payload
	Priority  int
	NotBefore time.Time // zero: now
	NotAfter  time.Time // zero: no expiry
}

// Row is a claimed row.
type Row struct {
	ID        int64
	Kind      string
	To        channel.Address
	ContactID int64
	Payload   string
	Priority  int
	Attempts  int
	NotBefore time.Time
	NotAfter  time.Time // zero: none
}

// Progress is a broadcast still being sent, with its counts.
type Progress struct {
	BroadcastID  int64
	Title        string
	Staff        channel.Address // zero Channel: nobody to tell
	StaffID      int64
	Total        int
	Sent         int
	Failed       int // failed or expired
	Skipped      int // skipped at send time plus left out when queued
	ChannelOff   int // skipped because no running Jejaring serves their channel (not in Skipped)
	Open         int // pending or sending
	LastReported int // sent count last reported, -1 never
}

// Store is the SQL side of the queue (internal/store implements it).
type Store interface {
	// Claim marks up to limit due rows of one channel as sending by worker
	// until now+lease and returns them: pending rows whose not_before has
	// come, and sending rows whose lease has ended (a dead worker's).
	Claim(ctx context.Context, ch channel.Name, worker string, now time.Time, lease time.Duration, limit int) ([]Row, error)
	// Finish records a final outcome (sent, failed, skipped, expired) of a
	// row this worker holds. platformID is the message id for sent rows.
	// It returns an error wrapping ErrNotHeld when the row is no longer
	// this worker's (already finished, or taken over by another).
	Finish(ctx context.Context, id int64, worker, status, platformID, errText string, now time.Time) error
	// Extend moves the lease of a row this worker holds to until (ErrNotHeld
	// when it holds it no more), so nobody takes it over while a mark is
	// being retried.
	Extend(ctx context.Context, id int64, worker string, until, now time.Time) error
	// Retry puts a held row back as pending until next; countAttempt says
	// whether it used up one attempt (a 429 does not).
	Retry(ctx context.Context, id int64, worker, errText string, next time.Time, countAttempt bool, now time.Time) error
	// Unreachable returns which of the contacts said berhenti (stopped) or
	// blocked the bot.
	Unreachable(ctx context.Context, contactIDs []int64) (stopped, blocked map[int64]bool, err error)
	// MarkBlocked records that the platform says the contact blocked us.
	MarkBlocked(ctx context.Context, contactID int64) error
	// OpenBroadcasts lists broadcasts not yet reported finished.
	OpenBroadcasts(ctx context.Context) ([]Progress, error)
	// ReportProgress records that p was reported (and finished when done),
	// enqueueing msg (if its To is set) in the same transaction.
	ReportProgress(ctx context.Context, p Progress, msg *Message, done bool, now time.Time) error
}
