package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	waStore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"

	"jejaring/internal/channel"
)

// Config is everything the WhatsApp channel needs. DB, Dialect and Handler
// are required; the rest has defaults.
type Config struct {
	// DB and Dialect are what whatsmeow takes: a pool on Jejaring's
	// database, where it keeps the device session in its own whatsmeow_*
	// tables, and its dialect ("postgres" or "sqlite"; store.DB.SidePool
	// gives both). The adapter runs no query of Jejaring's own tables.
	DB      *sql.DB
	Dialect string
	// LastSent and LastSeen are the two questions the adapter asks of
	// Jejaring's records, wired by internal/app; nil answers "none".
	// LastSent gives the choices of the newest message the outbox sent to
	// a WhatsApp contact (externalID) and when, so a bare number still
	// answers an invitation after a restart. LastSeen gives when the
	// contact last wrote; known is false when they never did (the policy
	// OnlyKnownContacts refuses to send to them).
	LastSent func(ctx context.Context, externalID string) (choices []channel.Choice, at time.Time, ok bool, err error)
	LastSeen func(ctx context.Context, externalID string) (at time.Time, known bool, err error)
	// DataDir is where received images and documents are saved
	// (DataDir/whatsapp/media/YYYY-MM/) and where the connection state is
	// written for `jejaring whatsapp status` (DataDir/whatsapp/status.json).
	DataDir string
	// Handler answers inbound messages (the bot pipeline).
	Handler channel.Handler
	// Logger receives the channel's log; nil discards it.
	Logger *slog.Logger
	// Policy is the bulk sending policy handed to the outbox dispatcher.
	// Zero means DefaultPolicy.
	Policy *Policy
	// Polls sends yes/no and RSVP questions also as a WhatsApp poll.
	Polls bool
	// Workers bounds how many chats are answered at the same time
	// (default 8). Messages of one chat are always handled in order.
	Workers int
	// ProxyURL sends WhatsApp traffic through an http(s):// or socks5://
	// proxy.
	ProxyURL string
	// Dial, when set, replaces the network dialer for every WhatsApp
	// connection (websocket and media). Tests point it at a closed local
	// port so nothing reaches WhatsApp's servers.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// MinBackoff and MaxBackoff bound the wait between reconnect attempts
	// (defaults 2s and 5m; the wait doubles per failure, with jitter).
	MinBackoff, MaxBackoff time.Duration
	// LinkPoll is how often an unlinked channel looks in the database for a
	// link made by `jejaring whatsapp link` (default 30s).
	LinkPoll time.Duration
	// LoginTimeout is how long a connected socket may wait for WhatsApp to
	// accept the session before the attempt counts as failed (default 90s).
	LoginTimeout time.Duration
	// BanPause is how long bulk sending pauses after a temporary ban whose
	// end WhatsApp did not say (default 24h).
	BanPause time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (c *Config) defaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Policy == nil {
		p := DefaultPolicy()
		c.Policy = &p
	}
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 2 * time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 5 * time.Minute
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = c.MinBackoff
	}
	if c.LinkPoll <= 0 {
		c.LinkPoll = 30 * time.Second
	}
	if c.LoginTimeout <= 0 {
		c.LoginTimeout = 90 * time.Second
	}
	if c.BanPause <= 0 {
		c.BanPause = 24 * time.Hour
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Adapter is the WhatsApp channel. It implements channel.Channel; Run keeps
// the connection, Health and Paused say how it is doing.
type Adapter struct {
	cfg       Config
	log       *slog.Logger
	container *sqlstore.Container
	queue     *chatQueue
	polls     *pollTable
	offers    *offerTable

	mu    sync.Mutex
	snd   sender   // the connected client, nil when there is none
	lids  lidStore // LID → phone mapping of the current device
	own   string   // our own number, digits
	state State
}

var _ channel.Channel = (*Adapter)(nil)

// New prepares the WhatsApp channel: it creates or upgrades whatsmeow's
// tables in cfg.DB. It does not connect; Run does.
func New(ctx context.Context, cfg Config) (*Adapter, error) {
	if cfg.DB == nil || cfg.Dialect == "" {
		return nil, errors.New("whatsapp: Config.DB and Config.Dialect are required")
	}
	if cfg.Handler == nil {
		return nil, errors.New("whatsapp: Config.Handler is required")
	}
	cfg.defaults()
	if err := cfg.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("whatsapp: %w", err)
	}
	container, err := openContainer(ctx, cfg.DB, cfg.Dialect, cfg.Logger)
	if err != nil {
		return nil, err
	}
	return newAdapter(cfg, container), nil
}

func newAdapter(cfg Config, container *sqlstore.Container) *Adapter {
	cfg.defaults()
	a := &Adapter{
		cfg:       cfg,
		log:       cfg.Logger.With("channel", "whatsapp"),
		container: container,
		polls:     newPollTable(2000, cfg.Now),
		offers:    newOfferTable(20000),
	}
	a.queue = newChatQueue(cfg.Workers, 200, a.process, a.log)
	a.state = State{Status: StatusStopped, Since: cfg.Now(), Reason: "not started"}
	return a
}

// openContainer wraps the pool in whatsmeow's SQL store and creates or
// upgrades its tables. On SQLite the pool must not be Jejaring's own
// one-connection pool (see store.DB.SidePool).
func openContainer(ctx context.Context, pool *sql.DB, dialect string, logger *slog.Logger) (*sqlstore.Container, error) {
	switch dialect {
	case "postgres", "sqlite":
	default:
		return nil, fmt.Errorf("whatsapp: unsupported database dialect %q", dialect)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	setupSignalLog(logger)
	if dialect == "postgres" {
		// whatsmeow's upgrader looks for its version table in every schema
		// of the database (information_schema without a schema filter), so
		// a whatsmeow in another schema would make it skip creating ours.
		// Creating the table here first, exactly as the upgrader would,
		// keeps each schema's session on its own.
		if _, err := pool.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS whatsmeow_version (version INTEGER, compat INTEGER)"); err != nil {
			return nil, fmt.Errorf("whatsapp: prepare session tables: %w", err)
		}
	}
	container := sqlstore.NewWithDB(pool, dialect, newWALog(logger.With("channel", "whatsapp"), "Store"))
	if err := container.Upgrade(ctx); err != nil {
		return nil, fmt.Errorf("whatsapp: prepare session tables: %w", err)
	}
	return container, nil
}

// Name is channel.WhatsApp.
func (a *Adapter) Name() channel.Name { return channel.WhatsApp }

// Policy is the bulk sending policy the outbox dispatcher applies.
func (a *Adapter) Policy() Policy { return *a.cfg.Policy }

// Health is nil while the channel is linked, connected and logged in, and
// otherwise an error saying why not ("whatsapp not connected: dial tcp …;
// retry 3 in 8s"), for /readyz.
func (a *Adapter) Health() error {
	st := a.Status()
	if st.Status == StatusConnected {
		return nil
	}
	return errors.New("whatsapp " + st.Describe())
}

// Paused reports whether bulk sending must wait: during a temporary ban (and
// until its end has passed and the channel is connected again), and whenever
// the channel is not connected.
func (a *Adapter) Paused() bool {
	st := a.Status()
	if st.Status != StatusConnected {
		return true
	}
	return !st.PausedUntil.IsZero() && a.cfg.Now().Before(st.PausedUntil)
}

// Status is the current connection state.
func (a *Adapter) Status() State {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.state
}

// newClient makes a whatsmeow client for dev with our logger, network
// settings and no automatic reconnect (Run reconnects with its own backoff).
func (a *Adapter) newClient(dev *waStore.Device) (*whatsmeow.Client, error) {
	cli := whatsmeow.NewClient(dev, newWALog(a.log, "Client"))
	cli.EnableAutoReconnect = false
	if err := configureNetwork(cli, a.cfg.ProxyURL, a.cfg.Dial); err != nil {
		return nil, err
	}
	return cli, nil
}

// configureNetwork applies a proxy or a dialer override to every HTTP client
// whatsmeow uses (pre-login and logged-in websocket, media).
func configureNetwork(cli *whatsmeow.Client, proxyURL string, dial func(ctx context.Context, network, addr string) (net.Conn, error)) error {
	if dial != nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.Proxy = nil
		tr.DialContext = dial
		tr.DialTLSContext = nil
		hc := &http.Client{Transport: tr}
		cli.SetPreLoginHTTPClient(hc)
		cli.SetWebsocketHTTPClient(hc)
		cli.SetMediaHTTPClient(hc)
		return nil
	}
	if proxyURL != "" {
		if err := cli.SetProxyAddress(proxyURL); err != nil {
			return fmt.Errorf("whatsapp: proxy %q: %w", proxyURL, err)
		}
	}
	return nil
}

// linkedDevice returns the linked device in the store, or nil when the number
// is not linked.
func linkedDevice(ctx context.Context, c *sqlstore.Container) (*waStore.Device, error) {
	devs, err := c.GetAllDevices(ctx)
	if err != nil {
		return nil, fmt.Errorf("read WhatsApp session: %w", err)
	}
	if len(devs) == 0 {
		return nil, nil
	}
	return devs[0], nil
}
