package umkm

import "testing"

func mustData(t *testing.T) *Data {
	t.Helper()
	d, err := LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRegionData(t *testing.T) {
	t.Parallel()
	r := mustData(t).Region
	if r.Code != "13.01" || r.Prefix != "PSS" || len(r.Kecamatan) != 15 {
		t.Fatalf("region %s %s with %d kecamatan", r.Code, r.Prefix, len(r.Kecamatan))
	}
	nagari := 0
	for _, k := range r.Kecamatan {
		nagari += len(k.Nagari)
	}
	if nagari != 182 {
		t.Errorf("%d nagari, docs/domain.md says 182", nagari)
	}
	want := map[string]string{"13.01.01": "Pancung Soal", "13.01.07": "Koto XI Tarusan", "13.01.12": "IV Nagari Bayang Utara", "13.01.15": "Silaut"}
	for code, name := range want {
		if k, ok := r.KecamatanByCode(code); !ok || k.Name != name {
			t.Errorf("%s = %q, want %q", code, k.Name, name)
		}
	}
	if r.Office != "Dinas Koperasi, UMKM, Perdagangan dan Perindustrian Kabupaten Pesisir Selatan" {
		t.Errorf("office %q", r.Office)
	}
	if _, err := LoadRegion("atlantis"); err == nil || err.Error() != `unknown region "atlantis" (known regions: pesisir_selatan)` {
		t.Errorf("unknown region: %v", err)
	}
	if _, err := ParseRegion([]byte("code: \"13.02\"\nprefix: X\nkecamatan:\n  - {code: \"13.01.01\", name: A}\n")); err == nil {
		t.Error("kecamatan outside the regency accepted")
	}
}

func TestMatchKecamatan(t *testing.T) {
	t.Parallel()
	r := mustData(t).Region
	tests := map[string]string{
		"Koto XI Tarusan":        "13.01.07",
		"tarusan":                "13.01.07",
		"kec. koto 11 tarusan":   "13.01.07",
		"Koto Sebelas Tarusan":   "13.01.07",
		"tarusn":                 "13.01.07",
		"lengayan":               "13.01.03",
		"Lengayang":              "13.01.03",
		"4 jurai":                "13.01.05",
		"painan":                 "13.01.05",
		"Basa Ampek Balai Tapan": "13.01.11",
		"basa 4 balai tapan":     "13.01.11",
		"Ranah Ampek Hulu Tapan": "13.01.14",
		"bayang":                 "13.01.06",
		"bayang utara":           "13.01.12",
		"IV Nagari Bayang Utara": "13.01.12",
		"air pura":               "13.01.13",
		"airpura":                "13.01.13",
		"lingo sari bagenti":     "13.01.09",
		"13.01.15":               "13.01.15",
		"silaut":                 "13.01.15",
		"sutra":                  "13.01.08",
		"ranah pesisi":           "13.01.02",
	}
	for in, code := range tests {
		k, ok := r.MatchKecamatan(in)
		if !ok || k.Code != code {
			t.Errorf("MatchKecamatan(%q) = %s %q, %v; want %s", in, k.Code, k.Name, ok, code)
		}
	}
	for _, bad := range []string{"", "jakarta", "xyz", "kota padang", "ranah"} {
		if k, ok := r.MatchKecamatan(bad); ok {
			t.Errorf("MatchKecamatan(%q) = %s, want no match", bad, k.Name)
		}
	}
}

func TestMatchNagari(t *testing.T) {
	t.Parallel()
	r := mustData(t).Region
	k, _ := r.KecamatanByCode("13.01.07")
	for in, want := range map[string]string{"Mandeh": "Mandeh", "kapuh": "Kapuh", "sungai pinang": "Sungai Pinang", "ampang pulay": "Ampang Pulai", "13.01.07.2003": "Duku"} {
		if n, ok := k.MatchNagari(in); !ok || n.Name != want {
			t.Errorf("MatchNagari(%q) = %q %v, want %q", in, n.Name, ok, want)
		}
	}
	if n, ok := k.MatchNagari("Painan"); ok {
		t.Errorf("Painan is not in Tarusan, got %q", n.Name)
	}
	if kk, n, ok := r.FindNagari("Salido"); !ok || kk.Code != "13.01.05" || n.Name != "Salido" {
		t.Errorf("FindNagari(Salido) = %s %s %v", kk.Code, n.Name, ok)
	}
}

func TestMatchSection(t *testing.T) {
	t.Parallel()
	s := mustData(t).Sectors
	tests := map[string]string{
		"C": "C", "g": "G", "56101": "I", "47111": "G",
		"warung":                     "G",
		"jual sembako":               "G",
		"kuliner":                    "I",
		"rumah makan padang":         "I",
		"warung kopi":                "I",
		"jahit baju":                 "C",
		"konveksi":                   "C",
		"konfeksi":                   "C",
		"keripik balado":             "C",
		"rendang":                    "C",
		"petani sawit":               "A",
		"nelayan":                    "A",
		"salon kecantikan":           "S",
		"laundry":                    "S",
		"ojek":                       "H",
		"Industri Pengolahan":        "C",
		"Perdagangan (warung, toko)": "G",
		"homestay di mandeh":         "I",
		"kursus menjahit":            "P",
	}
	for in, want := range tests {
		m, ok := s.MatchSection(in)
		if !ok || m.Section.Letter != want {
			t.Errorf("MatchSection(%q) = %s, %v; want %s", in, m.Section.Letter, ok, want)
		}
	}
	if m, _ := s.MatchSection("56101"); m.KBLI != "56101" {
		t.Errorf("KBLI code not kept: %+v", m)
	}
	for _, bad := range []string{"", "Z", "hmm", "04000"} {
		if m, ok := s.MatchSection(bad); ok {
			t.Errorf("MatchSection(%q) = %s, want no match", bad, m.Section.Letter)
		}
	}
}

func BenchmarkMatchKecamatan(b *testing.B) {
	d, err := LoadData("")
	if err != nil {
		b.Fatal(err)
	}
	in := []string{"tarusan", "lengayan", "Koto XI Tarusan", "basa 4 balai tapan"}
	for i := 0; b.Loop(); i++ {
		d.Region.MatchKecamatan(in[i%len(in)])
	}
}

func BenchmarkMatchSection(b *testing.B) {
	d, err := LoadData("")
	if err != nil {
		b.Fatal(err)
	}
	in := []string{"warung kopi", "jahit baju", "56101", "konfeksi"}
	for i := 0; b.Loop(); i++ {
		d.Sectors.MatchSection(in[i%len(in)])
	}
}
