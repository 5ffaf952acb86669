package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/namematch"
	"jejaring/internal/umkm"
)

// insertRows is how many rows one multi-row INSERT of an import carries
// (27 parameters each: well under both dialects' limits).
const insertRows = 100

// Audit actions of imports.
const (
	AuditImport     = "business.import"
	AuditImportUndo = "business.import_undo"
)

// insertMany inserts bs[i] for every i in idx with its RegNo already set,
// insertRows at a time. IDs are not read back.
func insertMany(ctx context.Context, tx *sqlx.Tx, bs []umkm.Business, idx []int, now time.Time) error {
	now = now.UTC()
	const head = `INSERT INTO businesses (reg_no, contact_id, owner_name, owner_phone, nik,
		name, products, kbli_section, kbli_code, kbli_version, region_code, village, address, year_started, workers,
		capital, annual_sales, size_class, nib, photo_ref, show_to_partners, verified, source, tags, created_at, updated_at, claim_token) VALUES `
	const one = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	for start := 0; start < len(idx); start += insertRows {
		chunk := idx[start:min(start+insertRows, len(idx))]
		var q strings.Builder
		q.WriteString(head)
		args := make([]any, 0, 27*len(chunk))
		for j, i := range chunk {
			if j > 0 {
				q.WriteString(", ")
			}
			q.WriteString(one)
			b := &bs[i]
			b.CreatedAt, b.UpdatedAt = now, now
			if b.ClaimToken == "" {
				tok, err := umkm.NewClaimToken()
				if err != nil {
					return err
				}
				b.ClaimToken = tok
			}
			args = append(args, b.RegNo, b.ContactID, b.OwnerName, nullIfEmpty(b.OwnerPhone), nullIfEmpty(b.NIK),
				b.Name, b.Products, b.KBLISection, b.KBLICode, b.KBLIVersion, b.RegionCode, b.Village, b.Address,
				b.YearStarted, b.Workers, b.Capital, b.AnnualSales, string(b.SizeClass), nullIfEmpty(b.NIB), b.PhotoRef,
				b.ShowToPartners, b.Verified, b.Source, b.Tags, now, now, b.ClaimToken)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(q.String()), args...); err != nil {
			return fmt.Errorf("insert businesses (rows %d to %d of the batch): %w", chunk[0], chunk[len(chunk)-1], err)
		}
	}
	return nil
}

// ImportOptions describe one import batch.
type ImportOptions struct {
	Prefix   string // registration number prefix of the region (PSS)
	Actor    string // staff:name, for the batch and the audit log
	FileName string
	Now      time.Time
	DryRun   bool // match and count, save nothing
	// Rows and Refused are the file's data rows and the rows the reader
	// left out, kept with the batch.
	Rows, Refused int
}

// ImportResult is what ImportRegister did.
type ImportResult struct {
	BatchID   int64 // 0 on a dry run
	Inserted  int   // new businesses
	Filled    int   // registered businesses whose empty fields were filled
	Merged    int   // input rows that were the same business as a record or an earlier row
	Matches   []ImportMatch
	Conflicts []ImportConflict
}

// ImportMatch is an input row found to be a business already there.
type ImportMatch struct {
	Index   int    // position in the input
	Earlier int    // the earlier input row it is the same as, or -1 for a registered business
	RegNo   string // the registered business ("" for an earlier row not yet saved, or on a dry run)
	By      string // nib, nik, phone, name (name + kecamatan + owner)
	Filled  []string
}

// ImportConflict is a field an input row gives differently from the record
// it matched: the record's value is kept.
type ImportConflict struct {
	Index     int
	RegNo     string
	Field     string
	Have, Got string
	Verified  bool // the record was confirmed by its owner in chat
}

// importTarget is one business of the import: a registered one (id > 0)
// or a new one (input index in).
type importTarget struct {
	b        umkm.Business
	in       int // input index of a new business, -1 for a registered one
	verified bool
	filled   []string // fields filled by this import (registered businesses)
	prev     umkm.Business
}

// nameKey is the normalised name + kecamatan + owner a business is known
// by when it has no number in common with another.
func nameKey(b *umkm.Business) string {
	if b.Name == "" || b.RegionCode == "" || b.OwnerName == "" {
		return ""
	}
	return namematch.Normalize(b.Name) + "|" + b.RegionCode + "|" + namematch.Normalize(b.OwnerName)
}

type importIndex struct {
	by map[string]map[string]int // kind -> value -> target
}

func (x *importIndex) add(t *importTarget, i int) {
	for kind, v := range importKeys(t) {
		if v == "" {
			continue
		}
		if _, taken := x.by[kind][v]; !taken {
			x.by[kind][v] = i
		}
	}
}

// importKeys are the values a target is found by: NIB, NIK, the phone
// when it is verified (the owner wrote to us from it or confirmed it), the
// name key.
func importKeys(t *importTarget) map[string]string {
	k := map[string]string{"nib": t.b.NIB, "nik": t.b.NIK, "name": nameKey(&t.b)}
	if t.verified {
		k["phone"] = t.b.OwnerPhone
	}
	return k
}

func (x *importIndex) find(b *umkm.Business) (int, string) {
	for _, kind := range []string{"nib", "nik", "phone", "name"} {
		v := ""
		switch kind {
		case "nib":
			v = b.NIB
		case "nik":
			v = b.NIK
		case "phone":
			v = b.OwnerPhone
		case "name":
			v = nameKey(b)
		}
		if v == "" {
			continue
		}
		if i, ok := x.by[kind][v]; ok {
			return i, kind
		}
	}
	return -1, ""
}

// mergeFields fills the empty fields of dst from src and lists the fields
// filled and the fields that differ (dst's value, src's value).
func mergeFields(dst, src *umkm.Business) (filled []string, conflicts [][3]string) {
	str := func(name string, d *string, s string, same func(a, b string) bool) {
		switch {
		case s == "":
		case *d == "":
			*d = s
			filled = append(filled, name)
		case !same(*d, s):
			conflicts = append(conflicts, [3]string{name, *d, s})
		}
	}
	exact := func(a, b string) bool { return a == b }
	folded := func(a, b string) bool { return namematch.Normalize(a) == namematch.Normalize(b) }
	str("owner_name", &dst.OwnerName, src.OwnerName, folded)
	str("owner_phone", &dst.OwnerPhone, src.OwnerPhone, exact)
	str("nik", &dst.NIK, src.NIK, exact)
	str("nib", &dst.NIB, src.NIB, exact)
	str("products", &dst.Products, src.Products, folded)
	if src.KBLISection != "" {
		switch {
		case dst.KBLISection == "":
			dst.KBLISection, dst.KBLICode, dst.KBLIVersion = src.KBLISection, src.KBLICode, src.KBLIVersion
			filled = append(filled, "kbli")
		case dst.KBLISection != src.KBLISection:
			conflicts = append(conflicts, [3]string{"kbli", dst.KBLISection, src.KBLISection})
		}
	}
	str("region_code", &dst.RegionCode, src.RegionCode, exact)
	str("village", &dst.Village, src.Village, folded)
	str("address", &dst.Address, src.Address, folded)
	num := func(name string, d **int, s *int) {
		switch {
		case s == nil:
		case *d == nil:
			v := *s
			*d = &v
			filled = append(filled, name)
		case **d != *s:
			conflicts = append(conflicts, [3]string{name, strconv.Itoa(**d), strconv.Itoa(*s)})
		}
	}
	num("year_started", &dst.YearStarted, src.YearStarted)
	num("workers", &dst.Workers, src.Workers)
	num64 := func(name string, d **int64, s *int64) {
		switch {
		case s == nil:
		case *d == nil:
			v := *s
			*d = &v
			filled = append(filled, name)
		case **d != *s:
			conflicts = append(conflicts, [3]string{name, strconv.FormatInt(**d, 10), strconv.FormatInt(*s, 10)})
		}
	}
	num64("capital", &dst.Capital, src.Capital)
	num64("annual_sales", &dst.AnnualSales, src.AnnualSales)
	return filled, conflicts
}

// fillColumns are the SQL columns of each field mergeFields fills.
var fillColumns = map[string][]string{
	"owner_name": {"owner_name"}, "owner_phone": {"owner_phone"}, "nik": {"nik"}, "nib": {"nib"},
	"products": {"products"}, "kbli": {"kbli_section", "kbli_code", "kbli_version"}, "region_code": {"region_code"},
	"village": {"village"}, "address": {"address"}, "year_started": {"year_started"}, "workers": {"workers"},
	"capital": {"capital"}, "annual_sales": {"annual_sales"},
}

// nullable columns are NULL when empty; the others are ”.
var nullable = map[string]bool{"owner_phone": true, "nik": true, "nib": true, "year_started": true, "workers": true,
	"capital": true, "annual_sales": true}

func fieldValue(b *umkm.Business, col string) any {
	switch col {
	case "owner_name":
		return b.OwnerName
	case "owner_phone":
		return nullIfEmpty(b.OwnerPhone)
	case "nik":
		return nullIfEmpty(b.NIK)
	case "nib":
		return nullIfEmpty(b.NIB)
	case "products":
		return b.Products
	case "kbli_section":
		return b.KBLISection
	case "kbli_code":
		return b.KBLICode
	case "kbli_version":
		return b.KBLIVersion
	case "region_code":
		return b.RegionCode
	case "village":
		return b.Village
	case "address":
		return b.Address
	case "year_started":
		return b.YearStarted
	case "workers":
		return b.Workers
	case "capital":
		return b.Capital
	case "annual_sales":
		return b.AnnualSales
	}
	return nil
}

// ImportRegister saves a register read from a file as one batch, in one
// transaction. A row is the same business as a registered one (or an
// earlier row) when their NIB, NIK, verified phone, or normalised name +
// kecamatan + owner match; then the record's empty fields are filled from
// the row and the fields that differ are reported as conflicts, never
// overwritten. Other rows are inserted, unverified (source import) until
// their owner confirms them in chat, with registration numbers reserved
// at once. The batch, its items (for UndoImport) and an audit entry are
// written with them. bs[i].RegNo is set for inserted rows (not ID).
func (r *BusinessRepo) ImportRegister(ctx context.Context, bs []umkm.Business, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	now := opt.Now.UTC()
	var existing []umkm.Business
	if err := r.db.SelectContext(ctx, &existing, `SELECT `+businessCols+` FROM businesses WHERE deleted_at IS NULL ORDER BY id`); err != nil {
		return res, fmt.Errorf("import: read registered businesses: %w", err)
	}
	var phones []string
	if err := r.db.SelectContext(ctx, &phones, `SELECT phone FROM contacts WHERE phone IS NOT NULL AND phone <> ''`); err != nil {
		return res, fmt.Errorf("import: read contact phones: %w", err)
	}
	chatPhone := make(map[string]bool, len(phones))
	for _, p := range phones {
		chatPhone[p] = true
	}
	targets := make([]*importTarget, 0, len(existing)+len(bs))
	idx := &importIndex{by: map[string]map[string]int{"nib": {}, "nik": {}, "phone": {}, "name": {}}}
	for i := range existing {
		b := existing[i]
		t := &importTarget{b: b, in: -1, verified: b.Verified || b.ContactID != nil || chatPhone[b.OwnerPhone], prev: b}
		targets = append(targets, t)
		idx.add(t, len(targets)-1)
	}
	var newIdx []int // targets that are new businesses
	for i := range bs {
		b := &bs[i]
		b.Source, b.Verified, b.ContactID = umkm.SourceImport, false, nil
		ti, by := idx.find(b)
		if ti < 0 {
			targets = append(targets, &importTarget{b: *b, in: i})
			newIdx = append(newIdx, len(targets)-1)
			idx.add(targets[len(targets)-1], len(targets)-1)
			continue
		}
		t := targets[ti]
		filled, conflicts := mergeFields(&t.b, b)
		m := ImportMatch{Index: i, Earlier: t.in, By: by, Filled: filled}
		if t.in < 0 {
			m.RegNo = t.b.RegNo
			for _, f := range filled {
				if !contains(t.filled, f) {
					t.filled = append(t.filled, f)
				}
			}
		}
		res.Matches = append(res.Matches, m)
		res.Merged++
		for _, c := range conflicts {
			res.Conflicts = append(res.Conflicts, ImportConflict{Index: i, RegNo: t.b.RegNo, Field: c[0], Have: c[1], Got: c[2], Verified: t.verified})
		}
		if len(filled) > 0 {
			t.b.Classify()
			idx.add(t, ti) // a NIK or NIB filled in finds later rows too
		}
	}
	var fills []*importTarget
	for _, t := range targets {
		if t.in < 0 && len(t.filled) > 0 {
			fills = append(fills, t)
		}
	}
	res.Inserted, res.Filled = len(newIdx), len(fills)
	if opt.DryRun {
		return res, nil
	}
	out := make([]umkm.Business, len(newIdx))
	for j, ti := range newIdx {
		out[j] = targets[ti].b
	}
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		id, err := InsertID(ctx, tx, r.db.Dialect, `INSERT INTO import_batches (file_name, actor, at, row_count, inserted, filled, merged, refused)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, opt.FileName, opt.Actor, now, opt.Rows, res.Inserted, res.Filled, res.Merged, opt.Refused)
		if err != nil {
			return fmt.Errorf("import: new batch: %w", err)
		}
		res.BatchID = id
		if len(out) > 0 {
			first, err := reserveRegNos(ctx, tx, opt.Prefix, now.Year(), len(out))
			if err != nil {
				return err
			}
			all := make([]int, len(out))
			for j := range out {
				out[j].RegNo = fmt.Sprintf("%s-%d-%06d", opt.Prefix, now.Year(), first+int64(j))
				all[j] = j
			}
			if err := insertMany(ctx, tx, out, all, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO import_items (batch_id, business_id, action, stamp)
				SELECT ?, id, 'insert', updated_at FROM businesses WHERE reg_no >= ? AND reg_no <= ? AND created_at = ?`),
				id, out[0].RegNo, out[len(out)-1].RegNo, now); err != nil {
				return fmt.Errorf("import: batch items: %w", err)
			}
		}
		for _, t := range fills {
			var set []string
			var args []any
			for _, f := range t.filled {
				for _, col := range fillColumns[f] {
					set = append(set, col+" = ?")
					args = append(args, fieldValue(&t.b, col))
				}
			}
			set = append(set, "size_class = ?", "updated_at = ?")
			args = append(args, string(t.b.SizeClass), now, t.b.ID)
			// The item first: it copies the record's time as the database
			// holds it, to put back exactly on undo.
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO import_items (batch_id, business_id, action, fields, prev_size, prev_updated, stamp)
				SELECT ?, id, 'fill', ?, size_class, updated_at, ? FROM businesses WHERE id = ?`), id, strings.Join(t.filled, ","), now, t.b.ID); err != nil {
				return fmt.Errorf("import: batch item: %w", err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE businesses SET `+strings.Join(set, ", ")+` WHERE id = ?`), args...); err != nil {
				return fmt.Errorf("import: fill business %s: %w", t.b.RegNo, err)
			}
		}
		return addAudit(ctx, tx, r.db.Dialect, now, opt.Actor, AuditImport, "import_batch", strconv.FormatInt(id, 10),
			map[string]any{"file": opt.FileName, "rows": opt.Rows, "inserted": res.Inserted, "filled": res.Filled,
				"merged": res.Merged, "refused": opt.Refused, "conflicts": len(res.Conflicts)})
	})
	if err != nil {
		res.BatchID = 0
		return res, err
	}
	// Registration numbers of the rows inserted, and of the earlier rows
	// later ones matched.
	for j, ti := range newIdx {
		bs[targets[ti].in].RegNo = out[j].RegNo
	}
	for k := range res.Matches {
		if m := &res.Matches[k]; m.Earlier >= 0 {
			m.RegNo = bs[m.Earlier].RegNo
		}
	}
	for k := range res.Conflicts {
		if c := &res.Conflicts[k]; c.RegNo == "" {
			for _, m := range res.Matches {
				if m.Index == c.Index {
					c.RegNo = m.RegNo
				}
			}
		}
	}
	return res, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ImportBatch is one import as listed.
type ImportBatch struct {
	ID       int64      `db:"id"`
	FileName string     `db:"file_name"`
	Actor    string     `db:"actor"`
	At       time.Time  `db:"at"`
	Rows     int        `db:"row_count"`
	Inserted int        `db:"inserted"`
	Filled   int        `db:"filled"`
	Merged   int        `db:"merged"`
	Refused  int        `db:"refused"`
	UndoneAt *time.Time `db:"undone_at"`
	UndoneBy string     `db:"undone_by"`
}

// Errors of import batches.
var (
	ErrImportNotFound = errors.New("import batch not found")
	ErrImportUndone   = errors.New("import batch already undone")
)

// UndoRefusedError says why a batch cannot be undone: records it added or
// filled have changed since (edited in chat or by staff, confirmed, linked
// to a chat, deleted on request, or filled by a later import not undone).
type UndoRefusedError struct {
	Changed []string // registration numbers, at most 10
	Count   int
}

func (e *UndoRefusedError) Error() string {
	return fmt.Sprintf("%d records of the batch changed since (%s)", e.Count, strings.Join(e.Changed, ", "))
}

// ListImports lists the import batches, newest first.
func (r *BusinessRepo) ListImports(ctx context.Context, limit int) ([]ImportBatch, error) {
	if limit <= 0 {
		limit = 50
	}
	var out []ImportBatch
	if err := r.db.SelectContext(ctx, &out, r.db.Rebind(`SELECT id, file_name, actor, at, row_count, inserted, filled, merged, refused,
		undone_at, undone_by FROM import_batches ORDER BY id DESC LIMIT ?`), limit); err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	return out, nil
}

// GetImport loads one batch.
func (r *BusinessRepo) GetImport(ctx context.Context, id int64) (*ImportBatch, error) {
	var b ImportBatch
	err := r.db.GetContext(ctx, &b, r.db.Rebind(`SELECT id, file_name, actor, at, row_count, inserted, filled, merged, refused,
		undone_at, undone_by FROM import_batches WHERE id = ?`), id)
	if err != nil {
		return nil, notFound(err, ErrImportNotFound)
	}
	return &b, nil
}

// UndoImport takes a batch back: the businesses it added are deleted and
// the fields it filled emptied again, with an audit entry. It is refused
// with an *UndoRefusedError when any of those records has changed since,
// ErrImportUndone when it was undone already, ErrImportNotFound when there
// is no such batch. Registration numbers are not given out again.
func (r *BusinessRepo) UndoImport(ctx context.Context, id int64, actor string, now time.Time) (*ImportBatch, error) {
	now = now.UTC()
	var batch *ImportBatch
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var b ImportBatch
		if err := tx.GetContext(ctx, &b, tx.Rebind(`SELECT id, file_name, actor, at, row_count, inserted, filled, merged, refused,
			undone_at, undone_by FROM import_batches WHERE id = ?`), id); err != nil {
			return notFound(err, ErrImportNotFound)
		}
		if b.UndoneAt != nil {
			return ErrImportUndone
		}
		batch = &b
		var changed []string
		if err := tx.SelectContext(ctx, &changed, tx.Rebind(`SELECT COALESCE(b.reg_no, CAST(i.business_id AS TEXT))
			FROM import_items i LEFT JOIN businesses b ON b.id = i.business_id
			WHERE i.batch_id = ? AND (b.id IS NULL OR b.updated_at <> i.stamp OR b.deleted_at IS NOT NULL
				OR (i.action = 'insert' AND (b.contact_id IS NOT NULL OR b.verified))
				OR EXISTS (SELECT 1 FROM import_items j JOIN import_batches jb ON jb.id = j.batch_id
					WHERE j.business_id = i.business_id AND j.batch_id > i.batch_id AND jb.undone_at IS NULL))
			ORDER BY i.business_id`), id); err != nil {
			return fmt.Errorf("undo import %d: check records: %w", id, err)
		}
		if len(changed) > 0 {
			return &UndoRefusedError{Changed: changed[:min(10, len(changed))], Count: len(changed)}
		}
		type item struct {
			BusinessID int64  `db:"business_id"`
			Fields     string `db:"fields"`
		}
		var fills []item
		if err := tx.SelectContext(ctx, &fills, tx.Rebind(`SELECT business_id, fields FROM import_items
			WHERE batch_id = ? AND action = 'fill'`), id); err != nil {
			return fmt.Errorf("undo import %d: read items: %w", id, err)
		}
		for _, it := range fills {
			var set []string
			var args []any
			for _, f := range strings.Split(it.Fields, ",") {
				for _, col := range fillColumns[f] {
					if nullable[col] {
						set = append(set, col+" = NULL")
					} else {
						set = append(set, col+" = ''")
					}
				}
			}
			set = append(set, "size_class = (SELECT prev_size FROM import_items WHERE batch_id = ? AND business_id = ?)",
				"updated_at = (SELECT prev_updated FROM import_items WHERE batch_id = ? AND business_id = ?)")
			args = append(args, id, it.BusinessID, id, it.BusinessID, it.BusinessID)
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE businesses SET `+strings.Join(set, ", ")+` WHERE id = ?`), args...); err != nil {
				return fmt.Errorf("undo import %d: business %d: %w", id, it.BusinessID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM businesses WHERE id IN
			(SELECT business_id FROM import_items WHERE batch_id = ? AND action = 'insert')`), id); err != nil {
			return fmt.Errorf("undo import %d: delete businesses: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE import_batches SET undone_at = ?, undone_by = ? WHERE id = ?`), now, actor, id); err != nil {
			return fmt.Errorf("undo import %d: %w", id, err)
		}
		b.UndoneAt, b.UndoneBy = &now, actor
		return addAudit(ctx, tx, r.db.Dialect, now, actor, AuditImportUndo, "import_batch", strconv.FormatInt(id, 10),
			map[string]any{"file": b.FileName, "deleted": b.Inserted, "emptied": b.Filled})
	})
	if err != nil {
		return nil, err
	}
	return batch, nil
}

// BulkResult is what ImportBusinesses did.
type BulkResult struct {
	Inserted   int
	Duplicates []BulkDuplicate
}

// BulkDuplicate is a row skipped because the register already has it.
type BulkDuplicate struct {
	Index    int    // position in the input
	Existing string // registration number it collides with ("" when an earlier row of the same import)
	By       string // phone, nib
}

// ImportBusinesses is the plain bulk insert seeding, tests and benchmarks
// use: no batch, no merge. The office's register goes through
// ImportRegister. It inserts many validated records in transactions of batch
// rows (500 when batch <= 0), skipping any whose phone or NIB is already
// registered or appeared earlier in the same import. Registration numbers
// are reserved per batch. dryRun checks and counts but rolls back.
// Imported records are unverified (source import) until their owner
// confirms them in chat. bs[i].RegNo is set for inserted rows (not ID).
func (r *BusinessRepo) ImportBusinesses(ctx context.Context, bs []umkm.Business, prefix, actor string, now time.Time, batch int, dryRun bool) (BulkResult, error) {
	if batch <= 0 {
		batch = 500
	}
	var res BulkResult
	type key struct{ kind, v string }
	known := map[key]string{} // phone or NIB -> reg no ("" for a row of this import)
	rows, err := r.db.QueryxContext(ctx, `SELECT COALESCE(owner_phone, ''), COALESCE(nib, ''), COALESCE(reg_no, '') FROM businesses WHERE deleted_at IS NULL`)
	if err != nil {
		return res, fmt.Errorf("import: read existing businesses: %w", err)
	}
	for rows.Next() {
		var phone, nib, reg string
		if err := rows.Scan(&phone, &nib, &reg); err != nil {
			rows.Close()
			return res, fmt.Errorf("import: read existing businesses: %w", err)
		}
		if phone != "" {
			known[key{"phone", phone}] = reg
		}
		if nib != "" {
			known[key{"nib", nib}] = reg
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("import: read existing businesses: %w", err)
	}
	errDry := errors.New("dry run")
	for start := 0; start < len(bs); start += batch {
		end := min(start+batch, len(bs))
		var todo []int
		var dups []BulkDuplicate
		for i := start; i < end; i++ {
			b := &bs[i]
			b.Source, b.Verified, b.ContactID = umkm.SourceImport, false, nil
			dup := false
			for _, k := range []key{{"phone", b.OwnerPhone}, {"nib", b.NIB}} {
				if k.v == "" {
					continue
				}
				if reg, ok := known[k]; ok {
					dups = append(dups, BulkDuplicate{Index: i, Existing: reg, By: k.kind})
					dup = true
					break
				}
			}
			if dup {
				continue
			}
			if b.OwnerPhone != "" {
				known[key{"phone", b.OwnerPhone}] = ""
			}
			if b.NIB != "" {
				known[key{"nib", b.NIB}] = ""
			}
			todo = append(todo, i)
		}
		err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
			if len(todo) > 0 {
				first, err := reserveRegNos(ctx, tx, prefix, now.Year(), len(todo))
				if err != nil {
					return err
				}
				for j, i := range todo {
					bs[i].RegNo = fmt.Sprintf("%s-%d-%06d", prefix, now.Year(), first+int64(j))
				}
				if err := insertMany(ctx, tx, bs, todo, now); err != nil {
					return err
				}
			}
			if dryRun {
				return errDry
			}
			return addAudit(ctx, tx, r.db.Dialect, now, actor, "business.import", "business", "",
				map[string]any{"inserted": len(todo), "skipped": len(dups)})
		})
		if err != nil && !errors.Is(err, errDry) {
			return res, err
		}
		res.Inserted += len(todo)
		res.Duplicates = append(res.Duplicates, dups...)
		if dryRun {
			for _, i := range todo {
				bs[i].RegNo = ""
			}
		}
	}
	return res, nil
}
