// Package config reads Jejaring's settings from environment variables, each of
// which is also a command-line flag. A flag wins over the environment, and the
// environment wins over the built-in default, so `DATABASE_URL=... jejaring
// serve -database-url=...` uses the flag.
//
// With nothing set, the defaults give the local mode: SQLite under ./data, an
// in-process Redis, the web chat on 127.0.0.1:8080. Every variable, its flag,
// its default and its meaning are listed in one table (vars below), which is
// also what `jejaring serve -h` prints, so the help cannot drift from the code.
package config

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Config is the parsed, validated configuration.
type Config struct {
	DatabaseURL        string        // "" = SQLite file under DataDir
	DatabaseReadURL    string        // "" = the dashboard reads from DatabaseURL too
	RedisURL           string        // "" = in-process Redis (local mode)
	RedisPrefix        string        // prefix of every Redis key
	DataDir            string        // SQLite file, WhatsApp session, media
	HTTPAddr           string        // web chat, health, metrics
	TelegramBotToken   string        // "" = Telegram off
	TelegramAPIURL     string        // Bot API server
	TelegramWebhookURL string        // "" = long polling
	WhatsAppEnabled    bool          // linked-device WhatsApp
	AdminPassword      string        // creates user admin on first run
	FlowsDir           string        // "" = flows built into the binary
	LogLevel           slog.Level    // parsed LOG_LEVEL
	Migrate            bool          // run migrations at start-up
	SessionTTL         time.Duration // how long an idle conversation is kept
	// ResumeAfter is the resume window: silence inside a conversation
	// after which the next message that does not answer the pending
	// question gets "welcome back, continue or start over?". 0 = off.
	ResumeAfter time.Duration
	// WebChatRetention is how long a web chat contact with no consent and
	// no business is kept after it was last seen.
	WebChatRetention time.Duration
	// MediaRetention is how long a received photo or document is kept
	// in DATA_DIR when no business (not deleted) uses it.
	MediaRetention time.Duration
	// OutboxRetention is how long a finished outbox row keeps its text;
	// after it the row (the counts) stays, the message text goes.
	OutboxRetention time.Duration
	// WebChatMaxStreams caps the open web chat event streams of all
	// replicas together.
	WebChatMaxStreams int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For the web
	// chat's per-address limits believe.
	TrustedProxies []netip.Prefix
	// SessionKey seals the sessions in Redis (SESSION_KEY, 32 bytes); nil:
	// the key file in DataDir.
	SessionKey []byte
	// WebSessionIdle ends a dashboard sign-in after this long without a
	// request; WebSessionMax ends it this long after the sign-in at the
	// latest.
	WebSessionIdle, WebSessionMax time.Duration
	// TelegramWebhookSecrets are the webhook secret tokens: the first is
	// registered with Telegram, all are accepted (a rotation). Empty: one
	// derived from the bot token.
	TelegramWebhookSecrets []string
	// Region names the region data file the service runs with
	// (internal/umkm/data/REGION.yaml): its kecamatan and nagari, its
	// registration prefix, its office.
	Region string
	// OfficeName is the data controller named in the privacy notice; ""
	// means the office named in the region data file.
	OfficeName string
	// ReplyRetryFor is how long a reply keeps being retried through a
	// platform's transient errors (429 waits not counted) before it goes
	// to the outbox.
	ReplyRetryFor time.Duration
	// OutboxLease is how long a dispatcher's claim on outbox rows lasts
	// before another may take them over (after a crash).
	OutboxLease time.Duration
	// OfficeWhatsApp is the office's WhatsApp number (E.164) the reach
	// letters' and posters' wa.me QR codes open; "" none.
	OfficeWhatsApp string
	// TelegramBotUsername is the bot's username for the t.me QR codes
	// (without "@"); "" asks the running bot (getMe) where it can.
	TelegramBotUsername string
	// ReachDailyCap is the first-contact campaign's daily cap once the
	// number is warmed up.
	ReachDailyCap int

	// raw holds every setting as resolved text (flag, env or default), for
	// packages that parse their own settings (whatsapp.ParsePolicy).
	raw map[string]string
}

// Lookup returns the resolved value of a setting by its variable name (flag,
// then environment, then default), or "" for a name not in the table. It has
// the shape of os.Getenv, so a package that reads its own settings can be
// given c.Lookup and still honour the flags.
func (c *Config) Lookup(name string) string { return c.raw[name] }

// LocalRedis reports whether the local mode's in-process Redis is wanted.
func (c *Config) LocalRedis() bool { return c.RedisURL == "" }

// Var describes one setting.
type Var struct {
	Env     string // DATABASE_URL
	Flag    string // database-url (filled in by Vars)
	Default string
	Usage   string // one line
	Bool    bool
	Secret  bool // never print its value
}

// vars is the one table of settings, in the order help lists them.
var vars = []Var{
	{Env: "DATABASE_URL", Default: "", Usage: "postgres://user:pass@host:5432/db or sqlite:PATH; empty: SQLite file jejaring.db in DATA_DIR", Secret: true},
	{Env: "DATABASE_READ_URL", Default: "", Usage: "postgres:// URL of a read replica of DATABASE_URL for the dashboard's directory, export and counts; empty: DATABASE_URL", Secret: true},
	{Env: "REDIS_URL", Default: "", Usage: "redis://host:6379/0, or a Redis Cluster: redis+cluster://host:7000,host:7001 (several addresses are a cluster too); empty: an in-process Redis (local mode, lost on exit)", Secret: true},
	{Env: "REDIS_PREFIX", Default: "jejaring:", Usage: "prefix of every Redis key, so several Jejarings (or tests) can share one Redis"},
	{Env: "DATA_DIR", Default: "./data", Usage: "folder for the SQLite file, the WhatsApp session and received media"},
	{Env: "HTTP_ADDR", Default: "127.0.0.1:8080", Usage: "address the web chat, /healthz, /readyz and /metrics listen on"},
	{Env: "TELEGRAM_BOT_TOKEN", Default: "", Usage: "token from @BotFather; empty: Telegram is off", Secret: true},
	{Env: "TELEGRAM_API_URL", Default: "https://api.telegram.org", Usage: "Bot API server (a self-hosted one, or a test server)"},
	{Env: "TELEGRAM_WEBHOOK_URL", Default: "", Usage: "public https URL Telegram posts updates to; empty: long polling"},
	{Env: "WHATSAPP_ENABLED", Default: "false", Usage: "connect WhatsApp as a linked device (link it first: jejaring whatsapp link)", Bool: true},
	{Env: "WHATSAPP_BULK_PER_MINUTE", Default: "4", Usage: "bulk WhatsApp messages (invites, reminders) per minute from the number; replies are not limited"},
	{Env: "WHATSAPP_BULK_MIN_GAP", Default: "10s", Usage: "least time between two bulk WhatsApp messages"},
	{Env: "WHATSAPP_BULK_MAX_JITTER", Default: "15s", Usage: "most random extra wait between bulk WhatsApp messages"},
	{Env: "WHATSAPP_BULK_ONLY_KNOWN_CONTACTS", Default: "true", Usage: "send bulk WhatsApp messages only to people who wrote to the number before", Bool: true},
	{Env: "WHATSAPP_POLLS", Default: "true", Usage: "also send yes/no and RSVP questions as a WhatsApp poll", Bool: true},
	{Env: "WHATSAPP_PROXY", Default: "", Usage: "http(s):// or socks5:// proxy for WhatsApp traffic; empty: direct", Secret: true},
	{Env: "ADMIN_PASSWORD", Default: "", Usage: "on first run, create staff user admin with this password", Secret: true},
	{Env: "REGION", Default: "pesisir_selatan", Usage: "region data file the service runs with: the regency's kecamatan, nagari, registration prefix and office (built in: pesisir_selatan)"},
	{Env: "OFFICE_NAME", Default: "", Usage: "the office named as data controller in the privacy notice; empty: the office in the region data file"},
	{Env: "FLOWS_DIR", Default: "", Usage: "folder of flow YAML files; empty: the flows built into the binary"},
	{Env: "LOG_LEVEL", Default: "info", Usage: "debug, info, warn or error"},
	{Env: "MIGRATE", Default: "true", Usage: "apply database migrations at start-up (-migrate=false to skip)", Bool: true},
	{Env: "SESSION_TTL", Default: "24h", Usage: "how long an unfinished conversation is kept (Go duration: 30m, 24h)"},
	{Env: "SESSION_KEY", Default: "", Usage: "key sealing the conversations kept in Redis: 32 random bytes as 64 hex digits or base64 (openssl rand -hex 32); empty: generated once into DATA_DIR/session.key", Secret: true},
	{Env: "TELEGRAM_WEBHOOK_SECRET", Default: "", Usage: "secret token Telegram sends with each webhook call: 16-256 of A-Z a-z 0-9 _ - (openssl rand -hex 32); old,new during a rotation; empty: derived from the bot token", Secret: true},
	{Env: "REPLY_RETRY_FOR", Default: "5m", Usage: "how long a Telegram reply is retried through the platform's errors before it is queued in the outbox (Go duration, at least 5s)"},
	{Env: "OUTBOX_LEASE", Default: "1m", Usage: "how long a claim on outbox rows lasts; after a crash, rows still held are sent by the next process once it ends (Go duration, at least 2s)"},
	{Env: "RESUME_AFTER", Default: "30m", Usage: "silence inside a conversation after which a contact is welcomed back and asked to continue or start over; 0: never"},
	{Env: "WEBCHAT_RETENTION", Default: "720h", Usage: "web chat visitors who gave no consent and registered no business are deleted this long after their last message"},
	{Env: "MEDIA_RETENTION", Default: "2160h", Usage: "received photos and documents no registered business uses are deleted from DATA_DIR this long after they arrived (at least 168h and longer than SESSION_TTL)"},
	{Env: "OUTBOX_RETENTION", Default: "4320h", Usage: "sent or failed messages lose their text this long after they were finished; the counts stay (at least 720h)"},
	{Env: "WEBCHAT_MAX_STREAMS", Default: "1000", Usage: "open web chat event streams allowed in all (each holds one Redis connection)"},
	{Env: "WEBCHAT_TRUSTED_PROXIES", Default: "", Usage: "reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For names the visitor for the web chat limits and the dashboard's sign-in limit; empty: none"},
	{Env: "WEB_SESSION_IDLE", Default: "30m", Usage: "a staff dashboard sign-in ends after this long without a click (5m to 24h)"},
	{Env: "WEB_SESSION_MAX", Default: "12h", Usage: "a staff dashboard sign-in ends this long after signing in, however busy (at least WEB_SESSION_IDLE, at most 720h)"},
	{Env: "OFFICE_WHATSAPP", Default: "", Usage: "the office's WhatsApp number (0812…, +62812…) that the QR codes of reach letters and posters open; empty: no WhatsApp QR code"},
	{Env: "TELEGRAM_BOT_USERNAME", Default: "", Usage: "the Telegram bot's username for the QR codes of reach letters and posters; empty: asked of the running bot"},
	{Env: "REACH_DAILY_CAP", Default: "15", Usage: "most first-contact WhatsApp messages a day once the number is warmed up (1-40; the first days are lower)"},
}

// flagName turns DATABASE_URL into database-url.
func flagName(env string) string { return strings.ReplaceAll(strings.ToLower(env), "_", "-") }

// Vars returns the table of settings (a copy, with Flag filled in).
func Vars() []Var {
	out := append([]Var(nil), vars...)
	for i := range out {
		out[i].Flag = flagName(out[i].Env)
	}
	return out
}

// Flags binds settings to a FlagSet. Create it with AddFlags before
// fs.Parse, then call Load.
type Flags struct {
	fs   *flag.FlagSet
	vals map[string]*value
}

type value struct {
	s      string
	isBool bool
}

func (v *value) String() string {
	if v == nil {
		return ""
	}
	return v.s
}
func (v *value) Set(s string) error { v.s = s; return nil }
func (v *value) IsBoolFlag() bool   { return v.isBool }

// AddFlags registers a flag for each named variable (all of them when names
// is empty) on fs. Each flag's default shown by flag's own help is empty: the
// real default and the environment are applied by Load.
func AddFlags(fs *flag.FlagSet, names ...string) *Flags {
	f := &Flags{fs: fs, vals: map[string]*value{}}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for _, v := range vars {
		if len(names) > 0 && !want[v.Env] {
			continue
		}
		val := &value{isBool: v.Bool}
		f.vals[v.Env] = val
		fs.Var(val, flagName(v.Env), v.Usage+" ($"+v.Env+")")
	}
	return f
}

// Load resolves every setting (flag, then environment through getenv, then
// default) and validates it. Settings without a registered flag come from
// the environment or their default.
func (f *Flags) Load(getenv func(string) string) (*Config, error) {
	set := map[string]bool{}
	if f != nil && f.fs != nil {
		f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	}
	raw := map[string]string{}
	for _, v := range vars {
		s := v.Default
		if e := getenv(v.Env); e != "" {
			s = e
		}
		if f != nil {
			if val, ok := f.vals[v.Env]; ok && set[flagName(v.Env)] {
				s = val.s
				if v.Bool && s == "" {
					s = "true"
				}
			}
		}
		raw[v.Env] = strings.TrimSpace(s)
	}
	return build(raw)
}

// FromEnv loads the configuration from the environment alone.
func FromEnv(getenv func(string) string) (*Config, error) {
	return (*Flags)(nil).Load(getenv)
}

func build(raw map[string]string) (*Config, error) {
	c := &Config{
		DatabaseURL:        raw["DATABASE_URL"],
		DatabaseReadURL:    raw["DATABASE_READ_URL"],
		RedisURL:           raw["REDIS_URL"],
		RedisPrefix:        raw["REDIS_PREFIX"],
		DataDir:            raw["DATA_DIR"],
		HTTPAddr:           raw["HTTP_ADDR"],
		TelegramBotToken:   raw["TELEGRAM_BOT_TOKEN"],
		TelegramAPIURL:     strings.TrimRight(raw["TELEGRAM_API_URL"], "/"),
		TelegramWebhookURL: raw["TELEGRAM_WEBHOOK_URL"],
		AdminPassword:      raw["ADMIN_PASSWORD"],
		FlowsDir:           raw["FLOWS_DIR"],
		Region:             raw["REGION"],
		OfficeName:         raw["OFFICE_NAME"],
		raw:                raw,
	}
	var err error
	boolVar := func(name string, dst *bool) {
		if err != nil {
			return
		}
		b, perr := strconv.ParseBool(raw[name])
		if perr != nil {
			err = fmt.Errorf("%s: want true or false, got %q", name, raw[name])
			return
		}
		*dst = b
	}
	boolVar("WHATSAPP_ENABLED", &c.WhatsAppEnabled)
	var onlyKnown, polls bool
	boolVar("WHATSAPP_BULK_ONLY_KNOWN_CONTACTS", &onlyKnown)
	boolVar("WHATSAPP_POLLS", &polls)
	boolVar("MIGRATE", &c.Migrate)
	if err != nil {
		return nil, err
	}

	if c.RedisPrefix == "" || len(c.RedisPrefix) > 64 || strings.ContainsAny(c.RedisPrefix, " \t\r\n*?[]{}") {
		// { } would make a Redis Cluster hash tag of the prefix and put every key in one slot.
		return nil, fmt.Errorf("REDIS_PREFIX: want up to 64 characters without spaces or * ? [ ] { }, got %q", c.RedisPrefix)
	}
	if !validRegion(c.Region) {
		return nil, fmt.Errorf("REGION: want the name of a region data file such as pesisir_selatan (lower-case letters, digits and _), got %q", c.Region)
	}
	if len(c.OfficeName) > 200 || strings.ContainsAny(c.OfficeName, "\r\n") {
		return nil, fmt.Errorf("OFFICE_NAME: want one line of at most 200 characters, got %d characters", len(c.OfficeName))
	}
	if c.DataDir == "" {
		return nil, errors.New("DATA_DIR: must not be empty")
	}
	if err := c.buildReach(raw); err != nil {
		return nil, err
	}
	if err := checkDatabaseURL(c.DatabaseURL); err != nil {
		return nil, err
	}
	if err := checkReadURL(c.DatabaseReadURL, c.DatabaseURL); err != nil {
		return nil, err
	}
	if c.RedisURL != "" {
		if _, err := ParseRedisURL(c.RedisURL); err != nil {
			return nil, fmt.Errorf("REDIS_URL: want redis://host:6379/0 or, for a Redis Cluster, redis+cluster://host:7000,host:7001, got %q: %v", redactURL(c.RedisURL), err)
		}
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		return nil, fmt.Errorf("HTTP_ADDR: want host:port such as 127.0.0.1:8080, got %q", c.HTTPAddr)
	}
	if err := checkHTTPURL("TELEGRAM_API_URL", c.TelegramAPIURL, false); err != nil {
		return nil, err
	}
	if p := raw["WHATSAPP_PROXY"]; p != "" {
		u, err := url.Parse(p)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5") {
			return nil, fmt.Errorf("WHATSAPP_PROXY: want http://, https:// or socks5://host:port, got %q", redactURL(p))
		}
	}
	if c.TelegramWebhookURL != "" {
		if err := checkHTTPURL("TELEGRAM_WEBHOOK_URL", c.TelegramWebhookURL, false); err != nil {
			return nil, err
		}
	}
	n, perr := strconv.Atoi(raw["WHATSAPP_BULK_PER_MINUTE"])
	if perr != nil || n < 1 || n > 600 {
		return nil, fmt.Errorf("WHATSAPP_BULK_PER_MINUTE: want a whole number from 1 to 600, got %q", raw["WHATSAPP_BULK_PER_MINUTE"])
	}
	for _, name := range []string{"WHATSAPP_BULK_MIN_GAP", "WHATSAPP_BULK_MAX_JITTER"} {
		if d, err := time.ParseDuration(raw[name]); err != nil || d < 0 {
			return nil, fmt.Errorf("%s: want a duration such as 10s or 1m, got %q", name, raw[name])
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(raw["LOG_LEVEL"])); err != nil || !validLevel(raw["LOG_LEVEL"]) {
		return nil, fmt.Errorf("LOG_LEVEL: want debug, info, warn or error, got %q", raw["LOG_LEVEL"])
	}
	d, perr := time.ParseDuration(raw["SESSION_TTL"])
	if perr != nil || d < time.Minute {
		return nil, fmt.Errorf("SESSION_TTL: want a duration of at least 1m such as 30m or 24h, got %q", raw["SESSION_TTL"])
	}
	c.SessionTTL = d
	ra, perr := time.ParseDuration(raw["RESUME_AFTER"])
	if perr != nil || ra < 0 || (ra > 0 && ra < time.Minute) {
		return nil, fmt.Errorf("RESUME_AFTER: want 0 (never) or a duration of at least 1m such as 30m or 2h, got %q", raw["RESUME_AFTER"])
	}
	c.ResumeAfter = ra
	wr, perr := time.ParseDuration(raw["WEBCHAT_RETENTION"])
	if perr != nil || wr < 24*time.Hour {
		return nil, fmt.Errorf("WEBCHAT_RETENTION: want a duration of at least 24h such as 720h (30 days), got %q", raw["WEBCHAT_RETENTION"])
	}
	c.WebChatRetention = wr
	mr, perr := time.ParseDuration(raw["MEDIA_RETENTION"])
	if perr != nil || mr < 7*24*time.Hour || mr <= c.SessionTTL {
		return nil, fmt.Errorf("MEDIA_RETENTION: want a duration of at least 168h (7 days), and longer than SESSION_TTL, such as 2160h (90 days), got %q", raw["MEDIA_RETENTION"])
	}
	c.MediaRetention = mr
	or, perr := time.ParseDuration(raw["OUTBOX_RETENTION"])
	if perr != nil || or < 30*24*time.Hour {
		return nil, fmt.Errorf("OUTBOX_RETENTION: want a duration of at least 720h (30 days) such as 4320h (180 days), got %q", raw["OUTBOX_RETENTION"])
	}
	c.OutboxRetention = or
	ms, perr := strconv.Atoi(raw["WEBCHAT_MAX_STREAMS"])
	if perr != nil || ms < 1 || ms > 100000 {
		return nil, fmt.Errorf("WEBCHAT_MAX_STREAMS: want a whole number from 1 to 100000, got %q", raw["WEBCHAT_MAX_STREAMS"])
	}
	c.WebChatMaxStreams = ms
	if c.TrustedProxies, err = parseProxies(raw["WEBCHAT_TRUSTED_PROXIES"]); err != nil {
		return nil, err
	}
	idle, perr := time.ParseDuration(raw["WEB_SESSION_IDLE"])
	if perr != nil || idle < 5*time.Minute || idle > 24*time.Hour {
		return nil, fmt.Errorf("WEB_SESSION_IDLE: want a duration from 5m to 24h such as 30m, got %q", raw["WEB_SESSION_IDLE"])
	}
	most, perr := time.ParseDuration(raw["WEB_SESSION_MAX"])
	if perr != nil || most < idle || most > 720*time.Hour {
		return nil, fmt.Errorf("WEB_SESSION_MAX: want a duration from WEB_SESSION_IDLE (%s) to 720h such as 12h, got %q", idle, raw["WEB_SESSION_MAX"])
	}
	c.WebSessionIdle, c.WebSessionMax = idle, most
	if k := raw["SESSION_KEY"]; k != "" {
		key, err := decodeKey(k)
		if err != nil {
			return nil, fmt.Errorf("SESSION_KEY: %v (make one with: openssl rand -hex 32)", err)
		}
		c.SessionKey = key
	}
	if s := raw["TELEGRAM_WEBHOOK_SECRET"]; s != "" {
		for _, one := range strings.Split(s, ",") {
			one = strings.TrimSpace(one)
			if !validWebhookSecret(one) {
				return nil, errors.New("TELEGRAM_WEBHOOK_SECRET: want 16 to 256 of A-Z a-z 0-9 _ - (make one with: openssl rand -hex 32), several separated by commas during a rotation")
			}
			c.TelegramWebhookSecrets = append(c.TelegramWebhookSecrets, one)
		}
	}
	rr, perr := time.ParseDuration(raw["REPLY_RETRY_FOR"])
	if perr != nil || rr < 5*time.Second {
		return nil, fmt.Errorf("REPLY_RETRY_FOR: want a duration of at least 5s such as 5m, got %q", raw["REPLY_RETRY_FOR"])
	}
	c.ReplyRetryFor = rr
	ol, perr := time.ParseDuration(raw["OUTBOX_LEASE"])
	if perr != nil || ol < 2*time.Second {
		return nil, fmt.Errorf("OUTBOX_LEASE: want a duration of at least 2s such as 1m, got %q", raw["OUTBOX_LEASE"])
	}
	c.OutboxLease = ol
	return c, nil
}

// parseProxies reads "10.0.0.1, 172.16.0.0/12" into prefixes.
func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("WEBCHAT_TRUSTED_PROXIES: want IP addresses or CIDRs separated by commas, such as 10.0.0.2,172.16.0.0/12, got %q", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// sessionKeySize is the length of SESSION_KEY in bytes (AES-256).
const sessionKeySize = 32

// decodeKey reads a 32-byte key written as hex or base64 (standard or URL
// alphabet, padded or not).
func decodeKey(s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil {
		if len(b) != sessionKeySize {
			return nil, fmt.Errorf("want %d bytes, got %d", sessionKeySize, len(b))
		}
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != sessionKeySize {
				return nil, fmt.Errorf("want %d bytes, got %d", sessionKeySize, len(b))
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("want %d bytes as %d hex digits or base64", sessionKeySize, 2*sessionKeySize)
}

// validWebhookSecret is Telegram's rule for secret_token (1-256 of
// A-Z a-z 0-9 _ -), with at least 16 characters so it cannot be guessed.
func validWebhookSecret(s string) bool {
	if len(s) < 16 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
		default:
			return false
		}
	}
	return true
}

func validLevel(s string) bool {
	switch strings.ToLower(s) {
	case "debug", "info", "warn", "warning", "error":
		return true
	}
	return false
}

func checkDatabaseURL(s string) error {
	switch {
	case s == "":
		return nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return fmt.Errorf("DATABASE_URL: want postgres://user:pass@host:5432/db, got %q", redactURL(s))
		}
		return nil
	case strings.HasPrefix(s, "sqlite:"):
		if strings.Trim(strings.TrimPrefix(s, "sqlite:"), "/") == "" {
			return errors.New("DATABASE_URL: sqlite: needs a file path, e.g. sqlite:/var/lib/jejaring/jejaring.db")
		}
		return nil
	default:
		return fmt.Errorf("DATABASE_URL: want postgres://... or sqlite:PATH, got %q", redactURL(s))
	}
}

// checkReadURL: a read replica is PostgreSQL's, beside a PostgreSQL
// DATABASE_URL.
func checkReadURL(s, primary string) error {
	if s == "" {
		return nil
	}
	if !strings.HasPrefix(s, "postgres://") && !strings.HasPrefix(s, "postgresql://") {
		return fmt.Errorf("DATABASE_READ_URL: want postgres://user:pass@replica:5432/db, got %q", redactURL(s))
	}
	if u, err := url.Parse(s); err != nil || u.Host == "" {
		return fmt.Errorf("DATABASE_READ_URL: want postgres://user:pass@replica:5432/db, got %q", redactURL(s))
	}
	if !strings.HasPrefix(primary, "postgres://") && !strings.HasPrefix(primary, "postgresql://") {
		return errors.New("DATABASE_READ_URL: a read replica needs a PostgreSQL DATABASE_URL")
	}
	return nil
}

func checkHTTPURL(name, s string, httpsOnly bool) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && (httpsOnly || u.Scheme != "http")) {
		return fmt.Errorf("%s: want an http(s):// URL, got %q", name, s)
	}
	return nil
}

// redactURL drops a password from a URL for error messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// PrintVars writes the table of settings: variable, flag, default, meaning.
// Only the named variables are listed when names is not empty.
func PrintVars(w io.Writer, names ...string) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tFLAG\tDEFAULT\tMEANING")
	for _, v := range vars {
		if len(names) > 0 && !want[v.Env] {
			continue
		}
		def := v.Default
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(tw, "%s\t-%s\t%s\t%s\n", v.Env, flagName(v.Env), def, v.Usage)
	}
	tw.Flush()
}

// validRegion reports whether s can name a region data file: lower-case
// letters, digits and underscores, starting with a letter. Whether the file
// exists is checked where the data is loaded (internal/app), which names
// the regions built in.
func validRegion(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}
