package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"jejaring/internal/channel"
)

func TestProcessRepliesToTheChat(t *testing.T) {
	t.Parallel()
	var got []channel.Inbound
	h := channel.HandlerFunc(func(_ context.Context, in channel.Inbound) ([]channel.Outbound, error) {
		got = append(got, in)
		return []channel.Outbound{{Text: "Selamat datang, Bu Rina."}, {Text: "Pilih menu:", Choices: []channel.Choice{{Label: "Daftar", Value: "daftar"}, {Label: "Acara", Value: "acara"}}}}, nil
	})
	a, f := testAdapter(t, h, false)
	evt := dm(lidJID, text("halo"))
	evt.Info.SenderAlt = pnJID
	a.process(context.Background(), evt)

	if len(got) != 1 || got[0].From.ExternalID != "6281234567890" {
		t.Fatalf("handler got %+v", got)
	}
	sent := f.messages()
	if len(sent) != 2 || sent[0].to != lidJID || sent[1].to != lidJID {
		t.Fatalf("replies = %+v, want two to the LID chat", sent)
	}
	if sent[1].msg.GetConversation() != "Pilih menu:\n\n1. Daftar\n2. Acara\n\nBalas dengan angka 1–2." {
		t.Errorf("second reply = %q", sent[1].msg.GetConversation())
	}
	if !slices.Equal(f.reads, []types.MessageID{"3EB0ABC"}) {
		t.Errorf("marked read = %v", f.reads)
	}
	if !slices.Equal(f.presences, []types.ChatPresence{types.ChatPresenceComposing, types.ChatPresencePaused}) {
		t.Errorf("presences = %v, want typing then paused", f.presences)
	}
}

// TestProcessHandlerErrorSendsNothing: the bot answers its own failures
// with its apology; an error from the handler means nothing can be said
// now, and the adapter adds no second apology of its own.
func TestProcessHandlerErrorSendsNothing(t *testing.T) {
	t.Parallel()
	h := channel.HandlerFunc(func(context.Context, channel.Inbound) ([]channel.Outbound, error) {
		return nil, errors.New("shutting down")
	})
	a, f := testAdapter(t, h, false)
	a.process(context.Background(), dm(pnJID, text("halo")))
	if sent := f.messages(); len(sent) != 0 {
		t.Fatalf("sent %+v, want nothing", sent)
	}
}

func TestProcessIgnoresGroupsBeforeTheHandler(t *testing.T) {
	t.Parallel()
	called := false
	a, f := testAdapter(t, channel.HandlerFunc(func(context.Context, channel.Inbound) ([]channel.Outbound, error) {
		called = true
		return nil, nil
	}), false)
	evt := dm(pnJID, text("halo grup"))
	evt.Info.Chat, evt.Info.IsGroup = groupJID, true
	a.process(context.Background(), evt)
	if called || len(f.messages()) != 0 || len(f.reads) != 0 {
		t.Fatalf("group message handled: called %v, sent %d, read %d", called, len(f.messages()), len(f.reads))
	}
}

// TestQueueKeepsOrderPerChat pushes messages from several chats through
// onEvent and checks each chat's messages reach the handler in order, one
// at a time, while chats run side by side.
func TestQueueKeepsOrderPerChat(t *testing.T) {
	t.Parallel()
	const chats, per = 6, 20
	var (
		mu      sync.Mutex
		seen    = map[string][]string{}
		busy    = map[string]bool{}
		overlap bool
		wg      sync.WaitGroup
	)
	wg.Add(chats * per)
	h := channel.HandlerFunc(func(_ context.Context, in channel.Inbound) ([]channel.Outbound, error) {
		defer wg.Done()
		mu.Lock()
		if busy[in.From.ExternalID] {
			overlap = true
		}
		busy[in.From.ExternalID] = true
		mu.Unlock()
		time.Sleep(100 * time.Microsecond)
		mu.Lock()
		busy[in.From.ExternalID] = false
		seen[in.From.ExternalID] = append(seen[in.From.ExternalID], in.Text)
		mu.Unlock()
		return nil, nil
	})
	a, _ := testAdapter(t, h, false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	conn := make(chan connEvent, 1)
	for i := range per {
		for c := range chats {
			jid := types.NewJID(fmt.Sprintf("62812000000%02d", c), types.DefaultUserServer)
			evt := dm(jid, text(fmt.Sprint(i)))
			evt.Info.ID = fmt.Sprintf("%d-%d", c, i)
			a.onEvent(ctx, evt, conn)
		}
	}
	wg.Wait()
	a.queue.wait()
	mu.Lock()
	defer mu.Unlock()
	if overlap {
		t.Error("two messages of one chat were handled at the same time")
	}
	if len(seen) != chats {
		t.Fatalf("chats seen = %d, want %d", len(seen), chats)
	}
	for chat, texts := range seen {
		for i, s := range texts {
			if s != fmt.Sprint(i) {
				t.Fatalf("chat %s order = %v", chat, texts)
			}
		}
	}
}

func TestOnEventConnectionEvents(t *testing.T) {
	t.Parallel()
	a, _ := testAdapter(t, nil, false)
	conn := make(chan connEvent, 8)
	for _, tc := range []struct {
		evt  any
		want connKind
	}{
		{&events.Connected{}, evConnected},
		{&events.Disconnected{}, evDisconnected},
		{&events.LoggedOut{Reason: events.ConnectFailureLoggedOut}, evLoggedOut},
		{&events.StreamReplaced{}, evReplaced},
		{&events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: time.Hour}, evBanned},
		{&events.ClientOutdated{}, evFailed},
		{&events.KeepAliveTimeout{ErrorCount: 9, LastSuccess: time.Now().Add(-4 * time.Minute)}, evDisconnected},
	} {
		a.onEvent(context.Background(), tc.evt, conn)
		select {
		case ev := <-conn:
			if ev.kind != tc.want {
				t.Errorf("%T: kind %v, want %v", tc.evt, ev.kind, tc.want)
			}
		default:
			t.Errorf("%T: no connection event", tc.evt)
		}
	}
	// A keepalive missed now and then is no reason to redial.
	a.onEvent(context.Background(), &events.KeepAliveTimeout{ErrorCount: 1, LastSuccess: time.Now().Add(-30 * time.Second)}, conn)
	select {
	case ev := <-conn:
		t.Errorf("one missed keepalive reported %v", ev.kind)
	default:
	}
}
