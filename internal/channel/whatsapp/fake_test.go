package whatsapp

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"jejaring/internal/channel"
)

// fakeSender records what the adapter sends instead of talking to WhatsApp.
type fakeSender struct {
	mu        sync.Mutex
	n         int
	sent      []sentMsg
	uploads   []whatsmeow.MediaType
	reads     []types.MessageID
	presences []types.ChatPresence
	download  []byte
	vote      *waE2E.PollVoteMessage
	sendErr   error
	loggedIn  bool
	connected bool
	disc      int
}

type sentMsg struct {
	to  types.JID
	msg *waE2E.Message
}

func (f *fakeSender) SendMessage(_ context.Context, to types.JID, msg *waE2E.Message, _ ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sendErr != nil {
		return whatsmeow.SendResponse{}, f.sendErr
	}
	f.n++
	f.sent = append(f.sent, sentMsg{to: to, msg: msg})
	return whatsmeow.SendResponse{ID: fmt.Sprintf("M%d", f.n)}, nil
}

func (f *fakeSender) Upload(_ context.Context, data []byte, mt whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uploads = append(f.uploads, mt)
	sum := sha256.Sum256(data)
	return whatsmeow.UploadResponse{URL: "https://mmg.example/x", DirectPath: "/v/x", MediaKey: []byte("k"), FileSHA256: sum[:], FileEncSHA256: sum[:], FileLength: uint64(len(data))}, nil
}

func (f *fakeSender) Download(context.Context, whatsmeow.DownloadableMessage) ([]byte, error) {
	return f.download, nil
}

func (f *fakeSender) MarkRead(_ context.Context, ids []types.MessageID, _ time.Time, _, _ types.JID, _ ...types.ReceiptType) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads = append(f.reads, ids...)
	return nil
}

func (f *fakeSender) SendChatPresence(_ context.Context, _ types.JID, state types.ChatPresence, _ types.ChatPresenceMedia) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.presences = append(f.presences, state)
	return nil
}

func (f *fakeSender) BuildPollCreation(name string, options []string, selectable int) *waE2E.Message {
	// whatsmeow builds polls without touching the connection.
	return (&whatsmeow.Client{}).BuildPollCreation(name, options, selectable)
}

func (f *fakeSender) DecryptPollVote(context.Context, *events.Message) (*waE2E.PollVoteMessage, error) {
	if f.vote == nil {
		return nil, whatsmeow.ErrOriginalMessageSecretNotFound
	}
	return f.vote, nil
}

func (f *fakeSender) IsLoggedIn() bool  { return f.loggedIn }
func (f *fakeSender) IsConnected() bool { return f.connected }
func (f *fakeSender) Disconnect()       { f.mu.Lock(); f.disc++; f.mu.Unlock() }

func (f *fakeSender) messages() []sentMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentMsg(nil), f.sent...)
}

// fakeLIDs is a LID → phone mapping.
type fakeLIDs map[types.JID]types.JID

func (m fakeLIDs) GetPNForLID(_ context.Context, lid types.JID) (types.JID, error) {
	return m[lid], nil
}

// testAdapter is an adapter with a fake connection and no database.
func testAdapter(t *testing.T, h channel.Handler, polls bool) (*Adapter, *fakeSender) {
	t.Helper()
	if h == nil {
		h = channel.HandlerFunc(func(context.Context, channel.Inbound) ([]channel.Outbound, error) { return nil, nil })
	}
	a := newAdapter(Config{Handler: h, DataDir: t.TempDir(), Polls: polls, Workers: 4}, nil)
	f := &fakeSender{loggedIn: true, connected: true}
	a.snd = f
	a.state.Status = StatusConnected
	return a, f
}
