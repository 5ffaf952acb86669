package match

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"jejaring/internal/idn"
)

// AgendaItem is one meeting in a person's agenda: when, where, with whom
// and what that person offers (a partner) or makes and looks for (an
// owner).
type AgendaItem struct {
	MeetingID  int64
	Slot       int
	Start, End time.Time
	Table      int
	With       string
	About      string
}

// Agenda is one person's day at the event.
type Agenda struct {
	EventID    int64
	EventTitle string
	Venue      string
	Side       string // SideOwner or SidePartner
	ID         int64  // invitation or partner id
	Name       string // the person's own name, for the greeting
	Items      []AgendaItem
}

// Sort orders the items by time.
func (a *Agenda) Sort() {
	sort.Slice(a.Items, func(i, j int) bool { return a.Items[i].Slot < a.Items[j].Slot })
}

func itemLine(it AgendaItem, lang string) string {
	line := fmt.Sprintf(idn.Pick(lang, "%s–%s · Meja %d · %s", "%s–%s · Table %d · %s"),
		idn.ClockSpan(it.Start), idn.Clock(it.End), it.Table, it.With)
	if it.About != "" {
		line += "\n   " + it.About
	}
	return line
}

// Text is the agenda as a chat message.
func (a *Agenda) Text(lang string) string {
	var b strings.Builder
	greet := idn.Pick(lang, "Bapak/Ibu", "")
	if a.Name != "" {
		greet = a.Name
	}
	if len(a.Items) == 0 {
		fmt.Fprintf(&b, idn.Pick(lang, "Jadwal temu bisnis %s untuk %s: belum ada pertemuan yang bisa dijadwalkan. Petugas akan mengabari bila ada tempat kosong.",
			"Matchmaking schedule for %s, %s: no meeting could be scheduled yet. The staff will tell you when a place opens."), a.EventTitle, strings.TrimSpace(greet))
		return b.String()
	}
	fmt.Fprintf(&b, idn.Pick(lang, "Jadwal temu bisnis %s\n%s, %s\n", "Matchmaking schedule: %s\n%s, %s\n"),
		a.EventTitle, idn.DayDate(a.Items[0].Start, lang), a.Venue)
	if a.Name != "" {
		fmt.Fprintf(&b, idn.Pick(lang, "untuk %s\n", "for %s\n"), a.Name)
	}
	b.WriteString("\n")
	for i, it := range a.Items {
		fmt.Fprintf(&b, "%d. %s\n", i+1, itemLine(it, lang))
	}
	b.WriteString(idn.Pick(lang,
		"\nMohon datang ke meja 5 menit sebelumnya. Kami ingatkan 10 menit sebelum tiap pertemuan. File kalender (.ics) terlampir.",
		"\nPlease be at the table 5 minutes early. We remind you 10 minutes before each meeting. The calendar file (.ics) is attached."))
	return b.String()
}

// ChangeText tells a person what a re-run changed in their day, then the
// whole new agenda.
func ChangeText(a *Agenda, c *Change, names func(Booked) string, s *Setup, lang string) string {
	var b strings.Builder
	b.WriteString(idn.Pick(lang, "Ada perubahan jadwal temu bisnis Bapak/Ibu:\n", "Your matchmaking schedule has changed:\n"))
	for _, m := range c.Removed {
		fmt.Fprintf(&b, idn.Pick(lang, "• Batal: %s dengan %s (berhalangan)\n", "• Cancelled: %s with %s (cannot come)\n"), idn.Clock(s.SlotStart(m.Slot)), names(m))
	}
	for _, m := range c.Moved {
		fmt.Fprintf(&b, idn.Pick(lang, "• Pindah: dengan %s sekarang %s, meja %d\n", "• Moved: with %s now at %s, table %d\n"), names(m), idn.Clock(s.SlotStart(m.Slot)), m.Table)
	}
	for _, m := range c.Added {
		fmt.Fprintf(&b, idn.Pick(lang, "• Baru: %s, meja %d dengan %s (ada tempat kosong)\n", "• New: %s, table %d with %s (a place opened)\n"), idn.Clock(s.SlotStart(m.Slot)), m.Table, names(m))
	}
	b.WriteString("\n")
	b.WriteString(a.Text(lang))
	return b.String()
}

// NudgeText is the reminder ten minutes before a meeting.
func NudgeText(a *Agenda, it AgendaItem, lang string) string {
	return fmt.Sprintf(idn.Pick(lang,
		"Sepuluh menit lagi: %s di meja %d dengan %s.\n%s\nBila sudah di meja, tekan *Saya sudah di meja*. Bila berhalangan, tekan *Tidak bisa hadir* agar tempatnya bisa diberikan kepada peserta lain.",
		"In ten minutes: %s at table %d with %s.\n%s\nWhen you are at the table, press *I am at the table*. If you cannot come, press *Cannot attend* so the place can go to someone else."),
		idn.Clock(it.Start), it.Table, it.With, it.About)
}

// NudgeLead is how long before a meeting the nudge goes out.
const NudgeLead = 10 * time.Minute

// Nudge answers: the payloads of the nudge's two buttons.
const (
	PayloadArrived = "temu_hadir_"
	PayloadCancel  = "temu_batal_"
)

// ICS is the agenda as an iCalendar file: one event per meeting, each with
// a reminder ten minutes before.
func (a *Agenda) ICS(now time.Time) []byte {
	var b bytes.Buffer
	line := func(s string) { b.WriteString(fold(s)); b.WriteString("\r\n") }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Jejaring//Temu Bisnis//ID")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	for _, it := range a.Items {
		line("BEGIN:VEVENT")
		line(fmt.Sprintf("UID:temu-%d-%s%d-slot-%d@jejaring", a.EventID, a.Side, a.ID, it.Slot))
		line("DTSTAMP:" + icsTime(now))
		line("DTSTART:" + icsTime(it.Start))
		line("DTEND:" + icsTime(it.End))
		line("SUMMARY:" + icsEscape(fmt.Sprintf("Temu bisnis: %s (meja %d)", it.With, it.Table)))
		line("DESCRIPTION:" + icsEscape(strings.TrimSpace(a.EventTitle+"\n"+it.About)))
		if a.Venue != "" {
			line("LOCATION:" + icsEscape(fmt.Sprintf("%s, meja %d", a.Venue, it.Table)))
		}
		line("STATUS:CONFIRMED")
		line("BEGIN:VALARM")
		line("ACTION:DISPLAY")
		line("DESCRIPTION:" + icsEscape(it.With))
		line("TRIGGER:-PT10M")
		line("END:VALARM")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.Bytes()
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func icsEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}

// fold folds a content line at 75 octets without splitting a UTF-8
// sequence (RFC 5545 section 3.1).
func fold(s string) string {
	if len(s) <= 75 {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		l := len(string(r))
		if n+l > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += l
	}
	return b.String()
}
