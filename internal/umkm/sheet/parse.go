package sheet

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/idn"
	"jejaring/internal/umkm"
)

// Options say how to read a register.
type Options struct {
	Now   time.Time // bounds the year a business started and reads NIKs
	Lang  string    // "en" or Indonesian, for the reasons
	Sheet string    // read only this sheet (by name, or its number from 1); "" reads every sheet with a header
}

// Levels of an Issue.
const (
	Refused = "refused" // the row is left out: the business cannot be identified
	Dropped = "dropped" // one cell is left out, the row is in
	Note    = "note"    // nothing is lost; staff should know
)

// Issue is one problem of one row (or of the file when Row is 0).
type Issue struct {
	Sheet  string
	Row    int    // spreadsheet row number, 1-based as Excel shows it
	Code   string // reason code: nik, phone, money, noName, …
	Level  string
	Column string // the column's header as the file has it
	Value  string
	Detail string // the validator's explanation, in the import's language
}

// Row is one data row of the file as read.
type Row struct {
	Sheet    string
	Line     int      // spreadsheet row number
	Cells    []string // the original cells
	Business umkm.Business
	Issues   []Issue
	// OtherPhones are numbers beyond the one kept, from a cell with two.
	OtherPhones []string
}

// Refused reports whether the row is left out.
func (r *Row) Refused() bool {
	for _, is := range r.Issues {
		if is.Level == Refused {
			return true
		}
	}
	return false
}

// SheetInfo is how one sheet was read.
type SheetInfo struct {
	Name      string
	HeaderRow int // 1-based; 0 when the sheet was skipped
	Columns   []Column
	Rows      int    // data rows read
	Skipped   string // why the sheet was not read ("" when it was)
	Kecamatan string // the kecamatan the sheet's name gives its rows, when it has no kecamatan column
}

// Import is a file read and checked, ready for the database.
type Import struct {
	Sheets []SheetInfo
	// Rows are the businesses kept, in file order.
	Rows []Row
	// Rejected are the rows left out, with their issues.
	Rejected []Row
	Notes    []Issue // about the file: columns read per month, sheets skipped, columns not used
	Total    int     // data rows, empty ones not counted
	Lang     string
}

// Businesses are the kept rows' businesses, in order.
func (imp *Import) Businesses() []umkm.Business {
	out := make([]umkm.Business, len(imp.Rows))
	for i := range imp.Rows {
		out[i] = imp.Rows[i].Business
	}
	return out
}

// Parse reads a register: in every sheet (or opt.Sheet) it finds the
// header row below any title block, maps the columns by their names, and
// turns each data row into an unverified business from the import. A bad
// optional cell is left out with an Issue and the row kept; a row is
// refused only when it names no business. All of a row's problems are
// reported together. It fails only when no sheet has a header.
func Parse(book []Sheet, data *umkm.Data, opt Options) (*Import, error) {
	imp := &Import{Lang: opt.Lang}
	p := parser{data: data, now: opt.Now, lang: opt.Lang, kec: map[string]kecHit{}, sectors: map[string]sectorHit{}}
	if opt.Now.IsZero() {
		p.now = time.Now()
	}
	chosen := book
	if opt.Sheet != "" {
		chosen = nil
		for i, s := range book {
			if strings.EqualFold(strings.TrimSpace(s.Name), strings.TrimSpace(opt.Sheet)) || strconv.Itoa(i+1) == opt.Sheet {
				chosen = []Sheet{s}
			}
		}
		if chosen == nil {
			names := make([]string, len(book))
			for i, s := range book {
				names[i] = s.Name
			}
			return nil, errors.New(msg(opt.Lang, "noSheet", opt.Sheet, strings.Join(names, ", ")))
		}
	}
	read := 0
	for _, s := range chosen {
		info := SheetInfo{Name: s.Name}
		h, cols := findHeader(s.Rows)
		if h < 0 {
			info.Skipped = "noHeader"
			imp.Sheets = append(imp.Sheets, info)
			if nonEmptyRows(s.Rows) > 0 {
				imp.Notes = append(imp.Notes, Issue{Sheet: s.Name, Code: "sheetSkipped", Level: Note})
			}
			continue
		}
		read++
		info.HeaderRow, info.Columns = h+1, cols
		for _, c := range cols {
			switch {
			case c.Monthly:
				imp.Notes = append(imp.Notes, Issue{Sheet: s.Name, Code: "monthly", Level: Note, Column: c.Header})
			case c.Field == "" && c.Header != "":
				imp.Notes = append(imp.Notes, Issue{Sheet: s.Name, Code: "unused", Level: Note, Column: c.Header})
			}
		}
		if !hasField(cols, colDistrict) {
			if k, ok := data.Region.MatchKecamatan(trimKec(s.Name)); ok {
				info.Kecamatan = k.Code
				imp.Notes = append(imp.Notes, Issue{Sheet: s.Name, Code: "sheetKecamatan", Level: Note, Value: k.Name})
			}
		}
		for i := h + 1; i < len(s.Rows); i++ {
			cells := s.Rows[i]
			if nonEmpty(cells, cols) == 0 || numbering(cells) || repeatedHeader(cells, cols) {
				continue
			}
			info.Rows++
			imp.Total++
			r := p.row(s.Name, i+1, cells, cols, info.Kecamatan)
			if r.Refused() {
				imp.Rejected = append(imp.Rejected, r)
			} else {
				imp.Rows = append(imp.Rows, r)
			}
		}
		imp.Sheets = append(imp.Sheets, info)
	}
	if read == 0 {
		if len(chosen) == 0 || nonEmptyBook(chosen) == 0 {
			return nil, errors.New(msg(opt.Lang, "empty"))
		}
		var first []string
		for _, s := range chosen {
			for _, r := range s.Rows {
				if len(strings.Join(r, "")) > 0 {
					first = r
					break
				}
			}
			if first != nil {
				break
			}
		}
		return nil, errors.New(msg(opt.Lang, "noName.file", strings.Join(trimAll(first), ", ")))
	}
	return imp, nil
}

func trimAll(r []string) []string {
	out := make([]string, 0, len(r))
	for _, c := range r {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func trimKec(s string) string {
	t := strings.TrimSpace(s)
	for _, p := range []string{"kecamatan ", "kec. ", "kec ", "kec."} {
		if len(t) > len(p) && strings.EqualFold(t[:len(p)], p) {
			return strings.TrimSpace(t[len(p):])
		}
	}
	return t
}

func nonEmptyRows(rows [][]string) int {
	n := 0
	for _, r := range rows {
		if strings.TrimSpace(strings.Join(r, "")) != "" {
			n++
		}
	}
	return n
}

func nonEmptyBook(book []Sheet) int {
	n := 0
	for _, s := range book {
		n += nonEmptyRows(s.Rows)
	}
	return n
}

// nonEmpty counts the filled cells of a row, the row-number column not
// counted.
func nonEmpty(cells []string, cols []Column) int {
	n := 0
	for i, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		if i < len(cols) && (cols[i].Field == colNo || cols[i].Field == colProblem) {
			continue
		}
		n++
	}
	return n
}

// numbering reports a row of column numbers under a header: "1 2 3 4" or
// "(1) (2) (3)".
func numbering(cells []string) bool {
	n := 0
	for i, c := range cells {
		t := strings.Trim(strings.TrimSpace(c), "()")
		if t == "" {
			continue
		}
		if t != strconv.Itoa(i+1) && t != strconv.Itoa(n+1) {
			return false
		}
		n++
	}
	return n >= 3
}

// repeatedHeader reports the header row repeated (a register printed page
// by page).
func repeatedHeader(cells []string, cols []Column) bool {
	same := 0
	for i, c := range cells {
		if i < len(cols) && cols[i].Header != "" && strings.EqualFold(strings.TrimSpace(c), cols[i].Header) {
			same++
		}
	}
	return same >= 2
}

type kecHit struct {
	k  umkm.Kecamatan
	ok bool
}

type sectorHit struct {
	m  umkm.SectorMatch
	ok bool
}

// parser reads rows, caching the fuzzy matches (a register repeats its
// kecamatan and sector words thousands of times).
type parser struct {
	data    *umkm.Data
	now     time.Time
	lang    string
	kec     map[string]kecHit
	sectors map[string]sectorHit
}

func (p *parser) matchKecamatan(s string) (umkm.Kecamatan, bool) {
	if h, ok := p.kec[s]; ok {
		return h.k, h.ok
	}
	k, ok := p.data.Region.MatchKecamatan(trimKec(s))
	p.kec[s] = kecHit{k, ok}
	return k, ok
}

func (p *parser) matchSector(s string) (umkm.SectorMatch, bool) {
	if h, ok := p.sectors[s]; ok {
		return h.m, h.ok
	}
	m, ok := p.data.Sectors.MatchSection(s)
	p.sectors[s] = sectorHit{m, ok}
	return m, ok
}

// detail is a validator's explanation in the import's language.
func (p *parser) detail(err error) string {
	var ie *idn.Error
	if errors.As(err, &ie) {
		if p.lang == "en" && ie.EN != "" {
			return ie.EN
		}
		return ie.ID
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// row reads one data row.
func (p *parser) row(sheet string, line int, cells []string, cols []Column, sheetKec string) Row {
	r := Row{Sheet: sheet, Line: line, Cells: cells}
	header := map[string]string{}
	get := func(f string) string {
		for _, c := range cols {
			if c.Field == f && c.Index < len(cells) {
				header[f] = c.Header
				v := strings.TrimSpace(importText(idn.CleanText(strings.TrimSpace(cells[c.Index]))))
				if blank(v) {
					return ""
				}
				return v
			}
		}
		return ""
	}
	monthly := func(f string) bool {
		for _, c := range cols {
			if c.Field == f {
				return c.Monthly
			}
		}
		return false
	}
	issue := func(level, code, field, value string, err error) {
		r.Issues = append(r.Issues, Issue{Sheet: sheet, Row: line, Code: code, Level: level, Column: header[field], Value: value, Detail: p.detail(err)})
	}
	b := umkm.Business{Source: umkm.SourceImport}
	b.Name = get(colName)
	if b.Name == "" {
		issue(Refused, "noName", colName, "", nil)
	} else if total(b.Name) || total(get(colNo)) {
		issue(Refused, "totalRow", colName, b.Name, nil)
		r.Business = b
		return r
	}
	b.OwnerName = get(colOwner)
	b.Address = get(colAddress)
	b.Products = get(colProducts)
	if v := get(colPhone); v != "" {
		var kept string
		var others []string
		var bad []string
		for _, part := range splitPhones(v) {
			e, err := idn.NormalizePhone(phoneDigits(part))
			if err != nil {
				bad = append(bad, part)
				continue
			}
			switch {
			case kept == "":
				kept = e
			case mobile(e) && !mobile(kept):
				others = append(others, kept)
				kept = e
			case e != kept:
				others = append(others, e)
			}
		}
		b.OwnerPhone = kept
		r.OtherPhones = others
		if len(bad) > 0 {
			for i := range bad {
				bad[i] = maskLong(bad[i], idn.MaskPhone)
			}
			issue(Dropped, "phone", colPhone, strings.Join(bad, " / "), errors.New(msg(p.lang, "phoneDetail")))
		}
		if len(others) > 0 {
			masked := make([]string, len(others))
			for i, o := range others {
				masked[i] = idn.MaskPhone(o)
			}
			issue(Note, "phoneSecond", colPhone, strings.Join(masked, ", "), nil)
		}
	}
	if v := get(colNIK); v != "" {
		n, err := idn.ParseNIKAt(idDigits(v), p.now)
		if err != nil && excelNumber(v) {
			issue(Dropped, "nikNumber", colNIK, maskLong(v, idn.MaskNIK), err)
		} else if err != nil {
			issue(Dropped, "nik", colNIK, maskLong(v, idn.MaskNIK), err)
		} else {
			b.NIK = n.Digits
		}
	}
	if v := get(colNIB); v != "" {
		n, err := idn.ParseNIB(idDigits(v))
		if err != nil {
			issue(Dropped, "nib", colNIB, v, err)
		} else {
			b.NIB = n
		}
	}
	if k := get(colDistrict); k != "" {
		if kec, ok := p.matchKecamatan(k); ok {
			b.RegionCode = kec.Code
		} else {
			issue(Dropped, "kecamatan", colDistrict, k, errors.New(msg(p.lang, "kecamatanDetail", p.data.Region.Name)))
		}
	} else if sheetKec != "" {
		b.RegionCode = sheetKec
	}
	if v := get(colVillage); v != "" {
		b.Village = v
		if kec, ok := p.data.Region.KecamatanByCode(b.RegionCode); ok {
			if n, ok := kec.MatchNagari(v); ok {
				b.Village = n.Name
			}
		} else if kec, n, ok := p.data.Region.FindNagari(v); ok && b.RegionCode == "" {
			b.RegionCode, b.Village = kec.Code, n.Name
		}
	}
	if v := get(colKBLI); v != "" {
		if k, err := idn.ParseKBLI(idDigits(v)); err == nil {
			b.KBLICode, b.KBLISection, b.KBLIVersion = k.Code, k.Section, k.Version
		} else if m, ok := p.matchSector(v); ok {
			b.KBLISection, b.KBLICode = m.Section.Letter, m.KBLI
		} else {
			issue(Dropped, "kbli", colKBLI, v, err)
		}
	}
	if v := get(colSector); v != "" && b.KBLISection == "" {
		if m, ok := p.matchSector(v); ok {
			b.KBLISection, b.KBLICode = m.Section.Letter, m.KBLI
		} else if b.Products == "" {
			b.Products = v // keep the words; the sector stays unknown
		}
	}
	if b.KBLISection == "" && b.Products != "" {
		if m, ok := p.matchSector(b.Products); ok {
			b.KBLISection, b.KBLICode = m.Section.Letter, m.KBLI
		}
	}
	for _, m := range []struct {
		field string
		dst   **int64
	}{{colCapital, &b.Capital}, {colSales, &b.AnnualSales}} {
		v := get(m.field)
		if v == "" && m.field == colSales {
			if v = get(colSalesMon); v != "" {
				n, per, err := readMoney(v)
				if err != nil {
					issue(Dropped, "money", colSalesMon, v, err)
					continue
				}
				if per == "" {
					per = idn.PerMonth
				}
				n *= perYear(per)
				b.AnnualSales = &n
				continue
			}
		}
		if v == "" {
			continue
		}
		n, per, err := readMoney(v)
		if err != nil {
			issue(Dropped, "money", m.field, v, err)
			continue
		}
		if m.field == colSales {
			if per == "" && monthly(m.field) {
				per = idn.PerMonth
			}
			if per != "" && per != idn.PerYear {
				n *= perYear(per)
				if !monthly(m.field) {
					issue(Note, "perYear", m.field, v, nil)
				}
			}
		}
		if m.field == colCapital && monthly(m.field) {
			issue(Note, "capitalMonthly", m.field, v, nil)
		}
		*m.dst = &n
	}
	if v := get(colWorkers); v != "" {
		if n, err := readCount(v); err == nil {
			b.Workers = &n
		} else {
			issue(Dropped, "workers", colWorkers, v, err)
		}
	}
	if v := get(colYear); v != "" {
		if n, err := readYear(v, p.now); err == nil {
			b.YearStarted = &n
		} else {
			issue(Dropped, "year", colYear, v, err)
		}
	}
	// The record's own checks (the chat's): a field that fails is left
	// out; a missing owner's name is noted (the chat asks for it).
	// The phone is normalised already (NormalizePhone is the costly one).
	phone := b.OwnerPhone
	b.OwnerPhone = ""
	err := b.Validate(p.data.Region, p.now)
	b.OwnerPhone = phone
	if err != nil {
		var ve umkm.ValidationErrors
		if !errors.As(err, &ve) {
			issue(Refused, "invalid", colName, "", err)
		}
		for _, fe := range ve {
			switch fe.Field {
			case "name":
				// reported above
			case "owner_name":
				issue(Note, "noOwner", colOwner, "", nil)
			default:
				f, val := clearField(&b, fe.Field)
				issue(Dropped, fieldCode(fe.Field), f, val, fe.Err)
			}
		}
	}
	b.Source, b.Verified, b.ContactID = umkm.SourceImport, false, nil
	b.Classify()
	r.Business = b
	return r
}

// clearField empties a record field that failed validation and returns
// the column field and the value it had.
func clearField(b *umkm.Business, field string) (string, string) {
	switch field {
	case "year_started":
		v := fmt.Sprint(*b.YearStarted)
		b.YearStarted = nil
		return colYear, v
	case "workers":
		v := fmt.Sprint(*b.Workers)
		b.Workers = nil
		return colWorkers, v
	case "capital":
		b.Capital = nil
		return colCapital, ""
	case "annual_sales":
		b.AnnualSales = nil
		return colSales, ""
	case "kbli_code", "kbli_section":
		v := b.KBLICode
		b.KBLICode, b.KBLISection, b.KBLIVersion = "", "", ""
		return colKBLI, v
	case "region_code":
		v := b.RegionCode
		b.RegionCode = ""
		return colDistrict, v
	case "owner_phone":
		v := b.OwnerPhone
		b.OwnerPhone = ""
		return colPhone, v
	case "nik":
		b.NIK = ""
		return colNIK, ""
	case "nib":
		v := b.NIB
		b.NIB = ""
		return colNIB, v
	}
	return field, ""
}

func fieldCode(field string) string {
	switch field {
	case "year_started":
		return "year"
	case "capital", "annual_sales":
		return "money"
	case "kbli_code", "kbli_section":
		return "kbli"
	case "region_code":
		return "kecamatan"
	case "owner_phone":
		return "phone"
	}
	return field
}

// total reports a register's total line ("JUMLAH", "Total Kec. Bayang").
func total(s string) bool {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, w := range []string{"jumlah", "total", "sub total", "subtotal", "grand total", "jumlah total"} {
		if t == w || strings.HasPrefix(t, w+" ") || strings.HasPrefix(t, w+":") {
			return true
		}
	}
	return false
}

// excelNumber reports a long number as Excel keeps it once a NIK was typed
// into a number cell: 15 significant digits, so the 16th is a 0
// (1301074506900000, 1.3010745069E+15).
func excelNumber(s string) bool {
	t := strings.TrimSpace(s)
	if strings.ContainsAny(t, "eE") {
		_, err := strconv.ParseFloat(t, 64)
		return err == nil
	}
	return len(t) == 16 && strings.Trim(t, "0123456789") == "" && strings.HasSuffix(t, "0")
}

// maskLong masks a value that may be someone's NIK or phone (ten digits or
// more) for the report; a shorter one is no one's and helps staff find the
// mistake as it is.
func maskLong(v string, mask func(string) string) string {
	digits := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits < 10 {
		return v
	}
	return mask(v)
}
