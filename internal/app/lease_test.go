package app

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/faulttest"
)

// TestLeaseOneHolderThroughAPartition runs three lease holders, each on its
// own connection to Redis through a proxy, and cuts the holder's proxy
// twice: the holder must stop its task before another replica starts one
// (never two running at once), and another must take over.
func TestLeaseOneHolderThroughAPartition(t *testing.T) {
	t.Parallel()
	redisURL, prefix := realRedis(t)
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	const ttl = 1500 * time.Millisecond
	type replica struct {
		proxy *faulttest.Proxy
		lease *Lease
	}
	var running, most, starts atomic.Int32
	var mu sync.Mutex
	var holders []string
	task := func(name string) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			n := running.Add(1)
			defer running.Add(-1)
			starts.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			mu.Lock()
			holders = append(holders, name)
			mu.Unlock()
			<-ctx.Done()
			return nil
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var reps []replica
	for i := range 3 {
		p := faulttest.NewProxy(t, opt.Addr)
		o := *opt
		o.Addr = p.Addr()
		o.MaxRetries = -1
		o.DialTimeout, o.ReadTimeout = 200*time.Millisecond, 200*time.Millisecond
		rdb := redis.NewClient(&o)
		t.Cleanup(func() { rdb.Close() })
		l := NewLease(rdb, prefix+"lease:test", ttl, nil)
		reps = append(reps, replica{p, l})
		name := string(rune('A' + i))
		wg.Go(func() { _ = l.Run(ctx, task(name)) })
	}
	holder := func() int {
		for {
			for i, r := range reps {
				if r.lease.Held() {
					return i
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	for range 2 {
		h := holder()
		before := starts.Load()
		reps[h].proxy.Cut()
		for starts.Load() == before {
			time.Sleep(10 * time.Millisecond)
		}
		reps[h].proxy.Restore()
	}
	cancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	t.Logf("holders in turn: %s", strings.Join(holders, " → "))
	if most.Load() != 1 {
		t.Fatalf("%d tasks ran at once", most.Load())
	}
	if len(holders) < 3 {
		t.Fatalf("holders %v: no take-over", holders)
	}
}
