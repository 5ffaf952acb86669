package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

var importNow = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

var importHeader = []any{"No", "Nama Usaha", "Pemilik", "No HP", "Kecamatan", "Nagari", "Alamat", "Modal", "Omzet",
	"NIB", "NIK", "Bidang Usaha", "Tenaga Kerja", "Tahun Berdiri", "Keterangan"}

var kecamatanAsTyped = []string{"Pancung Soal", "Ranah Pesisir", "Lengayang", "Batang Kapas", "IV Jurai", "Bayang",
	"Koto XI Tarusan", "Sutera", "Linggo Sari Baganti", "Lunang", "Basa Ampek Balai Tapan", "IV Nagari Bayang Utara",
	"Airpura", "Ranah Ampek Hulu Tapan", "Silaut", "tarusan", "Kec. Lengayang", "4 jurai", "BAYANG"}

var sectorsAsTyped = []string{"Kuliner", "warung", "Industri Pengolahan", "jahit", "56101", "G", "perdagangan", "petani sawit", "salon"}

// importRowValues is row i (0-based) of a generated office spreadsheet.
func importRowValues(i int) []any {
	money := []any{fmt.Sprintf("Rp %d.000.000", 5+i%90), fmt.Sprintf("%d juta", 10+i%300), int64(75_000_000 + i), "1,5 M", "750rb"}
	return []any{
		i + 1,
		fmt.Sprintf("Usaha %d", i+1),
		fmt.Sprintf("Pemilik %d", i+1),
		fmt.Sprintf("0812%08d", i+1),
		kecamatanAsTyped[i%len(kecamatanAsTyped)],
		"",
		fmt.Sprintf("Jl. Contoh No. %d", i+1),
		money[i%len(money)],
		money[(i+2)%len(money)],
		fmt.Sprintf("91200%08d", i+1),
		fmt.Sprintf("130107%02d%02d%02d%04d", i%28+1, i%12+1, 60+i%40, i%9999+1),
		sectorsAsTyped[i%len(sectorsAsTyped)],
		1 + i%20,
		1990 + i%35,
		"",
	}
}

func writeImportXLSX(t testing.TB, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "umkm.xlsx")
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", importHeader); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		row := importRowValues(i)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func testData(t testing.TB) *umkm.Data {
	t.Helper()
	d, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestImportCSVSemicolonEnglishHeaders(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "umkm.csv")
	csv := "Business Name;Owner;Phone;District;Village;Capital;Sales;Sector;Workers;Year Started\n" +
		"Kerupuk Sanjai;Rina;81234567890;tarusan;mandeh;Rp 25.000.000;120 juta;kerupuk;2;2018\n" +
		";;;;;;;;;\n" +
		"Toko Budi;Budi;+62 812 9999 0000;Painan;;6 M;20 M;toko;12;2001\n" +
		"Salah;Andi;0812-1111-2222;Lengayang;;-5 juta;;;;\n"
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	db := storetest.New(t, store.SQLite)
	var out bytes.Buffer
	sum, err := importFile(context.Background(), db, testData(t), path, importOptions{Examples: 5}, "staff:test", importNow, english, &out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 3 || sum.Imported != 3 || sum.Refused != 0 || sum.ToFix != 1 || !strings.Contains(out.String(), "umkm row 5: Capital \"-5 juta\" left empty") {
		t.Fatalf("%+v\n%s", sum, out.String())
	}
	list, _ := store.NewBusinessRepo(db).ListBusinesses(context.Background(), umkm.Filter{})
	if list[0].OwnerPhone != "+6281234567890" || list[0].Village != "Mandeh" || list[0].KBLISection != "C" {
		t.Errorf("row 2: %+v", list[0])
	}
	// Capital says Menengah, sales Menengah too; sales wins in any case.
	if list[1].RegionCode != "13.01.05" || list[1].SizeClass != umkm.Menengah || list[1].KBLISection != "G" {
		t.Errorf("row 4: %+v", list[1])
	}
}

func TestExportImportRoundTripAndStats(t *testing.T) {
	t.Parallel()
	data := testData(t)
	src := writeImportXLSX(t, 40)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var out bytes.Buffer
		sum, err := importFile(ctx, db, data, src, importOptions{Dry: true}, "staff:test", importNow, english, &out)
		if err != nil || sum.Rows != 40 || sum.Imported != 40 || sum.Refused != 0 || sum.Batch != 0 || !strings.Contains(out.String(), "dry run, nothing saved") {
			t.Fatalf("dry run %+v %v\n%s", sum, err, out.String())
		}
		if l, _ := store.NewBusinessRepo(db).ListBusinesses(ctx, umkm.Filter{}); len(l) != 0 {
			t.Fatalf("dry run saved %d rows", len(l))
		}
		if _, err := importFile(ctx, db, data, src, importOptions{}, "staff:test", importNow, english, &out); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for _, f := range []string{"csv", "xlsx"} {
			path := filepath.Join(dir, "export."+f)
			var stderr bytes.Buffer
			if code := runExport(ctx, db, []string{"businesses", "--format", f, "--out", path, "--full-nik", "--full-phone"}, testIO(&out, &stderr)); code != 0 {
				t.Fatalf("export %s: %d %s", f, code, stderr.String())
			}
			fresh := storetest.New(t, db.Dialect)
			out.Reset()
			sum, err := importFile(ctx, fresh, data, path, importOptions{}, "staff:test", importNow, english, &out)
			if err != nil || sum.Imported != 40 || sum.Refused != 0 || sum.ToFix != 0 {
				t.Errorf("re-import of %s: %+v %v\n%s", f, sum, err, out.String())
			}
			a, _ := store.NewBusinessRepo(db).ListBusinesses(ctx, umkm.Filter{})
			b, _ := store.NewBusinessRepo(fresh).ListBusinesses(ctx, umkm.Filter{})
			for i := range a {
				if a[i].Name != b[i].Name || a[i].OwnerPhone != b[i].OwnerPhone || a[i].NIK != b[i].NIK || a[i].RegionCode != b[i].RegionCode ||
					*a[i].Capital != *b[i].Capital || a[i].SizeClass != b[i].SizeClass || a[i].KBLISection != b[i].KBLISection {
					t.Errorf("%s round trip row %d:\n%+v\n%+v", f, i, a[i], b[i])
					break
				}
			}
		}
		// Imported again: every row is a business already there.
		out.Reset()
		again, err := importFile(ctx, db, data, src, importOptions{}, "staff:test", importNow, english, &out)
		if err != nil || again.Imported != 0 || again.Merged != 40 || again.Filled != 0 || again.Refused != 0 {
			t.Errorf("second import %+v %v\n%s", again, err, out.String())
		}
		var csvOut, stderr bytes.Buffer
		if code := runExport(ctx, db, []string{"businesses"}, testIO(&csvOut, &stderr)); code != 0 {
			t.Fatal(stderr.String())
		}
		if lines := strings.Count(csvOut.String(), "\n"); lines != 41 || !strings.Contains(csvOut.String(), "1301********") {
			t.Errorf("csv export: %d lines, masked NIK? %s", lines, csvOut.String()[:200])
		}
		// The phone is masked like the NIK unless asked for in full, and
		// each export's choice is in the audit log.
		if !strings.Contains(csvOut.String(), ",'+62812****0001,") || strings.Contains(csvOut.String(), "+6281200000001") {
			t.Errorf("csv export without --full-phone shows whole phones or none:\n%.400s", csvOut.String())
		}
		var audits []string
		if err := db.Select(&audits, db.Rebind(`SELECT details FROM audit_log WHERE action = ? ORDER BY id`), "data.export"); err != nil {
			t.Fatal(err)
		}
		if len(audits) != 3 || !strings.Contains(audits[0], `"full_phone":true`) || !strings.Contains(audits[2], `"full_phone":false`) {
			t.Errorf("export audit rows: %q", audits)
		}
		if code := runExport(ctx, db, []string{"businesses", "--format", "pdf"}, testIO(&csvOut, &stderr)); code != 2 {
			t.Errorf("bad format: %d", code)
		}
		var st bytes.Buffer
		if code := runStats(ctx, db, nil, testIO(&st, &stderr)); code != 0 {
			t.Fatal(stderr.String())
		}
		for _, want := range []string{"UMKM Kabupaten Pesisir Selatan  40", "Usaha Mikro", "13.01.07 Koto XI Tarusan", "I Kuliner", "Kelas usaha (PP 7/2021) jumlah bagian", "dipastikan pemilik"} {
			if !strings.Contains(strings.Join(strings.Fields(st.String()), " "), strings.Join(strings.Fields(want), " ")) {
				t.Errorf("stats lack %q:\n%s", want, st.String())
			}
		}
	})
}

func TestImportUsage(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.SQLite)
	var out, errw bytes.Buffer
	if code := runImport(context.Background(), db, nil, testIO(&out, &errw)); code != 2 || !strings.Contains(errw.String(), "Nama Usaha") {
		t.Errorf("usage: %d %s", code, errw.String())
	}
	if code := runImport(context.Background(), db, []string{"businesses", "/nonexistent.xlsx"}, testIO(&out, &errw)); code != 1 {
		t.Errorf("missing file: %d", code)
	}
	if code := runImport(context.Background(), db, []string{"businesses", "x.pdf"}, testIO(&out, &errw)); code != 1 || !strings.Contains(errw.String(), ".xlsx or .csv") {
		t.Errorf("pdf: %d %s", code, errw.String())
	}
}
