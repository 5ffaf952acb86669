package app

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/contact"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
)

// keySlot is Redis Cluster's HASH_SLOT: CRC16 (XMODEM) of the key, or of
// its hash tag (the part between the first { and the next }), mod 16384.
func keySlot(key string) int {
	if s := strings.IndexByte(key, '{'); s >= 0 {
		if e := strings.IndexByte(key[s+1:], '}'); e > 0 {
			key = key[s+1 : s+1+e]
		}
	}
	var crc uint16
	for i := 0; i < len(key); i++ {
		crc ^= uint16(key[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return int(crc % 16384)
}

func TestKeySlot(t *testing.T) {
	t.Parallel()
	// The values redis-cli CLUSTER KEYSLOT gives (Redis 7.0).
	for key, want := range map[string]int{"foo": 12182, "{user1000}.following": 3443, "{user1000}.followers": 3443, "123456789": 12739, "{}x": 10595, "a{}{b}": 15033} {
		if got := keySlot(key); got != want {
			t.Errorf("slot(%q) = %d, want %d", key, got, want)
		}
	}
}

// slotRecorder is a go-redis hook that writes down the keys of every Lua
// script (EVAL, EVALSHA) and every MULTI/EXEC transaction the app runs: on
// a Redis Cluster each must stay in one hash slot.
type slotRecorder struct {
	mu     sync.Mutex
	groups map[string][]string // shape -> one example's keys
	bad    []string
}

// keysOf lists the keys a command names.
func keysOf(cmd redis.Cmder) []string {
	args := cmd.Args()
	str := func(i int) string { return fmt.Sprint(args[i]) }
	switch name := cmd.Name(); name {
	case "eval", "evalsha", "eval_ro", "evalsha_ro":
		n, _ := strconv.Atoi(str(2))
		var out []string
		for i := 3; i < 3+n && i < len(args); i++ {
			out = append(out, str(i))
		}
		return out
	case "multi", "exec", "publish", "ping", "script":
		return nil
	case "del", "exists", "unlink", "touch", "mget":
		var out []string
		for i := 1; i < len(args); i++ {
			out = append(out, str(i))
		}
		return out
	default:
		if len(args) < 2 {
			return nil
		}
		return []string{str(1)}
	}
}

var digits = regexp.MustCompile(`[0-9a-f]{6,}|[0-9]+`)

func (r *slotRecorder) note(what string, keys []string) {
	if len(keys) == 0 {
		return
	}
	shape := what
	for _, k := range keys {
		shape += " " + digits.ReplaceAllString(k, "N")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.groups[shape]; !ok {
		r.groups[shape] = keys
	}
	for _, k := range keys[1:] {
		if keySlot(k) != keySlot(keys[0]) {
			r.bad = append(r.bad, fmt.Sprintf("%s: %v in slots %d and %d", what, keys, keySlot(keys[0]), keySlot(k)))
			return
		}
	}
}

func (r *slotRecorder) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *slotRecorder) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if n := cmd.Name(); strings.HasPrefix(n, "eval") {
			r.note("script", keysOf(cmd))
		}
		return next(ctx, cmd)
	}
}

func (r *slotRecorder) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		tx := len(cmds) > 0 && cmds[0].Name() == "multi"
		var keys []string
		var names []string
		for _, c := range cmds {
			if strings.HasPrefix(c.Name(), "eval") {
				r.note("script", keysOf(c))
			}
			if tx {
				keys = append(keys, keysOf(c)...)
				names = append(names, c.Name())
			}
		}
		if tx {
			r.note("MULTI("+strings.Join(names[1:len(names)-1], ",")+")", keys)
		}
		return next(ctx, cmds)
	}
}

// TestOneSlotPerScriptAndTransaction runs a Telegram chat, a web chat
// conversation and a broadcast to both through the app with every Redis
// command watched, lists the keys each Lua script and each MULTI touched,
// and fails for any that spans two Redis Cluster hash slots.
func TestOneSlotPerScriptAndTransaction(t *testing.T) {
	t.Parallel()
	fake := tgtest.New(t)
	redisURL, prefix := realRedis(t)
	rec := &slotRecorder{groups: map[string][]string{}}
	a, base, _ := started(t, func(a *App) { a.Redis.AddHook(rec) },
		"TELEGRAM_BOT_TOKEN", fake.Token(), "TELEGRAM_API_URL", fake.URL(), "REDIS_URL", redisURL, "REDIS_PREFIX", prefix)
	ctx := context.Background()

	const chat = 91001
	wait := func(n int) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for len(fake.Sent(chat)) < n {
			if time.Now().After(deadline) {
				t.Fatalf("Telegram chat got %d messages, want %d: %+v", len(fake.Sent(chat)), n, fake.Sent(chat))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	fake.SendText(chat, "/start demo")
	wait(2)
	n := len(fake.Sent(chat))
	fake.SendText(chat, "Usaha Satu Slot")
	wait(n + 1)

	cl := webClient(t)
	to := hello(t, cl, base)
	if code, _ := say(t, cl, base, "demo"); code != 200 {
		t.Fatalf("web chat send: %d", code)
	}
	say(t, cl, base, "Warung Slot")

	// A broadcast: one invitation to the Telegram chat and one to the web
	// chat client, through the dispatcher's limiter and fences.
	var msgs []outbox.Message
	for i, addr := range []channel.Address{{Channel: channel.Telegram, ExternalID: strconv.Itoa(chat)}, to} {
		c, _, err := a.DB.UpsertContact(ctx, contact.Seen{Channel: string(addr.Channel), ExternalID: addr.ExternalID, DisplayName: "Pemilik", At: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, outbox.Message{Kind: outbox.KindInvite, To: addr, ContactID: c.ID, DedupeKey: fmt.Sprintf("slots:%d", i),
			Payload: outbox.Payload{Text: "Undangan satu slot"}, Priority: outbox.PriorityInvite, NotBefore: time.Now()})
	}
	if _, err := store.NewOutboxRepo(a.DB).Enqueue(ctx, msgs, time.Now()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var open int
		if err := a.DB.GetContext(ctx, &open, a.DB.Rebind(`SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'slots:%' AND status <> 'sent'`)); err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d invitations still unsent", open)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := a.Sessions.Forget(ctx, to); err != nil {
		t.Fatal(err)
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	shapes := make([]string, 0, len(rec.groups))
	for s := range rec.groups {
		shapes = append(shapes, s)
	}
	slices.Sort(shapes)
	for _, s := range shapes {
		t.Logf("%s  (slot %d)", s, keySlot(rec.groups[s][0]))
	}
	if len(shapes) < 5 {
		t.Errorf("only %d kinds of scripts and transactions seen; the hook missed some", len(shapes))
	}
	for _, b := range rec.bad {
		t.Error(b)
	}
}
