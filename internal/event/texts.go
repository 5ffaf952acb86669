package event

import (
	"fmt"
	"strings"
	"time"

	"jejaring/internal/idn"
)

// FormatDate writes a date the Indonesian way: "Selasa, 8 Desember 2026".
func FormatDate(t time.Time) string { return idn.DayDate(t, "id") }

// FormatClock writes a time of day: "09.00 WIB".
func FormatClock(t time.Time) string { return idn.Clock(t) }

// FormatWhen writes an event's time span: "Selasa, 8 Desember 2026, 09.00–12.00 WIB".
func FormatWhen(ev *Event) string {
	s, e := ev.StartsAt.In(idn.WIB), ev.EndsAt.In(idn.WIB)
	if s.YearDay() == e.YearDay() && s.Year() == e.Year() {
		return fmt.Sprintf("%s, %s–%s", FormatDate(s), idn.ClockSpan(s), FormatClock(e))
	}
	return fmt.Sprintf("%s %s s.d. %s %s", FormatDate(s), FormatClock(s), FormatDate(e), FormatClock(e))
}

// Greeting returns one of a few greeting lines for name. Varying the line
// (and always naming the person) keeps bulk WhatsApp sends from looking
// like identical spam. variant is usually the contact id.
func Greeting(name string, variant int64) string {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "Pelaku Usaha"
	}
	lines := []string{
		"Assalamualaikum, Bapak/Ibu %s.",
		"Selamat siang, Bapak/Ibu %s.",
		"Halo Bapak/Ibu %s, semoga usahanya lancar.",
		"Salam sehat, Bapak/Ibu %s.",
		"Bapak/Ibu %s yang kami hormati,",
	}
	if variant < 0 {
		variant = -variant
	}
	return fmt.Sprintf(lines[variant%int64(len(lines))], name)
}

// Details is the block describing an event in every notice.
func Details(ev *Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s* (%s)\n", ev.Title, ev.Kind.Label())
	fmt.Fprintf(&b, "Waktu: %s\n", FormatWhen(ev))
	if ev.Venue != "" {
		fmt.Fprintf(&b, "Tempat: %s\n", ev.Venue)
	}
	if ev.MapURL != "" {
		fmt.Fprintf(&b, "Peta: %s\n", ev.MapURL)
	}
	if ev.Description != "" {
		fmt.Fprintf(&b, "\n%s\n", ev.Description)
	}
	return strings.TrimRight(b.String(), "\n")
}

// InvitationText is the invitation body for one recipient.
func InvitationText(ev *Event, name string, variant int64) string {
	var b strings.Builder
	b.WriteString(Greeting(name, variant))
	b.WriteString("\n\nDinas Koperasi dan UMKM mengundang Bapak/Ibu ke:\n\n")
	b.WriteString(Details(ev))
	b.WriteString("\n\n")
	if !ev.RSVPDeadline.IsZero() {
		fmt.Fprintf(&b, "Mohon konfirmasi kehadiran paling lambat %s pukul %s.\n", FormatDate(ev.RSVPDeadline), FormatClock(ev.RSVPDeadline))
	}
	b.WriteString("Apakah Bapak/Ibu bisa hadir?")
	return b.String()
}

// ReminderText reminds a confirmed attendee.
func ReminderText(ev *Event, key, name, code string) string {
	when := "besok"
	if key == "j-2" {
		when = "dua jam lagi"
	}
	return fmt.Sprintf("Pengingat untuk Bapak/Ibu %s: acara berikut dimulai %s.\n\n%s\n\nKode check-in Bapak/Ibu: *%s*. Tunjukkan kode ini di meja registrasi. Sampai jumpa!",
		nameOr(name), when, Details(ev), code)
}

// ChangeText tells those who answered Hadir or Mungkin that the time or
// venue moved.
func ChangeText(ev *Event, name string) string {
	return fmt.Sprintf("Bapak/Ibu %s, ada perubahan jadwal/tempat acara yang Bapak/Ibu ikuti. Berikut informasi terbaru:\n\n%s\n\nMohon maaf atas perubahan ini. Balas *acara* untuk melihat atau mengubah jawaban Bapak/Ibu.",
		nameOr(name), Details(ev))
}

// CancelText tells those who answered Hadir or Mungkin that the event is off.
func CancelText(ev *Event, name string) string {
	return fmt.Sprintf("Bapak/Ibu %s, dengan berat hati kami sampaikan bahwa acara *%s* pada %s DIBATALKAN. Mohon maaf atas ketidaknyamanannya. Kami akan mengabari bila ada jadwal pengganti.",
		nameOr(name), ev.Title, FormatDate(ev.StartsAt))
}

// ConfirmText confirms a seat.
func ConfirmText(ev *Event, inv *Invitation) string {
	return fmt.Sprintf("Terima kasih, kehadiran Bapak/Ibu (%d orang) sudah kami catat.\n\n%s\n\nKode check-in: *%s*\nSimpan pesan ini; berkas kalender dan kode QR kami kirim bersama pesan ini.",
		max(inv.PartySize, 1), Details(ev), inv.CheckinCode)
}

// WaitlistText tells the owner they are on the waitlist.
func WaitlistText(ev *Event) string {
	return fmt.Sprintf("Mohon maaf, kursi untuk *%s* sudah penuh. Bapak/Ibu kami masukkan ke daftar tunggu; bila ada kursi kosong, kami kabari segera lewat chat ini.", ev.Title)
}

// PromotedText tells a waiting owner a seat opened.
func PromotedText(ev *Event, inv *Invitation, name string) string {
	return fmt.Sprintf("Kabar baik, Bapak/Ibu %s! Ada kursi kosong dan Bapak/Ibu kini terdaftar hadir (%d orang) di:\n\n%s\n\nKode check-in: *%s*. Bila berhalangan, balas *acara* untuk mengubah jawaban.",
		nameOr(name), max(inv.PartySize, 1), Details(ev), inv.CheckinCode)
}

// DeclineText acknowledges "Tidak hadir" or "Mungkin".
func DeclineText(ev *Event, a Answer) string {
	if a == Maybe {
		return fmt.Sprintf("Baik, jawaban Bapak/Ibu untuk *%s* kami catat: Mungkin. Silakan ubah kapan saja sebelum %s lewat menu *acara*.", ev.Title, FormatDate(ev.Deadline()))
	}
	return "Baik, terima kasih atas kabarnya. Semoga di lain kesempatan Bapak/Ibu bisa bergabung di acara kami."
}

// DeadlineText refuses a late RSVP kindly.
func DeadlineText(ev *Event) string {
	return fmt.Sprintf("Mohon maaf, batas konfirmasi untuk *%s* sudah lewat (%s %s), jadi jawaban tidak bisa diubah lagi. Bila ada keperluan mendesak, silakan hubungi kantor Dinas.",
		ev.Title, FormatDate(ev.Deadline()), FormatClock(ev.Deadline()))
}

func nameOr(name string) string {
	if strings.TrimSpace(name) == "" {
		return "Pelaku Usaha"
	}
	return strings.TrimSpace(name)
}
