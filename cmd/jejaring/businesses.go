package main

// Staff commands for the business register: `jejaring import businesses
// FILE [--dry-run]`, `jejaring export businesses [--format csv|xlsx] [--out
// FILE]` and `jejaring stats`. Imports read the office's spreadsheets (.xlsx
// with excelize, or .csv), map columns by their header names (Indonesian and
// English synonyms), normalize phones, classify size (PP 7/2021), report
// each bad row with its row number and reason, skip duplicates by phone or
// NIB, and mark what they add unverified until the owner confirms it in chat.

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

const importUsage = `Usage: jejaring import businesses FILE [--dry-run] [--region pesisir_selatan]

Reads an .xlsx (first sheet) or .csv file whose first row names the columns:
  Nama Usaha / Business Name / Nama UMKM     (required)
  Pemilik / Nama Pemilik / Owner             (required)
  No HP / Telepon / WA / Phone
  Kecamatan / District,  Nagari / Desa / Kelurahan,  Alamat / Address
  Modal / Capital,  Omzet / Penjualan / Sales
  NIB,  NIK,  KBLI / Sektor / Bidang Usaha,  Produk / Products
  Tenaga Kerja / Karyawan / Workers,  Tahun Berdiri / Year Started
Bad rows are listed with their row number and reason and left out;
businesses already registered (same phone or NIB) are skipped. Imported
businesses stay unverified until their owner confirms them in chat.
--dry-run checks everything and saves nothing.
`

// field names of the import columns.
const (
	colName     = "name"
	colOwner    = "owner"
	colPhone    = "phone"
	colDistrict = "kecamatan"
	colVillage  = "nagari"
	colAddress  = "address"
	colCapital  = "capital"
	colSales    = "sales"
	colNIB      = "nib"
	colNIK      = "nik"
	colSector   = "sector"
	colProducts = "products"
	colWorkers  = "workers"
	colYear     = "year"
)

// headerSynonyms maps normalized header names to fields.
var headerSynonyms = map[string]string{
	"nama usaha": colName, "business name": colName, "nama umkm": colName, "usaha": colName, "nama perusahaan": colName,
	"business": colName, "nama toko": colName,
	"pemilik": colOwner, "nama pemilik": colOwner, "owner": colOwner, "owner name": colOwner, "nama": colOwner,
	"pemilik usaha": colOwner,
	"no hp":         colPhone, "nomor hp": colPhone, "hp": colPhone, "no hp wa": colPhone, "telepon": colPhone, "telp": colPhone,
	"no telp": colPhone, "no telepon": colPhone, "nomor telepon": colPhone, "wa": colPhone, "no wa": colPhone,
	"whatsapp": colPhone, "phone": colPhone, "phone number": colPhone, "handphone": colPhone, "kontak": colPhone,
	"kecamatan": colDistrict, "district": colDistrict, "kec": colDistrict, "kode kecamatan": colDistrict,
	"nagari": colVillage, "desa": colVillage, "kelurahan": colVillage, "desa kelurahan": colVillage, "village": colVillage,
	"nagari desa": colVillage,
	"alamat":      colAddress, "address": colAddress, "alamat usaha": colAddress,
	"modal": colCapital, "modal usaha": colCapital, "capital": colCapital,
	"omzet": colSales, "omset": colSales, "penjualan": colSales, "hasil penjualan": colSales, "omzet tahunan": colSales,
	"omzet per tahun": colSales, "penjualan tahunan": colSales, "sales": colSales, "annual sales": colSales,
	"nib": colNIB, "nomor induk berusaha": colNIB,
	"nik": colNIK, "no ktp": colNIK, "nomor ktp": colNIK, "ktp": colNIK, "nik pemilik": colNIK,
	"kbli": colSector, "kode kbli": colSector, "sektor": colSector, "bidang usaha": colSector, "sector": colSector,
	"jenis usaha": colSector, "bidang": colSector,
	"produk": colProducts, "products": colProducts, "product": colProducts, "jenis produk": colProducts,
	"tenaga kerja": colWorkers, "jumlah tenaga kerja": colWorkers, "karyawan": colWorkers, "jumlah karyawan": colWorkers,
	"pekerja": colWorkers, "workers": colWorkers, "employees": colWorkers, "tk": colWorkers,
	"tahun berdiri": colYear, "tahun mulai": colYear, "mulai usaha": colYear, "tahun mulai usaha": colYear,
	"year started": colYear, "tahun": colYear,
}

func normHeader(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

// rowSource yields the rows of a spreadsheet, header first.
type rowSource interface {
	Next() ([]string, error) // io.EOF at the end
	Close() error
}

type csvRows struct {
	f *os.File
	r *csv.Reader
}

func (c *csvRows) Next() ([]string, error) { return c.r.Read() }
func (c *csvRows) Close() error            { return c.f.Close() }

type xlsxRows struct {
	f    *excelize.File
	rows *excelize.Rows
}

func (x *xlsxRows) Next() ([]string, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	return x.rows.Columns()
}

func (x *xlsxRows) Close() error {
	x.rows.Close()
	return x.f.Close()
}

func openRows(path string) (rowSource, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt":
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		// The office's Excel saves CSV with ';' in an Indonesian locale.
		head := make([]byte, 4096)
		n, _ := f.Read(head)
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return nil, err
		}
		line := string(head[:n])
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		r := csv.NewReader(f)
		if strings.Count(line, ";") > strings.Count(line, ",") {
			r.Comma = ';'
		}
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		return &csvRows{f: f, r: r}, nil
	case ".xlsx", ".xlsm":
		f, err := excelize.OpenFile(path)
		if err != nil {
			return nil, err
		}
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			f.Close()
			return nil, errors.New("the workbook has no sheet")
		}
		rows, err := f.Rows(sheets[0])
		if err != nil {
			f.Close()
			return nil, err
		}
		return &xlsxRows{f: f, rows: rows}, nil
	}
	return nil, fmt.Errorf("%s: want a .xlsx or .csv file", filepath.Base(path))
}

// badRow is a row left out of an import.
type badRow struct {
	Row    int // spreadsheet row number (the header is row 1)
	Reason string
}

// parsedImport is a file read and checked, ready for the database.
type parsedImport struct {
	Businesses []umkm.Business
	Rows       []int // spreadsheet row of each business
	Bad        []badRow
	Total      int // data rows, empty ones not counted
	Unmapped   []string
}

// money reads a spreadsheet amount: what idn.ParseMoney reads, or a plain
// number as Excel writes it (1.5E+10, 1500000.00).
func money(s string) (int64, error) {
	if n, err := idn.ParseMoney(s); err == nil {
		return n, nil
	}
	if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && f >= 0 && f < 1e15 && f == float64(int64(f)) {
		return int64(f), nil
	}
	return idn.ParseMoney(s)
}

func wholeNumber(s string) (int, bool) {
	f, err := idn.ParseNumber(s)
	if err != nil || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}

// readImport reads every row of src and checks it against the region and
// sectors. now bounds the year a business started.
func readImport(src rowSource, data *umkm.Data, now time.Time, t tr) (*parsedImport, error) {
	header, err := src.Next()
	if errors.Is(err, io.EOF) {
		return nil, errors.New(t.f("import.empty"))
	}
	if err != nil {
		return nil, err
	}
	cols := map[string]int{}
	res := &parsedImport{}
	for i, h := range header {
		f, ok := headerSynonyms[normHeader(h)]
		if !ok {
			if strings.TrimSpace(h) != "" {
				res.Unmapped = append(res.Unmapped, h)
			}
			continue
		}
		if _, dup := cols[f]; !dup {
			cols[f] = i
		}
	}
	if _, ok := cols[colName]; !ok {
		return nil, errors.New(t.f("import.noName", strings.Join(header, ", ")))
	}
	row := 1
	for {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		row++
		if err != nil {
			res.Bad = append(res.Bad, badRow{row, t.f("import.unreadable", err)})
			continue
		}
		get := func(f string) string {
			i, ok := cols[f]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(importText(idn.CleanText(strings.TrimSpace(rec[i]))))
		}
		empty := true
		for _, v := range rec {
			if strings.TrimSpace(v) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		res.Total++
		b, reason := importRow(get, data, now, t)
		if reason != "" {
			res.Bad = append(res.Bad, badRow{row, reason})
			continue
		}
		res.Businesses = append(res.Businesses, b)
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// importRow builds one business from a row, or says why it cannot.
func importRow(get func(string) string, data *umkm.Data, now time.Time, t tr) (umkm.Business, string) {
	b := umkm.Business{Name: get(colName), OwnerName: get(colOwner), Address: get(colAddress),
		Products: get(colProducts), NIB: get(colNIB), NIK: get(colNIK), Source: umkm.SourceImport}
	var reasons []string
	bad := func(col, why string) { reasons = append(reasons, col+": "+why) }
	if p := get(colPhone); p != "" {
		// Validate normalizes it; a number stored as a number has lost
		// its leading 0.
		if t := strings.TrimSpace(p); strings.HasPrefix(t, "8") {
			p = "0" + t
		}
		b.OwnerPhone = p
	}
	if k := get(colDistrict); k != "" {
		kec, ok := data.Region.MatchKecamatan(k)
		if !ok {
			bad("Kecamatan", t.f("import.kecamatan", k, data.Region.Name))
		} else {
			b.RegionCode = kec.Code
			if v := get(colVillage); v != "" {
				if n, ok := kec.MatchNagari(v); ok {
					b.Village = n.Name
				} else {
					b.Village = v
				}
			}
		}
	} else if v := get(colVillage); v != "" {
		if kec, n, ok := data.Region.FindNagari(v); ok {
			b.RegionCode, b.Village = kec.Code, n.Name
		} else {
			b.Village = v
		}
	}
	if s := get(colSector); s != "" {
		if m, ok := data.Sectors.MatchSection(s); ok {
			b.KBLISection, b.KBLICode = m.Section.Letter, m.KBLI
		} else if b.Products == "" {
			b.Products = s // keep the words; the sector stays unknown
		}
	}
	if b.KBLISection == "" && b.Products != "" {
		if m, ok := data.Sectors.MatchSection(b.Products); ok {
			b.KBLISection, b.KBLICode = m.Section.Letter, m.KBLI
		}
	}
	for _, m := range []struct {
		col, label string
		dst        **int64
	}{{colCapital, "Modal", &b.Capital}, {colSales, "Omzet", &b.AnnualSales}} {
		if v := get(m.col); v != "" && v != "-" {
			n, err := money(v)
			if err != nil {
				bad(m.label, t.f("import.money", v))
				continue
			}
			*m.dst = &n
		}
	}
	if v := get(colWorkers); v != "" && v != "-" {
		if n, ok := wholeNumber(v); ok {
			b.Workers = &n
		} else {
			bad("Tenaga Kerja", t.f("import.workers", v))
		}
	}
	if v := get(colYear); v != "" && v != "-" {
		if n, ok := wholeNumber(v); ok {
			b.YearStarted = &n
		} else if d, err := idn.ParseDate(v); err == nil {
			y := d.Year()
			b.YearStarted = &y
		} else {
			bad("Tahun Berdiri", t.f("import.year", v))
		}
	}
	if len(reasons) == 0 {
		if err := b.Validate(data.Region, now); err != nil {
			var ve umkm.ValidationErrors
			if errors.As(err, &ve) {
				for _, fe := range ve {
					reasons = append(reasons, columnName(fe.Field)+": "+reasonIn(t, fe.Err))
				}
			} else {
				reasons = append(reasons, err.Error())
			}
		}
	}
	if len(reasons) > 0 {
		return umkm.Business{}, strings.Join(reasons, "; ")
	}
	b.Classify()
	return b, ""
}

// columnName names a record field as the import's usage text does.
func columnName(field string) string {
	switch field {
	case "owner_phone":
		return "No HP"
	case "owner_name":
		return "Pemilik"
	case "name":
		return "Nama Usaha"
	case "nik":
		return "NIK"
	case "nib":
		return "NIB"
	case "kbli_code", "kbli_section":
		return "KBLI"
	case "region_code":
		return "Kecamatan"
	case "year_started":
		return "Tahun Berdiri"
	case "workers":
		return "Tenaga Kerja"
	case "capital":
		return "Modal"
	case "annual_sales":
		return "Omzet"
	}
	return field
}

// reasonIn is a validation error in t's language (idn.Error carries both).
func reasonIn(t tr, err error) string {
	var ie *idn.Error
	if errors.As(err, &ie) && t.en && ie.EN != "" {
		return ie.EN
	}
	return err.Error()
}

// runImport runs `jejaring import businesses FILE [--dry-run]`.
func runImport(ctx context.Context, db *store.DB, args []string, s stdio) int {
	stdout, stderr := s.out, s.err
	if len(args) == 0 || args[0] != "businesses" {
		fmt.Fprint(stderr, importUsage)
		return 2
	}
	fs := flag.NewFlagSet("import businesses", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dry := fs.Bool("dry-run", false, "check and report, save nothing")
	region := fs.String("region", defaultRegion(s), "region data file (default: $REGION, else pesisir_selatan)")
	by := fs.String("by", "cli", "staff user name for the audit log")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprint(stderr, importUsage)
		return 2
	}
	data, err := umkm.LoadData(*region)
	if err != nil {
		fmt.Fprintf(stderr, "jejaring: %v\n", err)
		return 2
	}
	// Bad rows and duplicates are reported on stdout and do not make the
	// command fail: the good rows are in. An unreadable file does.
	if _, err := importFile(ctx, db, data, pos[0], *dry, store.ActorStaff(*by), time.Now(), s.t, stdout); err != nil {
		fmt.Fprintf(stderr, "jejaring: import %s: %v\n", pos[0], err)
		return 1
	}
	return 0
}

// importSummary is what an import did, for tests and the report.
type importSummary struct {
	Rows, Imported, Duplicates, Bad int
}

func importFile(ctx context.Context, db *store.DB, data *umkm.Data, path string, dry bool, actor string, now time.Time, t tr, out io.Writer) (importSummary, error) {
	src, err := openRows(path)
	if err != nil {
		return importSummary{}, err
	}
	p, err := readImport(src, data, now, t)
	src.Close()
	if err != nil {
		return importSummary{}, err
	}
	repo := store.NewBusinessRepo(db)
	res, err := repo.ImportBusinesses(ctx, p.Businesses, data.Region.Prefix, actor, now, 500, dry)
	if err != nil {
		return importSummary{}, err
	}
	sum := importSummary{Rows: p.Total, Imported: res.Inserted, Duplicates: len(res.Duplicates), Bad: len(p.Bad)}
	if len(p.Unmapped) > 0 {
		fmt.Fprintln(out, t.f("import.unused", strings.Join(p.Unmapped, ", ")))
	}
	for _, b := range p.Bad {
		fmt.Fprintln(out, t.f("import.bad", b.Row, b.Reason))
	}
	for _, d := range res.Duplicates {
		with := t.f("import.dupEarlier")
		if d.Existing != "" {
			with = d.Existing
		}
		fmt.Fprintln(out, t.f("import.dup", p.Rows[d.Index], t.or("import.by."+d.By, d.By), with))
	}
	summary := "import.summary"
	if dry {
		summary = "import.summaryDry"
	}
	fmt.Fprintln(out, t.f(summary, sum.Rows, sum.Imported, sum.Duplicates, sum.Bad))
	if !dry && sum.Imported > 0 {
		fmt.Fprintln(out, t.f("import.unverified"))
	}
	return sum, nil
}

// businessExportHeader names the export columns; an export reads back with import.
var businessExportHeader = []string{"No Registrasi", "Nama Usaha", "Pemilik", "No HP", "NIK", "NIB", "Produk", "Sektor", "KBLI",
	"Kecamatan", "Nagari", "Alamat", "Tahun Berdiri", "Tenaga Kerja", "Modal", "Omzet", "Kelas Usaha", "Terverifikasi",
	"Sumber", "Terdaftar"}

func exportRow(b *umkm.Business, data *umkm.Data, fullNIK, fullPhone bool) []any {
	kec := b.RegionCode
	if k, ok := data.Region.KecamatanByCode(b.RegionCode); ok {
		kec = k.Name
	}
	nik := b.NIK
	if !fullNIK && nik != "" {
		nik = idn.MaskNIK(nik)
	}
	phone := b.OwnerPhone
	if !fullPhone && phone != "" {
		phone = idn.MaskPhone(phone)
	}
	optInt := func(p *int) any {
		if p == nil {
			return ""
		}
		return *p
	}
	optInt64 := func(p *int64) any {
		if p == nil {
			return ""
		}
		return *p
	}
	verified := "tidak"
	if b.Verified {
		verified = "ya"
	}
	return []any{b.RegNo, b.Name, b.OwnerName, phone, nik, b.NIB, b.Products, b.KBLISection, b.KBLICode,
		kec, b.Village, b.Address, optInt(b.YearStarted), optInt(b.Workers), optInt64(b.Capital), optInt64(b.AnnualSales),
		b.SizeClass.Label("id"), verified, b.Source, b.CreatedAt.In(idn.WIB).Format("2006-01-02")}
}

// runExport runs `jejaring export businesses [--format csv|xlsx] [--out FILE]`.
func runExport(ctx context.Context, db *store.DB, args []string, s stdio) int {
	stdout, stderr := s.out, s.err
	if len(args) == 0 || args[0] != "businesses" {
		fmt.Fprintln(stderr, "Usage: jejaring export businesses [--format csv|xlsx] [--out FILE] [--kecamatan 13.01.07] [--size mikro] [--full-nik] [--full-phone]")
		return 2
	}
	fs := flag.NewFlagSet("export businesses", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "", "csv or xlsx (default: from --out, else csv)")
	outPath := fs.String("out", "", "file to write (default: stdout)")
	kec := fs.String("kecamatan", "", "only this kecamatan code")
	size := fs.String("size", "", "only this size class: mikro, kecil, menengah, besar")
	full := fs.Bool("full-nik", false, "write whole NIKs (default masked: 1301********0001)")
	fullPhone := fs.Bool("full-phone", false, "write whole phone numbers (default masked: +62812****7890)")
	region := fs.String("region", defaultRegion(s), "region data file (default: $REGION, else pesisir_selatan)")
	by := fs.String("by", "cli", "staff user name for the audit log")
	if _, err := parseInterspersed(fs, args[1:]); err != nil {
		return 2
	}
	f := strings.ToLower(*format)
	if f == "" {
		f = "csv"
		if strings.EqualFold(filepath.Ext(*outPath), ".xlsx") {
			f = "xlsx"
		}
	}
	if f != "csv" && f != "xlsx" {
		fmt.Fprintf(stderr, "jejaring: --format %s: want csv or xlsx\n", *format)
		return 2
	}
	data, err := umkm.LoadData(*region)
	if err != nil {
		fmt.Fprintf(stderr, "jejaring: %v\n", err)
		return 2
	}
	list, err := store.NewBusinessRepo(db).ListBusinesses(ctx, umkm.Filter{RegionCode: *kec, SizeClass: umkm.SizeClass(*size)})
	if err != nil {
		fmt.Fprintf(stderr, "jejaring: export: %v\n", err)
		return 1
	}
	w := stdout
	if *outPath != "" {
		file, err := createPrivate(*outPath)
		if err != nil {
			fmt.Fprintf(stderr, "jejaring: export: %v\n", err)
			return 1
		}
		defer file.Close()
		w = file
	}
	if err := writeBusinesses(w, f, list, data, *full, *fullPhone); err != nil {
		fmt.Fprintf(stderr, "jejaring: export: %v\n", err)
		return 1
	}
	if err := db.AddAudit(ctx, time.Now(), store.ActorStaff(*by), "data.export", "business", "",
		map[string]any{"rows": len(list), "format": f, "full_nik": *full, "full_phone": *fullPhone}); err != nil {
		fmt.Fprintf(stderr, "jejaring: export: %v\n", err)
		return 1
	}
	if *outPath != "" {
		fmt.Fprintln(stderr, s.t.f("export.written", len(list), *outPath))
	}
	return 0
}

func writeBusinesses(w io.Writer, format string, list []umkm.Business, data *umkm.Data, fullNIK, fullPhone bool) error {
	if format == "csv" {
		cw := csv.NewWriter(w)
		if err := cw.Write(businessExportHeader); err != nil {
			return err
		}
		rec := make([]string, len(businessExportHeader))
		for i := range list {
			for j, v := range exportRow(&list[i], data, fullNIK, fullPhone) {
				if s, ok := v.(string); ok {
					rec[j] = csvText(s)
				} else {
					rec[j] = fmt.Sprint(v)
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "UMKM"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	head := make([]any, len(businessExportHeader))
	for i, h := range businessExportHeader {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i := range list {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := exportRow(&list[i], data, fullNIK, fullPhone)
		// Phone numbers, NIK and NIB are text: Excel would drop the + and
		// round long digits.
		for _, j := range []int{3, 4, 5} {
			row[j] = excelize.Cell{Value: row[j]}
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = x.WriteTo(w)
	return err
}

// runStats runs `jejaring stats`: counts by size class, kecamatan and
// sector, the table the office reports each year.
func runStats(ctx context.Context, db *store.DB, args []string, s stdio) int {
	stdout, stderr := s.out, s.err
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	region := fs.String("region", defaultRegion(s), "region data file (default: $REGION, else pesisir_selatan)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	data, err := umkm.LoadData(*region)
	if err != nil {
		fmt.Fprintf(stderr, "jejaring: %v\n", err)
		return 2
	}
	st, err := store.NewBusinessRepo(db).BusinessStats(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "jejaring: stats: %v\n", err)
		return 1
	}
	writeStats(stdout, st, data, s.t)
	return 0
}

func writeStats(w io.Writer, s umkm.Stats, data *umkm.Data, t tr) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	pct := func(n int) string {
		if s.Total == 0 {
			return "-"
		}
		return fmt.Sprintf("%5.1f%%", 100*float64(n)/float64(s.Total))
	}
	row := func(label string, n int) { fmt.Fprintf(tw, "%s\t%6d\t%s\t\n", label, n, pct(n)) }
	head := func(key string) {
		fmt.Fprintf(tw, "%s\t %s\t %s\t\n", t.f(key), t.f("stats.count"), t.f("stats.share"))
	}
	fmt.Fprintf(tw, "%s\t%6d\t\t\n", t.f("stats.total", data.Region.Name), s.Total)
	row(t.f("stats.verified"), s.Verified)
	fmt.Fprintln(tw, "\t\t\t")
	head("stats.size")
	order := map[string]int{"mikro": 0, "kecil": 1, "menengah": 2, "besar": 3, "": 4}
	sizes := append([]umkm.Count(nil), s.BySizeClass...)
	sort.SliceStable(sizes, func(i, j int) bool { return order[sizes[i].Key] < order[sizes[j].Key] })
	for _, c := range sizes {
		row(umkm.SizeClass(c.Key).Label(t.lang()), c.Count)
	}
	fmt.Fprintln(tw, "\t\t\t")
	head("stats.kecamatan")
	byRegion := map[string]int{}
	for _, c := range s.ByRegion {
		byRegion[c.Key] = c.Count
	}
	for _, k := range data.Region.Kecamatan {
		row(k.Code+" "+k.Name, byRegion[k.Code])
		delete(byRegion, k.Code)
	}
	if n := byRegion[""]; n > 0 {
		row(t.f("stats.notGiven"), n)
		delete(byRegion, "")
	}
	others := make([]string, 0, len(byRegion))
	for code := range byRegion {
		others = append(others, code)
	}
	sort.Strings(others)
	for _, code := range others {
		row(t.f("stats.other", code), byRegion[code])
	}
	fmt.Fprintln(tw, "\t\t\t")
	head("stats.sector")
	for _, c := range s.BySection {
		label := t.f("stats.notGiven")
		if sec, ok := data.Sectors.Section(c.Key); ok {
			label = sec.Letter + " " + sec.ShortID
		}
		row(label, c.Count)
	}
	tw.Flush()
}
