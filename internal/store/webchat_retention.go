package store

import (
	"context"
	"fmt"
	"time"
)

// deleteIdleWebChat removes, oldest id first and at most ? of them, the web
// chat contacts last seen before ? that left nothing the office needs: no
// consent given or refused, no business linked, no invitation, no outbox
// row, and no staff flag. Anyone can open the web chat, so without this
// every visitor (or a script inventing visitors) would stay a row forever.
const deleteIdleWebChat = `DELETE FROM contacts WHERE id IN (
	SELECT c.id FROM contacts c
	WHERE c.channel = 'webchat' AND c.last_seen < ? AND c.is_staff = ?
		AND NOT EXISTS (SELECT 1 FROM consents x WHERE x.contact_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM businesses b WHERE b.contact_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.contact_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.contact_id = c.id)
	ORDER BY c.id
	LIMIT ?)`

// DeleteIdleWebChatContacts removes up to limit web chat contacts last seen
// before before that gave no consent and have no business, invitation or
// queued message (see deleteIdleWebChat), and returns how many went. Call
// it again while it returns limit.
func (db *DB) DeleteIdleWebChatContacts(ctx context.Context, before time.Time, limit int) (int64, error) {
	res, err := db.ExecContext(ctx, db.Rebind(deleteIdleWebChat), before, false, limit)
	if err != nil {
		return 0, fmt.Errorf("delete idle web chat contacts seen before %s: %w", before.Format(time.RFC3339), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete idle web chat contacts: rows affected: %w", err)
	}
	return n, nil
}
