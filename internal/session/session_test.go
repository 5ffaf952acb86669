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
		if err := s.Save(ctx, addr, want); err != nil {
			t.Fatal(err)
		}
		got, err = s.Get(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		if got.FlowID != want.FlowID || got.FlowVersion != 3 || got.Step != want.Step ||
			got.Answers["owner_name"] != "Siti Rahmah" || got.Answers["workers"] != float64(4) ||
			len(got.History) != 2 || !got.Started.Equal(now) || got.Contact.ID != 7 {
			t.Errorf("round trip: got %+v", got)
		}
		// Another contact on another channel with the same id is separate.
		other := channel.Address{Channel: channel.WhatsApp, ExternalID: "12345"}
		if g, _ := s.Get(ctx, other); g != nil {
			t.Errorf("whatsapp:12345 sees telegram:12345's session")
		}
		if err := s.Delete(ctx, addr); err != nil {
			t.Fatal(err)
		}
		if g, err := s.Get(ctx, addr); g != nil || err != nil {
			t.Errorf("after Delete: %v, %v", g, err)
		}
		if err := s.Delete(ctx, addr); err != nil {
			t.Errorf("deleting a missing session: %v", err)
		}
	})
}

func TestSaveSetsTTL(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		ttl := 2 * time.Hour
		s := session.New(b.rdb, b.prefix, ttl)
		if err := s.Save(ctx, addr, &flow.Session{FlowID: "daftar", Step: "a", Lang: "id"}); err != nil {
			t.Fatal(err)
		}
		got, err := b.rdb.PTTL(ctx, b.prefix+"sess:{telegram:12345}").Result()
		if err != nil {
			t.Fatal(err)
		}
		if got <= ttl-time.Minute || got > ttl {
			t.Errorf("session TTL = %v, want about %v", got, ttl)
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
		if err := s.Save(ctx, addr, &flow.Session{FlowID: "daftar", Step: "a"}); err != nil {
			t.Fatal(err)
		}
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
	})
}

func TestSeen(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		first, err := s.Seen(ctx, "telegram", "m1", time.Hour)
		if err != nil || !first {
			t.Fatalf("first Seen = %v, %v", first, err)
		}
		first, err = s.Seen(ctx, "telegram", "m1", time.Hour)
		if err != nil || first {
			t.Fatalf("second Seen = %v, %v; want false", first, err)
		}
		if first, _ := s.Seen(ctx, "whatsapp", "m1", time.Hour); !first {
			t.Error("same id on another channel counted as seen")
		}
		// Racing callers: exactly one wins.
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if ok, err := s.Seen(ctx, "telegram", "race", time.Hour); err == nil && ok {
					wins.Add(1)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Errorf("%d racing Seen calls won, want 1", wins.Load())
		}
		ttl, _ := b.rdb.PTTL(ctx, b.prefix+"seen:telegram:m1").Result()
		if ttl <= 0 || ttl > time.Hour {
			t.Errorf("dedupe TTL = %v", ttl)
		}
	})
}

func TestDoneMarkDone(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		done, err := s.Done(ctx, addr, "m9")
		if err != nil || done {
			t.Fatalf("Done before = %v, %v", done, err)
		}
		if err := s.MarkDone(ctx, addr, "m9", 48*time.Hour); err != nil {
			t.Fatal(err)
		}
		if done, _ := s.Done(ctx, addr, "m9"); !done {
			t.Error("Done after MarkDone = false")
		}
		// Telegram message ids repeat across chats: another contact's
		// message 9 is not this one.
		other := channel.Address{Channel: channel.Telegram, ExternalID: "999"}
		if done, _ := s.Done(ctx, other, "m9"); done {
			t.Error("another contact's message counted as handled")
		}
	})
}

func TestLockRace(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		// Two goroutines race for one contact's lock many times; the
		// critical section must never be entered by both at once.
		var inside, overlaps, entered atomic.Int32
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				for range 20 {
					l, err := s.LockWait(ctx, "telegram:12345", 5*time.Second, 5*time.Second)
					if err != nil {
						t.Errorf("LockWait: %v", err)
						return
					}
					if inside.Add(1) > 1 {
						overlaps.Add(1)
					}
					entered.Add(1)
					time.Sleep(time.Millisecond)
					inside.Add(-1)
					if err := l.Release(ctx); err != nil {
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
		l, err := s.Lock(ctx, "k", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Lock(ctx, "k", time.Minute); !errors.Is(err, session.ErrLocked) {
			t.Errorf("second Lock: %v, want ErrLocked", err)
		}
		if _, err := s.LockWait(ctx, "k", time.Minute, 30*time.Millisecond); !errors.Is(err, session.ErrLocked) {
			t.Errorf("LockWait on a held lock: %v, want ErrLocked", err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.LockWait(cctx, "k", time.Minute, time.Second); !errors.Is(err, context.Canceled) {
			t.Errorf("LockWait with cancelled ctx: %v", err)
		}
		if err := l.Release(ctx); err != nil {
			t.Fatal(err)
		}
		l2, err := s.Lock(ctx, "k", time.Minute)
		if err != nil {
			t.Fatalf("Lock after release: %v", err)
		}
		if err := l2.Extend(ctx, 2*time.Minute); err != nil {
			t.Errorf("Extend own lock: %v", err)
		}
		if ttl, _ := b.rdb.PTTL(ctx, l2.Key()).Result(); ttl <= time.Minute {
			t.Errorf("TTL after Extend = %v", ttl)
		}
	})
}

func TestLockExpiryTakeoverAndNonOwnerRelease(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		old, err := s.Lock(ctx, "k", 50*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		// The owner stalls past the TTL; another handler takes over.
		b.pass(150 * time.Millisecond)
		taker, err := s.Lock(ctx, "k", time.Minute)
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
		if _, err := s.Lock(ctx, "k", time.Minute); !errors.Is(err, session.ErrLocked) {
			t.Errorf("lock free after a non-owner release: %v", err)
		}
		if err := taker.Release(ctx); err != nil {
			t.Errorf("owner Release: %v", err)
		}
		if err := taker.Release(ctx); !errors.Is(err, session.ErrLocked) {
			t.Errorf("double Release = %v, want ErrLocked", err)
		}
	})
}
