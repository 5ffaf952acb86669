package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
)

// Turn is one message's hold on a contact: the contact lock, taken together
// with what the message needs to start (was it handled already? where is
// the conversation?) in one round trip, and committed — session saved or
// deleted, message marked handled, lock released — in one more. The commit
// only happens while the lock is still ours, so a handler that stalled past
// the lock TTL cannot overwrite the session of the one that took over.
type Turn struct {
	s     *Store
	addr  channel.Address
	msgID string
	lock  *Lock
	// Session is the contact's conversation when the turn began (nil when
	// none).
	Session *flow.Session
	// Done says the message was handled before (a redelivery): commit
	// nothing, Release.
	Done bool
	// Note is what the bot kept beside the session at the previous turn
	// (CommitNote), "" when nothing: a question the bot itself asked about
	// the conversation, such as "continue or start over?".
	Note string
	// unreadable says a stored value did not open (codec.go).
	unreadable bool
	// Replies, on a Done turn, are the replies the first handling kept
	// with its commit (KeepReplies) and not yet all confirmed delivered
	// (ConfirmReplies), "" when none; RepliesSent how many of them were.
	Replies     string
	RepliesSent int
	// keep and keepN are what KeepReplies gave, written by the commit.
	keep  string
	keepN int
}

// KeepReplies stores replies (the caller's encoding) with the commit, beside
// the done-mark and in the same script, so that a redelivery of the message
// finds in Turn.Replies what it still has to send. n is how many replies
// the encoding holds.
func (t *Turn) KeepReplies(replies string, n int) { t.keep, t.keepN = replies, n }

// Begin takes addr's contact lock for lockTTL, waiting up to wait (retrying
// with a backoff growing from 5 ms to 100 ms), and in the same round trip reads whether message
// msgID ("" for none) was already handled and the stored session. It returns
// ErrLocked when the lock stayed taken for the whole wait.
func (s *Store) Begin(ctx context.Context, addr channel.Address, msgID string, lockTTL, wait time.Duration) (*Turn, error) {
	t := &Turn{s: s, addr: addr, msgID: msgID}
	l := &Lock{s: s, key: s.contactLockKey(addr), token: newToken()}
	sessKey := s.sessionKey(addr)
	deadline := time.Now().Add(wait)
	backoff := 5 * time.Millisecond
	for {
		var got *redis.BoolCmd
		var done *redis.IntCmd
		var replies *redis.MapStringStringCmd
		var sess *redis.StringCmd
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			got = p.SetNX(ctx, l.key, l.token, lockTTL)
			if msgID != "" {
				done = p.Exists(ctx, s.doneKey(addr, msgID))
				replies = p.HGetAll(ctx, s.repliesKey(addr, msgID))
			}
			sess = p.Get(ctx, sessKey)
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("begin turn %s: %w", addr, err)
		}
		if got.Val() {
			t.lock = l
			if done != nil {
				t.Done = done.Val() > 0
			}
			if t.Done && replies != nil {
				m := replies.Val()
				t.Replies = m["out"]
				t.RepliesSent, _ = strconv.Atoi(m["sent"])
			}
			b, err := sess.Bytes()
			switch {
			case errors.Is(err, redis.Nil):
			case err != nil:
				t.Release(ctx)
				return nil, fmt.Errorf("get session %s: %w", addr, err)
			default:
				var ok bool
				if b, ok = s.decode(addr, sessKey, b); !ok {
					t.unreadable = true // no session; Commit removes it
					break
				}
				sess, note, err := Unmarshal(b)
				if err != nil {
					t.Release(ctx)
					return nil, fmt.Errorf("session %s: %w", addr, err)
				}
				t.Session, t.Note = sess, note
			}
			return t, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, ErrLocked
		}
		tm := time.NewTimer(min(backoff, left))
		select {
		case <-ctx.Done():
			tm.Stop()
			return nil, fmt.Errorf("begin turn %s: %w", addr, ctx.Err())
		case <-tm.C:
		}
		backoff = min(backoff*2, 100*time.Millisecond)
	}
}

// commitScript: KEYS lock, session, done marker, replies; ARGV token, mode
// ("save", "delete", "keep"), session JSON, session TTL ms, done TTL ms ("0":
// no marker), replies ("": none kept), how many replies.
var commitScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) ~= ARGV[1] then
	return 0
end
if ARGV[2] == "save" then
	redis.call("SET", KEYS[2], ARGV[3], "PX", ARGV[4])
elseif ARGV[2] == "delete" then
	redis.call("DEL", KEYS[2])
end
if ARGV[5] ~= "0" then
	redis.call("SET", KEYS[3], "1", "PX", ARGV[5])
	if ARGV[6] ~= "" then
		redis.call("DEL", KEYS[4])
		redis.call("HSET", KEYS[4], "out", ARGV[6], "sent", "0", "total", ARGV[7])
		redis.call("PEXPIRE", KEYS[4], ARGV[5])
	end
end
redis.call("DEL", KEYS[1])
return 1`)

// CommitNote ends the turn: it saves sess with sessionTTL and note beside
// it, for the next turn's Turn.Note ("" keeps none), or deletes the stored
// session when sess is nil and one existed (the note goes with it); it marks
// the message handled for doneTTL, with the replies KeepReplies gave; and it
// releases the lock — atomically, and only while the lock is still ours
// (else ErrLocked, and nothing is written).
func (t *Turn) CommitNote(ctx context.Context, sess *flow.Session, note string, sessionTTL, doneTTL time.Duration) error {
	if t.lock == nil {
		return fmt.Errorf("commit turn %s: already ended", t.addr)
	}
	mode, data := "keep", ""
	switch {
	case sess != nil:
		b, err := Marshal(sess, note)
		if err != nil {
			return fmt.Errorf("encode session %s: %w", t.addr, err)
		}
		mode, data = "save", string(t.s.encode(t.s.sessionKey(t.addr), b))
		if sessionTTL <= 0 {
			sessionTTL = t.s.ttl
		}
	case t.Session != nil || t.unreadable:
		mode = "delete"
	}
	doneMS := int64(0)
	doneKey := t.s.doneKey(t.addr, t.msgID)
	if t.msgID != "" && doneTTL > 0 {
		doneMS = max(doneTTL.Milliseconds(), 1)
	}
	n, err := commitScript.Run(ctx, t.s.rdb,
		[]string{t.lock.key, t.s.sessionKey(t.addr), doneKey, t.s.repliesKey(t.addr, t.msgID)},
		t.lock.token, mode, data, sessionTTL.Milliseconds(), doneMS, t.keep, t.keepN).Int()
	if err != nil {
		return fmt.Errorf("commit turn %s: %w", t.addr, err)
	}
	t.lock = nil
	if n == 0 {
		return fmt.Errorf("commit turn %s: lock expired before the commit: %w", t.addr, ErrLocked)
	}
	return nil
}

// confirmScript: KEYS replies; ARGV delivered count. The count only grows;
// once every reply is out the record goes.
var confirmScript = redis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 0 then
	return 0
end
local n = tonumber(ARGV[1])
if n >= tonumber(redis.call("HGET", KEYS[1], "total") or "0") then
	redis.call("DEL", KEYS[1])
	return 1
end
local sent = tonumber(redis.call("HGET", KEYS[1], "sent") or "0")
if n > sent then
	redis.call("HSET", KEYS[1], "sent", tostring(n))
end
return 1`)

// ConfirmReplies records that the first upto replies kept for message msgID
// of addr (Turn.KeepReplies) are delivered; once all are, the kept replies
// are dropped. Confirming again, or fewer than before, changes nothing.
func (s *Store) ConfirmReplies(ctx context.Context, addr channel.Address, msgID string, upto int) error {
	if msgID == "" {
		return nil
	}
	if err := confirmScript.Run(ctx, s.rdb, []string{s.repliesKey(addr, msgID)}, upto).Err(); err != nil {
		return fmt.Errorf("confirm replies %s: %w", addr, err)
	}
	return nil
}

// Lock is the contact lock the turn holds, to Extend it while a slow action
// runs (nil once the turn ended). Safe to use from another goroutine.
func (t *Turn) Lock() *Lock { return t.lock }

// Release ends the turn without writing anything (the message was a
// duplicate, or handling it failed). Releasing an ended turn does nothing.
func (t *Turn) Release(ctx context.Context) error {
	if t.lock == nil {
		return nil
	}
	l := t.lock
	t.lock = nil
	return l.Release(ctx)
}

// repliesKey holds the replies a turn kept for message msgID (KeepReplies):
// a hash of "out" (the encoded replies) and "sent" (how many are delivered).
func (s *Store) repliesKey(addr channel.Address, msgID string) string {
	return s.prefix + "replies:" + contactTag(addr) + ":" + msgID
}
