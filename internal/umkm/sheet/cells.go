package sheet

import "strings"

// Exports leave the office for spreadsheets, and a spreadsheet opening a
// CSV runs a cell that starts with = + - @ (or a tab or carriage return
// before one) as a formula: a business named =HYPERLINK("http://…") would
// become a link, and worse formulas exist. Text cells are therefore
// written with a leading apostrophe when they start with one of those
// (OWASP's advice), and the importer takes that apostrophe off again, so an
// export reads back as it was. XLSX cells are typed: strings are written as
// strings and never become formulas.

// formulaStart reports whether a spreadsheet reads s as a formula.
func formulaStart(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// CSVText neutralises a text cell for a CSV export.
func CSVText(s string) string {
	if formulaStart(s) {
		return "'" + s
	}
	return s
}

// importText undoes CSVText on a cell read from a file.
func importText(s string) string {
	if strings.HasPrefix(s, "'") && formulaStart(s[1:]) {
		return s[1:]
	}
	return s
}
