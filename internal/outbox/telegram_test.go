package outbox_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram"
	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/outbox"
	"jejaring/internal/outbox/outboxtest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestKillAndRestartTelegram is TestKillAndRestart through the real
// Telegram adapter and engineer D's fake Bot API server, which enforces a
// rate limit (429 with retry_after) below what the dispatcher is told, and
// answers bursts of 502s while the bulk is sent.
func TestKillAndRestartTelegram(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rdb, prefix := outboxtest.Redis(t)
		srv := tgtest.New(t)
		// At first the server allows far less than the dispatcher is told,
		// so it answers 429 (retry_after 1 s); after a few it relaxes.
		srv.RateLimit(2, 1)
		tg, err := telegram.New(telegram.Config{
			Token: srv.Token(), APIURL: srv.URL(), Redis: rdb, KeyPrefix: prefix + "tg:",
			Handler: channel.HandlerFunc(func(context.Context, channel.Inbound) ([]channel.Outbound, error) { return nil, nil }),
		})
		if err != nil {
			t.Fatal(err)
		}
		web := &outboxtest.Channel{N: channel.WebChat, Every5xx: 41}
		total := broadcastSize(db)
		contacts := addContacts(t, db, total, channel.WebChat, channel.Telegram)
		repo := store.NewOutboxRepo(db)
		msgs := invites(contacts, time.Now())
		for i := range msgs {
			msgs[i].Payload.Choices = []channel.Choice{{Label: "Hadir", Value: "rsvp_abc_yes"}, {Label: "Tidak hadir", Value: "rsvp_abc_no"}}
		}
		if n, err := repo.Enqueue(ctx, msgs, time.Now()); err != nil || n != total {
			t.Fatalf("enqueue: %d, %v", n, err)
		}
		// Bursts of 502s while sending.
		stopFaults := make(chan struct{})
		var faults sync.WaitGroup
		relaxed := false
		faults.Go(func() {
			tick := time.NewTicker(150 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stopFaults:
					return
				case <-tick.C:
					// Bursts while the bulk of the sends flows; none
					// at the tail, where the few retries left would
					// meet every burst.
					if srv.Calls("sendMessage") < int64(total*40/100) {
						srv.Fail5xx(2)
					}
					if st := srv.Stats(); st.RateLimited >= 3 && !relaxed {
						srv.RateLimit(300, 1)
						relaxed = true
					}
				}
			}
		})
		defer func() { close(stopFaults); faults.Wait() }()
		newDispatcher := func(worker string) *outbox.Dispatcher {
			return outbox.NewDispatcher(outbox.Config{
				Store:    repo,
				Channels: map[channel.Name]channel.Channel{channel.Telegram: tg, channel.WebChat: web},
				Limits: map[channel.Name]outbox.Limit{
					channel.Telegram: {PerSecond: 600, PerChatPerSecond: 1},
					channel.WebChat:  {},
				},
				Redis: rdb, KeyPrefix: prefix, Worker: worker,
				// A 4 s lease caps a call at 2 s: with 1 s (a 500 ms
				// cap) a call to the fake server that was slow under
				// load timed out after the server had taken it, and
				// the retry sent a second invitation.
				Lease: 4 * time.Second, Batch: 40, Workers: 8, Poll: 10 * time.Millisecond,
				BackoffBase: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond, MaxAttempts: 50,
				ProgressEvery: -1,
			})
		}
		tgSent := func() int { return int(srv.Calls("sendMessage")) }
		runCtx, kill := context.WithCancel(ctx)
		first := newDispatcher("first")
		stopped := make(chan struct{})
		go func() { _ = first.Run(runCtx); close(stopped) }()
		waitProgress(t, "the first telegram sends", func() bool { return tgSent() >= total*75/1000 }, tgSent, countsState(repo))
		kill()
		<-stopped
		counts, _ := repo.OutboxCounts(ctx, 0)
		t.Logf("after kill: %v", counts)
		if counts[outbox.StatusSent] == total {
			t.Fatal("the kill came too late")
		}
		ghostHolds(t, repo)
		srv.RateLimit(250, 1)
		second := newDispatcher("second")
		runCtx2, stop2 := context.WithCancel(ctx)
		defer stop2()
		done2 := make(chan struct{})
		go func() { _ = second.Run(runCtx2); close(done2) }()
		waitProgress(t, "every row sent", func() bool { return sentCount(repo) == total },
			func() int { return sentCount(repo) }, func() string {
				var errs []string
				_ = db.Select(&errs, `SELECT last_error FROM outbox WHERE status = 'failed'`)
				return fmt.Sprintf("%s; failed rows: %q; fake %+v; dispatcher %+v", countsState(repo)(), errs, srv.Stats(), second.Stats())
			})
		stop2()
		<-done2

		webGot := map[string]int{}
		for _, s := range web.Sent() {
			webGot[s.To.ExternalID]++
		}
		for id, a := range contacts {
			var n int
			if a.Channel == channel.Telegram {
				chat, _ := strconv.ParseInt(a.ExternalID, 10, 64)
				sent := srv.Sent(chat)
				n = len(sent)
				if n == 1 && !sent[0].HasButton("Hadir") {
					t.Errorf("chat %d: invitation without the Hadir button", chat)
				}
			} else {
				n = webGot[a.ExternalID]
			}
			if n != 1 {
				t.Errorf("contact %d (%s) got %d invitations, want 1", id, a, n)
			}
		}
		st := srv.Stats()
		t.Logf("fake server: %d requests, %d answered 429, %d answered 502; dispatchers: %+v %+v", st.Requests, st.RateLimited, st.Failed5xx, first.Stats(), second.Stats())
		if st.Failed5xx == 0 || st.RateLimited == 0 {
			t.Errorf("faults injected: %d 502s, %d 429s; want some of each", st.Failed5xx, st.RateLimited)
		}
	})
}
