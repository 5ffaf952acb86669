package umkm

import "jejaring/internal/idn"

// SizeClass is the PP 7/2021 class of a business.
type SizeClass string

// Size classes. Besar is beyond the UMKM bounds ("usaha besar").
const (
	Mikro    SizeClass = "mikro"
	Kecil    SizeClass = "kecil"
	Menengah SizeClass = "menengah"
	Besar    SizeClass = "besar"
)

// Basis names the figure that decided a size class.
type Basis string

// Bases of a classification.
const (
	BasisSales   Basis = "omzet" // annual sales (hasil penjualan tahunan)
	BasisCapital Basis = "modal" // business capital (modal usaha)
)

// Threshold is the upper bound (inclusive, whole rupiah) of a size class.
type Threshold struct {
	Class      SizeClass
	MaxCapital int64
	MaxSales   int64
}

// pp7of2021 holds the thresholds of PP 7/2021 Pasal 35, smallest first. A
// figure above the last bound is Besar. Read it through Thresholds.
var pp7of2021 = [...]Threshold{
	{Mikro, 1_000_000_000, 2_000_000_000},
	{Kecil, 5_000_000_000, 15_000_000_000},
	{Menengah, 10_000_000_000, 50_000_000_000},
}

// Thresholds returns (a copy of) the PP 7/2021 bounds, smallest class first.
func Thresholds() [3]Threshold { return pp7of2021 }

// ByCapital classifies by business capital alone.
func ByCapital(capital int64) SizeClass {
	for _, t := range pp7of2021 {
		if capital <= t.MaxCapital {
			return t.Class
		}
	}
	return Besar
}

// BySales classifies by annual sales alone.
func BySales(sales int64) SizeClass {
	for _, t := range pp7of2021 {
		if sales <= t.MaxSales {
			return t.Class
		}
	}
	return Besar
}

// Classify decides the size class from what the owner gave (nil: not
// given). Annual sales above zero win; otherwise capital decides; with
// neither the class is "" (see the package doc).
func Classify(capital, sales *int64) (SizeClass, Basis) {
	switch {
	case sales != nil && *sales > 0:
		return BySales(*sales), BasisSales
	case capital != nil:
		return ByCapital(*capital), BasisCapital
	case sales != nil:
		return BySales(*sales), BasisSales
	}
	return "", ""
}

// IsUMKM reports whether the class is one of the three UMKM classes.
func (c SizeClass) IsUMKM() bool { return c == Mikro || c == Kecil || c == Menengah }

// Label is the class as the owner reads it.
func (c SizeClass) Label(lang string) string {
	switch c {
	case Mikro:
		return idn.Pick(lang, "Usaha Mikro", "Micro enterprise")
	case Kecil:
		return idn.Pick(lang, "Usaha Kecil", "Small enterprise")
	case Menengah:
		return idn.Pick(lang, "Usaha Menengah", "Medium enterprise")
	case Besar:
		return idn.Pick(lang, "Usaha Besar", "Large enterprise")
	}
	return idn.Pick(lang, "belum diketahui", "not known yet")
}
