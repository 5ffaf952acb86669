package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/contact"
)

// Staff rights on chat: a contact may use the staff menu (flows/
// staff_broadcast.yaml) only while it is a WhatsApp or Telegram contact —
// identified by the platform, never the web chat, never a typed phone —
// linked to an enabled staff user. Rights are given by `jejaring staff
// grant` (a contact id or platform address) or by the contact sending the
// one-time code of `jejaring user link`; `jejaring staff revoke` and
// `jejaring user disable` take them away. Every change is in the audit log.
// contacts.is_staff alone (an UPDATE by hand) gives no rights: StaffOf
// checks the link.

// Audit actions of staff rights.
const (
	AuditStaffGrant    = "staff.grant"
	AuditStaffRevoke   = "staff.revoke"
	AuditStaffLinkCode = "staff.link_code"
	AuditStaffLink     = "staff.link"
	AuditStaffDisable  = "staff.disable"
	AuditStaffEnable   = "staff.enable"
)

// LinkCodeTTL is how long a `jejaring user link` code may be used.
const LinkCodeTTL = 15 * time.Minute

// Errors of staff rights.
var (
	ErrStaffChannel  = errors.New("staff rights are only for WhatsApp or Telegram contacts")
	ErrStaffDisabled = errors.New("staff user is disabled")
	ErrBadLinkCode   = errors.New("link code unknown, expired or already used")
	ErrContactErased = errors.New("contact was erased on request")
)

// staffChannel reports whether a contact of this channel may hold staff
// rights: the platform identifies the person (a WhatsApp number, a Telegram
// account). A web chat client id is whatever the browser says.
func staffChannel(ch string) bool { return ch == "whatsapp" || ch == "telegram" }

// StaffContact is a contact with staff rights, or one whose rights lapsed
// (Active false: the user was disabled).
type StaffContact struct {
	ContactID  int64  `db:"contact_id"`
	Channel    string `db:"channel"`
	ExternalID string `db:"external_id"`
	Name       string `db:"display_name"`
	Username   string `db:"username"`
	Disabled   bool   `db:"disabled"`
}

// Active reports whether the contact has staff rights now.
func (s StaffContact) Active() bool { return !s.Disabled && staffChannel(s.Channel) }

// StaffOf returns the enabled staff user a contact is linked to; the error
// is ErrStaffNotFound when the contact has no staff rights (not linked, the
// user disabled, or not a WhatsApp/Telegram contact).
func (db *DB) StaffOf(ctx context.Context, contactID int64) (StaffUser, error) {
	var u StaffUser
	err := db.GetContext(ctx, &u, db.Rebind(`SELECT s.id, s.username, s.role, s.created_at, s.disabled
		FROM contacts c JOIN staff_users s ON s.id = c.staff_user_id
		WHERE c.id = ? AND c.is_staff = ? AND s.disabled = ? AND c.erased_at IS NULL AND c.channel IN ('whatsapp', 'telegram')`),
		contactID, true, false)
	if err != nil {
		return StaffUser{}, fmt.Errorf("staff rights of contact %d: %w", contactID, notFound(err, ErrStaffNotFound))
	}
	return u, nil
}

// StaffOf is DB.StaffOf, for the event actions.
func (r *EventRepo) StaffOf(ctx context.Context, contactID int64) (StaffUser, error) {
	return r.db.StaffOf(ctx, contactID)
}

// GrantStaff links the contact to the enabled staff user username and gives
// it staff rights. Only WhatsApp and Telegram contacts qualify
// (ErrStaffChannel).
func (db *DB) GrantStaff(ctx context.Context, contactID int64, username, actor string, now time.Time) (StaffContact, error) {
	var sc StaffContact
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		u, err := enabledStaff(ctx, tx, username)
		if err != nil {
			return err
		}
		sc, err = linkContact(ctx, tx, db.Dialect, contactID, u, actor, AuditStaffGrant, now)
		return err
	})
	return sc, err
}

func enabledStaff(ctx context.Context, tx *sqlx.Tx, username string) (StaffUser, error) {
	var u StaffUser
	if err := tx.GetContext(ctx, &u, tx.Rebind(`SELECT id, username, role, created_at, disabled FROM staff_users WHERE username = ?`),
		strings.ToLower(strings.TrimSpace(username))); err != nil {
		return u, fmt.Errorf("staff user %s: %w", username, notFound(err, ErrStaffNotFound))
	}
	if u.Disabled {
		return u, fmt.Errorf("staff user %s: %w", u.Username, ErrStaffDisabled)
	}
	return u, nil
}

// linkContact is GrantStaff's and LinkStaff's write: checks the contact,
// links it, audits action.
func linkContact(ctx context.Context, tx *sqlx.Tx, dialect string, contactID int64, u StaffUser, actor, action string, now time.Time) (StaffContact, error) {
	var c struct {
		Channel    string     `db:"channel"`
		ExternalID string     `db:"external_id"`
		Name       string     `db:"display_name"`
		ErasedAt   *time.Time `db:"erased_at"`
	}
	if err := tx.GetContext(ctx, &c, tx.Rebind(`SELECT channel, external_id, display_name, erased_at FROM contacts WHERE id = ?`), contactID); err != nil {
		return StaffContact{}, fmt.Errorf("contact %d: %w", contactID, notFound(err, contact.ErrNotFound))
	}
	if !staffChannel(c.Channel) {
		return StaffContact{}, fmt.Errorf("contact %d on %s: %w", contactID, c.Channel, ErrStaffChannel)
	}
	if c.ErasedAt != nil {
		return StaffContact{}, fmt.Errorf("contact %d: %w", contactID, ErrContactErased)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE contacts SET is_staff = ?, staff_user_id = ? WHERE id = ?`), true, u.ID, contactID); err != nil {
		return StaffContact{}, fmt.Errorf("link contact %d: %w", contactID, err)
	}
	if err := addAudit(ctx, tx, dialect, now, actor, action, "contact", strconv.FormatInt(contactID, 10),
		map[string]any{"staff_user": u.Username, "channel": c.Channel}); err != nil {
		return StaffContact{}, err
	}
	return StaffContact{ContactID: contactID, Channel: c.Channel, ExternalID: c.ExternalID, Name: c.Name, Username: u.Username}, nil
}

// RevokeStaff takes a contact's staff rights and link away; it reports
// whether the contact had any.
func (db *DB) RevokeStaff(ctx context.Context, contactID int64, actor string, now time.Time) (bool, error) {
	var had bool
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		var user string
		err := tx.GetContext(ctx, &user, tx.Rebind(`SELECT COALESCE(s.username, '') FROM contacts c LEFT JOIN staff_users s ON s.id = c.staff_user_id
			WHERE c.id = ? AND (c.is_staff = ? OR c.staff_user_id IS NOT NULL)`), contactID, true)
		if noRows(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("revoke staff of contact %d: %w", contactID, err)
		}
		had = true
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE contacts SET is_staff = ?, staff_user_id = NULL WHERE id = ?`), false, contactID); err != nil {
			return fmt.Errorf("revoke staff of contact %d: %w", contactID, err)
		}
		return addAudit(ctx, tx, db.Dialect, now, actor, AuditStaffRevoke, "contact", strconv.FormatInt(contactID, 10),
			map[string]any{"staff_user": user})
	})
	return had, err
}

// ListStaffContacts lists the contacts linked to a staff user, or marked
// staff at all, by username then contact id.
func (db *DB) ListStaffContacts(ctx context.Context) ([]StaffContact, error) {
	var out []StaffContact
	err := db.SelectContext(ctx, &out, db.Rebind(`SELECT c.id AS contact_id, c.channel, c.external_id, c.display_name,
		COALESCE(s.username, '') AS username, COALESCE(s.disabled, ?) AS disabled
		FROM contacts c LEFT JOIN staff_users s ON s.id = c.staff_user_id
		WHERE c.is_staff = ? OR c.staff_user_id IS NOT NULL ORDER BY COALESCE(s.username, ''), c.id`), true, true)
	if err != nil {
		return nil, fmt.Errorf("list staff contacts: %w", err)
	}
	// A contact marked staff with no user (set by hand) has no rights.
	for i := range out {
		if out[i].Username == "" {
			out[i].Disabled = true
		}
	}
	return out, nil
}

// SetStaffDisabled disables (or enables again) a staff user. Disabling
// takes away the staff rights of every contact linked to it: the links
// stay, for the record, and count again once the user is enabled.
func (db *DB) SetStaffDisabled(ctx context.Context, username string, disabled bool, actor string, now time.Time) error {
	return db.InTx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		if err := tx.GetContext(ctx, &id, tx.Rebind(`SELECT id FROM staff_users WHERE username = ?`), strings.ToLower(strings.TrimSpace(username))); err != nil {
			return fmt.Errorf("staff user %s: %w", username, notFound(err, ErrStaffNotFound))
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE staff_users SET disabled = ? WHERE id = ?`), disabled, id); err != nil {
			return fmt.Errorf("disable staff user %s: %w", username, err)
		}
		action := AuditStaffEnable
		if disabled {
			action = AuditStaffDisable
		}
		return addAudit(ctx, tx, db.Dialect, now, actor, action, "staff_user", strconv.FormatInt(id, 10), nil)
	})
}

// linkAlphabet has no 0/O, 1/I/L: the code is read off a screen and typed
// on a phone.
const linkAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// linkCodeLen characters of 31 give 10^14 codes (about 49 bits); a code
// lives LinkCodeTTL and works once.
const linkCodeLen = 10

func hashLinkCode(code string) string {
	sum := sha256.Sum256([]byte(normalizeLinkCode(code)))
	return hex.EncodeToString(sum[:])
}

// normalizeLinkCode upper-cases and drops spaces and dashes ("abcd-efgh-jk").
func normalizeLinkCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if r != ' ' && r != '-' && r != '\t' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NewLinkCode makes a one-time code for staff user username, valid for
// LinkCodeTTL: a staff member sends it from their own WhatsApp or Telegram
// chat (kodepetugas) and that contact becomes linked staff. Only the code's
// SHA-256 is stored. The code is shown as XXXXX-XXXXX.
func (db *DB) NewLinkCode(ctx context.Context, username, actor string, now time.Time) (code string, expires time.Time, err error) {
	var raw [linkCodeLen]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("link code: %w", err)
	}
	var b strings.Builder
	for i, v := range raw {
		if i == linkCodeLen/2 {
			b.WriteByte('-')
		}
		// 256 % 31 = 8: the first letters are a little more likely;
		// 49 bits of a 15-minute, single-use code are plenty.
		b.WriteByte(linkAlphabet[int(v)%len(linkAlphabet)])
	}
	code = b.String()
	now = now.UTC()
	expires = now.Add(LinkCodeTTL)
	err = db.InTx(ctx, func(tx *sqlx.Tx) error {
		u, err := enabledStaff(ctx, tx, username)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO staff_link_codes (staff_user_id, code_hash, expires_at, created_by, created_at) VALUES (?, ?, ?, ?, ?)`),
			u.ID, hashLinkCode(code), expires, actor, now); err != nil {
			return fmt.Errorf("store link code: %w", err)
		}
		return addAudit(ctx, tx, db.Dialect, now, actor, AuditStaffLinkCode, "staff_user", strconv.FormatInt(u.ID, 10),
			map[string]any{"expires_at": expires.Format(time.RFC3339)})
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return code, expires, nil
}

// LinkStaff uses a code of NewLinkCode for the contact that sent it: the
// contact must be on WhatsApp or Telegram (ErrStaffChannel; the code is not
// used up), the code known, unexpired and unused (ErrBadLinkCode), its user
// enabled (ErrStaffDisabled). The code works once.
func (db *DB) LinkStaff(ctx context.Context, contactID int64, code string, now time.Time) (StaffContact, error) {
	now = now.UTC()
	var sc StaffContact
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		var ch string
		if err := tx.GetContext(ctx, &ch, tx.Rebind(`SELECT channel FROM contacts WHERE id = ?`), contactID); err != nil {
			return fmt.Errorf("contact %d: %w", contactID, notFound(err, contact.ErrNotFound))
		}
		if !staffChannel(ch) {
			return fmt.Errorf("contact %d on %s: %w", contactID, ch, ErrStaffChannel)
		}
		var userID int64
		// One statement claims the code, so two contacts sending it at
		// once cannot both use it.
		err := tx.GetContext(ctx, &userID, tx.Rebind(`UPDATE staff_link_codes SET used_at = ?, used_by = ?
			WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING staff_user_id`), now, contactID, hashLinkCode(code), now)
		if noRows(err) {
			return ErrBadLinkCode
		}
		if err != nil {
			return fmt.Errorf("use link code: %w", err)
		}
		var u StaffUser
		if err := tx.GetContext(ctx, &u, tx.Rebind(`SELECT id, username, role, created_at, disabled FROM staff_users WHERE id = ?`), userID); err != nil {
			return fmt.Errorf("staff user %d: %w", userID, notFound(err, ErrStaffNotFound))
		}
		if u.Disabled {
			return ErrStaffDisabled
		}
		sc, err = linkContact(ctx, tx, db.Dialect, contactID, u, ActorContact(contactID), AuditStaffLink, now)
		return err
	})
	return sc, err
}
