// Package contact is the domain of the people the office talks to: the
// Contact (one chat identity on one channel), what an inbound message tells
// about its sender (Seen), the consent answers kept as proof (Consent and
// the purposes), the Directory interface the chat pipeline takes, and the
// rules of verified identity: how a contact's phone number became known,
// which of those ways count, and the one-time codes that let a contact
// prove a number is theirs. It holds no SQL; internal/store implements
// Directory and maps its no-rows error to ErrNotFound.
//
// A phone counts as a contact's own only when the platform vouches for it:
// the WhatsApp sender's own number, or a Telegram contact card its own user
// shared (the card's user id is the sender's). The web chat can never vouch:
// anyone may type or "share" any number there. A web chat user reaches a
// record made elsewhere only through a one-time code sent to that number's
// WhatsApp or Telegram chat (SourceOTP), or through the record's own claim
// token, which links the record without vouching for any phone. A typed
// number is only an answer (the owner's phone on a business record), never
// the contact's phone.
package contact

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// PhoneSource says how a contact's phone became known.
type PhoneSource string

// The ways a phone becomes known. Only the verified ones are ever stored on
// a contact (see Verified).
const (
	SourceNone            PhoneSource = ""                 // no phone
	SourceWhatsAppSender  PhoneSource = "whatsapp_sender"  // WhatsApp's sender number
	SourceTelegramContact PhoneSource = "telegram_contact" // a Telegram contact shared by its own user
	SourceOTP             PhoneSource = "otp"              // a one-time code sent to that number was typed back
	SourceTyped           PhoneSource = "typed"            // typed or shared in a chat: unverified
)

// Verified reports whether a phone known this way is the contact's own.
func (s PhoneSource) Verified() bool {
	switch s {
	case SourceWhatsAppSender, SourceTelegramContact, SourceOTP:
		return true
	}
	return false
}

// Limits of the one-time codes.
const (
	CodeDigits   = 6
	CodeTTL      = 10 * time.Minute
	CodeAttempts = 3 // tries before a code is dead
	// CodesPerHour and CodesPerDay are how many codes one contact may ask
	// for, and how many may be sent to one phone, in an hour and in a day:
	// a stranger cannot flood an owner's WhatsApp with codes, and guessing
	// is bounded per phone whatever the number of web chat clients —
	// CodesPerDay*CodeAttempts = 15 guesses a day at one in a million
	// each, under 0.6% in a whole year of trying.
	CodesPerHour = 3
	CodesPerDay  = 5
)

// Errors of the code check. Neither says whether the number has a record.
var (
	// ErrCodeWrong: the code does not match; tries are left.
	ErrCodeWrong = errors.New("the code does not match")
	// ErrCodeDead: no live code (none asked, expired, used, or out of
	// tries).
	ErrCodeDead = errors.New("no live code")
	// ErrTooManyCodes: CodesPerHour or CodesPerDay reached for the
	// contact or the phone.
	ErrTooManyCodes = errors.New("too many codes asked for")
)

// NewCode returns a random code of CodeDigits digits and its stored form
// (a salted SHA-256: "salt$hash", hex).
func NewCode() (code, hash string, err error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", "", fmt.Errorf("new code: %w", err)
	}
	code = fmt.Sprintf("%0*d", CodeDigits, n.Int64())
	var salt [16]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return "", "", fmt.Errorf("new code salt: %w", err)
	}
	return code, hashCode(hex.EncodeToString(salt[:]), code), nil
}

func hashCode(salt, code string) string {
	sum := sha256.Sum256([]byte(salt + "$" + code))
	return salt + "$" + hex.EncodeToString(sum[:])
}

// CodeMatches reports whether typed is the code stored as hash. An empty
// hash (a code nobody could receive) matches nothing.
func CodeMatches(hash, typed string) bool {
	salt, _, ok := strings.Cut(hash, "$")
	if !ok || salt == "" {
		return false
	}
	typed = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, typed)
	if len(typed) != CodeDigits {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(hashCode(salt, typed)), []byte(hash)) == 1
}

// CodeText is the message carrying a code to its number's chat.
func CodeText(code, lang string) string {
	if lang == "en" {
		return "Your Jejaring code: *" + code + "* (valid for 10 minutes). Someone asked to link this number to another chat (the web chat, for example). " +
			"Give it to nobody, not even our staff. If it was not you, just ignore this message."
	}
	return "Kode Jejaring Bapak/Ibu: *" + code + "* (berlaku 10 menit). Ada yang meminta menghubungkan nomor ini ke percakapan lain (misalnya web chat). " +
		"Jangan berikan kode ini kepada siapa pun, termasuk petugas. Bila bukan Bapak/Ibu yang meminta, abaikan saja pesan ini."
}
