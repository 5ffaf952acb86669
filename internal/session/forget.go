package session

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
)

// Forget deletes the session of the contact at addr, the "handled"
// markers of its messages and the replies kept with them (hapusdata). The contact lock is left alone: the
// turn that runs the erasure holds it, releases it when it commits, and a
// lock holds only a random token. The marker of the message being handled
// is written when that turn commits, and expires with the dedupe TTL.
func (s *Store) Forget(ctx context.Context, addr channel.Address) error {
	keys := []string{s.sessionKey(addr)}
	// The contact's keys share its hash tag, so on a Redis Cluster they
	// all live on the node that serves that slot: scan there (a cluster
	// client's own SCAN would look at one node picked at random).
	var scanner redis.Cmdable = s.rdb
	if c, ok := s.rdb.(*redis.ClusterClient); ok {
		node, err := c.MasterForKey(ctx, s.sessionKey(addr))
		if err != nil {
			return fmt.Errorf("forget %s: find the node: %w", addr.Channel, err)
		}
		scanner = node
	}
	for _, pattern := range []string{s.doneKey(addr, ""), s.repliesKey(addr, "")} {
		it := scanner.Scan(ctx, 0, globEscape(pattern)+"*", 1000).Iterator()
		for it.Next(ctx) {
			keys = append(keys, it.Val())
		}
		if err := it.Err(); err != nil {
			return fmt.Errorf("forget %s: list markers: %w", addr.Channel, err)
		}
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
