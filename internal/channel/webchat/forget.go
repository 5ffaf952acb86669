package webchat

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// ForgetClient deletes the messages queued in Redis for a client that was
// not connected (hapusdata): they may carry the owner's name, invitation and
// check-in code. prefix is Options.Prefix.
func ForgetClient(ctx context.Context, rdb redis.UniversalClient, prefix, clientID string) error {
	c := &Chat{opt: Options{Prefix: prefix}}
	if err := rdb.Del(ctx, c.pendingKey(clientID)).Err(); err != nil {
		return fmt.Errorf("webchat forget client: %w", err)
	}
	return nil
}
