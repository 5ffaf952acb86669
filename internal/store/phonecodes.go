package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/contact"
	"jejaring/internal/outbox"
)

// PhoneCode is a one-time code asked for by a contact to prove that phone
// is theirs (see package contact). Only its salted hash is stored.
type PhoneCode struct {
	ContactID int64
	Phone     string // E.164
	// Hash is contact.NewCode's stored form; "" when nobody could receive
	// the code (it then never matches, and the contact is told the same as
	// when it was sent, so the answer reveals nothing about the number).
	Hash string
	// Send carries the code to the number's WhatsApp or Telegram chat,
	// enqueued in the same transaction (nil: nothing to send).
	Send *outbox.Message
}

// spentCode replaces the payload of a code's outbox row once the code is
// used up or dead, so the code is not kept in clear beyond its life.
var spentCode = outbox.Payload{Text: "(kode sudah tidak berlaku / code no longer valid)"}.Encode()

// scrubCode blanks the outbox row carrying code id (and cancels it when it
// was not sent yet).
func scrubCode(ctx context.Context, tx *sqlx.Tx, id int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET payload = ?, updated_at = ?,
		status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END WHERE dedupe_key = ?`),
		spentCode, now, "code:"+strconv.FormatInt(id, 10))
	if err != nil {
		return fmt.Errorf("scrub code %d from the outbox: %w", id, err)
	}
	return nil
}

const phoneCodeCols = `id, contact_id, phone, code_hash, attempts, created_at, expires_at, used_at`

type phoneCodeRow struct {
	ID        int64      `db:"id"`
	ContactID int64      `db:"contact_id"`
	Phone     string     `db:"phone"`
	Hash      string     `db:"code_hash"`
	Attempts  int        `db:"attempts"`
	CreatedAt time.Time  `db:"created_at"`
	ExpiresAt time.Time  `db:"expires_at"`
	UsedAt    *time.Time `db:"used_at"`
}

// CreatePhoneCode records a new code for pc.ContactID and pc.Phone, valid
// for contact.CodeTTL, and enqueues pc.Send in the same transaction (to
// expire with the code). It ends the contact's earlier open codes and
// blanks their messages in the outbox (as CheckPhoneCode does for a code
// used up or dead), so a code is kept in clear only while it can be used.
// It returns contact.ErrTooManyCodes, storing nothing, when the contact
// asked for, or the phone was sent, contact.CodesPerHour codes in the last
// hour or contact.CodesPerDay in the last day.
func (db *DB) CreatePhoneCode(ctx context.Context, pc PhoneCode, now time.Time) error {
	if pc.ContactID == 0 || pc.Phone == "" {
		return errors.New("create phone code: contact and phone are required")
	}
	now = now.UTC()
	return db.InTx(ctx, func(tx *sqlx.Tx) error {
		for _, lim := range []struct {
			col   string
			v     any
			since time.Duration
			max   int
		}{
			{"contact_id", pc.ContactID, time.Hour, contact.CodesPerHour}, {"phone", pc.Phone, time.Hour, contact.CodesPerHour},
			{"contact_id", pc.ContactID, 24 * time.Hour, contact.CodesPerDay}, {"phone", pc.Phone, 24 * time.Hour, contact.CodesPerDay},
		} {
			var n int
			// lim.col is one of the two constant names above.
			if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM phone_codes WHERE `+lim.col+` = ? AND created_at > ?`),
				lim.v, now.Add(-lim.since)); err != nil {
				return fmt.Errorf("count codes by %s: %w", lim.col, err)
			}
			if n >= lim.max {
				return contact.ErrTooManyCodes
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET payload = ?, updated_at = ?,
			status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END
			WHERE dedupe_key IN (SELECT 'code:' || id FROM phone_codes WHERE contact_id = ? AND used_at IS NULL)`),
			spentCode, now, pc.ContactID); err != nil {
			return fmt.Errorf("scrub earlier codes of contact %d: %w", pc.ContactID, err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE phone_codes SET used_at = ? WHERE contact_id = ? AND used_at IS NULL`), now, pc.ContactID); err != nil {
			return fmt.Errorf("end earlier codes of contact %d: %w", pc.ContactID, err)
		}
		id, err := InsertID(ctx, tx, db.Dialect, `INSERT INTO phone_codes (contact_id, phone, code_hash, attempts, created_at, expires_at)
			VALUES (?, ?, ?, 0, ?, ?)`, pc.ContactID, pc.Phone, pc.Hash, now, now.Add(contact.CodeTTL))
		if err != nil {
			return fmt.Errorf("insert code of contact %d: %w", pc.ContactID, err)
		}
		if pc.Send != nil {
			m := *pc.Send
			m.DedupeKey = "code:" + strconv.FormatInt(id, 10)
			m.NotAfter = now.Add(contact.CodeTTL)
			if _, err := Enqueue(ctx, tx, []outbox.Message{m}, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// CheckPhoneCode checks typed against the contact's live code. On a match
// the code is used up and its phone becomes the contact's verified phone
// (source otp), audited, and returned. A wrong code uses one try and gives
// contact.ErrCodeWrong with the tries left (the last wrong try ends the
// code); no live code (none, expired, used, out of tries) gives
// contact.ErrCodeDead.
func (db *DB) CheckPhoneCode(ctx context.Context, contactID int64, typed string, now time.Time) (phone string, left int, err error) {
	now = now.UTC()
	// verdict is a wrong or dead code: the transaction still commits (a
	// wrong try must count) and the verdict is returned after.
	var verdict error
	err = db.InTx(ctx, func(tx *sqlx.Tx) error {
		var pc phoneCodeRow
		err := tx.GetContext(ctx, &pc, tx.Rebind(`SELECT `+phoneCodeCols+` FROM phone_codes
			WHERE contact_id = ? AND used_at IS NULL ORDER BY id DESC LIMIT 1`), contactID)
		if noRows(err) {
			verdict = contact.ErrCodeDead
			return nil
		}
		if err != nil {
			return fmt.Errorf("code of contact %d: %w", contactID, err)
		}
		if !now.Before(pc.ExpiresAt) || pc.Attempts >= contact.CodeAttempts {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE phone_codes SET used_at = ? WHERE id = ?`), now, pc.ID); err != nil {
				return fmt.Errorf("end code %d: %w", pc.ID, err)
			}
			verdict = contact.ErrCodeDead
			return scrubCode(ctx, tx, pc.ID, now)
		}
		if !contact.CodeMatches(pc.Hash, typed) {
			attempts := pc.Attempts + 1
			left = contact.CodeAttempts - attempts
			var used any
			if left <= 0 {
				used = now
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE phone_codes SET attempts = ?, used_at = ? WHERE id = ?`), attempts, used, pc.ID); err != nil {
				return fmt.Errorf("count a try of code %d: %w", pc.ID, err)
			}
			verdict = contact.ErrCodeWrong
			if left <= 0 {
				left, verdict = 0, contact.ErrCodeDead
				return scrubCode(ctx, tx, pc.ID, now)
			}
			return nil
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE phone_codes SET attempts = ?, used_at = ? WHERE id = ?`), pc.Attempts+1, now, pc.ID); err != nil {
			return fmt.Errorf("use code %d: %w", pc.ID, err)
		}
		if err := scrubCode(ctx, tx, pc.ID, now); err != nil {
			return err
		}
		if err := setContactPhone(ctx, tx, contactID, pc.Phone, contact.SourceOTP, now); err != nil {
			return err
		}
		phone = pc.Phone
		return addAudit(ctx, tx, db.Dialect, now, ActorContact(contactID), AuditPhoneVerified, "contact", strconv.FormatInt(contactID, 10),
			map[string]any{"source": string(contact.SourceOTP)})
	})
	if err != nil {
		return "", 0, err
	}
	return phone, left, verdict
}
