package session_test

import (
	"context"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/session"
)

// TestForget deletes the session and the "handled" markers of one address
// (even one whose id holds SCAN pattern characters), and nothing of
// another address that the pattern would otherwise match.
func TestForget(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		gone := channel.Address{Channel: channel.WebChat, ExternalID: "a*b?c[1]"}
		kept := channel.Address{Channel: channel.WebChat, ExternalID: "aXbYc1"}
		for _, a := range []channel.Address{gone, kept} {
			if err := commitSession(ctx, s, a, &flow.Session{FlowID: "daftar", Answers: map[string]any{"nik": "1301014506900001"}}); err != nil {
				t.Fatal(err)
			}
			for _, m := range []string{"m1", "m2"} {
				if err := commitHandled(ctx, s, a, m, time.Hour); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := s.Forget(ctx, gone); err != nil {
			t.Fatal(err)
		}
		if sess, _ := s.Get(ctx, gone); sess != nil {
			t.Error("session kept")
		}
		if done, _ := isHandled(ctx, s, gone, "m1"); done {
			t.Error("marker kept")
		}
		if sess, _ := s.Get(ctx, kept); sess == nil {
			t.Error("another address's session deleted")
		}
		if done, _ := isHandled(ctx, s, kept, "m2"); !done {
			t.Error("another address's marker deleted")
		}
	})
}
