package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestEventTextsExist: every fixed text key the event templates ask for
// (.T "key", .Tf "key") exists in both languages, so a typo cannot show
// as a gap on a page.
func TestEventTextsExist(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(templateFS, "templates/events*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("templates: %v %v", names, err)
	}
	re := regexp.MustCompile(`\.Tf? "([a-z0-9._]+)"`)
	for _, n := range names {
		b, err := fs.ReadFile(templateFS, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			tr, ok := msgs[m[1]]
			if !ok || strings.TrimSpace(tr.id) == "" || strings.TrimSpace(tr.en) == "" {
				t.Errorf("%s: text %q missing", n, m[1])
			}
		}
	}
	if _, ok := msgs["nav.events"]; !ok {
		t.Error("text nav.events missing")
	}
	// The keys built with printf in the templates.
	for _, k := range []string{"ev.upcoming", "ev.drafts", "ev.past", "ev.f.start", "ev.f.end", "ev.f.deadline", "ev.bc.kind.invite", "ev.bc.kind.resend",
		"ch.telegram", "ch.whatsapp", "ch.webchat"} {
		if _, ok := msgs[k]; !ok {
			t.Errorf("text %q missing", k)
		}
	}
	for _, st := range []string{"all", "pending", "sent", "failed", "skipped", "answered", "unanswered", "going", "waitlist", "maybe", "declined"} {
		if _, ok := msgs["fun.status."+st]; !ok {
			t.Errorf("text fun.status.%s missing", st)
		}
	}
	for _, k := range []string{"invited", "going", "seats", "waitlist", "maybe", "declined", "pending", "checkedin", "noshow"} {
		if _, ok := msgs["ev.col."+k]; !ok {
			t.Errorf("text ev.col.%s missing", k)
		}
	}
}
