package eventactions

import (
	"slices"
	"testing"

	"jejaring/internal/bot"
	"jejaring/internal/event"
)

func TestSplitToken(t *testing.T) {
	tests := []struct {
		in     string
		tok    string
		preset event.Answer
	}{
		{"k7m2q9x4p3ab_yes", "k7m2q9x4p3ab", event.Going},
		{"K7M2Q9X4P3AB_no", "k7m2q9x4p3ab", event.Declined},
		{"k7m2q9x4p3ab_maybe", "k7m2q9x4p3ab", event.Maybe},
		{"k7m2q9x4p3ab", "k7m2q9x4p3ab", ""},
		{"k7m2q9x4p3ab_what", "k7m2q9x4p3ab_what", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		tok, preset := splitToken(tt.in)
		if tok != tt.tok || preset != tt.preset {
			t.Errorf("splitToken(%q) = %q, %q; want %q, %q", tt.in, tok, preset, tt.tok, tt.preset)
		}
	}
}

func TestAsList(t *testing.T) {
	// Lists come back from the session's JSON as []any of float64 and string.
	got := asList([]any{float64(7), float64(1000000), "abc"})
	if want := []string{"7", "1000000", "abc"}; !slices.Equal(got, want) {
		t.Fatalf("asList = %q, want %q", got, want)
	}
	if asList(nil) != nil {
		t.Fatal("asList(nil) not nil")
	}
}

func TestArgInt(t *testing.T) {
	for in, want := range map[any]int64{"2": 2, "1e+06": 1000000, "2.5": 0, "": 0, "x": 0, float64(7): 7} {
		if got := argInt(bot.ActionCall{Args: map[string]any{"n": in}}, "n"); got != want {
			t.Errorf("argInt(%v) = %d, want %d", in, got, want)
		}
	}
}
