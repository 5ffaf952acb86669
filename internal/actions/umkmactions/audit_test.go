package umkmactions_test

import (
	"context"
	"fmt"
	"testing"

	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/bot"
	"jejaring/internal/contact"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// A registration whose audit entry cannot be written stores nothing: the
// owner's retry then registers (one record, one audit entry) instead of
// hearing "already registered" about a record nobody audited.
func TestRegisterAuditFailureLeavesNoRecord(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		c := e.contact("webchat", "audit1", "")
		ans := registration("0812-3456-7890")
		e.run(umkmactions.ActConsent, c, ans, map[string]any{"purpose": contact.PurposeData, "granted": "true"})

		// The audit log is unwritable for the first try.
		if _, err := db.ExecContext(ctx, `ALTER TABLE audit_log RENAME TO audit_log_away`); err != nil {
			t.Fatal(err)
		}
		_, err := e.act[umkmactions.ActRegister](ctx, bot.ActionCall{Contact: c, Answers: answers(ans),
			MessageID: "msg-register-1", Now: now, Lang: "id"})
		if err == nil {
			t.Fatal("register with an unwritable audit log: no error")
		}
		if _, err := db.ExecContext(ctx, `ALTER TABLE audit_log_away RENAME TO audit_log`); err != nil {
			t.Fatal(err)
		}
		if own, err := store.NewBusinessRepo(db).BusinessesOf(ctx, c.ID, ""); err != nil || len(own) != 0 {
			t.Fatalf("after the failed audit %d businesses are stored anyway (err %v)", len(own), err)
		}

		r := e.run(umkmactions.ActRegister, c, ans, nil)
		if r["reg_no"] == nil || r["reg_no"] == "" || r["error_text"] != "" {
			t.Fatalf("the retry after a failed audit: %v, want a registration", r)
		}
		b, err := store.NewBusinessRepo(db).BusinessByRegNo(ctx, r["reg_no"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if a, err := db.AuditFor(ctx, "business", fmt.Sprint(b.ID)); err != nil || len(a) != 1 || a[0].Action != store.AuditBusinessCreate {
			t.Errorf("audit of the registered business: %v %v, want one %s", a, err, store.AuditBusinessCreate)
		}
	})
}
