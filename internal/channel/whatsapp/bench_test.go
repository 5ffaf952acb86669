package whatsapp

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"jejaring/internal/channel"
)

// BenchmarkInboundText measures turning a LID-addressed text message into
// an Inbound (address resolution included).
func BenchmarkInboundText(b *testing.B) {
	a := newAdapter(Config{Handler: channel.HandlerFunc(func(context.Context, channel.Inbound) ([]channel.Outbound, error) { return nil, nil })}, nil)
	evt := dm(lidJID, text("daftar usaha"))
	evt.Info.SenderAlt = pnJID
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := a.inbound(ctx, evt); !ok {
			b.Fatal("ignored")
		}
	}
}

// BenchmarkRenderChoices measures rendering a 6-option question as numbered
// text plus the poll description.
func BenchmarkRenderChoices(b *testing.B) {
	out := channel.Outbound{Text: "Apakah Bapak/Ibu hadir?", Expect: "rsvp"}
	for i := range 6 {
		out.Choices = append(out.Choices, channel.Choice{Label: fmt.Sprintf("Pilihan %d", i+1), Value: fmt.Sprint(i)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(render(out, true)) != 2 {
			b.Fatal("want text + poll")
		}
	}
}

// BenchmarkQueue measures the per-chat queue: batches of one message from
// each of 100 chats through onEvent to a handler that answers at once,
// reply rendering and (fake) sending included.
func BenchmarkQueue(b *testing.B) {
	var wg sync.WaitGroup
	h := channel.HandlerFunc(func(context.Context, channel.Inbound) ([]channel.Outbound, error) {
		defer wg.Done()
		return []channel.Outbound{{Text: "ok"}}, nil
	})
	a := newAdapter(Config{Handler: h, Workers: 8}, nil)
	a.snd = &fakeSender{}
	a.state.Status = StatusConnected
	evts := make([]*events.Message, 100)
	for i := range evts {
		evts[i] = dm(types.NewJID(fmt.Sprintf("6281200000%03d", i), types.DefaultUserServer), text("halo"))
	}
	ctx := context.Background()
	conn := make(chan connEvent, 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		wg.Add(1)
		a.onEvent(ctx, evts[i%len(evts)], conn)
		i++
		if i%len(evts) == 0 {
			wg.Wait() // one message per chat in flight, so none is dropped
		}
	}
	wg.Wait()
	a.queue.wait()
}
