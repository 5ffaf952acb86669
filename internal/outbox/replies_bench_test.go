package outbox_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram"
	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/outbox"
	"jejaring/internal/outbox/outboxtest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// BenchmarkRepliesBeforeBulk measures replies before bulk on Telegram's own
// limit: the fake Bot API server enforces 30 messages a second (429 beyond
// it) while a broadcast goes out through the dispatcher and the real
// Telegram adapter, whose replies wait for ReplyTurn. First nobody chats
// (the broadcast's rate as a fraction of the limit), then users write, each
// about once every two seconds (reply latency from the user's message to
// the answer at the server, p50/p95/max, and what the broadcast still
// gets). Run it once:
//
//	go test ./internal/outbox -run '^$' -bench RepliesBeforeBulk -benchtime 1x
func BenchmarkRepliesBeforeBulk(b *testing.B) {
	for range b.N {
		for _, users := range []int{0, 10, 20} {
			b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) { repliesBeforeBulk(b, users) })
		}
	}
}

func repliesBeforeBulk(b *testing.B, users int) {
	const limit = 30.0
	const phase = 20 * time.Second
	ctx := context.Background()
	db := storetest.New(b, store.Postgres)
	rdb, prefix := outboxtest.Redis(b)
	srv := tgtest.New(b)
	srv.RateLimit(limit, 1)
	var d *outbox.Dispatcher
	tg, err := telegram.New(telegram.Config{
		Token: srv.Token(), APIURL: srv.URL(), Redis: rdb, KeyPrefix: prefix + "tg:", PollTimeout: time.Second,
		Handler: channel.HandlerFunc(func(_ context.Context, in channel.Inbound) ([]channel.Outbound, error) {
			return []channel.Outbound{{Text: "Baik, dicatat: " + in.Text}}, nil
		}),
		ReplyTurn: func(ctx context.Context) error { return d.ReplyTurn(ctx, channel.Telegram) },
	})
	if err != nil {
		b.Fatal(err)
	}
	// Enough invitations to last the whole phase at the full rate.
	n := int(limit*phase.Seconds()) + 200
	now := time.Now().UTC()
	var msgs []outbox.Message
	err = db.InTx(ctx, func(tx *sqlx.Tx) error {
		for i := range n {
			a := channel.Address{Channel: channel.Telegram, ExternalID: fmt.Sprint(300000 + i)}
			id, err := store.InsertID(ctx, tx, db.Dialect, `INSERT INTO contacts (channel, external_id, first_seen, last_seen) VALUES (?, ?, ?, ?)`, string(a.Channel), a.ExternalID, now, now)
			if err != nil {
				return err
			}
			msgs = append(msgs, outbox.Message{Kind: outbox.KindInvite, To: a, ContactID: id, DedupeKey: fmt.Sprintf("rbb:%d", id),
				Priority: outbox.PriorityInvite, Payload: outbox.Payload{Text: fmt.Sprintf("Undangan %d", i)}})
		}
		_, err := store.Enqueue(ctx, tx, msgs, now)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	repo := store.NewOutboxRepo(db)
	d = outbox.NewDispatcher(outbox.Config{
		Store: repo, Channels: map[channel.Name]channel.Channel{channel.Telegram: tg}, Redis: rdb, KeyPrefix: prefix,
		Workers: 8, Poll: 20 * time.Millisecond, ProgressEvery: -1, ChannelOffAfter: -1,
	})
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = d.Run(runCtx) })
	wg.Go(func() { _ = tg.Run(runCtx) })
	// Let the broadcast reach its pace before measuring.
	for sentCountB(repo) < 60 {
		time.Sleep(10 * time.Millisecond)
	}
	sent0, t0 := sentCountB(repo), time.Now()
	var mu sync.Mutex
	var lat []time.Duration
	var uw sync.WaitGroup
	for u := range users {
		uw.Go(func() {
			chat := int64(900000 + u)
			// Spread the users over the two seconds.
			time.Sleep(time.Duration(u) * 2 * time.Second / time.Duration(users))
			for i := 0; time.Since(t0) < phase; i++ {
				start := time.Now()
				srv.SendText(chat, fmt.Sprintf("pesan %d", i))
				wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				_, err := srv.WaitSent(wctx, chat, i+1)
				cancel()
				if err != nil {
					return
				}
				mu.Lock()
				lat = append(lat, time.Since(start))
				mu.Unlock()
				time.Sleep(2*time.Second - time.Since(start)%(2*time.Second))
			}
		})
	}
	for time.Since(t0) < phase {
		time.Sleep(50 * time.Millisecond)
	}
	bulk := float64(sentCountB(repo)-sent0) / time.Since(t0).Seconds()
	uw.Wait()
	stop()
	wg.Wait()
	st := srv.Stats()
	b.ReportMetric(bulk/limit, "bulk-of-limit")
	b.ReportMetric(float64(st.RateLimited), "429s")
	if len(lat) > 0 {
		slices.Sort(lat)
		p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
		b.ReportMetric(float64(p(0.95).Milliseconds()), "reply-p95-ms")
		replies := float64(len(lat)) / phase.Seconds()
		b.Logf("%d users chatting, %d replies (%.1f/s): latency p50 %s, p95 %s, max %s; broadcast %.1f/s = %.3f of the %.0f/s limit, with the replies %.3f; %d × 429",
			users, len(lat), replies, p(0.5).Round(time.Millisecond), p(0.95).Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond),
			bulk, bulk/limit, limit, (bulk+replies)/limit, st.RateLimited)
	} else {
		b.Logf("nobody chatting: broadcast %.1f/s = %.3f of the %.0f/s limit; %d × 429", bulk, bulk/limit, limit, st.RateLimited)
	}
}

func sentCountB(repo *store.OutboxRepo) int {
	c, err := repo.OutboxCounts(context.Background(), 0)
	if err != nil {
		return -1
	}
	return c[outbox.StatusSent]
}
