package bot_test

import (
	"reflect"
	"testing"
	"time"

	"jejaring/internal/bot"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
)

// startDaftar opens the test registration as a contact named Siti and
// answers the first question, leaving the conversation on the sector
// choice.
func startDaftar(t *testing.T, h *bottest.Harness, a channel.Address) {
	t.Helper()
	h.Send(channel.Inbound{From: a, Kind: channel.KindText, Text: "daftar", DisplayName: "Siti"})
	wantText(t, h.Say(a, "Kedai Kopi"), "bidang apa?")
}

func choiceLabels(o channel.Outbound) []string {
	var l []string
	for _, c := range o.Choices {
		l = append(l, c.Label)
	}
	return l
}

// wantResumePrompt checks out is the one "welcome back, continue or start
// over?" message quoting the sector question.
func wantResumePrompt(t *testing.T, out []channel.Outbound, parts []string, labels []string) {
	t.Helper()
	if len(out) != 1 {
		t.Fatalf("want one resume message, got %d:\n%s", len(out), bottest.Texts(out))
	}
	wantText(t, out, parts...)
	if got := choiceLabels(out[0]); !reflect.DeepEqual(got, labels) {
		t.Errorf("resume choices = %v, want %v", got, labels)
	}
}

var idPrompt = []string{"Selamat datang kembali, Bapak/Ibu Siti!", "*Daftar usaha*", "Usaha Bapak/Ibu bergerak di bidang apa?", "dilanjutkan, atau mulai ulang"}

func TestResumeValidAnswerIsTaken(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("resume-valid")
		startDaftar(t, h, a)
		h.Advance(5 * time.Hour) // long past the window, well inside the session TTL
		out := h.Say(a, "jasa")
		wantText(t, out, "Kedai Kopi tersimpan dengan nomor PSS-2026-000001")
		if f.registered.Load() != 1 || h.Session(a) != nil {
			t.Errorf("valid answer after a long silence not taken: registered %d, session %+v", f.registered.Load(), h.Session(a))
		}
		// A global word is taken too: it is a command, not an answer.
		startDaftar(t, h, a)
		h.Advance(time.Hour)
		wantText(t, h.Say(a, "bantuan"), "bidang apa?")
		if s := h.Session(a); s == nil || s.Step != "sector" || s.Answers["business_name"] != "Kedai Kopi" {
			t.Errorf("bantuan after a silence: %+v", s)
		}
	})
}

func TestResumeContinue(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("resume-continue")
		startDaftar(t, h, a)
		h.Advance(bot.DefaultResumeAfter + time.Minute)
		// Not an answer to "which sector?": welcome back, the question
		// quoted, continue or start over.
		out := h.Say(a, "maaf tadi hp saya mati")
		wantResumePrompt(t, out, idPrompt, []string{"Lanjutkan", "Mulai ulang"})
		if s := h.Session(a); s == nil || s.Step != "sector" || s.Retries != 0 || s.Answers["business_name"] != "Kedai Kopi" {
			t.Errorf("session after the resume prompt: %+v", s)
		}
		// Lanjutkan (the button) asks the pending question again with
		// its own choices.
		out = h.Choose(a, out[0].Choices[0].Value)
		wantText(t, out, "Baik, kita lanjutkan.", "bidang apa?")
		if last := out[len(out)-1]; !reflect.DeepEqual(choiceLabels(last), []string{"Makanan dan minuman", "Jasa"}) {
			t.Errorf("re-asked question: %+v", last)
		}
		wantText(t, h.Choose(a, "kuliner"), "Kedai Kopi tersimpan")
		if f.registered.Load() != 1 {
			t.Errorf("registered %d", f.registered.Load())
		}
	})
}

func TestResumeRestart(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("resume-restart")
		startDaftar(t, h, a)
		h.Advance(2 * time.Hour)
		// A sticker is no answer either.
		wantResumePrompt(t, h.Send(channel.Inbound{From: a, Kind: channel.KindOther}), idPrompt, []string{"Lanjutkan", "Mulai ulang"})
		// Typed, not pressed: "Mulai ulang" starts the flow again.
		out := h.Say(a, "Mulai ulang")
		wantText(t, out, "Baik, kita mulai dari awal.", "Apa nama usaha Bapak/Ibu?")
		if s := h.Session(a); s == nil || s.Step != "business_name" || len(s.Answers) != 0 {
			t.Errorf("session after start over: %+v", s)
		}
	})
}

// The typed replies count only right after the prompt; a valid answer
// then is taken; a greeting or the flow's keyword after a long silence also
// gets the prompt.
func TestResumeTypedReplies(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		for _, tc := range []struct {
			reply, want, step string
		}{
			{"1", "Baik, kita lanjutkan.", "sector"},
			{"lanjut", "Baik, kita lanjutkan.", "sector"},
			{"2", "Baik, kita mulai dari awal.", "business_name"},
			{"dari awal!", "Baik, kita mulai dari awal.", "business_name"},
		} {
			a := bottest.Addr("resume-typed-" + tc.reply)
			startDaftar(t, h, a)
			h.Advance(time.Hour)
			wantResumePrompt(t, h.Say(a, "Selamat pagi!"), idPrompt, []string{"Lanjutkan", "Mulai ulang"})
			wantText(t, h.Say(a, tc.reply), tc.want)
			if s := h.Session(a); s == nil || s.Step != tc.step {
				t.Errorf("%q: session %+v", tc.reply, s)
			}
			// Once answered, "1" is an answer again (the first option).
			if tc.step == "sector" {
				wantText(t, h.Say(a, "1"), "Kedai Kopi tersimpan")
			}
		}

		a := bottest.Addr("resume-answer")
		startDaftar(t, h, a)
		h.Advance(time.Hour)
		wantResumePrompt(t, h.Say(a, "Daftar"), idPrompt, []string{"Lanjutkan", "Mulai ulang"})
		wantText(t, h.Choose(a, "jasa"), "Kedai Kopi tersimpan")
	})
}

func TestResumeEnglish(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("resume-en")
		startDaftar(t, h, a)
		h.Say(a, "bahasa inggris")
		h.Advance(40 * time.Minute)
		out := h.Say(a, "???")
		wantResumePrompt(t, out, []string{"Welcome back, Siti!", "*Register a business*", "What does your business do?", "continue, or start over"},
			[]string{"Continue", "Start over"})
		wantText(t, h.Choose(a, out[0].Choices[1].Value), "let us start from the beginning", "What is your business called?")
	})
}

// Inside the window a wrong answer is refused as usual; with the window
// turned off, after any silence too.
func TestResumeWindowEdges(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("resume-inside")
		startDaftar(t, h, a)
		h.Advance(bot.DefaultResumeAfter - time.Minute)
		out := h.Say(a, "entahlah")
		if all := bottest.Texts(out); len(out) != 1 || len(out[0].Choices) != 2 || out[0].Choices[0].Value != "kuliner" {
			t.Errorf("wrong answer inside the window: %s %+v", all, out)
		}
		if s := h.Session(a); s == nil || s.Retries != 1 {
			t.Errorf("retries inside the window: %+v", s)
		}
	})
	set := loadFlows(t)
	h := bottest.New(t, set, (&fakes{}).actions(), "sqlite", func(c *bot.Config) { c.ResumeAfter = -1 })
	a := bottest.Addr("resume-off")
	startDaftar(t, h, a)
	h.Advance(5 * time.Hour)
	out := h.Say(a, "entahlah")
	if len(out) != 1 || len(out[0].Choices) != 2 || out[0].Choices[0].Value != "kuliner" {
		t.Errorf("window off: %s", bottest.Texts(out))
	}
}

// On a text question any text it accepts is an answer, even after a long
// silence; what it refuses (too short here) and a bare start command get
// the welcome back. A resume button pressed after the conversation is gone
// gets the menu.
func TestResumeTextQuestionAndStart(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, h *bottest.Harness, f *fakes) {
		a := bottest.Addr("resume-text")
		h.Send(channel.Inbound{From: a, Kind: channel.KindText, Text: "daftar", DisplayName: "Siti"})
		h.Advance(time.Hour)
		prompt := []string{"Selamat datang kembali, Bapak/Ibu Siti!", "Apa nama usaha Bapak/Ibu?"}
		wantResumePrompt(t, h.Say(a, "ok"), prompt, []string{"Lanjutkan", "Mulai ulang"})
		h.Advance(time.Hour)
		out := h.Open(a, "") // Telegram's bare /start
		wantResumePrompt(t, out, prompt, []string{"Lanjutkan", "Mulai ulang"})
		h.Advance(time.Hour)
		wantText(t, h.Say(a, "Rendang Uni Siti"), "bidang apa?")
		if s := h.Session(a); s == nil || s.Answers["business_name"] != "Rendang Uni Siti" {
			t.Errorf("answer after a silence: %+v", s)
		}
		h.Say(a, "batal")
		h.Say(a, "ya")
		if s := h.Session(a); s != nil {
			t.Fatalf("not cancelled: %+v", s)
		}
		wantText(t, h.Choose(a, out[0].Choices[0].Value), "Halo Bapak/Ibu")
	})
}
