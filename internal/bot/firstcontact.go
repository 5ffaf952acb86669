package bot

import (
	"strings"
	"time"
	"unicode"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/idn"
)

// A new contact's first message that is not a trigger keyword. A bare
// greeting, a start command, a message without text or one that asks to
// register starts the first-contact flow (the registration with its
// privacy notice). Anything else — "halo, mau tanya acara pelatihan bulan
// ini ada?" — is someone who came for something else: they get a short
// welcome and the menu, and a question about events gets the upcoming
// events (the flow with the trigger keyword EventsKeyword) first.

// EventsKeyword is the keyword of the flow that lists the upcoming public
// events (flows/agenda.yaml).
const EventsKeyword = "agenda"

var firstWelcome = idn.Text{
	ID: "Halo Bapak/Ibu, selamat datang di Jejaring, layanan Dinas Koperasi dan UMKM 🙏",
	EN: "Hello, welcome to Jejaring, the small-business office's chat service 🙏",
}

// registerWords in a first message mean the contact wants to register.
var registerWords = []string{"daftar", "registrasi", "register", "regist", "pendaftaran", "mendata", "didata"}

// eventWords in a first message ask about events.
var eventWords = []string{"acara", "pelatihan", "latihan", "training", "event", "kegiatan", "pameran", "bazar",
	"bazaar", "workshop", "seminar", "sosialisasi", "temu bisnis", "kursus", "jadwal", "agenda", "expo"}

func hasWord(text string, words []string) bool {
	t := strings.ToLower(text)
	for _, w := range words {
		if i := strings.Index(t, w); i >= 0 && (i == 0 || !unicode.IsLetter(rune(t[i-1]))) {
			return true
		}
	}
	return false
}

// wantsFirstFlow says whether a new contact's first message starts the
// first-contact flow.
func wantsFirstFlow(in channel.Inbound, word string) bool {
	if in.Kind == channel.KindStart || strings.TrimSpace(word) == "" || isGreeting(word) {
		return true
	}
	return hasWord(word, registerWords)
}

// otherFirstContact answers a first message that is not a registration:
// the welcome, the upcoming events when it asks about them, and the menu.
func (b *Bot) otherFirstContact(word string, t *turnState, now time.Time) (*flow.Definition, flow.Result, error) {
	flows := b.cfg.Flows
	if w, arg := flow.GlobalWord(word); w == flow.WordLang {
		t.lang = langOf(arg, t.lang) // "bahasa inggris" as a first message
	}
	welcome := flow.Message{Text: firstWelcome.In(t.lang)}
	if hasWord(word, eventWords) {
		if def := flows.MatchKeyword(EventsKeyword); def != nil {
			d, res, err := b.start(def, t, nil, now)
			if err == nil {
				res.Messages = append([]flow.Message{welcome}, res.Messages...)
			}
			return d, res, err
		}
	}
	return nil, flow.Result{Messages: []flow.Message{welcome, flows.Menu(t.lang)}}, nil
}

// startKeyword starts the flow a trigger keyword named, in the keyword's
// language when it is an English one ("register").
func (b *Bot) startKeyword(def *flow.Definition, lang string, t *turnState, now time.Time) (*flow.Definition, flow.Result, error) {
	if lang != "" {
		t.fc.Lang, t.lang = lang, lang
	}
	return b.start(def, t, nil, now)
}
