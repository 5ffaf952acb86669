package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/app"
	"jejaring/internal/channel"
	"jejaring/internal/config"
)

// A sustained offered load (issue 19): `jejaring bench -rate R -duration D`
// offers R messages per second for D, open loop — a message is due at its
// time whether or not earlier ones were answered, so a slow bot shows as
// latency, not as a politely slower benchmark. Owners arrive as needed:
// each due message goes to an owner whose previous message was answered
// (one message in flight per owner, so each conversation stays in order),
// or to a new owner when all are busy. Latency runs from the message's due
// time to its replies. Redis commands are counted on the bot's own client
// (a hook), PostgreSQL's table reads and row writes from the schema's own
// statistics, so other users of the same servers do not count.

// maxInFlight bounds the goroutines of an overloaded run; a message due
// while that many wait is counted as shed, not sent.
const maxInFlight = 4000

type loadResult struct {
	rate          float64
	duration      time.Duration
	offered, shed int
	handled       int
	failed        int
	firstErr      error
	owners, done  int
	wall          time.Duration
	latencies     []time.Duration
	cpu           time.Duration
	redis         *redisCount
	sqlReads      int64 // index and sequential scans of the schema's tables
	sqlWrites     int64 // rows inserted, updated, deleted
	sqlStats      bool
}

// redisCount counts what the bot sends to Redis.
type redisCount struct {
	commands, roundTrips atomic.Int64
}

func (c *redisCount) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *redisCount) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.commands.Add(1)
		c.roundTrips.Add(1)
		return next(ctx, cmd)
	}
}

func (c *redisCount) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.commands.Add(int64(len(cmds)))
		c.roundTrips.Add(1)
		return next(ctx, cmds)
	}
}

type loadOwner struct {
	id   int
	step int
}

// pgTableStats sums the statistics of the current schema's tables
// (PostgreSQL only; ok false elsewhere).
func pgTableStats(ctx context.Context, a *app.App) (reads, writes int64, ok bool) {
	if !a.DB.IsPostgres() {
		return 0, 0, false
	}
	_, _ = a.DB.ExecContext(ctx, `SELECT pg_stat_clear_snapshot()`)
	var r struct {
		Reads  int64 `db:"reads"`
		Writes int64 `db:"writes"`
	}
	err := a.DB.GetContext(ctx, &r, `SELECT COALESCE(SUM(COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0)), 0) AS reads,
 COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) AS writes FROM pg_stat_user_tables WHERE schemaname = current_schema()`)
	return r.Reads, r.Writes, err == nil
}

func benchLoad(ctx context.Context, a *app.App, rate float64, duration time.Duration) loadResult {
	res := loadResult{rate: rate, duration: duration, redis: &redisCount{}}
	a.Redis.AddHook(res.redis)
	r0, w0, ok := pgTableStats(ctx, a)
	var (
		mu       sync.Mutex
		idle     []*loadOwner
		wg       sync.WaitGroup
		inFlight atomic.Int64
	)
	send := func(o *loadOwner, due time.Time) {
		defer wg.Done()
		defer inFlight.Add(-1)
		st := benchScript[o.step]
		text := st.text
		if strings.Contains(text, "%") {
			text = fmt.Sprintf(text, o.id)
		}
		addr := channel.Address{Channel: channel.WebChat, ExternalID: fmt.Sprintf("load-%07d", o.id)}
		in := channel.Inbound{From: addr, MessageID: fmt.Sprintf("l%d-%d", o.id, o.step), Kind: channel.KindText, Text: text, Time: time.Now()}
		outs, err := a.Bot.Handle(ctx, in)
		lat := time.Since(due)
		if err == nil && !repliesContain(outs, st.want) {
			err = fmt.Errorf("reply to %q lacks %q", text, st.want)
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			res.failed++
			if res.firstErr == nil {
				res.firstErr = fmt.Errorf("owner %d step %d: %w", o.id, o.step, err)
			}
			return // this owner stops
		}
		res.handled++
		res.latencies = append(res.latencies, lat)
		o.step++
		if o.step == len(benchScript) {
			res.done++
			return
		}
		idle = append(idle, o)
	}
	interval := time.Duration(float64(time.Second) / rate)
	cpu0 := processCPU()
	start := time.Now()
	for k := 0; ; k++ {
		due := start.Add(time.Duration(k) * interval)
		if due.Sub(start) >= duration || ctx.Err() != nil {
			break
		}
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		res.offered++
		if inFlight.Load() >= maxInFlight {
			res.shed++
			continue
		}
		mu.Lock()
		var o *loadOwner
		if n := len(idle); n > 0 {
			o, idle = idle[0], idle[1:]
		} else {
			o = &loadOwner{id: res.owners}
			res.owners++
		}
		mu.Unlock()
		inFlight.Add(1)
		wg.Add(1)
		go send(o, due)
	}
	wg.Wait()
	res.wall = time.Since(start)
	res.cpu = processCPU() - cpu0
	if ok {
		time.Sleep(11 * time.Second) // an idle backend flushes its table statistics within 10 s
		r1, w1, _ := pgTableStats(ctx, a)
		res.sqlReads, res.sqlWrites, res.sqlStats = r1-r0, w1-w0, true
	}
	return res
}

func printLoad(w io.Writer, db, rd string, r loadResult) {
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))].Round(time.Microsecond)
	}
	fmt.Fprintf(w, "jejaring bench: sustained load, %.0f messages/s offered for %s (web chat registrations, %d messages each), %s, %s\n",
		r.rate, r.duration, len(benchScript), db, rd)
	fmt.Fprintf(w, "  offered %d, handled %d (%.1f/s over %s), shed %d, failed %d; owners %d, registrations finished %d\n",
		r.offered, r.handled, float64(r.handled)/r.wall.Seconds(), r.wall.Round(time.Millisecond), r.shed, r.failed, r.owners, r.done)
	fmt.Fprintf(w, "  latency from due time p50 %s  p95 %s  p99 %s  max %s\n", pct(0.50), pct(0.95), pct(0.99), pct(1))
	if r.handled > 0 {
		fmt.Fprintf(w, "  process CPU           %s per message\n", (r.cpu / time.Duration(r.handled)).Round(time.Microsecond))
		fmt.Fprintf(w, "  Redis                 %.2f commands, %.2f round trips per message\n",
			float64(r.redis.commands.Load())/float64(r.handled), float64(r.redis.roundTrips.Load())/float64(r.handled))
		if r.sqlStats {
			fmt.Fprintf(w, "  PostgreSQL            %.2f table reads (index or sequential scans), %.2f row writes per message\n",
				float64(r.sqlReads)/float64(r.handled), float64(r.sqlWrites)/float64(r.handled))
		}
	}
	if r.firstErr != nil {
		fmt.Fprintf(w, "  first failure: %v\n", r.firstErr)
	}
}

// benchLoadReport runs the sustained load and prints it; it fails when a
// message failed or a finished registration was not stored.
func benchLoadReport(ctx context.Context, a *app.App, cfg *config.Config, rate float64, duration time.Duration, s stdio) int {
	res := benchLoad(ctx, a, rate, duration)
	db, rd := "SQLite (local mode)", "in-process Redis (local mode)"
	if cfg.DatabaseURL != "" {
		db = "DATABASE_URL"
	}
	if cfg.RedisURL != "" {
		rd = "REDIS_URL"
	}
	printLoad(s.out, db, rd, res)
	var stored int
	if err := a.DB.GetContext(ctx, &stored, "SELECT COUNT(*) FROM businesses"); err != nil {
		return s.failf("bench: count businesses: %v", err)
	}
	if res.failed > 0 {
		return s.failf("bench: %d messages failed; first: %v", res.failed, res.firstErr)
	}
	if stored < res.done {
		return s.failf("bench: %d registrations finished but %d stored", res.done, stored)
	}
	return 0
}
