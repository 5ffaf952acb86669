package store_test

import (
	"context"
	"testing"
	"time"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// BenchmarkBroadcast6800 invites the regency's 6,800 UMKM to one event in
// one transaction (invitations and outbox rows), on each dialect:
//
//	go test ./internal/store -run '^$' -bench Broadcast6800 -benchtime 1x
func BenchmarkBroadcast6800(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db := storetest.New(b, dialect)
				addOwnersTB(b, db, 6800)
				r := store.NewEventRepo(db)
				ev := newEventTB(b, r)
				b.StartTimer()
				start := time.Now()
				res, err := r.Broadcast(context.Background(), store.BroadcastRequest{EventID: ev}, t0)
				if err != nil || res.Queued != 6800 {
					b.Fatalf("%+v %v", res, err)
				}
				b.ReportMetric(float64(time.Since(start).Microseconds())/6800, "µs/invitation")
			}
		})
	}
}
