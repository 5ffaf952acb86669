package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestStaffCommands: `jejaring staff grant|revoke|list` and `jejaring user
// link|disable` on both databases: Telegram contacts by address or id are
// granted and audited; web chat contacts and typed phone numbers refused.
func TestStaffCommands(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dir := t.TempDir()
			env := envOf("DATA_DIR=" + dir)
			dbURL := ""
			if dialect == "postgres" {
				dbURL = storetest.URL(t)
				env = envOf("DATABASE_URL=" + dbURL)
			}
			if code, _, errOut := runIn(t, "kata-sandi-rina\n", env, "user", "add", "rina"); code != 0 {
				t.Fatalf("user add: %d %s", code, errOut)
			}
			db, err := store.Open(ctx, dbURL, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			now := time.Now()
			web, _, _ := db.UpsertContact(ctx, contact.Seen{Channel: "webchat", ExternalID: "web-client-9", At: now})
			tg, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "4242", DisplayName: "Rina", At: now})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"staff", "grant", "webchat:web-client-9", "-user", "rina"}, "web chat"},
				{[]string{"staff", "grant", fmt.Sprint(web.ID), "-user", "rina"}, "only for WhatsApp or Telegram"},
				{[]string{"staff", "grant", "081234567890", "-user", "rina"}, "phone number is not accepted"},
				{[]string{"staff", "grant", "+6281234567890", "-user", "rina"}, "phone number is not accepted"},
				{[]string{"staff", "grant", "telegram:4242", "-user", "ghost"}, "no staff user ghost"},
				{[]string{"staff", "grant", "telegram:9999", "-user", "rina"}, "no contact telegram:9999"},
				{[]string{"user", "link", "ghost"}, "no staff user ghost"},
			} {
				if code, _, errOut := runIn(t, "", env, c.args...); code != 1 || !strings.Contains(errOut, c.want) {
					t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errOut, c.want)
				}
			}
			if code, _, _ := runIn(t, "", env, "staff", "grant", "telegram:4242"); code != 2 {
				t.Errorf("grant without -user: exit %d, want 2", code)
			}
			code, out, errOut := runIn(t, "", env, "staff", "grant", "telegram:4242", "-user", "rina")
			if code != 0 || !strings.Contains(out, "sekarang petugas, tertaut ke rina") {
				t.Fatalf("grant: %d %q %q", code, out, errOut)
			}
			if _, err := db.StaffOf(ctx, tg.ID); err != nil {
				t.Errorf("no rights after grant: %v", err)
			}
			code, out, _ = runIn(t, "", env, "staff", "list")
			if code != 0 || !regexp.MustCompile(`telegram\s+4242\s+rina\s+aktif`).MatchString(out) {
				t.Errorf("list: %d %q", code, out)
			}
			code, out, _ = runIn(t, "", env, "staff", "revoke", fmt.Sprint(tg.ID))
			if code != 0 || !strings.Contains(out, "dicabut") {
				t.Errorf("revoke: %d %q", code, out)
			}
			if _, err := db.StaffOf(ctx, tg.ID); !errors.Is(err, store.ErrStaffNotFound) {
				t.Errorf("rights after revoke: %v", err)
			}
			audit, _ := db.AuditFor(ctx, "contact", fmt.Sprint(tg.ID))
			if len(audit) != 2 || audit[0].Action != store.AuditStaffGrant || audit[1].Action != store.AuditStaffRevoke || audit[0].Actor != "cli" {
				t.Errorf("audit: %+v", audit)
			}

			code, out, _ = runIn(t, "", env, "user", "link", "rina")
			m := regexp.MustCompile(`Kode petugas untuk rina: ([A-Z0-9]{5}-[A-Z0-9]{5})`).FindStringSubmatch(out)
			if code != 0 || m == nil || !strings.Contains(out, "KODEPETUGAS") {
				t.Fatalf("user link: %d %q", code, out)
			}
			if _, err := db.LinkStaff(ctx, tg.ID, m[1], time.Now()); err != nil {
				t.Errorf("the printed code does not link: %v", err)
			}
			if code, out, _ := runIn(t, "", env, "user", "disable", "rina"); code != 0 || !strings.Contains(out, "dinonaktifkan") {
				t.Errorf("user disable: %d %q", code, out)
			}
			if _, err := db.StaffOf(ctx, tg.ID); !errors.Is(err, store.ErrStaffNotFound) {
				t.Errorf("rights after the user was disabled: %v", err)
			}
			if code, out, _ := runIn(t, "", env, "staff", "list"); code != 0 || !strings.Contains(out, "nonaktif") {
				t.Errorf("list after disable: %d %q", code, out)
			}
		})
	}
}
