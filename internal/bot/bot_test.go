package bot_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jejaring/internal/bot"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

func loadFlows(t testing.TB) *flow.Set {
	t.Helper()
	set, err := flow.Load(os.DirFS("testdata/flows"))
	if err != nil {
		t.Fatal(err)
	}
	if ps := set.Check([]string{"test.register", "test.mydata", "test.slow", "test.setphone"}); len(ps) > 0 {
		t.Fatalf("test flows: %v", ps)
	}
	return set
}

// fakes are the test actions, with switches the tests flip.
type fakes struct {
	registerFails atomic.Int32 // fail this many more calls
	registered    atomic.Int32
	lastCall      atomic.Pointer[bot.ActionCall]
	inside        atomic.Int32
	overlaps      atomic.Int32
	pings         atomic.Int32
}

func (f *fakes) actions() bot.Actions {
	return bot.Actions{
		"test.register": func(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
			f.lastCall.Store(&call)
			if f.registerFails.Add(-1) >= 0 {
				return bot.ActionResult{}, errors.New("database is down")
			}
			f.registered.Add(1)
			return bot.ActionResult{Answers: map[string]any{"reg_no": "PSS-2026-000001"}}, nil
		},
		"test.mydata": func(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
			f.lastCall.Store(&call)
			return bot.ActionResult{
				Answers: map[string]any{"summary": "1 usaha"},
				Messages: []channel.Outbound{{Text: "Berkas data", Media: &channel.Media{
					Kind: "document", Name: "data.txt", MIME: "text/plain", Data: []byte("usaha: Kerupuk Sanjai"),
				}}},
			}, nil
		},
		"test.slow": func(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
			if f.inside.Add(1) > 1 {
				f.overlaps.Add(1)
			}
			time.Sleep(20 * time.Millisecond)
			f.inside.Add(-1)
			n := f.pings.Add(1)
			return bot.ActionResult{Answers: map[string]any{"n": n}}, nil
		},
	}
}

// each runs fn on both SQL dialects with the real Redis.
func each(t *testing.T, fn func(t *testing.T, h *bottest.Harness, f *fakes)) {
	t.Helper()
	set := loadFlows(t)
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			f := &fakes{}
			fn(t, bottest.New(t, set, f.actions(), d), f)
		})
	}
}

func wantText(t *testing.T, out []channel.Outbound, parts ...string) {
	t.Helper()
	all := bottest.Texts(out)
	for _, p := range parts {
		if !strings.Contains(all, p) {
			t.Errorf("replies do not contain %q:\n%s", p, all)
		}
	}
}

func TestFirstContactThenMenu(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("siti")
		out := h.Send(channel.Inbound{From: a, Kind: channel.KindText, Text: "assalamualaikum", DisplayName: "Siti"})
		wantText(t, out, "Selamat datang di layanan UMKM, Siti!")
		if s := h.Session(a); s != nil {
			t.Errorf("welcome flow ended but a session is stored: %+v", s)
		}
		c := h.Contact(a)
		if c.DisplayName != "Siti" || c.Language != "id" || !c.FirstSeen.Equal(bottest.Start) {
			t.Errorf("contact: %+v", c)
		}
		// Not new any more: free text outside a flow gets the greeting and
		// the menu, whose buttons are the menu flows' keywords.
		h.Advance(time.Minute)
		out = h.Say(a, "pagi pak")
		if len(out) != 2 {
			t.Fatalf("want greeting + menu, got %d: %s", len(out), bottest.Texts(out))
		}
		wantText(t, out, "Halo Bapak/Ibu")
		var values []string
		for _, c := range out[1].Choices {
			values = append(values, c.Value)
		}
		if strings.Join(values, ",") != "daftar,datasaya" {
			t.Errorf("menu choices = %v", values)
		}
		if c := h.Contact(a); !c.LastSeen.Equal(bottest.Start.Add(time.Minute)) || !c.FirstSeen.Equal(bottest.Start) {
			t.Errorf("last seen not moved: %+v", c)
		}
		// Pressing a menu button starts that flow.
		out = h.Choose(a, "daftar")
		wantText(t, out, "Apa nama usaha Bapak/Ibu?")
		if s := h.Session(a); s == nil || s.FlowID != "daftar" {
			t.Errorf("after menu choice: session %+v", s)
		}
	})
}

func TestRegistrationConversation(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("budi")
		wantText(t, h.Say(a, "daftar"), "Apa nama usaha Bapak/Ibu?")
		out := h.Say(a, "Kerupuk Sanjai")
		wantText(t, out, "bidang apa")
		if len(out) != 1 || len(out[0].Choices) != 2 || out[0].Expect != "choice" {
			t.Errorf("choice question: %+v", out)
		}
		s := h.Session(a)
		if s == nil || s.Step != "sector" || s.Answers["business_name"] != "Kerupuk Sanjai" {
			t.Fatalf("session after name: %+v", s)
		}
		out = h.Choose(a, "kuliner")
		wantText(t, out, "Kerupuk Sanjai tersimpan dengan nomor PSS-2026-000001")
		if s := h.Session(a); s != nil {
			t.Errorf("session after the end: %+v", s)
		}
		call := f.lastCall.Load()
		c := h.Contact(a)
		if call.Contact.ID != c.ID || call.Args["name"] != "Kerupuk Sanjai" || call.Answers["sector"] != "kuliner" ||
			call.Address != a || call.MessageID == "" || call.Lang != "id" || !call.Now.Equal(bottest.Start) {
			t.Errorf("action call: %+v", call)
		}
		answers, ended := h.Answers(a)
		if ended != "done" || answers["reg_no"] != "PSS-2026-000001" {
			t.Errorf("final answers %v, ended %q", answers, ended)
		}
	})
}

func TestDuplicateMessageIgnored(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("dup")
		h.Say(a, "daftar")
		in := channel.Inbound{From: a, MessageID: "tg-777", Kind: channel.KindText, Text: "Kerupuk Sanjai"}
		if out := h.Send(in); len(out) == 0 {
			t.Fatal("first delivery: no reply")
		}
		before := h.Session(a)
		out := h.Send(in)
		if len(out) != 0 {
			t.Errorf("redelivery answered: %s", bottest.Texts(out))
		}
		after := h.Session(a)
		if after.Step != before.Step || !after.LastActive.Equal(before.LastActive) {
			t.Errorf("redelivery changed the session: %+v -> %+v", before, after)
		}
		// The same id on another channel is another message.
		other := channel.Address{Channel: channel.Telegram, ExternalID: "dup"}
		if out := h.Send(channel.Inbound{From: other, MessageID: "tg-777", Kind: channel.KindText, Text: "daftar"}); len(out) == 0 {
			t.Error("same id on another channel was ignored")
		}
	})
}

func TestOneContactAtATime(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		// Two bots on one database and one Redis, like two replicas, and
		// three messages from one contact arriving at once on each.
		h2 := bottest.NewWith(t, h.Flows, f.actions(), h.DB, h.Sessions)
		a := bottest.Addr("ping")
		var wg sync.WaitGroup
		replies := make([]string, 6)
		for i := range 6 {
			hh := h
			if i%2 == 1 {
				hh = h2
			}
			wg.Go(func() {
				out, err := hh.SendErr(context.Background(), channel.Inbound{From: a, Kind: channel.KindText, Text: "ping"})
				if err != nil {
					t.Errorf("ping %d: %v", i, err)
				}
				replies[i] = bottest.Texts(out)
			})
		}
		wg.Wait()
		if n := f.overlaps.Load(); n != 0 {
			t.Errorf("one contact's messages overlapped %d times", n)
		}
		seen := map[string]bool{}
		for _, r := range replies {
			if !strings.HasPrefix(r, "pong ") || seen[r] {
				t.Errorf("replies: %q", replies)
				break
			}
			seen[r] = true
		}
	})
}

func TestFIFOWithinProcess(t *testing.T) {
	t.Parallel()
	set := loadFlows(t)
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			// Messages that queue up behind a slow one are handled in the
			// order they arrived: the answers land on the right questions.
			release := make(chan struct{})
			entered := make(chan struct{})
			actions := (&fakes{}).actions()
			actions["test.slow"] = func(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
				close(entered)
				<-release
				return bot.ActionResult{Answers: map[string]any{"n": 1}}, nil
			}
			h := bottest.New(t, set, actions, d)
			a := bottest.Addr("fifo")
			var wg sync.WaitGroup
			wg.Go(func() { h.Say(a, "ping") })
			<-entered
			for _, text := range []string{"daftar", "Toko Rendang Uni"} {
				wg.Go(func() { h.Say(a, text) })
				time.Sleep(50 * time.Millisecond) // let it join the queue
			}
			wg.Go(func() { h.Choose(a, "jasa") })
			time.Sleep(50 * time.Millisecond)
			close(release)
			wg.Wait()
			answers, ended := h.Answers(a)
			if ended != "done" || answers["business_name"] != "Toko Rendang Uni" || answers["sector"] != "jasa" {
				t.Errorf("answers %v ended %q", answers, ended)
			}
		})
	}
}

func TestSessionSurvivesRestart(t *testing.T) {
	t.Parallel()
	set := loadFlows(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rdb, prefix := sessiontest.Real(t)
		f := &fakes{}
		a := bottest.Addr("restart")
		h1 := bottest.NewWith(t, set, f.actions(), db, session.New(rdb, prefix, time.Hour))
		h1.Say(a, "daftar")
		h1.Say(a, "Sate Padang Ajo")
		// The process restarts: a new Bot and a new session store on the
		// same Redis and database carry on where the contact was.
		h2 := bottest.NewWith(t, set, f.actions(), db, session.New(rdb, prefix, time.Hour))
		out := h2.Choose(a, "kuliner")
		wantText(t, out, "Sate Padang Ajo tersimpan")
	})
}

func TestActionErrorKeepsSessionAndRetryWorks(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("crash")
		h.Say(a, "daftar")
		h.Say(a, "Kopi Kawa Daun")
		before := h.Session(a)
		f.registerFails.Store(1)
		in := channel.Inbound{From: a, MessageID: "wa-42", Kind: channel.KindChoice, Choice: "kuliner"}
		out := h.Send(in)
		if len(out) != 1 || out[0].Text != "Maaf Bapak/Ibu, sedang ada gangguan. Silakan coba lagi sebentar lagi." {
			t.Fatalf("action failure: %+v", out)
		}
		after := h.Session(a)
		if after == nil || after.Step != before.Step || after.Pending != "" || after.Answers["sector"] != nil ||
			after.Answers["business_name"] != "Kopi Kawa Daun" {
			t.Fatalf("session changed by a failed turn: %+v", after)
		}
		// The platform redelivers the same message (the handler crashed or
		// the action failed): it is not a duplicate, and now it goes
		// through.
		out = h.Send(in)
		wantText(t, out, "Kopi Kawa Daun tersimpan dengan nomor PSS-2026-000001")
		if f.registered.Load() != 1 {
			t.Errorf("registered %d times", f.registered.Load())
		}
		// Only now is it a duplicate.
		if out := h.Send(in); len(out) != 0 {
			t.Errorf("third delivery answered: %s", bottest.Texts(out))
		}
	})
}

func TestStickerReasks(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("sticker")
		h.Say(a, "daftar")
		out := h.Send(channel.Inbound{From: a, Kind: channel.KindOther})
		wantText(t, out, "Apa nama usaha Bapak/Ibu?")
		if s := h.Session(a); s == nil || s.Step != "business_name" {
			t.Errorf("after a sticker: %+v", s)
		}
		// A photo where text is wanted is re-asked too; the session stays.
		out = h.Send(channel.Inbound{From: a, Kind: channel.KindPhoto, Attachment: &channel.Attachment{Ref: "file-1"}})
		wantText(t, out, "Apa nama usaha Bapak/Ibu?")
		if s := h.Session(a); s == nil || s.Step != "business_name" {
			t.Errorf("after a photo: %+v", s)
		}
	})
}

func TestDeepLinkStartsFlow(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := channel.Address{Channel: channel.Telegram, ExternalID: "5550001"}
		// Even in the middle of another flow, and even for a new contact
		// (the deep link wins over the first-contact flow).
		out := h.Open(a, "rsvp_ev42tok")
		wantText(t, out, "Undangan ev42tok: apakah Bapak/Ibu akan hadir?")
		s := h.Session(a)
		if s == nil || s.FlowID != "rsvp" || s.Answers["token"] != "ev42tok" {
			t.Fatalf("session: %+v", s)
		}
		h.Say(a, "daftar")
		out = h.Open(a, "rsvp_other")
		wantText(t, out, "Undangan other")
		out = h.Say(a, "iya")
		wantText(t, out, "Terima kasih atas jawabannya.")
		if answers, _ := h.Answers(a); answers["come"] != true {
			t.Errorf("answers: %v", answers)
		}
		// An invitation button (a choice whose value is a payload with a
		// parameter) works like the deep link, even mid-flow.
		h.Say(a, "daftar")
		out = h.Choose(a, "rsvp_tok9_yes")
		wantText(t, out, "Undangan tok9_yes")
		if s := h.Session(a); s == nil || s.FlowID != "rsvp" || s.Answers["token"] != "tok9_yes" {
			t.Errorf("invitation button: %+v", s)
		}
		// A button whose value is only a bare payload ("daftar") may be an
		// option of the current question: it goes to the engine.
		h.Choose(a, "daftar")
		if s := h.Session(a); s == nil || s.FlowID != "rsvp" {
			t.Errorf("bare payload button mid-flow switched flows: %+v", s)
		}
		h.Say(a, "batal")
		// An exact payload, and a start without a payload (the menu).
		wantText(t, h.Open(a, "daftar"), "Apa nama usaha")
		h.Say(a, "batal")
		wantText(t, h.Open(a, ""), "Halo Bapak/Ibu")
	})
}

func TestTriggerMidFlowSwitches(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("switch")
		h.Say(a, "daftar")
		out := h.Say(a, "datasaya")
		wantText(t, out, "Data Bapak/Ibu: 1 usaha")
		// The flow's media reference is resolved to the action's document.
		if len(out) != 1 || out[0].Media == nil || string(out[0].Media.Data) != "usaha: Kerupuk Sanjai" {
			t.Errorf("document not attached: %+v", out)
		}
		if s := h.Session(a); s != nil {
			t.Errorf("datasaya ended but session: %+v", s)
		}
		// The current flow's own keyword is a contact coming back: they
		// are welcomed back and asked the pending question again, and their
		// answers are kept.
		h.Say(a, "daftar")
		h.Say(a, "Gulai Ikan Uni Eva")
		h.Advance(10 * time.Minute) // within the resume window
		out = h.Say(a, "Daftar")
		wantText(t, out, "Bapak/Ibu sedang mengisi *Daftar usaha*", "bidang apa?")
		if last := out[len(out)-1]; len(last.Choices) != 2 {
			t.Errorf("re-asked question without its choices: %+v", last)
		}
		if s := h.Session(a); s == nil || s.Step != "sector" || s.Answers["business_name"] != "Gulai Ikan Uni Eva" {
			t.Errorf("own keyword mid-flow: %+v", s)
		}
		// So is a bare start command (Telegram's /start).
		out = h.Open(a, "")
		wantText(t, out, "sedang mengisi", "bidang apa?")
		if s := h.Session(a); s == nil || s.Step != "sector" {
			t.Errorf("bare start mid-flow: %+v", s)
		}
		// So is a greeting: it is never taken as an answer.
		h.Say(a, "kembali")
		out = h.Say(a, "Assalamu'alaikum!")
		wantText(t, out, "sedang mengisi", "Apa nama usaha")
		if s := h.Session(a); s == nil || s.Step != "business_name" || s.Answers["business_name"] != "Gulai Ikan Uni Eva" {
			t.Errorf("greeting mid-flow: %+v", s)
		}
		h.Say(a, "Gulai Ikan Uni Eva")
		wantText(t, h.Choose(a, "kuliner"), "Gulai Ikan Uni Eva tersimpan")
	})
}

func TestLanguageStoredOnContact(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("lang")
		h.Say(a, "daftar")
		out := h.Say(a, "bahasa inggris")
		wantText(t, out, "What is your business called?")
		if c := h.Contact(a); c.Language != "en" {
			t.Errorf("contact language = %q", c.Language)
		}
		h.Say(a, "Rumah Makan Lamun Ombak")
		out = h.Choose(a, "kuliner")
		wantText(t, out, "is saved as number")
		// Outside a flow the menu speaks English now.
		wantText(t, h.Say(a, "hello"), "Hello, welcome")
		if call := f.lastCall.Load(); call.Lang != "en" {
			t.Errorf("action language = %q", call.Lang)
		}
		// And back, outside a flow.
		wantText(t, h.Say(a, "bahasa indonesia"), "Halo Bapak/Ibu")
		if c := h.Contact(a); c.Language != "id" {
			t.Errorf("contact language = %q", c.Language)
		}
	})
}

func TestStaffFlag(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := channel.Address{Channel: channel.Telegram, ExternalID: "petugas"}
		h.Say(a, "halo")
		wantText(t, h.Say(a, "petugas"), "hanya untuk petugas")
		if err := h.DB.SetContactStaff(context.Background(), h.Contact(a).ID, true); err != nil {
			t.Fatal(err)
		}
		wantText(t, h.Say(a, "petugas"), "Menu petugas.")
		// The web chat identifies nobody: a staff flag set on a web chat
		// contact (by mistake, or by raw SQL) grants nothing.
		web := bottest.Addr("petugas-web")
		h.Say(web, "halo")
		if err := h.DB.SetContactStaff(context.Background(), h.Contact(web).ID, true); err != nil {
			t.Fatal(err)
		}
		wantText(t, h.Say(web, "petugas"), "hanya untuk petugas")
	})
}

func TestPlatformPhoneStored(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		wa := channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}
		h.Send(channel.Inbound{From: wa, Kind: channel.KindText, Text: "halo", Phone: "+6281234567890"})
		if c := h.Contact(wa); c.Phone != "+6281234567890" {
			t.Errorf("whatsapp phone: %+v", c)
		}
		// Someone else's contact card is an answer, not the sender's phone.
		tg := channel.Address{Channel: channel.Telegram, ExternalID: "9"}
		h.Send(channel.Inbound{From: tg, Kind: channel.KindContact, Phone: "+6281111111111"})
		if c := h.Contact(tg); c.Phone != "" {
			t.Errorf("foreign contact card stored as the phone: %+v", c)
		}
		h.Send(channel.Inbound{From: tg, Kind: channel.KindContact, Phone: "081222333444", OwnPhone: true})
		if c := h.Contact(tg); c.Phone != "+6281222333444" || c.VerifiedPhone() != "+6281222333444" || c.PhoneSource != "telegram_contact" {
			t.Errorf("own shared phone: %+v", c)
		}
		if c := h.Contact(wa); c.VerifiedPhone() != "+6281234567890" || c.PhoneSource != "whatsapp_sender" || c.PhoneVerifiedAt == nil {
			t.Errorf("whatsapp sender phone not recorded as verified: %+v", c)
		}
		// The web chat never vouches, even when the adapter (or a forged
		// request) says the shared contact is the sender's own.
		web := bottest.Addr("web-claims-phone")
		h.Send(channel.Inbound{From: web, Kind: channel.KindContact, Phone: "081266543210", OwnPhone: true})
		h.Send(channel.Inbound{From: web, Kind: channel.KindText, Text: "halo", Phone: "081266543210"})
		if c := h.Contact(web); c.Phone != "" || c.VerifiedPhone() != "" {
			t.Errorf("web chat phone stored as the contact's own: %+v", c)
		}
	})
}

func TestStartFlow(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("start")
		out, err := h.Bot.StartFlow(context.Background(), a, "rsvp", map[string]any{"token": "abc"})
		if err != nil {
			t.Fatal(err)
		}
		wantText(t, out, "Undangan abc")
		if _, err := h.Bot.StartFlow(context.Background(), a, "nope", nil); err == nil {
			t.Error("unknown flow: want an error")
		}
	})
}

func TestUnknownActionApologizes(t *testing.T) {
	t.Parallel()
	set := loadFlows(t)
	h := bottest.New(t, set, bot.Actions{}, store.SQLite)
	a := bottest.Addr("noaction")
	h.Say(a, "daftar")
	h.Say(a, "Warung Ikan Bilih")
	out := h.Choose(a, "kuliner")
	wantText(t, out, "sedang ada gangguan")
	if s := h.Session(a); s == nil || s.Step != "sector" {
		t.Errorf("session: %+v", s)
	}
}

func TestRedisDownApologizes(t *testing.T) {
	t.Parallel()
	set := loadFlows(t)
	rdb, prefix, m := sessiontest.Mini(t)
	db := storetest.New(t, store.SQLite)
	h := bottest.NewWith(t, set, nil, db, session.New(rdb, prefix, time.Hour), func(c *bot.Config) {
		c.LockWait = 50 * time.Millisecond
	})
	a := bottest.Addr("down")
	wantText(t, h.Say(a, "daftar"), "Apa nama usaha")
	m.Close()
	out := h.Say(a, "Kerupuk")
	if len(out) != 1 || !strings.Contains(out[0].Text, "sedang ada gangguan") {
		t.Errorf("Redis down: %+v", out)
	}
}

func TestLockHeldTooLongApologizes(t *testing.T) {
	t.Parallel()
	set := loadFlows(t)
	rdb, prefix, _ := sessiontest.Mini(t)
	sessions := session.New(rdb, prefix, time.Hour)
	h := bottest.NewWith(t, set, nil, storetest.New(t, store.SQLite), sessions, func(c *bot.Config) {
		c.LockWait = 30 * time.Millisecond
	})
	a := bottest.Addr("stuck")
	// Another replica holds the contact's lock and never lets go.
	if _, err := sessions.Begin(context.Background(), a, "other", time.Minute, time.Second); err != nil {
		t.Fatal(err)
	}
	out := h.Say(a, "daftar")
	if len(out) != 1 || !strings.Contains(out[0].Text, "sedang ada gangguan") {
		t.Errorf("lock held: %+v", out)
	}
}

func TestHandleRejectsNoAddress(t *testing.T) {
	t.Parallel()
	h := bottest.New(t, loadFlows(t), nil, store.SQLite)
	if _, err := h.Bot.Handle(context.Background(), channel.Inbound{Kind: channel.KindText, Text: "halo"}); err == nil {
		t.Error("no address: want an error")
	}
	if _, err := bot.New(bot.Config{}); err == nil {
		t.Error("empty config: want an error")
	}
}

func TestSlowActionKeepsTheLock(t *testing.T) {
	t.Parallel()
	set := loadFlows(t)
	rdb, prefix := sessiontest.Real(t)
	sessions := session.New(rdb, prefix, time.Hour)
	db := storetest.New(t, store.SQLite)
	entered := make(chan struct{})
	actions := bot.Actions{"test.slow": func(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
		close(entered)
		time.Sleep(4500 * time.Millisecond) // more than two lock TTLs
		return bot.ActionResult{Answers: map[string]any{"n": 1}}, nil
	}}
	h := bottest.NewWith(t, set, actions, db, sessions, func(c *bot.Config) { c.LockTTL = 2 * time.Second })
	a := bottest.Addr("slow")
	done := make(chan []channel.Outbound)
	go func() { done <- h.Say(a, "ping") }()
	<-entered
	// Past the first TTL: only renewals (every half TTL, so a late one
	// still has a second left on a loaded machine) keep the lock.
	time.Sleep(3 * time.Second)
	// Another replica cannot take the contact while the action runs.
	if _, err := sessions.Begin(context.Background(), a, "x", time.Minute, 0); !errors.Is(err, session.ErrLocked) {
		t.Errorf("lock taken during a slow action: %v", err)
	}
	wantText(t, <-done, "pong 1")
}

// countMetrics records what the pipeline reports.
type countMetrics struct {
	mu       sync.Mutex
	in, out  map[string]int
	observed int
	errors   map[string]int
}

func (m *countMetrics) In(ch string) { m.mu.Lock(); m.in[ch]++; m.mu.Unlock() }
func (m *countMetrics) Out(ch string, n int) {
	m.mu.Lock()
	m.out[ch] += n
	m.mu.Unlock()
}
func (m *countMetrics) Observe(ch string, d time.Duration) {
	m.mu.Lock()
	m.observed++
	m.mu.Unlock()
}
func (m *countMetrics) Error(stage string) { m.mu.Lock(); m.errors[stage]++; m.mu.Unlock() }

func TestMetrics(t *testing.T) {
	t.Parallel()
	m := &countMetrics{in: map[string]int{}, out: map[string]int{}, errors: map[string]int{}}
	f := &fakes{}
	h := bottest.New(t, loadFlows(t), f.actions(), store.SQLite, func(c *bot.Config) { c.Metrics = m })
	a := bottest.Addr("metrics")
	h.Say(a, "halo")           // first contact: 1 reply
	h.Say(a, "apa kabar")      // greeting + menu: 2 replies
	h.Say(a, "daftar")         // 1 reply
	h.Say(a, "Kerupuk Sanjai") // 1 reply
	f.registerFails.Store(1)
	h.Choose(a, "kuliner") // apology: 1 reply, an action error
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.in["webchat"] != 5 || m.out["webchat"] != 6 || m.observed != 5 || m.errors["action"] != 1 || len(m.errors) != 1 {
		t.Errorf("metrics: in %v out %v observed %d errors %v", m.in, m.out, m.observed, m.errors)
	}
}

func TestLogsMaskThePhone(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	f := &fakes{}
	h := bottest.New(t, loadFlows(t), f.actions(), store.SQLite, func(c *bot.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	wa := channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}
	h.Send(channel.Inbound{From: wa, Kind: channel.KindText, Text: "daftar", Phone: "+6281234567890"})
	h.Send(channel.Inbound{From: wa, Kind: channel.KindText, Text: "Kerupuk Sanjai"})
	f.registerFails.Store(1)
	h.Send(channel.Inbound{From: wa, Kind: channel.KindChoice, Choice: "kuliner"})
	logs := buf.String()
	if !strings.Contains(logs, "message not handled") || !strings.Contains(logs, "whatsapp:+62812****7890") {
		t.Errorf("want the failure logged with a masked id:\n%s", logs)
	}
	if strings.Contains(logs, "81234567") {
		t.Errorf("phone number in the logs:\n%s", logs)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLocalModeMiniredis(t *testing.T) {
	t.Parallel()
	// The local mode: in-process miniredis and SQLite, the same pipeline
	// (its Lua commit script included).
	rdb, prefix, _ := sessiontest.Mini(t)
	f := &fakes{}
	h := bottest.NewWith(t, loadFlows(t), f.actions(), storetest.New(t, store.SQLite), session.New(rdb, prefix, time.Hour))
	a := bottest.Addr("local")
	h.Say(a, "daftar")
	in := channel.Inbound{From: a, MessageID: "w1", Kind: channel.KindText, Text: "Songket Pandai Sikek"}
	wantText(t, h.Send(in), "bidang apa")
	if out := h.Send(in); len(out) != 0 {
		t.Errorf("duplicate answered on miniredis: %s", bottest.Texts(out))
	}
	wantText(t, h.Choose(a, "jasa"), "Songket Pandai Sikek tersimpan")
	if s := h.Session(a); s != nil {
		t.Errorf("session after the end: %+v", s)
	}
}
