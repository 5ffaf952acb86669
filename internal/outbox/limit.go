package outbox

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
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
		channel.Telegram: {PerSecond: 30, PerChatPerSecond: 1},
		channel.WhatsApp: {PerSecond: 4.0 / 60, PerChatPerSecond: 1.0 / 60, MinGap: 8 * time.Second, Jitter: 12 * time.Second},
		channel.WebChat:  {},
	}
}

// RateMargin is the part of a platform's published rate Jejaring uses in
// all, bulk and replies together: 2 % under it, so that the time a message
// takes to reach the platform never shows it one message too many in a
// second. Above the 0.97 of the limit a broadcast is to reach when nobody
// chats.
const RateMargin = 0.98

// limiter applies one channel's Limit, shared across replicas through Redis.
//
// The channel's whole rate is one sliding window in Redis (shareScript): at
// most n messages in any window of n/(PerSecond·RateMargin) seconds (30 in
// 1.02 s on Telegram), the window's sends kept as a sorted set, and an
// even schedule bulk keeps to within a small burst. Replies to
// people chatting (ReplyTurn) and bulk sends (Wait) draw on the same
// window, but a reply that has to wait says so, and while any reply waits
// in any replica the bulk sends stand back. So bulk takes whatever the
// replies leave — all of it when nobody chats — instead of a fixed share,
// and a reply waits at most for the few replies ahead of it, not behind a
// broadcast.
type limiter struct {
	rl        *redis_rate.Limiter
	rdb       redis.UniversalClient
	prefix    string
	ch        channel.Name
	window    time.Duration // the sliding window's length (0: no rate)
	perWindow int           // sends allowed in any window
	shareKeys []string      // the window's sends and the waiting replies' count, one hash tag
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

func newLimiter(rdb redis.UniversalClient, prefix string, ch channel.Name, l Limit) *limiter {
	lim := &limiter{rdb: rdb, prefix: prefix, ch: ch, minGap: l.MinGap, jitter: l.Jitter}
	if rdb != nil {
		lim.rl = redis_rate.NewLimiter(rdb)
	}
	if l.PerSecond > 0 {
		lim.perWindow = max(1, int(math.Floor(l.PerSecond+1e-9)))
		lim.window = time.Duration(float64(lim.perWindow) * float64(time.Second) / (l.PerSecond * RateMargin))
		tag := prefix + "share:{" + string(ch) + "}:"
		lim.shareKeys = []string{tag + "sent", tag + "waiting", tag + "tat"}
	}
	if l.PerChatPerSecond > 0 {
		lim.perChat = toRedisLimit(l.PerChatPerSecond, 1)
	}
	return lim
}

// shareScript takes one message's place on a channel's shared rate.
// KEYS: the window's sends (sorted set, score µs), the count of replies
// waiting, the bulk schedule (theoretical arrival time, µs); ARGV: the
// window (µs), the sends allowed in it, "reply" or "bulk", "1" when this
// reply is already counted as waiting, a unique member, the bulk burst. It
// returns 0 (go now) or the µs to wait.
//
// Two rules. The window: never more than the allowed sends in any window,
// replies and bulk together. The schedule: one place every window/allowed,
// which no send may run more than burst places ahead of, so messages go out
// evenly, not in a lump at the start of each window (a broadcast's lump
// would leave a reply waiting for the window to pass; thirty replies at
// once would be thirty sends in flight when a crash comes). A bulk send waits
// while any reply does; a reply that must wait is counted (for five
// seconds, renewed on each try) until it gets its place.
var shareScript = redis.NewScript(`
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
local allowed = tonumber(ARGV[2])
local reply = ARGV[3] == "reply"
local counted = ARGV[4] == "1"
local burst = tonumber(ARGV[6])
local step = math.floor(window / allowed)
if not reply and tonumber(redis.call("GET", KEYS[2]) or "0") > 0 then
	return math.max(1000, math.floor(step / 2))
end
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now - window)
local wait = 0
if redis.call("ZCARD", KEYS[1]) >= allowed then
	local oldest = redis.call("ZRANGE", KEYS[1], 0, 0, "WITHSCORES")
	wait = math.max(100, tonumber(oldest[2]) + window - now + 1)
end
local tat = tonumber(redis.call("GET", KEYS[3]) or "0")
if tat < now then
	tat = now
end
if tat - now > (burst - 1) * step then
	wait = math.max(wait, tat - now - (burst - 1) * step)
end
if wait > 0 then
	if reply then
		if not counted then
			redis.call("INCR", KEYS[2])
		end
		redis.call("PEXPIRE", KEYS[2], 5000)
	end
	return wait
end
redis.call("SET", KEYS[3], tostring(tat + step), "PX", math.floor(window / 1000) + 1000)
redis.call("ZADD", KEYS[1], now, ARGV[5])
redis.call("PEXPIRE", KEYS[1], math.floor(window / 1000) + 1000)
if reply and counted then
	if redis.call("DECR", KEYS[2]) <= 0 then
		redis.call("DEL", KEYS[2])
	end
end
return 0`)

// bulkBurst is how many places of the schedule bulk may take at once (a
// sender that woke late or a claim between two batches loses no place
// while it is under this many behind): a tenth of the window, at least 3
// (3 on Telegram's 30/s; 30 at 300/s, where a place is 3.4 ms and a busy
// machine's timers are late by more).
func bulkBurst(perWindow int) int { return max(3, perWindow/10) }

// takeShare waits for one message's place on the channel's shared
// schedule; reply says it is a reply to someone chatting (ReplyTurn), which
// goes before bulk.
func (l *limiter) takeShare(ctx context.Context, reply bool) error {
	if l.window <= 0 {
		return nil
	}
	if l.rdb == nil {
		return fmt.Errorf("rate limit for %s needs Redis", l.ch)
	}
	mode, counted := "bulk", false
	if reply {
		mode = "reply"
	}
	defer func() {
		if counted {
			// Given up (shutting down) while counted as waiting.
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			defer cancel()
			_ = l.rdb.Decr(cctx, l.shareKeys[1]).Err()
		}
	}()
	for {
		flag := "0"
		if counted {
			flag = "1"
		}
		us, err := shareScript.Run(ctx, l.rdb, l.shareKeys, l.window.Microseconds(), l.perWindow, mode, flag, newMember(), bulkBurst(l.perWindow)).Int64()
		if err != nil {
			return fmt.Errorf("rate limit %s: %w", l.ch, err)
		}
		if us <= 0 {
			counted = false
			return nil
		}
		if reply {
			counted = true
		}
		if err := sleep(ctx, time.Duration(us)*time.Microsecond); err != nil {
			return err
		}
	}
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
	if err := l.takeShare(ctx, false); err != nil {
		return err
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

// newMember names one send in a sliding window.
func newMember() string {
	var b [8]byte
	_, _ = crand.Read(b[:])
	return hex.EncodeToString(b[:])
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
// channel's whole rate, which bulk sends share: a waiting reply goes before
// any bulk send, so bulk takes only what the replies leave (see limiter).
// Channels without a rate, or a dispatcher without Redis, never wait.
func (d *Dispatcher) ReplyTurn(ctx context.Context, ch channel.Name) error {
	l := d.limiters[ch]
	if l == nil || l.window <= 0 || l.rdb == nil {
		return nil
	}
	return l.takeShare(ctx, true)
}
