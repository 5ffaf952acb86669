package outbox_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/outbox"
	"jejaring/internal/outbox/outboxtest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// failPart is the platform failing the first send of one text: with a
// 502, or (crash) by stopping the dispatcher in the middle of the row, as
// a kill would.
type failPart struct {
	channel.Channel
	text  string
	crash func()
	mu    sync.Mutex
	done  bool
}

func (f *failPart) Send(ctx context.Context, to channel.Address, msg channel.Outbound) (channel.SendResult, error) {
	f.mu.Lock()
	failed := !f.done && msg.Text == f.text
	f.done = f.done || failed
	f.mu.Unlock()
	if failed {
		if f.crash != nil {
			f.crash()
			return channel.SendResult{}, context.Canceled
		}
		return channel.SendResult{}, errors.New("telegram: 502 Bad Gateway")
	}
	return f.Channel.Send(ctx, to, msg)
}

// TestReplyPartsNotDropped: a queued turn's replies are one KindReply row,
// the later ones its Then parts. A later part that fails is retried, from
// that part on, whether it failed with a 502 or the process died in the
// middle of the row: every reply arrives once, in order. (Before, a failed
// Then part was dropped as an "attachment" and the row marked sent, and a
// crash after the first part left the rest to the sent fence, unsent.)
func TestReplyPartsNotDropped(t *testing.T) {
	for _, d := range storetest.Dialects {
		for _, crash := range []bool{false, true} {
			name := d + "/502"
			if crash {
				name = d + "/crash"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				db := storetest.New(t, d)
				rdb, prefix := outboxtest.Redis(t)
				contacts := addContacts(t, db, 1, channel.WebChat)
				var id int64
				var to channel.Address
				for k, v := range contacts {
					id, to = k, v
				}
				repo := store.NewOutboxRepo(db)
				msg := outbox.Message{
					Kind: outbox.KindReply, To: to, ContactID: id, DedupeKey: "reply:test:parts",
					Payload: outbox.Payload{Text: "Terima kasih, Bu.", Then: []outbox.Payload{
						{Text: "Apa nama usaha Ibu?"}, {Text: "Ketik *batal* untuk berhenti."},
					}},
					Priority: outbox.PriorityPersonal, NotBefore: time.Now(),
				}
				if n, err := repo.Enqueue(ctx, []outbox.Message{msg}, time.Now()); err != nil || n != 1 {
					t.Fatalf("enqueue: %d, %v", n, err)
				}
				platform := &outboxtest.Channel{N: channel.WebChat}
				cfg := func(ch channel.Channel, worker string) outbox.Config {
					return outbox.Config{
						Store: repo, Channels: map[channel.Name]channel.Channel{channel.WebChat: ch},
						Limits: map[channel.Name]outbox.Limit{channel.WebChat: {}}, Redis: rdb, KeyPrefix: prefix,
						Worker: worker, Lease: time.Second, Batch: 10, Poll: 20 * time.Millisecond,
						BackoffBase: 20 * time.Millisecond, ProgressEvery: -1, ChannelOffAfter: -1,
					}
				}
				rctx, stop := context.WithCancel(ctx)
				defer stop()
				fp := &failPart{Channel: platform, text: "Apa nama usaha Ibu?"}
				var wg sync.WaitGroup
				if crash {
					c1, kill := context.WithCancel(ctx)
					fp.crash = kill
					d1 := outbox.NewDispatcher(cfg(fp, "first"))
					_ = d1.Run(c1) // returns once "killed" mid-row
					wg.Go(func() { _ = outbox.NewDispatcher(cfg(platform, "second")).Run(rctx) })
				} else {
					wg.Go(func() { _ = outbox.NewDispatcher(cfg(fp, "only")).Run(rctx) })
				}
				waitProgress(t, "the reply row sent", func() bool { return sentCount(repo) == 1 },
					func() int { return platform.Count() }, countsState(repo))
				stop()
				wg.Wait()
				var got []string
				for _, s := range platform.Sent() {
					got = append(got, s.Msg.Text)
				}
				want := "Terima kasih, Bu.|Apa nama usaha Ibu?|Ketik *batal* untuk berhenti."
				if strings.Join(got, "|") != want {
					t.Fatalf("delivered %q; want each reply once, in order: %s", got, want)
				}
			})
		}
	}
}
