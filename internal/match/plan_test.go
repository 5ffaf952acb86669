package match

import "testing"

func TestFeasibility(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		slots, tables, owners int
		id, en                string
	}{
		{12, 20, 300,
			"12 sesi × 20 meja = 240 pertemuan untuk 300 UMKM: paling banyak 80 % bisa mendapat satu; 25 meja cukup untuk semua",
			"12 slots × 20 tables = 240 meetings for 300 owners: at most 80 % can have one; 25 tables would allow all"},
		{12, 30, 300,
			"12 sesi × 30 meja = 360 pertemuan untuk 300 UMKM: semua bisa mendapat satu",
			"12 slots × 30 tables = 360 meetings for 300 owners: every owner can have one"},
		{12, 25, 300,
			"12 sesi × 25 meja = 300 pertemuan untuk 300 UMKM: semua bisa mendapat satu",
			"12 slots × 25 tables = 300 meetings for 300 owners: every owner can have one"},
		// 77.4 % rounds down: "at most" must hold
		{8, 30, 310,
			"8 sesi × 30 meja = 240 pertemuan untuk 310 UMKM: paling banyak 77 % bisa mendapat satu; 39 meja cukup untuk semua",
			"8 slots × 30 tables = 240 meetings for 310 owners: at most 77 % can have one; 39 tables would allow all"},
		{16, 60, 1250,
			"16 sesi × 60 meja = 960 pertemuan untuk 1.250 UMKM: paling banyak 76 % bisa mendapat satu; 79 meja cukup untuk semua",
			"16 slots × 60 tables = 960 meetings for 1,250 owners: at most 76 % can have one; 79 tables would allow all"},
		{12, 20, 0,
			"12 sesi × 20 meja = 240 pertemuan; belum ada UMKM yang terdaftar",
			"12 slots × 20 tables = 240 meetings; no owners have registered yet"},
		{0, 20, 5,
			"0 sesi × 20 meja = 0 pertemuan untuk 5 UMKM: belum ada sesi pertemuan",
			"0 slots × 20 tables = 0 meetings for 5 owners: no meeting slots are planned yet"},
	} {
		p := Feasibility(tc.slots, tc.tables, tc.owners)
		if p.Indonesian() != tc.id {
			t.Errorf("%d×%d for %d:\n got %s\nwant %s", tc.slots, tc.tables, tc.owners, p.Indonesian(), tc.id)
		}
		if p.English() != tc.en {
			t.Errorf("%d×%d for %d:\n got %s\nwant %s", tc.slots, tc.tables, tc.owners, p.English(), tc.en)
		}
		if p.String() != tc.id+"\n"+tc.en {
			t.Errorf("String: %q", p.String())
		}
	}
}
