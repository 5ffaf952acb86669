package reachactions_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"jejaring/internal/actions/reachactions"
	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/idn"
	"jejaring/internal/outbox"
	"jejaring/internal/outbox/outboxtest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/reach"
)

// clock is the test's clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// wa is a fake WhatsApp channel that can be told to answer with a warning.
type wa struct {
	outboxtest.Channel
	mu   sync.Mutex
	fail error
}

func (w *wa) Send(ctx context.Context, to channel.Address, msg channel.Outbound) (channel.SendResult, error) {
	w.mu.Lock()
	err := w.fail
	w.mu.Unlock()
	if err != nil {
		return channel.SendResult{}, err
	}
	return w.Channel.Send(ctx, to, msg)
}

// seed imports n records with phones, one without a phone, one whose
// phone's chat said berhenti, and one linked to a chat.
func seed(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	repo := store.NewBusinessRepo(db)
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	add := func(b umkm.Business) {
		b.Source = umkm.SourceImport
		if b.RegionCode == "" {
			b.RegionCode = "13.01.03"
		}
		if err := repo.CreateBusiness(ctx, &b, "PSS", at); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		add(umkm.Business{OwnerName: fmt.Sprintf("Pemilik %d", i), Name: fmt.Sprintf("Usaha %d", i), OwnerPhone: fmt.Sprintf("+62813000000%02d", i)})
	}
	add(umkm.Business{OwnerName: "Tanpa HP", Name: "Usaha tanpa HP"})
	stopped, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "whatsapp", ExternalID: "6281399999999", Phone: "+6281399999999", PhoneSource: contact.SourceWhatsAppSender, At: at})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetContactStopped(ctx, stopped.ID, true); err != nil {
		t.Fatal(err)
	}
	add(umkm.Business{OwnerName: "Berhenti", Name: "Usaha berhenti", OwnerPhone: "+6281399999999"})
	linked, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "555", At: at})
	if err != nil {
		t.Fatal(err)
	}
	cid := linked.ID
	add(umkm.Business{OwnerName: "Terhubung", Name: "Usaha terhubung", OwnerPhone: "+6281388888888", ContactID: &cid})
}

// TestCampaignPacesAndStops runs the campaign with the real outbox
// dispatcher, a fake WhatsApp and a test clock: one message at a time
// after random gaps, only in office hours, 3 on the first day and 5 on the
// second (warm-up), each greeting the owner with a KONFIRMASI reply, never
// to the same number twice (a new runner after a "restart" and a second
// campaign included), never to a number without phone, linked or
// stopped, and a full stop — pending messages withdrawn — at the first
// warning from WhatsApp.
func TestCampaignPacesAndStops(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seed(t, db, 12)
		clk := &clock{now: time.Date(2026, 12, 1, 7, 0, 0, 0, idn.WIB)}
		fake := &wa{Channel: outboxtest.Channel{N: channel.WhatsApp}}
		rdb, prefix := outboxtest.Redis(t)
		d := outbox.NewDispatcher(outbox.Config{Store: store.NewOutboxRepo(db), Channels: map[channel.Name]channel.Channel{channel.WhatsApp: fake},
			Limits: map[channel.Name]outbox.Limit{channel.WhatsApp: {}}, Redis: rdb, KeyPrefix: prefix,
			Now: clk.Now, Worker: "w", ProgressEvery: -1, ChannelOffAfter: -1, BackoffBase: time.Minute})
		office := reach.Office{Name: "Dinas Koperasi", Region: "Kabupaten Pesisir Selatan"}
		newRunner := func(seed uint64) *reachactions.Campaign {
			return &reachactions.Campaign{Store: store.NewBusinessRepo(db), Pace: reach.DefaultPace(), Office: office, Now: clk.Now,
				Rand: rand.New(rand.NewPCG(seed, 7))}
		}
		c := newRunner(1)
		if _, err := c.Tick(ctx); err != reach.ErrNoCampaign {
			t.Fatalf("no campaign: %v", err)
		}
		if _, err := c.Start(ctx, nil, 99, "staff:admin"); err == nil {
			t.Fatal("a daily cap of 99 was accepted")
		}
		if _, err := c.Start(ctx, nil, 15, "staff:admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Start(ctx, nil, 15, "staff:admin"); err != reach.ErrCampaignRunning {
			t.Fatalf("second start: %v", err)
		}
		// run ticks and dispatches every 5 minutes until the clock
		// reaches until; it returns the steps that sent.
		run := func(c *reachactions.Campaign, until time.Time) (sends int, last reach.Step) {
			for clk.Now().Before(until) {
				st, err := c.Tick(ctx)
				if err == reach.ErrNoCampaign {
					return sends, last
				}
				if err != nil {
					t.Fatal(err)
				}
				last = st
				if st.Kind == reach.Send {
					sends++
					if st.Gap < 8*time.Minute || st.Gap > 30*time.Minute {
						t.Errorf("gap %s", st.Gap)
					}
				}
				if st.Kind == reach.Stop {
					return sends, last
				}
				if _, err := d.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
				clk.Set(clk.Now().Add(5 * time.Minute))
			}
			return sends, last
		}
		if n, _ := run(c, time.Date(2026, 12, 1, 8, 0, 0, 0, idn.WIB)); n != 0 {
			t.Fatalf("%d sent before office hours", n)
		}
		if n, last := run(c, time.Date(2026, 12, 2, 7, 0, 0, 0, idn.WIB)); n != 3 || last.Kind != reach.Wait {
			t.Fatalf("day 1: %d sent (last %+v), want the warm-up's 3", n, last)
		}
		sent := fake.Sent()
		if len(sent) != 3 {
			t.Fatalf("fake got %d", len(sent))
		}
		for i := 1; i < len(sent); i++ {
			_ = i // gaps are checked on the steps (the fake's clock is real)
		}
		m := sent[0]
		if m.To.Channel != channel.WhatsApp || !strings.HasPrefix(m.To.ExternalID, "62813000000") || !m.Msg.FirstContact {
			t.Errorf("first message to %v first-contact %v", m.To, m.Msg.FirstContact)
		}
		repo := store.NewBusinessRepo(db)
		b, err := repo.BusinessByRegNo(ctx, "PSS-2026-000001")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Msg.Text, "Bapak/Ibu Pemilik 0") || !strings.Contains(m.Msg.Text, "KONFIRMASI "+b.ClaimToken) || !strings.Contains(m.Msg.Text, "BERHENTI") {
			t.Errorf("first message text:\n%s", m.Msg.Text)
		}

		// A restart: a new runner on the same database goes on, with the
		// second day's cap of 5.
		c = newRunner(2)
		if n, _ := run(c, time.Date(2026, 12, 3, 7, 0, 0, 0, idn.WIB)); n != 5 {
			t.Fatalf("day 2: %d sent, want 5", n)
		}
		// Day 3: a warning from WhatsApp (a ban's rate limit) on the next
		// message: it is retried by the outbox, and the next tick stops
		// the campaign and withdraws the message.
		fake.mu.Lock()
		fake.fail = fmt.Errorf("whatsapp send: temporarily banned, bulk sending paused: %w", &channel.RateLimitError{RetryAfter: time.Millisecond}) // the pause is real time
		fake.mu.Unlock()
		_, last := run(c, time.Date(2026, 12, 4, 7, 0, 0, 0, idn.WIB))
		if last.Kind != reach.Stop || !strings.Contains(last.Reason, "rate limited") {
			t.Fatalf("day 3: last step %+v, want a stop at the warning", last)
		}
		got, err := repo.LatestCampaign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Running() || got.Queued != 9 || got.Messages["sent"] != 8 || got.Messages["cancelled"] != 1 || !strings.Contains(got.StopReason, "rate limited") {
			t.Fatalf("campaign after the warning: %+v", got)
		}
		if _, err := c.Tick(ctx); err != reach.ErrNoCampaign {
			t.Fatalf("tick after the stop: %v", err)
		}

		// A second campaign, chosen again by staff, writes only to the
		// numbers never written to (not the withdrawn one either), and
		// finishes when none is left.
		fake.mu.Lock()
		fake.fail = nil
		fake.mu.Unlock()
		if left, _ := repo.CampaignLeft(ctx, nil); left != 3 {
			t.Fatalf("left %d, want 3", left)
		}
		if _, err := c.Start(ctx, nil, 15, "staff:admin"); err != nil {
			t.Fatal(err)
		}
		_, last = run(c, time.Date(2026, 12, 6, 7, 0, 0, 0, idn.WIB))
		if last.Kind != reach.Stop || !strings.Contains(last.Reason, "finished") {
			t.Fatalf("second campaign: last %+v", last)
		}
		per := map[string]int{}
		for _, s := range fake.Sent() {
			per[s.To.ExternalID]++
		}
		if len(per) != 11 {
			t.Errorf("%d numbers written to, want 11 (12 imported, one withdrawn): %v", len(per), per)
		}
		for num, n := range per {
			if n != 1 {
				t.Errorf("%s written to %d times", num, n)
			}
			if num == "6281399999999" || num == "6281388888888" {
				t.Errorf("written to %s (stopped or linked)", num)
			}
		}
	})
}

// TestCampaignStopsWhenWhatsAppPauses: the adapter's own pause (a
// temporary ban, a device logged out) stops the campaign at the next tick.
func TestCampaignStopsWhenWhatsAppPauses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seed(t, db, 2)
		now := time.Date(2026, 12, 1, 10, 0, 0, 0, idn.WIB)
		c := &reachactions.Campaign{Store: store.NewBusinessRepo(db), Pace: reach.DefaultPace(), Now: func() time.Time { return now },
			Paused: func() (bool, string) { return true, "temporarily banned until 11:00" }}
		if _, err := c.Start(ctx, []string{"13.01.03"}, 10, "staff:siti"); err != nil {
			t.Fatal(err)
		}
		st, err := c.Tick(ctx)
		if err != nil || st.Kind != reach.Stop || !strings.Contains(st.Reason, "temporarily banned") {
			t.Fatalf("step %+v, err %v", st, err)
		}
		got, err := store.NewBusinessRepo(db).LatestCampaign(ctx)
		if err != nil || got.Status != reach.CampaignStopped || got.Queued != 0 {
			t.Fatalf("campaign %+v, err %v", got, err)
		}
	})
}
