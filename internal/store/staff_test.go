package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

func TestStaffUsers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

		created, err := db.EnsureAdmin(ctx, "rahasia-admin", now)
		if err != nil || !created {
			t.Fatalf("EnsureAdmin on empty db: created %v, err %v", created, err)
		}
		created, err = db.EnsureAdmin(ctx, "other-password", now)
		if err != nil || created {
			t.Fatalf("EnsureAdmin second time: created %v, err %v", created, err)
		}
		if _, err := db.CheckStaffPassword(ctx, "admin", "rahasia-admin"); err != nil {
			t.Fatalf("admin login: %v", err)
		}

		u, err := db.AddStaff(ctx, " Rina ", "kata-sandi-1", false, "staff:admin", now)
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != "rina" || u.Role != store.RoleStaff || u.ID == 0 || u.IsAdmin() {
			t.Errorf("AddStaff = %+v", u)
		}
		if _, err := db.AddStaff(ctx, "RINA", "kata-sandi-2", true, "staff:admin", now); !errors.Is(err, store.ErrStaffExists) {
			t.Errorf("duplicate: %v, want ErrStaffExists", err)
		}

		for _, tt := range []struct {
			user, pass string
			want       error
		}{
			{"bad name!", "kata-sandi-1", store.ErrBadUsername},
			{"", "kata-sandi-1", store.ErrBadUsername},
			{"budi", "pendek", store.ErrWeakPassword},
			{"budi", strings.Repeat("x", 73), store.ErrWeakPassword},
		} {
			if _, err := db.AddStaff(ctx, tt.user, tt.pass, false, "test", now); !errors.Is(err, tt.want) {
				t.Errorf("AddStaff(%q, %d bytes) = %v, want %v", tt.user, len(tt.pass), err, tt.want)
			}
		}

		got, err := db.CheckStaffPassword(ctx, "Rina", "kata-sandi-1")
		if err != nil || got.ID != u.ID || !got.CreatedAt.Equal(now) {
			t.Errorf("CheckStaffPassword = %+v, %v", got, err)
		}
		for _, tt := range [][2]string{{"rina", "salah-sandi"}, {"nobody", "kata-sandi-1"}} {
			if _, err := db.CheckStaffPassword(ctx, tt[0], tt[1]); !errors.Is(err, store.ErrBadLogin) {
				t.Errorf("CheckStaffPassword(%q, %q) = %v, want ErrBadLogin", tt[0], tt[1], err)
			}
		}

		if err := db.SetStaffPassword(ctx, "rina", "sandi-baru-99", "staff:admin", now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CheckStaffPassword(ctx, "rina", "kata-sandi-1"); !errors.Is(err, store.ErrBadLogin) {
			t.Errorf("old password still works: %v", err)
		}
		if _, err := db.CheckStaffPassword(ctx, "rina", "sandi-baru-99"); err != nil {
			t.Errorf("new password: %v", err)
		}
		if err := db.SetStaffPassword(ctx, "ghost", "sandi-baru-99", "x", now); !errors.Is(err, store.ErrStaffNotFound) {
			t.Errorf("SetStaffPassword(ghost) = %v, want not found", err)
		}

		list, err := db.ListStaff(ctx)
		if err != nil || len(list) != 2 || list[0].Username != "admin" || !list[0].IsAdmin() || list[1].Username != "rina" {
			t.Errorf("ListStaff = %+v, %v", list, err)
		}
		var audits int
		if err := db.Get(&audits, `SELECT COUNT(*) FROM audit_log WHERE entity = 'staff_user'`); err != nil || audits != 3 {
			t.Errorf("audit rows = %d, %v; want 3 (2 adds, 1 password change)", audits, err)
		}
	})
}
