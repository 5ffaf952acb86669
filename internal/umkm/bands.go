package umkm

// Bands that an anonymised record keeps instead of exact figures: in a small
// regency an exact capital, sales figure, head count and starting year,
// together with the kecamatan and the sector, point at one shop (pseudonymous,
// not anonymous). Capital and sales keep only their PP 7/2021 size class
// (Business.SizeClass); workers keep the band of BPS's enterprise size by
// workforce; the starting year keeps its decade.

// WorkersBand is the BPS workforce band of n workers: "1-4" (mikro), "5-19"
// (kecil), "20-99" (sedang), "100+" (besar); "" for n < 1.
func WorkersBand(n int) string {
	switch {
	case n < 1:
		return ""
	case n <= 4:
		return "1-4"
	case n <= 19:
		return "5-19"
	case n <= 99:
		return "20-99"
	default:
		return "100+"
	}
}

// Decade is the first year of year's decade (2015 -> 2010); 0 for year <= 0.
func Decade(year int) int {
	if year <= 0 {
		return 0
	}
	return year - year%10
}
