package outbox

import (
	"slices"
	"testing"
)

func TestParseFence(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want sentParts
	}{
		{"m1", sentParts{all: true, ids: []string{"m1"}}},             // a single-part row, or an older version's fence
		{"m1,m2,m3", sentParts{all: true, ids: []string{"m1,m2,m3"}}}, // every part out
		{"#1#m1", sentParts{n: 1, ids: []string{"m1"}}},               // one of several out
		{"#2#m1,m2", sentParts{n: 2, ids: []string{"m1", "m2"}}},      // two out
		{"#0#", sentParts{n: 0}},                                      // none (never written, but readable)
		{"#x#m1", sentParts{all: true, ids: []string{"#x#m1"}}},       // not the partial form: sent
	} {
		got := parseFence(tc.in)
		if got.all != tc.want.all || got.n != tc.want.n || !slices.Equal(got.ids, tc.want.ids) {
			t.Errorf("parseFence(%q) = %+v; want %+v", tc.in, got, tc.want)
		}
	}
}
