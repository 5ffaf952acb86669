package outbox

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
)

// Limit is a channel's sending policy.
type Limit struct {
	PerSecond        float64       // messages per second for the whole bot; 0 = unlimited
	Burst            int           // bulk tokens available at once (0 = 1), capped so that no second exceeds PerSecond (bulkBurst)
	PerChatPerSecond float64       // messages per second to one chat; 0 = unlimited
	MinGap           time.Duration // at least this long between two sends of this dispatcher
	Jitter           time.Duration // plus a random pause up to this long
}

// DefaultLimits are the platforms' published or prudent limits: Telegram
// about 30 messages a second in bulk and one a second per chat; WhatsApp
// through a linked device a few a minute with a random pause so the number
// does not look like a spam cannon; web chat unlimited.
func DefaultLimits() map[channel.Name]Limit {
	return map[channel.Name]Limit{
		channel.Telegram: {PerSecond: 30, Burst: 30, PerChatPerSecond: 1},
		channel.WhatsApp: {PerSecond: 4.0 / 60, Burst: 1, PerChatPerSecond: 1.0 / 60, MinGap: 8 * time.Second, Jitter: 12 * time.Second},
		channel.WebChat:  {},
	}
}

// limiter applies one channel's Limit, shared across replicas through Redis.
type limiter struct {
	rl        *redis_rate.Limiter
	rdb       redis.UniversalClient
	prefix    string
	ch        channel.Name
	global    redis_rate.Limit
	all       redis_rate.Limit // the channel's whole rate, shared by bulk and direct replies
	perChat   redis_rate.Limit
	minGap    time.Duration
	jitter    time.Duration
	mu        sync.Mutex
	lastSend  time.Time
	pausedTil time.Time
	checkedAt time.Time // last look at the shared pause key
}

// pauseCheckEvery is how often a dispatcher looks for a pause another
// replica set after a 429 (its own pauses apply at once).
const pauseCheckEvery = 200 * time.Millisecond

func (l *limiter) pauseChecked() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.checkedAt
}

// toRedisLimit turns a float rate into a GCRA limit: one token every
// 1/rate seconds, so fractional rates (4 a minute) need no rounding.
func toRedisLimit(perSecond float64, burst int) redis_rate.Limit {
	if perSecond <= 0 {
		return redis_rate.Limit{}
	}
	return redis_rate.Limit{Rate: 1, Period: time.Duration(float64(time.Second) / perSecond), Burst: max(burst, 1)}
}

// bulkBurst is how many bulk tokens may go at once. A GCRA limiter lets its
// burst out on top of the rate, so in the first second of a broadcast it
// sends burst + rate messages: Burst 30 on Telegram's 27 a second let 54
// out. The burst is therefore capped by the headroom the bulk share leaves
// under the platform's rate, so that no second ever carries more than
// PerSecond; with Telegram's defaults (30 a second, share 0.9) that is 3.
func bulkBurst(l Limit, share float64) int {
	headroom := int(math.Floor(l.PerSecond*(1-share) + 1e-9))
	return max(1, min(max(l.Burst, 1), headroom))
}

func newLimiter(rdb redis.UniversalClient, prefix string, ch channel.Name, l Limit, share float64) *limiter {
	lim := &limiter{rdb: rdb, prefix: prefix, ch: ch, minGap: l.MinGap, jitter: l.Jitter}
	if rdb != nil {
		lim.rl = redis_rate.NewLimiter(rdb)
	}
	if l.PerSecond > 0 {
		lim.global = toRedisLimit(l.PerSecond*share, bulkBurst(l, share))
		lim.all = toRedisLimit(l.PerSecond, 1)
	}
	if l.PerChatPerSecond > 0 {
		lim.perChat = toRedisLimit(l.PerChatPerSecond, 1)
	}
	return lim
}

// Pause stops sends on this channel for d (a 429's retry_after), in this
// process and, through Redis, in every replica.
func (l *limiter) Pause(ctx context.Context, d time.Duration) {
	l.mu.Lock()
	if t := time.Now().Add(d); t.After(l.pausedTil) {
		l.pausedTil = t
	}
	l.mu.Unlock()
	if l.rdb != nil && d > 0 {
		_ = l.rdb.Set(ctx, l.prefix+"pause:"+string(l.ch), "1", d).Err()
	}
}

// TryChat takes the chat's token if one is free now; otherwise it returns
// how long until one is. The dispatcher puts such a row back for later
// rather than holding a worker for a chat that must wait.
func (l *limiter) TryChat(ctx context.Context, chat string) (time.Duration, error) {
	if l.perChat.IsZero() || l.rl == nil {
		return 0, nil
	}
	res, err := l.rl.Allow(ctx, l.prefix+"chat:"+string(l.ch)+":"+chat, l.perChat)
	if err != nil {
		return 0, fmt.Errorf("rate limit chat: %w", err)
	}
	if res.Allowed > 0 {
		return 0, nil
	}
	return max(res.RetryAfter, time.Millisecond), nil
}

// slowChat reports whether the per-chat limit is slower than one message
// every two seconds (WhatsApp's prudent pace, not a platform rule): the
// attachments of one row (a confirmation's .ics and QR) then follow the
// text without waiting for the chat's next token.
func (l *limiter) slowChat() bool {
	return !l.perChat.IsZero() && l.perChat.Period > 2*time.Second
}

// Wait blocks until one message to chat may go. chatTaken says the chat's
// token was already taken with TryChat (or is not needed).
func (l *limiter) Wait(ctx context.Context, chat string, chatTaken bool) error {
	if err := l.waitPause(ctx); err != nil {
		return err
	}
	if !l.perChat.IsZero() && !chatTaken {
		if err := l.take(ctx, "chat:"+string(l.ch)+":"+chat, l.perChat); err != nil {
			return err
		}
	}
	if !l.global.IsZero() {
		if err := l.take(ctx, "bulk:"+string(l.ch), l.global); err != nil {
			return err
		}
		if err := l.take(ctx, "all:"+string(l.ch), l.all); err != nil {
			return err
		}
	}
	if l.minGap > 0 || l.jitter > 0 {
		l.mu.Lock()
		gap := l.minGap
		if l.jitter > 0 {
			gap += rand.N(l.jitter)
		}
		next := l.lastSend.Add(gap)
		now := time.Now()
		if next.Before(now) {
			next = now
		}
		l.lastSend = next
		l.mu.Unlock()
		if err := sleep(ctx, time.Until(next)); err != nil {
			return err
		}
	}
	return nil
}

func (l *limiter) waitPause(ctx context.Context) error {
	for {
		l.mu.Lock()
		d := time.Until(l.pausedTil)
		l.mu.Unlock()
		if d <= 0 && l.rdb != nil && time.Since(l.pauseChecked()) > pauseCheckEvery {
			// Another replica's 429, seen within pauseCheckEvery.
			if ttl, err := l.rdb.PTTL(ctx, l.prefix+"pause:"+string(l.ch)).Result(); err == nil && ttl > 0 {
				d = ttl
			}
			l.mu.Lock()
			l.checkedAt = time.Now()
			l.mu.Unlock()
		}
		if d <= 0 {
			return nil
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

func (l *limiter) take(ctx context.Context, key string, lim redis_rate.Limit) error {
	if l.rl == nil {
		return fmt.Errorf("rate limit for %s needs Redis", l.ch)
	}
	for {
		res, err := l.rl.Allow(ctx, l.prefix+key, lim)
		if err != nil {
			return fmt.Errorf("rate limit %s: %w", key, err)
		}
		if res.Allowed > 0 {
			return nil
		}
		if err := sleep(ctx, res.RetryAfter); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ReplyTurn waits until one direct reply (a message to someone chatting
// now, sent by the adapter rather than the outbox) may go on ch within the
// channel's whole per-second rate, which bulk sends share: bulk takes at
// most BulkShare of it, so replies always find the rest. Channels without a
// rate, or a dispatcher without Redis, never wait.
func (d *Dispatcher) ReplyTurn(ctx context.Context, ch channel.Name) error {
	l := d.limiters[ch]
	if l == nil || l.all.IsZero() || l.rl == nil {
		return nil
	}
	return l.take(ctx, "all:"+string(ch), l.all)
}
