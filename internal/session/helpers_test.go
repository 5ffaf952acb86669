package session_test

import (
	"context"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/session"
)

// The store has no writes outside a turn: these helpers set up a test's
// state through Begin and CommitNote, the path the bot takes.

// commitSession stores sess for a in a turn of no message (nil ends the
// conversation), with the store's TTL.
func commitSession(ctx context.Context, s *session.Store, a channel.Address, sess *flow.Session) error {
	tr, err := s.Begin(ctx, a, "", time.Minute, time.Second)
	if err != nil {
		return err
	}
	return tr.CommitNote(ctx, sess, "", 0, 0)
}

// commitHandled handles message msgID of a for doneTTL, keeping the
// session as it was.
func commitHandled(ctx context.Context, s *session.Store, a channel.Address, msgID string, doneTTL time.Duration) error {
	tr, err := s.Begin(ctx, a, msgID, time.Minute, time.Second)
	if err != nil {
		return err
	}
	return tr.CommitNote(ctx, tr.Session, tr.Note, 0, doneTTL)
}

// isHandled is what the next delivery of message msgID of a finds.
func isHandled(ctx context.Context, s *session.Store, a channel.Address, msgID string) (bool, error) {
	tr, err := s.Begin(ctx, a, msgID, time.Minute, time.Second)
	if err != nil {
		return false, err
	}
	defer tr.Release(ctx)
	return tr.Done, nil
}
