package bot

import (
	"context"
	"sync"

	"jejaring/internal/channel"
	"jejaring/internal/idn"
)

// keyedQueue lets one goroutine per key in at a time, serving the waiters of
// a key in arrival order (goroutines blocked sending on a channel are queued
// first in, first out). It keeps one contact's messages in order within a
// process, before the Redis lock keeps replicas apart.
type keyedQueue struct {
	mu sync.Mutex
	m  map[string]*slot
}

type slot struct {
	ch    chan struct{}
	users int
}

func (q *keyedQueue) acquire(ctx context.Context, key string) (release func(), err error) {
	q.mu.Lock()
	s := q.m[key]
	if s == nil {
		s = &slot{ch: make(chan struct{}, 1)}
		q.m[key] = s
	}
	s.users++
	q.mu.Unlock()
	select {
	case s.ch <- struct{}{}:
	case <-ctx.Done():
		q.leave(key, s)
		return nil, ctx.Err()
	}
	return func() {
		<-s.ch
		q.leave(key, s)
	}, nil
}

func (q *keyedQueue) leave(key string, s *slot) {
	q.mu.Lock()
	s.users--
	if s.users == 0 {
		delete(q.m, key)
	}
	q.mu.Unlock()
}

// maskAddr names a contact in a log line with idn.MaskAddress (a WhatsApp
// id is the phone number).
func maskAddr(a channel.Address) string {
	return idn.MaskAddress(string(a.Channel), a.ExternalID)
}
