package umkm

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"jejaring/internal/idn"
)

// Sources of a business record.
const (
	SourceChat   = "chat"
	SourceImport = "import"
	// SourceDashboard: entered by staff in the web dashboard.
	SourceDashboard = "dashboard"
)

// Business is one registered business. Nil pointers are figures the owner
// did not give. Personal data: OwnerName, OwnerPhone, NIK, Address.
type Business struct {
	ID             int64      `db:"id" json:"id"`
	RegNo          string     `db:"reg_no" json:"reg_no"`
	ContactID      *int64     `db:"contact_id" json:"contact_id,omitempty"`
	OwnerName      string     `db:"owner_name" json:"owner_name"`
	OwnerPhone     string     `db:"owner_phone" json:"owner_phone"` // E.164
	NIK            string     `db:"nik" json:"nik,omitempty"`
	Name           string     `db:"name" json:"name"`
	Products       string     `db:"products" json:"products"`
	KBLISection    string     `db:"kbli_section" json:"kbli_section"`
	KBLICode       string     `db:"kbli_code" json:"kbli_code,omitempty"`
	KBLIVersion    string     `db:"kbli_version" json:"kbli_version,omitempty"`
	RegionCode     string     `db:"region_code" json:"region_code"` // kecamatan code
	Village        string     `db:"village" json:"village"`         // nagari name
	Address        string     `db:"address" json:"address"`
	YearStarted    *int       `db:"year_started" json:"year_started,omitempty"`
	Workers        *int       `db:"workers" json:"workers,omitempty"`
	Capital        *int64     `db:"capital" json:"capital,omitempty"`
	AnnualSales    *int64     `db:"annual_sales" json:"annual_sales,omitempty"`
	SizeClass      SizeClass  `db:"size_class" json:"size_class"`
	NIB            string     `db:"nib" json:"nib,omitempty"`
	PhotoRef       string     `db:"photo_ref" json:"photo_ref,omitempty"`
	ShowToPartners bool       `db:"show_to_partners" json:"show_to_partners"`
	Verified       bool       `db:"verified" json:"verified"`
	Source         string     `db:"source" json:"source"`
	Tags           string     `db:"tags" json:"tags,omitempty"`
	CreatedAt      time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time  `db:"updated_at" json:"updated_at"`
	DeletedAt      *time.Time `db:"deleted_at" json:"deleted_at,omitempty"`
	// ClaimToken is the record's own claim token (NewClaimToken): the
	// office prints or sends the deep link konfirmasi_<token>, and whoever
	// opens it is linked to the record (the token is then replaced). It is
	// a credential: never in JSON, logs or the audit log.
	ClaimToken string `db:"claim_token" json:"-"`
}

// Classify sets SizeClass from Capital and AnnualSales and returns the basis.
func (b *Business) Classify() Basis {
	c, basis := Classify(b.Capital, b.AnnualSales)
	b.SizeClass = c
	return basis
}

// FieldError is a validation failure on one field.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// ValidationErrors lists every field that failed.
type ValidationErrors []*FieldError

// Unwrap gives the field errors, so errors.As finds the first *idn.Error.
func (v ValidationErrors) Unwrap() []error {
	out := make([]error, len(v))
	for i, e := range v {
		out[i] = e
	}
	return out
}

func (v ValidationErrors) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Validate checks and normalizes the record against the region: the owner's
// name and the business name are required; phone (E.164), NIK, NIB and KBLI
// are checked when present; the kecamatan must belong to the region; year
// and figures must be plausible. now bounds the year started.
func (b *Business) Validate(r *Region, now time.Time) error {
	var errs ValidationErrors
	add := func(field, id, en string) {
		errs = append(errs, &FieldError{Field: field, Err: &idn.Error{Code: field, ID: id, EN: en}})
	}
	b.OwnerName = strings.TrimSpace(b.OwnerName)
	b.Name = strings.TrimSpace(b.Name)
	if b.OwnerName == "" {
		add("owner_name", "Nama pemilik belum diisi", "The owner's name is missing")
	}
	if b.Name == "" {
		add("name", "Nama usaha belum diisi", "The business name is missing")
	}
	if b.OwnerPhone != "" {
		p, err := idn.NormalizePhone(b.OwnerPhone)
		if err != nil {
			errs = append(errs, &FieldError{"owner_phone", err})
		}
		b.OwnerPhone = p
	}
	if b.NIK != "" {
		n, err := idn.ParseNIKAt(b.NIK, now)
		if err != nil {
			errs = append(errs, &FieldError{"nik", err})
		}
		b.NIK = n.Digits
	}
	if b.NIB != "" {
		n, err := idn.ParseNIB(b.NIB)
		if err != nil {
			errs = append(errs, &FieldError{"nib", err})
		}
		b.NIB = n
	}
	if b.KBLICode != "" {
		k, err := idn.ParseKBLI(b.KBLICode)
		if err != nil {
			errs = append(errs, &FieldError{"kbli_code", err})
		} else {
			b.KBLICode, b.KBLISection, b.KBLIVersion = k.Code, k.Section, k.Version
		}
	}
	b.KBLISection = strings.ToUpper(strings.TrimSpace(b.KBLISection))
	if b.KBLISection != "" && (len(b.KBLISection) != 1 || b.KBLISection < "A" || b.KBLISection > "V") {
		add("kbli_section", "Sektor usaha tidak dikenal", "Unknown business sector")
	}
	if b.RegionCode != "" && r != nil {
		if _, ok := r.KecamatanByCode(b.RegionCode); !ok {
			add("region_code", "Kecamatan tidak ada di "+r.Name, "That kecamatan is not in "+r.Name)
		}
	}
	if b.YearStarted != nil && (*b.YearStarted < 1900 || *b.YearStarted > now.Year()) {
		add("year_started", fmt.Sprintf("Tahun mulai usaha antara 1900 dan %d, contoh: 2015", now.Year()),
			fmt.Sprintf("The year started must be between 1900 and %d, for example: 2015", now.Year()))
	}
	if b.Workers != nil && (*b.Workers < 0 || *b.Workers > 100_000) {
		add("workers", "Jumlah tenaga kerja tidak masuk akal", "The number of workers does not look right")
	}
	if b.Capital != nil && *b.Capital < 0 {
		add("capital", "Modal tidak boleh negatif", "Capital cannot be negative")
	}
	if b.AnnualSales != nil && *b.AnnualSales < 0 {
		add("annual_sales", "Omzet tidak boleh negatif", "Annual sales cannot be negative")
	}
	if b.Source == "" {
		b.Source = SourceChat
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Errors of the repository.
var (
	ErrNotFound  = errors.New("business not found")
	ErrDuplicate = errors.New("business already registered")
)

// DuplicateError says which existing record a new one collides with.
type DuplicateError struct {
	Existing *Business
	By       string // contact, phone, nib
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("business already registered as %s (same %s)", e.Existing.RegNo, e.By)
}
func (e *DuplicateError) Unwrap() error { return ErrDuplicate }

// Change is one field's old and new value, for the audit log.
type Change struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// Filter selects businesses for lists and exports.
type Filter struct {
	RegionCode     string
	SizeClass      SizeClass
	KBLISection    string
	Source         string
	IncludeDeleted bool
	Limit, Offset  int
}

// Count is one row of a statistics table.
type Count struct {
	Key   string `db:"k" json:"key"`
	Count int    `db:"n" json:"count"`
}

// Stats is the table the office reports each year.
type Stats struct {
	Total       int
	Verified    int
	BySizeClass []Count
	ByRegion    []Count // kecamatan code
	BySection   []Count // KBLI section letter
}
