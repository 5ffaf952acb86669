package umkm

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	d := mustData(t)
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	year, workers, capital := 2015, 3, int64(50_000_000)
	b := Business{
		OwnerName: " Siti Aminah ", Name: "Keripik Balado Uni Siti", OwnerPhone: "0812-3456-7890",
		NIK: "1301014506900001", NIB: "912 0001 234 567", KBLICode: "10794", RegionCode: "13.01.07",
		YearStarted: &year, Workers: &workers, Capital: &capital,
	}
	if err := b.Validate(d.Region, now); err != nil {
		t.Fatal(err)
	}
	if b.OwnerName != "Siti Aminah" || b.OwnerPhone != "+6281234567890" || b.NIB != "9120001234567" || b.KBLISection != "C" || b.KBLIVersion != "2020" || b.Source != SourceChat {
		t.Errorf("not normalized: %+v", b)
	}
	if b.Classify() != BasisCapital || b.SizeClass != Mikro {
		t.Errorf("class %s", b.SizeClass)
	}

	future, neg := 2027, int64(-1)
	bad := Business{OwnerPhone: "123", NIK: "1301014506900000", NIB: "12", KBLICode: "04000", KBLISection: "ZZ",
		RegionCode: "13.02.01", YearStarted: &future, Capital: &neg}
	err := bad.Validate(d.Region, now)
	var ve ValidationErrors
	if !errors.As(err, &ve) {
		t.Fatalf("want ValidationErrors, got %v", err)
	}
	fields := map[string]bool{}
	for _, fe := range ve {
		fields[fe.Field] = true
	}
	for _, f := range []string{"owner_name", "name", "owner_phone", "nik", "nib", "kbli_code", "kbli_section", "region_code", "year_started", "capital"} {
		if !fields[f] {
			t.Errorf("no error for %s in %v", f, err)
		}
	}
}

func TestNotice(t *testing.T) {
	t.Parallel()
	n := PrivacyNotice("")
	if n.Version != NoticeVersion || !strings.Contains(n.Text("id"), "HAPUSDATA") || !strings.Contains(n.Text("en"), "Purpose") {
		t.Errorf("notice: %+v", n)
	}
}

func TestBands(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n    int
		want string
	}{{0, ""}, {1, "1-4"}, {4, "1-4"}, {5, "5-19"}, {19, "5-19"}, {20, "20-99"}, {99, "20-99"}, {100, "100+"}} {
		if got := WorkersBand(c.n); got != c.want {
			t.Errorf("WorkersBand(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	for y, want := range map[int]int{0: 0, 2015: 2010, 2020: 2020, 1999: 1990} {
		if got := Decade(y); got != want {
			t.Errorf("Decade(%d) = %d, want %d", y, got, want)
		}
	}
}
