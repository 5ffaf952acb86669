package bot_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/flow"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// benchBackends are the two deployments: the local mode (in-process
// miniredis, SQLite file) and production's (Redis server, PostgreSQL).
var benchBackends = []struct {
	name, redis, dialect string
}{
	{"miniredis+sqlite", "miniredis", store.SQLite},
	{"redis+postgres", "redis", store.Postgres},
}

// BenchmarkHandle sends text messages through the whole pipeline: 100
// contacts take turns, each in a three-message conversation (keyword, a
// text answer, a yes/no that ends the flow), so the figure averages a
// start, a step and an end with its session delete.
func BenchmarkHandle(b *testing.B) {
	set := loadFlows(b)
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			rdb, prefix := sessiontest.New(b, be.redis)
			trips := &countTrips{}
			rdb.AddHook(trips)
			db := storetest.New(b, be.dialect)
			h := bottest.NewWith(b, set, nil, db, session.New(rdb, prefix, time.Hour))
			script := []string{"bench", "Kerupuk Sanjai", "ya"}
			const contacts = 100
			addrs := make([]channel.Address, contacts)
			for i := range addrs {
				addrs[i] = channel.Address{Channel: channel.Telegram, ExternalID: fmt.Sprint(1000000 + i)}
			}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				turn := (i / contacts) % len(script)
				in := channel.Inbound{
					From: addrs[i%contacts], MessageID: fmt.Sprint("b", i), Kind: channel.KindText,
					Text: script[turn], Time: bottest.Start,
				}
				out, err := h.Bot.Handle(ctx, in)
				if err != nil || len(out) == 0 {
					b.Fatalf("message %d: %v %+v", i, err, out)
				}
			}
			b.ReportMetric(float64(trips.n.Load())/float64(b.N), "redis-trips/op")
		})
	}
}

// BenchmarkFloor measures the bare I/O one message needs, on the same
// backends: one Redis round trip (a GET), the Redis part of a turn (Begin:
// one pipelined round trip taking the lock and reading the marker and the
// session; Commit: one Lua script saving, marking and releasing), and the
// contact upsert's SQL (a SELECT within a minute of the last message, else
// an UPDATE; the benchmark alternates as BenchmarkHandle's contacts do).
func BenchmarkFloor(b *testing.B) {
	for _, be := range benchBackends {
		b.Run(be.name+"/redis-roundtrip", func(b *testing.B) {
			rdb, prefix := sessiontest.New(b, be.redis)
			benchRedis(b, rdb, prefix)
		})
		b.Run(be.name+"/redis-turn", func(b *testing.B) {
			rdb, prefix := sessiontest.New(b, be.redis)
			s := session.New(rdb, prefix, time.Hour)
			ctx := context.Background()
			addr := channel.Address{Channel: channel.Telegram, ExternalID: "1"}
			sess := &flow.Session{FlowID: "bench", FlowVersion: 1, Step: "open", Lang: "id",
				Answers: map[string]any{"business_name": "Kerupuk Sanjai"}, Started: bottest.Start, LastActive: bottest.Start,
				Contact: flow.Contact{ID: 1, Channel: "telegram", Lang: "id"}}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				tr, err := s.Begin(ctx, addr, fmt.Sprint("f", i), time.Minute, time.Second)
				if err != nil {
					b.Fatal(err)
				}
				if err := tr.CommitNote(ctx, sess, "", time.Hour, time.Hour); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(be.name+"/sql-upsert-contact", func(b *testing.B) {
			db := storetest.New(b, be.dialect)
			ctx := context.Background()
			seen := contact.Seen{Channel: "telegram", ExternalID: "1", At: bottest.Start}
			if _, _, err := db.UpsertContact(ctx, seen); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				// BenchmarkHandle's clock stands still, so its contacts
				// are only read after their first message: do the same.
				if _, _, err := db.UpsertContact(ctx, seen); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchRedis(b *testing.B, rdb redis.UniversalClient, prefix string) {
	ctx := context.Background()
	key := prefix + "floor"
	rdb.Set(ctx, key, `{"flow":"bench","step":"open"}`, time.Hour)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := rdb.Get(ctx, key).Err(); err != nil {
			b.Fatal(err)
		}
	}
}

// countTrips counts Redis round trips: single commands and pipelines.
type countTrips struct{ n atomic.Int64 }

func (c *countTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *countTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}

func (c *countTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmds)
	}
}
