package bot

import (
	"strconv"
	"strings"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/store"
)

// note is what a turn keeps beside the session for the next turn of the
// same conversation (session.Turn.Note), as a short string: "resume" when
// we asked "continue or start over?" (resume.go), and "c=<unix ms>", the
// last_seen of the contact row when it was last read, if no action ran
// since.
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
		parts = append(parts, "c="+strconv.FormatInt(n.contactAt.UnixMilli(), 10))
	}
	return strings.Join(parts, ";")
}

func parseNote(s string) note {
	var n note
	for p := range strings.SplitSeq(s, ";") {
		switch {
		case p == "resume":
			n.resume = true
		case strings.HasPrefix(p, "c="):
			if ms, err := strconv.ParseInt(p[2:], 10, 64); err == nil && ms > 0 {
				n.contactAt = time.UnixMilli(ms)
			}
		}
	}
	return n
}

// cachedContact is the contact as the session saved it, when reading the
// row again could tell nothing new, so a quick conversation costs no SQL
// per message. The contact row is upserted (store.UpsertContact) instead
// when any of these holds:
//
//   - no conversation, or its previous turn did not read the row (the note
//     has no read time);
//   - the row's last_seen is store.LastSeenResolution old or more, when
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
func cachedContact(addr channel.Address, sess *flow.Session, prev note, seen store.ContactSeen, now time.Time) (store.Contact, bool) {
	if sess == nil || prev.contactAt.IsZero() {
		return store.Contact{}, false
	}
	c := sess.Contact
	age := now.Sub(prev.contactAt)
	switch {
	case c.ID == 0, c.IsStaff, c.Channel != string(addr.Channel),
		age < 0, age >= store.LastSeenResolution,
		seen.DisplayName != "" && seen.DisplayName != c.Name,
		seen.Phone != "" && seen.Phone != c.Phone:
		return store.Contact{}, false
	}
	lang := sess.Lang
	if lang != "en" {
		lang = "id"
	}
	return store.Contact{
		ID: c.ID, Channel: c.Channel, ExternalID: addr.ExternalID, Phone: c.Phone,
		DisplayName: c.Name, Language: lang, IsStaff: c.IsStaff,
	}, true
}
