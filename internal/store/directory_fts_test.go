package store

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"jejaring/internal/umkm"
)

// The SQLite name search asks the FTS5 trigram table for the rows that can
// reach the threshold and scores only those: it must find exactly what
// scoring every row finds, whatever the text (typos, short words, several
// words, filters).
func TestFTSPrefilterLosesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+t.TempDir()+"/fts.db", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	repo := NewBusinessRepo(db)
	r := rand.New(rand.NewPCG(3, 4))
	words := []string{"Keripik", "Kripik", "Sanjai", "Rendang", "Uni", "Ros", "Toko", "Tobako", "Jaya", "Amak", "Bengkel", "Kopi", "Kedai", "Sate",
		"Rosmawati", "Chaniago", "Siti", "Aminah", "Budi", "Santoso", "Tanjung", "Saiyo", "Bundo", "Pesisir", "Ikan", "Asin", "Gula", "Aren"}
	pick := func(n int) string {
		s := ""
		for i := range n {
			if i > 0 {
				s += " "
			}
			s += words[r.IntN(len(words))]
		}
		return s
	}
	bs := make([]umkm.Business, 600)
	for i := range bs {
		bs[i] = umkm.Business{Name: pick(1 + r.IntN(3)), OwnerName: pick(2), RegionCode: []string{"13.01.07", "13.01.01"}[i%2], Source: umkm.SourceImport}
	}
	if _, err := repo.ImportBusinesses(ctx, bs, "PSS", "test", time.Now(), 200, false); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"kripik sanjay", "keripik", "toko", "tobako", "uni ros", "rendang uni ross", "rosmawati chaniago", "siti aminah", "budi santosa",
		"ikan asin pesisir", "kedai kopi", "gula", "sate", "chaniago", "xyz"} {
		for _, s := range []umkm.Search{{Text: text}, {Text: text, RegionCodes: []string{"13.01.07"}}, {Text: text, Sort: umkm.SortName}} {
			conds, args := searchConds(s)
			with, err := repo.searchNamesInGo(ctx, s, text, conds, args, 100, 0, true)
			if err != nil {
				t.Fatal(err)
			}
			without, err := repo.searchNamesInGo(ctx, s, text, conds, args, 100, 0, false)
			if err != nil {
				t.Fatal(err)
			}
			ids := func(p umkm.SearchPage) []int64 {
				var out []int64
				for _, b := range p.Businesses {
					out = append(out, b.ID)
				}
				return out
			}
			if with.Total != without.Total || !slices.Equal(ids(with), ids(without)) {
				t.Errorf("%+v: with the prefilter %d %v, scoring every row %d %v", s, with.Total, ids(with), without.Total, ids(without))
			}
		}
	}
}

// The FTS5 table follows the register through its triggers: a new record,
// a changed name or phone, an erased record.
func TestFTSFollowsChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+t.TempDir()+"/fts.db", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	repo := NewBusinessRepo(db)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	b := umkm.Business{Name: "Keripik Sanjai Amak", OwnerName: "Siti Aminah", OwnerPhone: "+6281234567890", RegionCode: "13.01.07", Source: umkm.SourceChat}
	if err := repo.CreateBusiness(ctx, &b, "PSS", now); err != nil {
		t.Fatal(err)
	}
	found := func(text string) int {
		t.Helper()
		p, err := repo.SearchBusinesses(ctx, umkm.Search{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return p.Total
	}
	for _, q := range []string{"kripik sanjay", "0812 3456 7890", b.RegNo} {
		if found(q) != 1 {
			t.Errorf("new record: %q not found", q)
		}
	}
	b.Name, b.OwnerPhone = "Rendang Uni Ros", "+6285299998888"
	if _, err := repo.UpdateBusiness(ctx, &b, "test", now); err != nil {
		t.Fatal(err)
	}
	if found("kripik sanjay") != 0 || found("rendang uni ross") != 1 || found("0812 3456") != 0 || found("08529999") != 1 {
		t.Errorf("after the change: %d %d %d %d", found("kripik sanjay"), found("rendang uni ross"), found("0812 3456"), found("08529999"))
	}
	if _, err := db.ExecContext(ctx, `UPDATE businesses SET deleted_at = ? WHERE id = ?`, now, b.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.GetContext(ctx, &n, `SELECT COUNT(*) FROM businesses_fts WHERE rowid = ?`, b.ID); err != nil || n != 0 {
		t.Errorf("an erased record stays in the FTS5 table: %d %v", n, err)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM businesses WHERE id = ?`, b.ID); err != nil {
		t.Fatal(err)
	}
}
