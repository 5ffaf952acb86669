package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/umkm"
)

// insertRows is how many rows one multi-row INSERT of an import carries
// (27 parameters each: well under both dialects' limits).
const insertRows = 100

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

// ImportResult is what ImportBusinesses did.
type ImportResult struct {
	Inserted   int
	Duplicates []ImportDuplicate
}

// ImportDuplicate is a row skipped because the register already has it.
type ImportDuplicate struct {
	Index    int    // position in the input
	Existing string // registration number it collides with ("" when an earlier row of the same import)
	By       string // phone, nib
}

// ImportBusinesses inserts many validated records in transactions of batch
// rows (500 when batch <= 0), skipping any whose phone or NIB is already
// registered or appeared earlier in the same import. Registration numbers
// are reserved per batch. dryRun checks and counts but rolls back.
// Imported records are unverified (source import) until their owner
// confirms them in chat. bs[i].RegNo is set for inserted rows (not ID).
func (r *BusinessRepo) ImportBusinesses(ctx context.Context, bs []umkm.Business, prefix, actor string, now time.Time, batch int, dryRun bool) (ImportResult, error) {
	if batch <= 0 {
		batch = 500
	}
	var res ImportResult
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
		var dups []ImportDuplicate
		for i := start; i < end; i++ {
			b := &bs[i]
			b.Source, b.Verified, b.ContactID = umkm.SourceImport, false, nil
			dup := false
			for _, k := range []key{{"phone", b.OwnerPhone}, {"nib", b.NIB}} {
				if k.v == "" {
					continue
				}
				if reg, ok := known[k]; ok {
					dups = append(dups, ImportDuplicate{Index: i, Existing: reg, By: k.kind})
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
