package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"
	"unicode"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/idn"
	"jejaring/internal/session"
	"jejaring/internal/store"
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

// apology is what a contact reads when something failed on our side. Their
// conversation is kept as it was, so they can simply try again.
var apology = idn.Text{
	ID: "Maaf Bapak/Ibu, sedang ada gangguan. Silakan coba lagi sebentar lagi.",
	EN: "Sorry, something went wrong on our side. Please try again in a moment.",
}

// welcomeBack answers a contact who, within the resume window, asks again
// for the flow they are in (its keyword, a greeting, a start command) — they
// may have just arrived, so it does not say "welcome back"; %s is the flow's
// title. After a long silence resume.go greets them back instead.
var welcomeBack = idn.Text{
	ID: "Bapak/Ibu sedang mengisi *%s*, jadi kita lanjutkan dari pertanyaan terakhir. Ketik *ulang* bila ingin mulai dari awal.",
	EN: "You are in the middle of *%s*, so let us go on from the last question. Type *restart* to start from the beginning.",
}

// greeting leads the main menu when a contact writes outside a flow.
var greeting = idn.Text{
	ID: "Halo Bapak/Ibu, selamat datang di layanan UMKM. 🙏",
	EN: "Hello, welcome to the small business service. 🙏",
}

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

// Config is what a Bot needs. DB, Sessions and Flows are required.
type Config struct {
	DB       *store.DB
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
	case cfg.DB == nil:
		return nil, errors.New("bot: no database")
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
		if err := b.cfg.DB.SetContactLanguage(ctx, t.contact.ID, t.lang); err != nil {
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

// withLang gives each message without a language the conversation's, so
// the adapters write their own words (Telegram's share-number button,
// WhatsApp's "reply with a number" line) in it too.
func withLang(out []channel.Outbound, lang string) {
	for i := range out {
		if out[i].Lang == "" {
			out[i].Lang = lang
		}
	}
}

// turnState is one message's work: what the contact is, what we say back.
type turnState struct {
	contact store.Contact
	created bool
	fc      flow.Contact
	lang    string
	out     []channel.Outbound
	// next is the session to store (nil: none); answers and ended are what
	// the turn left, for Config.OnTurn.
	next    *flow.Session
	answers map[string]any
	ended   string
	// prev is the note the previous turn kept beside the session.
	// resumeAsked says this turn asked "continue or start over?";
	// contactAt is when the contact was last read from the database with
	// no action run since (zero: unknown, read it next time).
	prev        note
	resumeAsked bool
	contactAt   time.Time
}

// note is what this turn keeps beside the session for the next one.
func (t *turnState) note() note {
	return note{resume: t.resumeAsked, contactAt: t.contactAt}
}

// turn does steps 3 to 7 of the pipeline under the contact's lock. Nothing
// is saved unless every step succeeded.
func (b *Bot) turn(ctx context.Context, in channel.Inbound, force *forced, sess *flow.Session, prev note) (turnState, error) {
	t := turnState{prev: prev}
	now := b.cfg.Clock()
	seen := store.ContactSeen{
		Channel: string(in.From.Channel), ExternalID: in.From.ExternalID,
		DisplayName: in.DisplayName, At: now,
		// in.Language is not used: many phones here run in English while
		// their owners read Indonesian best. Indonesian first; `bahasa`
		// switches.
	}
	// Only a phone the platform vouches for is stored on the contact
	// (vouchedPhone); anything else is only an answer.
	seen.Phone, seen.PhoneSource = vouchedPhone(in)
	c, ok := cachedContact(in.From, sess, prev, seen, now)
	created := false
	var err error
	if ok {
		t.contactAt = prev.contactAt
	} else {
		c, created, err = b.cfg.DB.UpsertContact(ctx, seen)
		if err != nil {
			return t, fail("contact", err)
		}
		// The saved copy may stand in until the upsert would write
		// last_seen again (contact.go).
		t.contactAt = c.LastSeen
		if t.contactAt.IsZero() || t.contactAt.After(now) {
			t.contactAt = now
		}
	}
	t.contact, t.created, t.lang = c, created, c.Language
	t.fc = flowContact(c, ok)
	if sess != nil {
		t.lang = sess.Lang
	}

	var def *flow.Definition
	var res flow.Result
	if force != nil {
		def, res, err = b.start(force.def, &t, force.params, now)
	} else {
		def, res, err = b.route(in, &t, sess, now)
	}
	if err != nil {
		return t, fail("flow", err)
	}
	var extra []channel.Outbound
	var msgs []flow.Message
	for round := 0; ; round++ {
		msgs = append(msgs, res.Messages...)
		if res.Session != nil {
			t.lang = res.Session.Lang
		}
		if len(res.Effects) == 0 && !res.Wait {
			break
		}
		if round >= MaxActionRounds {
			return t, fail("flow", fmt.Errorf("flow %s asked for actions %d times in one message", def.ID, round))
		}
		// An action may change the contact row (a phone, consent, a
		// deletion): the next turn reads it again.
		t.contactAt = time.Time{}
		result, more, err := b.runEffects(ctx, in, &t, res)
		if err != nil {
			return t, err
		}
		extra = append(extra, more...)
		if !res.Wait || res.Session == nil {
			break
		}
		res, err = flow.Step(def, res.Session, flow.Input{Kind: flow.InResult, Result: result, MessageID: in.MessageID}, now)
		if err != nil {
			return t, fail("flow", fmt.Errorf("step %s after actions: %w", def.ID, err))
		}
	}

	t.next = res.Session
	var dropped []string
	t.out, dropped = render(msgs, extra)
	withLang(t.out, t.lang)
	for _, ref := range dropped {
		b.log.Warn("flow media not produced by any action this turn; sent without it",
			"flow", def.ID, "ref", ref, "contact", maskAddr(in.From))
	}
	t.ended = res.Ended
	t.answers = res.Final
	if res.Session != nil {
		t.answers = res.Session.Answers
	}
	return t, nil
}

// route decides what this message does (pipeline step 4) and takes the first
// engine step: a deep link or a trigger keyword starts its flow, a message
// inside a conversation goes to the engine, anything else gets the
// first-contact flow or the menu.
func (b *Bot) route(in channel.Inbound, t *turnState, sess *flow.Session, now time.Time) (*flow.Definition, flow.Result, error) {
	flows := b.cfg.Flows
	input := toInput(in)

	// A deep link always starts its flow: the contact tapped it on purpose.
	// So does a pressed button whose value is a payload with a parameter
	// ("rsvp_<token>_yes" on an invitation sent by the outbox): it carries
	// its own context and cannot be an option of the current question.
	switch {
	case in.Kind == channel.KindStart && in.Payload != "":
		if def, param := flows.MatchPayload(in.Payload); def != nil {
			return b.start(def, t, def.StartParams(param), now)
		}
	case in.Kind == channel.KindText:
		// "KONFIRMASI <token>": a deep link written as text (WhatsApp's
		// wa.me links carry text, not a start payload).
		if payload, ok := textLink(in.Text); ok {
			if def, param := flows.MatchPayload(payload); def != nil && param != "" {
				return b.start(def, t, def.StartParams(param), now)
			}
		}
	case in.Kind == channel.KindChoice && in.Choice != "":
		if def, param := flows.MatchPayload(in.Choice); def != nil && (param != "" || sess == nil) {
			if sess == nil && flows.MatchKeyword(in.Choice) != nil {
				break // a menu button: handled as its keyword below
			}
			return b.start(def, t, def.StartParams(param), now)
		}
	}
	if sess != nil {
		// Inside a conversation everything is the engine's, except a
		// trigger keyword of ANOTHER flow, which switches to it, and a
		// contact coming back (see the package doc).
		var resume *flow.Definition
		switch in.Kind {
		case channel.KindStart:
			// A bare start command, or an unknown deep link.
			resume = rootOf(flows, sess)
		case channel.KindText:
			if def, kl := flows.MatchKeywordLang(in.Text); def != nil {
				if w, _ := flow.GlobalWord(in.Text); w == "" {
					if !inConversation(sess, def.ID) {
						return b.startKeyword(def, kl, t, now)
					}
					resume = def
				}
			} else if isGreeting(in.Text) {
				// "halo" is never an answer: someone coming back.
				resume = rootOf(flows, sess)
			}
		}
		def := rootOf(flows, sess)
		if def == nil || flows.Get(sess.FlowID) == nil {
			// The flow is gone from the set; any flow of the set lets the
			// engine tell the contact kindly and end the session.
			resume = nil
			if def == nil {
				all := flows.Flows()
				if len(all) == 0 {
					return nil, flow.Result{}, errors.New("no flows loaded")
				}
				def = all[0]
			}
		}
		s := *sess
		lang := s.Lang
		s.Contact = t.fc
		s.Contact.Lang = lang
		if flows.Get(sess.FlowID) != nil {
			// The resume window: the answer to our "continue or start
			// over?", or a contact back after a long silence.
			if res, ok, err := b.resumeWindow(def, &s, in, input, t, resume != nil, now); ok || err != nil {
				return def, res, err
			}
		}
		if resume != nil {
			// They came back and want to go on: welcome them back and
			// ask the pending question again (the engine repeats it on a
			// start input) instead of taking their words as an answer.
			input = flow.Input{Kind: flow.InStart, MessageID: in.MessageID}
		}
		res, err := flow.Step(def, &s, input, now)
		if err != nil {
			return nil, res, fmt.Errorf("step %s/%s: %w", sess.FlowID, sess.Step, err)
		}
		if resume != nil {
			title := resume.Title.String(lang)
			res.Messages = append([]flow.Message{{Text: fmt.Sprintf(welcomeBack.In(lang), title)}}, res.Messages...)
		}
		return def, res, nil
	}

	// Outside a conversation.
	var word string
	switch in.Kind {
	case channel.KindText:
		word = in.Text
	case channel.KindChoice:
		word = in.Choice
	}
	if word != "" {
		if def, kl := flows.MatchKeywordLang(word); def != nil {
			return b.startKeyword(def, kl, t, now)
		}
	}
	if t.created {
		if def := flows.FirstContact(); def != nil {
			if !wantsFirstFlow(in, word) {
				return b.otherFirstContact(word, t, now)
			}
			return b.start(def, t, nil, now)
		}
	}
	if w, arg := flow.GlobalWord(word); w == flow.WordLang {
		t.lang = langOf(arg, t.lang)
	}
	menu := flows.Menu(t.lang)
	return nil, flow.Result{Messages: []flow.Message{{Text: greeting.In(t.lang)}, menu}}, nil
}

// langOf reads `bahasa <arg>` outside a flow: it switches the language for
// the menu (and, through the contact, later flows).
func langOf(arg, cur string) string {
	switch arg {
	case "en", "english", "inggris":
		return "en"
	case "id", "indonesia":
		return "id"
	}
	if cur == "en" {
		return "id"
	}
	return "en"
}

// greetings are whole messages that only say hello. Inside a conversation
// they are never taken as an answer.
var greetings = map[string]bool{
	"halo": true, "hallo": true, "helo": true, "hai": true, "hi": true, "hello": true, "hey": true,
	"assalamualaikum": true, "asalamualaikum": true, "assalamu alaikum": true, "assalamualaikum wr wb": true,
	"salam": true, "permisi": true, "selamat pagi": true, "selamat siang": true, "selamat sore": true,
	"selamat malam": true, "pagi": true, "siang": true, "sore": true, "malam": true,
	"halo pak": true, "halo bu": true, "good morning": true, "good afternoon": true, "good evening": true,
}

func isGreeting(text string) bool {
	if len(text) > 40 {
		return false
	}
	t := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r), unicode.IsSpace(r):
			return unicode.ToLower(r)
		}
		return -1 // drop punctuation: "Assalamu'alaikum!" -> "assalamualaikum"
	}, text)
	return greetings[strings.Join(strings.Fields(t), " ")]
}

// rootOf is the flow a conversation started with (the caller of any
// sub-flow), nil when it is gone.
func rootOf(flows *flow.Set, sess *flow.Session) *flow.Definition {
	if len(sess.Stack) > 0 {
		if root := flows.Get(sess.Stack[0].FlowID); root != nil {
			return root
		}
	}
	return flows.Get(sess.FlowID)
}

func inConversation(sess *flow.Session, id string) bool {
	if sess.FlowID == id {
		return true
	}
	for _, f := range sess.Stack {
		if f.FlowID == id {
			return true
		}
	}
	return false
}

func (b *Bot) start(def *flow.Definition, t *turnState, params map[string]any, now time.Time) (*flow.Definition, flow.Result, error) {
	res, err := flow.Start(def, t.fc, t.fc.Lang, params, now)
	if err != nil {
		return nil, res, fmt.Errorf("start %s: %w", def.ID, err)
	}
	return def, res, nil
}

// runEffects runs the actions one engine step asked for, in order, and
// merges their answers for the next step.
func (b *Bot) runEffects(ctx context.Context, in channel.Inbound, t *turnState, res flow.Result) (map[string]any, []channel.Outbound, error) {
	var answers map[string]any
	lang := t.lang
	if res.Session != nil {
		answers = res.Session.Answers
		lang = res.Session.Lang
	}
	merged := map[string]any{}
	var msgs []channel.Outbound
	for _, eff := range res.Effects {
		act, ok := b.cfg.Actions[eff.Action]
		if !ok {
			return nil, nil, fail("action", fmt.Errorf("action %s is not registered", eff.Action))
		}
		call := ActionCall{
			Contact: t.fc, Address: in.From, Answers: answers, Args: eff.Args,
			MessageID: in.MessageID, Now: b.cfg.Clock(), Lang: lang,
		}
		call.Contact.Lang = lang
		r, err := act(ctx, call)
		if err != nil {
			return nil, nil, fail("action", fmt.Errorf("action %s: %w", eff.Action, err))
		}
		maps.Copy(merged, r.Answers)
		msgs = append(msgs, r.Messages...)
	}
	return merged, msgs, nil
}

// toInput turns a channel message into engine input.
func toInput(in channel.Inbound) flow.Input {
	fi := flow.Input{MessageID: in.MessageID}
	switch in.Kind {
	case channel.KindText:
		fi.Kind, fi.Text = flow.InText, in.Text
	case channel.KindChoice:
		fi.Kind, fi.Choice = flow.InChoice, in.Choice
	case channel.KindContact:
		fi.Kind, fi.Phone, fi.OwnPhone = flow.InContact, in.Phone, in.OwnPhone
	case channel.KindLocation:
		fi.Kind = flow.InLocation
		if in.Location != nil {
			name := in.Location.Name
			if name == "" {
				name = in.Location.Address
			}
			fi.Location = &flow.Location{Latitude: in.Location.Latitude, Longitude: in.Location.Longitude, Name: name}
		} else {
			fi.Kind = flow.InOther
		}
	case channel.KindPhoto, channel.KindDocument:
		fi.Kind = flow.InPhoto
		if in.Kind == channel.KindDocument {
			fi.Kind = flow.InDocument
		}
		if in.Attachment != nil {
			fi.FileRef = in.Attachment.Ref
		}
	case channel.KindStart:
		fi.Kind, fi.Text = flow.InStart, in.Payload
	default:
		// Stickers, voice notes, anything unreadable: the engine re-asks
		// kindly.
		fi.Kind = flow.InOther
	}
	return fi
}

// render turns engine messages into channel messages and appends what the
// actions produced. A flow message's media reference is resolved against the
// actions' media by name; an unresolved reference is dropped rather than sent
// empty.
func render(msgs []flow.Message, extra []channel.Outbound) (out []channel.Outbound, dropped []string) {
	out = make([]channel.Outbound, 0, len(msgs)+len(extra))
	used := make([]bool, len(extra))
	for _, m := range msgs {
		o := channel.Outbound{Text: m.Text, Multi: m.Multi, Expect: m.Expect}
		if len(m.Choices) > 0 {
			o.Choices = make([]channel.Choice, len(m.Choices))
			for i, c := range m.Choices {
				o.Choices[i] = channel.Choice{Label: c.Label, Value: c.Value}
			}
		}
		if m.Media != nil {
			for i, e := range extra {
				if !used[i] && e.Media != nil && (e.Media.Name == m.Media.Ref || e.Media.Name == m.Media.Name && m.Media.Name != "") {
					media := *e.Media
					o.Media = &media
					used[i] = true
					break
				}
			}
			if o.Media == nil {
				dropped = append(dropped, m.Media.Ref)
			}
		}
		out = append(out, o)
	}
	for i, e := range extra {
		if !used[i] {
			out = append(out, e)
		}
	}
	return out, dropped
}
