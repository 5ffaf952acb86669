package contact

import (
	"context"
	"errors"
	"time"

	"jejaring/internal/channel"
)

// ErrNotFound is the one not-found error of contacts and their consent
// answers: no such contact, or a contact who never answered a purpose.
// Storage maps its own no-rows error to it; callers test with errors.Is.
var ErrNotFound = errors.New("contact not found")

// Contact is one chat identity: a person on one channel. The same person on
// Telegram and WhatsApp is two contacts, linked by phone when it is known.
type Contact struct {
	ID         int64  `db:"id"`
	Channel    string `db:"channel"`
	ExternalID string `db:"external_id"`
	Phone      string `db:"phone"` // E.164, "" until known; only ever a verified phone
	// PhoneSource says how Phone became known (a PhoneSource);
	// PhoneVerifiedAt when. Use VerifiedPhone to read the phone.
	PhoneSource     string     `db:"phone_source"`
	PhoneVerifiedAt *time.Time `db:"phone_verified_at"`
	DisplayName     string     `db:"display_name"`
	Language        string     `db:"language"` // "id" or "en"
	FirstSeen       time.Time  `db:"first_seen"`
	LastSeen        time.Time  `db:"last_seen"`
	Stopped         bool       `db:"stopped"` // said berhenti: no broadcasts
	Blocked         bool       `db:"blocked"` // the platform says they blocked us
	IsStaff         bool       `db:"is_staff"`
}

// VerifiedPhone is the contact's own phone when a platform or a one-time
// code vouched for it, else "". Authorization reads this, never a typed
// number.
func (c Contact) VerifiedPhone() string {
	if c.Phone == "" || c.PhoneVerifiedAt == nil || !PhoneSource(c.PhoneSource).Verified() {
		return ""
	}
	return c.Phone
}

// Staff reports whether the contact holds staff rights: the flag, on a
// channel whose platform identifies the person (never the web chat).
func (c Contact) Staff() bool {
	return c.IsStaff && (c.Channel == string(channel.WhatsApp) || c.Channel == string(channel.Telegram))
}

// Seen is what an inbound message tells about its sender.
type Seen struct {
	Channel     string
	ExternalID  string
	DisplayName string // the platform's profile name; "" keeps the stored one
	Phone       string // E.164 when the platform vouches for it; "" keeps the stored one
	// PhoneSource says how the platform vouches for Phone; it must be a
	// verified source when Phone is set (storage refuses others).
	PhoneSource PhoneSource
	Language    string // for a new contact only; "" means "id"
	At          time.Time
}

// LastSeenResolution is how fresh a contact's last_seen is kept: a contact
// who writes again within it is only read, not written, so a conversation
// of quick messages costs one SELECT per message instead of a committed
// UPDATE (the commit's disk flush dominates on PostgreSQL).
const LastSeenResolution = time.Minute

// Directory is what the chat pipeline (internal/bot) needs of the
// contacts' storage; internal/store implements it.
type Directory interface {
	// UpsertContact records that a contact was seen: it creates the
	// contact on first sight or moves last_seen (to within
	// LastSeenResolution), stores a new display name or a newly vouched
	// phone, and clears blocked. created says whether the contact is new.
	UpsertContact(ctx context.Context, in Seen) (c Contact, created bool, err error)
	// SetContactLanguage stores the contact's language ("id" or "en");
	// ErrNotFound when there is no such contact.
	SetContactLanguage(ctx context.Context, id int64, lang string) error
}

// Consent purposes, stored in consents.purpose.
const (
	PurposeData       = "data_processing"  // registering and keeping the business record
	PurposePartners   = "show_to_partners" // showing the profile to investors and buyers
	PurposeBroadcasts = "broadcasts"       // invitations and announcements (berhenti / mulai)
)

// Consent is the proof of one consent answer (UU 27/2022): who, for which
// purpose, yes or no, the notice version shown, the reply as typed, the
// platform message id and the time. Withdrawals are new rows with Granted
// false; rows are never updated.
type Consent struct {
	ID            int64     `db:"id" json:"id"`
	ContactID     int64     `db:"contact_id" json:"contact_id"`
	Purpose       string    `db:"purpose" json:"purpose"`
	Granted       bool      `db:"granted" json:"granted"`
	NoticeVersion string    `db:"notice_version" json:"notice_version"`
	Reply         string    `db:"reply" json:"reply"`
	MessageID     string    `db:"message_id" json:"message_id"`
	Channel       string    `db:"channel" json:"channel"`
	CreatedAt     time.Time `db:"created_at" json:"created_at"`
}
