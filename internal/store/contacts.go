package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/contact"
	"jejaring/internal/outbox"
)

// DB is the contacts' storage the chat pipeline takes.
var _ contact.Directory = (*DB)(nil)

const contactColumns = `id, channel, external_id, COALESCE(phone, '') AS phone, display_name, language,
	first_seen, last_seen, stopped, blocked, is_staff, phone_source, phone_verified_at`

// UpsertContact records that a contact was seen: it creates the contact on
// first sight (first_seen = last_seen = At) or moves last_seen (to within
// LastSeenResolution), stores the display name and phone when the platform
// gives new ones, and clears blocked (they wrote to us, so they do not block
// us). The stored language is never changed here (the
// contact may have chosen it with `bahasa`). created says whether the
// contact is new.
func (db *DB) UpsertContact(ctx context.Context, in contact.Seen) (c contact.Contact, created bool, err error) {
	if in.Channel == "" || in.ExternalID == "" {
		return contact.Contact{}, false, errors.New("upsert contact: channel and external id are required")
	}
	if in.Phone != "" && !in.PhoneSource.Verified() {
		return contact.Contact{}, false, fmt.Errorf("upsert contact %s:%s: a phone with source %q is not verified and is never stored", in.Channel, in.ExternalID, in.PhoneSource)
	}
	at := in.At.UTC()
	err = db.GetContext(ctx, &c, db.Rebind(`SELECT `+contactColumns+` FROM contacts WHERE channel = ? AND external_id = ?`), in.Channel, in.ExternalID)
	switch {
	case err == nil:
		stale := at.Sub(c.LastSeen) >= contact.LastSeenResolution
		renamed := in.DisplayName != "" && in.DisplayName != c.DisplayName
		newPhone := in.Phone != "" && (in.Phone != c.Phone || string(in.PhoneSource) != c.PhoneSource)
		if !stale && !renamed && !newPhone && !c.Blocked {
			return c, false, nil
		}
		c, err = db.touchContact(ctx, in, at)
		return c, false, err
	case !noRows(err):
		return contact.Contact{}, false, fmt.Errorf("upsert contact %s: %w", logAddr(in.Channel, in.ExternalID), err)
	}
	lang := in.Language
	if lang != "en" {
		lang = "id"
	}
	insert := db.Rebind(`INSERT INTO contacts (channel, external_id, phone, phone_source, phone_verified_at, display_name, language, first_seen, last_seen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel, external_id) DO NOTHING
		RETURNING ` + contactColumns)
	err = db.GetContext(ctx, &c, insert, in.Channel, in.ExternalID, nullString(in.Phone), string(in.PhoneSource), verifiedAt(in.Phone, at),
		in.DisplayName, lang, at, at)
	if err == nil {
		return c, true, nil
	}
	if !noRows(err) {
		return contact.Contact{}, false, fmt.Errorf("insert contact %s: %w", logAddr(in.Channel, in.ExternalID), err)
	}
	// Another handler created it between our two statements.
	c, err = db.touchContact(ctx, in, at)
	return c, false, err
}

// touchContact moves last_seen forward (never back), stores a new display
// name or a newly vouched phone (with its source and time), and clears
// blocked: a contact who writes to us has not blocked us (any more).
func (db *DB) touchContact(ctx context.Context, in contact.Seen, at time.Time) (contact.Contact, error) {
	var c contact.Contact
	update := db.Rebind(`UPDATE contacts SET
		last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END,
		display_name = CASE WHEN ? <> '' THEN ? ELSE display_name END,
		phone_source = CASE WHEN ? <> '' THEN ? ELSE phone_source END,
		phone_verified_at = CASE WHEN ? <> '' AND (phone IS NULL OR phone <> ? OR phone_source <> ?) THEN ? ELSE phone_verified_at END,
		phone = COALESCE(?, phone),
		blocked = ?
		WHERE channel = ? AND external_id = ?
		RETURNING ` + contactColumns)
	src := string(in.PhoneSource)
	if in.Phone == "" {
		src = ""
	}
	err := db.GetContext(ctx, &c, update, at, at, in.DisplayName, in.DisplayName,
		src, src, in.Phone, in.Phone, src, at,
		nullString(in.Phone), false, in.Channel, in.ExternalID)
	if err != nil {
		return contact.Contact{}, fmt.Errorf("update contact %s: %w", logAddr(in.Channel, in.ExternalID), err)
	}
	return c, nil
}

// verifiedAt is the phone_verified_at of a newly stored phone.
func verifiedAt(phone string, at time.Time) any {
	if phone == "" {
		return nil
	}
	return at
}

func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// ContactByID loads a contact; the error is contact.ErrNotFound when there is
// no such contact.
func (db *DB) ContactByID(ctx context.Context, id int64) (contact.Contact, error) {
	var c contact.Contact
	err := db.GetContext(ctx, &c, db.Rebind(`SELECT `+contactColumns+` FROM contacts WHERE id = ?`), id)
	if err != nil {
		return contact.Contact{}, fmt.Errorf("contact %d: %w", id, notFound(err, contact.ErrNotFound))
	}
	return c, nil
}

// ContactByAddress loads the contact reached at (channel, externalID); the
// error is contact.ErrNotFound when there is none.
func (db *DB) ContactByAddress(ctx context.Context, channel, externalID string) (contact.Contact, error) {
	var c contact.Contact
	err := db.GetContext(ctx, &c, db.Rebind(`SELECT `+contactColumns+` FROM contacts WHERE channel = ? AND external_id = ?`), channel, externalID)
	if err != nil {
		return contact.Contact{}, fmt.Errorf("contact %s: %w", logAddr(channel, externalID), notFound(err, contact.ErrNotFound))
	}
	return c, nil
}

// ContactsByPhone lists the contacts with this E.164 phone, on any channel,
// oldest first.
func (db *DB) ContactsByPhone(ctx context.Context, phone string) ([]contact.Contact, error) {
	var cs []contact.Contact
	err := db.SelectContext(ctx, &cs, db.Rebind(`SELECT `+contactColumns+` FROM contacts WHERE phone = ? ORDER BY id`), phone)
	if err != nil {
		return nil, fmt.Errorf("contacts by phone: %w", err)
	}
	return cs, nil
}

func (db *DB) setContact(ctx context.Context, id int64, column string, value any) error {
	// column is one of the constant names below, never user input.
	res, err := db.ExecContext(ctx, db.Rebind(`UPDATE contacts SET `+column+` = ? WHERE id = ?`), value, id)
	if err != nil {
		return fmt.Errorf("set contact %d %s: %w", id, column, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("set contact %d %s: %w", id, column, contact.ErrNotFound)
	}
	return nil
}

// SetContactPhone stores the contact's E.164 phone, verified by source at
// at; a phone from an unverified source is refused. "" forgets the phone.
func (db *DB) SetContactPhone(ctx context.Context, id int64, phone string, source contact.PhoneSource, at time.Time) error {
	return setContactPhone(ctx, db.DB, id, phone, source, at)
}

func setContactPhone(ctx context.Context, q sqlx.ExtContext, id int64, phone string, source contact.PhoneSource, at time.Time) error {
	if phone != "" && !source.Verified() {
		return fmt.Errorf("set contact %d phone: source %q is not verified; the phone is not stored", id, source)
	}
	if phone == "" {
		source = contact.SourceNone
	}
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE contacts SET phone = ?, phone_source = ?, phone_verified_at = ? WHERE id = ?`),
		nullString(phone), string(source), verifiedAt(phone, at.UTC()), id)
	if err != nil {
		return fmt.Errorf("set contact %d phone: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("set contact %d phone: %w", id, contact.ErrNotFound)
	}
	return nil
}

// ReachableByPhone lists the WhatsApp and Telegram contacts whose own,
// platform-verified phone is phone and who have not blocked us, most
// recently seen first: where a one-time code for that number may go.
func (db *DB) ReachableByPhone(ctx context.Context, phone string) ([]contact.Contact, error) {
	var cs []contact.Contact
	err := db.SelectContext(ctx, &cs, db.Rebind(`SELECT `+contactColumns+` FROM contacts
		WHERE phone = ? AND phone_source IN (?, ?) AND phone_verified_at IS NOT NULL AND channel IN (?, ?) AND blocked = ?
		ORDER BY last_seen DESC, id DESC`),
		phone, string(contact.SourceWhatsAppSender), string(contact.SourceTelegramContact),
		string(outbox.WhatsApp), string(outbox.Telegram), false)
	if err != nil {
		return nil, fmt.Errorf("contacts reachable by phone: %w", err)
	}
	return cs, nil
}

// SetContactLanguage stores the contact's language ("id" or "en").
func (db *DB) SetContactLanguage(ctx context.Context, id int64, lang string) error {
	if lang != "id" && lang != "en" {
		return fmt.Errorf("set contact %d language: want id or en, got %q", id, lang)
	}
	return db.setContact(ctx, id, "language", lang)
}

// SetContactStopped records that the contact said berhenti (true: no
// broadcasts) or mulai again (false).
func (db *DB) SetContactStopped(ctx context.Context, id int64, stopped bool) error {
	return db.setContact(ctx, id, "stopped", stopped)
}

// SetContactBlocked records that the platform says the contact blocked us
// (or, false, that a message got through again).
func (db *DB) SetContactBlocked(ctx context.Context, id int64, blocked bool) error {
	return db.setContact(ctx, id, "blocked", blocked)
}

// SetContactStaff marks the contact as office staff (flows may offer them
// staff-only steps) or not.
func (db *DB) SetContactStaff(ctx context.Context, id int64, staff bool) error {
	return db.setContact(ctx, id, "is_staff", staff)
}
