package faulttest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/faulttest"
	"jejaring/internal/outbox"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// The suite runs the real jejaring binary, built once, as separate
// processes against the real PostgreSQL and Redis and the fake Bot API
// server in this process, and counts per chat what was lost and what was
// doubled. Figures go to the test log (go test -v) and docs/benchmarks.md.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "jejaring-fault-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "jejaring")
		out, err := exec.Command("go", "build", "-o", binPath, "jejaring/cmd/jejaring").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// lease is the OUTBOX_LEASE the processes run with: after a kill -9 the
// rows the dead process held wait this long for the next one.
const lease = 3 * time.Second

// rig is one scenario's world: a database schema, a Redis prefix, the fake
// Bot API, and the binary's current process.
type rig struct {
	t      *testing.T
	db     *store.DB // direct, for the test's own reads and writes
	fake   *tgtest.Server
	env    []string
	proxy  *faulttest.Proxy // between the binary and PostgreSQL (nil: none)
	cmd    *exec.Cmd
	done   chan struct{}
	logs   bytes.Buffer
	logMu  sync.Mutex
	starts int
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func newRig(t *testing.T, viaProxy bool) *rig { return newRigRedis(t, viaProxy, sessiontest.URL()) }

// newRigSQLite is newRig with the binary on an SQLite file of the test's.
func newRigSQLite(t *testing.T) *rig {
	return newRigDB(t, false, sessiontest.URL(), "sqlite:"+filepath.Join(t.TempDir(), "fault.db"))
}

// newRigRedis is newRig with the binary on the Redis at redisURL.
func newRigRedis(t *testing.T, viaProxy bool, redisURL string) *rig {
	return newRigDB(t, viaProxy, redisURL, storetest.URL(t))
}

func newRigDB(t *testing.T, viaProxy bool, redisURL, u string) *rig {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, u, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, db: db, fake: tgtest.New(t)}
	dbURL := u
	if viaProxy {
		pu, _ := url.Parse(u)
		r.proxy = faulttest.NewProxy(t, pu.Host)
		pu.Host = r.proxy.Addr()
		dbURL = pu.String()
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "fault:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() { cleanRedis(prefix) })
	r.env = append(os.Environ(),
		"DATABASE_URL="+dbURL, "REDIS_URL="+redisURL, "REDIS_PREFIX="+prefix,
		"HTTP_ADDR="+freeAddr(t), "DATA_DIR="+t.TempDir(), "LOG_LEVEL=warn",
		"TELEGRAM_BOT_TOKEN="+r.fake.Token(), "TELEGRAM_API_URL="+r.fake.URL(),
		"OUTBOX_LEASE="+lease.String(), "WHATSAPP_ENABLED=false", "ADMIN_PASSWORD=", "MIGRATE=true",
	)
	t.Cleanup(r.kill)
	return r
}

func cleanRedis(prefix string) {
	opt, err := redis.ParseURL(sessiontest.URL())
	if err != nil {
		return
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	ctx := context.Background()
	var keys []string
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if len(keys) > 0 {
		rdb.Del(ctx, keys...)
	}
}

// start runs the binary (serve) and returns once it is started; it does not
// wait for readiness, the counts at the fake tell.
func (r *rig) start() {
	r.t.Helper()
	r.cmd = exec.Command(binary(r.t), "serve")
	r.cmd.Env = r.env
	w := lockedWriter{&r.logMu, &r.logs}
	r.cmd.Stdout, r.cmd.Stderr = w, w
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.starts++
	done := make(chan struct{})
	r.done = done
	cmd := r.cmd
	go func() { _ = cmd.Wait(); close(done) }()
}

// kill9 kills the process with SIGKILL and waits for it.
func (r *rig) kill9() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.done
	r.cmd = nil
}

// kill stops the process for good (SIGTERM, then SIGKILL).
func (r *rig) kill() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(20 * time.Second):
		_ = r.cmd.Process.Signal(syscall.SIGKILL)
		<-r.done
	}
	r.cmd = nil
}

func (r *rig) logTail() string {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	s := r.logs.String()
	if len(s) > 4000 {
		s = s[len(s)-4000:]
	}
	return s
}

// broadcast queues one invitation to each of n new Telegram chats from
// base on, as a published event does, and returns the chat ids.
func (r *rig) broadcast(base int64, n int) []int64 {
	r.t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	var msgs []outbox.Message
	var chats []int64
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		for i := range n {
			chat := base + int64(i)
			id, err := store.InsertID(ctx, tx, r.db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`,
				"telegram", fmt.Sprint(chat), fmt.Sprintf("Pemilik %d", i), now, now)
			if err != nil {
				return err
			}
			chats = append(chats, chat)
			msgs = append(msgs, outbox.Message{
				Kind: outbox.KindInvite, To: channel.Address{Channel: channel.Telegram, ExternalID: fmt.Sprint(chat)}, ContactID: id,
				DedupeKey: fmt.Sprintf("invite:fault:%d", chat), Payload: outbox.Payload{Text: fmt.Sprintf("Undangan pelatihan untuk %d", chat)},
				Priority: outbox.PriorityInvite, NotBefore: now,
			})
		}
		_, err := store.Enqueue(ctx, tx, msgs, now)
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return chats
}

// count returns, over chats, how many messages containing substr each got.
func (r *rig) count(chats []int64, substr string) map[int64]int {
	out := map[int64]int{}
	for _, c := range chats {
		for _, m := range r.fake.Sent(c) {
			if strings.Contains(m.Text, substr) {
				out[c]++
			}
		}
	}
	return out
}

// tally is lost (chats with none) and doubled (copies beyond the first).
func tally(per map[int64]int, chats []int64) (delivered, lost, doubled int) {
	for _, c := range chats {
		n := per[c]
		delivered += min(n, 1)
		if n == 0 {
			lost++
		}
		if n > 1 {
			doubled += n - 1
		}
	}
	return
}

// waitAll waits until every chat got substr, failing after limit.
func (r *rig) waitAll(chats []int64, substr string, limit time.Duration) time.Duration {
	r.t.Helper()
	start := time.Now()
	for {
		_, lost, _ := tally(r.count(chats, substr), chats)
		if lost == 0 {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			r.t.Fatalf("after %s, %d of %d chats still lack %q\nlog tail:\n%s", limit, lost, len(chats), substr, r.logTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitSome waits until at least n of the chats got substr.
func (r *rig) waitSome(chats []int64, substr string, n int, limit time.Duration) {
	r.t.Helper()
	start := time.Now()
	for {
		d, _, _ := tally(r.count(chats, substr), chats)
		if d >= n {
			return
		}
		if time.Since(start) > limit {
			r.t.Fatalf("after %s only %d of %d chats got %q\nlog tail:\n%s", limit, d, n, substr, r.logTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func short(long, quick time.Duration) time.Duration {
	if testing.Short() {
		return quick
	}
	return long
}

const invite = "Undangan pelatihan untuk"

// TestKillDuringBroadcast kills the process with SIGKILL mid-broadcast,
// again and again, restarting it each time. Every invitation must arrive;
// a copy may be doubled only by a kill landing between the platform's
// accept and the Redis fence (at most one send per worker per kill).
func TestKillDuringBroadcast(t *testing.T) {
	t.Parallel()
	eachDB(t, killDuringBroadcast)
}

// eachDB runs fn on PostgreSQL and on SQLite, in parallel.
func eachDB(t *testing.T, fn func(t *testing.T, r *rig)) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			if d == store.SQLite {
				fn(t, newRigSQLite(t))
			} else {
				fn(t, newRig(t, false))
			}
		})
	}
}

func killDuringBroadcast(t *testing.T, r *rig) {
	kills := 3
	if testing.Short() {
		kills = 2
	}
	chats := r.broadcast(700000, 250)
	r.start()
	for k := range kills {
		r.waitSome(chats, invite, (k+1)*50, time.Minute)
		r.kill9()
		r.start()
	}
	took := r.waitAll(chats, invite, 2*time.Minute)
	r.kill()
	_, lost, doubled := tally(r.count(chats, invite), chats)
	t.Logf("kill -9 during a broadcast: %d kills, %d invitations: lost %d, doubled %d (finished %s after the last restart)",
		kills, len(chats), lost, doubled, took.Round(100*time.Millisecond))
	if lost != 0 || doubled > kills*4 {
		t.Fatalf("lost %d, doubled %d (window allows %d)", lost, doubled, kills*4)
	}
}

// TestKillWithUpdatesInFlight has users write while the process is killed
// with SIGKILL: every user must get each answer, a copy doubled only by a
// kill between Telegram's accept and the confirmation in Redis.
func TestKillWithUpdatesInFlight(t *testing.T) {
	t.Parallel()
	eachDB(t, killWithUpdatesInFlight)
}

func killWithUpdatesInFlight(t *testing.T, r *rig) {
	r.start()
	var users []int64
	for i := range 30 {
		users = append(users, int64(710000+i))
	}
	rounds := []struct{ say, want string }{
		{"/start demo", "Apa nama usaha Bapak/Ibu?"},
		{"Usaha Tahan Banting", "bergerak di bidang apa?"},
	}
	doubledAll := 0
	for _, round := range rounds {
		for _, u := range users {
			r.fake.SendText(u, round.say)
		}
		r.waitSome(users, round.want, 5, time.Minute)
		r.kill9()
		r.start()
		r.waitAll(users, round.want, 2*time.Minute)
		_, lost, doubled := tally(r.count(users, round.want), users)
		doubledAll += doubled
		if lost != 0 {
			t.Fatalf("%q: lost %d", round.want, lost)
		}
	}
	r.kill()
	t.Logf("kill -9 with updates in flight: %d users, %d rounds, 1 kill each: lost 0, doubled %d", len(users), len(rounds), doubledAll)
	if doubledAll > len(rounds)*4 {
		t.Fatalf("doubled %d replies", doubledAll)
	}
}

// TestPostgresCut cuts PostgreSQL away from the process (a TCP proxy that
// drops every connection) for 30 s (5 s with -short) in the middle of a
// broadcast, while new users write. Nothing may be lost or doubled; the
// users get one "sebentar ya" and then their answer.
func TestPostgresCut(t *testing.T) {
	t.Parallel()
	r := newRig(t, true)
	outage := short(30*time.Second, 5*time.Second)
	chats := r.broadcast(720000, 250)
	r.start()
	r.waitSome(chats, invite, 60, time.Minute)
	r.proxy.Cut()
	var users []int64
	for i := range 5 {
		u := int64(721000 + i)
		users = append(users, u)
		r.fake.SendText(u, "/start demo")
	}
	sentAtCut, _, _ := tally(r.count(chats, invite), chats)
	time.Sleep(outage)
	sentDuring, _, _ := tally(r.count(chats, invite), chats)
	r.proxy.Restore()
	back := time.Now()
	// Recovery: the first new invitation after the database is back.
	for {
		if d, _, _ := tally(r.count(chats, invite), chats); d > sentDuring {
			break
		}
		if time.Since(back) > time.Minute {
			t.Fatalf("no invitation within a minute of the database coming back\n%s", r.logTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
	recovery := time.Since(back)
	r.waitAll(users, "Apa nama usaha Bapak/Ibu?", time.Minute)
	answered := time.Since(back)
	took := r.waitAll(chats, invite, 2*time.Minute)
	r.kill()
	_, lost, doubled := tally(r.count(chats, invite), chats)
	_, ulost, udoubled := tally(r.count(users, "Apa nama usaha Bapak/Ibu?"), users)
	notices := r.count(users, "sebentar ya")
	t.Logf("PostgreSQL cut for %s (%d sent before, %d more while cut): invitations lost %d, doubled %d; "+
		"first send %s after the database was back, users answered within %s, all sent %s later; users lost %d, doubled %d, wait notices %v",
		outage, sentAtCut, sentDuring-sentAtCut, lost, doubled,
		recovery.Round(10*time.Millisecond), answered.Round(10*time.Millisecond), took.Round(100*time.Millisecond), ulost, udoubled, notices)
	if lost != 0 || doubled != 0 || ulost != 0 || udoubled != 0 {
		t.Fatalf("lost %d, doubled %d invitations; lost %d, doubled %d replies", lost, doubled, ulost, udoubled)
	}
	for _, u := range users {
		if notices[u] > 1 {
			t.Errorf("user %d got %d wait notices", u, notices[u])
		}
	}
}

// TestStormDuringBroadcast answers with 429s (the fake's rate limit) and
// bursts of 502s for 20 s (5 s with -short) while a broadcast goes out and
// users chat: nothing lost, nothing doubled.
func TestStormDuringBroadcast(t *testing.T) {
	t.Parallel()
	r := newRig(t, false)
	storm := short(20*time.Second, 5*time.Second)
	chats := r.broadcast(730000, 250)
	r.start()
	r.waitSome(chats, invite, 20, time.Minute)
	r.fake.RateLimit(15, 1)
	var users []int64
	for i := range 20 {
		u := int64(731000 + i)
		users = append(users, u)
		r.fake.SendText(u, "/start demo")
	}
	end := time.Now().Add(storm)
	for on := true; time.Now().Before(end); on = !on {
		if on {
			r.fake.Fail5xx(1 << 30)
		} else {
			r.fake.Fail5xx(0)
		}
		time.Sleep(700 * time.Millisecond)
	}
	r.fake.Fail5xx(0)
	r.fake.RateLimit(0, 0)
	r.waitAll(users, "Apa nama usaha Bapak/Ibu?", 2*time.Minute)
	r.waitAll(chats, invite, 2*time.Minute)
	r.kill()
	_, lost, doubled := tally(r.count(chats, invite), chats)
	_, ulost, udoubled := tally(r.count(users, "Apa nama usaha Bapak/Ibu?"), users)
	st := r.fake.Stats()
	t.Logf("429/502 storm for %s: invitations lost %d, doubled %d of %d; replies lost %d, doubled %d of %d; server answered %d 429s and %d 502s",
		storm, lost, doubled, len(chats), ulost, udoubled, len(users), st.RateLimited, st.Failed5xx)
	if lost != 0 || doubled != 0 || ulost != 0 || udoubled != 0 {
		t.Fatalf("lost %d, doubled %d invitations; lost %d, doubled %d replies", lost, doubled, ulost, udoubled)
	}
}

// privateRedis is a redis-server of the test's own on a loopback port, with
// the append-only file on (fsync on every write, as docs/benchmarks.md
// recommends for Jejaring), so the test may kill and restart it; the
// shared Redis is never restarted.
type privateRedis struct {
	t    *testing.T
	port string
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

func newPrivateRedis(t *testing.T) *privateRedis {
	t.Helper()
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	p := &privateRedis{t: t, port: port, dir: t.TempDir()}
	p.start()
	t.Cleanup(func() { p.stop(syscall.SIGKILL) })
	return p
}

func (p *privateRedis) url() string { return "redis://127.0.0.1:" + p.port + "/0" }

func (p *privateRedis) start() {
	p.t.Helper()
	p.cmd = exec.Command("redis-server", "--port", p.port, "--bind", "127.0.0.1", "--dir", p.dir,
		"--appendonly", "yes", "--appendfsync", "always", "--save", "")
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("redis-server: %v", err)
	}
	done := make(chan struct{})
	p.done = done
	cmd := p.cmd
	go func() { _ = cmd.Wait(); close(done) }()
	opt, _ := redis.ParseURL(p.url())
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	for start := time.Now(); rdb.Ping(context.Background()).Err() != nil; time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			p.t.Fatal("private redis-server did not start")
		}
	}
}

func (p *privateRedis) stop(sig syscall.Signal) {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	<-p.done
	p.cmd = nil
}

// TestRedisRestart stops Redis under the running process in the middle of
// conversations, with SIGTERM and then with kill -9, and starts it again
// from its append-only file: every user gets every answer, once.
func TestRedisRestart(t *testing.T) {
	t.Parallel()
	rds := newPrivateRedis(t)
	r := newRigRedis(t, false, rds.url())
	r.start()
	var users []int64
	for i := range 20 {
		users = append(users, int64(740000+i))
	}
	down := short(10*time.Second, 3*time.Second)
	rounds := []struct {
		sig       syscall.Signal
		say, want string
	}{
		{syscall.SIGTERM, "/start demo", "Apa nama usaha Bapak/Ibu?"},
		{syscall.SIGKILL, "Usaha Tahan Banting", "bergerak di bidang apa?"},
	}
	for _, round := range rounds {
		for _, u := range users {
			r.fake.SendText(u, round.say)
		}
		r.waitSome(users, round.want, 3, time.Minute)
		rds.stop(round.sig)
		time.Sleep(down)
		rds.start()
		took := r.waitAll(users, round.want, 2*time.Minute)
		_, lost, doubled := tally(r.count(users, round.want), users)
		t.Logf("Redis %v for %s mid-conversation, %d users: lost %d, doubled %d; all answered %s after Redis was back",
			round.sig, down, len(users), lost, doubled, took.Round(100*time.Millisecond))
		if lost != 0 || doubled != 0 {
			t.Fatalf("%q: lost %d, doubled %d", round.want, lost, doubled)
		}
	}
	r.kill()
}

// TestRedeliveredUpdates has Telegram hand the same message in twice more,
// as new updates (a lost offset, a retried webhook), once right away and
// once after a kill -9: it is answered once.
func TestRedeliveredUpdates(t *testing.T) {
	t.Parallel()
	r := newRig(t, false)
	r.start()
	var users []int64
	for i := range 10 {
		users = append(users, int64(750000+i))
	}
	const want = "Apa nama usaha Bapak/Ibu?"
	again := func(u int64, msgID int) {
		r.fake.PushRaw(map[string]any{"message": map[string]any{
			"message_id": msgID, "date": time.Now().Unix(), "text": "/start demo",
			"from":     map[string]any{"id": u, "is_bot": false, "first_name": "Pemilik"},
			"chat":     map[string]any{"id": u, "type": "private"},
			"entities": []map[string]any{{"type": "bot_command", "offset": 0, "length": 6}},
		}})
	}
	ids := map[int64]int{}
	for _, u := range users {
		ids[u] = r.fake.SendText(u, "/start demo")
		again(u, ids[u])
	}
	r.waitAll(users, want, time.Minute)
	r.kill9()
	for _, u := range users {
		again(u, ids[u])
	}
	r.start()
	// The next real message proves the redeliveries were read and passed.
	for _, u := range users {
		r.fake.SendText(u, "Usaha Sekali Saja")
	}
	r.waitAll(users, "bergerak di bidang apa?", time.Minute)
	r.kill()
	_, lost, doubled := tally(r.count(users, want), users)
	t.Logf("each message delivered 3 times (twice more, once after a kill -9), %d users: lost %d, doubled %d", len(users), lost, doubled)
	if lost != 0 || doubled != 0 {
		t.Fatalf("lost %d, doubled %d", lost, doubled)
	}
}
