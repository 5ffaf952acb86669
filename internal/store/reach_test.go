package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/reach"
)

// reachFixture: one business per status, in two kecamatan.
func reachFixture(t *testing.T, db *store.DB) map[reach.Status]int64 {
	t.Helper()
	ctx := context.Background()
	repo := store.NewBusinessRepo(db)
	contactOn := func(ch, ext string) int64 {
		c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: ch, ExternalID: ext, At: bt0})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	ids := map[reach.Status]int64{}
	add := func(st reach.Status, contactID int64, phone, region string) {
		b := sample(contactID, phone)
		b.NIK, b.RegionCode, b.Name = "", region, "Usaha "+string(st)
		if err := repo.CreateBusiness(ctx, &b, "PSS", bt0); err != nil {
			t.Fatal(err)
		}
		ids[st] = b.ID
	}
	add(reach.WhatsApp, contactOn("whatsapp", "6281200000001"), "+6281200000001", "13.01.07")
	add(reach.Telegram, contactOn("telegram", "7001"), "", "13.01.07")
	add(reach.WebChat, contactOn("webchat", "w-1"), "", "13.01.03")
	stopped := contactOn("telegram", "7002")
	if err := db.SetContactStopped(ctx, stopped, true); err != nil {
		t.Fatal(err)
	}
	add(reach.Stopped, stopped, "", "13.01.03")
	// Two records as an import leaves them: no chat, one with a phone.
	imp := []umkm.Business{
		{OwnerName: "Rina", OwnerPhone: "+6281377778888", Name: "Lapau Rina", RegionCode: "13.01.03", Source: umkm.SourceImport},
		{OwnerName: "Darman", Name: "Bengkel Darman", RegionCode: "13.01.03", Source: umkm.SourceImport},
	}
	for i, st := range []reach.Status{reach.PhoneOnly, reach.NoPhone} {
		if err := repo.CreateBusiness(ctx, &imp[i], "PSS", bt0); err != nil {
			t.Fatal(err)
		}
		ids[st] = imp[i].ID
	}
	return ids
}

func TestReachOfAndFunnel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		ids := reachFixture(t, db)
		var all []int64
		for _, id := range ids {
			all = append(all, id)
		}
		got, err := repo.ReachOf(ctx, append(all, 999999))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ids) {
			t.Errorf("ReachOf: %d statuses, want %d: %v", len(got), len(ids), got)
		}
		for st, id := range ids {
			if got[id] != st {
				t.Errorf("business %d: status %q, want %q", id, got[id], st)
			}
		}

		f, err := repo.ReachFunnel(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.Total.Total != 6 || f.Total.Reachable() != 3 || f.Total.Stopped() != 1 || f.Total.NeverWrote() != 2 || f.Total.Imported != 2 {
			t.Errorf("funnel total %+v", f.Total)
		}
		if len(f.Rows) != 2 || f.Rows[0].RegionCode != "13.01.03" || f.Rows[0].Total != 4 || f.Rows[1].Reachable() != 2 {
			t.Errorf("funnel rows %+v", f.Rows)
		}
		// The imported ones are not confirmed; the chat ones are (sample
		// is not verified: none is).
		if f.Total.Confirmed != 0 {
			t.Errorf("confirmed %d", f.Total.Confirmed)
		}

		c, err := repo.SegmentReach(ctx, event.Segment{RegionCodes: []string{"13.01.03"}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Total != 4 || c.Reachable() != 1 || c.NeverWrote() != 2 || c.Stopped() != 1 {
			t.Errorf("segment reach %+v", c)
		}
		if s := reach.LeftOut(c, "id"); s[:len("4 sesuai; 1 bisa dihubungi lewat chat; 2 belum pernah menghubungi kami")] != "4 sesuai; 1 bisa dihubungi lewat chat; 2 belum pernah menghubungi kami" {
			t.Errorf("left out: %s", s)
		}

		// The directory's reach filter agrees with ReachOf.
		for _, f := range reach.Filters() {
			page, err := repo.SearchBusinesses(ctx, umkm.Search{Reach: string(f), Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			want, _ := f.Statuses()
			if page.Total != len(want) {
				t.Errorf("filter %s: %d, want %d", f, page.Total, len(want))
			}
			for _, b := range page.Businesses {
				if st := got[b.ID]; !containsStatus(want, st) {
					t.Errorf("filter %s found %s (%s)", f, b.Name, st)
				}
			}
		}
	})
}

func containsStatus(sts []reach.Status, s reach.Status) bool {
	for _, x := range sts {
		if x == s {
			return true
		}
	}
	return false
}

// TestEraseReachesCampaignMessages: hapusdata from the owner's WhatsApp
// blanks the first-contact message sent to their imported record (a row
// without a contact), its phone in the dedupe key included.
func TestEraseReachesCampaignMessages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		b := umkm.Business{OwnerName: "Rina", OwnerPhone: "+6281377778888", Name: "Lapau Rina", RegionCode: "13.01.03", Source: umkm.SourceImport}
		if err := repo.CreateBusiness(ctx, &b, "PSS", bt0); err != nil {
			t.Fatal(err)
		}
		if _, err := repo.StartCampaign(ctx, nil, 10, "staff:admin", bt0); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 12, 1, 10, 0, 0, 0, idn.WIB)
		if st, err := repo.CampaignTick(ctx, reach.DefaultPace(), reach.Office{Name: "Dinas"}, false, "", nil, at); err != nil || st.Kind != reach.Send {
			t.Fatalf("tick %+v %v", st, err)
		}
		c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "whatsapp", ExternalID: "6281377778888", Phone: "+6281377778888", PhoneSource: contact.SourceWhatsAppSender, At: at})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := repo.EraseContact(ctx, c.ID, "contact:1", at); err != nil {
			t.Fatal(err)
		}
		var rows []struct {
			Payload string `db:"payload"`
			Ext     string `db:"external_id"`
			Key     string `db:"dedupe_key"`
			Status  string `db:"status"`
		}
		if err := db.SelectContext(ctx, &rows, `SELECT payload, external_id, dedupe_key, status FROM outbox WHERE kind = 'campaign'`); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || strings.Contains(rows[0].Payload, "Rina") || rows[0].Ext != "" || strings.Contains(rows[0].Key, "778888") || rows[0].Status != "cancelled" {
			t.Errorf("campaign row after the erasure: %+v", rows)
		}
	})
}
