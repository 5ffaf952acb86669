package session

import (
	"context"
	"fmt"
	"strings"

	"jejaring/internal/channel"
)

// Forget deletes the session of the contact at addr and the "handled"
// markers of its messages (hapusdata). The contact lock is left alone: the
// turn that runs the erasure holds it, releases it when it commits, and a
// lock holds only a random token. The marker of the message being handled
// is written when that turn commits, and expires with the dedupe TTL.
func (s *Store) Forget(ctx context.Context, addr channel.Address) error {
	keys := []string{s.sessionKey(addr)}
	it := s.rdb.Scan(ctx, 0, globEscape(s.doneKey(addr, ""))+"*", 1000).Iterator()
	for it.Next(ctx) {
		keys = append(keys, it.Val())
	}
	if err := it.Err(); err != nil {
		return fmt.Errorf("forget %s: list markers: %w", addr.Channel, err)
	}
	for start := 0; start < len(keys); start += 500 {
		if err := s.rdb.Del(ctx, keys[start:min(start+500, len(keys))]...).Err(); err != nil {
			return fmt.Errorf("forget %s: %w", addr.Channel, err)
		}
	}
	return nil
}

// globEscape quotes the characters SCAN MATCH treats as a pattern.
func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`).Replace(s)
}
