// Package app wires Jejaring together from a config.Config: it opens the
// database (PostgreSQL, or SQLite in the data directory) and Redis (or an
// in-process one for the local mode), runs the migrations, builds the bot and
// the channels, serves HTTP (web chat, /healthz, /readyz, /metrics) and runs
// the background loops (outbox dispatcher, WhatsApp connection), and stops
// all of it gracefully.
//
// Shutdown order matters and is fixed here: the HTTP server stops taking
// requests and waits for the ones in flight (a message being handled
// finishes; event streams are closed at once), then the loops are cancelled
// and awaited (the dispatcher marks what it sent; a channel finishes the
// messages it is handling), and only then are Redis and the database closed.
// The whole stop is bounded by StopTimeout.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"jejaring/internal/bot"
	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram"
	"jejaring/internal/channel/webchat"
	"jejaring/internal/channel/whatsapp"
	"jejaring/internal/config"
	"jejaring/internal/contact"
	"jejaring/internal/flow"
	"jejaring/internal/metrics"
	"jejaring/internal/outbox"
	"jejaring/internal/session"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
	"jejaring/internal/web"
)

// StopTimeout bounds a graceful stop, from the signal to the last close.
const StopTimeout = 10 * time.Second

// Healther is the optional interface a channel (or any started component)
// implements to take part in /readyz: nil means ready.
type Healther interface {
	Health() error
}

// Loop is a background task that runs until its context ends.
type Loop struct {
	Name string
	Run  func(ctx context.Context) error
}

// App is a running Jejaring. Build it with New, then Run it.
type App struct {
	Config   *config.Config
	Log      *slog.Logger
	DB       *store.DB
	Redis    redis.UniversalClient
	Registry *prometheus.Registry
	Metrics  *metrics.Metrics
	WebChat  *webchat.Chat
	Bot      *bot.Bot
	Sessions *session.Store
	// Events is the event repository the bot's actions use; it puts the
	// Telegram bot's deep link into invitations on other channels.
	Events   *store.EventRepo
	Channels map[channel.Name]channel.Channel
	Mux      *http.ServeMux

	data     *umkm.Data        // the region (REGION) and KBLI data
	telegram *telegram.Adapter // nil: Telegram off; set in New, before Run
	// dispatcher sends the outbox; set in New, before Run (the Telegram
	// replies share its rate through ReplyTurn).
	dispatcher *outbox.Dispatcher
	// dashboard is the staff dashboard; its live streams end at shutdown.
	dashboard *web.Server

	// whatsappLease decides which replica connects WhatsApp (nil: off).
	whatsappLease *Lease

	mini     *miniredis.Miniredis
	ln       net.Listener
	srv      *http.Server
	health   []namedHealth
	loops    []Loop
	closers  []func()
	closeOne sync.Once
	logsMu   sync.Mutex          // guards logs
	logs     map[string]*logRing // recent warnings per channel, for the dashboard (channels.go)
	// flowSet and actionNames are what the bot runs, for the dashboard's
	// flows page (flows.go); set in handler.
	flowSet     *flow.Set
	actionNames []string
}

type namedHealth struct {
	name string
	h    Healther
}

// OpenDB opens the configured database (one clear line naming DATABASE_URL
// and the host when it cannot be reached) and, when cfg.Migrate is set, runs
// the migrations; a database migrated by a newer Jejaring is refused.
func OpenDB(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if cfg.Migrate {
		if err := db.Migrate(ctx); err != nil {
			db.Close()
			if errors.Is(err, store.ErrNewerSchema) {
				return nil, fmt.Errorf("DATABASE_URL: refusing to start: %w", err)
			}
			return nil, fmt.Errorf("DATABASE_URL: %w", err)
		}
		if log != nil {
			log.Debug("database migrated", "dialect", db.Dialect)
		}
		return db, nil
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		if errors.Is(err, store.ErrNewerSchema) {
			return nil, fmt.Errorf("DATABASE_URL: refusing to start: %w", err)
		}
		return nil, fmt.Errorf("DATABASE_URL: %w; run `jejaring migrate up` or start without -migrate=false", err)
	}
	return db, nil
}

// OpenRedis connects to REDIS_URL, or, when it is empty, starts an
// in-process Redis on a free 127.0.0.1 port (the local mode; its data is
// lost on exit). The returned stop function closes both.
func OpenRedis(ctx context.Context, cfg *config.Config) (redis.UniversalClient, func(), error) {
	if cfg.LocalRedis() {
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return nil, nil, fmt.Errorf("REDIS_URL is empty and the in-process Redis did not start: %w", err)
		}
		rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
		return rdb, func() { rdb.Close(); m.Close() }, nil
	}
	target, err := config.ParseRedisURL(cfg.RedisURL)
	if err != nil {
		return nil, nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	if target.Cluster != nil {
		return openCluster(ctx, target.Cluster)
	}
	opt := target.Single
	opt.DialTimeout = 3 * time.Second
	// Probe once, without the pool's dial retries, so an unreachable
	// server fails at once; the real client keeps its retries.
	probeOpt := *opt
	probeOpt.DialerRetries, probeOpt.MaxRetries, probeOpt.PoolSize = 1, -1, 1
	probe := redis.NewClient(&probeOpt)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err = probe.Ping(pctx).Err()
	probe.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("REDIS_URL: cannot reach Redis at %s: %s", opt.Addr, oneLine(err))
	}
	rdb := redis.NewClient(opt)
	return rdb, func() { rdb.Close() }, nil
}

// openCluster connects to a Redis Cluster through its seed addresses and
// checks that it answers and covers every slot (CLUSTER INFO cluster_state:ok)
// before the service starts on it.
func openCluster(ctx context.Context, opt *redis.ClusterOptions) (redis.UniversalClient, func(), error) {
	if opt.DialTimeout == 0 {
		opt.DialTimeout = 3 * time.Second
	}
	rdb := redis.NewClusterClient(opt)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	info, err := rdb.ClusterInfo(pctx).Result()
	if err == nil && !strings.Contains(info, "cluster_state:ok") {
		err = errors.New("the cluster is not ok (cluster_state is not ok: slots uncovered or a master down)")
	}
	if err == nil {
		err = rdb.ForEachMaster(pctx, func(ctx context.Context, c *redis.Client) error { return c.Ping(ctx).Err() })
	}
	if err != nil {
		rdb.Close()
		return nil, nil, fmt.Errorf("REDIS_URL: cannot use the Redis Cluster at %s: %s", strings.Join(opt.Addrs, ","), oneLine(err))
	}
	return rdb, func() { rdb.Close() }, nil
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// New takes the lock on DATA_DIR (LockDataDir), opens everything cfg names
// and listens on HTTP_ADDR, but starts nothing yet: Run does. On error, what
// was opened is closed again; Close releases the lock last.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger) (a *App, err error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	a = &App{Config: cfg, Log: log, Channels: map[channel.Name]channel.Channel{}, Mux: http.NewServeMux()}
	defer func() {
		if err != nil {
			a.Close()
			a = nil
		}
	}()

	// The region first: an unknown REGION is a typing mistake, told before
	// anything is opened.
	if a.data, err = LoadRegion(cfg); err != nil {
		return a, err
	}

	// DATA_DIR next: a second server on the same folder stops here, before
	// it opens anything.
	release, err := LockDataDir(cfg.DataDir)
	if err != nil {
		return a, err
	}
	a.closers = append(a.closers, release)

	// Redis next: it answers at once, while a database may take seconds.
	rdb, stop, err := OpenRedis(ctx, cfg)
	if err != nil {
		return a, err
	}
	a.Redis = rdb
	a.closers = append(a.closers, stop)

	if a.DB, err = OpenDB(ctx, cfg, log); err != nil {
		return a, err
	}
	a.closers = append(a.closers, func() { a.DB.Close() })

	if cfg.AdminPassword != "" {
		created, err := a.DB.EnsureAdmin(ctx, cfg.AdminPassword, time.Now())
		if err != nil {
			return a, err
		}
		if created {
			log.Info("created staff user admin from ADMIN_PASSWORD")
		}
	}

	a.Registry = prometheus.NewRegistry()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.Metrics = metrics.New(a.Registry)

	handler, err := a.handler(ctx)
	if err != nil {
		return a, err
	}

	a.WebChat, err = webchat.New(a.webChatOptions(handler))
	if err != nil {
		return a, err
	}
	a.Channels[channel.WebChat] = a.WebChat
	a.WebChat.Routes(a.Mux)

	if cfg.TelegramBotToken != "" {
		if err := a.startTelegram(handler); err != nil {
			return a, err
		}
	}
	if cfg.WhatsAppEnabled {
		if err := a.startWhatsApp(ctx, handler); err != nil {
			return a, err
		}
	}

	a.addDispatcher()
	a.addReachCampaign()
	a.addWebChatRetention()
	a.addRetention()
	a.addOutcomes()
	a.routes()
	if err := a.mountDashboard(ctx); err != nil {
		return a, err
	}

	a.ln, err = net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return a, fmt.Errorf("HTTP_ADDR: cannot listen on %s: %s", cfg.HTTPAddr, oneLine(err))
	}
	a.srv = &http.Server{
		Handler:           a.Mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	a.srv.RegisterOnShutdown(a.WebChat.Close)
	if a.dashboard != nil {
		a.srv.RegisterOnShutdown(a.dashboard.Close)
	}
	return a, nil
}

func (a *App) startWhatsApp(ctx context.Context, h channel.Handler) error {
	policy, err := whatsapp.ParsePolicy(a.Config.Lookup)
	if err != nil {
		return fmt.Errorf("WhatsApp settings: %s", oneLine(err))
	}
	polls, err := whatsapp.ParsePolls(a.Config.Lookup)
	if err != nil {
		return fmt.Errorf("WHATSAPP_POLLS: %s", oneLine(err))
	}
	wcfg := whatsapp.Config{
		DataDir: a.Config.DataDir, Handler: h, Logger: a.channelLogger("whatsapp"),
		Policy: &policy, Polls: polls, ProxyURL: a.Config.Lookup("WHATSAPP_PROXY"),
	}
	if err := whatsappStorage(&wcfg, a.DB); err != nil {
		return fmt.Errorf("WhatsApp: %w", err)
	}
	wa, err := whatsapp.New(ctx, wcfg)
	if err != nil {
		return fmt.Errorf("WhatsApp: %w", err)
	}
	a.Channels[channel.WhatsApp] = wa
	// One linked device, one connection: of several replicas only the one
	// holding the lease connects (and sends WhatsApp's outbox); the others
	// stand by, ready, and take over within the lease's TTL when it dies.
	lease := NewLease(a.Redis, a.Config.RedisPrefix+"lease:whatsapp", DefaultLeaseTTL, a.Log.With("lease", "whatsapp"))
	a.whatsappLease = lease
	a.AddHealth("whatsapp", standbyHealth{lease, wa})
	a.AddLoop("whatsapp", func(ctx context.Context) error { return lease.Run(ctx, wa.Run) })
	return nil
}

func (a *App) startTelegram(h channel.Handler) error {
	var secret string
	var oldSecrets []string
	if s := a.Config.TelegramWebhookSecrets; len(s) > 0 {
		secret, oldSecrets = s[0], s[1:]
	}
	tg, err := telegram.New(telegram.Config{
		Token: a.Config.TelegramBotToken, APIURL: a.Config.TelegramAPIURL, WebhookURL: a.Config.TelegramWebhookURL,
		WebhookSecret: secret, OldWebhookSecrets: oldSecrets,
		Handler: h, Redis: a.Redis, KeyPrefix: a.Config.RedisPrefix + "tg:", Logger: a.channelLogger("telegram"),
		OnBlocked: a.markBlocked, ReplyRetryFor: a.Config.ReplyRetryFor, OnUndelivered: a.queueReplies,
		ReplyTurn: func(ctx context.Context) error {
			if a.dispatcher == nil {
				return nil
			}
			return a.dispatcher.ReplyTurn(ctx, channel.Telegram)
		},
	})
	if err != nil {
		return fmt.Errorf("TELEGRAM_BOT_TOKEN: %w", err)
	}
	if a.Config.TelegramWebhookURL != "" {
		u, err := url.Parse(a.Config.TelegramWebhookURL)
		if err != nil || u.Path == "" || u.Path == "/" {
			return fmt.Errorf("TELEGRAM_WEBHOOK_URL: want a URL with a path, such as https://bot.example.org/telegram, got %q", a.Config.TelegramWebhookURL)
		}
		a.Mux.Handle("POST "+u.Path, tg.WebhookHandler())
	}
	a.Channels[channel.Telegram] = tg
	a.telegram = tg
	a.AddHealth("telegram", tg)
	a.AddLoop("telegram", tg.Run)
	return nil
}

// queueReplies puts replies a channel could not deliver in time into the
// outbox, as one row (the later ones as its Then) so their order holds.
func (a *App) queueReplies(ctx context.Context, in channel.Inbound, msgs []channel.Outbound) error {
	if len(msgs) == 0 {
		return nil
	}
	p := outbox.PayloadOf(msgs[0])
	for _, m := range msgs[1:] {
		p.Then = append(p.Then, outbox.PayloadOf(m))
	}
	var contactID int64
	if c, err := a.DB.ContactByAddress(ctx, string(in.From.Channel), in.From.ExternalID); err == nil {
		contactID = c.ID
	} else if !errors.Is(err, contact.ErrNotFound) {
		return fmt.Errorf("queue replies: look up contact: %w", err)
	}
	_, err := store.NewOutboxRepo(a.DB).Enqueue(ctx, []outbox.Message{{
		Kind: outbox.KindReply, To: in.From, ContactID: contactID,
		DedupeKey: fmt.Sprintf("reply:%s:%s:%d", in.From, in.MessageID, len(msgs)),
		Payload:   p, Priority: outbox.PriorityPersonal,
	}}, time.Now())
	if err != nil {
		return fmt.Errorf("queue replies: %w", err)
	}
	return nil
}

// markBlocked records that a contact blocked the bot, so broadcasts skip
// them.
func (a *App) markBlocked(ctx context.Context, addr channel.Address) {
	c, err := a.DB.ContactByAddress(ctx, string(addr.Channel), addr.ExternalID)
	if err != nil {
		if !errors.Is(err, contact.ErrNotFound) {
			a.Log.Warn("mark blocked: look up contact", "channel", addr.Channel, "err", err)
		}
		return
	}
	if err := a.DB.SetContactBlocked(ctx, c.ID, true); err != nil {
		a.Log.Warn("mark blocked", "contact", c.ID, "err", err)
	}
}

// addDispatcher runs the outbox dispatcher over every started channel, with
// the WhatsApp bulk policy turned into its rate limit.
func (a *App) addDispatcher() {
	limits := a.outboxLimits()
	d := outbox.NewDispatcher(outbox.Config{
		Store:     store.NewOutboxRepo(a.DB),
		Channels:  a.Channels,
		Limits:    limits,
		Redis:     a.Redis,
		KeyPrefix: a.outboxPrefix(),
		Lease:     a.Config.OutboxLease,
		Logger:    a.Log.With("component", "outbox"),
		Holds: func(ch channel.Name) bool {
			return ch != channel.WhatsApp || a.whatsappLease == nil || a.whatsappLease.Held()
		},
	})
	a.dispatcher = d
	a.AddLoop("outbox", d.Run)
}

// outboxLimits are the outbox's per-channel paces: the defaults, with
// the WhatsApp bulk policy as its rate. The dashboard's "how long it
// takes" reads the same.
func (a *App) outboxLimits() map[channel.Name]outbox.Limit {
	limits := outbox.DefaultLimits()
	if wa, ok := a.Channels[channel.WhatsApp].(*whatsapp.Adapter); ok {
		p := wa.Policy()
		l := limits[channel.WhatsApp]
		l.PerSecond = float64(p.PerMinute) / 60
		l.MinGap = p.MinGap
		l.Jitter = p.MaxJitter
		limits[channel.WhatsApp] = l
	}
	return limits
}

// standbyHealth is the WhatsApp channel's readiness on a replica that does
// not hold the lease: ready (it stands by), whatever the adapter says.
type standbyHealth struct {
	lease *Lease
	h     Healther
}

func (s standbyHealth) Health() error {
	if !s.lease.Held() {
		return nil
	}
	return s.h.Health()
}

// AddHealth makes /readyz report h under name.
func (a *App) AddHealth(name string, h Healther) { a.health = append(a.health, namedHealth{name, h}) }

// AddLoop runs l alongside the HTTP server, from Run until the stop.
func (a *App) AddLoop(name string, run func(ctx context.Context) error) {
	a.loops = append(a.loops, Loop{Name: name, Run: run})
}

// Addr is the address the HTTP server listens on (useful with port 0).
func (a *App) Addr() string { return a.ln.Addr().String() }

// URLs lists what the running server offers, for the start-up message.
func (a *App) URLs() []string {
	host, port, _ := net.SplitHostPort(a.Addr())
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	base := "http://" + net.JoinHostPort(host, port)
	return []string{
		"web chat  " + base + "/chat",
		"dashboard " + base + "/login  (staff; first user admin from ADMIN_PASSWORD)",
		"health    " + base + "/healthz  (alive)   " + base + "/readyz  (database, Redis, channels)",
		"metrics   " + base + "/metrics",
	}
}

// channelSummary says which channels run and how, for the start-up message.
func (a *App) channelSummary() []string {
	out := []string{"web chat"}
	if _, ok := a.Channels[channel.Telegram]; ok {
		mode := "long polling"
		if a.Config.TelegramWebhookURL != "" {
			mode = "webhook"
		}
		out = append(out, "Telegram ("+mode+")")
	}
	if _, ok := a.Channels[channel.WhatsApp]; ok {
		out = append(out, "WhatsApp (linked device; `jejaring whatsapp status`)")
	}
	return out
}

// Run serves and runs the loops until ctx ends, then stops gracefully within
// StopTimeout. It returns nil after a clean stop.
func (a *App) Run(ctx context.Context, out io.Writer) error {
	defer a.Close()
	mode := "PostgreSQL"
	if a.DB.Dialect == store.SQLite {
		mode = "SQLite " + strings.TrimPrefix(strings.SplitN(a.DB.URL, "?", 2)[0], "file:")
	}
	redisMode := "Redis"
	if a.Config.LocalRedis() {
		redisMode = "in-process Redis (local mode: sessions are lost on exit)"
	}
	if out != nil {
		fmt.Fprintf(out, "Jejaring sudah berjalan / Jejaring is running (%s, %s).\n", mode, redisMode)
		for _, u := range a.URLs() {
			fmt.Fprintln(out, "  "+u)
		}
		fmt.Fprintln(out, "  channels  "+strings.Join(a.channelSummary(), ", "))
		fmt.Fprintln(out, "Tekan Ctrl+C untuk berhenti / Press Ctrl+C to stop.")
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- a.srv.Serve(a.ln) }()

	loopCtx, cancelLoops := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelLoops()
	var wg sync.WaitGroup
	for _, l := range a.loops {
		wg.Go(func() {
			if err := l.Run(loopCtx); err != nil && loopCtx.Err() == nil {
				a.Log.Error("background loop stopped", "loop", l.Name, "err", err)
				a.Metrics.Error(l.Name)
			}
		})
	}

	var runErr error
	select {
	case <-ctx.Done():
		a.Log.Info("stopping")
	case err := <-serveErr:
		runErr = fmt.Errorf("http server: %w", err)
	}

	deadline := time.Now().Add(StopTimeout - 500*time.Millisecond)
	sctx, cancel := context.WithDeadline(context.Background(), deadline.Add(-2*time.Second))
	if err := a.srv.Shutdown(sctx); err != nil {
		a.Log.Warn("http requests still running at the stop deadline", "err", err)
		a.srv.Close()
	}
	cancel()
	cancelLoops()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Until(deadline)):
		a.Log.Warn("background loops did not stop in time")
	}
	return runErr
}

// Close releases everything New opened. Run calls it; call it yourself only
// when not calling Run.
func (a *App) Close() {
	a.closeOne.Do(func() {
		if a.ln != nil {
			a.ln.Close()
		}
		if a.WebChat != nil {
			a.WebChat.Close()
		}
		for i := len(a.closers) - 1; i >= 0; i-- {
			a.closers[i]()
		}
	})
}

// RedisLogger routes go-redis's own log lines (connection pool trouble) to
// log at debug level, so a start-up failure shows one line, not several.
// Install it with redis.SetLogger before opening Redis.
func RedisLogger(log *slog.Logger) interface {
	Printf(ctx context.Context, format string, v ...any)
} {
	return redisLog{log}
}

type redisLog struct{ log *slog.Logger }

func (r redisLog) Printf(ctx context.Context, format string, v ...any) {
	r.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}
