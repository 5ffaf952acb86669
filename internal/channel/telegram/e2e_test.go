package telegram_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/bot"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram"
	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/flow"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// The end-to-end tests run the real bot (engine, flows, Redis sessions,
// PostgreSQL) behind the adapter, with the fake Bot API in front. They drive
// the demo flow, which asks every kind of question (buttons, a shared
// contact, a location, a photo).

func loadFlows(t testing.TB) *flow.Set {
	t.Helper()
	set, err := flow.Load(os.DirFS("../../../flows"))
	if err != nil {
		t.Fatalf("load flows: %v", err)
	}
	return set
}

func demoActions() bot.Actions {
	return bot.Actions{"demo.save": func(_ context.Context, call bot.ActionCall) (bot.ActionResult, error) {
		return bot.ActionResult{Answers: map[string]any{"reg_no": "PSS-2026-000042"}}, nil
	}}
}

type e2e struct {
	t      *testing.T
	fake   *tgtest.Server
	h      *bottest.Harness
	cfg    telegram.Config
	prefix string
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	h := bottest.New(t, loadFlows(t), demoActions(), store.Postgres)
	fake := tgtest.New(t)
	rdb, prefix := sessiontest.Real(t)
	e := &e2e{t: t, fake: fake, h: h, prefix: prefix}
	e.cfg = telegram.Config{
		Token: fake.Token(), APIURL: fake.URL(), Handler: h.Bot, Redis: rdb, KeyPrefix: prefix,
		Logger: quietLogger(), Workers: 8, PollTimeout: time.Second, MaxRetryWait: 2 * time.Second,
		OnBlocked: func(ctx context.Context, addr channel.Address) {
			c, err := h.DB.ContactByAddress(ctx, string(addr.Channel), addr.ExternalID)
			if err != nil {
				t.Errorf("OnBlocked: %v", err)
				return
			}
			if err := h.DB.SetContactBlocked(ctx, c.ID, true); err != nil {
				t.Errorf("OnBlocked: %v", err)
			}
		},
	}
	return e
}

func quietLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// run starts an adapter; the returned stop waits for Run to return.
func (e *e2e) run() (stop func()) {
	a, err := telegram.New(e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				e.t.Errorf("Run: %v", err)
			}
		})
	}
	e.t.Cleanup(stop)
	return stop
}

// chat follows one user's conversation: expect waits for the next bot
// message containing a text.
type chat struct {
	e    *e2e
	id   int64
	seen int
}

func (e *e2e) chat(id int64) *chat { return &chat{e: e, id: id} }

func (c *chat) addr() channel.Address {
	return channel.Address{Channel: channel.Telegram, ExternalID: fmt.Sprint(c.id)}
}

func (c *chat) expect(substr string) tgtest.SentMessage {
	c.e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var found *tgtest.SentMessage
	err := c.e.fake.WaitFor(ctx, func() bool {
		sent := c.e.fake.Sent(c.id)
		for i := c.seen; i < len(sent); i++ {
			if strings.Contains(sent[i].Text, substr) {
				found = &sent[i]
				c.seen = i + 1
				return true
			}
		}
		return false
	})
	if err != nil {
		var texts []string
		for _, m := range c.e.fake.Sent(c.id)[c.seen:] {
			texts = append(texts, m.Text)
		}
		c.e.t.Fatalf("chat %d: no message with %q; since the last expected one: %q", c.id, substr, texts)
	}
	return *found
}

func (c *chat) press(label string) {
	c.e.t.Helper()
	if _, err := c.e.fake.PressButton(c.id, label); err != nil {
		c.e.t.Fatal(err)
	}
}

func (c *chat) say(text string) { c.e.fake.SendText(c.id, text) }

// register walks the demo flow from the deep link to the saved record,
// using buttons, the shared contact, a location and a photo.
func (c *chat) register(t *testing.T, photo []byte) {
	t.Helper()
	c.say("/start demo")
	c.expect("Ini contoh pendaftaran usaha")
	c.expect("Apa nama usaha Bapak/Ibu?")
	c.say("Kerupuk Sanjai Bu Siti")
	q := c.expect("bergerak di bidang apa?")
	if !q.HasButton("Makanan dan minuman") {
		t.Fatalf("sector question has no buttons: %+v", q)
	}
	c.press("Makanan dan minuman")
	c.expect("Di kecamatan mana")
	c.say("tarusan")
	c.expect("Apa yang paling dibutuhkan")
	c.say("modal dan pasar")
	c.expect("Berapa orang yang bekerja")
	c.say("3")
	c.expect("Berapa modal usaha")
	c.say("25 juta")
	c.expect("Sejak kapan")
	c.say("17 Agustus 2019")
	c.expect("sudah punya NIB")
	c.say("tidak")
	c.expect("kode KBLI")
	c.say("lewati")
	c.expect("NIK (nomor KTP)")
	c.say("1301015708900001")
	q = c.expect("Nomor HP yang bisa dihubungi?")
	if len(q.ReplyKeyboard) == 0 || !q.ReplyKeyboard[0][0].RequestContact {
		t.Errorf("phone question without a share-contact keyboard: %+v", q)
	}
	c.e.fake.ShareContact(c.id, "6281234567890", true)
	c.expect("email")
	c.say("lewati")
	q = c.expect("kirim lokasi usaha")
	if len(q.ReplyKeyboard) == 0 || !q.ReplyKeyboard[0][0].RequestLocation {
		t.Errorf("location question without a share-location keyboard: %+v", q)
	}
	c.e.fake.ShareLocation(c.id, -1.2345, 100.5678)
	c.expect("Kirim satu foto")
	c.e.fake.SendPhoto(c.id, photo, "")
	c.expect("Siapa nama pemilik usaha?")
	c.say("Siti Aminah")
	c.expect("sebagai apa di usaha ini?")
	c.press("Pemilik")
	c.expect("Mohon periksa data berikut")
	c.say("ya")
	c.expect("PSS-2026-000042")
}

func TestE2ERegistrationOverTelegram(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.run()
	c := e.chat(50001)
	e.fake.SetUser(c.id, "Siti", "Aminah", "id")
	photo := []byte("\xff\xd8\xff\xe0 a jpeg of kerupuk sanjai")
	c.register(t, photo)

	answers, ended := e.h.Answers(c.addr())
	if ended != "done" {
		t.Errorf("flow ended %q", ended)
	}
	want := map[string]string{
		"business_name": "Kerupuk Sanjai Bu Siti", "sector": "kuliner", "kecamatan": "13.01.07",
		"phone": "+6281234567890", "owner_role": "pemilik", "owner_name": "Siti Aminah",
	}
	for k, v := range want {
		if got := fmt.Sprint(answers[k]); got != v {
			t.Errorf("answer %s = %q, want %q", k, got, v)
		}
	}
	if !strings.Contains(fmt.Sprint(answers["location"]), "-1.2345") {
		t.Errorf("location answer = %v", answers["location"])
	}
	photoRef := fmt.Sprint(answers["photo"])
	if !strings.HasPrefix(photoRef, "photo-file-") {
		t.Fatalf("photo answer = %q", photoRef)
	}
	// The photo the engine saved can be fetched back (getFile + download).
	a, err := telegram.New(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	data, err := a.Download(t.Context(), photoRef)
	if err != nil || string(data) != string(photo) {
		t.Errorf("Download(%s) = %q, %v", photoRef, data, err)
	}
	contact := e.h.Contact(c.addr())
	if contact.DisplayName != "Siti Aminah" || contact.Channel != "telegram" {
		t.Errorf("contact = %+v", contact)
	}
	// Every keyboard was taken away: pressed ones by editing the question,
	// the others when the answer was typed.
	for _, m := range e.fake.Sent(c.id) {
		if m.Buttons != nil {
			t.Errorf("message still shows buttons: %q", m.Text)
		}
	}
	if n := e.fake.Calls("answerCallbackQuery"); n != 2 {
		t.Errorf("answerCallbackQuery called %d times, want 2", n)
	}
}

func TestE2EThreeMessagesAtOnceInOrder(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.run()
	c := e.chat(50002)
	c.say("/start demo")
	c.expect("Apa nama usaha Bapak/Ibu?")
	// Three answers typed quickly, before the bot replies to any.
	c.say("Toko Kain Bu Rina")
	c.say("2")
	c.say("bayang")
	c.expect("bergerak di bidang apa?")
	c.expect("Di kecamatan mana")
	c.expect("Apa yang paling dibutuhkan")
	answers, _ := e.h.Answers(c.addr())
	if answers["business_name"] != "Toko Kain Bu Rina" || answers["sector"] != "kriya" || answers["kecamatan"] != "13.01.06" {
		t.Errorf("answers = %v", answers)
	}
}

func TestE2ERestartMidConversation(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	stop := e.run()
	c := e.chat(50003)
	c.say("/start demo")
	c.expect("Apa nama usaha Bapak/Ibu?")
	c.say("Rendang Uni Ami")
	c.expect("bergerak di bidang apa?")
	stop()
	// The user answers while the bot is down; a new process picks it up.
	c.press("Makanan dan minuman")
	c.say("lengayang")
	e.run()
	c.expect("Di kecamatan mana")
	c.expect("Apa yang paling dibutuhkan")
	answers, _ := e.h.Answers(c.addr())
	if answers["business_name"] != "Rendang Uni Ami" || answers["sector"] != "kuliner" || answers["kecamatan"] != "13.01.03" {
		t.Errorf("answers = %v", answers)
	}
	if n := len(e.fake.Sent(c.id)); n != 5 {
		t.Errorf("%d messages sent, want 5 (no duplicates)", n)
	}
}

func TestE2ERateLimitStormLosesNothing(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.fake.RateLimit(20, 1)
	e.run()
	const users = 12
	var wg sync.WaitGroup
	for i := range users {
		c := e.chat(int64(51000 + i))
		c.say("/start demo")
		c.say(fmt.Sprintf("Usaha Nomor %d", i))
		c.say("jasa")
		wg.Go(func() {
			c.expect("Apa nama usaha Bapak/Ibu?")
			c.expect("bergerak di bidang apa?")
			c.expect("Di kecamatan mana")
		})
	}
	wg.Wait()
	for i := range users {
		addr := channel.Address{Channel: channel.Telegram, ExternalID: fmt.Sprint(51000 + i)}
		answers, _ := e.h.Answers(addr)
		if answers["business_name"] != fmt.Sprintf("Usaha Nomor %d", i) || answers["sector"] != "jasa" {
			t.Errorf("user %d answers = %v", i, answers)
		}
		if n := len(e.fake.Sent(int64(51000 + i))); n != 4 {
			t.Errorf("user %d got %d messages, want 4", i, n)
		}
	}
	if st := e.fake.Stats(); st.RateLimited == 0 {
		t.Errorf("no 429 was sent: %+v", st)
	}
}

func TestE2EBlockedUserIsMarked(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.run()
	c := e.chat(50005)
	c.say("/start demo")
	c.expect("Apa nama usaha Bapak/Ibu?")
	e.fake.Block(c.id) // the reply to the next message gets a 403
	c.say("Sate Padang Ajo")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for !e.h.Contact(c.addr()).Blocked {
		select {
		case <-ctx.Done():
			t.Fatal("contact not marked blocked after a 403")
		case <-time.After(20 * time.Millisecond):
		}
	}
	c2 := e.chat(50006)
	c2.say("/start demo")
	c2.expect("Apa nama usaha Bapak/Ibu?")
	e.fake.BlockBot(c2.id) // Telegram's my_chat_member "kicked" update
	for !e.h.Contact(c2.addr()).Blocked {
		select {
		case <-ctx.Done():
			t.Fatal("contact not marked blocked after my_chat_member kicked")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// The real registration flow (daftar) with its real actions writing to
// PostgreSQL: consent by button, the number by the share-contact button,
// the kecamatan by button, a photo; the record, the consents (with the
// Telegram ids of the presses as proof) and the contact's phone are stored.
func TestE2EDaftarRegistrationStored(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.Postgres)
	data, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	actions := bot.Actions{}
	if err := umkmactions.Register(actions, umkmactions.Deps{DB: db, Data: data, Logger: quietLogger(), Office: "Dinas Koperasi dan UMKM"}); err != nil {
		t.Fatal(err)
	}
	set := loadFlows(t)
	set.SetOptions(umkmactions.Options(data))
	rdb, prefix := sessiontest.Real(t)
	h := bottest.NewWith(t, set, actions, db, session.New(rdb, prefix+"s:", session.DefaultTTL))
	fake := tgtest.New(t)
	e := &e2e{t: t, fake: fake, h: h, cfg: telegram.Config{
		Token: fake.Token(), APIURL: fake.URL(), Handler: h.Bot, Redis: rdb, KeyPrefix: prefix + "tg:",
		Logger: quietLogger(), PollTimeout: time.Second,
	}}
	e.run()
	c := e.chat(52001)
	fake.SetUser(c.id, "Siti", "Aminah", "id")

	c.say("/start daftar")
	c.expect("Selamat datang di Jejaring")
	c.expect("Pemberitahuan")
	c.expect("setuju data usaha disimpan")
	c.press("Ya")
	c.expect("bolehkah profil usaha")
	c.press("Ya")
	c.expect("nama lengkap pemilik usaha")
	c.say("Siti Aminah")
	q := c.expect("Bagikan nomor")
	if len(q.ReplyKeyboard) == 0 || !q.ReplyKeyboard[0][0].RequestContact {
		t.Errorf("phone question without a share-contact keyboard: %+v", q)
	}
	fake.ShareContact(c.id, "6281234567890", true)
	c.expect("Apa nama usahanya?")
	c.say("Keripik Balado Uni Siti")
	c.expect("Apa yang dijual atau dibuat?")
	c.say("keripik balado dan rendang")
	c.expect("Betul?")
	c.press("Ya")
	q = c.expect("Di kecamatan mana tempat usahanya?")
	if !q.HasButton("Koto XI Tarusan") {
		t.Fatalf("kecamatan question without buttons: %+v", q)
	}
	c.press("Koto XI Tarusan")
	c.expect("Nagari (desa) mana?")
	c.say("Mandeh")
	c.expect("Alamat tempat usaha?")
	c.say("Jl. Raya Tarusan No. 5, Kampung Baru")
	c.expect("Tahun berapa")
	c.say("2015")
	c.expect("Berapa orang yang bekerja")
	c.say("3")
	c.expect("Berapa modal usahanya")
	c.say("50 juta")
	c.expect("hasil penjualan (omzet)")
	c.say("300jt")
	c.expect("NIB")
	c.say("lewati")
	c.expect("NIK (nomor KTP")
	c.say("1301014506900001")
	c.expect("Kirim satu foto produk")
	photoID := fake.SendPhoto(c.id, []byte("\xff\xd8 keripik"), "")
	c.expect("Mohon periksa data usaha")
	c.say("ya")
	c.expect("sudah terdaftar")

	var b struct {
		RegNo  string `db:"reg_no"`
		Phone  string `db:"owner_phone"`
		Photo  string `db:"photo_ref"`
		Region string `db:"region_code"`
		Name   string `db:"name"`
	}
	if err := db.GetContext(t.Context(), &b, db.Rebind(`SELECT reg_no, owner_phone, photo_ref, region_code, name FROM businesses`)); err != nil {
		t.Fatal(err)
	}
	if b.RegNo == "" || b.Phone != "+6281234567890" || b.Photo != photoID || b.Region != "13.01.07" || b.Name != "Keripik Balado Uni Siti" {
		t.Errorf("business = %+v", b)
	}
	var consents []struct {
		Purpose   string `db:"purpose"`
		Granted   bool   `db:"granted"`
		MessageID string `db:"message_id"`
	}
	if err := db.SelectContext(t.Context(), &consents, db.Rebind(`SELECT purpose, granted, message_id FROM consents ORDER BY id`)); err != nil {
		t.Fatal(err)
	}
	if len(consents) != 2 || !consents[0].Granted || !strings.HasPrefix(consents[0].MessageID, "cb:") {
		t.Errorf("consents = %+v", consents)
	}
}
