package main

// Staff commands for the business register: `jejaring import businesses
// FILE [--dry-run]`, `jejaring export businesses [--format csv|xlsx] [--out
// FILE]` and `jejaring stats`. The spreadsheet itself (columns by their
// header names, cells, rows into businesses, the export's cells) is package
// internal/umkm/sheet; here are the flags, the database calls and the
// report: each bad row with its row number and reason, duplicates by phone
// or NIB skipped, what is added left unverified until the owner confirms it
// in chat.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"jejaring/internal/store"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/sheet"
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
	src, err := sheet.Open(path)
	if err != nil {
		return importSummary{}, err
	}
	p, err := sheet.Parse(src, data, now, t.lang())
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
	t := sheet.BusinessTable(list, data, fullNIK, fullPhone)
	if format == "csv" {
		return sheet.WriteCSV(w, t)
	}
	return sheet.WriteXLSX(w, t)
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
