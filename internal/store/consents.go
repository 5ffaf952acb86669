package store

import (
	"context"
	"fmt"
	"time"
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

const consentCols = `id, contact_id, purpose, granted, notice_version, reply, message_id, channel, created_at`

// RecordConsent stores a consent answer and sets c.ID.
func (db *DB) RecordConsent(ctx context.Context, c *Consent) error {
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
// satisfies NotFound when they never answered.
func (db *DB) LatestConsent(ctx context.Context, contactID int64, purpose string) (Consent, error) {
	var c Consent
	err := db.GetContext(ctx, &c, db.Rebind(`SELECT `+consentCols+` FROM consents
		WHERE contact_id = ? AND purpose = ? ORDER BY created_at DESC, id DESC LIMIT 1`), contactID, purpose)
	if err != nil {
		return Consent{}, fmt.Errorf("consent %s of contact %d: %w", purpose, contactID, err)
	}
	return c, nil
}

// HasConsent reports whether the contact's last answer for the purpose is yes.
func (db *DB) HasConsent(ctx context.Context, contactID int64, purpose string) (bool, error) {
	c, err := db.LatestConsent(ctx, contactID, purpose)
	if NotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.Granted, nil
}

// ConsentsOf lists every consent answer of the contact, oldest first.
func (db *DB) ConsentsOf(ctx context.Context, contactID int64) ([]Consent, error) {
	var out []Consent
	err := db.SelectContext(ctx, &out, db.Rebind(`SELECT `+consentCols+` FROM consents
		WHERE contact_id = ? ORDER BY created_at, id`), contactID)
	if err != nil {
		return nil, fmt.Errorf("consents of contact %d: %w", contactID, err)
	}
	return out, nil
}
