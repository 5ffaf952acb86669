package telegram

import "sync"

// dispatcher runs jobs keyed by chat: one chat's jobs strictly in the order
// they were submitted, different chats in parallel, at most `workers` jobs at
// once. A chat with work has one goroutine draining its queue; it takes a
// worker slot per job, so a busy chat does not hold a slot between jobs.
type dispatcher struct {
	slots chan struct{}

	mu    sync.Mutex
	chats map[int64]*chatQueue
	wg    sync.WaitGroup // running chat goroutines
}

type chatQueue struct{ jobs []func() }

func newDispatcher(workers int) *dispatcher {
	return &dispatcher{slots: make(chan struct{}, workers), chats: map[int64]*chatQueue{}}
}

// submit queues job behind the chat's earlier jobs.
func (d *dispatcher) submit(chat int64, job func()) {
	d.mu.Lock()
	q := d.chats[chat]
	start := q == nil
	if start {
		q = &chatQueue{}
		d.chats[chat] = q
		d.wg.Add(1)
	}
	q.jobs = append(q.jobs, job)
	d.mu.Unlock()
	if start {
		go d.drain(chat, q)
	}
}

func (d *dispatcher) drain(chat int64, q *chatQueue) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		if len(q.jobs) == 0 {
			delete(d.chats, chat)
			d.mu.Unlock()
			return
		}
		job := q.jobs[0]
		q.jobs[0] = nil
		q.jobs = q.jobs[1:]
		d.mu.Unlock()
		d.slots <- struct{}{}
		job()
		<-d.slots
	}
}

// wait blocks until every queued job has run.
func (d *dispatcher) wait() { d.wg.Wait() }
