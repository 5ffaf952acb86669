package bot

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/flow"
	"jejaring/internal/idn"
)

// note is what a turn keeps beside the session for the next turn of the
// same conversation (session.Turn.Note), as a short string: "resume" when
// we asked "continue or start over?" (resume.go), and "v=<unix ms>", the
// last_seen of the contact row when it was last read, if no action ran
// since. (Before verified identity it was "c=": a copy saved then may hold
// a phone nobody vouched for, so such a note is not read and the row is.)
type note struct {
	resume    bool
	contactAt time.Time
}

func (n note) String() string {
	var parts []string
	if n.resume {
		parts = append(parts, "resume")
	}
	if !n.contactAt.IsZero() {
		parts = append(parts, "v="+strconv.FormatInt(n.contactAt.UnixMilli(), 10))
	}
	return strings.Join(parts, ";")
}

func parseNote(s string) note {
	var n note
	for p := range strings.SplitSeq(s, ";") {
		switch {
		case p == "resume":
			n.resume = true
		case strings.HasPrefix(p, "v="):
			if ms, err := strconv.ParseInt(p[2:], 10, 64); err == nil && ms > 0 {
				n.contactAt = time.UnixMilli(ms)
			}
		}
	}
	return n
}

// cachedContact is the contact as the session saved it, when reading the
// row again could tell nothing new, so a quick conversation costs no SQL
// per message. The contact row is upserted (contact.Directory.UpsertContact) instead
// when any of these holds:
//
//   - no conversation, or its previous turn did not read the row (the note
//     has no read time);
//   - the row's last_seen is contact.LastSeenResolution old or more, when
//     the upsert would write it again (so last_seen still moves once a
//     minute, and a flag the row's other writers set — blocked by the
//     outbox or a channel, staff granted by an administrator — is seen
//     within that minute);
//   - an action ran since the read (actions write contacts: the stop
//     action's flag, the data deletion; a phone an action stored mid-flow
//     would otherwise go stale);
//   - the platform gives a display name or vouches for a phone that
//     differs from the saved one (the row must be updated);
//   - the contact is staff: taking the flag away works at the next message.
func cachedContact(addr channel.Address, sess *flow.Session, prev note, seen contact.Seen, now time.Time) (contact.Contact, bool) {
	if sess == nil || prev.contactAt.IsZero() {
		return contact.Contact{}, false
	}
	c := sess.Contact
	age := now.Sub(prev.contactAt)
	switch {
	case c.ID == 0, c.IsStaff, c.Channel != string(addr.Channel),
		age < 0, age >= contact.LastSeenResolution,
		seen.DisplayName != "" && seen.DisplayName != c.Name,
		seen.Phone != "" && seen.Phone != c.Phone:
		return contact.Contact{}, false
	}
	lang := sess.Lang
	if lang != "en" {
		lang = "id"
	}
	return contact.Contact{
		ID: c.ID, Channel: c.Channel, ExternalID: addr.ExternalID, Phone: c.Phone,
		DisplayName: c.Name, Language: lang, IsStaff: c.IsStaff,
	}, true
}

// vouchedPhone is the phone the platform vouches for as the sender's own,
// with how, or "" (see package contact): WhatsApp's sender number (on every
// message, and a contact card of that same number), a Telegram contact card
// whose user is the sender. The web chat, and any other channel, never
// vouches, whatever the adapter says: anyone can type any number there.
func vouchedPhone(in channel.Inbound) (string, contact.PhoneSource) {
	if in.Phone == "" {
		return "", contact.SourceNone
	}
	var src contact.PhoneSource
	switch {
	case in.From.Channel == channel.WhatsApp && (in.Kind != channel.KindContact || in.OwnPhone):
		src = contact.SourceWhatsAppSender
	case in.From.Channel == channel.Telegram && in.Kind == channel.KindContact && in.OwnPhone:
		src = contact.SourceTelegramContact
	default:
		return "", contact.SourceNone
	}
	p, err := idn.NormalizePhone(in.Phone)
	if err != nil {
		return "", contact.SourceNone
	}
	return p, src
}

// flowContact is the contact as flows and actions see it: its phone only
// when verified (contact.Contact.VerifiedPhone), staff only on a channel that
// identifies the person (contact.Contact.Staff). A cached contact (see
// cachedContact) carries the phone the row's VerifiedPhone gave when the
// session was saved, so it is taken as it is.
func flowContact(c contact.Contact, cached bool) flow.Contact {
	phone := c.VerifiedPhone()
	if cached {
		phone = c.Phone
	}
	return flow.Contact{
		ID: c.ID, Name: c.DisplayName, Phone: phone, Channel: c.Channel, Lang: c.Language, IsStaff: c.Staff(),
	}
}

// textLink reads a deep link written as a message of two words, a payload
// prefix and its parameter ("KONFIRMASI 3f9a2c71be04d5a8e6c1" ->
// "konfirmasi_3f9a2c71be04d5a8e6c1"). The parameter must look like a token
// (8 to 64 letters, digits, '-' or '_', at least one digit), so ordinary
// two-word answers are never taken for a link.
func textLink(text string) (string, bool) {
	f := strings.Fields(text)
	if len(f) != 2 || len(f[1]) < 8 || len(f[1]) > 64 || len(f[0]) > 32 {
		return "", false
	}
	for _, r := range f[0] {
		if !unicode.IsLetter(r) {
			return "", false
		}
	}
	digit := false
	for _, r := range f[1] {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '-', r == '_':
		default:
			return "", false
		}
	}
	if !digit {
		return "", false
	}
	return strings.ToLower(f[0]) + "_" + f[1], true
}
