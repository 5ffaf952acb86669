package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/store/storetest"
)

// TestWebChatNoDedupeKeyForServerIDs: a message without a message_id gets
// an id from the server, which never repeats, so the bot keeps no "handled"
// marker for it; a client's own message_id still gets one (a retry is
// answered once).
func TestWebChatNoDedupeKeyForServerIDs(t *testing.T) {
	t.Parallel()
	a, base, _ := started(t, nil)
	ctx := context.Background()
	cl := webClient(t)
	for _, text := range []string{"halo", "menu", "bantuan", "halo", "menu"} {
		if code, _ := say(t, cl, base, text); code != 200 {
			t.Fatalf("say %q: %d", text, code)
		}
	}
	done := func() int {
		keys, err := a.Redis.Keys(ctx, a.Config.RedisPrefix+"done:*").Result()
		if err != nil {
			t.Fatal(err)
		}
		return len(keys)
	}
	if n := done(); n != 0 {
		t.Errorf("%d dedupe markers for 5 messages with server-made ids, want 0", n)
	}
	for range 2 {
		resp, err := cl.Post(base+"/webchat/api/send", "application/json", strings.NewReader(`{"text":"halo","message_id":"retry-000001"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if n := done(); n != 1 {
		t.Errorf("%d dedupe markers after a client id sent twice, want 1", n)
	}
}

// TestWebChatRetention: the retention job removes web chat visitors idle
// past WEBCHAT_RETENTION who gave no consent and have no business, and
// keeps everyone else.
func TestWebChatRetention(t *testing.T) {
	t.Parallel()
	a, base, _ := started(t, nil, "WEBCHAT_RETENTION", "240h")
	ctx := context.Background()
	visitor, consented := webClient(t), webClient(t)
	v := hello(t, visitor, base)
	c := hello(t, consented, base)
	for _, cl := range []*http.Client{visitor, consented} {
		if code, _ := say(t, cl, base, "halo"); code != 200 {
			t.Fatal(code)
		}
	}
	cc, err := a.DB.ContactByAddress(ctx, string(c.Channel), c.ExternalID)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DB.RecordConsent(ctx, &contact.Consent{ContactID: cc.ID, Purpose: "data_processing", Granted: true, NoticeVersion: "v1", Channel: "webchat", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	// Nine days on: nobody is due yet.
	if n, err := a.PruneWebChat(ctx, time.Now().Add(9*24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("after 9 days: removed %d (%v), want 0", n, err)
	}
	if n, err := a.PruneWebChat(ctx, time.Now().Add(11*24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("after 11 days: removed %d (%v), want 1", n, err)
	}
	if _, err := a.DB.ContactByAddress(ctx, string(v.Channel), v.ExternalID); !errors.Is(err, contact.ErrNotFound) {
		t.Errorf("idle visitor still there: %v", err)
	}
	if _, err := a.DB.ContactByAddress(ctx, string(c.Channel), c.ExternalID); err != nil {
		t.Errorf("consented visitor removed: %v", err)
	}
}

// flood is one source address's traffic against a running App.
type flood struct {
	t    *testing.T
	base string
	ip   string // X-Forwarded-For (the app trusts 127.0.0.1 as its proxy)
}

func (f flood) do(cl *http.Client, method, path, ctype string, body io.Reader) (*http.Response, error) {
	req, _ := http.NewRequest(method, f.base+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("X-Forwarded-For", f.ip)
	return cl.Do(req)
}

// status sends and returns the status (0: the connection failed).
func (f flood) status(cl *http.Client, method, path, ctype string, body io.Reader) int {
	resp, err := f.do(cl, method, path, ctype, body)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestWebChatFloodBounded repeats the review's flood against the real
// binary's wiring (PostgreSQL, Redis) and asserts what is left is bounded:
// 5,000 messages from one client, 5,000 new clients from one address, 10
// uploads of 5 MiB from clients never asked for a photo, 200 event streams
// from one client and from 200 clients. The figures (logged with -v) are
// in docs/benchmarks.md.
func TestWebChatFloodBounded(t *testing.T) {
	t.Parallel()
	redisURL, prefix := realRedis(t)
	const maxStreams = 50
	a, base, _ := started(t, nil, "DATABASE_URL", storetest.URL(t), "REDIS_URL", redisURL, "REDIS_PREFIX", prefix,
		"WEBCHAT_TRUSTED_PROXIES", "127.0.0.1", "WEBCHAT_MAX_STREAMS", fmt.Sprint(maxStreams))
	ctx := context.Background()
	lim := a.WebChat.Limits()
	keys := func() (all, done, rate int) {
		t.Helper()
		for _, p := range []string{prefix + "*", "rate:" + prefix + "*"} {
			ks, err := a.Redis.Keys(ctx, p).Result()
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range ks {
				all++
				if strings.HasPrefix(k, prefix+"done:") {
					done++
				}
				if strings.HasPrefix(k, "rate:") {
					rate++
				}
			}
		}
		return
	}
	rows := func() int {
		var n int
		if err := a.DB.GetContext(ctx, &n, `SELECT COUNT(*) FROM contacts WHERE channel = 'webchat'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	began := time.Now()

	// 1. 5,000 messages from one client.
	one := flood{t, base, "203.0.113.1"}
	cl := webClient(t)
	codes := map[int]int{}
	for range 5000 {
		codes[one.status(cl, "POST", "/webchat/api/send", "application/json", strings.NewReader(`{"text":"halo"}`))]++
	}
	all, done, rate := keys()
	t.Logf("5,000 messages from one client: %d answered, %d refused (429); Redis keys %d (dedupe %d, buckets %d); web chat contacts %d",
		codes[200], codes[429], all, done, rate, rows())
	// At most the burst and a minute's refill get through; the rest is 429.
	if codes[200] > lim.Send.Burst+lim.Send.N || codes[429] < 5000-lim.Send.Burst-lim.Send.N || done != 0 || all > 10 || rows() != 1 {
		t.Errorf("one client's flood is not bounded: %v, keys %d (done %d), rows %d", codes, all, done, rows())
	}

	// 2. 5,000 new clients from one address (no cookie jar: every request
	// asks for a new identity).
	many := flood{t, base, "203.0.113.2"}
	codes = map[int]int{}
	for range 5000 {
		codes[many.status(http.DefaultClient, "POST", "/webchat/api/send", "application/json", strings.NewReader(`{"text":"halo"}`))]++
	}
	all, done, rate = keys()
	n := rows() - 1
	var sessions int
	if ks, err := a.Redis.Keys(ctx, prefix+"sess:*").Result(); err == nil {
		sessions = len(ks)
	}
	t.Logf("5,000 new clients from one address: %d answered, %d refused; web chat contacts %d, sessions %d, Redis keys %d (dedupe %d, buckets %d)",
		codes[200], codes[429], n, sessions, all, done, rate)
	if bound := lim.NewClients.Burst + lim.NewClients.N; codes[200] > bound || n > bound || sessions > bound+1 || done != 0 {
		t.Errorf("new clients are not bounded: %v, rows %d, sessions %d", codes, n, sessions)
	}

	// 3. 10 uploads of 5 MiB from clients never asked for a photo.
	up := flood{t, base, "203.0.113.3"}
	big := bytes.Repeat([]byte{0xff}, 5<<20-4096)
	codes = map[int]int{}
	for i := range 10 {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("photo", "x.jpg")
		_, _ = fw.Write(big)
		_ = mw.Close()
		c := webClient(t)
		if i%2 == 0 { // half have said hello, half have no cookie at all
			up.status(c, "POST", "/webchat/api/hello", "", nil)
		}
		codes[up.status(c, "POST", "/webchat/api/upload", mw.FormDataContentType(), &body)]++
	}
	var stored int64
	_ = filepath.Walk(filepath.Join(a.Config.DataDir, "webchat"), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			stored += info.Size()
		}
		return nil
	})
	t.Logf("10 uploads of 5 MiB, no photo asked for: %v; bytes stored %d", codes, stored)
	if codes[200] != 0 || stored != 0 {
		t.Errorf("uploads nobody asked for were stored: %v, %d bytes", codes, stored)
	}

	// 4. 200 event streams from one client, then one each from 200 clients.
	subs := func() int64 {
		chans, err := a.Redis.PubSubChannels(ctx, prefix+"webchat:notify:*").Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(chans) == 0 {
			return 0
		}
		m, err := a.Redis.PubSubNumSub(ctx, chans...).Result()
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, v := range m {
			n += v
		}
		return n
	}
	var mu sync.Mutex
	var open []*http.Response
	openStream := func(f flood, c *http.Client) int {
		resp, err := f.do(c, "GET", "/webchat/api/events", "", nil)
		if err != nil {
			return 0
		}
		if resp.StatusCode == 200 {
			bufio.NewReader(resp.Body).ReadString('\n') // the stream is live
			mu.Lock()
			open = append(open, resp)
			mu.Unlock()
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return resp.StatusCode
	}
	defer func() {
		for _, r := range open {
			r.Body.Close()
		}
	}()
	s1 := flood{t, base, "203.0.113.4"}
	c1 := webClient(t)
	s1.status(c1, "POST", "/webchat/api/hello", "", nil)
	codes = map[int]int{}
	for range 200 {
		codes[openStream(s1, c1)]++
	}
	held1 := subs()
	t.Logf("200 streams from one client: %v; Redis subscriptions held %d", codes, held1)
	if codes[200] != lim.StreamsPerClient || held1 != int64(lim.StreamsPerClient) {
		t.Errorf("one client holds %d streams (%d subscriptions), want %d", codes[200], held1, lim.StreamsPerClient)
	}
	codes = map[int]int{}
	for i := range 200 {
		f := flood{t, base, fmt.Sprintf("198.51.100.%d", i+1)}
		c := webClient(t)
		f.status(c, "POST", "/webchat/api/hello", "", nil)
		codes[openStream(f, c)]++
	}
	held := subs()
	t.Logf("200 streams from 200 clients (WEBCHAT_MAX_STREAMS=%d): %v; Redis subscriptions held %d", maxStreams, codes, held)
	if held > maxStreams || codes[200] != maxStreams-lim.StreamsPerClient {
		t.Errorf("streams in all: %v, %d subscriptions, want at most %d", codes, held, maxStreams)
	}
	pool := a.Redis.PoolStats()
	t.Logf("Redis command pool: %d connections (%d idle); flood took %s", pool.TotalConns, pool.IdleConns, time.Since(began).Round(time.Millisecond))
}
