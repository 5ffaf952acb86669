package idn

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestNIKProvince: the first two digits must be a Kemendagri province code
// (docs/domain.md); a NIK from any existing province is accepted.
func TestNIKProvince(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	valid := map[int]bool{}
	for _, r := range [][2]int{{11, 19}, {21, 21}, {31, 36}, {51, 53}, {61, 65}, {71, 76}, {81, 82}, {91, 96}} {
		for p := r[0]; p <= r[1]; p++ {
			valid[p] = true
		}
	}
	for p := 0; p <= 99; p++ {
		nik := fmt.Sprintf("%02d01014506900001", p)
		n, err := ParseNIKAt(nik, now)
		switch {
		case valid[p] && (err != nil || n.Province != fmt.Sprintf("%02d", p)):
			t.Errorf("province %02d refused: %v", p, err)
		case !valid[p] && err == nil:
			t.Errorf("province %02d accepted", p)
		case !valid[p]:
			var ie *Error
			if !errors.As(err, &ie) || ie.Code != CodeNIK || !strings.Contains(ie.ID, "kode provinsi") ||
				!strings.Contains(ie.ID, "contoh: 1301014506900001") || !strings.Contains(ie.EN, "province") {
				t.Errorf("province %02d: %#v", p, err)
			}
		}
	}
	if len(valid) != 38 {
		t.Errorf("%d provinces, docs/domain.md lists 38", len(valid))
	}
}
