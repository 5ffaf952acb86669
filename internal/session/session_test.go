package session_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
)

// backend is one Redis implementation with a way to let time pass for key
// expiry (real time on a server, a fast-forward on miniredis).
type backend struct {
	rdb    redis.UniversalClient
	prefix string
	pass   func(d time.Duration)
}

func eachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Helper()
	for _, name := range sessiontest.Backends {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var b backend
			switch name {
			case "redis":
				b.rdb, b.prefix = sessiontest.Real(t)
				b.pass = time.Sleep
			case "miniredis":
				rdb, prefix, m := sessiontest.Mini(t)
				b.rdb, b.prefix = rdb, prefix
				b.pass = m.FastForward
			}
			fn(t, b)
		})
	}
}

var addr = channel.Address{Channel: channel.Telegram, ExternalID: "12345"}

// begin starts a turn the way the bot does (a minute's lock, a second's
// wait).
func begin(t *testing.T, s *session.Store, a channel.Address, msgID string) *session.Turn {
	t.Helper()
	tr, err := s.Begin(context.Background(), a, msgID, time.Minute, time.Second)
	if err != nil {
		t.Fatalf("Begin %s %q: %v", a, msgID, err)
	}
	return tr
}

// save stores sess for a through a turn, the only way the bot writes one
// (nil deletes the stored session); ttl 0 is the store's.
func save(t *testing.T, s *session.Store, a channel.Address, sess *flow.Session, ttl time.Duration) {
	t.Helper()
	if err := begin(t, s, a, "").CommitNote(context.Background(), sess, "", ttl, 0); err != nil {
		t.Fatalf("commit %s: %v", a, err)
	}
}

// handled reports whether message msgID of a was handled, as the next
// delivery's turn sees it.
func handled(t *testing.T, s *session.Store, a channel.Address, msgID string) bool {
	t.Helper()
	tr := begin(t, s, a, msgID)
	defer tr.Release(context.Background())
	return tr.Done
}

// markHandled handles message msgID of a, leaving the session as it was.
func markHandled(t *testing.T, s *session.Store, a channel.Address, msgID string, doneTTL time.Duration) {
	t.Helper()
	tr := begin(t, s, a, msgID)
	if err := tr.CommitNote(context.Background(), tr.Session, tr.Note, 0, doneTTL); err != nil {
		t.Fatalf("commit %s %q: %v", a, msgID, err)
	}
}

func TestSessionRoundTrip(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)

		got, err := s.Get(ctx, addr)
		if err != nil || got != nil {
			t.Fatalf("Get on empty = %v, %v; want nil, nil", got, err)
		}
		now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		want := &flow.Session{
			FlowID: "daftar", FlowVersion: 3, Step: "nama_usaha",
			Answers: map[string]any{"owner_name": "Siti Rahmah", "workers": float64(4)},
			Lang:    "id", History: []string{"consent", "owner_name"},
			Started: now, LastActive: now.Add(time.Minute),
			Contact: flow.Contact{ID: 7, Name: "Siti", Channel: "telegram", Lang: "id"},
		}
		save(t, s, addr, want, 0)
		got, err = s.Get(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		if got.FlowID != want.FlowID || got.FlowVersion != 3 || got.Step != want.Step ||
			got.Answers["owner_name"] != "Siti Rahmah" || got.Answers["workers"] != float64(4) ||
			len(got.History) != 2 || !got.Started.Equal(now) || got.Contact.ID != 7 {
			t.Errorf("round trip: got %+v", got)
		}
		// The next turn begins with it.
		if tr := begin(t, s, addr, ""); tr.Session == nil || tr.Session.Step != "nama_usaha" {
			t.Errorf("turn began with %+v", tr.Session)
		} else {
			tr.Release(ctx)
		}
		// Another contact on another channel with the same id is separate.
		other := channel.Address{Channel: channel.WhatsApp, ExternalID: "12345"}
		if g, _ := s.Get(ctx, other); g != nil {
			t.Errorf("whatsapp:12345 sees telegram:12345's session")
		}
		save(t, s, addr, nil, 0) // the conversation ended
		if g, err := s.Get(ctx, addr); g != nil || err != nil {
			t.Errorf("after a turn that ended the conversation: %v, %v", g, err)
		}
		save(t, s, addr, nil, 0) // ending it again is not an error
	})
}

func TestSaveSetsTTL(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		ttl := 2 * time.Hour
		s := session.New(b.rdb, b.prefix, ttl)
		save(t, s, addr, &flow.Session{FlowID: "daftar", Step: "a", Lang: "id"}, 0)
		got, err := b.rdb.PTTL(ctx, b.prefix+"sess:{telegram:12345}").Result()
		if err != nil {
			t.Fatal(err)
		}
		if got <= ttl-time.Minute || got > ttl {
			t.Errorf("session TTL = %v, want about the store's %v", got, ttl)
		}
		save(t, s, addr, &flow.Session{FlowID: "daftar", Step: "b", Lang: "id"}, 30*time.Minute)
		if got, _ := b.rdb.PTTL(ctx, b.prefix+"sess:{telegram:12345}").Result(); got <= 29*time.Minute || got > 30*time.Minute {
			t.Errorf("session TTL = %v, want about the turn's 30m", got)
		}
		// The default when no TTL is given.
		if d := session.New(b.rdb, b.prefix, 0).TTL(); d != session.DefaultTTL {
			t.Errorf("default TTL = %v", d)
		}
	})
}

func TestSessionExpires(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, 100*time.Millisecond)
		save(t, s, addr, &flow.Session{FlowID: "daftar", Step: "a"}, 0)
		b.pass(250 * time.Millisecond)
		if g, err := s.Get(ctx, addr); g != nil || err != nil {
			t.Errorf("after TTL: %v, %v; want nil, nil", g, err)
		}
	})
}

func TestCorruptSessionIsAnError(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		b.rdb.Set(ctx, b.prefix+"sess:{telegram:12345}", "{not json", time.Hour)
		if _, err := s.Get(ctx, addr); err == nil {
			t.Error("corrupt session: want an error")
		}
		if tr, err := s.Begin(ctx, addr, "", time.Minute, time.Second); err == nil {
			tr.Release(ctx)
			t.Error("corrupt session: Begin wants an error")
		}
	})
}

// TestRedeliveryHandledOnce: of racing deliveries of one message, exactly
// one finds it unhandled (the contact lock orders them; the marker is
// written with the commit), and the marker lives for the done TTL.
func TestRedeliveryHandledOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		var firsts atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				tr, err := s.Begin(ctx, addr, "race", time.Minute, 5*time.Second)
				if err != nil {
					t.Errorf("Begin: %v", err)
					return
				}
				if tr.Done {
					tr.Release(ctx)
					return
				}
				firsts.Add(1)
				if err := tr.CommitNote(ctx, tr.Session, "", 0, time.Hour); err != nil {
					t.Errorf("commit: %v", err)
				}
			})
		}
		wg.Wait()
		if firsts.Load() != 1 {
			t.Errorf("%d racing deliveries handled the message, want 1", firsts.Load())
		}
		ttl, _ := b.rdb.PTTL(ctx, b.prefix+"done:{telegram:12345}:race").Result()
		if ttl <= 0 || ttl > time.Hour {
			t.Errorf("dedupe TTL = %v", ttl)
		}
	})
}

func TestHandledMarker(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s := session.New(b.rdb, b.prefix, time.Hour)
		if handled(t, s, addr, "m9") {
			t.Fatal("handled before any turn")
		}
		markHandled(t, s, addr, "m9", 48*time.Hour)
		if !handled(t, s, addr, "m9") {
			t.Error("not handled after its turn committed")
		}
		// Telegram message ids repeat across chats: another contact's
		// message 9 is not this one.
		other := channel.Address{Channel: channel.Telegram, ExternalID: "999"}
		if handled(t, s, other, "m9") {
			t.Error("another contact's message counted as handled")
		}
		// A turn that failed (released, not committed) leaves the message
		// to be handled again.
		begin(t, s, addr, "m10").Release(context.Background())
		if handled(t, s, addr, "m10") {
			t.Error("a released turn marked its message handled")
		}
	})
}

func TestLockRace(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		// Two goroutines race for one contact's turn many times; the
		// critical section must never be entered by both at once.
		var inside, overlaps, entered atomic.Int32
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				for range 20 {
					tr, err := s.Begin(ctx, addr, "", 5*time.Second, 5*time.Second)
					if err != nil {
						t.Errorf("Begin: %v", err)
						return
					}
					if inside.Add(1) > 1 {
						overlaps.Add(1)
					}
					entered.Add(1)
					time.Sleep(time.Millisecond)
					inside.Add(-1)
					if err := tr.Release(ctx); err != nil {
						t.Errorf("Release: %v", err)
					}
				}
			})
		}
		wg.Wait()
		if overlaps.Load() != 0 {
			t.Errorf("critical section entered twice at once %d times", overlaps.Load())
		}
		if entered.Load() != 40 {
			t.Errorf("entered %d times, want 40", entered.Load())
		}
	})
}

func TestLockHeldRefusesOthers(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		tr, err := s.Begin(ctx, addr, "", time.Minute, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Begin(ctx, addr, "", time.Minute, 0); !errors.Is(err, session.ErrLocked) {
			t.Errorf("second Begin: %v, want ErrLocked", err)
		}
		if _, err := s.Begin(ctx, addr, "", time.Minute, 30*time.Millisecond); !errors.Is(err, session.ErrLocked) {
			t.Errorf("Begin waiting on a held lock: %v, want ErrLocked", err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Begin(cctx, addr, "", time.Minute, time.Second); !errors.Is(err, context.Canceled) {
			t.Errorf("Begin with cancelled ctx: %v", err)
		}
		if err := tr.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tr.Release(ctx); err != nil {
			t.Errorf("releasing an ended turn: %v, want nothing", err)
		}
		tr2, err := s.Begin(ctx, addr, "", time.Minute, 0)
		if err != nil {
			t.Fatalf("Begin after release: %v", err)
		}
		if err := tr2.Lock().Extend(ctx, 2*time.Minute); err != nil {
			t.Errorf("Extend own lock: %v", err)
		}
		if ttl, _ := b.rdb.PTTL(ctx, tr2.Lock().Key()).Result(); ttl <= time.Minute {
			t.Errorf("TTL after Extend = %v", ttl)
		}
		tr2.Release(ctx)
	})
}

func TestLockExpiryTakeoverAndNonOwnerRelease(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		oldTurn, err := s.Begin(ctx, addr, "", 50*time.Millisecond, 0)
		if err != nil {
			t.Fatal(err)
		}
		old := oldTurn.Lock()
		// The owner stalls past the TTL; another handler takes over.
		b.pass(150 * time.Millisecond)
		taker, err := s.Begin(ctx, addr, "", time.Minute, 0)
		if err != nil {
			t.Fatalf("takeover after expiry: %v", err)
		}
		// The old owner wakes up: its release must not free the new lock.
		if err := old.Release(ctx); !errors.Is(err, session.ErrLocked) {
			t.Errorf("stale owner's Release = %v, want ErrLocked", err)
		}
		if err := old.Extend(ctx, time.Minute); !errors.Is(err, session.ErrLocked) {
			t.Errorf("stale owner's Extend = %v, want ErrLocked", err)
		}
		if _, err := s.Begin(ctx, addr, "", time.Minute, 0); !errors.Is(err, session.ErrLocked) {
			t.Errorf("lock free after a non-owner release: %v", err)
		}
		l := taker.Lock()
		if err := l.Release(ctx); err != nil {
			t.Errorf("owner Release: %v", err)
		}
		if err := l.Release(ctx); !errors.Is(err, session.ErrLocked) {
			t.Errorf("double Release = %v, want ErrLocked", err)
		}
	})
}
