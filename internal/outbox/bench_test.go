package outbox_test

import (
	"context"
	"fmt"
	"syscall"
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

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkTelegram10k sends 10,000 invitations through the real Telegram
// adapter to the fake Bot API server, which enforces 300 messages a second
// (ten times Telegram's 30/s, to keep the run near 35 s) and answers 429
// beyond it. It reports the achieved rate as a fraction of that limit, the
// 429s received, and the process CPU per message (dispatcher, adapter and
// fake server together; PostgreSQL runs in its own process). Each run takes
// about half a minute, so run it once:
//
//	go test ./internal/outbox -run '^$' -bench Telegram10k -benchtime 1x
func BenchmarkTelegram10k(b *testing.B) {
	for range b.N {
		benchSend(b, 10000, 300)
	}
}

func benchSend(b *testing.B, n int, limit float64) {
	b.StopTimer()
	ctx := context.Background()
	db := storetest.New(b, store.Postgres)
	rdb, prefix := outboxtest.Redis(b)
	srv := tgtest.New(b)
	tg, err := telegram.New(telegram.Config{
		Token: srv.Token(), APIURL: srv.URL(), Redis: rdb, KeyPrefix: prefix + "tg:",
		Handler: channel.HandlerFunc(func(context.Context, channel.Inbound) ([]channel.Outbound, error) { return nil, nil }),
	})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	var msgs []outbox.Message
	err = db.InTx(ctx, func(tx *sqlx.Tx) error {
		for i := range n {
			a := channel.Address{Channel: channel.Telegram, ExternalID: fmt.Sprint(200000 + i)}
			id, err := store.InsertID(ctx, tx, db.Dialect, `INSERT INTO contacts (channel, external_id, first_seen, last_seen) VALUES (?, ?, ?, ?)`, string(a.Channel), a.ExternalID, now, now)
			if err != nil {
				return err
			}
			msgs = append(msgs, outbox.Message{
				Kind: outbox.KindInvite, To: a, ContactID: id, DedupeKey: fmt.Sprintf("bench:%d", id), Priority: outbox.PriorityInvite,
				Payload: outbox.Payload{Text: fmt.Sprintf("Selamat siang, Bapak/Ibu %d. Dinas Koperasi dan UMKM mengundang ...", i),
					Choices: []channel.Choice{{Label: "Hadir", Value: "rsvp_x_yes"}, {Label: "Tidak hadir", Value: "rsvp_x_no"}, {Label: "Mungkin", Value: "rsvp_x_maybe"}}},
			})
		}
		_, err := store.Enqueue(ctx, tx, msgs, now)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	repo := store.NewOutboxRepo(db)
	srv.RateLimit(limit, 1)
	d := outbox.NewDispatcher(outbox.Config{
		Store:    repo,
		Channels: map[channel.Name]channel.Channel{channel.Telegram: tg},
		Limits:   map[channel.Name]outbox.Limit{channel.Telegram: {PerSecond: limit, PerChatPerSecond: 1}},
		Redis:    rdb, KeyPrefix: prefix, Workers: 8, Poll: 20 * time.Millisecond, ProgressEvery: -1,
	})
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	cpu0, t0 := cpuTime(), time.Now()
	b.StartTimer()
	done := make(chan struct{})
	go func() { _ = d.Run(runCtx); close(done) }()
	for srv.Calls("sendMessage")-srv.Stats().RateLimited < int64(n) {
		time.Sleep(5 * time.Millisecond)
	}
	elapsed, cpu := time.Since(t0), cpuTime()-cpu0
	b.StopTimer()
	stop()
	<-done
	c, _ := repo.OutboxCounts(ctx, 0)
	if c[outbox.StatusSent] != n {
		b.Fatalf("sent %v, want %d", c, n)
	}
	rate := float64(n) / elapsed.Seconds()
	st := srv.Stats()
	b.ReportMetric(rate, "msg/s")
	b.ReportMetric(rate/limit, "of-limit")
	b.ReportMetric(float64(st.RateLimited), "429s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/msg")
	b.Logf("%d messages in %v: %.1f/s = %.3f of the %.0f/s limit (schedule %.0f/s), %d 429s, %.0f µs CPU per message",
		n, elapsed.Round(time.Millisecond), rate, rate/limit, limit, limit*outbox.RateMargin, st.RateLimited, float64(cpu.Microseconds())/float64(n))
}
