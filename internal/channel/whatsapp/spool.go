package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// spool keeps every incoming message on disk, under
// DataDir/whatsapp/spool/, from the moment whatsmeow hands it over until it
// is answered. The client acks a message to WhatsApp only after the event
// handler returned (SynchronousAck), and the handler returns only once the
// message is written and synced: a message WhatsApp considers delivered is
// always in the spool, one not yet in the spool is redelivered by WhatsApp.
// At the next start the messages left there (a crash, a shutdown while the
// database or Redis was away) are handled again first, in the order they
// came; the bot's dedupe then returns only the replies not yet confirmed.
type spool struct {
	dir string
	log *slog.Logger
	seq atomic.Uint64
	// names maps a queued event to its file.
	names sync.Map // *events.Message -> string
}

// spooled is a message as it is kept: what inbound reads of the event.
type spooled struct {
	Info    types.MessageInfo `json:"info"`
	Message []byte            `json:"message"` // waE2E.Message, protobuf
	IsEdit  bool              `json:"is_edit,omitempty"`
}

func newSpool(dataDir string, log *slog.Logger) *spool {
	if dataDir == "" {
		return nil
	}
	return &spool{dir: filepath.Join(dataDir, "whatsapp", "spool"), log: log}
}

// put writes evt to its own file (0600, synced) and remembers the file for
// done. The name sorts in arrival order.
func (s *spool) put(evt *events.Message) error {
	msg, err := proto.Marshal(evt.Message)
	if err != nil {
		return fmt.Errorf("spool encode: %w", err)
	}
	data, err := json.Marshal(spooled{Info: evt.Info, Message: msg, IsEdit: evt.IsEdit})
	if err != nil {
		return fmt.Errorf("spool encode: %w", err)
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("spool dir: %w", err)
	}
	name := fmt.Sprintf("%020d-%08d.json", time.Now().UnixNano(), s.seq.Add(1)%1e8)
	tmp := filepath.Join(s.dir, "."+name+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("spool create: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(s.dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("spool write: %w", err)
	}
	s.names.Store(evt, name)
	return nil
}

// done removes evt's file: it is answered (or will never be).
func (s *spool) done(evt *events.Message) {
	if s == nil {
		return
	}
	v, ok := s.names.LoadAndDelete(evt)
	if !ok {
		return
	}
	if err := os.Remove(filepath.Join(s.dir, v.(string))); err != nil && !os.IsNotExist(err) {
		s.log.Warn("whatsapp spool: remove answered message", "err", err)
	}
}

// forget drops evt's name without touching the file: the message stays
// for the next start (shutdown before it was answered).
func (s *spool) forget(evt *events.Message) {
	if s != nil {
		s.names.Delete(evt)
	}
}

// load reads the messages left in the spool, oldest first. A file that
// does not decode is set aside as *.bad (and logged), not retried forever.
func (s *spool) load() []*events.Message {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		if !os.IsNotExist(err) {
			s.log.Error("whatsapp spool: read", "err", err)
		}
		return nil
	}
	var names []string
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".json") && !strings.HasPrefix(n, ".") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var out []*events.Message
	for _, n := range names {
		p := filepath.Join(s.dir, n)
		evt, err := readSpooled(p)
		if err != nil {
			s.log.Error("whatsapp spool: unreadable message set aside", "file", n, "err", err)
			_ = os.Rename(p, p+".bad")
			continue
		}
		s.names.Store(evt, n)
		out = append(out, evt)
	}
	return out
}

func readSpooled(path string) (*events.Message, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var sp spooled
	if err := json.Unmarshal(data, &sp); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	msg := &waE2E.Message{}
	if err := proto.Unmarshal(sp.Message, msg); err != nil {
		return nil, fmt.Errorf("decode message: %w", err)
	}
	return &events.Message{Info: sp.Info, Message: msg, IsEdit: sp.IsEdit}, nil
}

// accept is what the event loop does with a message: skip what the bot
// must not see, keep the rest in the spool (before whatsmeow acks it), and
// queue it on its chat. A message the spool cannot take is still queued:
// it is answered, only not kept across a crash.
func (a *Adapter) accept(ctx context.Context, e *events.Message) {
	if why, ok := skip(e); ok {
		a.log.Debug("whatsapp message ignored", "why", why, "id", e.Info.ID)
		return
	}
	if a.spool != nil {
		if err := a.spool.put(e); err != nil {
			a.log.Error("whatsapp message not kept on disk; a crash before it is answered would lose it", "id", e.Info.ID, "err", err)
		}
	}
	a.queue.push(ctx, e.Info.Chat.ToNonAD().String(), e)
}

// replaySpool queues the messages a previous run left unanswered, ahead of
// anything new (Run calls it before connecting).
func (a *Adapter) replaySpool(ctx context.Context) {
	if a.spool == nil {
		return
	}
	left := a.spool.load()
	if len(left) == 0 {
		return
	}
	a.log.Info("whatsapp: answering messages kept from before the restart", "messages", len(left))
	for _, e := range left {
		a.queue.push(ctx, e.Info.Chat.ToNonAD().String(), e)
	}
}
