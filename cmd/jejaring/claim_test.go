package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// `jejaring claim REG_NO` prints the record's token with the words the
// owner types; --new replaces it; both are audited; an unknown number
// fails kindly.
func TestClaimCommand(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewBusinessRepo(db)
		b := umkm.Business{OwnerName: "Rina", OwnerPhone: "+6281377778888", Name: "Lapau Rina", RegionCode: "13.01.03"}
		if err := repo.CreateBusiness(ctx, &b, "PSS", importNow); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		if code := runClaim(ctx, db, []string{b.RegNo}, &out, &errb); code != 0 {
			t.Fatalf("claim: %d %s", code, errb.String())
		}
		if !strings.Contains(out.String(), "KONFIRMASI "+b.ClaimToken) || !strings.Contains(out.String(), "?start=konfirmasi_"+b.ClaimToken) {
			t.Errorf("output:\n%s", out.String())
		}
		out.Reset()
		if code := runClaim(ctx, db, []string{b.RegNo, "--new", "--by", "rina"}, &out, &errb); code != 0 {
			t.Fatalf("claim --new: %d %s", code, errb.String())
		}
		now, _ := repo.GetBusiness(ctx, b.ID)
		if now.ClaimToken == b.ClaimToken || !strings.Contains(out.String(), now.ClaimToken) {
			t.Errorf("--new kept the token:\n%s", out.String())
		}
		if a, _ := db.AuditByActor(ctx, "staff:rina"); len(a) != 1 || a[0].Action != store.AuditClaimToken || strings.Contains(a[0].Details, now.ClaimToken) {
			t.Errorf("audit %+v", a)
		}
		errb.Reset()
		if code := runClaim(ctx, db, []string{"PSS-1999-000009"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "tidak ada usaha") {
			t.Errorf("unknown: %d %s", code, errb.String())
		}
		if code := runClaim(ctx, db, nil, &out, &errb); code != 2 {
			t.Errorf("no argument: %d", code)
		}
	})
}
