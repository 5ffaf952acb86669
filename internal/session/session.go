// Package session keeps what the bot must remember between two messages of a
// contact, in Redis: the contact's place in a conversation (one small JSON
// value per contact with a TTL, so abandoned conversations end by themselves),
// a per-contact lock so one contact's messages are handled one at a time even
// across replicas, and message dedupe so a platform's redelivery of the same
// message is not answered twice.
//
// Keys, all under the store's prefix; a contact's keys carry the hash tag
// {<channel>:<external id>} so they live in one Redis Cluster slot:
//
//	<prefix>sess:{telegram:123}         session JSON (and the bot's note, Turn.Note), sealed with AES-GCM when the store encrypts (codec.go), TTL = session TTL
//	<prefix>lock:{telegram:123}         the contact lock's token, TTL = lock TTL
//	<prefix>done:{telegram:123}:<msg>   "message handled" marker, TTL ~48 h
//	<prefix>lock:<key>                  other locks (Lock, LockWait)
//	<prefix>seen:<channel>:<msg>        one-shot dedupe (Seen)
//
// The lock is the usual single-instance Redis lock: SET NX PX with a random
// token, released by a Lua compare-and-delete so only its owner can release
// it; a lock whose owner died expires and can be taken over. It works the same
// on a real Redis and on miniredis (the local mode).
//
// The bot handles a message as a Turn: Begin takes the contact lock and, in
// the same pipelined round trip, reads the "handled" marker and the session;
// Commit saves or deletes the session, marks the message handled and releases
// the lock in one Lua script that first checks the lock is still ours. Two
// Redis round trips per message, and a message counts as handled only once
// its whole turn succeeded: after a crash halfway, the platform's redelivery
// of the same message is handled again instead of being dropped.
//
// Seen is the simpler atomic one-shot "first time?" (SET NX) for callers
// that need no more.
package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
)

// DefaultTTL is how long an idle conversation is remembered.
const DefaultTTL = 24 * time.Hour

// Store reads and writes sessions, locks and dedupe markers in Redis.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
	cipher *Cipher // nil: sessions in clear (codec.go)
	log    *slog.Logger
}

// New returns a Store using rdb, with every key under prefix (e.g.
// "jejaring:") and sessions kept for ttl after their last save (DefaultTTL
// when ttl <= 0). Encrypt seals the stored sessions (codec.go).
func New(rdb redis.UniversalClient, prefix string, ttl time.Duration, opts ...Option) *Store {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	s := &Store{rdb: rdb, prefix: prefix, ttl: ttl}
	for _, o := range opts {
		o(s)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// TTL is the session lifetime this store uses.
func (s *Store) TTL() time.Duration { return s.ttl }

// Client is the Redis client, for health checks.
func (s *Store) Client() redis.UniversalClient { return s.rdb }

// contactTag is the Redis Cluster hash tag of a contact's keys: the
// session, the contact lock and the dedupe markers of its messages share one
// slot, so a turn can commit them in one script.
func contactTag(addr channel.Address) string {
	return "{" + string(addr.Channel) + ":" + addr.ExternalID + "}"
}

func (s *Store) sessionKey(addr channel.Address) string {
	return s.prefix + "sess:" + contactTag(addr)
}

func (s *Store) doneKey(addr channel.Address, msgID string) string {
	return s.prefix + "done:" + contactTag(addr) + ":" + msgID
}

func (s *Store) contactLockKey(addr channel.Address) string {
	return s.prefix + "lock:" + contactTag(addr)
}

// Get loads the session of addr; nil, nil when there is none (never started,
// ended, or expired).
func (s *Store) Get(ctx context.Context, addr channel.Address) (*flow.Session, error) {
	key := s.sessionKey(addr)
	b, err := s.rdb.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get session %s: %w", addr, err)
	}
	b, ok := s.decode(addr, key, b)
	if !ok {
		return nil, nil
	}
	var sess flow.Session
	if err := json.Unmarshal(b, &sess); err != nil {
		return nil, fmt.Errorf("decode session %s: %w", addr, err)
	}
	return &sess, nil
}

// Save stores sess for addr with the store's TTL, replacing any previous one.
// A nil sess deletes.
func (s *Store) Save(ctx context.Context, addr channel.Address, sess *flow.Session) error {
	return s.SaveTTL(ctx, addr, sess, s.ttl)
}

// SaveTTL is Save with its own TTL (the store's when ttl <= 0).
func (s *Store) SaveTTL(ctx context.Context, addr channel.Address, sess *flow.Session, ttl time.Duration) error {
	if ttl <= 0 {
		ttl = s.ttl
	}
	if sess == nil {
		return s.Delete(ctx, addr)
	}
	b, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("encode session %s: %w", addr, err)
	}
	key := s.sessionKey(addr)
	if err := s.rdb.Set(ctx, key, s.encode(key, b), ttl).Err(); err != nil {
		return fmt.Errorf("save session %s: %w", addr, err)
	}
	return nil
}

// Delete forgets the session of addr. Deleting a missing session is not an
// error.
func (s *Store) Delete(ctx context.Context, addr channel.Address) error {
	if err := s.rdb.Del(ctx, s.sessionKey(addr)).Err(); err != nil {
		return fmt.Errorf("delete session %s: %w", addr, err)
	}
	return nil
}

func (s *Store) seenKey(ch, msgID string) string {
	return s.prefix + "seen:" + ch + ":" + msgID
}

// Seen records that message msgID arrived on channel ch and reports whether
// this is the first time (atomic: of two racing callers exactly one gets
// true). The marker is kept for ttl.
func (s *Store) Seen(ctx context.Context, ch, msgID string, ttl time.Duration) (first bool, err error) {
	ok, err := s.rdb.SetNX(ctx, s.seenKey(ch, msgID), "1", ttl).Result()
	if err != nil {
		return false, fmt.Errorf("dedupe %s:%s: %w", ch, msgID, err)
	}
	return ok, nil
}

// Done reports whether the message msgID from addr was already handled
// (marked by MarkDone or a committed Turn). Message ids are kept per contact:
// a Telegram message id is only unique within its chat.
func (s *Store) Done(ctx context.Context, addr channel.Address, msgID string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.doneKey(addr, msgID)).Result()
	if err != nil {
		return false, fmt.Errorf("dedupe %s/%s: %w", addr, msgID, err)
	}
	return n > 0, nil
}

// MarkDone records that the message msgID from addr was handled, for ttl.
func (s *Store) MarkDone(ctx context.Context, addr channel.Address, msgID string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.doneKey(addr, msgID), "1", ttl).Err(); err != nil {
		return fmt.Errorf("mark handled %s/%s: %w", addr, msgID, err)
	}
	return nil
}

// ErrLocked means someone else holds the lock.
var ErrLocked = errors.New("locked by another handler")

// Lock is a held lock. Release it when done.
type Lock struct {
	s     *Store
	key   string
	token string
}

// Key is the Redis key of the lock.
func (l *Lock) Key() string { return l.key }

// releaseScript deletes the lock only when it still holds our token.
var releaseScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0`)

// extendScript renews the lock's TTL only when it still holds our token.
var extendScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Lock tries once to take the lock named key for ttl. It returns ErrLocked
// when another owner holds it. A lock whose owner vanished expires after ttl
// and can then be taken.
func (s *Store) Lock(ctx context.Context, key string, ttl time.Duration) (*Lock, error) {
	l := &Lock{s: s, key: s.prefix + "lock:" + key, token: newToken()}
	ok, err := s.rdb.SetNX(ctx, l.key, l.token, ttl).Result()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", key, err)
	}
	if !ok {
		return nil, ErrLocked
	}
	return l, nil
}

// LockWait takes the lock named key for ttl, retrying with a small growing
// backoff (5 ms up to 100 ms) for at most wait. It returns ErrLocked when the
// lock stayed taken for the whole wait, or the context's error.
func (s *Store) LockWait(ctx context.Context, key string, ttl, wait time.Duration) (*Lock, error) {
	deadline := time.Now().Add(wait)
	backoff := 5 * time.Millisecond
	for {
		l, err := s.Lock(ctx, key, ttl)
		if !errors.Is(err, ErrLocked) {
			return l, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, ErrLocked
		}
		t := time.NewTimer(min(backoff, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("lock %s: %w", key, ctx.Err())
		case <-t.C:
		}
		backoff = min(backoff*2, 100*time.Millisecond)
	}
}

// Release gives the lock up. It returns ErrLocked when the lock is no longer
// ours (it expired and someone else took it); the other owner's lock is left
// alone.
func (l *Lock) Release(ctx context.Context) error {
	n, err := releaseScript.Run(ctx, l.s.rdb, []string{l.key}, l.token).Int()
	if err != nil {
		return fmt.Errorf("release %s: %w", l.key, err)
	}
	if n == 0 {
		return fmt.Errorf("release %s: %w", l.key, ErrLocked)
	}
	return nil
}

// Extend renews the lock for ttl from now if it is still ours, else returns
// ErrLocked.
func (l *Lock) Extend(ctx context.Context, ttl time.Duration) error {
	n, err := extendScript.Run(ctx, l.s.rdb, []string{l.key}, l.token, ttl.Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("extend %s: %w", l.key, err)
	}
	if n == 0 {
		return fmt.Errorf("extend %s: %w", l.key, ErrLocked)
	}
	return nil
}
