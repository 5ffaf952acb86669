package whatsapp

import (
	"context"
	"log/slog"
	"sync"

	"go.mau.fi/whatsmeow/types/events"

	"jejaring/internal/idn"
)

// chatQueue runs incoming messages one at a time per chat, in arrival order,
// and different chats in parallel up to a bound. whatsmeow's event loop only
// appends here, so a slow answer never holds up the connection.
type chatQueue struct {
	handle  func(context.Context, *events.Message)
	dropped func(*events.Message) // a message the full queue refused; may be nil
	log     *slog.Logger
	sem     chan struct{}
	perChat int

	mu    sync.Mutex
	chats map[string][]*events.Message
	wg    sync.WaitGroup
}

func newChatQueue(workers, perChat int, handle func(context.Context, *events.Message), log *slog.Logger) *chatQueue {
	return &chatQueue{
		handle:  handle,
		log:     log,
		sem:     make(chan struct{}, workers),
		perChat: perChat,
		chats:   make(map[string][]*events.Message),
	}
}

// push queues evt behind the other messages of its chat. A chat with too
// many waiting messages (a flood) loses the newest, with a warning.
func (q *chatQueue) push(ctx context.Context, chat string, evt *events.Message) {
	q.mu.Lock()
	pending, busy := q.chats[chat]
	if len(pending) >= q.perChat {
		q.mu.Unlock()
		q.log.Warn("whatsapp chat queue full; message dropped", "chat", idn.MaskPhone(chat), "id", evt.Info.ID)
		if q.dropped != nil {
			q.dropped(evt)
		}
		return
	}
	q.chats[chat] = append(pending, evt)
	if !busy {
		q.wg.Add(1)
		go q.drain(ctx, chat)
	}
	q.mu.Unlock()
}

func (q *chatQueue) drain(ctx context.Context, chat string) {
	defer q.wg.Done()
	for {
		q.mu.Lock()
		pending := q.chats[chat]
		if len(pending) == 0 || ctx.Err() != nil {
			delete(q.chats, chat)
			q.mu.Unlock()
			return
		}
		evt := pending[0]
		q.chats[chat] = pending[1:]
		q.mu.Unlock()

		select {
		case q.sem <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		q.handle(ctx, evt)
		<-q.sem
	}
}

// wait blocks until every queued message is handled or dropped.
func (q *chatQueue) wait() { q.wg.Wait() }
