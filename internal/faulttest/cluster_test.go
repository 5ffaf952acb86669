package faulttest_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
)

// redisCluster is a Redis Cluster of the test's own on loopback: three
// masters, each with one replica, append-only on.
type redisCluster struct {
	t     *testing.T
	ports []string
	cmds  []*exec.Cmd
}

func newRedisCluster(t *testing.T) *redisCluster {
	t.Helper()
	c := &redisCluster{t: t}
	for range 6 {
		dir := t.TempDir()
		_, port, _ := net.SplitHostPort(freeAddr(t))
		cmd := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--dir", dir,
			"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, "nodes.conf"),
			"--cluster-node-timeout", "2000", "--appendonly", "yes", "--save", "")
		if err := cmd.Start(); err != nil {
			t.Fatalf("redis-server: %v", err)
		}
		c.ports = append(c.ports, port)
		c.cmds = append(c.cmds, cmd)
		t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGKILL); _ = cmd.Wait() })
	}
	for _, p := range c.ports {
		for start := time.Now(); c.cli(p, "ping") != "PONG"; time.Sleep(20 * time.Millisecond) {
			if time.Since(start) > 10*time.Second {
				t.Fatalf("redis-server on %s did not start", p)
			}
		}
	}
	args := []string{"--cluster", "create"}
	for _, p := range c.ports {
		args = append(args, "127.0.0.1:"+p)
	}
	args = append(args, "--cluster-replicas", "1", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	c.waitOK()
	return c
}

// cli runs redis-cli against the node on port and returns its trimmed output.
func (c *redisCluster) cli(port string, args ...string) string {
	out, _ := exec.Command("redis-cli", append([]string{"-p", port}, args...)...).Output()
	return strings.TrimSpace(string(out))
}

// waitOK waits until every node says cluster_state:ok and sees three
// masters with a replica each.
func (c *redisCluster) waitOK() {
	c.t.Helper()
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		ok := true
		for _, p := range c.ports {
			if !strings.Contains(c.cli(p, "cluster", "info"), "cluster_state:ok") {
				ok = false
			}
		}
		if ok && strings.Count(c.cli(c.ports[0], "cluster", "nodes"), "slave") == 3 {
			return
		}
		if time.Since(start) > 30*time.Second {
			c.t.Fatalf("the cluster did not become ok:\n%s", c.cli(c.ports[0], "cluster", "nodes"))
		}
	}
}

func (c *redisCluster) url() string {
	var hosts []string
	for _, p := range c.ports[:3] {
		hosts = append(hosts, "127.0.0.1:"+p)
	}
	return "redis+cluster://" + strings.Join(hosts, ",")
}

// replicaOf returns the port of a replica of the master serving slot.
func (c *redisCluster) replicaOf(slot int) (master, replica string) {
	c.t.Helper()
	type node struct{ id, port, flags, master string }
	var nodes []node
	owner := ""
	for _, line := range strings.Split(c.cli(c.ports[0], "cluster", "nodes"), "\n") {
		f := strings.Fields(line)
		if len(f) < 8 {
			continue
		}
		addr := strings.SplitN(f[1], "@", 2)[0]
		_, port, _ := net.SplitHostPort(addr)
		nodes = append(nodes, node{f[0], port, f[2], f[3]})
		for _, r := range f[8:] {
			lo, hi, found := strings.Cut(r, "-")
			if !found {
				hi = lo
			}
			a, err1 := strconv.Atoi(lo)
			b, err2 := strconv.Atoi(hi)
			if err1 == nil && err2 == nil && a <= slot && slot <= b {
				owner = f[0]
				master = port
			}
		}
	}
	for _, n := range nodes {
		if n.master == owner && strings.Contains(n.flags, "slave") {
			return master, n.port
		}
	}
	c.t.Fatalf("no replica for slot %d", slot)
	return "", ""
}

// TestRedisCluster runs the binary on a three-master Redis Cluster (each
// master with a replica), REDIS_URL=redis+cluster://…: users chat on
// Telegram while a broadcast goes out, and in the middle the master that
// holds Telegram's keys ({tg}) is failed over to its replica (CLUSTER
// FAILOVER, as an operator does before maintenance), then, later, the
// master of another slot too. Every user gets every answer once, every
// invitation goes out once.
func TestRedisCluster(t *testing.T) {
	t.Parallel()
	cl := newRedisCluster(t)
	r := newRigRedis(t, false, cl.url())
	invitations, users := 250, 20
	if testing.Short() {
		invitations, users = 120, 10
	}
	chats := r.broadcast(820000, invitations)
	r.start()
	var us []int64
	for i := range users {
		us = append(us, int64(830000+i))
	}
	for _, u := range us {
		r.fake.SendText(u, "/start demo")
	}
	// A web chat page too: its replies, and an invitation through its
	// event stream (Redis pub/sub on the cluster).
	var addr string
	for _, e := range r.env {
		if v, ok := strings.CutPrefix(e, "HTTP_ADDR="); ok {
			addr = v
		}
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 40 * time.Second}
	page := &webClient{t: t, base: "http://" + addr, hc: hc}
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		if a, err := page.post("/webchat/api/hello", ""); err == nil && a.status == 200 {
			break
		}
		if time.Since(start) > time.Minute {
			t.Fatalf("the web chat did not come up\n%s", r.logTail())
		}
	}
	if a, _ := page.send(`{"kind":"start","payload":"demo","message_id":"wc-cluster-0001"}`, time.Minute); !strings.Contains(strings.Join(a.texts, "\n"), "Apa nama usaha Bapak/Ibu?") {
		t.Fatalf("web chat start: %v", a.texts)
	}
	page.acks = []string{"wc-cluster-0001"}
	sctx, scancel := context.WithCancel(context.Background())
	defer scancel()
	events := &stream{seen: map[string]int{}, text: map[string]string{}}
	go events.run(sctx, hc, []string{addr}, 0)
	r.waitSome(chats, invite, invitations/4, time.Minute)

	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:" + cl.ports[0]}})
	defer rdb.Close()
	ctx := context.Background()
	var failovers []string
	failover := func(key string) string {
		slot, err := rdb.ClusterKeySlot(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		master, replica := cl.replicaOf(int(slot))
		if out := cl.cli(replica, "cluster", "failover"); out != "OK" {
			t.Fatalf("cluster failover on %s: %s", replica, out)
		}
		start := time.Now()
		for !strings.Contains(cl.cli(replica, "role"), "master") {
			if time.Since(start) > 30*time.Second {
				t.Fatalf("replica %s was not promoted", replica)
			}
			time.Sleep(50 * time.Millisecond)
		}
		cl.waitOK()
		failovers = append(failovers, fmt.Sprintf("slot %d master %s → %s in %s", slot, master, replica, time.Since(start).Round(10*time.Millisecond)))
		return replica
	}
	first := failover("tg:{tg}:inbox")
	r.waitAll(us, "Apa nama usaha Bapak/Ibu?", time.Minute)
	var ext string
	if err := r.db.GetContext(ctx, &ext, r.db.Rebind(`SELECT external_id FROM contacts WHERE channel = 'webchat' ORDER BY id DESC LIMIT 1`)); err != nil {
		t.Fatal(err)
	}
	wc, err := r.db.ContactByAddress(ctx, "webchat", ext)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.NewOutboxRepo(r.db).Enqueue(ctx, []outbox.Message{{
		Kind: outbox.KindInvite, To: channel.Address{Channel: channel.WebChat, ExternalID: ext}, ContactID: wc.ID, DedupeKey: "invite:cluster:web",
		Payload: outbox.Payload{Text: invite + " web"}, Priority: outbox.PriorityInvite, NotBefore: time.Now(),
	}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	for i, u := range us {
		r.fake.SendText(u, fmt.Sprintf("Usaha Klaster %d", i))
	}
	r.waitSome(chats, invite, invitations/2, time.Minute)
	// The second failover: the master of a user's session on another
	// shard than the first.
	for _, u := range us {
		key := fmt.Sprintf("sess:{telegram:%d}", u)
		slot, err := rdb.ClusterKeySlot(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		if m, _ := cl.replicaOf(int(slot)); m != first {
			failover(key)
			break
		}
	}
	r.waitAll(us, "bergerak di bidang apa?", time.Minute)
	took := r.waitAll(chats, invite, 2*time.Minute)
	if a, _ := page.send(`{"text":"Warung Klaster","message_id":"wc-cluster-0002"}`, time.Minute); !strings.Contains(strings.Join(a.texts, "\n"), "bergerak di bidang apa?") {
		t.Fatalf("web chat second answer: %v", a.texts)
	}
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if k, _ := events.count(invite); k > 0 {
			break
		}
		if time.Since(start) > time.Minute {
			t.Fatal("the web chat invitation did not reach the page's stream")
		}
	}
	webGot, webDoubled := events.count(invite)
	r.kill()
	_, lost, doubled := tally(r.count(chats, invite), chats)
	_, ulost1, udoubled1 := tally(r.count(us, "Apa nama usaha Bapak/Ibu?"), us)
	_, ulost2, udoubled2 := tally(r.count(us, "bergerak di bidang apa?"), us)
	webDoubled += max(0, webGot-1)
	t.Logf("Redis Cluster (3 masters + 3 replicas), failovers %s: %d invitations lost %d, doubled %d (the last %s after the second failover); "+
		"%d Telegram users × 2 answers lost %d, doubled %d; web chat page answered twice, its invitation on the stream doubled %d; %d × 429",
		strings.Join(failovers, "; "), len(chats), lost, doubled, took.Round(100*time.Millisecond), len(us), ulost1+ulost2, udoubled1+udoubled2, webDoubled, r.fake.Stats().RateLimited)
	if lost+ulost1+ulost2 != 0 || doubled+udoubled1+udoubled2+webDoubled != 0 {
		t.Fatalf("lost %d, doubled %d invitations; lost %d, doubled %d replies\n%s", lost, doubled, ulost1+ulost2, udoubled1+udoubled2, r.logTail())
	}
}
