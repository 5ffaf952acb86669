package webchat

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"jejaring/internal/channel"
)

// keeper is a channel.DurableHandler as the bot is one: each message id is
// handled once, its replies kept until Delivered confirms them, and while
// down every message gets channel.ErrUnavailable with nothing handled.
type keeper struct {
	mu        sync.Mutex
	down      bool
	handled   map[string]int                // message id -> times the flow ran
	kept      map[string][]channel.Outbound // replies not confirmed
	delivered []string
}

func newKeeper() *keeper {
	return &keeper{handled: map[string]int{}, kept: map[string][]channel.Outbound{}}
}

func (k *keeper) Handle(ctx context.Context, in channel.Inbound) ([]channel.Outbound, error) {
	r, err := k.HandleDurable(ctx, in)
	return r.Out, err
}

func (k *keeper) HandleDurable(_ context.Context, in channel.Inbound) (channel.Replies, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.down {
		return channel.Replies{}, fmt.Errorf("bot: %w: redis: connection refused", channel.ErrUnavailable)
	}
	key := in.From.ExternalID + "/" + in.MessageID
	if k.handled[key] > 0 {
		return channel.Replies{Out: k.kept[key]}, nil
	}
	k.handled[key]++
	out := []channel.Outbound{{Text: "Terima kasih: " + in.Text}, {Text: "Apa nama usaha Bapak/Ibu?"}}
	k.kept[key] = out
	return channel.Replies{Out: out}, nil
}

func (k *keeper) Delivered(_ context.Context, in channel.Inbound, upto int) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	key := in.From.ExternalID + "/" + in.MessageID
	if upto >= len(k.kept[key]) {
		delete(k.kept, key)
	}
	k.delivered = append(k.delivered, in.MessageID)
	return nil
}

func (k *keeper) setDown(v bool) { k.mu.Lock(); k.down = v; k.mu.Unlock() }

func texts(out map[string]any) []string {
	var s []string
	msgs, _ := out["messages"].([]any)
	for _, m := range msgs {
		s = append(s, m.(map[string]any)["text"].(string))
	}
	return s
}

// TestHeldWhileUnavailable: a message the bot cannot take (database or
// Redis away) is a 503 "held" with Retry-After and a kind text, nothing
// handled; the same message id sent again once they are back gets the
// answer, and again (the response lost on the way) the same answer, not a
// second handling; the ack on the next request confirms it, and after
// that a retry gets nothing more.
func TestHeldWhileUnavailable(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	k := newKeeper()
	_, srv := newServer(t, rdb, prefix, k)
	me := hello(t, srv.Client(), srv)

	k.setDown(true)
	req, _ := newSend(srv.URL, `{"text":"halo","message_id":"m-held-0001"}`)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out := decodeJSON(t, resp)
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "2" || out["code"] != "held" {
		t.Fatalf("while down: status %d Retry-After %q %v; want 503, Retry-After 2, code held", resp.StatusCode, resp.Header.Get("Retry-After"), out)
	}
	if e, _ := out["error"].(string); !strings.Contains(e, "Mohon tunggu sebentar ya") || !strings.Contains(e, "Please wait") || strings.Contains(e, "redis") {
		t.Errorf("held text %q: want Indonesian then English, no cause", e)
	}
	if n := k.handled[me.ExternalID+"/m-held-0001"]; n != 0 {
		t.Fatalf("handled %d times while down", n)
	}

	k.setDown(false)
	want := []string{"Terima kasih: halo", "Apa nama usaha Bapak/Ibu?"}
	for i := range 2 { // the second: the first response never reached the phone
		code, out := post(t, srv, `{"text":"halo","message_id":"m-held-0001"}`)
		if code != 200 || strings.Join(texts(out), "|") != strings.Join(want, "|") {
			t.Fatalf("try %d after the outage: %d %v; want %v", i+1, code, texts(out), want)
		}
	}
	if n := k.handled[me.ExternalID+"/m-held-0001"]; n != 1 {
		t.Fatalf("handled %d times; want once", n)
	}
	// The next message acknowledges the answer.
	code, _ := post(t, srv, `{"text":"Toko Maju","message_id":"m-held-0002"}`, AckHeader, "m-held-0001, not valid!,x")
	if code != 200 || strings.Join(k.delivered, ",") != "m-held-0001" {
		t.Fatalf("ack: %d, delivered %v; want m-held-0001 confirmed (and the invalid ids ignored)", code, k.delivered)
	}
	code, out = post(t, srv, `{"text":"halo","message_id":"m-held-0001"}`)
	if code != 200 || len(texts(out)) != 0 {
		t.Fatalf("retry after the ack: %d %v; want no replies", code, texts(out))
	}
	// hello acknowledges too (a page reloaded after its last answer).
	reqH, _ := newRequest("POST", srv.URL+"/webchat/api/hello", "")
	reqH.Header.Set(AckHeader, "m-held-0002")
	resp, err = srv.Client().Do(reqH)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || k.delivered[len(k.delivered)-1] != "m-held-0002" {
		t.Fatalf("hello ack: %d, delivered %v", resp.StatusCode, k.delivered)
	}
}

func TestAcksOf(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 65)
	many := make([]string, 20)
	for i := range many {
		many[i] = fmt.Sprintf("m-%08d", i)
	}
	for _, tc := range []struct {
		name string
		hdr  []string
		want int
	}{
		{"none", nil, 0},
		{"one", []string{"m-00000001"}, 1},
		{"list and repeat", []string{"m-00000001, m-00000002", "m-00000003"}, 3},
		{"invalid dropped", []string{"x, " + long + ", <script>, m-00000001"}, 1},
		{"at most maxAcks", []string{strings.Join(many, ",")}, maxAcks},
	} {
		req, _ := newRequest("POST", "http://x/", "")
		for _, h := range tc.hdr {
			req.Header.Add(AckHeader, h)
		}
		if got := acksOf(req); len(got) != tc.want {
			t.Errorf("%s: %v; want %d ids", tc.name, got, tc.want)
		}
	}
}

func newRequest(method, u, body string) (*http.Request, error) {
	return http.NewRequest(method, u, strings.NewReader(body))
}

func newSend(base, body string) (*http.Request, error) {
	req, err := newRequest("POST", base+"/webchat/api/send", body)
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}

// TestPageRetriesHeld: the page gives every message an id, sends the same
// id again on a 503 "held" or a dropped connection, tells the owner to wait
// after about 5 s, and acknowledges answers on its next request.
func TestPageRetriesHeld(t *testing.T) {
	t.Parallel()
	for _, want := range []string{"message_id", `"held"`, "Retry-After", "Mohon tunggu sebentar ya", `h["Jejaring-Ack"]`, "5000", "getRandomValues"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if AckHeader != "Jejaring-Ack" {
		t.Errorf("AckHeader %q: the page sends Jejaring-Ack", AckHeader)
	}
}

// brokenGate is a PhotoGate whose store (Redis) is unreachable.
type brokenGate struct{}

func (brokenGate) WantsPhoto(context.Context, channel.Address) (bool, error) {
	return false, fmt.Errorf("get session: dial tcp 127.0.0.1:6379: connection refused")
}

// TestUploadHeldWhileUnavailable: a photo sent while the conversation
// cannot be read, or while the bot cannot take it, is a 503 "held" (the
// page sends it again), not a 500 the owner must act on; once back, the
// same message id is answered once.
func TestUploadHeldWhileUnavailable(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	k := newKeeper()
	g := &switchGate{}
	_, srv := newServerWith(t, Options{Redis: rdb, Prefix: prefix, Handler: k, DataDir: t.TempDir(), Photos: g, Limits: &Limits{}})
	hello(t, srv.Client(), srv)
	img := testImage(t, "jpeg")

	g.set(brokenGate{})
	if code, out := upload(t, srv, "up-held-0001", "photo", img); code != 503 || out["code"] != "held" {
		t.Fatalf("gate unreachable: %d %v; want 503 held", code, out)
	}
	g.set(&gate{all: true})
	k.setDown(true)
	if code, out := upload(t, srv, "up-held-0001", "photo", img); code != 503 || out["code"] != "held" {
		t.Fatalf("bot unavailable: %d %v; want 503 held", code, out)
	}
	k.setDown(false)
	for range 2 {
		if code, out := upload(t, srv, "up-held-0001", "photo", img); code != 200 || len(texts(out)) != 2 {
			t.Fatalf("after the outage: %d %v", code, out)
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.handled) != 1 {
		t.Fatalf("handled %v; want the photo once", k.handled)
	}
}

// switchGate is a PhotoGate that can be swapped while the server runs.
type switchGate struct {
	mu sync.Mutex
	g  PhotoGate
}

func (s *switchGate) set(g PhotoGate) { s.mu.Lock(); s.g = g; s.mu.Unlock() }

func (s *switchGate) WantsPhoto(ctx context.Context, addr channel.Address) (bool, error) {
	s.mu.Lock()
	g := s.g
	s.mu.Unlock()
	return g.WantsPhoto(ctx, addr)
}
