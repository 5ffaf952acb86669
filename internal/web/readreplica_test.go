package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/web"
)

// TestDirectoryReadsTheReplica: with the directory and stats stores on a
// replica (DATABASE_READ_URL, as internal/app wires them) the directory
// and the home page's counts come from the replica, while signing in (a
// write) stays on the primary. The "replica" here is a
// second schema holding a record the primary lacks.
func TestDirectoryReadsTheReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	primary := storetest.New(t, store.Postgres)
	replica := storetest.New(t, store.Postgres)
	for _, db := range []*store.DB{primary, replica} {
		name := "Toko Utama"
		if db == replica {
			name = "Warung Replika"
		}
		b := umkm.Business{Name: name, OwnerName: "Siti Aminah", OwnerPhone: "+6281234567801", RegionCode: "13.01.07",
			KBLISection: "C", SizeClass: umkm.Mikro, Source: umkm.SourceImport}
		if err := store.NewBusinessRepo(db).CreateBusiness(ctx, &b, "PSS", t0); err != nil {
			t.Fatal(err)
		}
	}
	rdb, prefix := sessiontest.Real(t)
	data, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, db: primary, now: t0}
	opt := storeOptions(primary, web.Options{Data: data, Redis: rdb, KeyPrefix: prefix,
		Idle: 30 * time.Minute, Max: 12 * time.Hour, Now: func() time.Time { return t0 }})
	reads := store.NewBusinessRepo(replica)
	opt.Directory, opt.Stats = reads, reads
	s, err := web.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	h.srv = httptest.NewServer(s)
	t.Cleanup(h.srv.Close)
	if _, err := primary.AddStaffRole(ctx, "rina", "sandi-rina-123", store.RoleStaff, "test", t0); err != nil {
		t.Fatal(err)
	}
	c := h.signedIn("rina")
	r := c.get("/dashboard/businesses")
	if r.code != http.StatusOK {
		t.Fatalf("directory: %d %s", r.code, r.body)
	}
	if !strings.Contains(r.body, "Warung Replika") || strings.Contains(r.body, "Toko Utama") {
		t.Errorf("the directory did not read the replica:\n%s", r.body)
	}
}
