package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// TestImportRegisterMatches: a row is the business already registered when
// the NIB, the NIK, a verified phone or name + kecamatan + owner match —
// not when only an unverified phone does; the record's empty fields are
// filled, the rest reported; a dry run writes nothing; undo puts the
// record back and is refused once the owner has changed it.
func TestImportRegisterMatches(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		c := newContact(t, db, "77")
		chat := umkm.Business{Name: "Rendang Uni Ros", OwnerName: "Rosmawati", OwnerPhone: "+6281211112222", RegionCode: "13.01.06",
			Capital: i64(30_000_000), ContactID: &c, Source: umkm.SourceChat}
		chat.Classify()
		if err := repo.CreateBusiness(ctx, &chat, "PSS", bt0); err != nil {
			t.Fatal(err)
		}
		unverified := umkm.Business{Name: "Toko Ani", OwnerName: "Ani", OwnerPhone: "+6281333334444", RegionCode: "13.01.03", Source: umkm.SourceImport}
		if err := repo.CreateBusiness(ctx, &unverified, "PSS", bt0); err != nil {
			t.Fatal(err)
		}
		rows := []umkm.Business{
			// the chat's record, by its verified phone: sales filled, capital differs
			{Name: "RM Uni Ros", OwnerName: "Ros", OwnerPhone: "+6281211112222", Capital: i64(25_000_000), AnnualSales: i64(3_000_000_000)},
			// the same phone as the unverified record, another business
			{Name: "Jahit Budi", OwnerName: "Budi", OwnerPhone: "+6281333334444", RegionCode: "13.01.03"},
			// the unverified record by name + kecamatan + owner
			{Name: "TOKO ANI", OwnerName: "ani", RegionCode: "13.01.03", NIB: "9120001234567", Workers: iptr(2)},
			// an earlier row of this file by NIB
			{Name: "Toko Ani Jaya", NIB: "9120001234567", NIK: "1301014506900001"},
			// a new one, and the same by NIK
			{Name: "Kopi Kawa Daun", OwnerName: "Hendra", NIK: "1301010101900002", RegionCode: "13.01.07"},
			{Name: "Kawa Daun", NIK: "1301010101900002", YearStarted: iptr(2019)},
		}
		for i := range rows {
			rows[i].Classify()
		}
		dry, err := repo.ImportRegister(ctx, append([]umkm.Business(nil), rows...), store.ImportOptions{Prefix: "PSS", Actor: "staff:x", Now: bt0, DryRun: true})
		if err != nil || dry.Inserted != 2 || dry.Filled != 2 || dry.Merged != 4 || dry.BatchID != 0 {
			t.Fatalf("dry run %+v %v", dry, err)
		}
		if l, _ := repo.ListImports(ctx, 0); len(l) != 0 {
			t.Fatalf("dry run made a batch: %+v", l)
		}
		res, err := repo.ImportRegister(ctx, rows, store.ImportOptions{Prefix: "PSS", Actor: "staff:x", FileName: "a.xlsx", Now: bt0.Add(time.Hour), Rows: 7, Refused: 1})
		if err != nil || res.Inserted != 2 || res.Filled != 2 || res.Merged != 4 || res.BatchID == 0 {
			t.Fatalf("import %+v %v", res, err)
		}
		by := map[int]store.ImportMatch{}
		for _, m := range res.Matches {
			by[m.Index] = m
		}
		if by[0].By != "phone" || by[0].RegNo != chat.RegNo || by[2].By != "name" || by[2].RegNo != unverified.RegNo ||
			by[3].By != "nib" || by[3].Earlier != -1 || by[5].By != "nik" || by[5].Earlier != 4 || by[5].RegNo != rows[4].RegNo || rows[4].RegNo == "" {
			t.Errorf("matches %+v", res.Matches)
		}
		if _, ok := by[1]; ok {
			t.Errorf("an unverified phone alone matched: %+v", by[1])
		}
		var capConflict bool
		for _, cf := range res.Conflicts {
			if cf.Index == 0 && cf.Field == "capital" && cf.Have == "30000000" && cf.Got == "25000000" && cf.Verified {
				capConflict = true
			}
		}
		if !capConflict {
			t.Errorf("conflicts %+v", res.Conflicts)
		}
		got, _ := repo.GetBusiness(ctx, chat.ID)
		if *got.Capital != 30_000_000 || got.AnnualSales == nil || *got.AnnualSales != 3_000_000_000 || got.Name != "Rendang Uni Ros" || got.SizeClass != umkm.Kecil {
			t.Errorf("the chat's record %+v", got)
		}
		ani, _ := repo.GetBusiness(ctx, unverified.ID)
		if ani.NIB != "9120001234567" || ani.NIK != "1301014506900001" || ani.Workers == nil {
			t.Errorf("the unverified record %+v", ani)
		}
		list, _ := repo.ListImports(ctx, 0)
		if len(list) != 1 || list[0].Rows != 7 || list[0].Inserted != 2 || list[0].Filled != 2 || list[0].Refused != 1 || list[0].FileName != "a.xlsx" {
			t.Errorf("batches %+v", list)
		}
		// The owner edits the record: the batch cannot be undone, and the
		// refusal names the record.
		got.Address = "Jl. Baru"
		if _, err := repo.UpdateBusiness(ctx, got, "contact:1", bt0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		var refused *store.UndoRefusedError
		if _, err := repo.UndoImport(ctx, res.BatchID, "staff:x", bt0.Add(3*time.Hour)); !errors.As(err, &refused) || refused.Count != 1 || refused.Changed[0] != chat.RegNo {
			t.Fatalf("undo after an edit: %v", err)
		}
		if _, err := repo.UndoImport(ctx, 999, "staff:x", bt0); !errors.Is(err, store.ErrImportNotFound) {
			t.Errorf("undo 999: %v", err)
		}
		b2 := []umkm.Business{{Name: "Songket Silungkang", OwnerName: "Yeni", RegionCode: "13.01.07"},
			{Name: "Toko Ani", OwnerName: "Ani", RegionCode: "13.01.03", Address: "Pasar Kambang", AnnualSales: i64(90_000_000)}}
		res2, err := repo.ImportRegister(ctx, b2, store.ImportOptions{Prefix: "PSS", Actor: "staff:x", Now: bt0.Add(4 * time.Hour)})
		if err != nil || res2.Inserted != 1 || res2.Filled != 1 {
			t.Fatalf("second import %+v %v", res2, err)
		}
		before, _ := repo.GetBusiness(ctx, unverified.ID)
		if before.Address != "Pasar Kambang" || before.SizeClass != umkm.Mikro {
			t.Fatalf("filled %+v", before)
		}
		b, err := repo.UndoImport(ctx, res2.BatchID, "staff:y", bt0.Add(5*time.Hour))
		if err != nil || b.UndoneAt == nil || b.UndoneBy != "staff:y" {
			t.Fatalf("undo: %+v %v", b, err)
		}
		after, _ := repo.GetBusiness(ctx, unverified.ID)
		if after.Address != "" || after.AnnualSales != nil || after.SizeClass != ani.SizeClass || !after.UpdatedAt.Equal(ani.UpdatedAt) {
			t.Errorf("after undo %+v, want as %+v", after, ani)
		}
		// A batch whose records nobody touched is undone: the fields it
		// filled are empty again, the record's class and time as before.
		all, _ := repo.ListBusinesses(ctx, umkm.Filter{})
		if len(all) != 4 {
			t.Errorf("%d businesses after the undo, want 4", len(all))
		}
		if _, err := repo.UndoImport(ctx, res2.BatchID, "staff:y", bt0.Add(6*time.Hour)); !errors.Is(err, store.ErrImportUndone) {
			t.Errorf("undo twice: %v", err)
		}
	})
}
