package telegram_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/bot"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram"
	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/faulttest"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// countText counts the messages to chat id that contain substr.
func (e *e2e) countText(id int64, substr string) int {
	n := 0
	for _, m := range e.fake.Sent(id) {
		if strings.Contains(m.Text, substr) {
			n++
		}
	}
	return n
}

// TestE2E5xxStormLosesNoReply answers every send with 502 for 20 s (6 s
// with -short) while users write: each reply must arrive once the storm is
// over, exactly once. The old reply path gave up after six tries (about 6 s)
// and the reply was lost.
func TestE2E5xxStormLosesNoReply(t *testing.T) {
	t.Parallel()
	storm := 20 * time.Second
	if testing.Short() {
		storm = 6 * time.Second
	}
	e := newE2E(t)
	e.run()
	const users = 8
	chats := make([]*chat, users)
	for i := range chats {
		chats[i] = e.chat(int64(52000 + i))
		chats[i].say("/start demo")
	}
	for _, c := range chats {
		c.expect("Apa nama usaha Bapak/Ibu?")
	}
	e.fake.Fail5xx(1 << 30)
	for i, c := range chats {
		c.say(fmt.Sprintf("Usaha Badai %d", i))
	}
	time.Sleep(storm)
	e.fake.Fail5xx(0)
	var wg sync.WaitGroup
	for _, c := range chats {
		wg.Go(func() { c.expect("bergerak di bidang apa?") })
	}
	wg.Wait()
	for i, c := range chats {
		if n := e.countText(c.id, "bergerak di bidang apa?"); n != 1 {
			t.Errorf("user %d got the question %d times, want once", i, n)
		}
	}
	if st := e.fake.Stats(); st.Failed5xx == 0 {
		t.Errorf("no 502 was answered: %+v", st)
	}
}

// crashAfterCommit is the bot as a process that dies right after committing
// a turn, before any reply is out: the first handling of each message
// commits and then fails, so the adapter handles the message again.
type crashAfterCommit struct {
	channel.DurableHandler
	mu   sync.Mutex
	seen map[string]bool
}

func (c *crashAfterCommit) HandleDurable(ctx context.Context, in channel.Inbound) (channel.Replies, error) {
	r, err := c.DurableHandler.HandleDurable(ctx, in)
	c.mu.Lock()
	first := !c.seen[in.MessageID]
	c.seen[in.MessageID] = true
	c.mu.Unlock()
	if err == nil && first && len(r.Out) > 0 {
		return channel.Replies{}, errors.New("crash after commit (test)")
	}
	return r, err
}

// TestE2ECommitThenCrashRedelivers commits every turn and loses its replies
// before delivery: the redelivery of the same update must send them, once
// (the old bot answered the redelivery "duplicate message ignored", with
// nothing).
func TestE2ECommitThenCrashRedelivers(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.cfg.Handler = &crashAfterCommit{DurableHandler: e.h.Bot, seen: map[string]bool{}}
	e.run()
	c := e.chat(53001)
	c.say("/start demo")
	c.expect("Apa nama usaha Bapak/Ibu?")
	c.say("Sate Padang Ajo")
	c.expect("bergerak di bidang apa?")
	for _, q := range []string{"Apa nama usaha Bapak/Ibu?", "bergerak di bidang apa?"} {
		if n := e.countText(c.id, q); n != 1 {
			t.Errorf("%q sent %d times, want once", q, n)
		}
	}
	if answers, _ := e.h.Answers(c.addr()); answers["business_name"] != "Sate Padang Ajo" {
		t.Errorf("answers = %v", answers)
	}
}

// TestE2EReplyPastDeadlineGoesToOutbox keeps Telegram failing past
// ReplyRetryFor: the reply must be handed to OnUndelivered (the app's
// outbox), once, and not sent by the reply path any more.
func TestE2EReplyPastDeadlineGoesToOutbox(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.cfg.ReplyRetryFor = time.Second
	var mu sync.Mutex
	var queued []string
	e.cfg.OnUndelivered = func(_ context.Context, in channel.Inbound, msgs []channel.Outbound) error {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range msgs {
			queued = append(queued, in.From.ExternalID+": "+m.Text)
		}
		return nil
	}
	e.run()
	c := e.chat(53002)
	c.say("/start demo")
	c.expect("Apa nama usaha Bapak/Ibu?")
	e.fake.Fail5xx(1 << 30)
	c.say("Keripik Balado")
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(queued)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatal("nothing handed to OnUndelivered")
		}
	}
	time.Sleep(3 * time.Second) // a second hand-over would come meanwhile
	e.fake.Fail5xx(0)
	mu.Lock()
	got := append([]string(nil), queued...)
	mu.Unlock()
	if len(got) != 1 || !strings.Contains(got[0], "bergerak di bidang apa?") {
		t.Errorf("queued %q, want the sector question once", got)
	}
	if n := e.countText(c.id, "bergerak di bidang apa?"); n != 0 {
		t.Errorf("the reply path sent the queued question %d times", n)
	}
}

// TestE2ERedisOutageHoldsTheMessage cuts the bot's Redis (through a
// loopback proxy; the adapter's inbox keeps its own connection) while a user
// writes: the message must not get an apology nor be dropped; after a few
// seconds the user gets one "mohon tunggu sebentar ya", and once Redis is
// back the real answer, once, and the next message in order after it.
func TestE2ERedisOutageHoldsTheMessage(t *testing.T) {
	t.Parallel()
	outage := 8 * time.Second
	if testing.Short() {
		outage = 4 * time.Second
	}
	direct, prefix := sessiontest.Real(t)
	opt, err := redis.ParseURL(sessiontest.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := faulttest.NewProxy(t, opt.Addr)
	opt.Addr = proxy.Addr()
	opt.MaxRetries = -1
	viaProxy := redis.NewClient(opt)
	t.Cleanup(func() { viaProxy.Close() })
	h := bottest.NewWith(t, loadFlows(t), demoActions(), storetest.New(t, store.Postgres), session.New(viaProxy, prefix+"s:", time.Hour),
		func(c *bot.Config) { c.LockWait = 200 * time.Millisecond })
	fake := tgtest.New(t)
	e := &e2e{t: t, fake: fake, h: h, prefix: prefix}
	e.cfg = telegram.Config{
		Token: fake.Token(), APIURL: fake.URL(), Handler: h.Bot, Redis: direct, KeyPrefix: prefix,
		Logger: quietLogger(), Workers: 8, PollTimeout: time.Second, HoldNoticeAfter: time.Second,
	}
	e.run()
	c := e.chat(54001)
	c.say("/start demo")
	c.expect("Apa nama usaha Bapak/Ibu?")
	proxy.Cut()
	c.say("Gulai Itiak Lado Mudo")
	c.say("jasa")
	c.expect("sebentar ya")
	time.Sleep(outage)
	proxy.Restore()
	c.expect("bergerak di bidang apa?")
	c.expect("Di kecamatan mana")
	if n := e.countText(c.id, "sebentar ya"); n != 1 {
		t.Errorf("wait notice sent %d times, want once", n)
	}
	for _, s := range []string{"gangguan", "Maaf"} {
		if n := e.countText(c.id, s); n != 0 {
			t.Errorf("%d apologies (%q) sent", n, s)
		}
	}
	if n := e.countText(c.id, "bergerak di bidang apa?"); n != 1 {
		t.Errorf("sector question sent %d times, want once", n)
	}
	if answers, _ := e.h.Answers(c.addr()); answers["business_name"] != "Gulai Itiak Lado Mudo" || answers["sector"] != "jasa" {
		t.Errorf("answers = %v", answers)
	}
}
