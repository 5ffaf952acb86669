package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/umkm"
)

// Claim tokens: the per-business token an owner uses to link a chat to a
// record made elsewhere (a letter, a poster, a deep link), and its issue.

// ClaimBusiness links the live business whose claim token is token to
// contactID — the record's own claim token is one of the two ways a web chat
// user reaches a record made elsewhere — and replaces the token, so a
// printed or forwarded link works once. It audits business.claim (the
// token is not written). A token that matches no live business gives
// umkm.ErrNotFound.
func (r *BusinessRepo) ClaimBusiness(ctx context.Context, token string, contactID int64, actor string, now time.Time) (*umkm.Business, error) {
	tok, ok := umkm.NormalizeClaimToken(token)
	if !ok || contactID == 0 {
		return nil, fmt.Errorf("claim business: %w", umkm.ErrNotFound)
	}
	var b *umkm.Business
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		err := tx.GetContext(ctx, &id, tx.Rebind(`SELECT id FROM businesses WHERE claim_token = ? AND deleted_at IS NULL`), tok)
		if noRows(err) {
			return fmt.Errorf("claim business: %w", umkm.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("claim business: %w", err)
		}
		old, err := getBusiness(ctx, tx, id)
		if err != nil {
			return err
		}
		next, err := umkm.NewClaimToken()
		if err != nil {
			return err
		}
		now = now.UTC()
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE businesses SET contact_id = ?, claim_token = ?, updated_at = ?
			WHERE id = ? AND claim_token = ?`), contactID, next, now, id, tok)
		if err != nil {
			return fmt.Errorf("claim business %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("claim business %d: token used meanwhile: %w", id, umkm.ErrNotFound)
		}
		var prev any
		if old.ContactID != nil {
			prev = *old.ContactID
		}
		if err := addAudit(ctx, tx, r.db.Dialect, now, actor, AuditBusinessClaim, "business", strconv.FormatInt(id, 10),
			map[string]any{"reg_no": old.RegNo, "contact_id": contactID, "previous_contact_id": prev}); err != nil {
			return err
		}
		b, err = getBusiness(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// IssueClaimToken gives the office the claim token of the live business
// regNo to print or send: the one it has, or a new one when renew is set or
// it has none (the old one stops working). Each call is audited
// (business.claim_token; the token itself is not written there).
func (r *BusinessRepo) IssueClaimToken(ctx context.Context, regNo string, renew bool, actor string, now time.Time) (*umkm.Business, error) {
	var b *umkm.Business
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		err := tx.GetContext(ctx, &id, tx.Rebind(`SELECT id FROM businesses WHERE reg_no = ? AND deleted_at IS NULL`), regNo)
		if noRows(err) {
			return fmt.Errorf("business %s: %w", regNo, umkm.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("business %s: %w", regNo, err)
		}
		if b, err = getBusiness(ctx, tx, id); err != nil {
			return err
		}
		renewed := false
		if renew || b.ClaimToken == "" {
			tok, err := umkm.NewClaimToken()
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE businesses SET claim_token = ? WHERE id = ?`), tok, id); err != nil {
				return fmt.Errorf("renew claim token of %s: %w", regNo, err)
			}
			b.ClaimToken, renewed = tok, true
		}
		return addAudit(ctx, tx, r.db.Dialect, now.UTC(), actor, AuditClaimToken, "business", strconv.FormatInt(id, 10),
			map[string]any{"reg_no": regNo, "renewed": renewed})
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}
