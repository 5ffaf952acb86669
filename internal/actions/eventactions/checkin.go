package eventactions

import (
	"fmt"

	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
)

// CheckinText is the answer to a check-in, the same in the chat's staff
// menu and on the dashboard's door page: who it is and how many people, or
// why not (with the time of the first check-in, WIB).
func CheckinText(lang string, res store.ScanResult) string {
	switch res.Outcome {
	case store.ScanOK:
		return fmt.Sprintf(idn.Pick(lang, "✅ %s — check-in berhasil (%d orang).", "✅ %s — checked in (party of %d)."), res.Name, res.PartySize)
	case store.ScanAlready:
		return fmt.Sprintf(idn.Pick(lang, "%s sudah check-in pukul %s.", "%s already checked in at %s."), res.Name, event.FormatClock(res.CheckedInAt))
	case store.ScanNotAttending:
		return fmt.Sprintf(idn.Pick(lang, "%s tidak terdaftar hadir (jawaban: %s). Silakan arahkan ke meja registrasi.",
			"%s is not on the attendance list (answer: %s). Please send them to the registration desk."), res.Name, event.AnswerLabel(res.Status, lang))
	default:
		return idn.Pick(lang, "Kode tidak dikenal untuk acara ini. Periksa lagi hurufnya.", "This code is not known for this event. Please check the letters again.")
	}
}
