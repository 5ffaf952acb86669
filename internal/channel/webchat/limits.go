package webchat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Rate is a token bucket: Burst requests at once, then N per Per.
// The zero Rate is no limit.
type Rate struct {
	N     int
	Per   time.Duration
	Burst int
}

func (r Rate) limit() redis_rate.Limit {
	return redis_rate.Limit{Rate: r.N, Period: r.Per, Burst: max(r.Burst, 1)}
}

func (r Rate) off() bool { return r.N <= 0 || r.Per <= 0 }

// Limits bound what anonymous visitors can make the server do. Buckets
// live in Redis (go-redis/redis_rate, GCRA), so every replica draws on the
// same ones; a key lives only as long as its bucket is not full again.
type Limits struct {
	Send, Upload, Events       Rate // per client (cookie)
	IPSend, IPUpload, IPEvents Rate // per IP address
	NewClients                 Rate // identities issued per IP address
	// StreamsPerClient is how many event streams one client may hold open
	// at once (two tabs); MaxStreams is the cap for all clients together,
	// across replicas (each open stream holds one Redis connection).
	StreamsPerClient int
	MaxStreams       int
	// UploadsPerDay is how many photos one client may have stored per
	// day (UTC); MinFree is the free space DATA_DIR keeps: below it,
	// uploads are refused.
	UploadsPerDay int
	MinFree       int64
}

// DefaultLimits are generous for a person (who types one message in
// several seconds and sends a few photos), while one IP address may be a
// whole mobile operator's NAT, so its buckets are wider.
func DefaultLimits() Limits {
	return Limits{
		Send:             Rate{N: 30, Per: time.Minute, Burst: 20},
		Upload:           Rate{N: 20, Per: time.Hour, Burst: 5},
		Events:           Rate{N: 20, Per: time.Minute, Burst: 10},
		IPSend:           Rate{N: 300, Per: time.Minute, Burst: 100},
		IPUpload:         Rate{N: 100, Per: time.Hour, Burst: 20},
		IPEvents:         Rate{N: 120, Per: time.Minute, Burst: 60},
		NewClients:       Rate{N: 20, Per: time.Minute, Burst: 30},
		StreamsPerClient: 2,
		MaxStreams:       DefaultMaxStreams,
		UploadsPerDay:    20,
		MinFree:          512 << 20,
	}
}

// DefaultMaxStreams is the default cap on open event streams (the
// WEBCHAT_MAX_STREAMS setting): a tenth of Redis's default maxclients.
const DefaultMaxStreams = 1000

// limited says which bucket ran dry and when to come back.
type limited struct {
	retry time.Duration
}

// allow takes one token from each named bucket in turn and reports the
// first that is empty (nil: allowed). A Redis error lets the request
// through: the limits protect the service, an outage of them must not
// take it down.
func (c *Chat) allow(ctx context.Context, buckets ...bucket) *limited {
	for _, b := range buckets {
		if b.rate.off() {
			continue
		}
		res, err := c.rl.Allow(ctx, c.opt.Prefix+"webchat:rate:"+b.key, b.rate.limit())
		if err != nil {
			c.log.Warn("webchat rate limit unavailable", "err", err)
			return nil
		}
		if res.Allowed == 0 {
			c.opt.Metrics.Error("webchat_limited")
			return &limited{retry: max(res.RetryAfter, time.Second)}
		}
	}
	return nil
}

type bucket struct {
	key  string
	rate Rate
}

// streamLease holds one place among the open streams. The places are
// sorted sets in Redis scored by lease expiry, so a replica that dies
// frees its places when their leases run out (three keep-alives, at least
// minLease); a stream that ends gives its place back at once.
type streamLease struct {
	c      *Chat
	member string
	keys   []string
	ttl    time.Duration
}

// minLease is the shortest stream lease, so a slow renewal never frees
// the place of a stream that is still open.
const minLease = 30 * time.Second

// acquireScript: KEYS client set, global set; ARGV now ms, ttl ms,
// member, per-client cap, global cap (0: none). Returns 0 (taken), 1
// (the client has its streams), 2 (the server is full).
var acquireScript = redis.NewScript(`
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", ARGV[1])
redis.call("ZREMRANGEBYSCORE", KEYS[2], "-inf", ARGV[1])
if tonumber(ARGV[4]) > 0 and redis.call("ZCARD", KEYS[1]) >= tonumber(ARGV[4]) then
	return 1
end
if tonumber(ARGV[5]) > 0 and redis.call("ZCARD", KEYS[2]) >= tonumber(ARGV[5]) then
	return 2
end
local exp = tonumber(ARGV[1]) + tonumber(ARGV[2])
for i = 1, 2 do
	redis.call("ZADD", KEYS[i], exp, ARGV[3])
	redis.call("PEXPIRE", KEYS[i], ARGV[2])
end
return 0`)

// acquireStream takes a place for a stream of client id; it returns the
// lease, or 1 (client full) / 2 (server full).
func (c *Chat) acquireStream(ctx context.Context, id string) (*streamLease, int, error) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	l := &streamLease{
		c: c, member: hex.EncodeToString(b[:]), ttl: max(3*c.opt.KeepAlive, minLease),
		// One hash tag: both sets in one Redis Cluster slot.
		keys: []string{c.opt.Prefix + "webchat:streams:{s}:" + id, c.opt.Prefix + "webchat:streams:{s}"},
	}
	n, err := acquireScript.Run(ctx, c.opt.Redis, l.keys, time.Now().UnixMilli(), l.ttl.Milliseconds(),
		l.member, c.lim.StreamsPerClient, c.lim.MaxStreams).Int()
	if err != nil {
		return nil, 0, fmt.Errorf("take stream place: %w", err)
	}
	if n != 0 {
		return nil, n, nil
	}
	return l, 0, nil
}

// renew extends the lease (every keep-alive).
func (l *streamLease) renew(ctx context.Context) {
	exp := float64(time.Now().Add(l.ttl).UnixMilli())
	_, _ = l.c.opt.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range l.keys {
			p.ZAddXX(ctx, k, redis.Z{Score: exp, Member: l.member})
			p.PExpire(ctx, k, l.ttl)
		}
		return nil
	})
}

// release gives the place back.
func (l *streamLease) release(ctx context.Context) {
	_, _ = l.c.opt.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range l.keys {
			p.ZRem(ctx, k, l.member)
		}
		return nil
	})
}

// takeUploadQuota counts one stored photo against the client's day and
// reports whether it is within UploadsPerDay.
func (c *Chat) takeUploadQuota(ctx context.Context, id string) (bool, error) {
	if c.lim.UploadsPerDay <= 0 {
		return true, nil
	}
	key := c.opt.Prefix + "webchat:uploads:" + id + ":" + c.opt.Now().UTC().Format("20060102")
	var n *redis.IntCmd
	_, err := c.opt.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		n = p.Incr(ctx, key)
		p.Expire(ctx, key, 48*time.Hour)
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("upload quota: %w", err)
	}
	return n.Val() <= int64(c.lim.UploadsPerDay), nil
}
