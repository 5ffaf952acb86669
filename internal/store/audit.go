package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// AuditEntry is one line of the audit log: who did what to which record,
// when, with details as JSON (old and new values of an update). The log is
// how the office answers "who saw or changed this" after a breach.
type AuditEntry struct {
	ID       int64     `db:"id" json:"id"`
	At       time.Time `db:"at" json:"at"`
	Actor    string    `db:"actor" json:"actor"`   // contact:12, staff:admin, system, import
	Action   string    `db:"action" json:"action"` // business.update, data.view, data.delete, ...
	Entity   string    `db:"entity" json:"entity"` // business, contact
	EntityID string    `db:"entity_id" json:"entity_id"`
	Details  string    `db:"details" json:"details"` // JSON
}

// Audit actions written by the UMKM code.
const (
	AuditBusinessCreate = "business.create"
	AuditBusinessUpdate = "business.update"
	AuditDataView       = "data.view"
	AuditDataDelete     = "data.delete"
	AuditConsent        = "consent"
	// AuditBusinessClaim: a contact opened the record's claim token.
	AuditBusinessClaim = "business.claim"
	// AuditClaimToken: the office was given (or renewed) a record's claim
	// token.
	AuditClaimToken = "business.claim_token"
	// AuditPhoneVerified: a contact typed back the one-time code sent to a
	// phone, which is now their verified phone.
	AuditPhoneVerified = "contact.phone_verified"
)

// ActorContact names a contact as an audit actor.
func ActorContact(id int64) string { return fmt.Sprintf("contact:%d", id) }

// ActorStaff names a staff user as an audit actor.
func ActorStaff(username string) string { return "staff:" + username }

// AddAudit appends an entry. details is marshalled to JSON (nil: "").
func (db *DB) AddAudit(ctx context.Context, at time.Time, actor, action, entity, entityID string, details any) error {
	return addAudit(ctx, db.DB, db.Dialect, at, actor, action, entity, entityID, details)
}

func addAudit(ctx context.Context, q sqlx.ExtContext, dialect string, at time.Time, actor, action, entity, entityID string, details any) error {
	d := ""
	if details != nil {
		b, err := json.Marshal(details)
		if err != nil {
			return fmt.Errorf("audit %s: %w", action, err)
		}
		d = string(b)
	}
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO audit_log (at, actor, action, entity, entity_id, details)
		VALUES (?, ?, ?, ?, ?, ?)`), at.UTC(), actor, action, entity, entityID, d)
	if err != nil {
		return fmt.Errorf("audit %s %s %s: %w", action, entity, entityID, err)
	}
	return nil
}

// AuditFor lists the entries about one record, oldest first.
func (db *DB) AuditFor(ctx context.Context, entity, entityID string) ([]AuditEntry, error) {
	var out []AuditEntry
	err := db.SelectContext(ctx, &out, db.Rebind(`SELECT id, at, actor, action, entity, entity_id, details
		FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id`), entity, entityID)
	if err != nil {
		return nil, fmt.Errorf("audit of %s %s: %w", entity, entityID, err)
	}
	return out, nil
}

// AuditByActor lists the entries an actor made, oldest first.
func (db *DB) AuditByActor(ctx context.Context, actor string) ([]AuditEntry, error) {
	var out []AuditEntry
	err := db.SelectContext(ctx, &out, db.Rebind(`SELECT id, at, actor, action, entity, entity_id, details
		FROM audit_log WHERE actor = ? ORDER BY id`), actor)
	if err != nil {
		return nil, fmt.Errorf("audit by %s: %w", actor, err)
	}
	return out, nil
}
