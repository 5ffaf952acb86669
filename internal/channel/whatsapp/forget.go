package whatsapp

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"go.mau.fi/whatsmeow/types"
)

// ForgetChat deletes what whatsmeow's own tables (in Jejaring's database,
// reached through pool and dialect as Config.DB and Config.Dialect)
// keep about a chat partner whose data was erased (hapusdata): their
// address-book, full and push names (whatsmeow_contacts), chat settings,
// message secrets, privacy tokens and the LID-to-phone mapping. externalID
// is the contact's external id: the phone digits, or a LID JID.
//
// The Signal sessions and identity keys stay: the protocol needs them to
// encrypt the reply to the very message that asked for the erasure, and a
// fresh session is set up whenever they are missing. They are keyed by the
// WhatsApp id and hold no name; unlinking the device removes them all.
// Nothing happens when WhatsApp was never linked (no whatsmeow tables).
func ForgetChat(ctx context.Context, pool *sql.DB, dialect, externalID string) error {
	if dialect != "postgres" && dialect != "sqlite" {
		return fmt.Errorf("whatsapp forget: unsupported database dialect %q", dialect)
	}
	db := sqlx.NewDb(pool, dialect)
	var n int
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'whatsmeow_lid_map'`
	if dialect == "postgres" {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'whatsmeow_lid_map'`
	}
	if err := db.GetContext(ctx, &n, q); err != nil {
		return fmt.Errorf("whatsapp forget: %w", err)
	}
	if n == 0 {
		return nil
	}
	var pn, lid string
	if j, err := types.ParseJID(externalID); err == nil && strings.Contains(externalID, "@") {
		switch j.Server {
		case types.HiddenUserServer:
			lid = j.User
		case types.DefaultUserServer:
			pn = j.User
		}
	} else {
		pn = externalID
	}
	// The other half of the pair, when whatsmeow learnt it.
	if pn != "" && lid == "" {
		_ = db.GetContext(ctx, &lid, db.Rebind(`SELECT lid FROM whatsmeow_lid_map WHERE pn = ?`), pn)
	} else if lid != "" && pn == "" {
		_ = db.GetContext(ctx, &pn, db.Rebind(`SELECT pn FROM whatsmeow_lid_map WHERE lid = ?`), lid)
	}
	var jids []any
	if pn != "" {
		jids = append(jids, types.NewJID(pn, types.DefaultUserServer).String())
	}
	if lid != "" {
		jids = append(jids, types.NewJID(lid, types.HiddenUserServer).String())
	}
	return inTx(ctx, db, func(tx *sqlx.Tx) error {
		for _, jid := range jids {
			for _, stmt := range []string{
				`DELETE FROM whatsmeow_contacts WHERE their_jid = ?`,
				`DELETE FROM whatsmeow_chat_settings WHERE chat_jid = ?`,
				`DELETE FROM whatsmeow_message_secrets WHERE chat_jid = ? OR sender_jid = ?`,
				`DELETE FROM whatsmeow_privacy_tokens WHERE their_jid = ?`,
			} {
				args := []any{jid}
				if strings.Count(stmt, "?") == 2 {
					args = append(args, jid)
				}
				if _, err := tx.ExecContext(ctx, tx.Rebind(stmt), args...); err != nil {
					return fmt.Errorf("whatsapp forget: %w", err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM whatsmeow_lid_map WHERE pn = ? OR lid = ?`), pn, lid); err != nil {
			return fmt.Errorf("whatsapp forget: %w", err)
		}
		return nil
	})
}

// inTx runs fn in a transaction of whatsmeow's tables: committed when fn
// returns nil, rolled back otherwise.
func inTx(ctx context.Context, db *sqlx.DB, fn func(*sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("whatsapp forget: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("whatsapp forget: commit: %w", err)
	}
	return nil
}
