package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/config"
	"jejaring/internal/contact"
	"jejaring/internal/idn"
	"jejaring/internal/store"
)

// runStaff is `jejaring staff grant|revoke|list`: staff rights on chat for
// WhatsApp and Telegram contacts, each linked to a staff user and audited
// (store/staff_rights.go). A contact is named by its id or its platform
// address, never by a phone number someone typed.
func runStaff(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("staff", flag.ContinueOnError)
	fs.SetOutput(s.err)
	user := fs.String("user", "", "the staff user (jejaring user) the contact is linked to; required for grant")
	flags := config.AddFlags(fs, dbVars()...)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage:")
		fmt.Fprintln(w, "  jejaring staff grant CONTACT -user NAME   beri hak petugas / give staff rights, linked to staff user NAME")
		fmt.Fprintln(w, "  jejaring staff revoke CONTACT             cabut hak petugas / take staff rights away")
		fmt.Fprintln(w, "  jejaring staff list                       daftar kontak petugas / list staff contacts")
		fmt.Fprintln(w, "\nCONTACT is a contact id (12) or a platform address: telegram:<user id>, whatsapp:<id>.")
		fmt.Fprintln(w, "Only WhatsApp and Telegram contacts; never the web chat, never a typed phone number.")
		fmt.Fprintln(w, "A staff member can also link their own chat: `jejaring user link NAME` prints a one-time code")
		fmt.Fprintln(w, "they send as KODEPETUGAS from WhatsApp or Telegram.")
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	want := map[string]int{"grant": 2, "revoke": 2, "list": 1}
	if len(pos) == 0 || want[pos[0]] != len(pos) || (pos[0] == "grant" && *user == "") {
		fs.Usage()
		return 2
	}
	db, _, code := openDB(ctx, s, flags.Load, migrated)
	if db == nil {
		return code
	}
	defer db.Close()

	if pos[0] == "list" {
		cs, err := db.ListStaffContacts(ctx)
		if err != nil {
			return s.failf("%v", err)
		}
		if len(cs) == 0 {
			fmt.Fprintln(s.out, "Belum ada kontak petugas. / No staff contacts yet.")
		}
		for _, c := range cs {
			state := "aktif / active"
			switch {
			case c.Username == "":
				state = "TIDAK BERLAKU: tanpa user petugas / NOT VALID: no staff user (run staff revoke, then grant)"
			case !c.Active():
				state = "nonaktif: user dinonaktifkan / inactive: user disabled"
			}
			fmt.Fprintf(s.out, "%6d  %-8s %-16s %-20s %s\n", c.ContactID, c.Channel, maskAddress(c.Channel, c.ExternalID), dashIfEmpty(c.Username), state)
		}
		return 0
	}
	c, err := findStaffContact(ctx, db, pos[1])
	if err != nil {
		return s.failf("staff %s: %v", pos[0], err)
	}
	if pos[0] == "grant" {
		sc, err := db.GrantStaff(ctx, c.ID, *user, "cli", time.Now())
		switch {
		case errors.Is(err, store.ErrStaffNotFound):
			return s.failf("staff grant: tidak ada user petugas %s / no staff user %s (create it with `jejaring user add %s`)", *user, *user, *user)
		case err != nil:
			return s.failf("staff grant: %v", err)
		}
		fmt.Fprintf(s.out, "Kontak %d (%s) sekarang petugas, tertaut ke %s. / Contact %d (%s) is now staff, linked to %s.\n",
			sc.ContactID, sc.Channel, sc.Username, sc.ContactID, sc.Channel, sc.Username)
		return 0
	}
	had, err := db.RevokeStaff(ctx, c.ID, "cli", time.Now())
	if err != nil {
		return s.failf("staff revoke: %v", err)
	}
	if !had {
		fmt.Fprintf(s.out, "Kontak %d memang bukan petugas. / Contact %d had no staff rights.\n", c.ID, c.ID)
		return 0
	}
	fmt.Fprintf(s.out, "Hak petugas kontak %d dicabut. / Staff rights of contact %d revoked.\n", c.ID, c.ID)
	return 0
}

// findStaffContact reads CONTACT: a contact id, or channel:external id for
// WhatsApp and Telegram. Phone numbers are refused: whoever typed a phone
// into the web chat could otherwise be made staff.
func findStaffContact(ctx context.Context, db *store.DB, ref string) (contact.Contact, error) {
	ref = strings.TrimSpace(ref)
	if ch, ext, ok := strings.Cut(ref, ":"); ok {
		switch ch {
		case "whatsapp", "telegram":
		case "webchat":
			return contact.Contact{}, errors.New("kontak web chat tidak bisa menjadi petugas / web chat contacts cannot be staff")
		default:
			return contact.Contact{}, fmt.Errorf("channel %q: want whatsapp:<id> or telegram:<id>", ch)
		}
		c, err := db.ContactByAddress(ctx, ch, ext)
		if errors.Is(err, contact.ErrNotFound) {
			return c, fmt.Errorf("tidak ada kontak %s / no contact %s (they must write to the bot first)", ref, ref)
		}
		return c, err
	}
	if ref == "" || ref[0] == '0' || ref[0] == '+' {
		return contact.Contact{}, fmt.Errorf("%q: give a contact id or whatsapp:<id> / telegram:<id>; a phone number is not accepted", ref)
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 {
		return contact.Contact{}, fmt.Errorf("%q: give a contact id or whatsapp:<id> / telegram:<id>", ref)
	}
	c, err := db.ContactByID(ctx, id)
	if errors.Is(err, contact.ErrNotFound) {
		return c, fmt.Errorf("tidak ada kontak %d / no contact %d", id, id)
	}
	return c, err
}

// maskAddress hides a WhatsApp id, which is the phone number.
func maskAddress(ch, ext string) string {
	if ch == "whatsapp" {
		return idn.MaskPhone(ext)
	}
	return ext
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
