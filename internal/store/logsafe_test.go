package store_test

import (
	"context"
	"strings"
	"testing"

	"jejaring/internal/contact"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestStoreErrorsCarryIDsNotNames: an error from the store ends up in a log
// line (the bot logs why a contact got an apology), so it names ids, never
// the business name or the owner's phone. PostgreSQL refuses a NUL, which
// makes both fail here without help.
func TestStoreErrorsCarryIDsNotNames(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.Postgres)
	ctx := context.Background()
	cid := newContact(t, db, "777001")
	b := sample(cid, "+6281234567890")
	b.Name = "Rahasia Dapur\x00 Uni"
	err := store.NewBusinessRepo(db).CreateBusiness(ctx, &b, "PSS", bt0)
	if err == nil {
		t.Fatal("a NUL in a business name was stored on PostgreSQL")
	}
	if strings.Contains(err.Error(), "Rahasia") || strings.Contains(err.Error(), "Siti") {
		t.Errorf("error names the business or its owner: %v", err)
	}
	_, _, err = db.UpsertContact(ctx, contact.Seen{Channel: "whatsapp", ExternalID: "6281234567890", DisplayName: "Siti\x00", At: bt0})
	if err == nil {
		t.Fatal("a NUL in a display name was stored on PostgreSQL")
	}
	if strings.Contains(err.Error(), "81234567890") || strings.Contains(err.Error(), "Siti") {
		t.Errorf("error names the phone or the name: %v", err)
	}
}
