package faulttest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
)

// replica is one `jejaring serve` of a replica set.
type replica struct {
	t    *testing.T
	n    int
	addr string
	env  []string
	cmd  *exec.Cmd
	done chan struct{}
	logs *bytes.Buffer
	mu   *sync.Mutex
}

func (p *replica) start() {
	p.t.Helper()
	p.cmd = exec.Command(binary(p.t), "serve")
	p.cmd.Env = p.env
	w := lockedWriter{p.mu, p.logs}
	p.cmd.Stdout, p.cmd.Stderr = w, w
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	done := make(chan struct{})
	p.done = done
	cmd := p.cmd
	go func() { _ = cmd.Wait(); close(done) }()
}

func (p *replica) running() bool { return p.cmd != nil }

// stop signals the process and waits for it (SIGTERM: the graceful stop;
// SIGKILL: a crash).
func (p *replica) stop(sig syscall.Signal) {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
	}
	p.cmd = nil
}

// ready is the replica's /readyz body, nil when it does not answer.
func (p *replica) ready() map[string]string {
	resp, err := http.Get("http://" + p.addr + "/readyz")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var r struct {
		Components map[string]string `json:"components"`
	}
	if json.NewDecoder(resp.Body).Decode(&r) != nil {
		return nil
	}
	return r.Components
}

// waitUp waits until the replica answers /readyz with Telegram connected.
func (p *replica) waitUp() {
	p.t.Helper()
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if c := p.ready(); c != nil && c["telegram"] == "ok" && c["whatsapp_lease"] != "" {
			return
		}
		if time.Since(start) > time.Minute {
			p.mu.Lock()
			tail := p.logs.String()
			p.mu.Unlock()
			p.t.Fatalf("replica %d did not come up:\n%s", p.n, tail[max(0, len(tail)-3000):])
		}
	}
}

// roundRobin is the load balancer in front of the replicas' webhook: each
// request goes to the next replica; one that does not take the connection
// (stopped) is skipped for the next, as a balancer's health check would.
type roundRobin struct {
	ln    net.Listener
	addrs []string
	next  atomic.Uint64
	hits  []atomic.Int64
}

func newRoundRobin(t *testing.T, addrs []string) *roundRobin {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rr := &roundRobin{ln: ln, addrs: addrs, hits: make([]atomic.Int64, len(addrs))}
	srv := &http.Server{Handler: rr}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return rr
}

func (rr *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	first := rr.next.Add(1)
	for i := range uint64(len(rr.addrs)) {
		k := int((first + i) % uint64(len(rr.addrs)))
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, "http://"+rr.addrs[k]+r.URL.RequestURI(), bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			var op *net.OpError
			if errors.As(err, &op) && op.Op == "dial" {
				continue // not listening: the next replica
			}
			http.Error(w, "upstream: "+err.Error(), http.StatusBadGateway)
			return
		}
		rr.hits[k].Add(1)
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
		return
	}
	http.Error(w, "no replica up", http.StatusBadGateway)
}

// stream is a web chat page's event stream that reconnects, to the next
// replica, whenever its replica goes away, and counts each message id.
type stream struct {
	mu   sync.Mutex
	seen map[string]int // message id -> times delivered
	text map[string]string
}

func (s *stream) run(ctx context.Context, hc *http.Client, addrs []string, first int) {
	for k := first; ctx.Err() == nil; k++ {
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+addrs[k%len(addrs)]+"/webchat/api/events", nil)
		resp, err := hc.Do(req)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var m struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			}
			if json.Unmarshal([]byte(data), &m) == nil && m.ID != "" {
				s.mu.Lock()
				s.seen[m.ID]++
				s.text[m.ID] = m.Text
				s.mu.Unlock()
			}
		}
		resp.Body.Close()
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *stream) count(substr string) (n int, doubled int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, c := range s.seen {
		if strings.Contains(s.text[id], substr) {
			n++
			doubled += c - 1
		}
	}
	return
}

// TestReplicas runs three `jejaring serve` processes on one PostgreSQL and
// one Redis: Telegram in webhook mode behind a round-robin balancer (the
// fake Bot API delivers updates as Telegram does, a chat's next one only
// after the previous was answered, and again when an answer fails), web
// chat pages that talk to one replica and hold their event stream on
// another, a broadcast to both channels at Telegram's rate limit, and
// WhatsApp held by one replica through the Redis lease. During the
// broadcast and the chats each replica in turn is stopped and started
// again; then the WhatsApp holder is killed with SIGKILL and the time until
// another takes over is measured. Counted: invitations and replies lost
// and doubled (0 and 0), 429s from the platform (0).
func TestReplicas(t *testing.T) {
	t.Parallel()
	r := newRig(t, false)
	const n = 3
	invitations, tgUsers, webUsers := 360, 24, 6
	if testing.Short() {
		invitations, tgUsers, webUsers = 150, 12, 3
	}
	addrs := make([]string, n)
	for i := range addrs {
		addrs[i] = freeAddr(t)
	}
	rr := newRoundRobin(t, addrs)
	var logMu sync.Mutex
	var logs bytes.Buffer
	reps := make([]*replica, n)
	for i := range reps {
		env := append(append([]string(nil), r.env...),
			"HTTP_ADDR="+addrs[i], "DATA_DIR="+t.TempDir(),
			"TELEGRAM_WEBHOOK_URL=http://"+rr.ln.Addr().String()+"/telegram",
			"TELEGRAM_WEBHOOK_SECRET=replica-test-secret-0123456789",
			"SESSION_KEY="+strings.Repeat("5a", 32), "WHATSAPP_ENABLED=true")
		reps[i] = &replica{t: t, n: i, addr: addrs[i], env: env, logs: &logs, mu: &logMu}
		t.Cleanup(func() { reps[i].stop(syscall.SIGKILL) })
	}
	// One at a time the first time: the first one migrates the database.
	for _, p := range reps {
		p.start()
		p.waitUp()
	}
	r.fake.RateLimit(30, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hooks := r.fake.DeliverWebhook(ctx, 8, 10*time.Second)

	holders := func() []int {
		var out []int
		for i, p := range reps {
			if p.running() && p.ready()["whatsapp_lease"] == "held" {
				out = append(out, i)
			}
		}
		return out
	}
	for start := time.Now(); len(holders()) != 1; time.Sleep(100 * time.Millisecond) {
		if time.Since(start) > 30*time.Second {
			t.Fatalf("WhatsApp lease holders: %v", holders())
		}
	}

	// The web chat pages: each says hello to one replica, streams from
	// the next and talks to the third.
	type page struct {
		c      *webClient
		s      *stream
		to     channel.Address
		talkTo int
	}
	var pages []*page
	for i := range webUsers {
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, Timeout: 40 * time.Second}
		c := &webClient{t: t, base: "http://" + addrs[i%n], hc: hc}
		if a, err := c.post("/webchat/api/hello", ""); err != nil || a.status != 200 {
			t.Fatalf("hello: %+v %v", a, err)
		}
		a, _ := c.send(fmt.Sprintf(`{"kind":"start","payload":"demo","message_id":"wc-rep-%d-1"}`, i), time.Minute)
		if !strings.Contains(strings.Join(a.texts, "\n"), "Apa nama usaha Bapak/Ibu?") {
			t.Fatalf("web chat start: %v", a.texts)
		}
		c.acks = []string{fmt.Sprintf("wc-rep-%d-1", i)}
		var ext string
		if err := r.db.GetContext(context.Background(), &ext, r.db.Rebind(`SELECT external_id FROM contacts WHERE channel = 'webchat' ORDER BY id DESC LIMIT 1`)); err != nil {
			t.Fatal(err)
		}
		s := &stream{seen: map[string]int{}, text: map[string]string{}}
		go s.run(ctx, hc, addrs, i+1)
		pages = append(pages, &page{c: c, s: s, to: channel.Address{Channel: channel.WebChat, ExternalID: ext}, talkTo: i + 2})
	}

	// The broadcast: Telegram chats and the web chat pages.
	chats := r.broadcast(800000, invitations)
	webInvites := 0
	for i, p := range pages {
		c, err := r.db.ContactByAddress(context.Background(), string(p.to.Channel), p.to.ExternalID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.NewOutboxRepo(r.db).Enqueue(context.Background(), []outbox.Message{{
			Kind: outbox.KindInvite, To: p.to, ContactID: c.ID, DedupeKey: fmt.Sprintf("invite:rep:web:%d", i),
			Payload: outbox.Payload{Text: invite + " web " + fmt.Sprint(i)}, Priority: outbox.PriorityInvite, NotBefore: time.Now(),
		}}, time.Now()); err != nil {
			t.Fatal(err)
		}
		webInvites++
	}

	// The chat load: Telegram users spread over the broadcast, each
	// sending two messages at once (the answers must come in order); the
	// web chat pages answer their first question on yet another replica.
	var users []int64
	for i := range tgUsers {
		users = append(users, int64(810000+i))
	}
	spread := time.Duration(float64(invitations)/30*float64(time.Second)) * 2 / 3
	var chatWG sync.WaitGroup
	for i, u := range users {
		chatWG.Go(func() {
			time.Sleep(spread * time.Duration(i) / time.Duration(len(users)))
			// Both messages at once, as a quick typist: answered in
			// order only if the second waits for the first, across
			// replicas.
			r.fake.SendText(u, "/start demo")
			r.fake.SendText(u, fmt.Sprintf("Usaha Replika %d", i))
		})
	}
	for i, p := range pages {
		chatWG.Go(func() {
			time.Sleep(spread * time.Duration(i) / time.Duration(len(pages)))
			p.c.base = "http://" + addrs[p.talkTo%n]
			for k := 0; ; k++ {
				a, _ := p.c.send(fmt.Sprintf(`{"text":"Warung Replika %d","message_id":"wc-rep-%d-2"}`, i, i), time.Minute)
				if strings.Contains(strings.Join(a.texts, "\n"), "bergerak di bidang apa?") || k > 3 {
					return
				}
				// The replica went away mid-answer: the page's retry
				// goes to another.
				p.c.base = "http://" + addrs[(p.talkTo+k+1)%n]
			}
		})
	}

	// Stop each replica in turn (SIGTERM) while all this runs, and start
	// it again.
	for i, p := range reps {
		r.waitSome(chats, invite, (i+1)*invitations/(n+2), 2*time.Minute)
		p.stop(syscall.SIGTERM)
		r.waitSome(chats, invite, (i+1)*invitations/(n+2)+15, 2*time.Minute)
		p.start()
		p.waitUp()
	}
	chatWG.Wait()
	took := r.waitAll(chats, invite, 3*time.Minute)
	r.waitAll(users, "bergerak di bidang apa?", 2*time.Minute)
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		got := 0
		for _, p := range pages {
			k, _ := p.s.count(invite)
			got += min(k, 1)
		}
		if got == webInvites {
			break
		}
		if time.Since(start) > time.Minute {
			t.Fatalf("web chat pages got %d of %d invitations", got, webInvites)
		}
	}

	// Kill the WhatsApp holder with SIGKILL (the lease is not given
	// back): another replica must take it over.
	h := holders()
	if len(h) != 1 {
		t.Fatalf("WhatsApp lease holders before the kill: %v", h)
	}
	reps[h[0]].stop(syscall.SIGKILL)
	killed := time.Now()
	var took2 time.Duration
	for {
		h2 := holders()
		if len(h2) > 1 {
			t.Fatalf("two WhatsApp holders at once: %v", h2)
		}
		if len(h2) == 1 {
			took2 = time.Since(killed)
			break
		}
		if time.Since(killed) > time.Minute {
			t.Fatal("no replica took the WhatsApp lease over within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()

	// Order per chat: the name question before the sector question.
	disorder := 0
	for _, u := range users {
		first, second := -1, -1
		for k, m := range r.fake.Sent(u) {
			if strings.Contains(m.Text, "Apa nama usaha Bapak/Ibu?") && first < 0 {
				first = k
			}
			if strings.Contains(m.Text, "bergerak di bidang apa?") && second < 0 {
				second = k
			}
		}
		if first < 0 || second < first {
			disorder++
		}
	}
	if disorder != 0 {
		t.Errorf("%d Telegram users answered out of order", disorder)
	}
	_, lost, doubled := tally(r.count(chats, invite), chats)
	_, ulost1, udoubled1 := tally(r.count(users, "Apa nama usaha Bapak/Ibu?"), users)
	_, ulost2, udoubled2 := tally(r.count(users, "bergerak di bidang apa?"), users)
	wlost, wdoubled := 0, 0
	for _, p := range pages {
		k, d := p.s.count(invite)
		if k == 0 {
			wlost++
		}
		wdoubled += d + max(0, k-1)
	}
	st := r.fake.Stats()
	var hits []string
	for i := range rr.hits {
		hits = append(hits, fmt.Sprint(rr.hits[i].Load()))
	}
	t.Logf("3 replicas, each stopped and started in turn: %d Telegram invitations lost %d, doubled %d (all sent %s after the last restart); "+
		"%d web chat invitations on streams held at other replicas lost %d, doubled %d; %d Telegram users × 2 messages sent at once, answers lost %d, doubled %d, out of order %d; "+
		"webhook calls %d (retried %d) shared %s; %d × 429; WhatsApp lease taken over %s after kill -9 of its holder",
		len(chats), lost, doubled, took.Round(100*time.Millisecond), webInvites, wlost, wdoubled, len(users), ulost1+ulost2, udoubled1+udoubled2, disorder,
		hooks.Calls.Load(), hooks.Retried.Load(), strings.Join(hits, "/"), st.RateLimited, took2.Round(100*time.Millisecond))
	if lost+ulost1+ulost2+wlost != 0 || doubled+udoubled1+udoubled2+wdoubled != 0 {
		t.Fatalf("lost %d, doubled %d invitations; lost %d, doubled %d web invitations; lost %d, doubled %d replies",
			lost, doubled, wlost, wdoubled, ulost1+ulost2, udoubled1+udoubled2)
	}
	if st.RateLimited != 0 {
		t.Errorf("the platform answered %d × 429: the replicas did not keep to the rate together", st.RateLimited)
	}
	if took2 > 30*time.Second {
		t.Errorf("WhatsApp taken over after %s, want within 30 s", took2)
	}
}
