package event

import (
	"fmt"
	"strings"
	"time"

	"jejaring/internal/idn"
)

// The words of every event message, in Bahasa Indonesia and English. lang
// is the contact's language ("en" gives English, anything else Indonesian),
// as stored on the contact row. The Indonesian texts are the office's own;
// the English ones say the same things in the same order.

func en(lang string) bool { return idn.English(lang) }

// pick returns the text of lang (idn.Pick).
func pick(lang, id, english string) string { return idn.Pick(lang, id, english) }

// KindLabel is the kind as people say it in lang.
func KindLabel(k Kind, lang string) string {
	if !en(lang) {
		return k.Label()
	}
	switch k {
	case TemuBisnis:
		return "Business matchmaking"
	case Pelatihan:
		return "Training"
	case Pameran:
		return "Expo"
	}
	return k.Label()
}

// FormatDateIn writes a date in lang: "Selasa, 8 Desember 2026" or
// "Tuesday, 8 December 2026".
func FormatDateIn(t time.Time, lang string) string {
	if !en(lang) {
		return FormatDate(t)
	}
	return idn.DayDate(t, "en")
}

// FormatClockIn writes a time of day in lang: "09.00 WIB" or "09:00 WIB".
func FormatClockIn(t time.Time, lang string) string {
	if !en(lang) {
		return FormatClock(t)
	}
	t = t.In(idn.WIB)
	return fmt.Sprintf("%02d:%02d WIB", t.Hour(), t.Minute())
}

// FormatWhenIn writes an event's time span in lang.
func FormatWhenIn(ev *Event, lang string) string {
	if !en(lang) {
		return FormatWhen(ev)
	}
	s, e := ev.StartsAt.In(idn.WIB), ev.EndsAt.In(idn.WIB)
	if s.YearDay() == e.YearDay() && s.Year() == e.Year() {
		return fmt.Sprintf("%s, %02d:%02d–%s", FormatDateIn(s, lang), s.Hour(), s.Minute(), FormatClockIn(e, lang))
	}
	return fmt.Sprintf("%s %s to %s %s", FormatDateIn(s, lang), FormatClockIn(s, lang), FormatDateIn(e, lang), FormatClockIn(e, lang))
}

// nameOr is the name to address, or a polite stand-in when there is none.
func nameOr(name, lang string) string {
	if name = strings.TrimSpace(name); name != "" {
		return name
	}
	return pick(lang, "Pelaku Usaha", "Business Owner")
}

// Greeting returns one of a few greeting lines for name. Varying the line
// (and always naming the person) keeps bulk WhatsApp sends from looking
// like identical spam. variant is usually the contact id.
func Greeting(name string, variant int64, lang string) string {
	name = nameOr(name, lang)
	lines := []string{
		"Assalamualaikum, Bapak/Ibu %s.",
		"Selamat siang, Bapak/Ibu %s.",
		"Halo Bapak/Ibu %s, semoga usahanya lancar.",
		"Salam sehat, Bapak/Ibu %s.",
		"Bapak/Ibu %s yang kami hormati,",
	}
	if en(lang) {
		lines = []string{
			"Dear %s,",
			"Good day, %s.",
			"Hello %s, we hope your business is doing well.",
			"Warm greetings, %s.",
			"Dear %s, with our respects,",
		}
	}
	if variant < 0 {
		variant = -variant
	}
	return fmt.Sprintf(lines[variant%int64(len(lines))], name)
}

// Details is the block describing an event in every notice.
func Details(ev *Event, lang string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s* (%s)\n", ev.Title, KindLabel(ev.Kind, lang))
	fmt.Fprintf(&b, "%s: %s\n", pick(lang, "Waktu", "Time"), FormatWhenIn(ev, lang))
	if ev.Venue != "" {
		fmt.Fprintf(&b, "%s: %s\n", pick(lang, "Tempat", "Venue"), ev.Venue)
	}
	if ev.MapURL != "" {
		fmt.Fprintf(&b, "%s: %s\n", pick(lang, "Peta", "Map"), ev.MapURL)
	}
	if ev.Description != "" {
		fmt.Fprintf(&b, "\n%s\n", ev.Description)
	}
	return strings.TrimRight(b.String(), "\n")
}

// InvitationText is the invitation body for one recipient.
func InvitationText(ev *Event, name string, variant int64, lang string) string {
	var b strings.Builder
	b.WriteString(Greeting(name, variant, lang))
	b.WriteString(pick(lang, "\n\nDinas Koperasi dan UMKM mengundang Bapak/Ibu ke:\n\n",
		"\n\nThe Office of Cooperatives and SMEs (Dinas Koperasi dan UMKM) invites you to:\n\n"))
	b.WriteString(Details(ev, lang))
	b.WriteString("\n\n")
	if !ev.RSVPDeadline.IsZero() {
		d, c := FormatDateIn(ev.RSVPDeadline, lang), FormatClockIn(ev.RSVPDeadline, lang)
		fmt.Fprintf(&b, pick(lang, "Mohon konfirmasi kehadiran paling lambat %s pukul %s.\n", "Please let us know by %s at %s.\n"), d, c)
	}
	b.WriteString(pick(lang, "Apakah Bapak/Ibu bisa hadir?", "Will you be able to come?"))
	return b.String()
}

// ReminderText reminds a confirmed attendee.
func ReminderText(ev *Event, key, name, code, lang string) string {
	if en(lang) {
		when := "tomorrow"
		if key == "j-2" {
			when = "in two hours"
		}
		return fmt.Sprintf("A reminder for %s: the event below starts %s.\n\n%s\n\nYour check-in code: *%s*. Show it at the registration desk. See you there!",
			nameOr(name, lang), when, Details(ev, lang), code)
	}
	when := "besok"
	if key == "j-2" {
		when = "dua jam lagi"
	}
	return fmt.Sprintf("Pengingat untuk Bapak/Ibu %s: acara berikut dimulai %s.\n\n%s\n\nKode check-in Bapak/Ibu: *%s*. Tunjukkan kode ini di meja registrasi. Sampai jumpa!",
		nameOr(name, lang), when, Details(ev, lang), code)
}

// ChangeText tells those who answered Hadir or Mungkin that the time or
// venue moved.
func ChangeText(ev *Event, name, lang string) string {
	return fmt.Sprintf(pick(lang,
		"Bapak/Ibu %s, ada perubahan jadwal/tempat acara yang Bapak/Ibu ikuti. Berikut informasi terbaru:\n\n%s\n\nMohon maaf atas perubahan ini. Balas *acara* untuk melihat atau mengubah jawaban Bapak/Ibu.",
		"Dear %s, the time or venue of an event you replied to has changed. Here are the new details:\n\n%s\n\nWe are sorry for the change. Reply *my events* to see or change your answer."),
		nameOr(name, lang), Details(ev, lang))
}

// CancelText tells those who answered Hadir or Mungkin that the event is off.
func CancelText(ev *Event, name, lang string) string {
	return fmt.Sprintf(pick(lang,
		"Bapak/Ibu %s, dengan berat hati kami sampaikan bahwa acara *%s* pada %s DIBATALKAN. Mohon maaf atas ketidaknyamanannya. Kami akan mengabari bila ada jadwal pengganti.",
		"Dear %s, we regret to tell you that *%s* on %s has been CANCELLED. We are sorry for the inconvenience and will let you know if a new date is set."),
		nameOr(name, lang), ev.Title, FormatDateIn(ev.StartsAt, lang))
}

// ConfirmText confirms a seat.
func ConfirmText(ev *Event, inv *Invitation, lang string) string {
	return fmt.Sprintf(pick(lang,
		"Terima kasih, kehadiran Bapak/Ibu (%d orang) sudah kami catat.\n\n%s\n\nKode check-in: *%s*\nSimpan pesan ini; berkas kalender dan kode QR kami kirim bersama pesan ini.",
		"Thank you, we have noted your attendance (party of %d).\n\n%s\n\nCheck-in code: *%s*\nPlease keep this message; the calendar file and the QR code follow it."),
		max(inv.PartySize, 1), Details(ev, lang), inv.CheckinCode)
}

// WaitlistText tells the owner they are on the waitlist.
func WaitlistText(ev *Event, lang string) string {
	return fmt.Sprintf(pick(lang,
		"Mohon maaf, kursi untuk *%s* sudah penuh. Bapak/Ibu kami masukkan ke daftar tunggu; bila ada kursi kosong, kami kabari segera lewat chat ini.",
		"We are sorry, all seats for *%s* are taken. We have put you on the waiting list and will tell you in this chat as soon as a seat opens."),
		ev.Title)
}

// PromotedText tells a waiting owner a seat opened.
func PromotedText(ev *Event, inv *Invitation, name, lang string) string {
	return fmt.Sprintf(pick(lang,
		"Kabar baik, Bapak/Ibu %s! Ada kursi kosong dan Bapak/Ibu kini terdaftar hadir (%d orang) di:\n\n%s\n\nKode check-in: *%s*. Bila berhalangan, balas *acara* untuk mengubah jawaban.",
		"Good news, %s! A seat has opened and you are now registered to attend (party of %d):\n\n%s\n\nCheck-in code: *%s*. If you cannot come after all, reply *my events* to change your answer."),
		nameOr(name, lang), max(inv.PartySize, 1), Details(ev, lang), inv.CheckinCode)
}

// DeclineText acknowledges "Tidak hadir" or "Mungkin".
func DeclineText(ev *Event, a Answer, lang string) string {
	if a == Maybe {
		return fmt.Sprintf(pick(lang,
			"Baik, jawaban Bapak/Ibu untuk *%s* kami catat: Mungkin. Silakan ubah kapan saja sebelum %s lewat menu *acara*.",
			"Noted: your answer for *%s* is Maybe. You can change it any time before %s through *my events*."),
			ev.Title, FormatDateIn(ev.Deadline(), lang))
	}
	return pick(lang, "Baik, terima kasih atas kabarnya. Semoga di lain kesempatan Bapak/Ibu bisa bergabung di acara kami.",
		"Thank you for letting us know. We hope you can join one of our events another time.")
}

// DeadlineText refuses a late RSVP kindly.
func DeadlineText(ev *Event, lang string) string {
	return fmt.Sprintf(pick(lang,
		"Mohon maaf, batas konfirmasi untuk *%s* sudah lewat (%s %s), jadi jawaban tidak bisa diubah lagi. Bila ada keperluan mendesak, silakan hubungi kantor Dinas.",
		"We are sorry, the deadline to reply for *%s* has passed (%s %s), so the answer can no longer be changed. If it is urgent, please contact the office."),
		ev.Title, FormatDateIn(ev.Deadline(), lang), FormatClockIn(ev.Deadline(), lang))
}

// AnswerLabel is the answer as the owner sees it, in lang.
func AnswerLabel(a Answer, lang string) string {
	if !en(lang) {
		return a.Label()
	}
	switch a {
	case Going:
		return "Attending"
	case Waitlist:
		return "Waiting list"
	case Maybe:
		return "Maybe"
	case Declined:
		return "Not attending"
	}
	return "Not answered yet"
}

// Reply names a short answer of the rsvp conversation.
type Reply string

// The rsvp conversation's short answers (ReplyText).
const (
	ReplyNoInvitation  Reply = "no_invitation"   // the contact has no open invitation
	ReplyNotFound      Reply = "not_found"       // unknown token
	ReplyNotYours      Reply = "not_yours"       // a forwarded button or link
	ReplyUnclear       Reply = "unclear"         // not Hadir, Tidak hadir or Mungkin
	ReplyNotOpen       Reply = "not_open"        // a draft event
	ReplyNotAccepting  Reply = "not_accepting"   // closed for answers just now
	ReplyRecorded      Reply = "recorded"        // a seat was confirmed
	ReplyCancelled     Reply = "cancelled"       // the event is off: takes the event
	ReplyPartyTooLarge Reply = "party_too_large" // takes the event
)

// ReplyText is the short answer r in lang; ev is needed for
// ReplyCancelled and ReplyPartyTooLarge.
func ReplyText(r Reply, ev *Event, lang string) string {
	switch r {
	case ReplyNoInvitation:
		return pick(lang, "Belum ada undangan acara untuk Bapak/Ibu saat ini.", "You have no event invitations at the moment.")
	case ReplyNotFound:
		return pick(lang, "Mohon maaf, undangan itu tidak kami temukan. Ketik *acara* untuk melihat undangan Bapak/Ibu.",
			"Sorry, we could not find that invitation. Type *my events* to see your invitations.")
	case ReplyNotYours:
		return pick(lang, "Mohon maaf, undangan ini ditujukan untuk orang lain. Ketik *acara* untuk melihat undangan Bapak/Ibu sendiri.",
			"Sorry, this invitation is for someone else. Type *my events* to see your own invitations.")
	case ReplyUnclear:
		return pick(lang, "Jawaban belum jelas. Pilih Hadir, Tidak hadir, atau Mungkin.", "We did not catch that. Please choose Attending, Not attending or Maybe.")
	case ReplyNotOpen:
		return pick(lang, "Mohon maaf, acara ini belum dibuka untuk konfirmasi.", "Sorry, this event is not open for replies yet.")
	case ReplyNotAccepting:
		return pick(lang, "Mohon maaf, acara ini tidak menerima konfirmasi saat ini.", "Sorry, this event is not taking replies at the moment.")
	case ReplyRecorded:
		return pick(lang, "Kehadiran tercatat.", "Attendance recorded.")
	case ReplyCancelled:
		return fmt.Sprintf(pick(lang, "Mohon maaf, acara *%s* sudah dibatalkan.", "Sorry, *%s* has been cancelled."), ev.Title)
	case ReplyPartyTooLarge:
		return fmt.Sprintf(pick(lang, "Mohon maaf, paling banyak %d orang per usaha untuk acara ini.", "Sorry, this event takes at most %d people per business."), max(ev.MaxParty, 1))
	}
	return string(r)
}

// InvitationLine is entry n of an owner's list of invitations (`acara`):
// the event, its time and the owner's answer.
func InvitationLine(n int, ev *Event, inv *Invitation, lang string) string {
	status := AnswerLabel(inv.Status, lang)
	if ev.Status == Cancelled {
		status = pick(lang, "acara dibatalkan", "event cancelled")
	} else if inv.Status == Going {
		status += fmt.Sprintf(pick(lang, " (%d orang, kode %s)", " (party of %d, code %s)"), max(inv.PartySize, 1), inv.CheckinCode)
	}
	return fmt.Sprintf(pick(lang, "%d. *%s* — %s\n   Jawaban: %s", "%d. *%s* — %s\n   Answer: %s"), n, ev.Title, FormatWhenIn(ev, lang), status)
}
