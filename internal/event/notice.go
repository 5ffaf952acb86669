package event

import (
	"fmt"
	"time"
)

// Notice is one message about an event to one person, in words only: the
// text, the answers to offer and the files that follow. It names no
// platform; the outbox turns it into what a channel sends
// (outbox.NoticePayload), and each adapter renders the choices as it can
// (Telegram buttons, WhatsApp numbers).
type Notice struct {
	Text        string
	Lang        string // "id" or "en": also the language of the words the adapter adds
	Choices     []Choice
	Attachments []Attachment // sent right after the text, in order
}

// Choice is an answer offered with a notice: what the button says and the
// value sent back when it is chosen.
type Choice struct {
	Label, Value string
}

// Attachment is a file sent after a notice's text.
type Attachment struct {
	Kind    string // "document" or "image"
	Name    string // file name
	MIME    string
	Data    []byte
	Caption string
}

// Addressee is who a notice is for.
type Addressee struct {
	ContactID int64  // varies the greeting of bulk sends
	Name      string // the owner's name, "" when not known
	Lang      string // the contact's language
	Channel   string // the contact's channel: telegram, whatsapp, webchat
	// TelegramBot, when set, is the bot's username: an invitation to a
	// contact on another channel then adds a t.me link, so they can answer
	// on Telegram too.
	TelegramBot string
}

// InvitationNotice is an invitation with its three answers.
func InvitationNotice(ev *Event, inv *Invitation, to Addressee) Notice {
	text := InvitationText(ev, to.Name, to.ContactID, to.Lang)
	if to.TelegramBot != "" && to.Channel != "telegram" {
		text += fmt.Sprintf(pick(to.Lang, "\n\nBisa juga dijawab lewat Telegram: %s", "\n\nYou can also answer on Telegram: %s"),
			fmt.Sprintf("https://t.me/%s?start=rsvp_%s", to.TelegramBot, inv.Token))
	}
	return Notice{Text: text, Lang: to.Lang, Choices: RSVPChoices(inv.Token, to.Lang)}
}

// RSVPChoices are the answers of an invitation. Their values are deep-link
// payloads, "rsvp_<token>_yes" (also _no, _maybe), the same in every
// language: the bot routes a pressed choice that the current step does not
// expect through flow.Set.MatchPayload like a deep link, which starts the
// rsvp flow (trigger payload "rsvp_") with the parameter "<token>_yes"; the
// flow's rsvp.load action splits it.
func RSVPChoices(token, lang string) []Choice {
	return []Choice{
		{Label: pick(lang, "Hadir", "Attending"), Value: "rsvp_" + token + "_yes"},
		{Label: pick(lang, "Tidak hadir", "Not attending"), Value: "rsvp_" + token + "_no"},
		{Label: pick(lang, "Mungkin", "Maybe"), Value: "rsvp_" + token + "_maybe"},
	}
}

// ReminderNotice is the reminder key ("j-1", "j-2") of a confirmed seat.
func ReminderNotice(ev *Event, inv *Invitation, key string, to Addressee) Notice {
	return Notice{Text: ReminderText(ev, key, to.Name, inv.CheckinCode, to.Lang), Lang: to.Lang}
}

// ChangeNotice tells an attendee the time or venue moved.
func ChangeNotice(ev *Event, to Addressee) Notice {
	return Notice{Text: ChangeText(ev, to.Name, to.Lang), Lang: to.Lang}
}

// CancelNotice tells an attendee the event is off.
func CancelNotice(ev *Event, to Addressee) Notice {
	return Notice{Text: CancelText(ev, to.Name, to.Lang), Lang: to.Lang}
}

// ConfirmationNotice confirms a seat the owner just took: the text, then
// the .ics file and the QR image of the check-in code.
func ConfirmationNotice(ev *Event, inv *Invitation, lang string, now time.Time) (Notice, error) {
	return withTicket(Notice{Text: ConfirmText(ev, inv, lang), Lang: lang}, ev, inv, now)
}

// PromotedNotice tells a waiting owner a seat opened, with the same
// calendar file and QR image as a confirmation.
func PromotedNotice(ev *Event, inv *Invitation, to Addressee, now time.Time) (Notice, error) {
	return withTicket(Notice{Text: PromotedText(ev, inv, to.Name, to.Lang), Lang: to.Lang}, ev, inv, now)
}

// withTicket adds the .ics file and the check-in QR image to n.
func withTicket(n Notice, ev *Event, inv *Invitation, now time.Time) (Notice, error) {
	png, err := QRPNG(inv.CheckinCode)
	if err != nil {
		return Notice{}, fmt.Errorf("check-in QR of invitation %d: %w", inv.ID, err)
	}
	n.Attachments = []Attachment{
		{Kind: "document", Name: "acara.ics", MIME: "text/calendar", Data: ICS(ev, inv, now), Caption: ev.Title},
		{Kind: "image", Name: "checkin.png", MIME: "image/png", Data: png, Caption: pick(n.Lang, "Kode check-in: ", "Check-in code: ") + inv.CheckinCode},
	}
	return n, nil
}
