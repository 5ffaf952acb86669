package sheet

import (
	"fmt"
	"sort"
	"strings"

	"jejaring/internal/idn"
)

// messages are the words of an import report, Indonesian and English, as
// fmt formats with the same verbs.
var messages = map[string][2]string{
	"noName":   {"nama usaha kosong: usahanya tidak bisa dikenali", "the business name is empty: the business cannot be identified"},
	"totalRow": {"baris jumlah/total, bukan usaha", "a total line, not a business"},
	"invalid":  {"tidak terbaca: %[3]s", "unreadable: %[3]s"},
	"phone": {"%[1]s %[2]q dikosongkan: %[3]s",
		"%[1]s %[2]q left empty: %[3]s"},
	"phoneSecond": {"ada dua nomor: yang pertama (HP) disimpan, nomor lain dicatat di laporan: %[2]s",
		"two numbers: the first (mobile) is kept, the other is noted in this report: %[2]s"},
	"nik": {"%[1]s %[2]q dikosongkan: %[3]s", "%[1]s %[2]q left empty: %[3]s"},
	"nib": {"%[1]s %[2]q dikosongkan: %[3]s", "%[1]s %[2]q left empty: %[3]s"},
	"nikNumber": {"%[1]s %[2]q dikosongkan: NIK ini tersimpan sebagai angka di Excel, yang hanya menyimpan 15 angka, sehingga angka terakhirnya hilang. Tulis NIK sebagai teks (awali dengan tanda ')",
		"%[1]s %[2]q left empty: this NIK was kept as a number in Excel, which keeps only 15 digits, so its last digit is lost. Write NIKs as text (start with ')"},
	"kecamatan": {"%[1]s %[2]q dikosongkan: %[3]s", "%[1]s %[2]q left empty: %[3]s"},
	"kbli":      {"%[1]s %[2]q dikosongkan: %[3]s", "%[1]s %[2]q left empty: %[3]s"},
	"money":     {"%[1]s %[2]q dikosongkan: %[3]s", "%[1]s %[2]q left empty: %[3]s"},
	"workers":   {"%[1]s %[2]q dikosongkan: %[3]s", "%[1]s %[2]q left empty: %[3]s"},
	"year":      {"%[1]s %[2]q dikosongkan: %[3]s", "%[1]s %[2]q left empty: %[3]s"},
	"noOwner": {"nama pemilik kosong (akan ditanyakan saat pemilik membalas chat)",
		"the owner's name is empty (asked when the owner replies in chat)"},
	"perYear": {"%[1]s %[2]q bukan setahun: dikalikan menjadi omzet setahun",
		"%[1]s %[2]q is not for a year: multiplied to a year's sales"},
	"capitalMonthly": {"kolom %[1]s menyebut per bulan, tetapi modal/aset tidak dikalikan", "column %[1]s says per month, but capital/assets are not multiplied"},
	"monthly": {"kolom %[1]q berisi angka per bulan: dikali 12 menjadi omzet setahun",
		"column %[1]q holds monthly figures: multiplied by 12 into annual sales"},
	"unused":         {"kolom %[1]q tidak dipakai", "column %[1]q is not used"},
	"sheetSkipped":   {"lembar dilewati: tidak ada baris judul kolom (misalnya lembar petunjuk)", "sheet skipped: no header row (an instructions sheet, for example)"},
	"sheetKecamatan": {"lembar tanpa kolom kecamatan: barisnya dianggap Kecamatan %[2]s", "sheet without a kecamatan column: its rows are taken as Kecamatan %[2]s"},
	"merged": {"usaha yang sama dengan %[2]s di berkas ini (%[3]s): digabung",
		"the same business as %[2]s of this file (%[3]s): merged"},
	"existing": {"sudah terdaftar sebagai %[2]s (%[3]s): kolom yang kosong diisi",
		"already registered as %[2]s (%[3]s): empty fields filled"},
	"conflict": {"%[1]s berbeda dengan %[2]s yang terdaftar: data lama tetap dipakai (%[3]s)",
		"%[1]s differs from %[2]s on record: the record is kept (%[3]s)"},
	"conflictVerified": {"%[1]s berbeda dengan %[2]s yang sudah dipastikan pemilik lewat chat: tidak ditimpa (%[3]s)",
		"%[1]s differs from %[2]s as the owner confirmed it in chat: not overwritten (%[3]s)"},
	"kecamatanDetail": {"bukan kecamatan di %s", "not a kecamatan of %s"},
	"phoneDetail": {"bukan nomor HP atau telepon Indonesia, contoh: 0812-3456-7890",
		"not an Indonesian phone number, for example: 0812-3456-7890"},
	"noName.file": {"tidak ada kolom nama usaha (perlu judul seperti \"Nama Usaha\" atau \"Business Name\"; yang ada: %s)",
		"no business name column (want a header like \"Nama Usaha\" or \"Business Name\"; found %s)"},
	"empty":   {"berkasnya kosong", "the file is empty"},
	"noSheet": {"tidak ada lembar %q (yang ada: %s)", "no sheet %q (the sheets are: %s)"},
}

// reason names of the codes, for a summary line.
var reasonNames = map[string][2]string{
	"noName":           {"Nama usaha kosong (baris ditolak)", "Business name empty (row refused)"},
	"totalRow":         {"Baris jumlah/total (dilewati)", "Total lines (left out)"},
	"invalid":          {"Baris tidak terbaca (ditolak)", "Unreadable rows (refused)"},
	"phone":            {"No HP tidak benar (dikosongkan)", "Phone number not valid (left empty)"},
	"phoneSecond":      {"Dua nomor dalam satu sel (yang pertama disimpan)", "Two numbers in one cell (the first kept)"},
	"nik":              {"NIK tidak benar (dikosongkan)", "NIK not valid (left empty)"},
	"nib":              {"NIB tidak benar (dikosongkan)", "NIB not valid (left empty)"},
	"nikNumber":        {"NIK rusak karena disimpan sebagai angka Excel (dikosongkan)", "NIK spoilt by Excel's number cells (left empty)"},
	"kecamatan":        {"Kecamatan tidak dikenal (dikosongkan)", "Unknown kecamatan (left empty)"},
	"kbli":             {"KBLI/sektor tidak dikenal (dikosongkan)", "Unknown KBLI/sector (left empty)"},
	"money":            {"Jumlah uang tidak terbaca (dikosongkan)", "Amount not readable (left empty)"},
	"workers":          {"Tenaga kerja tidak terbaca (dikosongkan)", "Workers not readable (left empty)"},
	"year":             {"Tahun berdiri tidak terbaca (dikosongkan)", "Year started not readable (left empty)"},
	"noOwner":          {"Nama pemilik kosong", "Owner's name empty"},
	"perYear":          {"Omzet per bulan/hari dijadikan setahun", "Monthly/daily sales made annual"},
	"capitalMonthly":   {"Modal per bulan (tidak dikalikan)", "Capital per month (not multiplied)"},
	"merged":           {"Ganda di berkas ini (digabung)", "Duplicates within this file (merged)"},
	"existing":         {"Sudah terdaftar (kolom kosong diisi)", "Already registered (empty fields filled)"},
	"conflict":         {"Berbeda dengan data terdaftar (data lama dipakai)", "Differs from the record (record kept)"},
	"conflictVerified": {"Berbeda dengan data yang dipastikan pemilik (tidak ditimpa)", "Differs from what the owner confirmed (not overwritten)"},
	"monthly":          {"Kolom per bulan (dikali 12)", "Monthly columns (multiplied by 12)"},
	"unused":           {"Kolom tidak dipakai", "Columns not used"},
	"sheetSkipped":     {"Lembar dilewati", "Sheets skipped"},
	"sheetKecamatan":   {"Kecamatan dari nama lembar", "Kecamatan from the sheet's name"},
}

// byNames say how a row was found to be a business already there.
var byNames = map[string][2]string{
	"nib": {"NIB sama", "same NIB"}, "nik": {"NIK sama", "same NIK"}, "phone": {"No HP terverifikasi sama", "same verified phone"},
	"name": {"nama usaha, kecamatan dan pemilik sama", "same business name, kecamatan and owner"},
}

var fieldLabels = map[string][2]string{
	"owner_name": {"Pemilik", "Owner"}, "owner_phone": {"No HP", "Phone"}, "nik": {"NIK", "NIK"}, "nib": {"NIB", "NIB"},
	"products": {"Produk", "Products"}, "kbli": {"KBLI", "KBLI"}, "region_code": {"Kecamatan", "Kecamatan"},
	"village": {"Nagari", "Nagari"}, "address": {"Alamat", "Address"}, "year_started": {"Tahun berdiri", "Year started"},
	"workers": {"Tenaga kerja", "Workers"}, "capital": {"Modal/aset", "Capital/assets"}, "annual_sales": {"Omzet setahun", "Annual sales"},
}

// FieldLabel names a record field (the register's: owner_phone, capital,
// …) in lang.
func FieldLabel(field, lang string) string {
	n, ok := fieldLabels[field]
	if !ok {
		return field
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// ByName names a match's kind ("nib", "nik", "phone", "name") in lang.
func ByName(by, lang string) string {
	n, ok := byNames[by]
	if !ok {
		return by
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// msg formats the message key in lang ("en", else Indonesian).
func msg(lang, key string, args ...any) string {
	m := messages[key]
	if lang == "en" {
		return fmt.Sprintf(m[1], args...)
	}
	return fmt.Sprintf(m[0], args...)
}

// Text is the issue in lang, without its place.
func (is Issue) Text(lang string) string {
	if _, ok := messages[is.Code]; !ok {
		return is.Code
	}
	m := messages[is.Code][0]
	if lang == "en" {
		m = messages[is.Code][1]
	}
	if !strings.Contains(m, "%") {
		return m
	}
	return fmt.Sprintf(m, is.Column, is.Value, is.Detail)
}

// Place is where the issue is: "Tarusan baris 12" / "Tarusan row 12".
func (is Issue) Place(lang string) string {
	row := "baris"
	if lang == "en" {
		row = "row"
	}
	switch {
	case is.Row == 0:
		return is.Sheet
	case is.Sheet == "":
		return fmt.Sprintf("%s %d", row, is.Row)
	}
	return fmt.Sprintf("%s %s %d", is.Sheet, row, is.Row)
}

// ReasonName is the summary line's name of a reason code in lang.
func ReasonName(code, lang string) string {
	n, ok := reasonNames[code]
	if !ok {
		return code
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// Reason is one line of a summary: how many rows share a reason, with the
// first few of them.
type Reason struct {
	Code     string
	Level    string
	Count    int
	Examples []Issue
}

// Merge is a kept row the register found to be a business already there
// (store.ImportMatch converts to it).
type Merge struct {
	Index   int    // kept row
	Earlier int    // the earlier kept row it is the same business as, or -1 for a registered one
	RegNo   string // the registered business
	By      string // nib, nik, phone, name
	Filled  []string
}

// Conflict is a field a kept row gives differently from its record, the
// record's value kept (store.ImportConflict converts to it).
type Conflict struct {
	Index     int
	RegNo     string
	Field     string
	Have, Got string
	Verified  bool
}

// ApplyRegister adds what the register made of the kept rows (matches and
// conflicts) to them as notes, for the summary; NIKs and phones are masked.
func (imp *Import) ApplyRegister(merges []Merge, conflicts []Conflict) {
	for _, m := range merges {
		code, where := "existing", m.RegNo
		if m.Earlier >= 0 && m.Earlier < len(imp.Rows) {
			r := imp.Rows[m.Earlier]
			code, where = "merged", Issue{Sheet: r.Sheet, Row: r.Line}.Place(imp.Lang)
		}
		imp.AddIssue(m.Index, Issue{Code: code, Level: Note, Value: where, Detail: ByName(m.By, imp.Lang)})
	}
	for _, c := range conflicts {
		code := "conflict"
		if c.Verified {
			code = "conflictVerified"
		}
		have, got := c.Have, c.Got
		switch c.Field {
		case "nik":
			have, got = idn.MaskNIK(have), idn.MaskNIK(got)
		case "owner_phone":
			have, got = idn.MaskPhone(have), idn.MaskPhone(got)
		}
		imp.AddIssue(c.Index, Issue{Code: code, Level: Note, Column: FieldLabel(c.Field, imp.Lang), Value: c.RegNo, Detail: have + " / " + got})
	}
}

// AddIssue adds an issue (the register's merge or conflict) to kept row i.
func (imp *Import) AddIssue(i int, is Issue) {
	r := &imp.Rows[i]
	is.Sheet, is.Row = r.Sheet, r.Line
	r.Issues = append(r.Issues, is)
}

// Summary groups every issue of the import by reason, refused rows first,
// then cells left empty, then notes, each by count; at most examples
// examples each.
func (imp *Import) Summary(examples int) []Reason {
	idx := map[string]int{}
	var out []Reason
	add := func(is Issue) {
		k := is.Level + "/" + is.Code
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Reason{Code: is.Code, Level: is.Level})
		}
		out[i].Count++
		if len(out[i].Examples) < examples {
			out[i].Examples = append(out[i].Examples, is)
		}
	}
	for _, is := range imp.Notes {
		add(is)
	}
	for _, set := range [][]Row{imp.Rejected, imp.Rows} {
		for _, r := range set {
			for _, is := range r.Issues {
				add(is)
			}
		}
	}
	rank := map[string]int{Refused: 0, Dropped: 1, Note: 2}
	sort.SliceStable(out, func(a, b int) bool {
		if rank[out[a].Level] != rank[out[b].Level] {
			return rank[out[a].Level] < rank[out[b].Level]
		}
		return out[a].Count > out[b].Count
	})
	return out
}

// NeedsFixing reports whether a row goes into the rejected-rows file: it
// was refused (a total line is not: it is no business), or a cell of it
// was left empty.
func (r *Row) NeedsFixing() bool {
	for _, is := range r.Issues {
		if is.Code == "totalRow" {
			return false
		}
	}
	for _, is := range r.Issues {
		if is.Level == Refused || is.Level == Dropped {
			return true
		}
	}
	return false
}

// Problems is the row's "masalah" cell: its refused and dropped issues in
// lang.
func (r *Row) Problems(lang string) string {
	var parts []string
	for _, is := range r.Issues {
		if is.Level == Note {
			continue
		}
		parts = append(parts, is.Text(lang))
	}
	return strings.Join(parts, "; ")
}

// RejectedCount is how many rows the rejected-rows file holds.
func (imp *Import) RejectedCount() int {
	n := 0
	for _, set := range [][]Row{imp.Rejected, imp.Rows} {
		for i := range set {
			if set[i].NeedsFixing() {
				n++
			}
		}
	}
	return n
}

// RejectedTables are the rejected-rows file: for each sheet read, its
// header row and the rows to fix (refused, or with a cell left empty) as
// they were, plus a "masalah" column. Fixed, the file imports like the
// original: a refused row comes in, a row already in fills the empty
// fields of its record.
func (imp *Import) RejectedTables() []Table {
	var out []Table
	for _, s := range imp.Sheets {
		if s.HeaderRow == 0 {
			continue
		}
		var header []string
		problem := -1
		for _, c := range s.Columns {
			header = append(header, c.Header)
			if c.Field == colProblem {
				problem = c.Index
			}
		}
		if problem < 0 {
			problem = len(header)
			header = append(header, ProblemHeader)
		}
		t := Table{Name: s.Name, Header: header}
		for i := range header {
			t.TextColumns = append(t.TextColumns, i)
		}
		var rows []*Row
		for _, set := range [][]Row{imp.Rejected, imp.Rows} {
			for i := range set {
				if set[i].Sheet == s.Name && set[i].NeedsFixing() {
					rows = append(rows, &set[i])
				}
			}
		}
		sort.Slice(rows, func(a, b int) bool { return rows[a].Line < rows[b].Line })
		for _, r := range rows {
			cells := make([]any, len(header))
			for i := range cells {
				cells[i] = ""
				if i < len(r.Cells) {
					cells[i] = r.Cells[i]
				}
			}
			cells[problem] = r.Problems(imp.Lang)
			t.Rows = append(t.Rows, cells)
		}
		if len(t.Rows) > 0 {
			out = append(out, t)
		}
	}
	return out
}
