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
//	<prefix>sess:{telegram:123}            session JSON (and the bot's note, Turn.Note), sealed with AES-GCM when the store encrypts (codec.go), TTL = session TTL
//	<prefix>lock:{telegram:123}            the contact lock's token, TTL = lock TTL
//	<prefix>done:{telegram:123}:<msg>      "message handled" marker, TTL ~48 h
//	<prefix>replies:{telegram:123}:<msg>   the replies kept with the marker until delivered (KeepReplies, ConfirmReplies)
//
// The lock is the usual single-instance Redis lock: SET NX PX with a random
// token, released by a Lua compare-and-delete so only its owner can release
// it; a lock whose owner died expires and can be taken over. It works the same
// on a real Redis and on miniredis (the local mode).
//
// The bot handles a message as a Turn, the one way to change a contact's
// keys: Begin takes the contact lock and, in the same pipelined round trip,
// reads the "handled" marker, any kept replies and the session; CommitNote
// saves or deletes the session, marks the message handled and releases the
// lock in one Lua script that first checks the lock is still ours. Two Redis
// round trips per message, and a message counts as handled only once its
// whole turn succeeded: after a crash halfway, the platform's redelivery of
// the same message is handled again instead of being dropped.
//
// Outside a turn the store only reads a session (Get: the web chat's photo
// gate) and forgets a contact (Forget: erasure).
package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

// Store reads and writes sessions, contact locks and dedupe markers in Redis.
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
	sess, _, err := Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", addr, err)
	}
	return sess, nil
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
