package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultLeaseTTL is how long a replica's hold on the WhatsApp connection
// lasts without renewal: when the holder dies, another replica takes over
// within this plus a third of it (the standbys' retry), under 30 s.
const DefaultLeaseTTL = 15 * time.Second

// Lease is a Redis lease that at most one replica holds at a time: a key
// set with NX and a TTL, holding the owner's name, renewed every third of
// the TTL by a compare-and-expire script and given back by a
// compare-and-delete one. Run runs a task only while the lease is held.
// A holder that cannot renew (Redis away) stops its task once two thirds
// of the TTL have passed since its last renewal, before the key can expire
// and another replica take it over; so two replicas never run the task at
// once, as long as their clocks run at the same speed.
type Lease struct {
	rdb   redis.UniversalClient
	key   string
	owner string
	ttl   time.Duration
	log   *slog.Logger
	held  atomic.Bool
}

// NewLease returns a lease on key for ttl (DefaultLeaseTTL when <= 0),
// owned by a name unique to this process.
func NewLease(rdb redis.UniversalClient, key string, ttl time.Duration, log *slog.Logger) *Lease {
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &Lease{rdb: rdb, key: key, ttl: ttl, log: log, owner: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))}
}

// Owner is this process's name in the lease key.
func (l *Lease) Owner() string { return l.owner }

// Held reports whether this process holds the lease now.
func (l *Lease) Held() bool { return l.held.Load() }

var leaseRenew = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)

var leaseRelease = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0`)

// Run waits for the lease and runs task while holding it, until ctx ends.
// When the lease is lost, task's context is cancelled and awaited, and the
// wait begins again; a task that returns by itself gives the lease back
// and is started again at the next hold. Run returns nil once ctx ends.
func (l *Lease) Run(ctx context.Context, task func(ctx context.Context) error) error {
	tick := l.ttl / 3
	for ctx.Err() == nil {
		ok, err := l.rdb.SetNX(ctx, l.key, l.owner, l.ttl).Result()
		if err != nil || !ok {
			if err != nil && ctx.Err() == nil {
				l.log.Warn("lease: cannot ask Redis", "key", l.key, "err", err)
			}
			_ = sleepCtx(ctx, tick)
			continue
		}
		l.hold(ctx, tick, task)
	}
	return nil
}

// hold runs task while the lease stays ours.
func (l *Lease) hold(ctx context.Context, tick time.Duration, task func(ctx context.Context) error) {
	l.held.Store(true)
	defer l.held.Store(false)
	l.log.Info("lease taken", "key", l.key, "owner", l.owner)
	tctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- task(tctx) }()
	renewed := time.Now()
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			cancel()
			<-done
			l.release()
			return
		case err := <-done:
			if err != nil {
				l.log.Error("lease: task stopped", "key", l.key, "err", err)
			}
			l.release()
			_ = sleepCtx(ctx, tick) // let another replica try
			return
		case <-t.C:
			rctx, rcancel := context.WithTimeout(ctx, tick)
			n, err := leaseRenew.Run(rctx, l.rdb, []string{l.key}, l.owner, l.ttl.Milliseconds()).Int()
			rcancel()
			switch {
			case err == nil && n == 1:
				renewed = time.Now()
				continue
			case err == nil:
				l.log.Warn("lease lost to another replica", "key", l.key)
			case time.Since(renewed) < 2*l.ttl/3:
				continue // try again at the next tick
			default:
				l.log.Warn("lease not renewed in time; stopping before it can expire", "key", l.key, "err", err)
			}
			cancel()
			<-done
			return
		}
	}
}

func (l *Lease) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = leaseRelease.Run(ctx, l.rdb, []string{l.key}, l.owner).Err()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
