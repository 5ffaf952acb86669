package sheet

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jejaring/internal/idn"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/sheet/sheettest"
)

var now = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func data(t testing.TB) *umkm.Data {
	t.Helper()
	d, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func parse(t *testing.T, name, content, lang string) *Import {
	t.Helper()
	book, err := Read(name, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	imp, err := Parse(book, data(t), Options{Now: now, Lang: lang})
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

func codes(r Row) string {
	var c []string
	for _, is := range r.Issues {
		c = append(c, is.Level+":"+is.Code)
	}
	return strings.Join(c, ",")
}

// TestParseOfficeCSV: a semicolon CSV with English headers, an empty row,
// a phone stored as a number, money the office's way, a fuzzy kecamatan
// and nagari; a bad amount is left out and the row kept.
func TestParseOfficeCSV(t *testing.T) {
	t.Parallel()
	csv := "Business Name;Owner;Phone;District;Village;Capital;Sales;Sector;Workers;Year Started;Remarks\n" +
		"Kerupuk Sanjai;Rina;81234567890;tarusan;mandeh;Rp 25.000.000;120 juta;kerupuk;2;2018;\n" +
		";;;;;;;;;;\n" +
		"Toko Budi;Budi;+62 812 9999 0000;Painan;;6 M;20 M;toko;12;2001;\n" +
		"Salah;Andi;0812-1111-2222;Lengayang;;-5 juta;;;;;\n"
	imp := parse(t, "umkm.csv", csv, "en")
	if imp.Total != 3 || len(imp.Rows) != 3 || len(imp.Rejected) != 0 {
		t.Fatalf("import %+v", imp)
	}
	if r := imp.Rows[2]; r.Line != 5 || codes(r) != "dropped:money" || r.Business.Capital != nil {
		t.Errorf("row 5: %s %+v", codes(r), r.Business)
	}
	b := imp.Rows[0].Business
	if b.OwnerPhone != "+6281234567890" || b.RegionCode != "13.01.07" || b.Village != "Mandeh" || b.KBLISection != "C" ||
		*b.Capital != 25_000_000 || *b.AnnualSales != 120_000_000 || *b.Workers != 2 || *b.YearStarted != 2018 ||
		b.Source != umkm.SourceImport || b.Verified || b.SizeClass != umkm.Mikro {
		t.Errorf("row 2: %+v", b)
	}
	if b := imp.Rows[1].Business; b.RegionCode != "13.01.05" || b.SizeClass != umkm.Menengah || b.KBLISection != "G" {
		t.Errorf("row 4: %+v", b)
	}
	var unused []string
	for _, n := range imp.Notes {
		if n.Code == "unused" {
			unused = append(unused, n.Column)
		}
	}
	if strings.Join(unused, ",") != "Remarks" {
		t.Errorf("unused %v", unused)
	}
}

// TestParseRowProblemsAllAtOnce: a row without a business name is refused
// with every other problem it has; a bad optional cell is left out with a
// warning, the row kept; the reasons come in the language asked for.
func TestParseRowProblemsAllAtOnce(t *testing.T) {
	t.Parallel()
	csv := "Nama Usaha,Pemilik,Kecamatan,NIK,Tenaga Kerja,No HP\n" +
		"Warung,Sari,Kota Padang,-,3 orang,0812 1111 2222 / 0751 21234\n" +
		",Ani,Bayang,1234,banyak,12345\n" +
		"JUMLAH,,,,,\n"
	for lang, want := range map[string][]string{
		"id": {`Kecamatan "Kota Padang" dikosongkan: bukan kecamatan di`, "nama usaha kosong", `Tenaga Kerja "banyak" dikosongkan`},
		"en": {`Kecamatan "Kota Padang" left empty: not a kecamatan of`, "business name is empty", `Tenaga Kerja "banyak" left empty`},
	} {
		imp := parse(t, "x.csv", csv, lang)
		if len(imp.Rows) != 1 || len(imp.Rejected) != 2 {
			t.Fatalf("%s: rows %d rejected %d", lang, len(imp.Rows), len(imp.Rejected))
		}
		kept := imp.Rows[0]
		if codes(kept) != "note:phoneSecond,dropped:kecamatan" || kept.Business.OwnerPhone != "+6281211112222" ||
			len(kept.OtherPhones) != 1 || *kept.Business.Workers != 3 || kept.Business.NIK != "" {
			t.Errorf("%s kept: %s %+v", lang, codes(kept), kept)
		}
		if !strings.HasPrefix(kept.Problems(lang), want[0]) || !kept.NeedsFixing() {
			t.Errorf("%s: %q", lang, kept.Problems(lang))
		}
		bad := imp.Rejected[0]
		if codes(bad) != "refused:noName,dropped:phone,dropped:nik,dropped:workers" {
			t.Errorf("%s refused row: %s", lang, codes(bad))
		}
		if p := bad.Problems(lang); !strings.Contains(p, want[1]) || !strings.Contains(p, want[2]) {
			t.Errorf("%s: %q", lang, p)
		}
		if codes(imp.Rejected[1]) != "refused:totalRow" || imp.Rejected[1].NeedsFixing() {
			t.Errorf("%s total line: %s", lang, codes(imp.Rejected[1]))
		}
	}
	for content, want := range map[string]string{
		"":                   "the file is empty",
		"Pemilik,No HP\n":    "no business name column",
		"Owner;Phone\nA;1\n": "found Owner, Phone",
	} {
		book, err := Read("x.csv", strings.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(book, data(t), Options{Now: now, Lang: "en"}); err == nil || !strings.Contains(err.Error(), want) {
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

func TestHeaderSynonyms(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		header, field string
		monthly       bool
	}{
		{"ASET (Rp)", colCapital, false}, {"Modal Usaha", colCapital, false}, {"Kekayaan Bersih", colCapital, false},
		{"KEKAYAAN (BERSIH)", colCapital, false}, {"OMSET/TAHUN (Rp)", colSales, false}, {"Omzet", colSales, false},
		{"Penjualan/Tahun", colSales, false}, {"Omzet per Bulan", colSales, true}, {"OMSET PERBULAN (Rp)", colSales, true},
		{"Penjualan rata-rata / bln", colSales, true}, {"NO. HP/WA", colPhone, false}, {"Telp", colPhone, false},
		{"NIK Pemilik", colNIK, false}, {"Nomor Induk Kependudukan", colNIK, false}, {"KBLI", colKBLI, false},
		{"Sektor/KBLI", colKBLI, false}, {"Jenis Usaha", colSector, false}, {"Nama UMKM", colName, false},
		{"NAMA USAHA", colName, false}, {"Nama Pemilik", colOwner, false}, {"Nagari/Desa", colVillage, false},
		{"Jumlah Tenaga Kerja (orang)", colWorkers, false}, {"Mulai Usaha", colYear, false}, {"TAHUN BERDIRI", colYear, false},
		{"NO", colNo, false}, {"masalah", colProblem, false}, {"KETERANGAN", "", false}, {"Kec.", colDistrict, false},
	} {
		f, m := fieldOf(tt.header)
		if f != tt.field || m != tt.monthly {
			t.Errorf("fieldOf(%q) = %q %v, want %q %v", tt.header, f, m, tt.field, tt.monthly)
		}
	}
}

func TestCellValues(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want int64
	}{{"Rp 25.000.000", 25_000_000}, {"25 jt", 25_000_000}, {"1,5 M", 1_500_000_000}, {"75000000", 75_000_000},
		{"7.5E+07", 75_000_000}, {"Rp. 150.000.000,-", 150_000_000}, {"sekitar 10 juta", 10_000_000}, {"750rb", 750_000}} {
		if got, _, err := readMoney(tt.in); err != nil || got != tt.want {
			t.Errorf("readMoney(%q) = %d %v, want %d", tt.in, got, err, tt.want)
		}
	}
	if n, per, err := readMoney("2 jt/bln"); err != nil || n != 2_000_000 || per != "month" {
		t.Errorf("2 jt/bln: %d %q %v", n, per, err)
	}
	for in, want := range map[string]int{"3 orang": 3, "2 org": 2, "tiga": 3, "5": 5, "saya sendiri": 1, "berdua": 2, "4.0": 4} {
		if got, err := readCount(in); err != nil || got != want {
			t.Errorf("readCount(%q) = %d %v", in, got, err)
		}
	}
	for in, want := range map[string]string{"1301074506900001": "1301074506900001", "1.301074506900001E+15": "1301074506900001",
		"'1301074506900001": "1301074506900001"} {
		if got := idDigits(in); got != want {
			t.Errorf("idDigits(%q) = %q", in, got)
		}
	}
	if got := maskLong("1301070000000000", idn.MaskNIK); got != "1301********0000" {
		t.Errorf("masked NIK %q", got)
	}
	if got := maskLong("1234", idn.MaskNIK); got != "1234" {
		t.Errorf("short value masked: %q", got)
	}
	for _, in := range []string{"-", "belum ada", "Tidak Ada", " — ", ""} {
		if !blank(in) {
			t.Errorf("%q not blank", in)
		}
	}
	for in, want := range map[string]bool{"1301074506900000": true, "1.3010745069E+15": true, "1301074506900001": false, "1234": false} {
		if excelNumber(in) != want {
			t.Errorf("excelNumber(%q) != %v", in, want)
		}
	}
	if got := splitPhones("0812 3456 7890 0813 1111 2222"); len(got) != 2 {
		t.Errorf("two numbers with spaces: %q", got)
	}
	if got := splitPhones("0812-3456-7890 atau 0751 21234"); len(got) != 2 {
		t.Errorf("atau: %q", got)
	}
}

// TestMessyRegister reads the generated register: the Petunjuk sheet is
// skipped, both sheets' headers are found below their title blocks, the
// Tarusan sheet's rows get its kecamatan and their monthly sales ×12, every
// identifiable row is kept with both amounts, and the summary is by reason.
func TestMessyRegister(t *testing.T) {
	t.Parallel()
	reg, err := sheettest.Generate(6800, 5, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	book, err := Read("register.xlsx", bytes.NewReader(reg.XLSX))
	if err != nil {
		t.Fatal(err)
	}
	imp, err := Parse(book, data(t), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Sheets) != 3 || imp.Sheets[0].Skipped != "noHeader" || imp.Sheets[1].HeaderRow != 4 || imp.Sheets[2].HeaderRow != 4 ||
		imp.Sheets[1].Kecamatan != "13.01.07" {
		t.Fatalf("sheets %+v", imp.Sheets)
	}
	identifiable := reg.Businesses + reg.Duplicates
	if imp.Total != reg.Rows || float64(len(imp.Rows)) < 0.98*float64(identifiable) || len(imp.Rows) > identifiable {
		t.Fatalf("kept %d of %d identifiable rows (%d read of %d)", len(imp.Rows), identifiable, imp.Total, reg.Rows)
	}
	for _, r := range imp.Rows {
		b := r.Business
		if b.Capital == nil || b.AnnualSales == nil || b.RegionCode == "" && !strings.Contains(r.Problems(""), "Kota Padang") {
			t.Fatalf("%s row %d: %+v (%s)", r.Sheet, r.Line, b, codes(r))
		}
		if r.Sheet == "Koto XI Tarusan" && (b.RegionCode != "13.01.07" || *b.AnnualSales%12 != 0) {
			t.Fatalf("Tarusan row %d: %+v", r.Line, b)
		}
	}
	sum := imp.Summary(3)
	if sum[0].Level != Refused || len(sum[0].Examples) != 3 {
		t.Errorf("summary starts %+v", sum[0])
	}
	found := map[string]int{}
	for _, s := range sum {
		found[s.Code] = s.Count
	}
	if found["monthly"] != 1 || found["sheetSkipped"] != 1 || found["phoneSecond"] == 0 || found["nik"] == 0 || found["noName"] == 0 {
		t.Errorf("summary %v", found)
	}
}

// TestRejectedRowsReimport: the rejected-rows file has the original
// columns and "masalah"; fixed, it imports with no problem left.
func TestRejectedRowsReimport(t *testing.T) {
	t.Parallel()
	reg, err := sheettest.Generate(1500, 5, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	book, _ := Read("register.xlsx", bytes.NewReader(reg.XLSX))
	imp, err := Parse(book, data(t), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, imp.RejectedTables()...); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	fixed := 0
	for _, name := range x.GetSheetList() {
		rows, _ := x.GetRows(name)
		head := rows[0]
		if head[len(head)-1] != ProblemHeader || head[1] != "NAMA USAHA" && head[1] != "Nama UMKM" {
			t.Fatalf("%s header %q", name, head)
		}
		col := func(h string) int {
			for i, c := range head {
				if c == h {
					return i
				}
			}
			return -1
		}
		for i, r := range rows[1:] {
			p := r[len(r)-1]
			if p == "" {
				t.Fatalf("%s row %d has no masalah", name, i+2)
			}
			set := func(c int, v string) {
				cell, _ := excelize.CoordinatesToCellName(c+1, i+2)
				_ = x.SetCellValue(name, cell, v)
			}
			// What staff do: fill the name, clear or correct what the
			// masalah column names.
			if strings.Contains(p, "nama usaha kosong") {
				set(1, "Usaha Perbaikan "+name[:3]+string(rune('A'+i%26))+strings.Repeat("x", i/26))
			}
			for _, h := range head {
				if h != "" && strings.Contains(p, h+" \"") {
					set(col(h), "")
				}
			}
			set(len(head)-1, "")
			fixed++
		}
	}
	if fixed != imp.RejectedCount() || fixed == 0 {
		t.Fatalf("fixed %d, rejected %d", fixed, imp.RejectedCount())
	}
	var out bytes.Buffer
	if _, err := x.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	book, err = Read("fixed.xlsx", bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(book, data(t), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Rejected) != 0 || again.RejectedCount() != 0 || len(again.Rows) != fixed {
		for _, s := range again.Summary(2) {
			t.Logf("%s %s %d %+v", s.Level, s.Code, s.Count, s.Examples)
		}
		t.Fatalf("fixed file: %d kept, %d refused, %d to fix", len(again.Rows), len(again.Rejected), again.RejectedCount())
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
		book, err := Read("export."+format, bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		imp, err := Parse(book, d, Options{Now: now, Lang: "en"})
		if err != nil || len(imp.Rows) != 1 || len(imp.Rejected) != 0 {
			t.Fatalf("%s: %+v %v", format, imp, err)
		}
		got := imp.Rows[0].Business
		if got.Name != b.Name || got.OwnerPhone != b.OwnerPhone || got.NIK != b.NIK || got.NIB != b.NIB || got.RegionCode != b.RegionCode ||
			*got.Capital != capital || *got.Workers != workers || got.SizeClass != b.SizeClass {
			t.Errorf("%s read back %+v, want %+v", format, got, b)
		}
	}
	if rec := BusinessRecord(&b, d, false, false); rec[3] != "+62812****7890" || rec[4] != "1301********0001" {
		t.Errorf("masked record %v", rec[3:5])
	}
}

// BenchmarkParse6800 reads and checks the generated 6,800-row register
// (no database).
func BenchmarkParse6800(b *testing.B) {
	reg, err := sheettest.Generate(6800, 5, 2, 1)
	if err != nil {
		b.Fatal(err)
	}
	d := data(b)
	b.ResetTimer()
	for range b.N {
		book, err := Read("register.xlsx", bytes.NewReader(reg.XLSX))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Parse(book, d, Options{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestIssueTexts: every reason reads as a sentence in both languages, no
// formatting debris.
func TestIssueTexts(t *testing.T) {
	t.Parallel()
	for code := range reasonNames {
		if _, ok := messages[code]; !ok {
			t.Errorf("%s has no message", code)
		}
		for _, lang := range []string{"id", "en"} {
			got := Issue{Code: code, Column: "NIK", Value: "12", Detail: "x"}.Text(lang)
			if strings.Contains(got, "%!") || got == "" {
				t.Errorf("%s %s: %q", code, lang, got)
			}
		}
	}
}

// TestSheetOption: --sheet reads one sheet, by name or number; an unknown
// one is refused with the sheets there are.
func TestSheetOption(t *testing.T) {
	t.Parallel()
	reg, err := sheettest.Generate(300, 0, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	book, _ := Read("r.xlsx", bytes.NewReader(reg.XLSX))
	for _, opt := range []string{"Kecamatan Lain", "kecamatan lain", "3"} {
		imp, err := Parse(book, data(t), Options{Now: now, Sheet: opt})
		if err != nil || len(imp.Sheets) != 1 || imp.Sheets[0].Name != "Kecamatan Lain" || imp.Total != 200 {
			t.Errorf("--sheet %q: %+v %v", opt, imp, err)
		}
	}
	if _, err := Parse(book, data(t), Options{Now: now, Sheet: "Bayang", Lang: "en"}); err == nil ||
		!strings.Contains(err.Error(), `no sheet "Bayang" (the sheets are: Petunjuk, Koto XI Tarusan, Kecamatan Lain)`) {
		t.Errorf("unknown sheet: %v", err)
	}
}

// TestTwoHeaderRows: a header of merged cells ("OMSET" over "Per Bulan"
// and "Per Tahun", "MODAL" over "Sendiri" and "Pinjaman") is read as one:
// the year's column wins over the month's.
func TestTwoHeaderRows(t *testing.T) {
	t.Parallel()
	csv := "DATA UMKM KECAMATAN BAYANG;;;;;;\n" +
		"No;Nama Usaha;Pemilik;ASET;OMSET;;Kecamatan\n" +
		";;;(Rp);Per Bulan;Per Tahun;\n" +
		"1;Kerupuk Sanjai;Rina;25 jt;2 jt;30 jt;Bayang\n" +
		"2;Toko Budi;Budi;10 jt;1 jt;;Bayang\n"
	imp := parse(t, "x.csv", csv, "")
	if imp.Sheets[0].HeaderRow != 3 || len(imp.Rows) != 2 {
		t.Fatalf("sheets %+v rows %d", imp.Sheets, len(imp.Rows))
	}
	var fields []string
	for _, c := range imp.Sheets[0].Columns {
		fields = append(fields, c.Header+"="+c.Field)
	}
	if got := strings.Join(fields, ","); got != "No=no,Nama Usaha=name,Pemilik=owner,ASET (Rp)=capital,OMSET Per Bulan=salesMonth,OMSET Per Tahun=sales,Kecamatan=kecamatan" {
		t.Errorf("columns %s", got)
	}
	if b := imp.Rows[0].Business; *b.AnnualSales != 30_000_000 || *b.Capital != 25_000_000 || b.RegionCode != "13.01.06" {
		t.Errorf("row 4 %+v", b)
	}
	if b := imp.Rows[1].Business; b.AnnualSales == nil || *b.AnnualSales != 12_000_000 {
		t.Errorf("row 5: a month's sales when the year's is empty: %+v", b)
	}
}
