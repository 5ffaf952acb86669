package outbox_test

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/faulttest"
	"jejaring/internal/outbox"
	"jejaring/internal/outbox/outboxtest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// downStore is an outbox.Store whose database can be made unreachable: every
// call fails while down is set, as with a server that went away. The SQLite
// side of TestMarkOutage uses it (a file has no connection to cut).
type downStore struct {
	outbox.Store
	down atomic.Bool
}

var errDown = errors.New("database unreachable (test)")

func (s *downStore) Claim(ctx context.Context, ch channel.Name, worker string, now time.Time, lease time.Duration, limit int) ([]outbox.Row, error) {
	if s.down.Load() {
		return nil, errDown
	}
	return s.Store.Claim(ctx, ch, worker, now, lease, limit)
}

func (s *downStore) Finish(ctx context.Context, id int64, worker, status, platformID, errText string, now time.Time) error {
	if s.down.Load() {
		return errDown
	}
	return s.Store.Finish(ctx, id, worker, status, platformID, errText, now)
}

func (s *downStore) Extend(ctx context.Context, id int64, worker string, until, now time.Time) error {
	if s.down.Load() {
		return errDown
	}
	return s.Store.Extend(ctx, id, worker, until, now)
}

func (s *downStore) Retry(ctx context.Context, id int64, worker, errText string, next time.Time, countAttempt bool, now time.Time) error {
	if s.down.Load() {
		return errDown
	}
	return s.Store.Retry(ctx, id, worker, errText, next, countAttempt, now)
}

func (s *downStore) Unreachable(ctx context.Context, ids []int64) (map[int64]bool, map[int64]bool, error) {
	if s.down.Load() {
		return nil, nil, errDown
	}
	return s.Store.Unreachable(ctx, ids)
}

// cutAfter is the platform as seen by the first dispatcher: after its n-th
// accepted message the database goes away (cut runs once).
type cutAfter struct {
	channel.Channel
	n    int64
	sent atomic.Int64
	once sync.Once
	cut  func()
}

func (c *cutAfter) Send(ctx context.Context, to channel.Address, msg channel.Outbound) (channel.SendResult, error) {
	res, err := c.Channel.Send(ctx, to, msg)
	if err == nil && c.sent.Add(1) == c.n {
		c.once.Do(c.cut)
	}
	return res, err
}

// TestMarkOutage loses the database under a dispatcher in the middle of a
// batch, right after the platform accepted a message: on PostgreSQL by
// cutting a TCP proxy between them, on SQLite through downStore. A second
// dispatcher that still reaches the database runs during the outage and
// takes the first one's rows over once their lease ends (takeover); alone,
// the first dispatcher must land its own marks when the database is back. Every recipient must
// get their invitation exactly once: the first dispatcher retries its marks
// until they land and stops sending, and the rows it sent but could not mark
// are fenced in Redis so the second marks them instead of sending them again.
func TestMarkOutage(t *testing.T) {
	for _, tc := range []struct {
		dialect  string
		takeover bool // a second dispatcher runs during the outage
	}{
		{store.Postgres, true}, {store.Postgres, false}, {store.SQLite, true}, {store.SQLite, false},
	} {
		dialect := tc.dialect
		name := dialect + "/alone"
		if tc.takeover {
			name = dialect + "/takeover"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var direct *store.DB
			var firstStore outbox.Store
			var cut, restore func()
			if dialect == store.Postgres {
				u := storetest.URL(t)
				var err error
				direct, err = store.Open(ctx, u, "")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { direct.Close() })
				if err := direct.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				pu, _ := url.Parse(u)
				proxy := faulttest.NewProxy(t, pu.Host)
				pu.Host = proxy.Addr()
				viaProxy, err := store.Open(ctx, pu.String(), "")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { viaProxy.Close() })
				firstStore = store.NewOutboxRepo(viaProxy)
				cut, restore = proxy.Cut, proxy.Restore
			} else {
				direct = storetest.New(t, dialect)
				ds := &downStore{Store: store.NewOutboxRepo(direct)}
				firstStore = ds
				cut, restore = func() { ds.down.Store(true) }, func() { ds.down.Store(false) }
			}
			rdb, prefix := outboxtest.Redis(t)
			const total = 300
			contacts := addContacts(t, direct, total, channel.WebChat)
			repo := store.NewOutboxRepo(direct)
			if n, err := repo.Enqueue(ctx, invites(contacts, time.Now()), time.Now()); err != nil || n != total {
				t.Fatalf("enqueue: %d, %v", n, err)
			}
			platform := &outboxtest.Channel{N: channel.WebChat, Latency: 2 * time.Millisecond}
			cutAt := make(chan struct{})
			first := &cutAfter{Channel: platform, n: 40, cut: func() { cut(); close(cutAt) }}
			const lease = 2 * time.Second
			cfg := func(st outbox.Store, ch channel.Channel, worker string) outbox.Config {
				return outbox.Config{
					Store: st, Channels: map[channel.Name]channel.Channel{channel.WebChat: ch},
					Limits: map[channel.Name]outbox.Limit{channel.WebChat: {}}, Redis: rdb, KeyPrefix: prefix,
					Worker: worker, Lease: lease, Batch: 50, Poll: 50 * time.Millisecond, ProgressEvery: -1, ChannelOffAfter: -1,
				}
			}
			d1 := outbox.NewDispatcher(cfg(firstStore, first, "first"))
			d2 := outbox.NewDispatcher(cfg(repo, platform, "second"))
			rctx, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			wg.Go(func() { _ = d1.Run(rctx) })
			select {
			case <-cutAt:
			case <-time.After(time.Minute):
				t.Fatal("the first dispatcher never sent 40 messages")
			}
			sentAtCut := platform.Count()
			if tc.takeover {
				wg.Go(func() { _ = d2.Run(rctx) })
			}
			// Out for three leases: the second dispatcher takes the
			// first one's rows over meanwhile.
			time.Sleep(3 * lease)
			duringOutage := first.sent.Load()
			restore()
			waitProgress(t, "all invitations sent", func() bool { return sentCount(repo) == total },
				func() int { return sentCount(repo) }, countsState(repo))
			stop()
			wg.Wait()

			per := map[string]int{}
			for _, s := range platform.Sent() {
				per[s.To.ExternalID]++
			}
			lost, doubled := 0, 0
			for _, a := range contacts {
				switch n := per[a.ExternalID]; {
				case n == 0:
					lost++
				case n > 1:
					doubled += n - 1
				}
			}
			t.Logf("sent before the cut %d, by the first dispatcher while cut %d, delivered %d, lost %d, doubled %d",
				sentAtCut, duringOutage-int64(sentAtCut), platform.Count(), lost, doubled)
			if lost != 0 || doubled != 0 {
				t.Fatalf("lost %d, doubled %d of %d invitations", lost, doubled, total)
			}
			// The first dispatcher stopped sending once its marks failed:
			// at most its workers' sends in flight at the cut.
			if extra := duringOutage - 40; extra > 4 {
				t.Errorf("the first dispatcher sent %d more messages after its database went away", extra)
			}
		})
	}
}
