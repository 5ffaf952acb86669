package app

import (
	"context"
	"testing"
	"time"
)

// TestResumeAfterReachesTheBot: RESUME_AFTER is the bot's resume window;
// 0 turns it off rather than falling back to the bot's default.
func TestResumeAfterReachesTheBot(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		val  string
		want time.Duration
	}{{"", 30 * time.Minute}, {"2h", 2 * time.Hour}, {"0", 0}} {
		var kv []string
		if tt.val != "" {
			kv = []string{"RESUME_AFTER", tt.val}
		}
		a, err := New(context.Background(), localConfig(t, kv...), nil)
		if err != nil {
			t.Fatal(err)
		}
		got := a.Bot.ResumeAfter()
		a.Close()
		if got != tt.want {
			t.Errorf("RESUME_AFTER=%q: bot's window %v, want %v", tt.val, got, tt.want)
		}
	}
}
