// Package idn is the one home of Indonesian formats, both ways. It reads
// what business owners type into a chat: money ("Rp 1.500.000", "1,5 juta",
// "750rb", "2 M"), numbers with Indonesian separators ("1.250" is one
// thousand two hundred and fifty, "1,5" is one and a half), dates with
// Indonesian month names, and the identifiers of the office's records: NIK,
// NIB, KBLI codes and phone numbers (E.164). And it writes what the service
// shows: the WIB zone, dates and clock times (format.go), thousands
// grouping and rupiah, the bilingual Text every picker of a language uses
// (text.go), and the masks for phones, platform ids and NIKs in logs
// (mask.go, the only masks there are).
//
// Every parser returns an *Error on bad input whose ID and EN fields are
// short, polite explanations with an example, ready to show to the owner.
//
// idn is the lowest leaf of Jejaring's layers: it imports nothing of
// Jejaring's, and every other package, leaves such as event included, may
// import it. It reads no clock: ParseNIKAt takes the current time to choose
// the century of a two-digit birth year.
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
