package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// BenchmarkSearchNamesSQLite is the SQLite name search (scored in Go)
// over 20,000 businesses.
func BenchmarkSearchNamesSQLite(b *testing.B) {
	db := storetest.New(b, store.SQLite)
	repo := store.NewBusinessRepo(db)
	kinds := []string{"Keripik", "Rendang", "Kedai Kopi", "Bengkel", "Toko", "Jahit", "Sate", "Songket"}
	names := []string{"Amak", "Uni Ros", "Sanjai", "Jaya", "Saiyo", "Bundo", "Minang", "Pesisir"}
	bs := make([]umkm.Business, 20_000)
	for i := range bs {
		bs[i] = umkm.Business{Name: fmt.Sprintf("%s %s %d", kinds[i%len(kinds)], names[(i/8)%len(names)], i), OwnerName: "Siti Aminah", Source: umkm.SourceImport}
	}
	if _, err := repo.ImportBusinesses(context.Background(), bs, "PSS", "bench", time.Now(), 1000, false); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := repo.SearchBusinesses(context.Background(), umkm.Search{Text: "kripik sanjay"}); err != nil {
			b.Fatal(err)
		}
	}
}
