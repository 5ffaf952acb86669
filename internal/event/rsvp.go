package event

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
)

// Answer is an invitation's state.
type Answer string

// Invitation states. Going and Waitlist are both an answer of "Hadir"; the
// rules decide which one it becomes.
const (
	Invited  Answer = "invited" // not answered yet
	Going    Answer = "going"
	Waitlist Answer = "waitlist"
	Maybe    Answer = "maybe"
	Declined Answer = "declined"
)

// Label is the answer as the owner sees it.
func (a Answer) Label() string {
	switch a {
	case Going:
		return "Hadir"
	case Waitlist:
		return "Daftar tunggu"
	case Maybe:
		return "Mungkin"
	case Declined:
		return "Tidak hadir"
	}
	return "Belum dijawab"
}

// ParseReply reads the owner's answer: the choice values yes/no/maybe and
// what people type.
func ParseReply(s string) (Answer, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "hadir", "ya", "iya", "datang", "1", "going":
		return Going, true
	case "no", "tidak", "tidak hadir", "tdk", "gak", "nggak", "2", "declined":
		return Declined, true
	case "maybe", "mungkin", "3":
		return Maybe, true
	}
	return "", false
}

// Needs are what a business looks for at a temu bisnis.
var Needs = []string{"modal", "pembeli", "pemasok", "pendampingan", "perizinan"}

// NeedLabel names a need in Indonesian.
func NeedLabel(n string) string {
	switch n {
	case "modal":
		return "Modal / pembiayaan"
	case "pembeli":
		return "Pembeli / pasar"
	case "pemasok":
		return "Pemasok bahan"
	case "pendampingan":
		return "Pendampingan usaha"
	case "perizinan":
		return "Perizinan"
	}
	return n
}

// Invitation is one contact invited to one event.
type Invitation struct {
	ID           int64     `json:"id"`
	EventID      int64     `json:"event_id"`
	ContactID    int64     `json:"contact_id"`
	BroadcastID  int64     `json:"broadcast_id,omitempty"`
	Token        string    `json:"token"`
	Status       Answer    `json:"status"`
	PartySize    int       `json:"party_size"`
	Needs        []string  `json:"needs,omitempty"`
	CheckinCode  string    `json:"checkin_code"`
	AnsweredAt   time.Time `json:"answered_at,omitzero"`
	WaitlistedAt time.Time `json:"waitlisted_at,omitzero"`
	CheckedInAt  time.Time `json:"checked_in_at,omitzero"`
	CheckedInBy  string    `json:"checked_in_by,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// Request is an owner's RSVP.
type Request struct {
	Answer    Answer   // Going, Maybe or Declined
	PartySize int      // for Going; 0 means 1
	Needs     []string // temu bisnis only
}

// Decision is what the rules make of a request.
type Decision struct {
	Status    Answer // Going, Waitlist, Maybe or Declined
	PartySize int
	// FreesSeats is true when the invitation held seats before and no
	// longer does: the caller should promote from the waitlist.
	FreesSeats bool
}

// Decide applies the RSVP rules: the event must be open and before its
// deadline, the party within the per-business limit, and a "Hadir" beyond the
// capacity joins the waitlist. seatsTaken counts the people of every other
// Going invitation (not this one). A Going invitation that asks again keeps
// its seat if its new party still fits.
func Decide(ev *Event, current *Invitation, req Request, seatsTaken int, now time.Time) (Decision, error) {
	if !ev.Status.Open() {
		return Decision{}, ErrClosed
	}
	if !now.Before(ev.Deadline()) {
		return Decision{}, ErrDeadlinePassed
	}
	d := Decision{Status: req.Answer}
	switch req.Answer {
	case Going:
		party := max(req.PartySize, 1)
		if party > max(ev.MaxParty, 1) {
			return Decision{}, fmt.Errorf("%w: at most %d", ErrPartyTooBig, max(ev.MaxParty, 1))
		}
		d.PartySize = party
		if ev.Capacity > 0 && seatsTaken+party > ev.Capacity {
			d.Status = Waitlist
			d.FreesSeats = current != nil && current.Status == Going
		}
	case Maybe, Declined:
		d.PartySize = 0
		d.FreesSeats = current != nil && current.Status == Going
	default:
		return Decision{}, fmt.Errorf("%w: answer %q", ErrInvalid, req.Answer)
	}
	return d, nil
}

// Promote picks, from the waitlist in order, the invitations that fit in the
// free seats (capacity minus seatsTaken). Capacity 0 admits everyone.
func Promote(ev *Event, seatsTaken int, waiting []Invitation) []Invitation {
	var out []Invitation
	free := ev.Capacity - seatsTaken
	for _, w := range waiting {
		p := max(w.PartySize, 1)
		if ev.Capacity == 0 || p <= free {
			out = append(out, w)
			free -= p
		}
	}
	return out
}

// Reminder is one scheduled reminder of an event.
type Reminder struct {
	Key string    // "h-1" (the day before) or "j-2" (two hours before)
	At  time.Time // when to send
}

// Reminders lists when confirmed attendees are reminded: 24 hours and 2
// hours before the start. A reminder whose time has passed is still listed;
// the outbox sends it late only while the event has not started.
func Reminders(ev *Event) []Reminder {
	return []Reminder{
		{Key: "h-1", At: ev.StartsAt.Add(-24 * time.Hour)},
		{Key: "j-2", At: ev.StartsAt.Add(-2 * time.Hour)},
	}
}

// tokenAlphabet avoids look-alike characters (0/O, 1/I/L) so codes can be
// read aloud at a registration desk.
const tokenAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	for i := range b {
		b[i] = tokenAlphabet[int(b[i])%len(tokenAlphabet)]
	}
	return string(b)
}

// NewToken returns a fresh invitation token for the rsvp_<token> deep link:
// 12 characters, about 59 bits, safe in a Telegram start payload.
func NewToken() string { return strings.ToLower(randomString(12)) }

// NewCheckinCode returns a 6-character check-in code, unique per event by a
// database constraint (the caller retries on a clash).
func NewCheckinCode() string { return randomString(6) }

// NormalizeCode reads a typed or scanned check-in code.
func NormalizeCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "JJR-")
	return strings.NewReplacer(" ", "", "-", "").Replace(s)
}
