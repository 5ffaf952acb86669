package bot

import (
	"testing"
	"time"
)

func TestNoteRoundTrip(t *testing.T) {
	t.Parallel()
	at := time.UnixMilli(1796007600123)
	for _, n := range []note{{}, {resume: true}, {contactAt: at}, {resume: true, contactAt: at}} {
		s := n.String()
		back := parseNote(s)
		if back.resume != n.resume || !back.contactAt.Equal(n.contactAt) {
			t.Errorf("note %+v -> %q -> %+v", n, s, back)
		}
	}
	if n := parseNote("c=abc;other"); n.resume || !n.contactAt.IsZero() {
		t.Errorf("garbage note read as %+v", n)
	}
}
