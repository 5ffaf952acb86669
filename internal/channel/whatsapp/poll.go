package whatsapp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"go.mau.fi/whatsmeow/types/events"
)

// pollOption is one option of a poll we sent: the name shown, its hash as a
// vote carries it, and what the bot receives when it is picked.
type pollOption struct {
	hash   [32]byte
	choice string // the choice value (KindChoice), or
	text   string // the answer as text (KindText) for a yes/no without choices
}

type pollRecord struct {
	options []pollOption
	sent    time.Time
}

// pollTable remembers the polls we sent, newest last, up to max.
type pollTable struct {
	mu    sync.Mutex
	max   int
	now   func() time.Time
	byID  map[string]pollRecord
	order []string
}

func newPollTable(max int, now func() time.Time) *pollTable {
	return &pollTable{max: max, now: now, byID: make(map[string]pollRecord)}
}

func (t *pollTable) put(id string, names []string, choices, texts []string) {
	rec := pollRecord{sent: t.now()}
	for i, n := range names {
		o := pollOption{hash: sha256.Sum256([]byte(n))}
		if i < len(choices) {
			o.choice = choices[i]
		}
		if i < len(texts) {
			o.text = texts[i]
		}
		rec.options = append(rec.options, o)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.byID[id]; !ok {
		t.order = append(t.order, id)
	}
	t.byID[id] = rec
	for len(t.order) > t.max {
		delete(t.byID, t.order[0])
		t.order = t.order[1:]
	}
}

func (t *pollTable) get(id string) (pollRecord, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, ok := t.byID[id]
	return r, ok
}

// pollAnswer decrypts a poll vote and maps the picked option back to the
// choice value (or yes/no text) of the poll we sent. A vote that takes an
// answer back (no option selected), a vote on a poll we do not know, or one
// that cannot be decrypted is not passed on.
func (a *Adapter) pollAnswer(ctx context.Context, evt *events.Message) (choice, text string, ok bool) {
	upd := evt.Message.GetPollUpdateMessage()
	pollID := upd.GetPollCreationMessageKey().GetID()
	rec, known := a.polls.get(pollID)
	if !known {
		a.log.Info("whatsapp vote on an unknown poll ignored (sent before a restart?)", "poll", pollID)
		return "", "", false
	}
	snd := a.sender()
	if snd == nil {
		return "", "", false
	}
	vote, err := snd.DecryptPollVote(ctx, evt)
	if err != nil {
		a.log.Warn("whatsapp poll vote not readable", "poll", pollID, "err", err)
		return "", "", false
	}
	for _, sel := range vote.GetSelectedOptions() {
		for _, o := range rec.options {
			if bytes.Equal(sel, o.hash[:]) {
				return o.choice, o.text, o.choice != "" || o.text != ""
			}
		}
	}
	return "", "", false
}
