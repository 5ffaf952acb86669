package store_test

import (
	"context"
	"testing"
	"time"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

func TestSearchBusinesses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		add := func(name, owner, phone, region string, size umkm.SizeClass, verified bool, at time.Time) umkm.Business {
			b := umkm.Business{Name: name, OwnerName: owner, OwnerPhone: phone, RegionCode: region, SizeClass: size, Verified: verified, Source: umkm.SourceImport}
			if err := repo.CreateBusiness(ctx, &b, "PSS", at); err != nil {
				t.Fatal(err)
			}
			return b
		}
		sanjai := add("Keripik Sanjai Amak", "Siti Aminah", "+6281234567890", "13.01.07", umkm.Mikro, true, bt0)
		add("Rendang Uni Ros", "Rosmawati", "+6281298765432", "13.01.07", umkm.Kecil, false, bt0.Add(time.Hour))
		add("Bengkel Motor Jaya", "Budi Santoso", "+6285211112222", "13.01.01", umkm.Mikro, false, bt0.Add(2*time.Hour))
		tests := []struct {
			name string
			s    umkm.Search
			want []string
		}{
			{"typo in the business name", umkm.Search{Text: "kripik sanjay"}, []string{"Keripik Sanjai Amak"}},
			{"owner name, other case", umkm.Search{Text: "ROSMAWATI"}, []string{"Rendang Uni Ros"}},
			{"owner typo", umkm.Search{Text: "budi santosa"}, []string{"Bengkel Motor Jaya"}},
			{"no match", umkm.Search{Text: "sate padang"}, nil},
			{"phone typed the local way", umkm.Search{Text: "0812 9876"}, []string{"Rendang Uni Ros"}},
			{"registration number", umkm.Search{Text: sanjai.RegNo}, []string{"Keripik Sanjai Amak"}},
			{"kecamatan, newest first", umkm.Search{RegionCodes: []string{"13.01.07"}}, []string{"Rendang Uni Ros", "Keripik Sanjai Amak"}},
			{"size and verified", umkm.Search{SizeClass: umkm.Mikro, Verified: new(false)}, []string{"Bengkel Motor Jaya"}},
			{"since", umkm.Search{Since: bt0.Add(90 * time.Minute), Sort: umkm.SortName}, []string{"Bengkel Motor Jaya"}},
			{"by name", umkm.Search{Sort: umkm.SortName}, []string{"Bengkel Motor Jaya", "Keripik Sanjai Amak", "Rendang Uni Ros"}},
			{"second page", umkm.Search{Sort: umkm.SortName, Limit: 2, Offset: 2}, []string{"Rendang Uni Ros"}},
			{"name text with a filter", umkm.Search{Text: "uni ros", RegionCodes: []string{"13.01.01"}}, nil},
		}
		for _, tt := range tests {
			page, err := repo.SearchBusinesses(ctx, tt.s)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var got []string
			for _, b := range page.Businesses {
				got = append(got, b.Name)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && !equal(got, tt.want)) {
				t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
			}
			if tt.s.Limit == 0 && page.Total != len(tt.want) {
				t.Errorf("%s: total %d, want %d", tt.name, page.Total, len(tt.want))
			}
		}
		weeks, err := repo.BusinessesPerWeek(ctx, bt0.AddDate(0, 0, -14), bt0)
		if err != nil {
			t.Fatal(err)
		}
		if len(weeks) != 3 || weeks[2].Count != 3 || weeks[0].Count != 0 || weeks[2].Start.Weekday() != time.Monday {
			t.Errorf("weeks = %+v", weeks)
		}
	})
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
