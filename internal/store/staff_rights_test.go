package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

func contactOn(t *testing.T, db *store.DB, ch, ext string, at time.Time) int64 {
	t.Helper()
	c, _, err := db.UpsertContact(context.Background(), contact.Seen{Channel: ch, ExternalID: ext, DisplayName: "Petugas " + ext, At: at})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func actions(t *testing.T, db *store.DB, entity, id string) []string {
	t.Helper()
	es, err := db.AuditFor(context.Background(), entity, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Actor+" "+e.Action)
	}
	return out
}

// TestStaffGrantRevoke: rights only for WhatsApp/Telegram contacts linked
// to an enabled staff user; is_staff set by hand gives none; every change is
// audited; disabling the user takes the rights away.
func TestStaffGrantRevoke(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		if _, err := db.AddStaff(ctx, "rina", "kata-sandi-1", false, "cli", now); err != nil {
			t.Fatal(err)
		}
		web := contactOn(t, db, "webchat", "web-client-1", now)
		tg := contactOn(t, db, "telegram", "777001", now)

		if _, err := db.GrantStaff(ctx, web, "rina", "cli", now); !errors.Is(err, store.ErrStaffChannel) {
			t.Errorf("web chat grant: %v, want ErrStaffChannel", err)
		}
		// The office's old way: is_staff by hand. No rights from it.
		if err := db.SetContactStaff(ctx, web, true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.StaffOf(ctx, web); !errors.Is(err, store.ErrStaffNotFound) {
			t.Errorf("hand-set is_staff gave rights: %v", err)
		}
		if _, err := db.GrantStaff(ctx, tg, "ghost", "cli", now); !errors.Is(err, store.ErrStaffNotFound) {
			t.Errorf("grant to a missing user: %v", err)
		}

		sc, err := db.GrantStaff(ctx, tg, "Rina", "cli", now)
		if err != nil || sc.Username != "rina" || sc.Channel != "telegram" {
			t.Fatalf("grant: %+v %v", sc, err)
		}
		if u, err := db.StaffOf(ctx, tg); err != nil || u.Username != "rina" {
			t.Fatalf("StaffOf after grant: %+v %v", u, err)
		}
		if c, _ := db.ContactByID(ctx, tg); !c.IsStaff {
			t.Error("contact not marked staff")
		}
		list, err := db.ListStaffContacts(ctx)
		if err != nil || len(list) != 2 {
			t.Fatalf("list: %+v %v", list, err)
		}
		for _, c := range list {
			if (c.ContactID == tg) != c.Active() {
				t.Errorf("list entry %+v: active %v", c, c.Active())
			}
		}

		if err := db.SetStaffDisabled(ctx, "rina", true, "cli", now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.StaffOf(ctx, tg); !errors.Is(err, store.ErrStaffNotFound) {
			t.Errorf("disabled user still gives rights: %v", err)
		}
		if err := db.SetStaffDisabled(ctx, "rina", false, "cli", now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.StaffOf(ctx, tg); err != nil {
			t.Errorf("enabled again: %v", err)
		}

		if had, err := db.RevokeStaff(ctx, tg, "cli", now); err != nil || !had {
			t.Fatalf("revoke: %v %v", had, err)
		}
		if _, err := db.StaffOf(ctx, tg); !errors.Is(err, store.ErrStaffNotFound) {
			t.Errorf("revoked contact keeps rights: %v", err)
		}
		if c, _ := db.ContactByID(ctx, tg); c.IsStaff {
			t.Error("revoked contact still marked staff")
		}
		if had, _ := db.RevokeStaff(ctx, tg, "cli", now); had {
			t.Error("second revoke reports rights")
		}
		if got := strings.Join(actions(t, db, "contact", fmt.Sprint(tg)), ", "); got != "cli staff.grant, cli staff.revoke" {
			t.Errorf("contact audit: %s", got)
		}
		u, _ := db.StaffByUsername(ctx, "rina")
		if got := strings.Join(actions(t, db, "staff_user", fmt.Sprint(u.ID)), ", "); !strings.Contains(got, "cli staff.disable, cli staff.enable") {
			t.Errorf("user audit: %s", got)
		}
	})
}

// TestStaffLinkCode: the code of `jejaring user link` links the contact that
// sends it from WhatsApp or Telegram, once, within 15 minutes; the web chat
// is refused without using the code up; only a hash is stored.
func TestStaffLinkCode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		if _, err := db.AddStaff(ctx, "budi", "kata-sandi-2", false, "cli", now); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.NewLinkCode(ctx, "ghost", "cli", now); !errors.Is(err, store.ErrStaffNotFound) {
			t.Errorf("code for a missing user: %v", err)
		}
		code, exp, err := db.NewLinkCode(ctx, "budi", "cli", now)
		if err != nil || len(code) != 11 || !exp.Equal(now.Add(store.LinkCodeTTL)) {
			t.Fatalf("code %q expires %v: %v", code, exp, err)
		}
		var stored int
		if err := db.GetContext(ctx, &stored, db.Rebind(`SELECT COUNT(*) FROM staff_link_codes WHERE code_hash LIKE ?`), "%"+strings.ReplaceAll(code, "-", "")+"%"); err != nil || stored != 0 {
			t.Errorf("the code itself is stored: %d %v", stored, err)
		}
		web := contactOn(t, db, "webchat", "web-client-2", now)
		wa := contactOn(t, db, "whatsapp", "6281299990000", now)
		tg := contactOn(t, db, "telegram", "777002", now)

		if _, err := db.LinkStaff(ctx, web, code, now.Add(time.Minute)); !errors.Is(err, store.ErrStaffChannel) {
			t.Errorf("web chat: %v, want ErrStaffChannel", err)
		}
		if _, err := db.LinkStaff(ctx, wa, "ABCDE-FGHJK", now.Add(time.Minute)); !errors.Is(err, store.ErrBadLinkCode) {
			t.Errorf("wrong code: %v", err)
		}
		// Typed in lower case with a space instead of the dash: fine.
		typed := strings.ToLower(strings.Replace(code, "-", " ", 1))
		sc, err := db.LinkStaff(ctx, wa, typed, now.Add(2*time.Minute))
		if err != nil || sc.Username != "budi" {
			t.Fatalf("link: %+v %v", sc, err)
		}
		if u, err := db.StaffOf(ctx, wa); err != nil || u.Username != "budi" {
			t.Errorf("StaffOf after link: %+v %v", u, err)
		}
		if _, err := db.LinkStaff(ctx, tg, code, now.Add(3*time.Minute)); !errors.Is(err, store.ErrBadLinkCode) {
			t.Errorf("reused code: %v", err)
		}
		late, _, err := db.NewLinkCode(ctx, "budi", "cli", now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.LinkStaff(ctx, tg, late, now.Add(store.LinkCodeTTL+time.Second)); !errors.Is(err, store.ErrBadLinkCode) {
			t.Errorf("expired code: %v", err)
		}
		if _, err := db.StaffOf(ctx, tg); !errors.Is(err, store.ErrStaffNotFound) {
			t.Errorf("refused contact got rights: %v", err)
		}
		if got := strings.Join(actions(t, db, "contact", fmt.Sprint(wa)), ", "); got != fmt.Sprintf("contact:%d staff.link", wa) {
			t.Errorf("link audit: %s", got)
		}
	})
}
