package web_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/web"
)

// seed imports n businesses with varied names, owners, kecamatan, classes
// and sectors, registered over the last two years.
func seed(b *testing.B, db *store.DB, data *umkm.Data, n int) {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	kinds := []string{"Keripik", "Rendang", "Kedai Kopi", "Bengkel", "Toko", "Jahit", "Sate", "Songket", "Ikan Asin", "Gula Aren", "Warung", "Salon", "Laundry", "Kerupuk", "Batik"}
	names := []string{"Amak", "Uni Ros", "Sanjai", "Jaya", "Saiyo", "Bundo", "Minang", "Pesisir", "Bahari", "Mandeh", "Tarusan", "Painan", "Barokah", "Sakato", "Rang Mudo"}
	first := []string{"Siti", "Rosmawati", "Budi", "Yusuf", "Nurhayati", "Afrizal", "Desi", "Hendra", "Yenni", "Zulkifli", "Elvi", "Rahmat"}
	last := []string{"Aminah", "Santoso", "Putra", "Chaniago", "Tanjung", "Piliang", "Sikumbang", "Koto", "Melayu", "Jambak"}
	classes := []umkm.SizeClass{umkm.Mikro, umkm.Mikro, umkm.Mikro, umkm.Kecil, umkm.Kecil, umkm.Menengah}
	now := time.Now()
	bs := make([]umkm.Business, n)
	for i := range bs {
		k := data.Region.Kecamatan[r.IntN(len(data.Region.Kecamatan))]
		bs[i] = umkm.Business{
			Name:        fmt.Sprintf("%s %s %d", kinds[r.IntN(len(kinds))], names[r.IntN(len(names))], i),
			OwnerName:   first[r.IntN(len(first))] + " " + last[r.IntN(len(last))],
			OwnerPhone:  fmt.Sprintf("+62812%08d", i),
			NIK:         fmt.Sprintf("130101450690%04d", i%10000),
			RegionCode:  k.Code,
			KBLISection: data.Sectors.Sections[r.IntN(len(data.Sectors.Sections))].Letter,
			SizeClass:   classes[r.IntN(len(classes))],
			Verified:    r.IntN(3) == 0,
			Source:      umkm.SourceImport,
		}
	}
	res, err := store.NewBusinessRepo(db).ImportBusinesses(context.Background(), bs, "PSS", "bench", now, 1000, false)
	if err != nil {
		b.Fatal(err)
	}
	// Spread the registrations over two years, for the weekly chart.
	if _, err := db.ExecContext(context.Background(), db.Rebind(`UPDATE businesses SET created_at = ? WHERE id % 7 = 0`), now.AddDate(0, -3, 0)); err != nil {
		b.Fatal(err)
	}
	if res.Inserted != n {
		b.Fatalf("imported %d of %d", res.Inserted, n)
	}
	// What autovacuum does soon after a big import; without it the
	// planner of a fresh table guesses and scans.
	if db.IsPostgres() {
		if _, err := db.ExecContext(context.Background(), `ANALYZE businesses`); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPages is each dashboard page's server time (handler only, no
// network) with 20,000 businesses, on both databases.
func BenchmarkPages(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.New(b, dialect)
			data, err := umkm.LoadData("")
			if err != nil {
				b.Fatal(err)
			}
			seed(b, db, data, 20_000)
			rdb, prefix := sessiontest.Real(b)
			s, err := web.New(storeOptions(db, web.Options{Data: data, Redis: rdb, KeyPrefix: prefix, Idle: 30 * time.Minute, Max: 12 * time.Hour}))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.AddStaffRole(context.Background(), "rina", "sandi-rina-123", store.RoleStaff, "bench", time.Now()); err != nil {
				b.Fatal(err)
			}
			cookie := benchLogin(b, s)
			for _, p := range []struct{ name, path string }{
				{"home", "/dashboard/"},
				{"directory", "/dashboard/businesses"},
				{"directory-filtered", "/dashboard/businesses?size=kecil&verified=yes&sort=name&page=3"},
				{"search-typo", "/dashboard/businesses?q=" + url.QueryEscape("kripik sanjay")},
				{"search-phone", "/dashboard/businesses?q=0812000123"},
				{"search-owner", "/dashboard/businesses?q=" + url.QueryEscape("rosmawati chaniago")},
				{"search-short-word", "/dashboard/businesses?q=toko"},
				{"directory-all-filters", "/dashboard/businesses?source=import&partners=no&since=2026-01-01&verified=no&sort=reg_no&page=2"},
				{"chart-csv", "/dashboard/charts/region.csv"},
				{"business", "/dashboard/businesses/4321"},
				{"export-csv", "/dashboard/businesses/export?kecamatan=13.01.07"},
			} {
				b.Run(p.name, func(b *testing.B) {
					for b.Loop() {
						rec := httptest.NewRecorder()
						req := httptest.NewRequest("GET", p.path, nil)
						req.AddCookie(cookie)
						s.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							b.Fatalf("%s: %d", p.path, rec.Code)
						}
					}
				})
			}
		})
	}
}

// BenchmarkSearchPostgres100k is the directory's search on PostgreSQL
// with 100,000 businesses (store only).
func BenchmarkSearchPostgres100k(b *testing.B) {
	db := storetest.New(b, store.Postgres)
	data, err := umkm.LoadData("")
	if err != nil {
		b.Fatal(err)
	}
	seed(b, db, data, 100_000)
	repo := store.NewBusinessRepo(db)
	for _, q := range []struct {
		name string
		s    umkm.Search
	}{
		{"typo", umkm.Search{Text: "kripik sanjay"}},
		{"owner", umkm.Search{Text: "rosmawati chaniago"}},
		{"typo-in-kecamatan", umkm.Search{Text: "rendang uni ross", RegionCodes: []string{data.Region.Kecamatan[0].Code}}},
		{"phone", umkm.Search{Text: "0812 0001 2345"}},
		{"filters-only", umkm.Search{SizeClass: umkm.Kecil, RegionCodes: []string{data.Region.Kecamatan[1].Code}, Sort: umkm.SortName}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				page, err := repo.SearchBusinesses(context.Background(), q.s)
				if err != nil {
					b.Fatal(err)
				}
				if page.Total == 0 {
					b.Fatalf("%s: nothing found", q.name)
				}
			}
		})
	}
}

func benchLogin(b *testing.B, s *web.Server) *http.Cookie {
	b.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/login", strings.NewReader("username=rina&password=sandi-rina-123"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "jejaring_staff" {
			return c
		}
	}
	b.Fatalf("sign-in failed: %d", rec.Code)
	return nil
}
