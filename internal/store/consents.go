package store

import (
	"context"
	"errors"
	"fmt"

	"jejaring/internal/contact"
)

const consentCols = `id, contact_id, purpose, granted, notice_version, reply, message_id, channel, created_at`

// RecordConsent stores a consent answer and sets c.ID.
func (db *DB) RecordConsent(ctx context.Context, c *contact.Consent) error {
	if c.ContactID == 0 || c.Purpose == "" || c.NoticeVersion == "" {
		return fmt.Errorf("record consent: contact, purpose and notice version are required")
	}
	id, err := InsertID(ctx, db.DB, db.Dialect, `INSERT INTO consents
		(contact_id, purpose, granted, notice_version, reply, message_id, channel, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ContactID, c.Purpose, c.Granted, c.NoticeVersion, c.Reply, c.MessageID, c.Channel, c.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("record consent %s for contact %d: %w", c.Purpose, c.ContactID, err)
	}
	c.ID = id
	return nil
}

// LatestConsent returns the contact's last answer for the purpose; the error
// is contact.ErrNotFound when they never answered.
func (db *DB) LatestConsent(ctx context.Context, contactID int64, purpose string) (contact.Consent, error) {
	var c contact.Consent
	err := db.GetContext(ctx, &c, db.Rebind(`SELECT `+consentCols+` FROM consents
		WHERE contact_id = ? AND purpose = ? ORDER BY created_at DESC, id DESC LIMIT 1`), contactID, purpose)
	if err != nil {
		return contact.Consent{}, fmt.Errorf("consent %s of contact %d: %w", purpose, contactID, notFound(err, contact.ErrNotFound))
	}
	return c, nil
}

// HasConsent reports whether the contact's last answer for the purpose is yes.
func (db *DB) HasConsent(ctx context.Context, contactID int64, purpose string) (bool, error) {
	c, err := db.LatestConsent(ctx, contactID, purpose)
	if errors.Is(err, contact.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.Granted, nil
}

// ConsentsOf lists every consent answer of the contact, oldest first.
func (db *DB) ConsentsOf(ctx context.Context, contactID int64) ([]contact.Consent, error) {
	var out []contact.Consent
	err := db.SelectContext(ctx, &out, db.Rebind(`SELECT `+consentCols+` FROM consents
		WHERE contact_id = ? ORDER BY created_at, id`), contactID)
	if err != nil {
		return nil, fmt.Errorf("consents of contact %d: %w", contactID, err)
	}
	return out, nil
}
