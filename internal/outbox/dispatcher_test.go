package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/channel"
	"jejaring/internal/outbox"
	"jejaring/internal/outbox/outboxtest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// addContacts inserts n contacts, alternating between the given channels,
// and returns their addresses by id.
func addContacts(t *testing.T, db *store.DB, n int, chans ...channel.Name) map[int64]channel.Address {
	t.Helper()
	ctx := context.Background()
	out := map[int64]channel.Address{}
	now := time.Now().UTC()
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		for i := range n {
			a := channel.Address{Channel: chans[i%len(chans)], ExternalID: fmt.Sprintf("%d", 100000+i)}
			id, err := store.InsertID(ctx, tx, db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`,
				string(a.Channel), a.ExternalID, fmt.Sprintf("Pemilik %d", i), now, now)
			if err != nil {
				return err
			}
			out[id] = a
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func invites(contacts map[int64]channel.Address, now time.Time) []outbox.Message {
	var msgs []outbox.Message
	for id, a := range contacts {
		msgs = append(msgs, outbox.Message{
			Kind: outbox.KindInvite, To: a, ContactID: id, DedupeKey: fmt.Sprintf("invite:1:%d", id),
			Payload: outbox.Payload{Text: fmt.Sprintf("Undangan untuk %d", id)}, Priority: outbox.PriorityInvite, NotBefore: now,
		})
	}
	return msgs
}

// Waiting in these tests is for progress, not against the clock: under
// -race on a loaded 2-core CI machine the SQLite runs (a pure-Go SQLite
// with one connection) are many times slower than on a quiet one, and a
// fixed deadline of 30-90 s for the whole broadcast failed there now and
// then. A wait fails only when nothing has moved for stallLimit, or after
// waitCap in all (well inside go test's 10 min default).
const (
	stallLimit = 90 * time.Second
	waitCap    = 5 * time.Minute
	// pollEvery is gentle on purpose: the SQLite database has one
	// connection, and a count every 10 ms took much of it from the
	// dispatcher under test.
	pollEvery = 100 * time.Millisecond
)

// waitProgress waits until done reports true. progress is a number that
// grows while the work goes on (rows sent, messages delivered); the wait
// fails when it stays put for stallLimit. state describes where things
// stand, for the failure message.
func waitProgress(t *testing.T, what string, done func() bool, progress func() int, state func() string) {
	t.Helper()
	start := time.Now()
	last, lastMove := progress(), time.Now()
	for !done() {
		if p := progress(); p != last {
			last, lastMove = p, time.Now()
		}
		switch {
		case time.Since(lastMove) > stallLimit:
			t.Fatalf("waiting for %s: no progress for %s (after %s); %s", what, stallLimit, time.Since(start).Round(time.Second), state())
		case time.Since(start) > waitCap:
			t.Fatalf("waiting for %s: not done after %s, still moving; %s", what, waitCap, state())
		}
		time.Sleep(pollEvery)
	}
	t.Logf("%s after %s", what, time.Since(start).Round(time.Millisecond))
}

// broadcastSize is how many invitations a kill-and-restart test sends: the
// full 2,000 on PostgreSQL; fewer on SQLite, whose pure-Go driver under
// -race takes seconds per thousand statements on a busy machine, while the
// takeover it checks is the same at any size.
func broadcastSize(db *store.DB) int {
	if db.Dialect == store.SQLite {
		return 600
	}
	return 2000
}

// sentCount returns how many rows are sent, -1 on error.
func sentCount(repo *store.OutboxRepo) int {
	c, err := repo.OutboxCounts(context.Background(), 0)
	if err != nil {
		return -1
	}
	return c[outbox.StatusSent]
}

func countsState(repo *store.OutboxRepo) func() string {
	return func() string {
		c, err := repo.OutboxCounts(context.Background(), 0)
		return fmt.Sprintf("outbox %v (err %v)", c, err)
	}
}

// ghostHolds makes sure some rows are held by a dead worker whatever the
// timing of the kill: a worker "ghost" claims a few due rows and never
// comes back, so the next dispatcher must take them over after the lease.
func ghostHolds(t *testing.T, repo *store.OutboxRepo) {
	t.Helper()
	for _, ch := range []channel.Name{channel.Telegram, channel.WebChat} {
		rows, err := repo.Claim(context.Background(), ch, "ghost", time.Now(), 300*time.Millisecond, 10)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("ghost holds %d %s rows", len(rows), ch)
	}
}

// TestKillAndRestart broadcasts to 2,000 contacts over the web chat and a
// rate-limited Telegram fake that injects 429s and 5xx, cancels the
// dispatcher mid-way (rows stay claimed, as after a crash), starts another
// one, and checks that every recipient got exactly one invitation.
func TestKillAndRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rdb, prefix := outboxtest.Redis(t)
		total := broadcastSize(db)
		contacts := addContacts(t, db, total, channel.WebChat, channel.Telegram)
		repo := store.NewOutboxRepo(db)
		n, err := repo.Enqueue(ctx, invites(contacts, time.Now()), time.Now())
		if err != nil || n != total {
			t.Fatalf("enqueue: %d, %v", n, err)
		}
		// A second enqueue of the same invitations adds nothing.
		if n, err := repo.Enqueue(ctx, invites(contacts, time.Now()), time.Now()); err != nil || n != 0 {
			t.Fatalf("second enqueue added %d, %v", n, err)
		}
		tg := &outboxtest.Channel{N: channel.Telegram, Every429: 37, RetryAfter: 30 * time.Millisecond, Every5xx: 23, MaxPerSecond: 1500}
		web := &outboxtest.Channel{N: channel.WebChat, Every5xx: 41}
		newDispatcher := func(worker string) *outbox.Dispatcher {
			return outbox.NewDispatcher(outbox.Config{
				Store:    repo,
				Channels: map[channel.Name]channel.Channel{channel.Telegram: tg, channel.WebChat: web},
				Limits: map[channel.Name]outbox.Limit{
					channel.Telegram: {PerSecond: 1500, PerChatPerSecond: 1},
					channel.WebChat:  {},
				},
				Redis: rdb, KeyPrefix: prefix, Worker: worker,
				Lease: time.Second, Batch: 40, Workers: 4, Poll: 10 * time.Millisecond,
				BackoffBase: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond, MaxAttempts: 20,
				ProgressEvery: -1,
			})
		}
		runCtx, kill := context.WithCancel(ctx)
		first := newDispatcher("first")
		stopped := make(chan struct{})
		go func() { _ = first.Run(runCtx); close(stopped) }()
		delivered := func() int { return tg.Count() + web.Count() }
		waitProgress(t, "almost half the sends", func() bool { return delivered() >= total*45/100 }, delivered, countsState(repo))
		kill()
		<-stopped
		counts, err := repo.OutboxCounts(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("after kill: %v (delivered %d)", counts, tg.Count()+web.Count())
		if counts[outbox.StatusSent] == total {
			t.Fatal("the kill came too late: nothing left to take over")
		}

		ghostHolds(t, repo)
		second := newDispatcher("second")
		runCtx2, stop2 := context.WithCancel(ctx)
		defer stop2()
		done2 := make(chan struct{})
		go func() { _ = second.Run(runCtx2); close(done2) }()
		waitProgress(t, "every row sent", func() bool { return sentCount(repo) == total },
			func() int { return sentCount(repo) }, countsState(repo))
		stop2()
		<-done2

		got := map[channel.Address]int{}
		for _, s := range append(tg.Sent(), web.Sent()...) {
			got[s.To]++
		}
		for id, a := range contacts {
			if got[a] != 1 {
				t.Errorf("contact %d (%s) got %d invitations, want 1", id, a, got[a])
			}
		}
		if len(got) != total {
			t.Errorf("%d recipients reached, want %d", len(got), total)
		}
		if tg.Got429() == 0 {
			t.Error("the fake never answered 429: the test did not exercise the retry_after path")
		}
		st1, st2 := first.Stats(), second.Stats()
		t.Logf("first %+v, second %+v, 429s from fake %d", st1, st2, tg.Got429())
		if st1.Retried+st2.Retried == 0 {
			t.Error("no transient error was retried")
		}
	})
}

// TestTwoReplicas runs two dispatchers on one queue at once, as two
// replicas would: every row goes out once, and both replicas send some.
func TestTwoReplicas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rdb, prefix := outboxtest.Redis(t)
		contacts := addContacts(t, db, 600, channel.WebChat, channel.Telegram)
		repo := store.NewOutboxRepo(db)
		if _, err := repo.Enqueue(ctx, invites(contacts, time.Now()), time.Now()); err != nil {
			t.Fatal(err)
		}
		tg := &outboxtest.Channel{N: channel.Telegram, Every5xx: 29}
		web := &outboxtest.Channel{N: channel.WebChat}
		runCtx, stop := context.WithCancel(ctx)
		defer stop()
		var ds []*outbox.Dispatcher
		done := make(chan struct{}, 2)
		for _, w := range []string{"replica-a", "replica-b"} {
			d := outbox.NewDispatcher(outbox.Config{
				Store: repo, Channels: map[channel.Name]channel.Channel{channel.Telegram: tg, channel.WebChat: web},
				Limits: map[channel.Name]outbox.Limit{channel.Telegram: {PerSecond: 2000, PerChatPerSecond: 1}, channel.WebChat: {}},
				Redis:  rdb, KeyPrefix: prefix, Worker: w, Batch: 20, Workers: 3, Poll: 5 * time.Millisecond,
				BackoffBase: 5 * time.Millisecond, BackoffMax: 20 * time.Millisecond, ProgressEvery: -1,
			})
			ds = append(ds, d)
			go func() { _ = d.Run(runCtx); done <- struct{}{} }()
		}
		waitProgress(t, "every row sent", func() bool { return sentCount(repo) == 600 },
			func() int { return sentCount(repo) }, countsState(repo))
		stop()
		<-done
		<-done
		got := map[channel.Address]int{}
		for _, s := range append(tg.Sent(), web.Sent()...) {
			got[s.To]++
		}
		for _, a := range contacts {
			if got[a] != 1 {
				t.Errorf("%s got %d messages, want 1", a, got[a])
			}
		}
		// Both replicas did work, and together sent each row once: the
		// queue is shared, not taken by whichever started first.
		a, b := ds[0].Stats(), ds[1].Stats()
		if a.Sent == 0 || b.Sent == 0 {
			t.Errorf("one replica did all the work: %+v %+v", a, b)
		}
		if a.Sent+b.Sent != int64(len(contacts)) {
			t.Errorf("replicas sent %d + %d rows, want %d in all", a.Sent, b.Sent, len(contacts))
		}
	})
}

// TestAttachmentsFollowText: a row with attachments (a confirmation's .ics
// and QR image) is sent in order and recorded once with every message id;
// on a slow channel (WhatsApp's per-chat pace) the attachments do not wait
// for the chat's next token.
func TestAttachmentsFollowText(t *testing.T) {
	db := storetest.New(t, store.SQLite)
	ctx := context.Background()
	rdb, prefix := outboxtest.Redis(t)
	contacts := addContacts(t, db, 1, channel.WhatsApp)
	var id int64
	var to channel.Address
	for k, v := range contacts {
		id, to = k, v
	}
	repo := store.NewOutboxRepo(db)
	pay := outbox.Payload{Text: "Terima kasih, kehadiran tercatat.", Then: []outbox.Payload{
		{Media: &outbox.Media{Kind: "document", Name: "acara.ics", MIME: "text/calendar", Data: []byte("BEGIN:VCALENDAR")}},
		{Media: &outbox.Media{Kind: "image", Name: "checkin.png", MIME: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}}},
	}}
	if _, err := repo.Enqueue(ctx, []outbox.Message{{Kind: outbox.KindPromote, To: to, ContactID: id, DedupeKey: "p1", Payload: pay, Priority: outbox.PriorityPersonal}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	wa := &outboxtest.Channel{N: channel.WhatsApp}
	d := outbox.NewDispatcher(outbox.Config{
		Store: repo, Channels: map[channel.Name]channel.Channel{channel.WhatsApp: wa},
		Limits: map[channel.Name]outbox.Limit{channel.WhatsApp: {PerSecond: 100, PerChatPerSecond: 1.0 / 60}},
		Redis:  rdb, KeyPrefix: prefix, ProgressEvery: -1,
	})
	if n, err := d.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("RunOnce: %d, %v", n, err)
	}
	sent := wa.Sent()
	if len(sent) != 3 || sent[0].Msg.Text == "" || sent[1].Msg.Media.Name != "acara.ics" || string(sent[2].Msg.Media.Data) != "\x89PNG" {
		t.Fatalf("sent %+v", sent)
	}
	var ids string
	if err := db.Get(&ids, `SELECT platform_msg_id FROM outbox WHERE dedupe_key = 'p1' AND status = 'sent'`); err != nil || ids != "m1,m2,m3" {
		t.Fatalf("recorded ids %q, %v", ids, err)
	}
}

// slowStore makes time pass while a batch is being prepared, as a long
// 429 pause would.
type slowStore struct {
	*store.OutboxRepo
	advance func()
}

func (s slowStore) Unreachable(ctx context.Context, ids []int64) (map[int64]bool, map[int64]bool, error) {
	s.advance()
	return s.OutboxRepo.Unreachable(ctx, ids)
}

// TestLateRowIsHandedBack: a row whose lease is more than half gone when
// its turn comes is put back, not sent, so it can never be sent by this
// dispatcher and by the one that takes it over.
func TestLateRowIsHandedBack(t *testing.T) {
	db := storetest.New(t, store.SQLite)
	ctx := context.Background()
	contacts := addContacts(t, db, 3, channel.WebChat)
	repo := store.NewOutboxRepo(db)
	now := time.Now()
	if _, err := repo.Enqueue(ctx, invites(contacts, now), now); err != nil {
		t.Fatal(err)
	}
	web := &outboxtest.Channel{N: channel.WebChat}
	lease := time.Minute
	d := outbox.NewDispatcher(outbox.Config{
		Store:    slowStore{repo, func() { now = now.Add(lease/2 + time.Second) }},
		Channels: map[channel.Name]channel.Channel{channel.WebChat: web},
		Now:      func() time.Time { return now }, Lease: lease, ProgressEvery: -1,
	})
	if n, err := d.RunOnce(ctx); err != nil || n != 3 {
		t.Fatalf("RunOnce: %d, %v", n, err)
	}
	if web.Count() != 0 {
		t.Fatalf("%d sent after the lease was half gone", web.Count())
	}
	if c, _ := repo.OutboxCounts(ctx, 0); c[outbox.StatusPending] != 3 {
		t.Fatalf("counts %v, want 3 pending", c)
	}
	// Next round, on time: sent.
	d2 := outbox.NewDispatcher(outbox.Config{Store: repo, Channels: map[channel.Name]channel.Channel{channel.WebChat: web},
		Now: func() time.Time { return now }, Lease: lease, ProgressEvery: -1})
	if n, err := d2.RunOnce(ctx); err != nil || n != 3 || web.Count() != 3 {
		t.Fatalf("second round: %d, %v, %d sent", n, err, web.Count())
	}
}
