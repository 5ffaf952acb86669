package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

var bt0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func newContact(t *testing.T, db *store.DB, ext string) int64 {
	t.Helper()
	c, _, err := db.UpsertContact(context.Background(), contact.Seen{Channel: "telegram", ExternalID: ext, DisplayName: "Uni " + ext, Phone: "", At: bt0})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func i64(v int64) *int64 { return &v }
func iptr(v int) *int    { return &v }

func sample(contact int64, phone string) umkm.Business {
	b := umkm.Business{
		OwnerName: "Siti Aminah", OwnerPhone: phone, NIK: "1301014506900001", Name: "Keripik Uni Siti",
		Products: "keripik balado", KBLISection: "C", RegionCode: "13.01.07", Village: "Mandeh", Address: "Jl. Raya Tarusan 1",
		YearStarted: iptr(2015), Workers: iptr(3), Capital: i64(50_000_000), AnnualSales: i64(300_000_000),
	}
	if contact != 0 {
		b.ContactID = &contact
	}
	b.Classify()
	return b
}

func TestBusinessCreateGetDuplicate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		c1 := newContact(t, db, "1")
		b := sample(c1, "+6281234567890")
		b.NIB = "9120001234567"
		if err := repo.CreateBusiness(ctx, &b, "PSS", bt0); err != nil {
			t.Fatal(err)
		}
		if b.RegNo != "PSS-2026-000001" || b.ID == 0 {
			t.Fatalf("reg no %q id %d", b.RegNo, b.ID)
		}
		got, err := repo.GetBusiness(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.OwnerName != "Siti Aminah" || got.OwnerPhone != "+6281234567890" || got.NIK != b.NIK || *got.Capital != 50_000_000 ||
			*got.YearStarted != 2015 || got.SizeClass != umkm.Mikro || got.Source != "chat" || got.Verified || !got.CreatedAt.Equal(bt0) || *got.ContactID != c1 {
			t.Errorf("round trip: %+v", got)
		}
		if byReg, err := repo.BusinessByRegNo(ctx, b.RegNo); err != nil || byReg.ID != b.ID {
			t.Errorf("by reg no: %v %v", byReg, err)
		}

		// Same contact, same phone, same NIB: each is a duplicate.
		c2 := newContact(t, db, "2")
		for _, tc := range []struct {
			contact    int64
			phone, nib string
			by         string
		}{{c1, "+6281111111111", "", "contact"}, {c2, "+6281234567890", "", "phone"}, {c2, "+6281111111111", "9120001234567", "nib"}} {
			d := sample(tc.contact, tc.phone)
			d.NIB = tc.nib
			err := repo.CreateBusiness(ctx, &d, "PSS", bt0)
			var de *umkm.DuplicateError
			if !errors.As(err, &de) || de.By != tc.by || de.Existing.ID != b.ID || !errors.Is(err, umkm.ErrDuplicate) {
				t.Errorf("duplicate by %s: %v", tc.by, err)
			}
		}
		if dup, by, err := repo.FindDuplicate(ctx, c2, "+6281234567890", ""); err != nil || dup.ID != b.ID || by != "phone" {
			t.Errorf("FindDuplicate: %v %s %v", dup, by, err)
		}
		if _, _, err := repo.FindDuplicate(ctx, c2, "+6289999999999", ""); !errors.Is(err, umkm.ErrNotFound) {
			t.Errorf("no duplicate: %v", err)
		}
		if _, err := repo.GetBusiness(ctx, 999); !errors.Is(err, umkm.ErrNotFound) {
			t.Errorf("missing: %v", err)
		}

		// A second business: the next number; a new year starts again at 1.
		b2 := sample(c2, "+6281111111111")
		if err := repo.CreateBusiness(ctx, &b2, "PSS", bt0); err != nil || b2.RegNo != "PSS-2026-000002" {
			t.Fatalf("second: %q %v", b2.RegNo, err)
		}
		b3 := sample(0, "+6282222222222")
		if err := repo.CreateBusiness(ctx, &b3, "PSS", bt0.AddDate(1, 0, 0)); err != nil || b3.RegNo != "PSS-2027-000001" {
			t.Fatalf("next year: %q %v", b3.RegNo, err)
		}
		list, err := repo.BusinessesByContact(ctx, c1)
		if err != nil || len(list) != 1 || list[0].ID != b.ID {
			t.Errorf("by contact: %v %v", list, err)
		}
	})
}

func TestRegNoNeverReusedUnderConcurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		var wg sync.WaitGroup
		var mu sync.Mutex
		seen := map[string]bool{}
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b := sample(0, fmt.Sprintf("+62812000000%02d", i))
				if err := repo.CreateBusiness(ctx, &b, "PSS", bt0); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if seen[b.RegNo] {
					t.Errorf("reg no %s given twice", b.RegNo)
				}
				seen[b.RegNo] = true
			}()
		}
		wg.Wait()
		if len(seen) != 20 || !seen["PSS-2026-000020"] {
			t.Errorf("numbers: %v", seen)
		}
	})
}

func TestUpdateBusinessAudits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		c := newContact(t, db, "1")
		b := sample(c, "+6281234567890")
		if err := repo.CreateBusiness(ctx, &b, "PSS", bt0); err != nil {
			t.Fatal(err)
		}
		b.Name = "Keripik Balado Uni Siti"
		b.AnnualSales = i64(3_000_000_000)
		b.Classify()
		b.NIK = "1301070101850002"
		changes, err := repo.UpdateBusiness(ctx, &b, store.ActorContact(c), bt0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		fields := []string{}
		for _, ch := range changes {
			fields = append(fields, ch.Field)
		}
		if strings.Join(fields, ",") != "nik,name,annual_sales,size_class" {
			t.Errorf("changes %v", fields)
		}
		got, _ := repo.GetBusiness(ctx, b.ID)
		if got.Name != "Keripik Balado Uni Siti" || got.SizeClass != umkm.Kecil || !got.UpdatedAt.Equal(bt0.Add(time.Hour)) {
			t.Errorf("after update: %+v", got)
		}
		audit, err := db.AuditFor(ctx, "business", fmt.Sprint(b.ID))
		if err != nil || len(audit) != 1 {
			t.Fatalf("audit: %v %v", audit, err)
		}
		a := audit[0]
		if a.Actor != store.ActorContact(c) || a.Action != store.AuditBusinessUpdate || !a.At.Equal(bt0.Add(time.Hour)) ||
			!strings.Contains(a.Details, `"old":"Keripik Uni Siti"`) || !strings.Contains(a.Details, `"new":3000000000`) ||
			strings.Contains(a.Details, "1301070101850002") || !strings.Contains(a.Details, "1301********0002") {
			t.Errorf("audit entry: %+v", a)
		}
		// Nothing changed: nothing written.
		if ch, err := repo.UpdateBusiness(ctx, &b, "system", bt0.Add(2*time.Hour)); err != nil || len(ch) != 0 {
			t.Errorf("no-op update: %v %v", ch, err)
		}
		if audit, _ := db.AuditFor(ctx, "business", fmt.Sprint(b.ID)); len(audit) != 1 {
			t.Errorf("no-op update audited: %d", len(audit))
		}
		// A NIB already used by another business is refused.
		o := sample(0, "+6289999999999")
		o.NIB = "9120001234567"
		if err := repo.CreateBusiness(ctx, &o, "PSS", bt0); err != nil {
			t.Fatal(err)
		}
		b.NIB = "9120001234567"
		if _, err := repo.UpdateBusiness(ctx, &b, "system", bt0); !errors.Is(err, umkm.ErrDuplicate) {
			t.Errorf("NIB clash: %v", err)
		}
	})
}

func TestEraseContactKeepsStatistics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		c := newContact(t, db, "1")
		if err := db.SetContactPhone(ctx, c, "+6281234567890", contact.SourceWhatsAppSender, bt0); err != nil {
			t.Fatal(err)
		}
		b := sample(c, "+6281234567890")
		b.NIB = "9120001234567"
		if err := repo.CreateBusiness(ctx, &b, "PSS", bt0); err != nil {
			t.Fatal(err)
		}
		b.Address = "Jl. Baru 2"
		if _, err := repo.UpdateBusiness(ctx, &b, store.ActorContact(c), bt0); err != nil {
			t.Fatal(err)
		}
		other := sample(0, "+6281111111111")
		if err := repo.CreateBusiness(ctx, &other, "PSS", bt0); err != nil {
			t.Fatal(err)
		}
		// An imported record with the owner's phone is theirs too.
		imported := []umkm.Business{sample(0, "+6282222222222")}
		if res, err := repo.ImportBusinesses(ctx, imported, "PSS", "staff:x", bt0, 0, false); err != nil || res.Inserted != 1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		// The contact's own (platform-verified) phone finds it.
		if err := db.SetContactPhone(ctx, c, "+6282222222222", contact.SourceWhatsAppSender, bt0); err != nil {
			t.Fatal(err)
		}
		if mine, err := repo.BusinessesOf(ctx, c, "+6282222222222"); err != nil || len(mine) != 2 {
			t.Fatalf("businesses of the contact: %d %v", len(mine), err)
		}
		if mine, _ := repo.BusinessesOf(ctx, c, ""); len(mine) != 1 {
			t.Fatalf("businesses of the contact without phone: %d", len(mine))
		}
		er, err := repo.EraseContact(ctx, c, store.ActorContact(c), bt0.Add(time.Minute))
		if err != nil || len(er.Businesses) != 2 {
			t.Fatalf("delete: %+v %v", er, err)
		}
		got, err := repo.GetBusiness(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.OwnerName != "" || got.OwnerPhone != "" || got.NIK != "" || got.NIB != "" || got.Name != "" || got.Address != "" ||
			got.ContactID != nil || got.DeletedAt == nil {
			t.Errorf("personal data left: %+v", got)
		}
		if got.RegNo != b.RegNo || got.SizeClass != umkm.Mikro || got.RegionCode != "13.01.07" || got.KBLISection != "C" {
			t.Errorf("statistics fields lost: %+v", got)
		}
		// Exact figures would point at one shop: only bands stay.
		if got.Capital != nil || got.AnnualSales != nil || got.Workers != nil || got.YearStarted != nil {
			t.Errorf("exact figures kept: %+v", got)
		}
		var band string
		var decade int
		if err := db.QueryRowxContext(ctx, db.Rebind(`SELECT workers_band, started_decade FROM businesses WHERE id = ?`), b.ID).Scan(&band, &decade); err != nil ||
			band != "1-4" || decade != 2010 {
			t.Errorf("bands: %q %d %v", band, decade, err)
		}
		contact, err := db.ContactByID(ctx, c)
		if err != nil || contact.Phone != "" || contact.DisplayName != "" || !contact.Stopped {
			t.Errorf("contact not anonymized: %+v %v", contact, err)
		}
		audit, _ := db.AuditFor(ctx, "business", fmt.Sprint(b.ID))
		for _, a := range audit {
			if strings.Contains(a.Details, "Jl.") {
				t.Errorf("audit still holds personal data: %s", a.Details)
			}
		}
		if del, _ := db.AuditFor(ctx, "contact", fmt.Sprint(c)); len(del) != 1 || del[0].Action != store.AuditDataDelete {
			t.Errorf("delete not audited: %v", del)
		}
		stats, err := repo.BusinessStats(ctx)
		if err != nil || stats.Total != 3 {
			t.Errorf("stats after delete: %+v %v", stats, err)
		}
		live, _ := repo.ListBusinesses(ctx, umkm.Filter{})
		all, _ := repo.ListBusinesses(ctx, umkm.Filter{IncludeDeleted: true})
		if len(live) != 1 || len(all) != 3 {
			t.Errorf("list: %d live, %d all", len(live), len(all))
		}
		// The phone is free again: the owner may register anew.
		again := sample(c, "+6281234567890")
		if err := repo.CreateBusiness(ctx, &again, "PSS", bt0); err != nil || again.RegNo == b.RegNo {
			t.Errorf("register after delete: %s %v", again.RegNo, err)
		}
	})
}

func TestBusinessStatsAndList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		rows := []struct {
			region, section string
			capital         int64
		}{{"13.01.07", "C", 1e8}, {"13.01.07", "G", 2e9}, {"13.01.05", "G", 6e9}, {"13.01.05", "I", 1e9}}
		for i, r := range rows {
			b := sample(0, fmt.Sprintf("+628120000000%d", i))
			b.RegionCode, b.KBLISection, b.Capital, b.AnnualSales = r.region, r.section, i64(r.capital), nil
			b.Classify()
			b.Verified = i == 0
			if err := repo.CreateBusiness(ctx, &b, "PSS", bt0); err != nil {
				t.Fatal(err)
			}
		}
		s, err := repo.BusinessStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Total != 4 || s.Verified != 1 {
			t.Errorf("totals %+v", s)
		}
		want := "kecil:1 menengah:1 mikro:2"
		if got := counts(s.BySizeClass); got != want {
			t.Errorf("by size %s, want %s", got, want)
		}
		if got := counts(s.ByRegion); got != "13.01.05:2 13.01.07:2" {
			t.Errorf("by region %s", got)
		}
		if got := counts(s.BySection); got != "C:1 G:2 I:1" {
			t.Errorf("by section %s", got)
		}
		l, err := repo.ListBusinesses(ctx, umkm.Filter{RegionCode: "13.01.05", SizeClass: umkm.Menengah})
		if err != nil || len(l) != 1 || l[0].KBLISection != "G" {
			t.Errorf("filtered list %v %v", l, err)
		}
		page, _ := repo.ListBusinesses(ctx, umkm.Filter{Limit: 2, Offset: 2})
		if len(page) != 2 || page[0].RegNo != "PSS-2026-000003" {
			t.Errorf("page %v", page)
		}
	})
}

func counts(cs []umkm.Count) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s:%d", c.Key, c.Count))
	}
	return strings.Join(parts, " ")
}

func TestImportBusinesses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		existing := sample(0, "+6281200000001")
		if err := repo.CreateBusiness(ctx, &existing, "PSS", bt0); err != nil {
			t.Fatal(err)
		}
		var bs []umkm.Business
		for i := range 7 {
			bs = append(bs, sample(0, fmt.Sprintf("+628120000000%d", i)))
		}
		bs[5].OwnerPhone = "+6281200000002" // same as row 2
		bs[6].OwnerPhone = ""
		bs[6].NIB = "9120001234567"
		dry, err := repo.ImportBusinesses(ctx, append([]umkm.Business(nil), bs...), "PSS", "staff:admin", bt0, 3, true)
		if err != nil || dry.Inserted != 5 || len(dry.Duplicates) != 2 {
			t.Fatalf("dry run: %+v %v", dry, err)
		}
		if l, _ := repo.ListBusinesses(ctx, umkm.Filter{}); len(l) != 1 {
			t.Fatalf("dry run wrote %d rows", len(l))
		}
		res, err := repo.ImportBusinesses(ctx, bs, "PSS", "staff:admin", bt0, 3, false)
		if err != nil || res.Inserted != 5 || len(res.Duplicates) != 2 {
			t.Fatalf("import: %+v %v", res, err)
		}
		if d := res.Duplicates[0]; d.Index != 1 || d.Existing != existing.RegNo || d.By != "phone" {
			t.Errorf("first duplicate %+v", d)
		}
		if d := res.Duplicates[1]; d.Index != 5 || d.Existing != "" {
			t.Errorf("second duplicate %+v", d)
		}
		l, _ := repo.ListBusinesses(ctx, umkm.Filter{Source: umkm.SourceImport})
		if len(l) != 5 || l[0].Verified || l[0].Source != "import" {
			t.Errorf("imported rows %d", len(l))
		}
	})
}
