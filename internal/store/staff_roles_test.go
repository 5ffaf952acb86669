package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestStaffPasswordRehash: a hash of a lower cost (an older Jejaring made
// them with bcrypt's default 10) is raised to PasswordCost at sign-in, and a
// new hash has PasswordCost.
func TestStaffPasswordRehash(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		if _, err := db.AddStaff(ctx, "rina", "kata-sandi-rina", false, "test", now); err != nil {
			t.Fatal(err)
		}
		if got := hashCost(t, db, "rina"); got != store.PasswordCost {
			t.Errorf("new hash cost = %d, want %d", got, store.PasswordCost)
		}
		if store.PasswordCost < 12 && store.PasswordCost != bcrypt.MinCost {
			t.Errorf("PasswordCost = %d, want at least 12 (or bcrypt.MinCost under -race)", store.PasswordCost)
		}
		old, err := bcrypt.GenerateFromPassword([]byte("kata-sandi-lama"), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, db.Rebind(`UPDATE staff_users SET password_hash = ? WHERE username = ?`), string(old), "rina"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CheckStaffPassword(ctx, "rina", "salah-sandi"); !errors.Is(err, store.ErrBadLogin) {
			t.Fatalf("wrong password: %v", err)
		}
		if got := hashCost(t, db, "rina"); got != bcrypt.MinCost {
			t.Errorf("a wrong password changed the hash (cost %d)", got)
		}
		if _, err := db.CheckStaffPassword(ctx, "rina", "kata-sandi-lama"); err != nil {
			t.Fatalf("sign in with the old hash: %v", err)
		}
		if got := hashCost(t, db, "rina"); got != store.PasswordCost {
			t.Errorf("after sign-in hash cost = %d, want %d", got, store.PasswordCost)
		}
		if _, err := db.CheckStaffPassword(ctx, "rina", "kata-sandi-lama"); err != nil {
			t.Fatalf("sign in with the new hash: %v", err)
		}
	})
}

func hashCost(t *testing.T, db *store.DB, user string) int {
	t.Helper()
	var h string
	if err := db.GetContext(context.Background(), &h, db.Rebind(`SELECT password_hash FROM staff_users WHERE username = ?`), user); err != nil {
		t.Fatal(err)
	}
	c, err := bcrypt.Cost([]byte(h))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestStaffRoles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		u, err := db.AddStaffRole(ctx, "tamu", "kata-sandi-tamu", store.RoleViewer, "staff:admin", now)
		if err != nil || u.Role != store.RoleViewer {
			t.Fatalf("AddStaffRole viewer = %+v, %v", u, err)
		}
		if _, err := db.AddStaffRole(ctx, "x", "kata-sandi-x", "root", "staff:admin", now); !errors.Is(err, store.ErrBadRole) {
			t.Errorf("AddStaffRole root: %v, want ErrBadRole", err)
		}
		if err := db.SetStaffRole(ctx, "tamu", store.RoleStaff, "staff:admin", now); err != nil {
			t.Fatal(err)
		}
		if err := db.SetStaffRole(ctx, "tamu", "boss", "staff:admin", now); !errors.Is(err, store.ErrBadRole) {
			t.Errorf("SetStaffRole boss: %v", err)
		}
		got, err := db.StaffByUsername(ctx, "tamu")
		if err != nil || got.Role != store.RoleStaff {
			t.Fatalf("after SetStaffRole: %+v, %v", got, err)
		}
		log, err := db.AuditFor(ctx, "staff_user", "1")
		if err != nil {
			t.Fatal(err)
		}
		var seen bool
		for _, e := range log {
			if e.Action == store.AuditStaffRole && e.Actor == "staff:admin" && e.Details == `{"new":"staff","old":"viewer"}` {
				seen = true
			}
		}
		if !seen {
			t.Errorf("no staff.role audit entry in %+v", log)
		}
	})
}
