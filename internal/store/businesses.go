package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/idn"
	"jejaring/internal/umkm"
)

// BusinessRepo stores UMKM records, their registration numbers and the audit
// entries of their changes. Its consumers declare the narrow interfaces
// they take (internal/actions/umkmactions).
type BusinessRepo struct{ db *DB }

// NewBusinessRepo returns the business repository on db.
func NewBusinessRepo(db *DB) *BusinessRepo { return &BusinessRepo{db: db} }

const businessCols = `id, COALESCE(reg_no, '') AS reg_no, contact_id, owner_name, COALESCE(owner_phone, '') AS owner_phone,
	COALESCE(nik, '') AS nik, name, products, kbli_section, kbli_code, kbli_version, region_code, village, address,
	year_started, workers, capital, annual_sales, size_class, COALESCE(nib, '') AS nib, photo_ref, show_to_partners,
	verified, source, tags, created_at, updated_at, deleted_at, COALESCE(claim_token, '') AS claim_token`

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// reserveRegNos takes n numbers at once for prefix and year inside tx and
// returns the first.
func reserveRegNos(ctx context.Context, tx *sqlx.Tx, prefix string, year, n int) (int64, error) {
	var last int64
	err := tx.QueryRowxContext(ctx, tx.Rebind(`INSERT INTO reg_counters (prefix, year, last) VALUES (?, ?, ?)
		ON CONFLICT (prefix, year) DO UPDATE SET last = reg_counters.last + ? RETURNING last`), prefix, year, n, n).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("reserve %d registration numbers %s-%d: %w", n, prefix, year, err)
	}
	return last - int64(n) + 1, nil
}

// nextRegNo bumps the counter of prefix and year inside tx and formats the
// number: PSS-2026-000123.
func nextRegNo(ctx context.Context, tx *sqlx.Tx, prefix string, year int) (string, error) {
	var n int64
	err := tx.QueryRowxContext(ctx, tx.Rebind(`INSERT INTO reg_counters (prefix, year, last) VALUES (?, ?, 1)
		ON CONFLICT (prefix, year) DO UPDATE SET last = reg_counters.last + 1 RETURNING last`), prefix, year).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("next registration number %s-%d: %w", prefix, year, err)
	}
	return fmt.Sprintf("%s-%d-%06d", prefix, year, n), nil
}

// CreateBusiness inserts b (already validated), giving it the next
// registration number prefix-YEAR-NNNNNN from a counter that never reuses a
// number, and sets b.ID and b.RegNo. It returns a *umkm.DuplicateError when
// the same contact, phone or NIB already has a live business. It writes no
// audit entry (see RegisterBusiness).
func (r *BusinessRepo) CreateBusiness(ctx context.Context, b *umkm.Business, prefix string, now time.Time) error {
	return r.db.InTx(ctx, func(tx *sqlx.Tx) error { return r.create(ctx, tx, b, prefix, now) })
}

// RegisterBusiness is CreateBusiness and its business.create audit entry by
// actor in one transaction: the record and the proof of who made it are
// stored together or not at all, so a failed audit leaves no record behind
// that would make the owner's retry a duplicate.
func (r *BusinessRepo) RegisterBusiness(ctx context.Context, b *umkm.Business, prefix, actor string, now time.Time) error {
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := r.create(ctx, tx, b, prefix, now); err != nil {
			return err
		}
		return addAudit(ctx, tx, r.db.Dialect, now, actor, AuditBusinessCreate, "business", strconv.FormatInt(b.ID, 10),
			map[string]any{"reg_no": b.RegNo, "source": b.Source})
	})
	if err != nil {
		// Rolled back: b keeps no id or number of a row that is not there.
		b.ID, b.RegNo = 0, ""
		return err
	}
	return nil
}

func (r *BusinessRepo) create(ctx context.Context, tx *sqlx.Tx, b *umkm.Business, prefix string, now time.Time) error {
	var cid int64
	if b.ContactID != nil {
		cid = *b.ContactID
	}
	if dup, by, err := findDuplicate(ctx, tx, cid, b.OwnerPhone, b.NIB); err == nil {
		return &umkm.DuplicateError{Existing: dup, By: by}
	} else if !errors.Is(err, umkm.ErrNotFound) {
		return err
	}
	return r.insert(ctx, tx, b, prefix, now)
}

func (r *BusinessRepo) insert(ctx context.Context, tx *sqlx.Tx, b *umkm.Business, prefix string, now time.Time) error {
	reg, err := nextRegNo(ctx, tx, prefix, now.Year())
	if err != nil {
		return err
	}
	return r.insertAs(ctx, tx, b, reg, now)
}

func (r *BusinessRepo) insertAs(ctx context.Context, tx *sqlx.Tx, b *umkm.Business, reg string, now time.Time) error {
	now = now.UTC()
	if b.Source == "" {
		b.Source = umkm.SourceChat
	}
	if b.ClaimToken == "" {
		tok, err := umkm.NewClaimToken()
		if err != nil {
			return err
		}
		b.ClaimToken = tok
	}
	id, err := InsertID(ctx, tx, r.db.Dialect, `INSERT INTO businesses (reg_no, contact_id, owner_name, owner_phone, nik,
		name, products, kbli_section, kbli_code, kbli_version, region_code, village, address, year_started, workers,
		capital, annual_sales, size_class, nib, photo_ref, show_to_partners, verified, source, tags, created_at, updated_at, claim_token)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		reg, b.ContactID, b.OwnerName, nullIfEmpty(b.OwnerPhone), nullIfEmpty(b.NIK),
		b.Name, b.Products, b.KBLISection, b.KBLICode, b.KBLIVersion, b.RegionCode, b.Village, b.Address,
		b.YearStarted, b.Workers, b.Capital, b.AnnualSales, string(b.SizeClass), nullIfEmpty(b.NIB), b.PhotoRef,
		b.ShowToPartners, b.Verified, b.Source, b.Tags, now, now, b.ClaimToken)
	if err != nil {
		return fmt.Errorf("insert business %s (contact %v): %w", reg, derefID(b.ContactID), err)
	}
	b.ID, b.RegNo, b.CreatedAt, b.UpdatedAt = id, reg, now, now
	return nil
}

// GetBusiness loads a business by id.
func (r *BusinessRepo) GetBusiness(ctx context.Context, id int64) (*umkm.Business, error) {
	return getBusiness(ctx, r.db.DB, id)
}

func getBusiness(ctx context.Context, q sqlx.ExtContext, id int64) (*umkm.Business, error) {
	var b umkm.Business
	err := sqlx.GetContext(ctx, q, &b, q.Rebind(`SELECT `+businessCols+` FROM businesses WHERE id = ?`), id)
	if noRows(err) {
		return nil, fmt.Errorf("business %d: %w", id, umkm.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("business %d: %w", id, err)
	}
	return &b, nil
}

// BusinessByRegNo loads a business by its registration number.
func (r *BusinessRepo) BusinessByRegNo(ctx context.Context, regNo string) (*umkm.Business, error) {
	var b umkm.Business
	err := r.db.GetContext(ctx, &b, r.db.Rebind(`SELECT `+businessCols+` FROM businesses WHERE reg_no = ?`), regNo)
	if noRows(err) {
		return nil, fmt.Errorf("business %s: %w", regNo, umkm.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("business %s: %w", regNo, err)
	}
	return &b, nil
}

// FindDuplicate returns the live business of the contact, phone or NIB.
func (r *BusinessRepo) FindDuplicate(ctx context.Context, contactID int64, phone, nib string) (*umkm.Business, string, error) {
	return findDuplicate(ctx, r.db.DB, contactID, phone, nib)
}

func findDuplicate(ctx context.Context, q sqlx.ExtContext, contactID int64, phone, nib string) (*umkm.Business, string, error) {
	var conds []string
	var args []any
	if contactID != 0 {
		conds, args = append(conds, "contact_id = ?"), append(args, contactID)
	}
	if phone != "" {
		conds, args = append(conds, "owner_phone = ?"), append(args, phone)
	}
	if nib != "" {
		conds, args = append(conds, "nib = ?"), append(args, nib)
	}
	if len(conds) == 0 {
		return nil, "", umkm.ErrNotFound
	}
	var b umkm.Business
	err := sqlx.GetContext(ctx, q, &b, q.Rebind(`SELECT `+businessCols+` FROM businesses
		WHERE deleted_at IS NULL AND (`+strings.Join(conds, " OR ")+`) ORDER BY id LIMIT 1`), args...)
	if noRows(err) {
		return nil, "", umkm.ErrNotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("find duplicate business: %w", err)
	}
	by := "contact"
	switch {
	case nib != "" && b.NIB == nib:
		by = "nib"
	case phone != "" && b.OwnerPhone == phone:
		by = "phone"
	}
	return &b, by, nil
}

// BusinessesByContact lists the contact's live businesses, oldest first.
func (r *BusinessRepo) BusinessesByContact(ctx context.Context, contactID int64) ([]umkm.Business, error) {
	var out []umkm.Business
	err := r.db.SelectContext(ctx, &out, r.db.Rebind(`SELECT `+businessCols+` FROM businesses
		WHERE contact_id = ? AND deleted_at IS NULL ORDER BY id`), contactID)
	if err != nil {
		return nil, fmt.Errorf("businesses of contact %d: %w", contactID, err)
	}
	return out, nil
}

// BusinessesOf lists the live businesses that are the contact's: linked to
// the contact, or carrying phone, which must be the contact's VERIFIED phone
// (contact.Contact.VerifiedPhone; "" for none) — an imported record, or one
// registered from another channel. Never pass a typed number. Oldest first.
func (r *BusinessRepo) BusinessesOf(ctx context.Context, contactID int64, phone string) ([]umkm.Business, error) {
	return businessesOf(ctx, r.db.DB, contactID, phone)
}

func businessesOf(ctx context.Context, q sqlx.ExtContext, contactID int64, phone string) ([]umkm.Business, error) {
	var out []umkm.Business
	err := sqlx.SelectContext(ctx, q, &out, q.Rebind(`SELECT `+businessCols+` FROM businesses
		WHERE deleted_at IS NULL AND (contact_id = ? OR (? <> '' AND owner_phone = ?)) ORDER BY id`), contactID, phone, phone)
	if err != nil {
		return nil, fmt.Errorf("businesses of contact %d: %w", contactID, err)
	}
	return out, nil
}

// diff lists the fields that differ between two versions of a record. NIK
// values are masked: the audit log must not become a second copy of it.
func diff(old, nw *umkm.Business) []umkm.Change {
	var ch []umkm.Change
	add := func(field string, o, n any) {
		if o != n {
			ch = append(ch, umkm.Change{Field: field, Old: o, New: n})
		}
	}
	deref := func(p *int) any {
		if p == nil {
			return nil
		}
		return *p
	}
	deref64 := func(p *int64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	add("contact_id", deref64(old.ContactID), deref64(nw.ContactID))
	add("owner_name", old.OwnerName, nw.OwnerName)
	add("owner_phone", old.OwnerPhone, nw.OwnerPhone)
	if old.NIK != nw.NIK {
		ch = append(ch, umkm.Change{Field: "nik", Old: idn.MaskNIK(old.NIK), New: idn.MaskNIK(nw.NIK)})
	}
	add("name", old.Name, nw.Name)
	add("products", old.Products, nw.Products)
	add("kbli_section", old.KBLISection, nw.KBLISection)
	add("kbli_code", old.KBLICode, nw.KBLICode)
	add("region_code", old.RegionCode, nw.RegionCode)
	add("village", old.Village, nw.Village)
	add("address", old.Address, nw.Address)
	add("year_started", deref(old.YearStarted), deref(nw.YearStarted))
	add("workers", deref(old.Workers), deref(nw.Workers))
	add("capital", deref64(old.Capital), deref64(nw.Capital))
	add("annual_sales", deref64(old.AnnualSales), deref64(nw.AnnualSales))
	add("size_class", string(old.SizeClass), string(nw.SizeClass))
	add("nib", old.NIB, nw.NIB)
	add("photo_ref", old.PhotoRef, nw.PhotoRef)
	add("show_to_partners", old.ShowToPartners, nw.ShowToPartners)
	add("verified", old.Verified, nw.Verified)
	add("tags", old.Tags, nw.Tags)
	return ch
}

// UpdateBusiness saves b and writes one audit entry by actor listing the
// changed fields with their old and new values, in one transaction; it
// returns the changes. An update with no changed field writes nothing and
// returns no changes.
func (r *BusinessRepo) UpdateBusiness(ctx context.Context, b *umkm.Business, actor string, now time.Time) ([]umkm.Change, error) {
	var changes []umkm.Change
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		old, err := getBusiness(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		if old.DeletedAt != nil {
			return fmt.Errorf("business %d was deleted on request: %w", b.ID, umkm.ErrNotFound)
		}
		if b.NIB != "" && b.NIB != old.NIB {
			if dup, _, err := findDuplicate(ctx, tx, 0, "", b.NIB); err == nil && dup.ID != b.ID {
				return &umkm.DuplicateError{Existing: dup, By: "nib"}
			}
		}
		changes = diff(old, b)
		if len(changes) == 0 {
			return nil
		}
		now = now.UTC()
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE businesses SET contact_id = ?, owner_name = ?, owner_phone = ?,
			nik = ?, name = ?, products = ?, kbli_section = ?, kbli_code = ?, kbli_version = ?, region_code = ?,
			village = ?, address = ?, year_started = ?, workers = ?, capital = ?, annual_sales = ?, size_class = ?,
			nib = ?, photo_ref = ?, show_to_partners = ?, verified = ?, tags = ?, updated_at = ? WHERE id = ?`),
			b.ContactID, b.OwnerName, nullIfEmpty(b.OwnerPhone), nullIfEmpty(b.NIK), b.Name, b.Products,
			b.KBLISection, b.KBLICode, b.KBLIVersion, b.RegionCode, b.Village, b.Address, b.YearStarted, b.Workers,
			b.Capital, b.AnnualSales, string(b.SizeClass), nullIfEmpty(b.NIB), b.PhotoRef, b.ShowToPartners,
			b.Verified, b.Tags, now, b.ID)
		if err != nil {
			return fmt.Errorf("update business %d: %w", b.ID, err)
		}
		b.UpdatedAt = now
		return addAudit(ctx, tx, r.db.Dialect, now, actor, AuditBusinessUpdate, "business", strconv.FormatInt(b.ID, 10),
			map[string]any{"reg_no": old.RegNo, "changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return changes, nil
}

// ListBusinesses lists businesses by the filter, oldest first. Records
// anonymized on request are left out unless IncludeDeleted.
func (r *BusinessRepo) ListBusinesses(ctx context.Context, f umkm.Filter) ([]umkm.Business, error) {
	var conds []string
	var args []any
	if !f.IncludeDeleted {
		conds = append(conds, "deleted_at IS NULL")
	}
	for _, c := range []struct{ col, v string }{{"region_code", f.RegionCode}, {"size_class", string(f.SizeClass)}, {"kbli_section", f.KBLISection}, {"source", f.Source}} {
		if c.v != "" {
			conds, args = append(conds, c.col+" = ?"), append(args, c.v)
		}
	}
	q := `SELECT ` + businessCols + ` FROM businesses`
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	var out []umkm.Business
	if err := r.db.SelectContext(ctx, &out, r.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("list businesses: %w", err)
	}
	return out, nil
}

// BusinessStats counts businesses by size class, kecamatan and KBLI section.
// Records anonymized on request still count: their names and numbers are
// gone, their class, place and sector stay for the statistics.
func (r *BusinessRepo) BusinessStats(ctx context.Context) (umkm.Stats, error) {
	return r.businessGroups(ctx) // one grouped pass (dashboard.go)
}
