package telegram_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"flag"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/redis/go-redis/v9"

	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/bot"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram"
	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

var benchUsers = flag.Int("tg.users", 1000, "simulated Telegram users in BenchmarkTelegramRegistration")

// BenchmarkTelegramRegistration: N users (1,000 by default, -tg.users)
// register at once through the fake Bot API, the adapter, the real bot,
// Redis and PostgreSQL, with the real registration flow (daftar) and its
// actions (consents, duplicate check, size class, the business record).
// Each user behaves like a person: sends one message, waits for the answer,
// sends the next — 19 messages from /start daftar to the registration
// number. Reported:
//
//   - msgs/s: inbound messages handled per second of wall time;
//   - p50_ms / p99_ms: what a user waits from sending a message until the
//     bot's answer to it arrives at the (fake) Telegram server;
//   - handle_p50_ms / handle_p99_ms: the bot pipeline alone (bot.Handle);
//   - redis_cmds/msg, sql_stmts/msg, tg_calls/msg: I/O per message, counted;
//   - redis_rtt_us, sql_rtt_us, tg_rtt_us: one bare round trip of each, measured
//     in the same run, sequentially, on the same clients;
//   - cpu_ms/msg: CPU time of this test process (fake server, adapter and
//     bot together; not PostgreSQL's or Redis's) per message;
//   - floor_ms/msg: the sum of those round trips one message needs, the I/O
//     floor its handling latency is to be compared with.
func BenchmarkTelegramRegistration(b *testing.B) {
	ctx := context.Background()
	users := *benchUsers

	// PostgreSQL with a statement-counting driver, Redis with a
	// command-counting hook.
	dbURL := storetest.URL(b)
	mig, err := store.Open(ctx, dbURL, "")
	if err != nil {
		b.Fatal(err)
	}
	if err := mig.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	mig.Close()
	var sqlStmts atomic.Int64
	conn, err := pq.NewConnector(dbURL)
	if err != nil {
		b.Fatal(err)
	}
	sdb := sql.OpenDB(countingConnector{Connector: conn, n: &sqlStmts})
	sdb.SetMaxOpenConns(20)
	sdb.SetMaxIdleConns(20)
	b.Cleanup(func() { sdb.Close() })
	db := &store.DB{DB: sqlx.NewDb(sdb, "postgres"), Dialect: store.Postgres, URL: dbURL}

	rdb, prefix := sessiontest.Real(b)
	var redisCmds atomic.Int64
	rdb.AddHook(countingHook{n: &redisCmds})

	data, err := umkm.LoadData("")
	if err != nil {
		b.Fatal(err)
	}
	actions := bot.Actions{}
	if err := umkmactions.Register(actions, umkmactions.Deps{DB: db, Data: data, Logger: quietLogger(), Office: "Dinas Koperasi dan UMKM"}); err != nil {
		b.Fatal(err)
	}
	set := loadFlows(b)
	set.SetOptions(umkmactions.Options(data))
	h := bottest.NewWith(b, set, actions, db, session.New(rdb, prefix+"s:", session.DefaultTTL))
	timed := &timingHandler{next: h.Bot}
	fake := tgtest.New(b)
	a, err := telegram.New(telegram.Config{
		Token: fake.Token(), APIURL: fake.URL(), Handler: timed, Redis: rdb, KeyPrefix: prefix + "tg:",
		Logger: quietLogger(), PollTimeout: time.Second,
	})
	if err != nil {
		b.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	b.Cleanup(func() { stop(); <-done })
	for a.Health() != nil {
		time.Sleep(10 * time.Millisecond)
	}

	var (
		lat    []time.Duration
		msgs   int64
		wall   time.Duration
		round  int
		startR = redisCmds.Load()
		startS = sqlStmts.Load()
		startT = fake.Stats().Requests
		cpu0   = cpuTime()
	)
	for b.Loop() {
		round++
		var mu sync.Mutex
		var wg sync.WaitGroup
		var failed atomic.Int64
		t0 := time.Now()
		for i := range users {
			chatID := int64(round*1_000_000 + i + 1)
			wg.Go(func() {
				u := &simUser{fake: fake, id: chatID}
				if err := u.register(ctx); err != nil {
					failed.Add(1)
					b.Error(err)
				}
				mu.Lock()
				lat = append(lat, u.lat...)
				msgs += int64(len(u.lat))
				mu.Unlock()
			})
		}
		wg.Wait()
		wall += time.Since(t0)
		if failed.Load() > 0 {
			b.Fatalf("%d users did not finish", failed.Load())
		}
	}
	b.StopTimer()
	var stored int
	if err := db.GetContext(ctx, &stored, "SELECT count(*) FROM businesses WHERE reg_no IS NOT NULL"); err != nil || stored != users*round {
		b.Fatalf("%d businesses stored for %d registrations (%v)", stored, users*round, err)
	}
	cpuPer := float64(cpuTime()-cpu0) / float64(msgs)
	redisPer := float64(redisCmds.Load()-startR) / float64(msgs)
	sqlPer := float64(sqlStmts.Load()-startS) / float64(msgs)
	tgPer := float64(fake.Stats().Requests-startT) / float64(msgs)

	// The bare round trips, measured now on the same clients.
	redisRTT := measure(2000, func() error { return rdb.Get(ctx, prefix+"rtt").Err() })
	sqlRTT := measure(2000, func() error {
		var n int
		return db.QueryRowContext(ctx, "SELECT $1::int", 1).Scan(&n)
	})
	hc := fake.URL() + "/bot" + fake.Token() + "/getMe"
	tgRTT := measure(2000, func() error {
		resp, err := httpPost(ctx, hc)
		if err == nil {
			resp.Body.Close()
		}
		return err
	})
	floor := redisPer*float64(redisRTT) + sqlPer*float64(sqlRTT) + tgPer*float64(tgRTT)

	handle := timed.samples()
	b.ReportMetric(float64(msgs)/wall.Seconds(), "msgs/s")
	b.ReportMetric(ms(pct(lat, 50)), "p50_ms")
	b.ReportMetric(ms(pct(lat, 99)), "p99_ms")
	b.ReportMetric(ms(pct(handle, 50)), "handle_p50_ms")
	b.ReportMetric(ms(pct(handle, 99)), "handle_p99_ms")
	b.ReportMetric(redisPer, "redis_cmds/msg")
	b.ReportMetric(sqlPer, "sql_stmts/msg")
	b.ReportMetric(tgPer, "tg_calls/msg")
	b.ReportMetric(float64(redisRTT.Microseconds()), "redis_rtt_us")
	b.ReportMetric(float64(sqlRTT.Microseconds()), "sql_rtt_us")
	b.ReportMetric(float64(tgRTT.Microseconds()), "tg_rtt_us")
	b.ReportMetric(floor/float64(time.Millisecond), "floor_ms/msg")
	b.ReportMetric(cpuPer/float64(time.Millisecond), "cpu_ms/msg")
	b.Logf("%d users x %d rounds, %d messages in %s; 429s: %d", users, round, msgs, wall.Round(time.Millisecond), fake.Stats().RateLimited)
}

// simUser is one person registering: send, wait for the answer, repeat.
type simUser struct {
	fake *tgtest.Server
	id   int64
	seen int
	lat  []time.Duration
}

func (u *simUser) step(ctx context.Context, act func(), want string) error {
	t0 := time.Now()
	act()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	i, _, err := u.fake.WaitText(ctx, u.id, u.seen, want)
	if err != nil {
		return err
	}
	u.lat = append(u.lat, time.Since(t0))
	u.seen = i + 1
	return nil
}

func (u *simUser) say(text string) func() { return func() { u.fake.SendText(u.id, text) } }

func (u *simUser) press(label string) func() {
	return func() {
		if _, err := u.fake.PressButton(u.id, label); err != nil {
			panic(err)
		}
	}
}

func (u *simUser) register(ctx context.Context) error {
	f := u.fake
	n := u.id % 100_000_000
	steps := []struct {
		act  func()
		want string
	}{
		{u.say("/start daftar"), "setuju data usaha disimpan"},
		{u.press("Ya"), "bolehkah profil usaha"},
		{u.press("Ya"), "nama lengkap pemilik usaha"},
		{u.say("Siti Aminah"), "Bagikan nomor"},
		{func() { f.ShareContact(u.id, fmt.Sprintf("62812%08d", n), true) }, "Apa nama usahanya?"},
		{u.say(fmt.Sprintf("Keripik Balado Nomor %d", n)), "Apa yang dijual atau dibuat?"},
		{u.say("keripik balado dan rendang"), "Betul?"},
		{u.press("Ya"), "Di kecamatan mana tempat usahanya?"},
		{u.press("Koto XI Tarusan"), "Nagari (desa) mana?"},
		{u.say("Mandeh"), "Alamat tempat usaha?"},
		{u.say("Jl. Raya Tarusan No. 5, Kampung Baru"), "Tahun berapa"},
		{u.say("2015"), "Berapa orang yang bekerja"},
		{u.say("3"), "Berapa modal usahanya"},
		{u.say("50 juta"), "hasil penjualan (omzet)"},
		{u.say("300jt"), "NIB"},
		{u.say("lewati"), "NIK (nomor KTP"},
		{u.say("1301014506900001"), "Kirim satu foto produk"},
		{func() { f.SendPhoto(u.id, []byte("\xff\xd8 keripik"), "") }, "Mohon periksa data usaha"},
		{u.say("ya"), "sudah terdaftar"},
	}
	for i, s := range steps {
		if err := u.step(ctx, s.act, s.want); err != nil {
			return fmt.Errorf("user %d step %d: %w", u.id, i, err)
		}
	}
	return nil
}

type timingHandler struct {
	next channel.Handler
	mu   sync.Mutex
	d    []time.Duration
}

func (t *timingHandler) Handle(ctx context.Context, in channel.Inbound) ([]channel.Outbound, error) {
	t0 := time.Now()
	out, err := t.next.Handle(ctx, in)
	d := time.Since(t0)
	t.mu.Lock()
	t.d = append(t.d, d)
	t.mu.Unlock()
	return out, err
}

func (t *timingHandler) samples() []time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.d)
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func httpPost(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}

// cpuTime is the user+system CPU time this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func measure(n int, fn func() error) time.Duration {
	t0 := time.Now()
	for range n {
		if err := fn(); err != nil && err != redis.Nil {
			panic(err)
		}
	}
	return time.Since(t0) / time.Duration(n)
}

// countingHook counts Redis round trips: one per command, one per pipeline.
type countingHook struct{ n *atomic.Int64 }

func (h countingHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h countingHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// countingConnector wraps lib/pq and counts statements sent to PostgreSQL
// (queries, execs, prepares, begin, commit, rollback).
type countingConnector struct {
	driver.Connector
	n *atomic.Int64
}

func (c countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: cn, n: c.n}, nil
}

type countingConn struct {
	driver.Conn
	n *atomic.Int64
}

func (c *countingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	c.n.Add(1)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (c *countingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.n.Add(1)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (c *countingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	c.n.Add(1)
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, n: c.n}, nil
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.n.Add(1)
	tx, err := c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return countingTx{Tx: tx, n: c.n}, nil
}

func (c *countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if nc, ok := c.Conn.(driver.NamedValueChecker); ok {
		return nc.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c *countingConn) Ping(ctx context.Context) error {
	return c.Conn.(driver.Pinger).Ping(ctx)
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *countingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

type countingStmt struct {
	driver.Stmt
	n *atomic.Int64
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.n.Add(1)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.n.Add(1)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

type countingTx struct {
	driver.Tx
	n *atomic.Int64
}

func (t countingTx) Commit() error   { t.n.Add(1); return t.Tx.Commit() }
func (t countingTx) Rollback() error { t.n.Add(1); return t.Tx.Rollback() }
