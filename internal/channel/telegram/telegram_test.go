package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/session/sessiontest"
)

// recorder is a handler that remembers every Inbound and answers with what
// reply returns (an echo by default).
type recorder struct {
	mu    sync.Mutex
	got   []channel.Inbound
	reply func(in channel.Inbound) []channel.Outbound
}

func (r *recorder) Handle(_ context.Context, in channel.Inbound) ([]channel.Outbound, error) {
	r.mu.Lock()
	r.got = append(r.got, in)
	reply := r.reply
	r.mu.Unlock()
	if reply != nil {
		return reply(in), nil
	}
	return []channel.Outbound{{Text: "echo: " + describe(in)}}, nil
}

func (r *recorder) inbounds() []channel.Inbound {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]channel.Inbound(nil), r.got...)
}

func describe(in channel.Inbound) string {
	switch in.Kind {
	case channel.KindChoice:
		return "choice " + in.Choice
	case channel.KindStart:
		return "start " + in.Payload
	}
	return string(in.Kind) + " " + in.Text
}

type fixture struct {
	fake    *tgtest.Server
	rdb     redis.UniversalClient
	prefix  string
	blocked chan channel.Address
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	rdb, prefix := sessiontest.Real(t)
	return &fixture{fake: tgtest.New(t), rdb: rdb, prefix: prefix, blocked: make(chan channel.Address, 16)}
}

func (f *fixture) config(h channel.Handler) Config {
	return Config{
		Token: f.fake.Token(), APIURL: f.fake.URL(), Handler: h, Redis: f.rdb, KeyPrefix: f.prefix,
		Logger: testLogger(), Workers: 8,
		PollTimeout: time.Second, MaxRetryWait: 2 * time.Second,
		OnBlocked: func(_ context.Context, a channel.Address) { f.blocked <- a },
	}
}

// start runs an adapter until the test ends (or stop is called).
func (f *fixture) start(t *testing.T, cfg Config) (a *Adapter, stop func()) {
	t.Helper()
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return a, stop
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestPollingEchoMenuAndHealth(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.fake.SetWebhook("https://old.example/hook") // a stale webhook makes getUpdates answer 409
	a, _ := f.start(t, f.config(&recorder{}))
	ctx := waitCtx(t)

	f.fake.SendText(1001, "halo")
	sent, err := f.fake.WaitSent(ctx, 1001, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sent[0].Text != "echo: text halo" {
		t.Errorf("reply = %q", sent[0].Text)
	}
	if url, _ := f.fake.Webhook(); url != "" {
		t.Errorf("webhook still set: %q", url)
	}
	for lang, want := range map[string]string{"": "Daftarkan usaha (UMKM) Bapak/Ibu", "id": "Daftarkan usaha (UMKM) Bapak/Ibu", "en": "Register your small business (UMKM)"} {
		cmds := f.fake.Commands(lang)
		if len(cmds) < 5 || cmds[1].Command != "daftar" || cmds[1].Description != want {
			t.Errorf("commands[%q] = %+v", lang, cmds)
		}
	}
	if err := a.Health(); err != nil {
		t.Errorf("Health = %v", err)
	}
}

func TestInboundMapping(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := &recorder{}
	a, _ := f.start(t, f.config(rec))
	ctx := waitCtx(t)
	const chat = 2002
	f.fake.SetUser(chat, "Siti", "Rahma", "id")
	photo := bytes.Repeat([]byte("JPEG"), 100)

	f.fake.SendText(chat, "/start daftar")
	f.fake.SendText(chat, "/start rsvp_AbC123")
	f.fake.SendText(chat, "/batal@"+tgtest.BotUsername)
	f.fake.ShareContact(chat, "6281234567890", true)
	f.fake.ShareContact(chat, "+62 812-9999-0000", false)
	f.fake.ShareLocation(chat, -1.35, 100.57)
	photoID := f.fake.SendPhoto(chat, photo, "toko saya")
	docID := f.fake.SendDocument(chat, "nib.pdf", "application/pdf", []byte("%PDF-1.4"))
	f.fake.SendSticker(chat)
	if _, err := f.fake.WaitSent(ctx, chat, 9); err != nil {
		t.Fatal(err)
	}
	got := rec.inbounds()
	type want struct {
		kind     channel.Kind
		text     string
		payload  string
		phone    string
		ownPhone bool
	}
	wants := []want{
		{kind: channel.KindStart, payload: "daftar"},
		{kind: channel.KindStart, payload: "rsvp_AbC123"},
		{kind: channel.KindText, text: "batal"},
		{kind: channel.KindContact, phone: "+6281234567890", ownPhone: true},
		{kind: channel.KindContact, phone: "+6281299990000"},
		{kind: channel.KindLocation},
		{kind: channel.KindPhoto, text: "toko saya"},
		{kind: channel.KindDocument},
		{kind: channel.KindOther},
	}
	if len(got) != len(wants) {
		t.Fatalf("got %d inbounds, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		g := got[i]
		if g.Kind != w.kind || g.Text != w.text || g.Payload != w.payload || g.Phone != w.phone || g.OwnPhone != w.ownPhone {
			t.Errorf("inbound %d = %+v, want %+v", i, g, w)
		}
		if g.From != (channel.Address{Channel: channel.Telegram, ExternalID: "2002"}) || g.DisplayName != "Siti Rahma" || g.Language != "id" || g.MessageID == "" || g.Time.IsZero() {
			t.Errorf("inbound %d: from/name/lang/id/time = %v %q %q %q %v", i, g.From, g.DisplayName, g.Language, g.MessageID, g.Time)
		}
	}
	if loc := got[5].Location; loc == nil || loc.Latitude != -1.35 || loc.Longitude != 100.57 {
		t.Errorf("location = %+v", loc)
	}
	if att := got[6].Attachment; att == nil || att.Ref != photoID || att.Size != int64(len(photo)) {
		t.Errorf("photo attachment = %+v, want the largest size %s", att, photoID)
	}
	if att := got[7].Attachment; att == nil || att.Ref != docID || att.FileName != "nib.pdf" || att.MIME != "application/pdf" {
		t.Errorf("document attachment = %+v", att)
	}
	data, err := a.Download(ctx, photoID)
	if err != nil || !bytes.Equal(data, photo) {
		t.Errorf("Download = %d bytes, %v", len(data), err)
	}
}

func TestChoicesButtonsOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	long := "kecamatan:" + strings.Repeat("koto-xi-tarusan/", 6) // > 64 bytes
	rec := &recorder{reply: func(in channel.Inbound) []channel.Outbound {
		if in.Kind == channel.KindChoice {
			return []channel.Outbound{{Text: "dipilih " + in.Choice}}
		}
		return []channel.Outbound{{Text: "Di kecamatan mana usaha Bapak/Ibu?", Choices: []channel.Choice{
			{Label: "Bayang", Value: "13.01.06"}, {Label: "Koto XI Tarusan", Value: long},
		}}}
	}}
	f.start(t, f.config(rec))
	ctx := waitCtx(t)
	const chat = 3003

	f.fake.SendText(chat, "mulai")
	sent, err := f.fake.WaitSent(ctx, chat, 1)
	if err != nil {
		t.Fatal(err)
	}
	q := sent[0]
	if !q.HasButton("Bayang") || !q.HasButton("Koto XI Tarusan") {
		t.Fatalf("buttons = %+v", q.Buttons)
	}
	for _, row := range q.Buttons {
		for _, b := range row {
			if len(b.Data) > 64 {
				t.Errorf("callback data %q is %d bytes", b.Data, len(b.Data))
			}
		}
	}
	cb1, err := f.fake.PressButton(chat, "Koto XI Tarusan")
	if err != nil {
		t.Fatal(err)
	}
	// Pressing again on the same message (a double tap) must not count twice.
	var data string
	for _, row := range q.Buttons {
		for _, b := range row {
			if b.Text == "Bayang" {
				data = b.Data
			}
		}
	}
	cb2 := f.fake.Press(chat, q.MessageID, data)
	sent, err = f.fake.WaitSent(ctx, chat, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.fake.WaitFor(ctx, func() bool { _, ok := f.fake.Answered(cb2); return ok }); err != nil {
		t.Fatal("second press not answered")
	}
	if sent[1].Text != "dipilih "+long {
		t.Errorf("reply = %q", sent[1].Text)
	}
	if txt, ok := f.fake.Answered(cb1); !ok || !strings.Contains(txt, "Koto XI Tarusan") {
		t.Errorf("first press answered %v %q", ok, txt)
	}
	if txt, _ := f.fake.Answered(cb2); txt != "Pilihan ini sudah dicatat." {
		t.Errorf("second press answered %q", txt)
	}
	q = f.fake.Sent(chat)[0]
	if q.Buttons != nil || !strings.HasSuffix(q.Text, "✅ Koto XI Tarusan") {
		t.Errorf("question after the press: text %q buttons %+v", q.Text, q.Buttons)
	}
	if n := len(rec.inbounds()); n != 2 {
		t.Errorf("handler called %d times, want 2 (text + one choice)", n)
	}
}

func TestTypedAnswerRemovesButtons(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := &recorder{reply: func(in channel.Inbound) []channel.Outbound {
		return []channel.Outbound{{Text: "Setuju?", Choices: []channel.Choice{{Label: "Ya", Value: "ya"}, {Label: "Tidak", Value: "tidak"}}}}
	}}
	f.start(t, f.config(rec))
	ctx := waitCtx(t)
	f.fake.SendText(3100, "halo")
	f.fake.WaitSent(ctx, 3100, 1)
	f.fake.SendText(3100, "ya")
	if _, err := f.fake.WaitSent(ctx, 3100, 2); err != nil {
		t.Fatal(err)
	}
	sent := f.fake.Sent(3100)
	if sent[0].Buttons != nil || sent[1].Buttons == nil {
		t.Errorf("old buttons %+v, new buttons %+v", sent[0].Buttons, sent[1].Buttons)
	}
}

func TestPhoneAndLocationKeyboards(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := &recorder{reply: func(in channel.Inbound) []channel.Outbound {
		switch in.Kind {
		case channel.KindText:
			return []channel.Outbound{{Text: "Nomor HP Bapak/Ibu?", Expect: "phone"}}
		case channel.KindContact:
			return []channel.Outbound{{Text: "Lokasi usaha?", Expect: "location"}}
		}
		return []channel.Outbound{{Text: "Terima kasih."}}
	}}
	f.start(t, f.config(rec))
	ctx := waitCtx(t)
	const chat = 4004
	f.fake.SendText(chat, "daftar")
	f.fake.WaitSent(ctx, chat, 1)
	f.fake.ShareContact(chat, "6281234567890", true)
	f.fake.WaitSent(ctx, chat, 2)
	f.fake.ShareLocation(chat, -1.3, 100.5)
	sent, err := f.fake.WaitSent(ctx, chat, 3)
	if err != nil {
		t.Fatal(err)
	}
	if kb := sent[0].ReplyKeyboard; len(kb) != 1 || !kb[0][0].RequestContact || kb[0][0].Text != "📱 Bagikan nomor saya" {
		t.Errorf("phone keyboard = %+v", kb)
	}
	if kb := sent[1].ReplyKeyboard; len(kb) != 1 || !kb[0][0].RequestLocation {
		t.Errorf("location keyboard = %+v", kb)
	}
	if !sent[2].RemoveKeyboard {
		t.Errorf("the plain message after the location step did not remove the keyboard")
	}
}

// TestKeyboardsSpeakTheConversationLanguage: the share buttons follow
// Outbound.Lang (Indonesian when it is empty).
func TestKeyboardsSpeakTheConversationLanguage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := &recorder{reply: func(in channel.Inbound) []channel.Outbound {
		if in.Kind == channel.KindContact {
			return []channel.Outbound{{Text: "Where is your business?", Expect: "location", Lang: "en"}}
		}
		return []channel.Outbound{{Text: "Your phone number?", Expect: "phone", Lang: "en"}}
	}}
	f.start(t, f.config(rec))
	ctx := waitCtx(t)
	const chat = 4005
	f.fake.SendText(chat, "register")
	f.fake.WaitSent(ctx, chat, 1)
	f.fake.ShareContact(chat, "6281234567890", true)
	sent, err := f.fake.WaitSent(ctx, chat, 2)
	if err != nil {
		t.Fatal(err)
	}
	if kb := sent[0].ReplyKeyboard; len(kb) != 1 || !kb[0][0].RequestContact || kb[0][0].Text != "📱 Share my number" {
		t.Errorf("phone keyboard = %+v", kb)
	}
	if kb := sent[1].ReplyKeyboard; len(kb) != 1 || !kb[0][0].RequestLocation || kb[0][0].Text != "📍 Share my location" {
		t.Errorf("location keyboard = %+v", kb)
	}
}

func TestSplitText(t *testing.T) {
	t.Parallel()
	line := strings.Repeat("a", 99) + "\n" // 100 units
	cases := []struct {
		name  string
		text  string
		limit int
		parts int
	}{
		{"short", "halo", 4096, 1},
		{"exact", strings.Repeat("x", 4096), 4096, 1},
		{"lines", strings.Repeat(line, 100), 4096, 3},
		{"one long line with spaces", strings.Repeat("kata ", 2000), 4096, 3},
		{"no spaces", strings.Repeat("x", 9000), 4096, 3},
		{"emoji counts twice", strings.Repeat("😀", 3000), 4096, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parts := splitText(c.text, c.limit)
			if len(parts) != c.parts {
				t.Errorf("%d parts, want %d", len(parts), c.parts)
			}
			total := 0
			for _, p := range parts {
				if utf16Len(p) > c.limit {
					t.Errorf("part of %d units", utf16Len(p))
				}
				total += len(strings.ReplaceAll(strings.ReplaceAll(p, "\n", ""), " ", ""))
			}
			if want := len(strings.ReplaceAll(strings.ReplaceAll(c.text, "\n", ""), " ", "")); total != want {
				t.Errorf("lost text: %d of %d bytes", total, want)
			}
			if c.name == "lines" {
				for _, p := range parts {
					if !strings.HasSuffix(p, "a") || strings.HasPrefix(p, "\n") {
						t.Errorf("part not cut on a line boundary: ...%q", p[max(0, len(p)-5):])
					}
				}
			}
		})
	}
}

func TestLongReplyIsSplit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	text := strings.Repeat("Baris agenda temu bisnis Bapak/Ibu.\n", 300) // ~11,000 chars
	f.start(t, f.config(&recorder{reply: func(channel.Inbound) []channel.Outbound {
		return []channel.Outbound{{Text: text, Choices: []channel.Choice{{Label: "OK", Value: "ok"}}}}
	}}))
	ctx := waitCtx(t)
	f.fake.SendText(5005, "agenda")
	sent, err := f.fake.WaitSent(ctx, 5005, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 3 || sent[0].Buttons != nil || !sent[2].HasButton("OK") {
		t.Errorf("%d messages; keyboard should ride on the last", len(sent))
	}
}

func TestOneChatInOrderManyInParallel(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var inFlight, maxInFlight atomic.Int32
	rec := &recorder{reply: func(in channel.Inbound) []channel.Outbound {
		n := inFlight.Add(1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		// The first message of a chat is the slowest: a reordering would show.
		if strings.HasSuffix(in.Text, "#1") {
			time.Sleep(60 * time.Millisecond)
		} else {
			time.Sleep(5 * time.Millisecond)
		}
		inFlight.Add(-1)
		return []channel.Outbound{{Text: "re " + in.Text}}
	}}
	f.start(t, f.config(rec))
	ctx := waitCtx(t)
	const chats = 10
	for c := range chats {
		for i := 1; i <= 3; i++ {
			f.fake.SendText(int64(6000+c), fmt.Sprintf("pesan #%d", i))
		}
	}
	for c := range chats {
		sent, err := f.fake.WaitSent(ctx, int64(6000+c), 3)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range sent {
			if want := fmt.Sprintf("re pesan #%d", i+1); m.Text != want {
				t.Errorf("chat %d reply %d = %q, want %q", 6000+c, i, m.Text, want)
			}
		}
	}
	if maxInFlight.Load() < 2 {
		t.Errorf("chats were not handled in parallel (max in flight %d)", maxInFlight.Load())
	}
	if maxInFlight.Load() > 8 {
		t.Errorf("more than Workers=8 handlers at once: %d", maxInFlight.Load())
	}
}

func TestRestartLosesNothingHandlesNothingTwice(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := &recorder{}
	cfg := f.config(rec)
	_, stop := f.start(t, cfg)
	ctx := waitCtx(t)
	f.fake.SendText(7007, "satu")
	f.fake.WaitSent(ctx, 7007, 1)
	stop()
	// Messages arrive while the bot is down.
	f.fake.SendText(7007, "dua")
	f.fake.SendText(7007, "tiga")
	f.start(t, cfg)
	sent, err := f.fake.WaitSent(ctx, 7007, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []string{"echo: text satu", "echo: text dua", "echo: text tiga"} {
		if sent[i].Text != w {
			t.Errorf("reply %d = %q, want %q", i, sent[i].Text, w)
		}
	}
	if n := len(rec.inbounds()); n != 3 {
		t.Errorf("handler called %d times, want 3", n)
	}
}

func TestReplayedUpdateIsHandledOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := &recorder{}
	a, err := New(f.config(rec))
	if err != nil {
		t.Fatal(err)
	}
	ctx := waitCtx(t)
	u := &models.Update{ID: 42, Message: &models.Message{ID: 1, Date: int(time.Now().Unix()), Text: "halo",
		From: &models.User{ID: 8008, FirstName: "Budi"}, Chat: models.Chat{ID: 8008, Type: models.ChatTypePrivate}}}
	for range 3 {
		if err := a.process(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(rec.inbounds()); n != 1 {
		t.Errorf("handled %d times, want 1", n)
	}
	if n := len(f.fake.Sent(8008)); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
}

func TestRateLimitStormAndServerErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.start(t, f.config(&recorder{}))
	ctx := waitCtx(t)
	f.fake.RateLimit(10, 1)
	f.fake.Fail5xx(3)
	const chats = 25
	for c := range chats {
		f.fake.SendText(int64(9000+c), "halo")
	}
	for c := range chats {
		sent, err := f.fake.WaitSent(ctx, int64(9000+c), 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(sent) != 1 {
			t.Errorf("chat %d got %d replies", 9000+c, len(sent))
		}
	}
	st := f.fake.Stats()
	if st.RateLimited == 0 || st.Failed5xx != 3 {
		t.Errorf("stats = %+v: the storm did not happen", st)
	}
}

func TestBlockedUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.start(t, f.config(&recorder{}))
	ctx := waitCtx(t)
	want := channel.Address{Channel: channel.Telegram, ExternalID: "9901"}

	f.fake.BlockBot(9901) // my_chat_member "kicked"
	select {
	case got := <-f.blocked:
		if got != want {
			t.Errorf("OnBlocked(%v)", got)
		}
	case <-ctx.Done():
		t.Fatal("OnBlocked not called for my_chat_member")
	}

	f.fake.Block(9902) // the reply gets a 403
	f.fake.SendText(9902, "halo")
	select {
	case got := <-f.blocked:
		if got.ExternalID != "9902" {
			t.Errorf("OnBlocked(%v)", got)
		}
	case <-ctx.Done():
		t.Fatal("OnBlocked not called for a 403")
	}
}

func TestSendMapsErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, err := New(f.config(&recorder{}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := waitCtx(t)
	to := func(id int64) channel.Address {
		return channel.Address{Channel: channel.Telegram, ExternalID: strconv.FormatInt(id, 10)}
	}
	msg := channel.Outbound{Text: "Undangan temu bisnis", Choices: []channel.Choice{{Label: "Hadir", Value: "rsvp:yes"}}}

	res, err := a.Send(ctx, to(1), msg)
	if err != nil || res.MessageID != "1" {
		t.Fatalf("Send = %+v, %v", res, err)
	}
	f.fake.Block(2)
	if _, err := a.Send(ctx, to(2), msg); !errors.Is(err, channel.ErrBlocked) || !channel.Permanent(err) {
		t.Errorf("blocked: %v", err)
	}
	f.fake.Unknown(3)
	if _, err := a.Send(ctx, to(3), msg); !errors.Is(err, channel.ErrUnknownRecipient) {
		t.Errorf("unknown: %v", err)
	}
	f.fake.Fail5xx(1)
	if _, err := a.Send(ctx, to(4), msg); err == nil || channel.Permanent(err) {
		t.Errorf("5xx: %v (want a transient error)", err)
	}
	f.fake.RateLimit(1, 3)
	var rl *channel.RateLimitError
	for range 3 {
		_, err = a.Send(ctx, to(5), msg)
		if errors.As(err, &rl) {
			break
		}
	}
	if rl == nil || rl.RetryAfter != 3*time.Second {
		t.Errorf("429: %v", err)
	}
	f.fake.RateLimit(0, 0)
	img := channel.Outbound{Text: "Agenda Bapak/Ibu", Media: &channel.Media{Kind: "image", Name: "qr.png", Data: []byte("PNG")}}
	if _, err := a.Send(ctx, to(6), img); err != nil {
		t.Fatal(err)
	}
	doc := channel.Outbound{Media: &channel.Media{Kind: "document", Name: "agenda.ics", Data: []byte("BEGIN:VCALENDAR")}}
	if _, err := a.Send(ctx, to(6), doc); err != nil {
		t.Fatal(err)
	}
	sent := f.fake.Sent(6)
	if len(sent) != 2 || sent[0].Method != "sendPhoto" || sent[0].Text != "Agenda Bapak/Ibu" || string(sent[0].File) != "PNG" ||
		sent[1].Method != "sendDocument" || sent[1].FileName != "agenda.ics" {
		t.Errorf("media sent = %+v", sent)
	}
	if _, err := a.Send(ctx, channel.Address{Channel: channel.Telegram, ExternalID: "x"}, msg); !errors.Is(err, channel.ErrUnknownRecipient) {
		t.Errorf("bad id: %v", err)
	}
}

func TestWebhookMode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := &recorder{}
	cfg := f.config(rec)
	cfg.WebhookURL = "https://jejaring.example/telegram/webhook"
	a, _ := f.start(t, cfg)
	ctx := waitCtx(t)
	if err := f.fake.WaitFor(ctx, func() bool { u, _ := f.fake.Webhook(); return u != "" }); err != nil {
		t.Fatal("setWebhook not called")
	}
	url, secret := f.fake.Webhook()
	if url != cfg.WebhookURL || secret == "" || secret != a.WebhookSecret() || a.WebhookPath() != "/telegram/webhook" {
		t.Errorf("webhook = %q %q", url, secret)
	}
	srv := httptest.NewServer(a.WebhookHandler())
	t.Cleanup(srv.Close)
	body := `{"update_id":500,"message":{"message_id":1,"date":1764500000,"text":"halo",
		"from":{"id":9500,"is_bot":false,"first_name":"Ani"},"chat":{"id":9500,"type":"private"}}}`
	post := func(secret string) int {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set(SecretHeader, secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(""); code != http.StatusUnauthorized {
		t.Errorf("no secret: %d", code)
	}
	if code := post("wrong"); code != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d", code)
	}
	if n := len(rec.inbounds()); n != 0 {
		t.Fatalf("refused requests reached the handler %d times", n)
	}
	if code := post(secret); code != http.StatusOK {
		t.Errorf("right secret: %d", code)
	}
	if code := post(secret); code != http.StatusOK { // Telegram resends: handled once
		t.Errorf("resend: %d", code)
	}
	if n := len(rec.inbounds()); n != 1 {
		t.Errorf("handler called %d times, want 1", n)
	}
	if sent := f.fake.Sent(9500); len(sent) != 1 || sent[0].Text != "echo: text halo" {
		t.Errorf("replies = %+v", sent)
	}
	if f.fake.Calls("getUpdates") != 0 {
		t.Errorf("webhook mode polled getUpdates")
	}
}

func testLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// A crash after updates were fetched (and confirmed to Telegram) but before
// they were handled: they wait in the Redis inbox and the next start handles
// them, except one already marked done.
func TestInboxReplayAfterCrash(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := waitCtx(t)
	raw := func(id, chat int, text string) string {
		return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1764500000,"text":%q,`+
			`"from":{"id":%d,"is_bot":false,"first_name":"Rina"},"chat":{"id":%d,"type":"private"}}}`, id, id, text, chat, chat)
	}
	if err := f.rdb.HSet(ctx, f.prefix+KeyTag+"inbox", "41", raw(41, 8100, "tertinggal"), "42", raw(42, 8100, "sudah")).Err(); err != nil {
		t.Fatal(err)
	}
	f.rdb.Set(ctx, f.prefix+KeyTag+"upd:42", "1", time.Hour)
	rec := &recorder{}
	f.start(t, f.config(rec))
	sent, err := f.fake.WaitSent(ctx, 8100, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sent[0].Text != "echo: text tertinggal" {
		t.Errorf("reply = %q", sent[0].Text)
	}
	f.fake.SendText(8100, "baru")
	if _, err := f.fake.WaitSent(ctx, 8100, 2); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.inbounds()); n != 2 {
		t.Errorf("handler called %d times, want 2", n)
	}
	// The inbox entry goes in the transaction right after the replies.
	for n, _ := f.rdb.HLen(ctx, f.prefix+KeyTag+"inbox").Result(); n != 0; n, _ = f.rdb.HLen(ctx, f.prefix+KeyTag+"inbox").Result() {
		if ctx.Err() != nil {
			t.Fatalf("%d updates left in the inbox", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A message Telegram refuses (400) is logged and dropped: no retry loop, and
// the chat goes on.
func TestBadRequestDoesNotLoop(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := &recorder{reply: func(in channel.Inbound) []channel.Outbound {
		if in.Text == "rusak" { // a button without a label or value: 400 from Telegram
			return []channel.Outbound{{Text: "Pilih:", Choices: []channel.Choice{{}}}}
		}
		return []channel.Outbound{{Text: "ok " + in.Text}}
	}}
	f.start(t, f.config(rec))
	ctx := waitCtx(t)
	f.fake.SendText(9300, "rusak")
	f.fake.SendText(9300, "lanjut")
	sent, err := f.fake.WaitSent(ctx, 9300, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sent[0].Text != "ok lanjut" {
		t.Errorf("sent = %q", sent[0].Text)
	}
	if n := f.fake.Calls("sendMessage"); n != 2 {
		t.Errorf("sendMessage called %d times, want 2 (the refused one once)", n)
	}
}

// A button whose long value has expired from Redis gets a polite answer and
// does not reach the handler; a bare /start is KindStart with no payload.
func TestExpiredChoiceAndBareStart(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	long := strings.Repeat("nilai-panjang-", 6)
	rec := &recorder{reply: func(in channel.Inbound) []channel.Outbound {
		return []channel.Outbound{{Text: "Pilih:", Choices: []channel.Choice{{Label: "Panjang", Value: long}}}}
	}}
	f.start(t, f.config(rec))
	ctx := waitCtx(t)
	f.fake.SendText(9400, "/start")
	if _, err := f.fake.WaitSent(ctx, 9400, 1); err != nil {
		t.Fatal(err)
	}
	keys, err := f.rdb.Keys(ctx, f.prefix+KeyTag+"cb:*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("long-value keys = %v, %v", keys, err)
	}
	f.rdb.Del(ctx, keys...)
	cb, err := f.fake.PressButton(9400, "Panjang")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.fake.WaitFor(ctx, func() bool { _, ok := f.fake.Answered(cb); return ok }); err != nil {
		t.Fatal("press not answered")
	}
	if txt, _ := f.fake.Answered(cb); !strings.Contains(txt, "kedaluwarsa") {
		t.Errorf("answer = %q", txt)
	}
	f.fake.SendText(9400, "halo") // handled after the press: the handler has seen everything
	if _, err := f.fake.WaitSent(ctx, 9400, 2); err != nil {
		t.Fatal(err)
	}
	got := rec.inbounds()
	if len(got) != 2 || got[0].Kind != channel.KindStart || got[0].Payload != "" || got[1].Kind != channel.KindText {
		t.Errorf("inbounds = %+v", got)
	}
}

// A handler stuck past HandleTimeout does not hold the chat forever, and the
// stuck update is not retried.
func TestStuckHandlerIsNotRetried(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var stuck atomic.Int32
	rec := &recorder{}
	cfg := f.config(channel.HandlerFunc(func(ctx context.Context, in channel.Inbound) ([]channel.Outbound, error) {
		if in.Text == "macet" {
			stuck.Add(1)
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return rec.Handle(ctx, in)
	}))
	cfg.HandleTimeout = 200 * time.Millisecond
	f.start(t, cfg)
	ctx := waitCtx(t)
	f.fake.SendText(9500, "macet")
	f.fake.SendText(9500, "lanjut")
	sent, err := f.fake.WaitSent(ctx, 9500, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sent[0].Text != "echo: text lanjut" {
		t.Errorf("reply = %q", sent[0].Text)
	}
	// The stuck update (id 1) was marked done before the chat moved on, so
	// nothing will handle it again.
	if n, err := f.rdb.Exists(ctx, f.prefix+KeyTag+"upd:1").Result(); err != nil || n != 1 {
		t.Errorf("stuck update not marked done: %d, %v", n, err)
	}
	if n := stuck.Load(); n != 1 {
		t.Errorf("stuck update handled %d times, want 1", n)
	}
}
