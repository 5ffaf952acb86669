package event

import (
	"strings"
	"testing"
	"time"
)

// TestWordsInBothLanguages: every event text has its English side, with no
// Indonesian address or label left in it, and the Indonesian side keeps the
// office's words.
func TestWordsInBothLanguages(t *testing.T) {
	t.Parallel()
	e := sample()
	inv := &Invitation{ID: 7, Token: "tok", CheckinCode: "ABC234", PartySize: 2}
	texts := map[string]func(lang string) string{
		"invitation": func(l string) string { return InvitationText(e, "Siti", 1, l) },
		"reminder":   func(l string) string { return ReminderText(e, "j-1", "Siti", "ABC234", l) },
		"change":     func(l string) string { return ChangeText(e, "Siti", l) },
		"cancel":     func(l string) string { return CancelText(e, "Siti", l) },
		"confirm":    func(l string) string { return ConfirmText(e, inv, l) },
		"waitlist":   func(l string) string { return WaitlistText(e, l) },
		"promoted":   func(l string) string { return PromotedText(e, inv, "Siti", l) },
		"maybe":      func(l string) string { return DeclineText(e, Maybe, l) },
		"declined":   func(l string) string { return DeclineText(e, Declined, l) },
		"deadline":   func(l string) string { return DeadlineText(e, l) },
	}
	for name, f := range texts {
		id, en := f("id"), f("en")
		if id == en {
			t.Errorf("%s: English is the Indonesian text", name)
		}
		for _, w := range []string{"Bapak/Ibu", "Mohon", "Waktu:", "Tempat:", "Desember", "Selasa", "Kode check-in", "Terima kasih"} {
			if strings.Contains(en, w) {
				t.Errorf("%s: English text has %q:\n%s", name, w, en)
			}
		}
		if !strings.Contains(id, "Bapak/Ibu") && !strings.Contains(id, "Mohon") {
			t.Errorf("%s: Indonesian text lost its address:\n%s", name, id)
		}
	}
	if got := FormatWhenIn(e, "en"); got != "Tuesday, 8 December 2026, 09:00–12:00 WIB" {
		t.Errorf("FormatWhenIn en = %q", got)
	}
	if got := FormatWhenIn(e, "id"); got != FormatWhen(e) {
		t.Errorf("FormatWhenIn id = %q, want FormatWhen's %q", got, FormatWhen(e))
	}
}

// TestNotices: the invitation offers the three answers as rsvp payloads in
// the contact's language and links Telegram only off Telegram; the
// confirmation carries the calendar file and the check-in QR.
func TestNotices(t *testing.T) {
	t.Parallel()
	e := sample()
	inv := &Invitation{ID: 7, Token: "tok", CheckinCode: "ABC234"}
	web := InvitationNotice(e, inv, Addressee{ContactID: 1, Name: "Siti", Lang: "en", Channel: "webchat", TelegramBot: "jj_bot"})
	if web.Lang != "en" || len(web.Choices) != 3 || web.Choices[0] != (Choice{Label: "Attending", Value: "rsvp_tok_yes"}) ||
		!strings.HasSuffix(web.Text, "https://t.me/jj_bot?start=rsvp_tok") {
		t.Errorf("web chat invitation: %+v", web)
	}
	tg := InvitationNotice(e, inv, Addressee{ContactID: 1, Name: "Siti", Lang: "id", Channel: "telegram", TelegramBot: "jj_bot"})
	if strings.Contains(tg.Text, "t.me") || tg.Choices[2] != (Choice{Label: "Mungkin", Value: "rsvp_tok_maybe"}) {
		t.Errorf("Telegram invitation: %+v", tg)
	}
	n, err := ConfirmationNotice(e, inv, "id", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Attachments) != 2 || n.Attachments[0].MIME != "text/calendar" || !strings.Contains(string(n.Attachments[0].Data), "BEGIN:VCALENDAR") ||
		n.Attachments[1].MIME != "image/png" || n.Attachments[1].Caption != "Kode check-in: ABC234" {
		t.Errorf("confirmation attachments: %+v", n.Attachments)
	}
}

// TestRSVPRepliesInBothLanguages: the rsvp conversation's short answers,
// answer labels and invitation list lines have their English side.
func TestRSVPRepliesInBothLanguages(t *testing.T) {
	t.Parallel()
	e := sample()
	for _, r := range []Reply{ReplyNoInvitation, ReplyNotFound, ReplyNotYours, ReplyUnclear, ReplyNotOpen, ReplyNotAccepting, ReplyRecorded, ReplyCancelled, ReplyPartyTooLarge} {
		id, en := ReplyText(r, e, "id"), ReplyText(r, e, "en")
		if id == en || id == string(r) || strings.Contains(en, "Bapak/Ibu") || strings.Contains(en, "Mohon") {
			t.Errorf("%s: id %q, en %q", r, id, en)
		}
	}
	for _, a := range []Answer{Invited, Going, Waitlist, Maybe, Declined} {
		if AnswerLabel(a, "id") != a.Label() || AnswerLabel(a, "en") == a.Label() && a != Maybe {
			t.Errorf("%s: %q / %q", a, AnswerLabel(a, "id"), AnswerLabel(a, "en"))
		}
	}
	inv := &Invitation{Status: Going, PartySize: 2, CheckinCode: "ABC234"}
	if got := InvitationLine(1, e, inv, "id"); got != "1. *Temu Bisnis Kuliner* — Selasa, 8 Desember 2026, 09.00–12.00 WIB\n   Jawaban: Hadir (2 orang, kode ABC234)" {
		t.Errorf("Indonesian line %q", got)
	}
	if got := InvitationLine(1, e, inv, "en"); got != "1. *Temu Bisnis Kuliner* — Tuesday, 8 December 2026, 09:00–12:00 WIB\n   Answer: Attending (party of 2, code ABC234)" {
		t.Errorf("English line %q", got)
	}
}
