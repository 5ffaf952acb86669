package whatsapp

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/types"

	"jejaring/internal/channel"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// closedPort dials a local port nothing listens on, whatever address
// whatsmeow asks for, and records the addresses asked for.
type closedPort struct {
	mu    sync.Mutex
	asked []string
}

func (c *closedPort) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c.mu.Lock()
	c.asked = append(c.asked, addr)
	c.mu.Unlock()
	var d net.Dialer
	return d.DialContext(ctx, "tcp", "127.0.0.1:1")
}

func (c *closedPort) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.asked)
}

// linkDevice stores a linked device session as `whatsapp link` would.
func linkDevice(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	pool, dialect := side(t, db)
	c, err := openContainer(ctx, pool, dialect, nil)
	if err != nil {
		t.Fatal(err)
	}
	dev := c.NewDevice()
	jid := types.NewADJID("6281299998888", 0, 7)
	dev.ID = &jid
	dev.PushName = "Dinas Koperasi"
	dev.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64), AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
	if err := c.PutDevice(ctx, dev); err != nil {
		t.Fatalf("store device: %v", err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRunUnreachableKeepsRetrying is the "WhatsApp unreachable" case: the
// linked channel points at a closed local port, keeps retrying with backoff,
// reports a clear reason on Health and in the status file, refuses sends
// with ErrNotConnected, and stops when ctx ends.
func TestRunUnreachableKeepsRetrying(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		linkDevice(t, db)
		port := &closedPort{}
		dataDir := t.TempDir()
		pool, dialect := side(t, db)
		a, err := New(context.Background(), Config{
			DB: pool, Dialect: dialect, DataDir: dataDir, Dial: port.dial,
			Handler:    channel.HandlerFunc(func(context.Context, channel.Inbound) ([]channel.Outbound, error) { return nil, nil }),
			MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()

		waitFor(t, "three failed attempts", func() bool { return a.Status().Attempt >= 3 })
		err = a.Health()
		if err == nil || !strings.Contains(err.Error(), "not connected") || !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("Health = %v, want not connected: … connection refused", err)
		}
		if !a.Paused() {
			t.Error("bulk sending not paused while disconnected")
		}
		if _, err := a.Send(ctx, channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}, channel.Outbound{Text: "x"}); !errors.Is(err, channel.ErrNotConnected) {
			t.Errorf("Send = %v, want ErrNotConnected", err)
		}
		if st, err := ReadStatusFile(dataDir); err != nil || st.Phone != "6281299998888" || (st.Status != StatusDisconnected && st.Status != StatusConnecting) {
			t.Errorf("status file = %+v, %v", st, err)
		}

		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v, want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not stop on cancel")
		}
		if a.Status().Status != StatusStopped {
			t.Errorf("status after stop = %v", a.Status().Status)
		}
		port.mu.Lock()
		defer port.mu.Unlock()
		for _, addr := range port.asked {
			if addr != "web.whatsapp.com:443" {
				t.Errorf("dialer asked for %q", addr)
			}
		}
		if len(port.asked) < 3 {
			t.Errorf("dialed %d times, want at least 3", len(port.asked))
		}
	})
}

func TestRunNotLinked(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.SQLite)
	port := &closedPort{}
	pool, dialect := side(t, db)
	a, err := New(context.Background(), Config{
		DB: pool, Dialect: dialect, DataDir: t.TempDir(), Dial: port.dial, LinkPoll: 10 * time.Millisecond,
		Handler: channel.HandlerFunc(func(context.Context, channel.Inbound) ([]channel.Outbound, error) { return nil, nil }),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	waitFor(t, "not linked", func() bool { return a.Status().Status == StatusNotLinked })
	if err := a.Health(); err == nil || !strings.Contains(err.Error(), "jejaring whatsapp link") {
		t.Errorf("Health = %v, want a hint to link", err)
	}
	// A link made meanwhile (by `jejaring whatsapp link`) is picked up.
	linkDevice(t, db)
	waitFor(t, "a connection attempt", func() bool { return port.count() > 0 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// driveConnection runs awaitConnection on a fake client and returns a
// function that sends it one event and waits until the state shows it.
func driveConnection(t *testing.T) (a *Adapter, f *fakeSender, send func(connEvent, ConnStatus), result <-chan outcome, cancel context.CancelFunc) {
	t.Helper()
	a, f = testAdapter(t, nil, false)
	a.snd = nil
	a.state = State{Status: StatusConnecting}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	evs := make(chan connEvent)
	res := make(chan outcome, 1)
	go func() {
		attempt := 2
		out, _, _, _ := a.awaitConnection(ctx, f, evs, &attempt)
		res <- out
	}()
	send = func(ev connEvent, want ConnStatus) {
		t.Helper()
		evs <- ev
		waitFor(t, string(want), func() bool { return a.Status().Status == want })
	}
	return a, f, send, res, cancel
}

func TestConnectionConnectedThenBanned(t *testing.T) {
	t.Parallel()
	a, f, send, res, cancel := driveConnection(t)
	send(connEvent{kind: evConnected}, StatusConnected)
	if err := a.Health(); err != nil {
		t.Errorf("Health = %v, want nil when connected", err)
	}
	if a.Paused() || a.sender() == nil {
		t.Errorf("connected: paused %v, sender %v", a.Paused(), a.sender())
	}
	send(connEvent{kind: evBanned, reason: "you sent too many messages to people who don't have you in their address books", expire: time.Hour}, StatusBanned)
	if !a.Paused() {
		t.Error("bulk sending not paused during a temporary ban")
	}
	if err := a.Health(); err == nil || !strings.Contains(err.Error(), "temporarily banned") || !strings.Contains(err.Error(), "bulk sending paused") {
		t.Errorf("Health = %v", err)
	}
	f.mu.Lock()
	disc := f.disc
	f.mu.Unlock()
	if st := a.Status(); st.PausedUntil.Before(time.Now().Add(59*time.Minute)) || disc == 0 {
		t.Errorf("paused until %v, disconnects %d", st.PausedUntil, disc)
	}
	cancel()
	if out := <-res; out != outCancelled {
		t.Errorf("outcome = %v", out)
	}
	// The pause outlives a reconnect until the ban's end.
	a.setState(State{Status: StatusConnected})
	if !a.Paused() {
		t.Error("pause lifted by a reconnect before the ban ended")
	}
}

func TestConnectionLoggedOut(t *testing.T) {
	t.Parallel()
	a, _, send, res, _ := driveConnection(t)
	send(connEvent{kind: evConnected}, StatusConnected)
	send(connEvent{kind: evLoggedOut, reason: "the office phone removed this linked device"}, StatusLoggedOut)
	if out := <-res; out != outLoggedOut {
		t.Errorf("outcome = %v, want logged out", out)
	}
	if err := a.Health(); err == nil || !strings.Contains(err.Error(), "re-link with `jejaring whatsapp link`") {
		t.Errorf("Health = %v", err)
	}
}

func TestConnectionReplaced(t *testing.T) {
	t.Parallel()
	a, _, send, res, _ := driveConnection(t)
	send(connEvent{kind: evReplaced, reason: "another Jejaring process took over this WhatsApp session"}, StatusReplaced)
	if out := <-res; out != outReplaced {
		t.Errorf("outcome = %v, want replaced", out)
	}
	if err := a.Health(); err == nil || !strings.Contains(err.Error(), "another Jejaring process") {
		t.Errorf("Health = %v", err)
	}
}

func TestBackoffGrowsAndCaps(t *testing.T) {
	t.Parallel()
	a := newAdapter(Config{MinBackoff: time.Second, MaxBackoff: 30 * time.Second}, nil)
	for n, max := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 6: 30 * time.Second, 50: 30 * time.Second} {
		for range 20 {
			if d := a.backoff(n); d < max/2 || d > max {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", n, d, max/2, max)
			}
		}
	}
}
