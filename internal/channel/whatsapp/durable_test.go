package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types/events"

	"jejaring/internal/channel"
)

// keeper is a channel.DurableHandler as the bot is one: a message id is
// handled once, its replies kept until Delivered confirms them (a
// redelivery returns the rest), and while down every message gets
// channel.ErrUnavailable with nothing handled.
type keeper struct {
	mu      sync.Mutex
	down    int // answer ErrUnavailable this many more times
	order   []string
	handled map[string]int
	kept    map[string][]channel.Outbound
	sent    map[string]int
}

func newKeeper() *keeper {
	return &keeper{handled: map[string]int{}, kept: map[string][]channel.Outbound{}, sent: map[string]int{}}
}

func (k *keeper) Handle(ctx context.Context, in channel.Inbound) ([]channel.Outbound, error) {
	r, err := k.HandleDurable(ctx, in)
	return r.Out, err
}

func (k *keeper) HandleDurable(_ context.Context, in channel.Inbound) (channel.Replies, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.down > 0 {
		k.down--
		return channel.Replies{}, fmt.Errorf("bot: %w: dial tcp 127.0.0.1:5432: connection refused", channel.ErrUnavailable)
	}
	if k.handled[in.MessageID] > 0 {
		kept := k.kept[in.MessageID]
		from := min(k.sent[in.MessageID], len(kept))
		return channel.Replies{Out: kept[from:], From: from}, nil
	}
	k.handled[in.MessageID]++
	k.order = append(k.order, in.Text)
	out := []channel.Outbound{{Text: "Diterima: " + in.Text}, {Text: "Pertanyaan berikutnya untuk " + in.Text}}
	k.kept[in.MessageID] = out
	return channel.Replies{Out: out}, nil
}

func (k *keeper) Delivered(_ context.Context, in channel.Inbound, upto int) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sent[in.MessageID] = max(k.sent[in.MessageID], upto)
	return nil
}

func textsOf(sent []sentMsg) []string {
	var out []string
	for _, m := range sent {
		out = append(out, m.msg.GetConversation())
	}
	return out
}

func spoolFiles(t *testing.T, dataDir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dataDir, "whatsapp", "spool", "*.json"))
	return m
}

func msgWithID(id, s string) *events.Message {
	e := dm(pnJID, text(s))
	e.Info.ID = id
	return e
}

func TestSpoolRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := newSpool(dir, quiet())
	e := dm(lidJID, text("halo, saya Bu Rina"))
	e.Info.SenderAlt = pnJID
	if err := s.put(e); err != nil {
		t.Fatal(err)
	}
	files := spoolFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("spool files %v", files)
	}
	if st, err := os.Stat(files[0]); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("spool file mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
	got := newSpool(dir, quiet()).load()
	if len(got) != 1 {
		t.Fatalf("loaded %d", len(got))
	}
	g := got[0]
	if g.Info.ID != e.Info.ID || g.Info.Sender != lidJID || g.Info.SenderAlt != pnJID || g.Info.Chat != lidJID ||
		!g.Info.Timestamp.Equal(e.Info.Timestamp) || g.Info.PushName != "Bu Rina" || g.Message.GetConversation() != "halo, saya Bu Rina" {
		t.Fatalf("loaded %+v %v", g.Info, g.Message)
	}
	// An unreadable file is set aside, not retried at every start.
	bad := filepath.Join(dir, "whatsapp", "spool", "00000000000000000001-00000001.json")
	_ = os.WriteFile(bad, []byte("{not json"), 0o600)
	if n := len(newSpool(dir, quiet()).load()); n != 1 {
		t.Fatalf("loaded %d with a bad file beside; want the good one", n)
	}
	if _, err := os.Stat(bad + ".bad"); err != nil {
		t.Errorf("bad file not set aside: %v", err)
	}
}

// TestHeldNotApologized: while the bot says channel.ErrUnavailable the
// message waits (no apology, nothing dropped), the owner gets one "sebentar
// ya", and once the services are back the real answer, exactly once; the
// spool is empty afterwards.
func TestHeldNotApologized(t *testing.T) {
	t.Parallel()
	k := newKeeper()
	k.down = 3
	a, f := testAdapter(t, k, false)
	a.holdNoticeAfter = 0
	e := msgWithID("3EB0HELD1", "Warung Bu Rina")
	a.accept(context.Background(), e)
	a.queue.wait()
	want := []string{holdNotice[0], "Diterima: Warung Bu Rina", "Pertanyaan berikutnya untuk Warung Bu Rina"}
	if got := textsOf(f.messages()); !slices.Equal(got, want) {
		t.Fatalf("sent %q; want %q", got, want)
	}
	if k.handled["3EB0HELD1"] != 1 || k.sent["3EB0HELD1"] != 2 {
		t.Errorf("handled %d, confirmed %d", k.handled["3EB0HELD1"], k.sent["3EB0HELD1"])
	}
	if files := spoolFiles(t, a.cfg.DataDir); len(files) != 0 {
		t.Errorf("spool still holds %v", files)
	}
}

// TestSpoolReplayAfterCrash: messages accepted (so acked to WhatsApp) but
// not answered when the process went away are answered at the next start,
// in order; a message answered halfway gets only the replies not confirmed.
func TestSpoolReplayAfterCrash(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k := newKeeper()
	// Run 1: the connection is gone (no sender) and the process stops
	// before it answers anything.
	a1 := newAdapter(Config{Handler: k, DataDir: dir, Workers: 4, Logger: quiet()}, nil)
	ctx, stop := context.WithCancel(context.Background())
	for i, s := range []string{"satu", "dua", "tiga"} {
		a1.accept(ctx, msgWithID(fmt.Sprintf("3EB0R%d", i), s))
	}
	time.Sleep(50 * time.Millisecond)
	stop()
	a1.queue.wait()
	if files := spoolFiles(t, dir); len(files) != 3 {
		t.Fatalf("after the stop the spool holds %d messages; want 3", len(files))
	}
	// Meanwhile another path handled "satu" and got its first reply out
	// (a crash right after it).
	if _, err := k.HandleDurable(context.Background(), channel.Inbound{MessageID: "3EB0R0", Text: "satu"}); err != nil {
		t.Fatal(err)
	}
	_ = k.Delivered(context.Background(), channel.Inbound{MessageID: "3EB0R0"}, 1)

	// Run 2 on the same DATA_DIR.
	a2, f := testAdapter(t, k, false)
	a2.cfg.DataDir = dir
	a2.spool = newSpool(dir, quiet())
	a2.queue.dropped = a2.spool.done
	a2.replaySpool(context.Background())
	a2.queue.wait()
	want := []string{
		"Pertanyaan berikutnya untuk satu",
		"Diterima: dua", "Pertanyaan berikutnya untuk dua",
		"Diterima: tiga", "Pertanyaan berikutnya untuk tiga",
	}
	if got := textsOf(f.messages()); !slices.Equal(got, want) {
		t.Fatalf("after the restart sent %q; want %q", got, want)
	}
	if !slices.Equal(k.order, []string{"satu", "dua", "tiga"}) {
		t.Errorf("handled %v; want in order, once each", k.order)
	}
	if files := spoolFiles(t, dir); len(files) != 0 {
		t.Errorf("spool still holds %v", files)
	}
}

// TestReplyRetriedThenKept: a reply WhatsApp does not take is tried again;
// one still not out after replyRetryFor leaves the message in the spool
// (for the next start) instead of dropping it.
func TestReplyRetriedThenKept(t *testing.T) {
	t.Parallel()
	k := newKeeper()
	a, f := testAdapter(t, k, false)
	a.replyRetryFor = 300 * time.Millisecond
	f.mu.Lock()
	f.sendErr = fmt.Errorf("websocket not connected: %w", channel.ErrNotConnected)
	f.mu.Unlock()
	a.accept(context.Background(), msgWithID("3EB0KEPT", "Kopi Pak Darto"))
	a.queue.wait()
	if files := spoolFiles(t, a.cfg.DataDir); len(files) != 1 {
		t.Fatalf("spool holds %d; want the unanswered message kept", len(files))
	}
	if k.sent["3EB0KEPT"] != 0 {
		t.Fatalf("confirmed %d replies that did not go out", k.sent["3EB0KEPT"])
	}
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }
