package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

func TestConsents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newContact(t, db, "1")
		if ok, err := db.HasConsent(ctx, c, "data_processing"); err != nil || ok {
			t.Fatalf("before any answer: %v %v", ok, err)
		}
		yes := contact.Consent{ContactID: c, Purpose: "data_processing", Granted: true, NoticeVersion: "2026-11-v1", Reply: "ya", MessageID: "m1", Channel: "telegram", CreatedAt: bt0}
		if err := db.RecordConsent(ctx, &yes); err != nil || yes.ID == 0 {
			t.Fatal(err)
		}
		no := yes
		no.Granted, no.Reply, no.MessageID, no.CreatedAt = false, "hapusdata", "m2", bt0.Add(time.Hour)
		if err := db.RecordConsent(ctx, &no); err != nil {
			t.Fatal(err)
		}
		last, err := db.LatestConsent(ctx, c, "data_processing")
		if err != nil || last.Granted || last.MessageID != "m2" || last.NoticeVersion != "2026-11-v1" || !last.CreatedAt.Equal(bt0.Add(time.Hour)) {
			t.Errorf("latest: %+v %v", last, err)
		}
		if ok, _ := db.HasConsent(ctx, c, "data_processing"); ok {
			t.Error("withdrawn consent still counts")
		}
		all, err := db.ConsentsOf(ctx, c)
		if err != nil || len(all) != 2 || !all[0].Granted {
			t.Errorf("all: %v %v", all, err)
		}
		if _, err := db.LatestConsent(ctx, c, "show_to_partners"); !errors.Is(err, contact.ErrNotFound) {
			t.Errorf("no partner consent: %v", err)
		}
		if err := db.RecordConsent(ctx, &contact.Consent{ContactID: c}); err == nil {
			t.Error("consent without purpose accepted")
		}
	})
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.AddAudit(ctx, bt0, "staff:admin", store.AuditDataView, "business", "7", map[string]string{"why": "call"}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAudit(ctx, bt0, "contact:3", store.AuditDataView, "contact", "3", nil); err != nil {
			t.Fatal(err)
		}
		es, err := db.AuditFor(ctx, "business", "7")
		if err != nil || len(es) != 1 || es[0].Details != `{"why":"call"}` || !es[0].At.Equal(bt0) {
			t.Errorf("audit for: %+v %v", es, err)
		}
		es, err = db.AuditByActor(ctx, "contact:3")
		if err != nil || len(es) != 1 || es[0].Details != "" {
			t.Errorf("audit by: %+v %v", es, err)
		}
	})
}
