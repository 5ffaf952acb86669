package reach

import (
	"io"
	"testing"
)

// BenchmarkLetters renders 100 letters with both QR codes each (the
// encoding dominates): what a kecamatan's print run costs.
func BenchmarkLetters(b *testing.B) {
	p, err := NewPrinter()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ls := make([]Letter, 100)
		for i := range ls {
			if ls[i], err = office.NewLetter("PSS-2026-000001", "Lapau Rina", "Rina", "+6281377778888", "1301014506900001", "Lengayang", "nasi", "3f9a2c71be04d5a8e6c1"); err != nil {
				b.Fatal(err)
			}
		}
		if err := p.Letters(io.Discard, office, ls); err != nil {
			b.Fatal(err)
		}
	}
}
