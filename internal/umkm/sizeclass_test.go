package umkm

import "testing"

func p(v int64) *int64 { return &v }

func TestByCapitalBoundaries(t *testing.T) {
	t.Parallel()
	const M = 1_000_000_000
	tests := []struct {
		capital int64
		want    SizeClass
	}{
		{0, Mikro}, {1, Mikro}, {M, Mikro}, {M + 1, Kecil},
		{5 * M, Kecil}, {5*M + 1, Menengah},
		{10 * M, Menengah}, {10*M + 1, Besar}, {1_000 * M, Besar},
	}
	for _, tt := range tests {
		if got := ByCapital(tt.capital); got != tt.want {
			t.Errorf("ByCapital(%d) = %s, want %s", tt.capital, got, tt.want)
		}
	}
}

func TestBySalesBoundaries(t *testing.T) {
	t.Parallel()
	const M = 1_000_000_000
	tests := []struct {
		sales int64
		want  SizeClass
	}{
		{0, Mikro}, {2 * M, Mikro}, {2*M + 1, Kecil},
		{15 * M, Kecil}, {15*M + 1, Menengah},
		{50 * M, Menengah}, {50*M + 1, Besar},
	}
	for _, tt := range tests {
		if got := BySales(tt.sales); got != tt.want {
			t.Errorf("BySales(%d) = %s, want %s", tt.sales, got, tt.want)
		}
	}
}

func TestClassifyWhichRuleWins(t *testing.T) {
	t.Parallel()
	const M = 1_000_000_000
	tests := []struct {
		name           string
		capital, sales *int64
		want           SizeClass
		basis          Basis
	}{
		{"capital only, exactly 1 M", p(M), nil, Mikro, BasisCapital},
		{"capital only, 1 M + 1", p(M + 1), nil, Kecil, BasisCapital},
		{"sales only, 15 M", nil, p(15 * M), Kecil, BasisSales},
		{"sales only above 50 M", nil, p(50*M + 1), Besar, BasisSales},
		// Disagreements: sales above zero wins, in both directions.
		{"small capital, medium sales: sales wins", p(500_000_000), p(20 * M), Menengah, BasisSales},
		{"large capital, micro sales: sales wins", p(8 * M), p(2 * M), Mikro, BasisSales},
		{"capital beyond medium, sales small", p(11 * M), p(3 * M), Kecil, BasisSales},
		// No sales yet: capital decides.
		{"new business, sales zero", p(6 * M), p(0), Menengah, BasisCapital},
		{"sales zero, no capital", nil, p(0), Mikro, BasisSales},
		{"nothing given", nil, nil, "", ""},
	}
	for _, tt := range tests {
		got, basis := Classify(tt.capital, tt.sales)
		if got != tt.want || basis != tt.basis {
			t.Errorf("%s: Classify = %s by %s, want %s by %s", tt.name, got, basis, tt.want, tt.basis)
		}
	}
}

func TestSizeClassLabel(t *testing.T) {
	t.Parallel()
	if Mikro.Label("id") != "Usaha Mikro" || Besar.Label("en") != "Large enterprise" || !Kecil.IsUMKM() || Besar.IsUMKM() {
		t.Error("labels or IsUMKM wrong")
	}
}

func TestThresholdsAreACopy(t *testing.T) {
	t.Parallel()
	th := Thresholds()
	th[0].MaxCapital = 0
	if ByCapital(1) != Mikro || Thresholds()[0].MaxCapital != 1_000_000_000 {
		t.Error("the thresholds changed through a copy")
	}
}
