package bottest_test

import (
	"context"
	"testing"

	"jejaring/flows"
	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/flow"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// The registrations answered the way owners type (issue 17: "2 orang, sama
// anak saya", "tujuh puluh lima juta", "10 jt sebulan", "1.2 billion a
// year"…) end in the register with the values the owner meant: the stored
// row, which is what `export businesses` writes, not only the flow's
// answers.
func TestNaturalAnswersReachTheRegister(t *testing.T) {
	t.Parallel()
	data, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		name, owner, region string
		year, workers       int
		capital, sales      int64
		class               umkm.SizeClass
	}
	cases := []struct {
		script string
		want   want
	}{
		{"daftar_natural_id", want{"Keripik Balado Uni Siti", "Siti Aminah", "13.01.09", 2015, 2, 75_000_000, 120_000_000, umkm.Mikro}},
		{"daftar_natural_en", want{"Rumah Makan Rahmat", "Rahmat Hidayat", "13.01.05", 2019, 1, 75_000_000, 1_200_000_000, umkm.Mikro}},
	}
	for _, tc := range cases {
		for _, d := range storetest.Dialects {
			t.Run(d+"/"+tc.script, func(t *testing.T) {
				t.Parallel()
				set, err := flow.Load(flows.FS)
				if err != nil {
					t.Fatal(err)
				}
				set.SetOptions(umkmactions.Options(data))
				h := bottest.New(t, set, nil, d)
				if err := umkmactions.Register(h.Actions, umkmactions.Deps{DB: h.DB, Data: data}); err != nil {
					t.Fatal(err)
				}
				for _, n := range []string{"umkm.notice", "umkm.sector"} {
					delete(h.Actions, n) // the script's stubs stand in, as in TestUMKMAndEventScriptsThroughTheBot
				}
				h.RunScript(t, "../../../flows/testdata/umkm/"+tc.script+".yaml")
				list, err := store.NewBusinessRepo(h.DB).ListBusinesses(context.Background(), umkm.Filter{})
				if err != nil || len(list) != 1 {
					t.Fatalf("register holds %d businesses (%v), want 1", len(list), err)
				}
				b, w := list[0], tc.want
				got := want{b.Name, b.OwnerName, b.RegionCode, deref(b.YearStarted), deref(b.Workers), deref(b.Capital), deref(b.AnnualSales), b.SizeClass}
				if got != w {
					t.Errorf("stored\n %+v\nwant\n %+v", got, w)
				}
			})
		}
	}
}

func deref[T int | int64](p *T) T {
	if p == nil {
		return 0
	}
	return *p
}
