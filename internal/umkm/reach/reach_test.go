package reach

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"jejaring/internal/idn"
)

var office = Office{Name: "Dinas Koperasi dan UKM", Region: "Kabupaten Pesisir Selatan", WhatsApp: "+6281100001111", TelegramBot: "JejaringBot"}

func TestConfirmLinks(t *testing.T) {
	t.Parallel()
	wa, tg := office.ConfirmLinks("3f9a2c71be04d5a8e6c1")
	if wa != "https://wa.me/6281100001111?text=KONFIRMASI%203f9a2c71be04d5a8e6c1" {
		t.Errorf("wa.me link %s", wa)
	}
	if tg != "https://t.me/JejaringBot?start=konfirmasi_3f9a2c71be04d5a8e6c1" {
		t.Errorf("t.me link %s", tg)
	}
	wa, tg = Office{}.ConfirmLinks("x")
	if wa != "" || tg != "" {
		t.Errorf("no channels: %q %q", wa, tg)
	}
	wa, tg = office.RegisterLinks()
	if wa != "https://wa.me/6281100001111?text=DAFTAR" || tg != "https://t.me/JejaringBot?start=daftar" {
		t.Errorf("poster links %s %s", wa, tg)
	}
}

func TestLettersAndPostersRender(t *testing.T) {
	t.Parallel()
	p, err := NewPrinter()
	if err != nil {
		t.Fatal(err)
	}
	l, err := office.NewLetter("PSS-2026-000001", "Lapau Rina", "Rina", "+6281377778888", "1301014506900001", "Lengayang", "nasi", "3f9a2c71be04d5a8e6c1")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := p.Letters(&b, office, []Letter{l}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"@page", "size: A4", "Lapau Rina", "KONFIRMASI 3f9a2c71be04d5a8e6c1", `src="data:image/png;base64,`, "0811-0000-1111", "62813****8888", idn.MaskNIK("1301014506900001")} {
		if !strings.Contains(out, want) {
			t.Errorf("letter lacks %q", want)
		}
	}
	for _, leak := range []string{"+6281377778888", "1301014506900001"} {
		if strings.Contains(out, leak) {
			t.Errorf("letter shows %q unmasked", leak)
		}
	}
	if strings.Count(out, `<img src="data:image/png;base64,`) != 2 {
		t.Errorf("want 2 QR images")
	}
	pos, err := office.NewPoster("Lengayang", 40, 3)
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := p.Posters(&b, office, []Poster{pos}); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "Kecamatan Lengayang") || !strings.Contains(out, "DAFTAR") || strings.Count(out, "data:image/png") != 2 {
		t.Errorf("poster:\n%s", out)
	}
	if h := p.StyleHash(); !strings.HasPrefix(h, "'sha256-") {
		t.Errorf("style hash %s", h)
	}
}

func TestPace(t *testing.T) {
	t.Parallel()
	p := DefaultPace()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	at := func(day, hour, min int) time.Time { return time.Date(2026, 12, day, hour, min, 0, 0, idn.WIB) }
	r := rand.New(rand.NewPCG(1, 2))
	first := at(1, 9, 0)
	cases := []struct {
		name string
		st   State
		now  time.Time
		kind StepKind
		want string // reason part or until
	}{
		{"first message", State{}, at(1, 9, 0), Send, ""},
		{"before office hours", State{}, at(1, 6, 30), Wait, "2026-12-01 08:00"},
		{"after office hours", State{}, at(1, 19, 0), Wait, "2026-12-02 08:00"},
		{"day 1 cap", State{FirstDay: first, SentToday: 3}, at(1, 12, 0), Wait, "2026-12-02 08:00"},
		{"day 2 allows 5", State{FirstDay: first, SentToday: 4}, at(2, 12, 0), Send, ""},
		{"day 2 cap", State{FirstDay: first, SentToday: 5}, at(2, 12, 0), Wait, "2026-12-03 08:00"},
		{"warmed up", State{FirstDay: first, SentToday: 14}, at(20, 12, 0), Send, ""},
		{"daily cap", State{FirstDay: first, SentToday: 15}, at(20, 12, 0), Wait, "2026-12-21 08:00"},
		{"random gap not over", State{NextAt: at(1, 9, 20)}, at(1, 9, 10), Wait, "2026-12-01 09:20"},
		{"one in flight", State{Outcomes: []Outcome{{Status: "pending"}}}, at(1, 9, 0), Wait, "2026-12-01 09:01"},
		{"not on WhatsApp is no warning", State{Outcomes: []Outcome{{Status: "failed", LastError: "whatsapp send: unknown recipient"}}}, at(1, 9, 0), Send, ""},
		{"ban pause", State{Paused: true, PauseNote: "temporarily banned"}, at(1, 9, 0), Stop, "temporarily banned"},
		{"blocked", State{Outcomes: []Outcome{{Status: "sent"}, {Status: "failed", LastError: "contact blocked the bot"}}}, at(1, 9, 0), Stop, "blocked"},
		{"rate limited", State{Outcomes: []Outcome{{Status: "pending", LastError: "rate limited: retry after 24h"}}}, at(1, 9, 0), Stop, "rate limited"},
		{"refused", State{Outcomes: []Outcome{{Status: "failed", LastError: "gave up after 8 attempts: timeout"}}}, at(1, 9, 0), Stop, "refused"},
	}
	for _, c := range cases {
		s := p.Next(c.st, c.now, r)
		if s.Kind != c.kind {
			t.Errorf("%s: kind %d, want %d (%+v)", c.name, s.Kind, c.kind, s)
			continue
		}
		switch s.Kind {
		case Wait:
			if got := s.Until.In(idn.WIB).Format("2006-01-02 15:04"); got != c.want {
				t.Errorf("%s: until %s, want %s", c.name, got, c.want)
			}
		case Stop:
			if !strings.Contains(s.Reason, c.want) {
				t.Errorf("%s: reason %q", c.name, s.Reason)
			}
		case Send:
			if s.Gap < p.MinGap || s.Gap > p.MaxGap {
				t.Errorf("%s: gap %s", c.name, s.Gap)
			}
		}
	}
	for _, bad := range []Pace{{DailyCap: 0, MinGap: time.Minute, MaxGap: time.Minute, FromHour: 8, ToHour: 9}, {DailyCap: 500, MinGap: time.Minute, MaxGap: time.Minute, FromHour: 8, ToHour: 9},
		{DailyCap: 5, MinGap: time.Second, MaxGap: time.Minute, FromHour: 8, ToHour: 9}, {DailyCap: 5, MinGap: time.Minute, MaxGap: time.Minute, FromHour: 9, ToHour: 9}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestFirstContactText(t *testing.T) {
	t.Parallel()
	s := FirstContactText(office, "Rina", "Lapau Rina", "3f9a2c71be04d5a8e6c1", time.Date(2026, 12, 1, 16, 0, 0, 0, idn.WIB))
	for _, want := range []string{"Selamat sore Bapak/Ibu Rina", "*Lapau Rina*", "*KONFIRMASI 3f9a2c71be04d5a8e6c1*", "BERHENTI", office.Name} {
		if !strings.Contains(s, want) {
			t.Errorf("text lacks %q:\n%s", want, s)
		}
	}
}

func TestLeftOut(t *testing.T) {
	t.Parallel()
	var c Counts
	c.Add(WhatsApp, true, true, 1)
	c.Add(PhoneOnly, true, false, 600)
	c.Add(NoPhone, true, false, 45)
	got := LeftOut(c, "id")
	if !strings.HasPrefix(got, "646 sesuai; 1 bisa dihubungi lewat chat; 645 belum pernah menghubungi kami (belum bisa dihubungi lewat chat; 600 dengan nomor HP, 45 tanpa HP); 0 berhenti.") {
		t.Errorf("left out: %s", got)
	}
	if !strings.Contains(got, "surat undangan") || !strings.Contains(got, "kampanye") {
		t.Errorf("no way to reach them: %s", got)
	}
	if en := LeftOut(c, "en"); !strings.HasPrefix(en, "646 match;") {
		t.Errorf("en: %s", en)
	}
}
