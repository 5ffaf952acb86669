package main

// Staff commands for the business register: `jejaring import businesses
// FILE [--dry-run] [--sheet] [--rejected FILE.xlsx]`, `jejaring import
// list|undo ID`, `jejaring export businesses [--format csv|xlsx] [--out
// FILE]` and `jejaring stats`. The spreadsheet itself (the header row below
// title blocks, columns by their names, cells, rows into businesses, the
// summary by reason, the rejected-rows file) is package internal/umkm/sheet
// and the merge into the register with its batches is the store's; here are
// the flags, the database calls and the report's layout. What is added stays
// unverified until the owner confirms it in chat.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/sheet"
)

const importUsage = `Usage:
  jejaring import businesses FILE [--dry-run] [--sheet NAME] [--rejected FILE.xlsx] [--examples 5] [--region pesisir_selatan]
  jejaring import list
  jejaring import undo ID

Reads the office's register, an .xlsx (every sheet with a header row; a
"Petunjuk" sheet or any sheet without one is skipped; --sheet picks one) or
a .csv. The header row is found below any title block; columns are known by
their names, for example:
  Nama Usaha / Nama UMKM / Business Name     (needed: a row without it is refused)
  Pemilik / Nama Pemilik / Owner,  NIK,  NIB,  No HP / Telp / WA / Phone
  Kecamatan / Kec.,  Nagari / Desa / Kelurahan,  Alamat / Address
  Aset / Modal / Kekayaan Bersih / Capital   (rupiah: "Rp 25.000.000", "25 jt")
  Omset / Omzet / Penjualan per Tahun / Sales ("per Bulan" columns are multiplied by 12)
  KBLI / Sektor / Bidang Usaha / Jenis Usaha,  Produk
  Tenaga Kerja / Karyawan ("3 orang"),  Tahun Berdiri / Mulai Usaha
A bad cell is left empty with a warning and the row kept. A business
already registered (same NIB, NIK, verified phone, or name + kecamatan +
owner) is not added again: its empty fields are filled, and what differs is
reported, never overwritten. The report is a summary by reason; --rejected
writes the rows to fix with a "masalah" column, ready to import again once
fixed. Each import is one batch: "import list" shows them, "import undo ID"
takes one back while none of its records has changed since.
--dry-run reads, checks and matches everything and saves nothing.
`

// runImport runs `jejaring import businesses|list|undo`.
func runImport(ctx context.Context, db *store.DB, args []string, s stdio) int {
	stdout, stderr := s.out, s.err
	if len(args) == 0 {
		fmt.Fprint(stderr, importUsage)
		return 2
	}
	switch args[0] {
	case "list":
		return runImportList(ctx, db, args[1:], s)
	case "undo":
		return runImportUndo(ctx, db, args[1:], s)
	case "businesses":
	default:
		fmt.Fprint(stderr, importUsage)
		return 2
	}
	fs := flag.NewFlagSet("import businesses", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opt importOptions
	fs.BoolVar(&opt.Dry, "dry-run", false, "check and report, save nothing")
	fs.StringVar(&opt.Sheet, "sheet", "", "read only this sheet (its name or number)")
	fs.StringVar(&opt.Rejected, "rejected", "", "write the rows to fix to this .xlsx")
	fs.IntVar(&opt.Examples, "examples", 5, "examples shown per reason")
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
	// Refused rows and cells left empty are reported on stdout and do not
	// make the command fail: the good rows are in. An unreadable file does.
	if _, err := importFile(ctx, db, data, pos[0], opt, store.ActorStaff(*by), time.Now(), s.t, stdout); err != nil {
		fmt.Fprintf(stderr, "jejaring: import %s: %v\n", pos[0], err)
		return 1
	}
	return 0
}

// importOptions are the flags of `import businesses`.
type importOptions struct {
	Dry      bool
	Sheet    string
	Rejected string // path of the rejected-rows .xlsx, "" for none
	Examples int
}

// importSummary is what an import did, for tests and the report.
type importSummary struct {
	Rows, Imported, Filled, Merged, Refused, ToFix int
	Conflicts                                      int
	Batch                                          int64
}

// applyRegister adds the register's matches and conflicts to the rows of
// the import, for the report and the rejected-rows file.
func applyRegister(p *sheet.Import, res store.ImportResult) {
	merges := make([]sheet.Merge, len(res.Matches))
	for i, m := range res.Matches {
		merges[i] = sheet.Merge(m)
	}
	conflicts := make([]sheet.Conflict, len(res.Conflicts))
	for i, c := range res.Conflicts {
		conflicts[i] = sheet.Conflict(c)
	}
	p.ApplyRegister(merges, conflicts)
}

func importFile(ctx context.Context, db *store.DB, data *umkm.Data, path string, opt importOptions, actor string, now time.Time, t tr, out io.Writer) (importSummary, error) {
	if opt.Examples <= 0 {
		opt.Examples = 5
	}
	book, err := sheet.Open(path)
	if err != nil {
		return importSummary{}, err
	}
	p, err := sheet.Parse(book, data, sheet.Options{Now: now, Lang: t.lang(), Sheet: opt.Sheet})
	if err != nil {
		return importSummary{}, err
	}
	repo := store.NewBusinessRepo(db)
	bs := p.Businesses()
	res, err := repo.ImportRegister(ctx, bs, store.ImportOptions{Prefix: data.Region.Prefix, Actor: actor, FileName: filepath.Base(path),
		Now: now, DryRun: opt.Dry, Rows: p.Total, Refused: len(p.Rejected)})
	if err != nil {
		return importSummary{}, err
	}
	applyRegister(p, res)
	sum := importSummary{Rows: p.Total, Imported: res.Inserted, Filled: res.Filled, Merged: res.Merged, Refused: len(p.Rejected),
		ToFix: p.RejectedCount(), Conflicts: len(res.Conflicts), Batch: res.BatchID}
	writeImportReport(out, p, sum, opt, filepath.Base(path), t)
	if opt.Rejected != "" && sum.ToFix > 0 {
		f, err := createPrivate(opt.Rejected)
		if err != nil {
			return sum, err
		}
		if err := sheet.WriteXLSX(f, p.RejectedTables()...); err != nil {
			f.Close()
			return sum, fmt.Errorf("write %s: %w", opt.Rejected, err)
		}
		if err := f.Close(); err != nil {
			return sum, err
		}
		fmt.Fprintln(out, t.f("import.rejectedWritten", sum.ToFix, opt.Rejected))
	} else if sum.ToFix > 0 {
		fmt.Fprintln(out, t.f("import.rejectedHint", sum.ToFix))
	}
	if !opt.Dry && sum.Batch > 0 {
		fmt.Fprintln(out, t.f("import.batch", sum.Batch, sum.Batch))
	}
	if !opt.Dry && sum.Imported > 0 {
		fmt.Fprintln(out, t.f("import.unverified"))
	}
	return sum, nil
}

// writeImportReport is the summary staff act on: the sheets read, the
// columns used, the counts, then each reason with its count and the first
// few rows.
func writeImportReport(w io.Writer, p *sheet.Import, sum importSummary, opt importOptions, name string, t tr) {
	lang := t.lang()
	for _, s := range p.Sheets {
		if s.HeaderRow == 0 {
			fmt.Fprintln(w, t.f("import.sheetSkipped", s.Name))
			continue
		}
		var used []string
		for _, c := range s.Columns {
			if c.Field != "" && c.Field != "no" && c.Field != "masalah" {
				used = append(used, c.Header+" → "+t.f("import.field."+c.Field))
			}
		}
		fmt.Fprintln(w, t.f("import.sheet", s.Name, s.HeaderRow, s.Rows, strings.Join(used, ", ")))
	}
	key := "import.summary"
	if opt.Dry {
		key = "import.summaryDry"
	}
	fmt.Fprintln(w, t.f(key, name, sum.Rows, sum.Imported, sum.Filled, sum.Merged, sum.Refused))
	reasons := p.Summary(opt.Examples)
	if len(reasons) > 0 {
		fmt.Fprintln(w, t.f("import.reasons", opt.Examples))
	}
	for _, r := range reasons {
		fmt.Fprintf(w, "  %s: %d\n", sheet.ReasonName(r.Code, lang), r.Count)
		for _, is := range r.Examples {
			fmt.Fprintf(w, "    %s: %s\n", is.Place(lang), is.Text(lang))
		}
		if r.Count > len(r.Examples) {
			fmt.Fprintln(w, "    "+t.f("import.more", r.Count-len(r.Examples)))
		}
	}
}

// runImportList runs `jejaring import list`.
func runImportList(ctx context.Context, db *store.DB, args []string, s stdio) int {
	list, err := store.NewBusinessRepo(db).ListImports(ctx, 50)
	if err != nil {
		fmt.Fprintf(s.err, "jejaring: import list: %v\n", err)
		return 1
	}
	if len(list) == 0 {
		fmt.Fprintln(s.out, s.t.f("import.none"))
		return 0
	}
	tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, s.t.f("import.listHead"))
	for _, b := range list {
		state := s.t.f("import.active")
		if b.UndoneAt != nil {
			state = s.t.f("import.undoneAt", b.UndoneAt.In(idn.WIB).Format("2006-01-02 15:04"), b.UndoneBy)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", b.ID, b.At.In(idn.WIB).Format("2006-01-02 15:04"), b.FileName, b.Actor,
			b.Rows, b.Inserted, b.Filled, b.Merged, b.Refused, state)
	}
	tw.Flush()
	return 0
}

// runImportUndo runs `jejaring import undo ID`.
func runImportUndo(ctx context.Context, db *store.DB, args []string, s stdio) int {
	fs := flag.NewFlagSet("import undo", flag.ContinueOnError)
	fs.SetOutput(s.err)
	by := fs.String("by", "cli", "staff user name for the audit log")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprint(s.err, importUsage)
		return 2
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		fmt.Fprintf(s.err, "jejaring: import undo %s: %s\n", pos[0], s.t.f("import.badID"))
		return 2
	}
	b, err := store.NewBusinessRepo(db).UndoImport(ctx, id, store.ActorStaff(*by), time.Now())
	var refused *store.UndoRefusedError
	switch {
	case errors.As(err, &refused):
		fmt.Fprintln(s.err, s.t.f("import.undoRefused", id, refused.Count, strings.Join(refused.Changed, ", ")))
		return 1
	case errors.Is(err, store.ErrImportNotFound):
		fmt.Fprintln(s.err, s.t.f("import.undoNotFound", id))
		return 1
	case errors.Is(err, store.ErrImportUndone):
		fmt.Fprintln(s.err, s.t.f("import.undoAlready", id))
		return 1
	case err != nil:
		fmt.Fprintf(s.err, "jejaring: import undo %d: %v\n", id, err)
		return 1
	}
	fmt.Fprintln(s.out, s.t.f("import.undone", b.ID, b.FileName, b.Inserted, b.Filled))
	return 0
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
