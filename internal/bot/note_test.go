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
	if n := parseNote("v=abc;other"); n.resume || !n.contactAt.IsZero() {
		t.Errorf("garbage note read as %+v", n)
	}
	// A note from before verified identity: its session's contact copy may
	// carry an unverified phone, so the row must be read again.
	if n := parseNote("resume;c=1796007600123"); !n.resume || !n.contactAt.IsZero() {
		t.Errorf("old note read as %+v", n)
	}
}
