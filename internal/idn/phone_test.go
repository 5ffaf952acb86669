package idn

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFastMobileAgrees: wherever the fast path answers, libphonenumber
// gives the same number; and NormalizePhone (fast path first) says what
// libphonenumber alone said, for every prefix 800-899, every length from
// 7 to 14 digits and the ways owners write them.
func TestFastMobileAgrees(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(19, 62))
	bad := fmt.Errorf("bad")
	fast := 0
	for p := 800; p <= 899; p++ {
		for n := 7; n <= 14; n++ {
			for range 3 {
				var b strings.Builder
				fmt.Fprint(&b, p)
				for b.Len() < n {
					b.WriteByte(byte('0' + r.IntN(10)))
				}
				nsn := b.String()
				for _, in := range []string{"0" + nsn, "+62" + nsn, "62" + nsn, nsn, "+62 " + nsn[:3] + " " + nsn[3:],
					"0" + nsn[:3] + "-" + nsn[3:], "0" + nsn[:3] + "." + nsn[3:], "+62-" + nsn, "+620" + nsn, "(0" + nsn[:3] + ") " + nsn[3:]} {
					want, werr := slowPhone(in, bad)
					if got, ok := fastMobile(in); ok {
						fast++
						if werr != nil || got != want {
							t.Errorf("fastMobile(%q) = %q; libphonenumber: %q, %v", in, got, want, werr)
						}
					}
					got, gerr := NormalizePhone(in)
					if got != want || (gerr == nil) != (werr == nil) {
						t.Errorf("NormalizePhone(%q) = %q, %v; libphonenumber: %q, %v", in, got, gerr, want, werr)
					}
				}
			}
		}
	}
	if fast == 0 {
		t.Error("the fast path never answered")
	}
}

func BenchmarkNormalizePhoneLibphonenumber(b *testing.B) {
	b.ReportAllocs()
	bad := fmt.Errorf("bad")
	for b.Loop() {
		if _, err := slowPhone("0812-3456-7890", bad); err != nil {
			b.Fatal(err)
		}
	}
}
