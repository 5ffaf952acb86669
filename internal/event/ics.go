package event

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"rsc.io/qr"
)

// ICS returns an iCalendar (RFC 5545) file for one attendee's event, with
// the check-in code in the description so it is at hand at the venue.
func ICS(ev *Event, inv *Invitation, now time.Time) []byte {
	var b bytes.Buffer
	line := func(s string) { b.WriteString(foldICS(s)); b.WriteString("\r\n") }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Jejaring//Acara UMKM//ID")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("BEGIN:VEVENT")
	line(fmt.Sprintf("UID:event-%d-inv-%d@jejaring", ev.ID, inv.ID))
	line("DTSTAMP:" + icsTime(now))
	line("DTSTART:" + icsTime(ev.StartsAt))
	line("DTEND:" + icsTime(ev.EndsAt))
	line("SUMMARY:" + icsEscape(ev.Title))
	desc := ev.Description
	if inv.CheckinCode != "" {
		desc = strings.TrimSpace(desc + "\nKode check-in: " + inv.CheckinCode)
	}
	line("DESCRIPTION:" + icsEscape(desc))
	if ev.Venue != "" {
		line("LOCATION:" + icsEscape(ev.Venue))
	}
	if ev.MapURL != "" {
		line("URL:" + ev.MapURL)
	}
	if ev.Status == Cancelled {
		line("STATUS:CANCELLED")
	} else {
		line("STATUS:CONFIRMED")
	}
	line("BEGIN:VALARM")
	line("ACTION:DISPLAY")
	line("DESCRIPTION:" + icsEscape(ev.Title))
	line("TRIGGER:-PT2H")
	line("END:VALARM")
	line("END:VEVENT")
	line("END:VCALENDAR")
	return b.Bytes()
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func icsEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}

// foldICS folds a content line at 75 octets without splitting a UTF-8
// sequence, as RFC 5545 section 3.1 asks.
func foldICS(s string) string {
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

// QRPayload is the text inside a check-in QR image.
func QRPayload(code string) string { return "JJR-" + code }

// QRPNG draws the check-in code as a QR image (PNG bytes).
func QRPNG(code string) ([]byte, error) {
	c, err := qr.Encode(QRPayload(code), qr.M)
	if err != nil {
		return nil, fmt.Errorf("qr for check-in code: %w", err)
	}
	c.Scale = 8
	return c.PNG(), nil
}
