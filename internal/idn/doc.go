// Package idn reads the Indonesian formats business owners type into a chat:
// money ("Rp 1.500.000", "1,5 juta", "750rb", "2 M"), numbers with Indonesian
// separators ("1.250" is one thousand two hundred and fifty, "1,5" is one and
// a half), dates with Indonesian month names, and the identifiers of the
// office's records: NIK, NIB, KBLI codes and phone numbers (E.164).
//
// Every parser returns an *Error on bad input whose ID and EN fields are
// short, polite explanations with an example, ready to show to the owner.
// The package depends on nothing of Jejaring's and reads no clock, except
// ParseNIK, which uses the current year only to choose the century of a
// two-digit birth year (ParseNIKAt takes it as an argument).
package idn

// Error is a rejected input: Code names the kind ("nik", "money", ...), ID and
// EN explain the reason in Indonesian and English with an example.
type Error struct{ Code, ID, EN string }

// Error returns the Indonesian explanation.
func (e *Error) Error() string { return e.ID }

// Error codes.
const (
	CodeMoney  = "money"
	CodeNumber = "number"
	CodeDate   = "date"
	CodeNIK    = "nik"
	CodeNIB    = "nib"
	CodeKBLI   = "kbli"
	CodePhone  = "phone"
)

func errf(code, id, en string) *Error { return &Error{Code: code, ID: id, EN: en} }
