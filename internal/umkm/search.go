package umkm

import "time"

// Search selects businesses for the staff dashboard's directory: a free
// text (business or owner name, typo-tolerant; a phone or a registration
// number when it has digits) and filters. Zero fields do not filter.
type Search struct {
	Text        string
	RegionCodes []string // kecamatan codes (the dashboard maps names to codes)
	SizeClass   SizeClass
	KBLISection string
	Verified    *bool
	Source      string
	// Partners, when set, keeps the businesses whose owner did (true) or
	// did not (false) agree to be shown to partners (show_to_partners).
	Partners *bool
	Since    time.Time // registered on or after
	Sort     string    // SortRelevance (default with Text), SortNewest, SortName, SortRegNo
	Limit    int       // at most MaxSearchLimit; 0: DefaultSearchLimit
	Offset   int
	// Export lifts the page size to MaxExportRows (Limit is ignored): an
	// export of the filtered set in one query.
	Export bool
}

// Sort orders of a Search.
const (
	SortRelevance = "relevance"
	SortNewest    = "newest"
	SortOldest    = "oldest"
	SortName      = "name"
	SortRegNo     = "reg_no"
)

// Page sizes of a Search.
const (
	DefaultSearchLimit = 25
	MaxSearchLimit     = 100
	MaxExportRows      = 200_000
)

// SearchPage is one page of a Search and the number of all matches.
type SearchPage struct {
	Businesses []Business
	Total      int
}

// Week is the number of businesses registered in the week starting Start
// (a Monday, UTC).
type Week struct {
	Start time.Time
	Count int
}
