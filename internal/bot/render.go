package bot

// This file holds the rendering: the words the pipeline itself says (the
// apology, the welcome, "we go on from the last question") and the turn of
// engine messages and action output into channel messages.

import (
	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/idn"
)

// apology is what a contact reads when something failed on our side. Their
// conversation is kept as it was, so they can simply try again.
var apology = idn.Text{
	ID: "Maaf Bapak/Ibu, sedang ada gangguan. Silakan coba lagi sebentar lagi.",
	EN: "Sorry, something went wrong on our side. Please try again in a moment.",
}

// welcomeBack answers a contact who, within the resume window, asks again
// for the flow they are in (its keyword, a greeting, a start command) — they
// may have just arrived, so it does not say "welcome back"; %s is the flow's
// title. After a long silence resume.go greets them back instead.
var welcomeBack = idn.Text{
	ID: "Bapak/Ibu sedang mengisi *%s*, jadi kita lanjutkan dari pertanyaan terakhir. Ketik *ulang* bila ingin mulai dari awal.",
	EN: "You are in the middle of *%s*, so let us go on from the last question. Type *restart* to start from the beginning.",
}

// greeting leads the main menu when a contact writes outside a flow.
var greeting = idn.Text{
	ID: "Halo Bapak/Ibu, selamat datang di layanan UMKM. 🙏",
	EN: "Hello, welcome to the small business service. 🙏",
}

// withLang gives each message without a language the conversation's, so
// the adapters write their own words (Telegram's share-number button,
// WhatsApp's "reply with a number" line) in it too.
func withLang(out []channel.Outbound, lang string) {
	for i := range out {
		if out[i].Lang == "" {
			out[i].Lang = lang
		}
	}
}

// render turns engine messages into channel messages and appends what the
// actions produced. A flow message's media reference is resolved against the
// actions' media by name; an unresolved reference is dropped rather than sent
// empty.
func render(msgs []flow.Message, extra []channel.Outbound) (out []channel.Outbound, dropped []string) {
	out = make([]channel.Outbound, 0, len(msgs)+len(extra))
	used := make([]bool, len(extra))
	for _, m := range msgs {
		o := channel.Outbound{Text: m.Text, Multi: m.Multi, Expect: m.Expect}
		if len(m.Choices) > 0 {
			o.Choices = make([]channel.Choice, len(m.Choices))
			for i, c := range m.Choices {
				o.Choices[i] = channel.Choice{Label: c.Label, Value: c.Value}
			}
		}
		if m.Media != nil {
			for i, e := range extra {
				if !used[i] && e.Media != nil && (e.Media.Name == m.Media.Ref || e.Media.Name == m.Media.Name && m.Media.Name != "") {
					media := *e.Media
					o.Media = &media
					used[i] = true
					break
				}
			}
			if o.Media == nil {
				dropped = append(dropped, m.Media.Ref)
			}
		}
		out = append(out, o)
	}
	for i, e := range extra {
		if !used[i] {
			out = append(out, e)
		}
	}
	return out, dropped
}
