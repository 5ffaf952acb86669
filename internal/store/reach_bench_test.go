package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/reach"
)

// seedReach writes n businesses over the 15 kecamatan: a quarter linked to
// a chat contact (on three channels, some stopped), the rest imported,
// two thirds of them with a phone.
func seedReach(b *testing.B, db *store.DB, n int) {
	b.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	chans := []string{"whatsapp", "telegram", "webchat"}
	const chunk = 500
	for start := 0; start < n; start += chunk {
		var cq, bq strings.Builder
		var cargs, bargs []any
		cq.WriteString(`INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen, stopped) VALUES `)
		nc := 0
		for i := start; i < min(start+chunk, n); i++ {
			if i%4 == 0 {
				if nc > 0 {
					cq.WriteString(", ")
				}
				cq.WriteString("(?, ?, 'x', ?, ?, ?)")
				cargs = append(cargs, chans[i%3], fmt.Sprintf("b%d", i), now, now, i%40 == 0)
				nc++
			}
		}
		if nc > 0 {
			if _, err := db.ExecContext(ctx, db.Rebind(cq.String()), cargs...); err != nil {
				b.Fatal(err)
			}
		}
		bq.WriteString(`INSERT INTO businesses (reg_no, contact_id, owner_name, owner_phone, name, region_code, source, verified, created_at, updated_at) VALUES `)
		for i := start; i < min(start+chunk, n); i++ {
			if i > start {
				bq.WriteString(", ")
			}
			var contact, phone any
			if i%4 == 0 {
				bq.WriteString("(?, (SELECT id FROM contacts WHERE external_id = ?), 'Pemilik', ?, 'Usaha', ?, 'chat', ?, ?, ?)")
				contact = fmt.Sprintf("b%d", i)
			} else {
				bq.WriteString("(?, ?, 'Pemilik', ?, 'Usaha', ?, 'import', ?, ?, ?)")
			}
			if i%3 != 0 {
				phone = fmt.Sprintf("+62813%08d", i)
			}
			bargs = append(bargs, fmt.Sprintf("PSS-2026-%06d", i+1), contact, phone, fmt.Sprintf("13.01.%02d", i%15+1), i%4 == 0, now, now)
		}
		if _, err := db.ExecContext(ctx, db.Rebind(bq.String()), bargs...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReachFunnel is the home page's and `jejaring reach`'s query
// over 20,000 businesses.
func BenchmarkReachFunnel(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.New(b, dialect)
			seedReach(b, db, 20_000)
			repo := store.NewBusinessRepo(db)
			var f reach.Funnel
			for b.Loop() {
				var err error
				if f, err = repo.ReachFunnel(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			if f.Total.Total != 20_000 || len(f.Rows) != 15 {
				b.Fatalf("funnel %+v", f.Total)
			}
		})
	}
}

// BenchmarkReachPage is the reach page's list: one page of the
// never-wrote filter and the statuses of its rows.
func BenchmarkReachPage(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.New(b, dialect)
			seedReach(b, db, 20_000)
			repo := store.NewBusinessRepo(db)
			for b.Loop() {
				p, err := repo.SearchBusinesses(context.Background(), umkm.Search{Reach: string(reach.FilterNotChat), Sort: umkm.SortRegNo, Limit: 25})
				if err != nil || len(p.Businesses) != 25 {
					b.Fatal(err)
				}
				ids := make([]int64, len(p.Businesses))
				for i, x := range p.Businesses {
					ids[i] = x.ID
				}
				if _, err := repo.ReachOf(context.Background(), ids); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
