package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/idn"
)

// Config configures a Dispatcher. Store and Channels are required; Redis is
// required for any channel with a rate limit.
type Config struct {
	Store    Store
	Channels map[channel.Name]channel.Channel
	// Limits per channel; a channel missing here uses DefaultLimits'.
	Limits map[channel.Name]Limit
	Redis  redis.UniversalClient
	// KeyPrefix namespaces the Redis keys ("jejaring:outbox:").
	KeyPrefix string
	Now       func() time.Time // default time.Now
	Worker    string           // this dispatcher's name in claimed_by; default host-pid-random
	Lease     time.Duration    // how long a claim lasts (default 1 min)
	Batch     int              // rows per claim (default 150, about 5 s of Telegram; smaller for slow channels)
	Workers   int              // concurrent sends per channel (default 4)
	Poll      time.Duration    // idle wait between claims (default 1 s)
	// MaxAttempts bounds transient failures per row (default 8).
	MaxAttempts int
	BackoffBase time.Duration // first retry delay (default 5 s), doubled each attempt
	BackoffMax  time.Duration // default 30 min
	// ProgressEvery is how often broadcast progress is reported to the
	// staff who started it (default 30 s; negative disables).
	ProgressEvery time.Duration
	// SendTimeout bounds one platform call (default 30 s, at most half
	// the lease). A call in flight is not cut short by a shutdown.
	SendTimeout time.Duration
	// ChannelOffAfter is how long a channel may go without any running
	// dispatcher before its due rows are skipped (channeloff.go; default
	// DefaultChannelOffAfter, negative never). Needs Redis.
	ChannelOffAfter time.Duration
	// Holds, when set, says whether this replica serves a channel now
	// (WhatsApp: the replica holding its lease); a channel it does not
	// hold is neither claimed nor marked alive here. Nil: every channel.
	Holds  func(channel.Name) bool
	Logger *slog.Logger
}

// Stats counts what a dispatcher did since it started.
type Stats struct {
	Sent, Retried, RateLimited, Failed, Skipped, Expired int64
}

// Dispatcher sends due outbox rows. Run it in every replica; they share the
// work through the database and the rate limits through Redis.
type Dispatcher struct {
	cfg      Config
	limiters map[channel.Name]*limiter
	log      *slog.Logger
	stats    struct{ sent, retried, rateLimited, failed, skipped, expired atomic.Int64 }
	started  time.Time // cfg.Now() at NewDispatcher, for SweepChannelsOff
	// marksFailing counts outcomes being retried because the database
	// did not take them: while it is above zero no new send starts.
	marksFailing atomic.Int64
}

// NewDispatcher fills in defaults.
func NewDispatcher(cfg Config) *Dispatcher {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Worker == "" {
		host, _ := os.Hostname()
		var b [3]byte
		_, _ = rand.Read(b[:])
		cfg.Worker = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	if cfg.Lease <= 0 {
		cfg.Lease = time.Minute
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 150
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = 5 * time.Second
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = 30 * time.Minute
	}
	if cfg.ProgressEvery == 0 {
		cfg.ProgressEvery = 30 * time.Second
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 30 * time.Second
	}
	if cfg.SendTimeout > cfg.Lease/2 {
		// A send started within the first half of the lease ends
		// before the lease does (see handle).
		cfg.SendTimeout = cfg.Lease / 2
	}
	if cfg.KeyPrefix == "" {
		cfg.KeyPrefix = "jejaring:outbox:"
	}
	if cfg.ChannelOffAfter == 0 {
		cfg.ChannelOffAfter = DefaultChannelOffAfter
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	d := &Dispatcher{cfg: cfg, limiters: map[channel.Name]*limiter{}, log: cfg.Logger.With("component", "outbox", "worker", cfg.Worker),
		started: cfg.Now()}
	defaults := DefaultLimits()
	for name := range cfg.Channels {
		l, ok := cfg.Limits[name]
		if !ok {
			l = defaults[name]
		}
		d.limiters[name] = newLimiter(cfg.Redis, cfg.KeyPrefix, name, l)
	}
	return d
}

// Stats returns the counters so far.
func (d *Dispatcher) Stats() Stats {
	return Stats{
		Sent: d.stats.sent.Load(), Retried: d.stats.retried.Load(), RateLimited: d.stats.rateLimited.Load(),
		Failed: d.stats.failed.Load(), Skipped: d.stats.skipped.Load(), Expired: d.stats.expired.Load(),
	}
}

// Run sends until ctx ends, one loop per channel plus the progress reporter.
// It returns nil on cancellation. Rows it holds when ctx ends stay claimed
// until their lease runs out (see the package doc).
func (d *Dispatcher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for name, ch := range d.cfg.Channels {
		wg.Go(func() { d.channelLoop(ctx, name, ch) })
	}
	if d.cfg.ProgressEvery > 0 {
		wg.Go(func() { d.progressLoop(ctx) })
	}
	if d.cfg.ChannelOffAfter > 0 && d.cfg.Redis != nil {
		wg.Go(func() { d.beatLoop(ctx) })
		wg.Go(func() { d.sweepLoop(ctx) })
	}
	wg.Wait()
	return nil
}

// batchFor keeps a claim small enough to be sent well within its lease on
// a slow channel (WhatsApp: one row at a time).
func (d *Dispatcher) batchFor(name channel.Name) int {
	l, ok := d.cfg.Limits[name]
	if !ok {
		l = DefaultLimits()[name]
	}
	if l.PerSecond <= 0 {
		return d.cfg.Batch
	}
	perLease := l.PerSecond * RateMargin * d.cfg.Lease.Seconds() / 2
	if l.MinGap > 0 || l.Jitter > 0 {
		gap := (l.MinGap + l.Jitter).Seconds()
		perLease = math.Min(perLease, d.cfg.Lease.Seconds()/2/gap)
	}
	return max(1, min(d.cfg.Batch, int(perLease)))
}

func (d *Dispatcher) channelLoop(ctx context.Context, name channel.Name, ch channel.Channel) {
	batch := d.batchFor(name)
	workers := d.cfg.Workers
	for ctx.Err() == nil {
		if !d.holds(name) {
			_ = sleep(ctx, d.cfg.Poll)
			continue
		}
		if d.marksFailing.Load() > 0 {
			// Another channel's outcomes are not landing: the database
			// is in trouble, claim nothing new until they do.
			_ = sleep(ctx, d.cfg.Poll)
			continue
		}
		n, err := d.runBatch(ctx, name, ch, batch, workers)
		if err != nil && ctx.Err() == nil {
			d.log.Error("outbox batch", "channel", name, "err", err)
		}
		if n == 0 || err != nil {
			_ = sleep(ctx, d.cfg.Poll)
		}
	}
}

func (d *Dispatcher) holds(name channel.Name) bool {
	return d.cfg.Holds == nil || d.cfg.Holds(name)
}

// RunOnce claims and sends one batch per channel, for tests and the CLI.
// It returns how many rows it handled.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	total := 0
	d.MarkChannelsAlive(ctx)
	for name, ch := range d.cfg.Channels {
		if !d.holds(name) {
			continue
		}
		n, err := d.runBatch(ctx, name, ch, d.batchFor(name), d.cfg.Workers)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (d *Dispatcher) runBatch(ctx context.Context, name channel.Name, ch channel.Channel, batch, workers int) (int, error) {
	now := d.cfg.Now()
	rows, err := d.cfg.Store.Claim(ctx, name, d.cfg.Worker, now, d.cfg.Lease, batch)
	if err != nil {
		return 0, fmt.Errorf("claim %s: %w", name, err)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	slices.SortFunc(rows, func(a, b Row) int {
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		if c := a.NotBefore.Compare(b.NotBefore); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	var ids []int64
	for _, r := range rows {
		if r.ContactID != 0 {
			ids = append(ids, r.ContactID)
		}
	}
	stopped, blocked, err := d.cfg.Store.Unreachable(ctx, ids)
	if err != nil {
		return 0, fmt.Errorf("check contacts: %w", err)
	}
	// Rows a dispatcher sent but could not mark (the database was away,
	// the process died right after) carry a fence in Redis: mark them
	// sent now instead of sending them again.
	sentBefore, err := d.sentFences(ctx, rows)
	if err != nil {
		// Without the fences a row could be sent twice: leave the claim
		// to its lease rather than guess.
		return 0, err
	}
	work := make(chan Row)
	var wg sync.WaitGroup
	for range min(workers, len(rows)) {
		wg.Go(func() {
			for r := range work {
				var done sentParts
				if f, ok := sentBefore[r.ID]; ok {
					if done = parseFence(f); done.all {
						d.log.Info("outbox row sent before but not marked; marking it now", "id", r.ID)
						d.finish(ctx, r, StatusSent, strings.Join(done.ids, ","), "")
						continue
					}
					d.log.Info("outbox row sent in part before; sending the rest", "id", r.ID, "parts_sent", done.n)
				}
				d.handle(ctx, name, ch, r, now, stopped[r.ContactID], blocked[r.ContactID], done)
			}
		})
	}
	for _, r := range rows {
		if d.marksFailing.Load() > 0 {
			// Outcomes are not landing: send nothing more from this
			// batch; the rows not handed out stay claimed until their
			// lease ends.
			break
		}
		select {
		case work <- r:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(work)
	wg.Wait()
	return len(rows), nil
}

// marking is the context for recording an outcome: not cancelled by a
// shutdown, so a message the platform accepted is always marked sent.
func marking(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

// Mark retries: the first wait, the longest, and how long they go on once
// the dispatcher is told to stop.
const (
	markRetryFirst = 100 * time.Millisecond
	markRetryMax   = 5 * time.Second
	// MarkShutdownGrace is how long a dispatcher that is stopping keeps
	// retrying the outcomes it could not record. Past it a sent row is
	// left to its Redis fence (sentFences).
	MarkShutdownGrace = 15 * time.Second
)

// finish records a row's outcome. A failure (the database unreachable) is
// retried with backoff until it lands: the row stays fenced by its claim
// (claimed_by, and the lease extended on each round) so no other dispatcher
// takes it over, and while any outcome is pending no new send starts. Only a
// shutdown bounds the retries, after MarkShutdownGrace.
func (d *Dispatcher) finish(ctx context.Context, r Row, status, platformID, errText string) {
	wait := markRetryFirst
	failing := false
	defer func() {
		if failing {
			d.marksFailing.Add(-1)
		}
	}()
	var stopAt time.Time
	for {
		mctx, cancel := marking(ctx)
		err := d.cfg.Store.Finish(mctx, r.ID, d.cfg.Worker, status, platformID, errText, d.cfg.Now())
		cancel()
		switch {
		case err == nil:
			if failing {
				d.log.Info("outbox mark landed after retries", "id", r.ID, "status", status)
			}
			d.clearFence(ctx, r.ID, status)
			return
		case errors.Is(err, ErrNotHeld):
			// Finished already (an earlier try that landed though its
			// answer was lost) or taken over by another dispatcher,
			// which found the fence: nothing left to record.
			d.log.Warn("outbox mark: row no longer ours", "id", r.ID, "status", status, "err", err)
			d.clearFence(ctx, r.ID, status)
			return
		}
		if !failing {
			failing = true
			d.marksFailing.Add(1)
		}
		if ctx.Err() != nil && stopAt.IsZero() {
			stopAt = time.Now().Add(MarkShutdownGrace)
		}
		if !stopAt.IsZero() && time.Now().After(stopAt) {
			d.log.Error("outbox mark given up at shutdown; the Redis fence keeps the row from being sent again", "id", r.ID, "status", status, "err", err)
			return
		}
		d.log.Error("outbox mark failed, retrying", "id", r.ID, "status", status, "wait", wait, "err", err)
		// Keep the row ours meanwhile (this lands when the database is
		// back before the mark does, or when only the mark fails).
		ectx, cancel := marking(ctx)
		if e := d.cfg.Store.Extend(ectx, r.ID, d.cfg.Worker, d.cfg.Now().Add(d.cfg.Lease), d.cfg.Now()); errors.Is(e, ErrNotHeld) {
			cancel()
			d.log.Warn("outbox mark: row no longer ours", "id", r.ID, "status", status)
			d.clearFence(ctx, r.ID, status)
			return
		}
		cancel()
		time.Sleep(wait)
		wait = min(2*wait, markRetryMax)
	}
}

// fenceTTL is how long a sent row's Redis fence is kept: far longer than
// any lease or outage the fence must outlast.
const fenceTTL = 7 * 24 * time.Hour

func (d *Dispatcher) fenceKey(id int64) string {
	return fmt.Sprintf("%ssent:%d", d.cfg.KeyPrefix, id)
}

// setFence records in Redis, right after the platform accepted part n of
// row id's total parts, how far the row got: the platform ids once every
// part is out (the row is sent; only its mark may be missing), or
// "#n#ids" while parts remain, so a retry or the next claim sends from
// part n on instead of again from the start.
func (d *Dispatcher) setFence(ctx context.Context, id int64, n, total int, ids []string) {
	if d.cfg.Redis == nil {
		return
	}
	v := strings.Join(ids, ",")
	if n < total {
		v = fmt.Sprintf("#%d#%s", n, v)
	}
	mctx, cancel := marking(ctx)
	defer cancel()
	if err := d.cfg.Redis.Set(mctx, d.fenceKey(id), v, fenceTTL).Err(); err != nil {
		d.log.Warn("outbox sent fence not stored", "id", id, "err", err)
	}
}

// sentParts is what a row's fence says: every part out (all), or the
// first n and their platform ids.
type sentParts struct {
	all bool
	n   int
	ids []string
}

// parseFence reads a fence setFence wrote. A value without the "#n#"
// form (every fence of a single-part row, and those of older versions)
// means the whole row is out.
func parseFence(v string) sentParts {
	if rest, ok := strings.CutPrefix(v, "#"); ok {
		if num, ids, ok := strings.Cut(rest, "#"); ok {
			if n, err := strconv.Atoi(num); err == nil && n >= 0 {
				var list []string
				if ids != "" {
					list = strings.Split(ids, ",")
				}
				return sentParts{n: n, ids: list}
			}
		}
	}
	var list []string
	if v != "" {
		list = []string{v}
	}
	return sentParts{all: true, ids: list}
}

func (d *Dispatcher) clearFence(ctx context.Context, id int64, status string) {
	if d.cfg.Redis == nil || status != StatusSent {
		return
	}
	mctx, cancel := marking(ctx)
	defer cancel()
	_ = d.cfg.Redis.Del(mctx, d.fenceKey(id)).Err()
}

// sentFences returns the rows of a fresh claim that were sent already
// (their platform ids), by one round trip to their fences.
func (d *Dispatcher) sentFences(ctx context.Context, rows []Row) (map[int64]string, error) {
	if d.cfg.Redis == nil || len(rows) == 0 {
		return nil, nil
	}
	// One GET each in one pipeline, not an MGET: the fences lie in
	// different Redis Cluster slots, and a cluster client sends a
	// pipeline's commands to each key's node.
	gets := make([]*redis.StringCmd, len(rows))
	_, err := d.cfg.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, r := range rows {
			gets[i] = p.Get(ctx, d.fenceKey(r.ID))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read sent fences: %w", err)
	}
	out := map[int64]string{}
	for i, g := range gets {
		s, err := g.Result()
		switch {
		case err == nil:
			out[rows[i].ID] = s
		case !errors.Is(err, redis.Nil):
			return nil, fmt.Errorf("read sent fences: %w", err)
		}
	}
	return out, nil
}

func (d *Dispatcher) handle(ctx context.Context, name channel.Name, ch channel.Channel, r Row, claimedAt time.Time, stopped, blocked bool, done sentParts) {
	now := d.cfg.Now()
	switch {
	case !r.NotAfter.IsZero() && !now.Before(r.NotAfter):
		d.stats.expired.Add(1)
		d.finish(ctx, r, StatusExpired, "", "too late: event already started")
		return
	case blocked:
		d.stats.skipped.Add(1)
		d.finish(ctx, r, StatusSkipped, "", "contact blocked the bot")
		return
	case stopped:
		// Every kind: berhenti, and hapusdata (which also stops the
		// contact), mean no more messages from the office.
		d.stats.skipped.Add(1)
		d.finish(ctx, r, StatusSkipped, "", "contact said berhenti")
		return
	}
	p, err := DecodePayload(r.Payload)
	if err != nil {
		d.stats.failed.Add(1)
		d.finish(ctx, r, StatusFailed, "", "bad payload: "+err.Error())
		return
	}
	lim := d.limiters[name]
	outs := p.Outbounds()
	skip := min(done.n, len(outs)) // parts a try before got out (their fence)
	ids := append([]string(nil), done.ids...)
	wait, err := lim.TryChat(ctx, r.To.ExternalID)
	if err != nil {
		d.log.Error("outbox rate limit", "channel", name, "err", err)
		return // the lease hands the row back
	}
	if wait > 0 {
		// This chat had a message moments ago: come back to it later
		// instead of holding a worker (and the bulk rate) for it.
		mctx, cancel := marking(ctx)
		defer cancel()
		if err := d.cfg.Store.Retry(mctx, r.ID, d.cfg.Worker, "", d.cfg.Now().Add(wait), false, d.cfg.Now()); err != nil {
			d.log.Error("outbox defer", "id", r.ID, "err", err)
		}
		return
	}
	for i := skip; i < len(outs); i++ {
		msg := outs[i]
		first := i == skip // nothing of this row sent yet in this try
		if err := lim.Wait(ctx, r.To.ExternalID, first || lim.slowChat()); err != nil {
			return // shutting down: the lease hands the row to the next dispatcher
		}
		if first && d.marksFailing.Load() > 0 {
			// The database is not taking outcomes: a send now could
			// not be marked either. The lease hands the row back.
			return
		}
		if first && d.cfg.Now().Sub(claimedAt) > d.cfg.Lease/2 {
			// Waiting (a long 429 pause) ate half the lease: another
			// dispatcher may take the row soon, so do not start a send
			// that could outlive the lease; hand the row back instead.
			mctx, cancel := marking(ctx)
			defer cancel()
			if err := d.cfg.Store.Retry(mctx, r.ID, d.cfg.Worker, "", d.cfg.Now(), false, d.cfg.Now()); err != nil {
				d.log.Error("outbox release", "id", r.ID, "err", err)
			}
			return
		}
		// A send once started is finished even when ctx is cancelled
		// (shutdown): abandoning the HTTP call could leave a message the
		// platform accepted but we never marked, to be sent again.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.cfg.SendTimeout)
		res, err := ch.Send(sctx, r.To, msg)
		cancel()
		if err != nil {
			if i > 0 && channel.Permanent(err) {
				// The first parts went out; the platform refuses
				// the rest for good (blocked, a malformed file).
				d.log.Warn("outbox: a later part refused", "id", r.ID, "part", i, "err", err)
				d.stats.sent.Add(1)
				d.finish(ctx, r, StatusSent, strings.Join(ids, ","), fmt.Sprintf("part %d of %d refused: %v", i+1, len(outs), err))
				return
			}
			// A later part that failed for now is retried like a
			// first one: the fence says how many parts are out, so
			// the next try sends from this part on (no reply of a
			// queued turn is dropped, none sent twice).
			d.sendFailed(ctx, lim, r, err)
			return
		}
		ids = append(ids, res.MessageID)
		d.setFence(ctx, r.ID, i+1, len(outs), ids)
	}
	d.stats.sent.Add(1)
	d.finish(ctx, r, StatusSent, strings.Join(ids, ","), "")
}

func (d *Dispatcher) sendFailed(ctx context.Context, lim *limiter, r Row, err error) {
	var rl *channel.RateLimitError
	now := d.cfg.Now()
	mctx, cancel := marking(ctx)
	defer cancel()
	switch {
	case errors.As(err, &rl):
		d.stats.rateLimited.Add(1)
		wait := max(rl.RetryAfter, 100*time.Millisecond)
		lim.Pause(mctx, wait)
		if e := d.cfg.Store.Retry(mctx, r.ID, d.cfg.Worker, err.Error(), now.Add(wait), false, now); e != nil {
			d.log.Error("outbox retry", "id", r.ID, "err", e)
		}
	case channel.Permanent(err):
		d.stats.failed.Add(1)
		if errors.Is(err, channel.ErrBlocked) && r.ContactID != 0 {
			if e := d.cfg.Store.MarkBlocked(mctx, r.ContactID); e != nil {
				d.log.Error("outbox mark blocked", "contact", r.ContactID, "err", e)
			}
		}
		d.finish(ctx, r, StatusFailed, "", err.Error())
	case ctx.Err() != nil:
		// Cancelled mid-send: leave it claimed; the lease decides.
	case r.Attempts+1 >= d.cfg.MaxAttempts:
		d.stats.failed.Add(1)
		d.finish(ctx, r, StatusFailed, "", fmt.Sprintf("gave up after %d attempts: %v", r.Attempts+1, err))
	default:
		d.stats.retried.Add(1)
		back := d.backoff(r.Attempts)
		if e := d.cfg.Store.Retry(mctx, r.ID, d.cfg.Worker, err.Error(), now.Add(back), true, now); e != nil {
			d.log.Error("outbox retry", "id", r.ID, "err", e)
		}
	}
}

// backoff is exponential with ±25% jitter so retries of one burst spread.
func (d *Dispatcher) backoff(attempts int) time.Duration {
	b := d.cfg.BackoffBase << min(attempts, 20)
	if b <= 0 || b > d.cfg.BackoffMax {
		b = d.cfg.BackoffMax
	}
	j := time.Duration(mrand.Int64N(int64(b)/2+1)) - b/4
	return b + j
}

func (d *Dispatcher) progressLoop(ctx context.Context) {
	t := time.NewTicker(d.cfg.ProgressEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := d.ReportProgress(ctx); err != nil && ctx.Err() == nil {
				d.log.Error("outbox progress", "err", err)
			}
		}
	}
}

// ReportProgress tells the staff behind each running broadcast how far it
// got ("terkirim 1.234 dari 6.800"), once per change, and a last message
// when nothing is left to send.
func (d *Dispatcher) ReportProgress(ctx context.Context) error {
	list, err := d.cfg.Store.OpenBroadcasts(ctx)
	if err != nil {
		return err
	}
	now := d.cfg.Now()
	for _, p := range list {
		done := p.Open == 0
		if p.Sent == p.LastReported && !done {
			continue
		}
		var msg *Message
		if p.Staff.Channel != "" {
			msg = &Message{
				Kind: KindProgress, To: p.Staff, ContactID: p.StaffID, BroadcastID: p.BroadcastID,
				DedupeKey: fmt.Sprintf("progress:%d:%d:%t", p.BroadcastID, p.Sent, done),
				Payload:   Payload{Text: progressText(p, done)}, Priority: PriorityProgress, NotBefore: now,
			}
		}
		if err := d.cfg.Store.ReportProgress(ctx, p, msg, done, now); err != nil {
			return fmt.Errorf("report broadcast %d: %w", p.BroadcastID, err)
		}
	}
	return nil
}

func progressText(p Progress, done bool) string {
	s := fmt.Sprintf("Undangan %s: terkirim %s dari %s", p.Title, idn.Thousands(p.Sent, "id"), idn.Thousands(p.Total, "id"))
	if p.Failed > 0 {
		s += ", gagal " + idn.Thousands(p.Failed, "id")
	}
	if p.Skipped > 0 {
		s += ", dilewati " + idn.Thousands(p.Skipped, "id") + " (berhenti/blokir)"
	}
	if p.ChannelOff > 0 {
		s += ", tidak terkirim " + idn.Thousands(p.ChannelOff, "id") + " (salurannya tidak aktif)"
	}
	if done {
		s += ". Selesai."
	}
	return s
}
