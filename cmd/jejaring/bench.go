package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"jejaring/internal/app"
	"jejaring/internal/channel"
	"jejaring/internal/config"
	"jejaring/internal/store"
)

// benchStep is one message of a simulated owner registering in the web chat,
// and a piece of the answer it must get. A reply without it stops that user:
// the benchmark measures the real conversation, not messages the bot refused.
type benchStep struct {
	text string
	want string
}

// benchScript is the registration (`daftar`) as an owner types it in the web
// chat; %[1]d makes the phone, business name and so the record unique.
var benchScript = []benchStep{
	{"daftar", "setuju data usaha disimpan"},
	{"ya", "bolehkah profil usaha"},
	{"ya", "nama lengkap pemilik usaha"},
	{"Siti Aminah", "Nomor HP"},
	{"0812%08[1]d", "nama usahanya"},
	{"Keripik Balado Nomor %[1]d", "dijual atau dibuat"},
	{"keripik balado dan rendang", "Betul?"},
	{"ya", "kecamatan"},
	{"tarusan", "Nagari"},
	{"lewati", "Alamat"},
	{"Jl. Raya Tarusan No. 5", "Tahun berapa"},
	{"2015", "bekerja"},
	{"3", "modal usaha"},
	{"50 juta", "omzet"},
	{"300jt", "NIB"},
	{"lewati", "NIK"},
	{"lewati", "foto produk"},
	{"lewati", "Mohon periksa data usaha"},
	{"ya", "terdaftar"},
}

// runBench is `jejaring bench`: N simulated owners register at once through
// the whole inbound pipeline (dedupe, contact lock, contact, session, flow
// engine, actions writing the business record) on the configured database and
// Redis — by default a fresh local-mode store in a temporary folder, so it
// never touches real data — and it reports throughput and latency beside the
// bare Redis and SQL round trips. No channel is started: nothing leaves the
// machine.
func runBench(ctx context.Context, args []string, s stdio) int {
	if len(args) > 0 && args[0] == "db" {
		return runBenchDB(ctx, args[1:], s)
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(s.err)
	users := fs.Int("users", 200, "owners registering at the same time")
	rate := fs.Float64("rate", 0, "offer this many messages per second, open loop, for -duration (0: -users owners at once)")
	duration := fs.Duration("duration", 30*time.Second, "how long -rate offers messages")
	useEnv := fs.Bool("use-config", false, "use DATABASE_URL and REDIS_URL from the environment instead of a fresh local-mode store (writes test records there)")
	fs.Usage = func() {
		fmt.Fprintln(s.err, "Usage: jejaring bench [-users N | -rate R -duration D] [-use-config]\n       jejaring bench db [-businesses N] [-outbox N] [-plans]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *rate < 0 || *duration <= 0 {
		return s.failf("bench: -rate must not be negative and -duration must be positive")
	}
	if *users < 1 {
		return s.failf("bench: -users must be at least 1")
	}
	prefix := fmt.Sprintf("jejaring-bench-%d:", time.Now().UnixNano())
	tmp, err := os.MkdirTemp("", "jejaring-bench-")
	if err != nil {
		return s.failf("bench: %v", err)
	}
	defer os.RemoveAll(tmp)
	getenv := func(name string) string {
		switch name {
		case "HTTP_ADDR":
			return "127.0.0.1:0"
		case "DATA_DIR":
			return tmp
		case "TELEGRAM_BOT_TOKEN", "WHATSAPP_ENABLED", "ADMIN_PASSWORD":
			return "" // no channel: nothing leaves the machine
		case "DATABASE_URL", "REDIS_URL":
			if !*useEnv {
				return ""
			}
		case "REDIS_PREFIX":
			return prefix
		case "LOG_LEVEL":
			return "error"
		}
		return s.getenv(name)
	}
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		s.failf("%v", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: slog.LevelError}))
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return s.failf("%v", err)
	}
	defer a.Close()
	defer benchCleanup(context.WithoutCancel(ctx), a, prefix)

	floorRedis, floorSQL, err := benchFloor(ctx, a)
	if err != nil {
		return s.failf("bench: %v", err)
	}
	if *rate > 0 {
		return benchLoadReport(ctx, a, cfg, *rate, *duration, s)
	}
	res := benchRun(ctx, a, *users)
	if res.err != nil {
		return s.failf("bench: %v", res.err)
	}
	var stored int
	if err := a.DB.GetContext(ctx, &stored, "SELECT COUNT(*) FROM businesses"); err != nil {
		return s.failf("bench: count businesses: %v", err)
	}
	printBench(s.out, cfg, *users, stored, res, floorRedis, floorSQL)
	if stored < *users {
		return s.failf("bench: only %d of %d registrations were stored", stored, *users)
	}
	return 0
}

type benchResult struct {
	msgs      int
	wall      time.Duration
	latencies []time.Duration
	cpu       time.Duration
	err       error
}

func benchRun(ctx context.Context, a *app.App, users int) benchResult {
	var (
		mu   sync.Mutex
		res  benchResult
		wg   sync.WaitGroup
		errs []error
	)
	cpu0 := processCPU()
	start := time.Now()
	for u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr := channel.Address{Channel: channel.WebChat, ExternalID: fmt.Sprintf("bench-%06d", u)}
			local := make([]time.Duration, 0, len(benchScript))
			for i, st := range benchScript {
				text := st.text
				if strings.Contains(text, "%") {
					text = fmt.Sprintf(text, u)
				}
				in := channel.Inbound{From: addr, MessageID: fmt.Sprintf("%d-%d", u, i), Kind: channel.KindText, Text: text, Time: time.Now()}
				t0 := time.Now()
				outs, err := a.Bot.Handle(ctx, in)
				local = append(local, time.Since(t0))
				if err == nil && !repliesContain(outs, st.want) {
					err = fmt.Errorf("reply to %q lacks %q", text, st.want)
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("user %d step %d: %w", u, i, err))
					mu.Unlock()
					break
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, local...)
			res.msgs += len(local)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.wall = time.Since(start)
	res.cpu = processCPU() - cpu0
	if len(errs) > 0 {
		res.err = fmt.Errorf("%d users stopped early; first: %w", len(errs), errs[0])
	}
	return res
}

// benchCleanup removes the benchmark's Redis keys (dedupe marks and the
// like live for days otherwise) when it ran on a configured Redis.
func benchCleanup(ctx context.Context, a *app.App, prefix string) {
	iter := a.Redis.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 1000 {
			a.Redis.Del(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		a.Redis.Del(ctx, keys...)
	}
}

func repliesContain(outs []channel.Outbound, want string) bool {
	for _, o := range outs {
		if strings.Contains(o.Text, want) {
			return true
		}
	}
	return false
}

// benchFloor measures one bare Redis round trip and one bare SQL round trip
// on the same connections the bot uses, as the floor a message stands on.
func benchFloor(ctx context.Context, a *app.App) (redisRT, sqlRT time.Duration, err error) {
	const n = 500
	t0 := time.Now()
	for range n {
		if err := a.Redis.Ping(ctx).Err(); err != nil {
			return 0, 0, fmt.Errorf("redis ping: %w", err)
		}
	}
	redisRT = time.Since(t0) / n
	t0 = time.Now()
	for i := range n {
		var x int
		if err := a.DB.GetContext(ctx, &x, a.DB.Rebind("SELECT ?"), i); err != nil {
			return 0, 0, fmt.Errorf("sql select: %w", err)
		}
	}
	return redisRT, time.Since(t0) / n, nil
}

func printBench(w io.Writer, cfg *config.Config, users, stored int, r benchResult, redisRT, sqlRT time.Duration) {
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
	}
	db, rd := "SQLite (local mode)", "in-process Redis (local mode)"
	if cfg.DatabaseURL != "" {
		db = "DATABASE_URL"
	}
	if cfg.RedisURL != "" {
		rd = "REDIS_URL"
	}
	fmt.Fprintf(w, "jejaring bench: %d owners registering at once (%d messages each), %s, %s, GOMAXPROCS %d\n",
		users, len(benchScript), db, rd, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "  messages handled      %d in %s (%.0f messages/s); registrations stored %d\n",
		r.msgs, r.wall.Round(time.Millisecond), float64(r.msgs)/r.wall.Seconds(), stored)
	fmt.Fprintf(w, "  bot.Handle latency    p50 %s  p99 %s  max %s\n",
		pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), pct(1).Round(time.Microsecond))
	if r.msgs > 0 && r.cpu > 0 {
		fmt.Fprintf(w, "  process CPU           %s per message\n", (r.cpu / time.Duration(r.msgs)).Round(time.Microsecond))
	}
	fmt.Fprintf(w, "  bare round trips      Redis PING %s, SQL SELECT %s\n", redisRT.Round(time.Microsecond), sqlRT.Round(time.Microsecond))
}

// runBenchDB is `jejaring bench db`: PostgreSQL at scale (issue 19). It
// fills a throwaway schema of DATABASE_URL's database with a country-sized
// register and outbox, runs the dashboard's and the dispatcher's
// statements on it with their plans (auto_explain, so the database user
// must be allowed to LOAD it: a superuser), times the claim, and drops the
// schema. The whole form takes minutes; its short form is a test.
func runBenchDB(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("bench db", flag.ContinueOnError)
	fs.SetOutput(s.err)
	businesses := fs.Int("businesses", 1_000_000, "businesses to generate")
	rows := fs.Int("outbox", 5_000_000, "outbox rows to generate (2 in 500 due)")
	claims := fs.Int("claims", 200, "claims of 50 rows to time")
	plans := fs.Bool("plans", false, "print every statement's plan")
	keep := fs.Bool("keep", false, "keep the generated schema")
	fs.Usage = func() {
		fmt.Fprintln(s.err, "Usage: jejaring bench db [-businesses N] [-outbox N] [-claims N] [-plans] [-keep]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cfg, err := config.FromEnv(s.getenv)
	if err != nil {
		s.failf("%v", err)
		return 2
	}
	if cfg.DatabaseURL == "" {
		return s.failf("bench db: set DATABASE_URL to a PostgreSQL database (a schema is created there and dropped)")
	}
	rep, err := store.Scale(ctx, cfg.DatabaseURL, store.ScaleOptions{
		Businesses: *businesses, Outbox: *rows, Claims: *claims, Keep: *keep, Progress: s.err,
	})
	if err != nil {
		return s.failf("%v", err)
	}
	store.WriteScaleReport(s.out, rep, *plans)
	return 0
}
