package store_test

import (
	"context"
	"testing"

	"jejaring/internal/event"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// BenchmarkAudience6800 is the audience builder's live count on the
// regency's 6,800 UMKM (AudienceCount: what one change in the builder
// costs), and BenchmarkFunnel6800 one live-funnel refresh of
// a 6,800-row broadcast, on each dialect:
//
//	go test ./internal/store -run '^$' -bench 'Audience6800|Funnel6800' -benchtime 20x
func BenchmarkAudience6800(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.New(b, dialect)
			addOwnersTB(b, db, 6800)
			r := store.NewEventRepo(db)
			ev := newEventTB(b, r)
			ctx := context.Background()
			for _, seg := range []struct {
				name string
				seg  event.Segment
			}{{"everyone", event.Segment{}}, {"one-kecamatan", event.Segment{RegionCodes: []string{"13.01.02"}, SizeClasses: []string{"mikro"}}}} {
				b.Run(seg.name, func(b *testing.B) {
					for range b.N {
						if _, _, err := r.AudienceCount(ctx, ev, seg.seg); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

func BenchmarkFunnel6800(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.New(b, dialect)
			addOwnersTB(b, db, 6800)
			r := store.NewEventRepo(db)
			ev := newEventTB(b, r)
			ctx := context.Background()
			res, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev}, t0)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				f, err := r.Funnel(ctx, res.BroadcastID)
				if err != nil || f.Queued != 6800 {
					b.Fatalf("%+v %v", f.Queued, err)
				}
			}
		})
	}
}
