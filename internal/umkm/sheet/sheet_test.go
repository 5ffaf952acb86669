package sheet

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jejaring/internal/umkm"
)

var now = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func data(t *testing.T) *umkm.Data {
	t.Helper()
	d, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func parse(t *testing.T, name, content, lang string) *Import {
	t.Helper()
	rows, err := Read(name, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	imp, err := Parse(rows, data(t), now, lang)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

// TestParseOfficeCSV: a semicolon CSV with English headers, an empty row,
// a phone stored as a number, money the office's way, a fuzzy kecamatan
// and nagari, and a bad row reported with its row number.
func TestParseOfficeCSV(t *testing.T) {
	t.Parallel()
	csv := "Business Name;Owner;Phone;District;Village;Capital;Sales;Sector;Workers;Year Started;Remarks\n" +
		"Kerupuk Sanjai;Rina;81234567890;tarusan;mandeh;Rp 25.000.000;120 juta;kerupuk;2;2018;\n" +
		";;;;;;;;;;\n" +
		"Toko Budi;Budi;+62 812 9999 0000;Painan;;6 M;20 M;toko;12;2001;\n" +
		"Salah;Andi;0812-1111-2222;Lengayang;;-5 juta;;;;;\n"
	imp := parse(t, "umkm.csv", csv, "en")
	if imp.Total != 3 || len(imp.Businesses) != 2 || len(imp.Bad) != 1 || imp.Bad[0].Row != 5 || !strings.HasPrefix(imp.Bad[0].Reason, "Modal: ") {
		t.Fatalf("import %+v", imp)
	}
	if strings.Join(imp.Unmapped, ",") != "Remarks" || imp.Rows[0] != 2 || imp.Rows[1] != 4 {
		t.Errorf("unmapped %q, rows %v", imp.Unmapped, imp.Rows)
	}
	b := imp.Businesses[0]
	if b.OwnerPhone != "+6281234567890" || b.RegionCode != "13.01.07" || b.Village != "Mandeh" || b.KBLISection != "C" ||
		*b.Capital != 25_000_000 || *b.AnnualSales != 120_000_000 || *b.Workers != 2 || *b.YearStarted != 2018 ||
		b.Source != umkm.SourceImport || b.Verified || b.SizeClass != umkm.Mikro {
		t.Errorf("row 2: %+v", b)
	}
	if b := imp.Businesses[1]; b.RegionCode != "13.01.05" || b.SizeClass != umkm.Menengah || b.KBLISection != "G" {
		t.Errorf("row 4: %+v", b)
	}
}

// TestParseReasonsInTheStaffLanguage: a bad row's reason and a file's
// refusal come in the language asked for.
func TestParseReasonsInTheStaffLanguage(t *testing.T) {
	t.Parallel()
	csv := "Nama Usaha,Pemilik,Kecamatan,Tenaga Kerja\nWarung,Sari,Kota Padang,3\nToko,Ani,Bayang,banyak\n"
	for lang, want := range map[string][]string{
		"id": {`Kecamatan: "Kota Padang" bukan kecamatan di`, `Tenaga Kerja: "banyak" bukan jumlah orang`},
		"en": {`Kecamatan: "Kota Padang" is not a kecamatan of`, `Tenaga Kerja: "banyak" is not a number of people`},
	} {
		imp := parse(t, "x.csv", csv, lang)
		if len(imp.Bad) != 2 || !strings.HasPrefix(imp.Bad[0].Reason, want[0]) || imp.Bad[1].Reason != want[1] {
			t.Errorf("%s: %+v", lang, imp.Bad)
		}
	}
	for content, want := range map[string]string{
		"":                   "the file is empty",
		"Pemilik,No HP\n":    "no business name column",
		"Owner;Phone\nA;1\n": "found Owner, Phone",
	} {
		rows, err := Read("x.csv", strings.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(rows, data(t), now, "en"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", content, err, want)
		}
	}
	if _, err := Read("x.pdf", strings.NewReader("")); err == nil || !strings.Contains(err.Error(), ".xlsx or .csv") {
		t.Errorf("pdf: %v", err)
	}
	if _, err := Open("/nonexistent/umkm.xlsx"); err == nil {
		t.Error("a missing file opened")
	}
}

// TestExportReadsBack: a business written as CSV and as XLSX reads back
// through Parse as it was, a hostile name included; in the XLSX the
// phone, NIK and NIB are text cells and the money a number.
func TestExportReadsBack(t *testing.T) {
	t.Parallel()
	d := data(t)
	capital, workers := int64(25_000_000), 3
	b := umkm.Business{Name: `=HYPERLINK("http://evil.example","klik")`, OwnerName: "Rina", OwnerPhone: "+6281234567890",
		NIK: "1301075506900001", NIB: "9120000000001", RegionCode: "13.01.07", KBLISection: "C", Products: "kerupuk",
		Capital: &capital, Workers: &workers, CreatedAt: now}
	b.Classify()
	table := BusinessTable([]umkm.Business{b}, d, true, true)
	for _, format := range []string{"csv", "xlsx"} {
		var buf bytes.Buffer
		write := func() error { return WriteCSV(&buf, table) }
		if format == "xlsx" {
			write = func() error { return WriteXLSX(&buf, table) }
		}
		if err := write(); err != nil {
			t.Fatal(err)
		}
		if format == "xlsx" {
			x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			for cell, want := range map[string]excelize.CellType{"D2": excelize.CellTypeInlineString, "E2": excelize.CellTypeInlineString, "O2": excelize.CellTypeUnset} {
				if got, err := x.GetCellType("UMKM", cell); err != nil || got != want {
					t.Errorf("xlsx cell %s type %v (%v), want %v", cell, got, err, want)
				}
			}
			x.Close()
		}
		rows, err := Read("export."+format, bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		imp, err := Parse(rows, d, now, "en")
		rows.Close()
		if err != nil || len(imp.Businesses) != 1 || len(imp.Bad) != 0 {
			t.Fatalf("%s: %+v %v", format, imp, err)
		}
		got := imp.Businesses[0]
		if got.Name != b.Name || got.OwnerPhone != b.OwnerPhone || got.NIK != b.NIK || got.NIB != b.NIB || got.RegionCode != b.RegionCode ||
			*got.Capital != capital || *got.Workers != workers || got.SizeClass != b.SizeClass {
			t.Errorf("%s read back %+v, want %+v", format, got, b)
		}
	}
	if rec := BusinessRecord(&b, d, false, false); rec[3] != "+62812****7890" || rec[4] != "1301********0001" {
		t.Errorf("masked record %v", rec[3:5])
	}
}
