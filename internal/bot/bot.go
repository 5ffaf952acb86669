package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/flow"
	"jejaring/internal/session"
)

// Defaults for the Config durations left zero.
const (
	DefaultLockTTL   = 30 * time.Second
	DefaultLockWait  = 20 * time.Second
	DefaultDedupeTTL = 48 * time.Hour
	// DefaultResumeAfter is how long a contact may stay silent inside a
	// conversation before their next message is checked against the
	// pending question (Config.ResumeAfter).
	DefaultResumeAfter = 30 * time.Minute
	// MaxActionRounds caps how many times one message may run effects and
	// step again, so a flow that keeps asking for actions cannot spin.
	MaxActionRounds = 16
)

// Metrics receives the pipeline's counts. *metrics.Metrics (internal/metrics)
// implements it; nil records nothing.
type Metrics interface {
	In(channel string)
	Out(channel string, n int)
	Observe(channel string, d time.Duration)
	Error(stage string)
}

type noMetrics struct{}

func (noMetrics) In(string)                     {}
func (noMetrics) Out(string, int)               {}
func (noMetrics) Observe(string, time.Duration) {}
func (noMetrics) Error(string)                  {}

// Config is what a Bot needs. Contacts, Sessions and Flows are required.
type Config struct {
	// Contacts is the contacts' storage (*store.DB in production).
	Contacts contact.Directory
	Sessions *session.Store
	Flows    *flow.Set
	Actions  Actions
	Logger   *slog.Logger
	// Clock gives the time flows and actions see (time.Now when nil).
	Clock func() time.Time
	// SessionTTL is how long an idle conversation is kept (the session
	// store's TTL when zero).
	SessionTTL time.Duration
	Metrics    Metrics
	// LockTTL is how long a contact's lock outlives a handler that died
	// (a live handler renews it at half the TTL, so slow actions keep it);
	// LockWait how long a message waits for the previous one of the same
	// contact before the contact gets the apology. DedupeTTL is how long a
	// handled message id is remembered.
	LockTTL   time.Duration
	LockWait  time.Duration
	DedupeTTL time.Duration
	// ResumeAfter is the resume window: a contact who writes after being
	// silent longer than this inside a conversation, with a message that
	// does not answer the pending question, is welcomed back and asked
	// whether to continue or start over (see the package doc).
	// DefaultResumeAfter when zero; negative turns it off. Keep it well
	// under SessionTTL, which ends the conversation altogether.
	ResumeAfter time.Duration
	// OnTurn, when set, is called after each successful turn with the
	// answers after it (the final answers when the flow ended; nil when no
	// flow ran) and why the flow ended ("" while it goes on). Test drivers
	// use it; it must be quick.
	OnTurn func(addr channel.Address, answers map[string]any, ended string)
}

// Bot is the inbound pipeline. It is safe for concurrent use; run one per
// process (several replicas may share one Redis and one database).
type Bot struct {
	cfg     Config
	log     *slog.Logger
	metrics Metrics
	queue   keyedQueue
}

// New checks cfg and returns a Bot.
func New(cfg Config) (*Bot, error) {
	switch {
	case cfg.Contacts == nil:
		return nil, errors.New("bot: no contact directory")
	case cfg.Sessions == nil:
		return nil, errors.New("bot: no session store")
	case cfg.Flows == nil:
		return nil, errors.New("bot: no flows")
	}
	if cfg.Actions == nil {
		cfg.Actions = Actions{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = cfg.Sessions.TTL()
	}
	if cfg.LockTTL <= 0 {
		cfg.LockTTL = DefaultLockTTL
	}
	if cfg.LockWait <= 0 {
		cfg.LockWait = DefaultLockWait
	}
	if cfg.DedupeTTL <= 0 {
		cfg.DedupeTTL = DefaultDedupeTTL
	}
	if cfg.ResumeAfter == 0 {
		cfg.ResumeAfter = DefaultResumeAfter
	}
	b := &Bot{cfg: cfg, log: cfg.Logger, metrics: cfg.Metrics}
	if b.metrics == nil {
		b.metrics = noMetrics{}
	}
	b.queue.m = make(map[string]*slot)
	return b, nil
}

var _ channel.Handler = (*Bot)(nil)

// ResumeAfter is the resume window in effect (Config.ResumeAfter after
// defaults); 0 when it is turned off.
func (b *Bot) ResumeAfter() time.Duration { return max(b.cfg.ResumeAfter, 0) }

// Flows is the flow set the bot runs.
func (b *Bot) Flows() *flow.Set { return b.cfg.Flows }

// Handle runs one inbound message through the pipeline and returns the
// replies, in order, for the adapter to send. It implements channel.Handler.
//
// Failures on our side (Redis, the database, an action, a contact lock held
// too long) give the contact the apology and leave their conversation as it
// was; the message is not marked handled, so a redelivery of the same message
// id is handled again. Handle returns an error only for a message it cannot
// read (no address) or when ctx ends.
func (b *Bot) Handle(ctx context.Context, in channel.Inbound) ([]channel.Outbound, error) {
	if in.From.Channel == "" || in.From.ExternalID == "" {
		return nil, errors.New("bot: inbound message without an address")
	}
	start := time.Now()
	ch := string(in.From.Channel)
	b.metrics.In(ch)
	r, err := b.handle(ctx, in, nil, false)
	b.metrics.Observe(ch, time.Since(start))
	b.metrics.Out(ch, len(r.Out))
	return r.Out, err
}

// stageError names the pipeline stage that failed, for logs and metrics.
type stageError struct {
	stage string
	err   error
}

func (e *stageError) Error() string { return e.stage + ": " + e.err.Error() }

func (e *stageError) Unwrap() error { return e.err }

func fail(stage string, err error) error { return &stageError{stage: stage, err: err} }

// StartFlow starts the flow flowID for the contact at addr with params in
// its answers, as if they had followed a deep link to it, replacing any
// conversation they were in, and returns the messages to send them. It runs
// under the contact's lock like a message. Staff tools and tests use it; an
// error is returned (not an apology) when it fails, and nothing is saved.
func (b *Bot) StartFlow(ctx context.Context, addr channel.Address, flowID string, params map[string]any) ([]channel.Outbound, error) {
	if addr.Channel == "" || addr.ExternalID == "" {
		return nil, errors.New("bot: start flow without an address")
	}
	def := b.cfg.Flows.Get(flowID)
	if def == nil {
		return nil, fmt.Errorf("bot: start flow: no flow %q", flowID)
	}
	r, err := b.handle(ctx, channel.Inbound{From: addr, Kind: channel.KindStart}, &forced{def: def, params: params}, false)
	b.metrics.Out(string(addr.Channel), len(r.Out))
	return r.Out, err
}

// forced is a flow to start regardless of the message (StartFlow).
type forced struct {
	def    *flow.Definition
	params map[string]any
}

// handle runs one message under the contact's lock. With keep (the
// durable path, HandleDurable) the replies are stored with the commit, and a
// redelivery of the message returns those not yet confirmed (Delivered).
func (b *Bot) handle(ctx context.Context, in channel.Inbound, force *forced, keep bool) (channel.Replies, error) {
	in = cleanInbound(in) // text hygiene (hygiene.go), for every way in
	none := channel.Replies{}
	replies := func(out []channel.Outbound, err error) (channel.Replies, error) {
		return channel.Replies{Out: out}, err
	}
	key := in.From.String()
	// In-process FIFO per contact first (waiters are served in arrival
	// order), then the Redis lock that keeps replicas apart.
	release, err := b.queue.acquire(ctx, key)
	if err != nil {
		return none, err
	}
	defer release()
	dedupeID := in.MessageID
	if in.GeneratedID {
		dedupeID = "" // an id the adapter made up never repeats: no marker
	}
	turn, err := b.cfg.Sessions.Begin(ctx, in.From, dedupeID, b.cfg.LockTTL, b.cfg.LockWait)
	if err != nil {
		if ctx.Err() != nil {
			return none, ctx.Err()
		}
		if force != nil {
			b.metrics.Error("start")
			return none, fmt.Errorf("start flow %s for %s: %w", force.def.ID, maskAddr(in.From), err)
		}
		stage := "session"
		if errors.Is(err, session.ErrLocked) {
			stage = "lock"
		}
		if keep {
			// Redis unreachable, or the contact's lock still held (by
			// a process that died mid-turn: it lapses after LockTTL).
			// Either way the message waits and comes again, in order.
			return none, b.unavailable(in, fail(stage, err))
		}
		return replies(b.apologize(in, "", fail(stage, err)), nil)
	}
	// Keep the lock while a slow action runs: renew it at half its TTL.
	stopRenew := b.renew(ctx, turn.Lock(), in.From)
	defer stopRenew()
	committed := false
	defer func() {
		if committed {
			return
		}
		// Release even when ctx ended: the lock must not outlive us.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := turn.Release(rctx); err != nil {
			b.metrics.Error("lock")
			b.log.Warn("contact lock lost before release: handling took longer than the lock TTL",
				"contact", maskAddr(in.From), "ttl", b.cfg.LockTTL, "err", err)
		}
	}()
	if turn.Done {
		if keep && turn.Replies != "" {
			// Handled before, but not every reply was confirmed out
			// (a crash between the commit and the delivery, a reply
			// that could not get through): send the rest again.
			out, err := decodeReplies(turn.Replies)
			if err != nil {
				b.log.Error("kept replies do not decode; dropping them", "contact", maskAddr(in.From), "message_id", in.MessageID, "err", err)
				return none, nil
			}
			from := min(turn.RepliesSent, len(out))
			b.log.Info("redelivered message: sending the replies not confirmed before",
				"contact", maskAddr(in.From), "message_id", in.MessageID, "from", from, "total", len(out))
			return channel.Replies{Out: out[from:], From: from}, nil
		}
		b.log.Debug("duplicate message ignored", "contact", maskAddr(in.From), "message_id", in.MessageID)
		return none, nil
	}
	t, err := b.turn(ctx, in, force, turn.Session, parseNote(turn.Note))
	if err == nil {
		// Save (or end) the conversation, mark the message handled and
		// let the contact go, in one step, only now that everything
		// succeeded.
		committed = true
		stopRenew()
		if keep && len(t.out) > 0 && in.MessageID != "" {
			enc, eerr := encodeReplies(t.out)
			if eerr != nil {
				b.log.Error("replies not kept with the turn", "contact", maskAddr(in.From), "err", eerr)
			} else {
				turn.KeepReplies(enc, len(t.out))
			}
		}
		if cerr := turn.CommitNote(ctx, t.next, t.note().String(), b.cfg.SessionTTL, b.cfg.DedupeTTL); cerr != nil {
			err = fail("session", cerr)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return none, ctx.Err()
		}
		if force != nil {
			b.metrics.Error("start")
			return none, fmt.Errorf("start flow %s for %s: %w", force.def.ID, maskAddr(in.From), err)
		}
		var se *stageError
		if keep && errors.As(err, &se) && (se.stage == "session" || se.stage == "contact") {
			return none, b.unavailable(in, err)
		}
		return replies(b.apologize(in, t.lang, err), nil)
	}
	if t.lang != t.contact.Language && (t.lang == "id" || t.lang == "en") {
		// `bahasa` changed the language: remember it on the contact for
		// the menu and later flows.
		if err := b.cfg.Contacts.SetContactLanguage(ctx, t.contact.ID, t.lang); err != nil {
			b.metrics.Error("contact")
			b.log.Warn("could not store contact language", "contact_id", t.contact.ID, "err", err)
		}
	}
	if b.cfg.OnTurn != nil {
		b.cfg.OnTurn(in.From, t.answers, t.ended)
	}
	return channel.Replies{Out: t.out}, nil
}

// renew extends lock every half TTL until the returned stop is called (stop
// may be called more than once).
func (b *Bot) renew(ctx context.Context, lock *session.Lock, addr channel.Address) (stop func()) {
	var mu sync.Mutex
	stopped := false
	var timer *time.Timer
	every := b.cfg.LockTTL / 2
	mu.Lock()
	defer mu.Unlock()
	timer = time.AfterFunc(every, func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), every)
		err := lock.Extend(rctx, b.cfg.LockTTL)
		cancel()
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		if err != nil {
			b.metrics.Error("lock")
			b.log.Warn("could not renew the contact lock", "contact", maskAddr(addr), "err", err)
			return
		}
		timer.Reset(every)
	})
	return func() {
		mu.Lock()
		stopped = true
		timer.Stop()
		mu.Unlock()
	}
}

func (b *Bot) apologize(in channel.Inbound, lang string, err error) []channel.Outbound {
	stage := "handle"
	var se *stageError
	if errors.As(err, &se) {
		stage = se.stage
	}
	b.metrics.Error(stage)
	b.log.Error("message not handled; contact got an apology",
		"stage", stage, "contact", maskAddr(in.From), "message_id", in.MessageID, "kind", in.Kind, "err", err)
	return []channel.Outbound{{Text: apology.In(lang), Lang: lang}}
}
