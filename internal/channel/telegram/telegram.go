// Package telegram is Jejaring's Telegram channel: it turns Bot API updates
// into channel.Inbound, hands them to a channel.Handler (the bot pipeline) and
// renders the replies with what Telegram can do — inline keyboards for
// choices, a "share my number" reply keyboard for the phone step, photos and
// documents, long texts split on line boundaries.
//
// It uses github.com/go-telegram/bot for every Bot API call except
// getUpdates. The library's polling loop confirms an update to Telegram (by
// asking for a higher offset) as soon as it has queued it in memory, so a
// crash would lose whatever was queued. This package polls itself instead:
// each fetched batch goes into a Redis inbox in the same transaction that
// stores the next offset, and only then is more asked for. Updates are
// handled from there — different chats in parallel on a bounded number of
// workers, one chat strictly in order — and an update leaves the inbox in the
// same transaction that remembers its update_id (for three days) as done. A
// restart replays the inbox first; the done marks keep a replay from handling
// anything twice. The same dispatcher serves webhook mode, where the HTTP
// request is answered only after the update was handled (Telegram retries
// otherwise).
//
// Errors from Telegram: on the reply path (answers to someone chatting now)
// 429 waits retry_after and retries, 5xx and network errors back off and
// retry for Config.ReplyRetryFor (429 waits not counted), then the reply
// and the ones after it go to Config.OnUndelivered (the outbox); 403 calls
// OnBlocked, and a 400 is logged with the method and dropped. With a
// channel.DurableHandler (the bot) each delivered reply is confirmed, and an
// update handed in again after a crash re-sends only the unconfirmed ones;
// a handler that says channel.ErrUnavailable (Redis or the database away)
// leaves the update in the inbox to be handled again, in order, and the
// owner gets one "mohon tunggu sebentar ya" after Config.HoldNoticeAfter.
// Send, used by the outbox for bulk messages, tries once and maps the answer
// to the channel errors (*channel.RateLimitError, channel.ErrBlocked,
// channel.ErrUnknownRecipient) so the dispatcher decides.
//
// Three queues stand between an update and its reply; one keeps order.
// The Redis inbox with this package's per-chat dispatcher (dispatch.go)
// keeps it: updates enter the inbox in update_id order, and a chat's next
// update is not handed to the handler until the one before it was handled
// or given up — also across the back-offs while Redis or the database are
// away — so a chat's messages reach the bot one at a time, in the order
// Telegram numbered them. Behind it the bot's in-process per-contact queue
// (internal/bot, queue.go) is FIFO too, but on this path it never holds
// more than the one update the dispatcher let through; it matters for the
// web chat, whose concurrent requests can hand in several at once. The Redis
// contact lock (internal/session) only keeps replicas apart: its waiters
// retry with a back-off and are served in no particular order, which is
// why order must already be decided above it. Failures are answered once,
// by the bot's apology; this package adds no retry or apology of its own
// (handle in inbound.go).
//
// Only private chats are served; messages from groups and channels are
// ignored. One process should poll a bot token at a time (Telegram answers
// 409 to a second poller); run several replicas in webhook mode.
package telegram

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
)

// DefaultAPIURL is the public Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// KeyTag follows Config.KeyPrefix in every key of the adapter: one Redis
// Cluster hash tag for all of them. At the traffic one bot is allowed
// (about 30 messages a second) one slot is far from busy.
const KeyTag = "{tg}:"

// Config configures an Adapter. Token, Handler and Redis are required.
type Config struct {
	Token  string // from @BotFather
	APIURL string // Bot API server; "" means DefaultAPIURL
	// WebhookURL switches to webhook mode: Run registers it with setWebhook
	// and WebhookHandler must be mounted at its path. "" means long polling.
	WebhookURL string
	// WebhookSecret is the secret_token Telegram echoes in the
	// X-Telegram-Bot-Api-Secret-Token header (TELEGRAM_WEBHOOK_SECRET):
	// Run registers it. "" derives one from the token (the same on every
	// replica, but it cannot be rotated and whoever has the token can
	// forge updates), with a WARN.
	WebhookSecret string
	Handler       channel.Handler
	Redis         redis.UniversalClient
	// KeyPrefix prefixes every Redis key ("" means "jejaring:tg:"); the
	// adapter adds KeyTag to it, so all its keys share one Redis Cluster
	// slot (its transactions touch the inbox, an update's done mark and
	// the chat's state together).
	KeyPrefix string
	Logger    *slog.Logger
	// Workers bounds how many chats are handled at once (default 32).
	Workers int
	// OnBlocked is called when Telegram says a user blocked the bot (a 403 on
	// a send, or a my_chat_member update with status "kicked"). The app marks
	// the contact so broadcasts skip them. May be nil.
	OnBlocked func(ctx context.Context, addr channel.Address)
	// PollTimeout is the getUpdates long-poll timeout (default 50s).
	PollTimeout time.Duration
	// HandleTimeout bounds the handling of one update, replies included
	// (default 2 minutes plus ReplyRetryFor). Handling is not cut short by Run's context being
	// cancelled, so a shutdown finishes the updates in hand.
	HandleTimeout time.Duration
	// MaxInFlight bounds how many fetched updates may wait or be handled at
	// once before polling pauses (default 1000).
	MaxInFlight int
	// MaxRetryWait caps one wait for a 429's retry_after (default 60s).
	MaxRetryWait time.Duration
	// ReplyTurn, when set, is waited for before each call on the reply
	// path, so replies and bulk sends together keep to Telegram's rate
	// (the app passes the outbox dispatcher's ReplyTurn). An error from it
	// is ignored: the reply goes anyway.
	ReplyTurn func(ctx context.Context) error
	// HoldNoticeAfter is how long an update may wait for Redis or the
	// database (the handler says channel.ErrUnavailable) before the owner
	// gets one "mohon tunggu sebentar ya" (default 5 s).
	HoldNoticeAfter time.Duration
	// ReplyRetryFor is how long one reply is retried through 5xx and
	// network errors (default 5 minutes); the 429 waits do not count.
	// Past it, the reply and the ones after it go to OnUndelivered.
	ReplyRetryFor time.Duration
	// OnUndelivered takes the replies that could not get through within
	// ReplyRetryFor, in order, to send them later (the app queues them in
	// the outbox as one row). When it is nil or fails, the update is not
	// marked done and is handled again later (with a DurableHandler, the
	// redelivery returns just the replies not yet confirmed).
	// in is the message they answer (its MessageID makes the queueing
	// idempotent).
	OnUndelivered func(ctx context.Context, in channel.Inbound, msgs []channel.Outbound) error
	// HTTPClient is used for all Bot API calls (default: a client with a
	// timeout a little longer than PollTimeout).
	HTTPClient *http.Client
	// OldWebhookSecrets are still accepted beside WebhookSecret while a
	// rotation is under way (replicas started before it, updates Telegram
	// had in flight).
	OldWebhookSecrets []string
}

// Adapter is the Telegram channel. It implements channel.Channel.
type Adapter struct {
	cfg    Config
	api    *tgbot.Bot
	http   *http.Client
	rdb    redis.UniversalClient
	prefix string
	log    *slog.Logger
	disp   *dispatcher

	inflight counter // polled updates not yet handled

	username atomic.Value // string: the bot's @username, once known

	refused refusals // webhook calls without the right secret

	healthMu  sync.Mutex
	healthErr error
	started   bool
}

var _ channel.Channel = (*Adapter)(nil)

// New builds an adapter. It does not contact Telegram; Run does.
func New(cfg Config) (*Adapter, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("telegram: empty bot token")
	}
	if cfg.Handler == nil {
		return nil, errors.New("telegram: no handler")
	}
	if cfg.Redis == nil {
		return nil, errors.New("telegram: no redis client")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if cfg.KeyPrefix == "" {
		cfg.KeyPrefix = "jejaring:tg:"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 32
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 50 * time.Second
	}
	if cfg.HoldNoticeAfter <= 0 {
		cfg.HoldNoticeAfter = 5 * time.Second
	}
	if cfg.ReplyRetryFor <= 0 {
		cfg.ReplyRetryFor = DefaultReplyRetryFor
	}
	if cfg.HandleTimeout <= 0 {
		// Room for the handler and a reply retried for the whole
		// ReplyRetryFor.
		cfg.HandleTimeout = 2*time.Minute + cfg.ReplyRetryFor
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 1000
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = time.Minute
	}
	if cfg.WebhookURL != "" && cfg.WebhookSecret == "" {
		cfg.WebhookSecret = deriveSecret(cfg.Token)
		cfg.Logger.Warn("TELEGRAM_WEBHOOK_SECRET is not set: the webhook secret is derived from the bot token, so it cannot be rotated and whoever has the token can forge updates; set TELEGRAM_WEBHOOK_SECRET (openssl rand -hex 32)")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		// Keep a connection per worker alive: the default of two idle
		// connections per host would open a new TLS connection for most
		// replies when many chats are answered at once.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = cfg.Workers + 4
		hc = &http.Client{Timeout: cfg.PollTimeout + 15*time.Second, Transport: tr}
	}
	log := cfg.Logger // the app adds channel=telegram
	a := &Adapter{cfg: cfg, http: hc, rdb: cfg.Redis, prefix: cfg.KeyPrefix + KeyTag, log: log}
	api, err := tgbot.New(cfg.Token,
		tgbot.WithServerURL(cfg.APIURL),
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(cfg.PollTimeout, hc),
		tgbot.WithErrorsHandler(func(err error) { log.Error("telegram library", "err", err) }),
		tgbot.WithDefaultHandler(func(context.Context, *tgbot.Bot, *models.Update) {}),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram: create client: %w", err)
	}
	a.api = api
	a.disp = newDispatcher(cfg.Workers)
	a.username.Store("")
	return a, nil
}

// deriveSecret makes a webhook secret from the token: stable across replicas,
// not guessable without the token, and in Telegram's allowed alphabet.
func deriveSecret(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("jejaring telegram webhook secret"))
	return hex.EncodeToString(m.Sum(nil))
}

// Username is the bot's @username (without the @) as Telegram's getMe
// gave it when Run connected; "" until then. Invitations on other channels
// use it for t.me deep links.
func (a *Adapter) Username() string {
	s, _ := a.username.Load().(string)
	return s
}

// GetMe asks the Bot API server at apiURL ("" means DefaultAPIURL) once for
// the bot's username, for tools that do not run the adapter (the CLI).
// hc may be nil (a client with a 10 s timeout).
func GetMe(ctx context.Context, apiURL, token string, hc *http.Client) (string, error) {
	if strings.TrimSpace(token) == "" {
		return "", errors.New("telegram: empty bot token")
	}
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	api, err := tgbot.New(token, tgbot.WithServerURL(strings.TrimRight(apiURL, "/")), tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(hc.Timeout, hc), tgbot.WithDefaultHandler(func(context.Context, *tgbot.Bot, *models.Update) {}))
	if err != nil {
		return "", fmt.Errorf("telegram: create client: %w", err)
	}
	u, err := api.GetMe(ctx)
	if err != nil {
		return "", fmt.Errorf("telegram getMe: %w", err)
	}
	return u.Username, nil
}

// Name is channel.Telegram.
func (a *Adapter) Name() channel.Name { return channel.Telegram }

// WebhookSecret is the secret token webhook requests must carry.
func (a *Adapter) WebhookSecret() string { return a.cfg.WebhookSecret }

// Health reports whether the adapter is talking to Telegram: nil once Run has
// reached the Bot API and the last poll (or setWebhook) succeeded.
func (a *Adapter) Health() error {
	a.healthMu.Lock()
	defer a.healthMu.Unlock()
	if !a.started {
		return errors.New("telegram: not connected yet")
	}
	return a.healthErr
}

func (a *Adapter) setHealth(err error) {
	a.healthMu.Lock()
	defer a.healthMu.Unlock()
	a.started = a.started || err == nil
	a.healthErr = err
}

// Run connects to the Bot API (getMe), sets the command menu, and then either
// long-polls (deleting any webhook first) or registers the webhook and waits.
// It returns nil when ctx is cancelled, after the updates in hand are handled,
// and an error only if the token is refused.
func (a *Adapter) Run(ctx context.Context) error {
	me, err := retryCall(ctx, a, "getMe", func(ctx context.Context) (string, error) {
		u, err := a.api.GetMe(ctx)
		if err != nil {
			return "", err
		}
		return u.Username, nil
	})
	if err != nil {
		return a.stopErr(ctx, err)
	}
	a.username.Store(me)
	a.log.Info("telegram connected", "bot", me, "mode", map[bool]string{true: "webhook", false: "polling"}[a.cfg.WebhookURL != ""])
	a.setCommands(ctx)

	if a.cfg.WebhookURL != "" {
		_, err := retryCall(ctx, a, "setWebhook", func(ctx context.Context) (bool, error) {
			return a.api.SetWebhook(ctx, &tgbot.SetWebhookParams{
				URL: a.cfg.WebhookURL, SecretToken: a.cfg.WebhookSecret, AllowedUpdates: allowedUpdates,
			})
		})
		if err != nil {
			return a.stopErr(ctx, err)
		}
		a.setHealth(nil)
		<-ctx.Done()
		a.disp.wait()
		return nil
	}

	_, err = retryCall(ctx, a, "deleteWebhook", func(ctx context.Context) (bool, error) {
		return a.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{DropPendingUpdates: false})
	})
	if err != nil {
		return a.stopErr(ctx, err)
	}
	err = a.poll(ctx)
	a.disp.wait()
	return a.stopErr(ctx, err)
}

func (a *Adapter) stopErr(ctx context.Context, err error) error {
	if err == nil || ctx.Err() != nil {
		return nil
	}
	return err
}

// retryCall runs a start-up call until it succeeds, backing off on trouble.
// A refused token (401) is returned at once.
func retryCall[T any](ctx context.Context, a *Adapter, method string, call func(context.Context) (T, error)) (T, error) {
	var zero T
	wait := 200 * time.Millisecond
	for {
		v, err := call(ctx)
		if err == nil {
			return v, nil
		}
		if errors.Is(err, tgbot.ErrorUnauthorized) {
			a.setHealth(fmt.Errorf("telegram: %s: token refused: %w", method, err))
			return zero, fmt.Errorf("telegram %s: token refused: %w", method, err)
		}
		a.setHealth(fmt.Errorf("telegram: %s: %w", method, err))
		a.log.Warn("telegram call failed, retrying", "method", method, "err", err, "wait", wait)
		var tooMany *tgbot.TooManyRequestsError
		if errors.As(err, &tooMany) {
			wait = max(wait, time.Duration(tooMany.RetryAfter)*time.Second)
		}
		if !sleep(ctx, wait) {
			return zero, ctx.Err()
		}
		wait = min(wait*2, 5*time.Second)
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
