// Package sheet is the office's spreadsheets. Reading a register of
// businesses (Read, Parse): every sheet of an .xlsx or a .csv, the header
// row found below any title block (a second header row of merged cells
// read with it), columns known by their names and synonyms in Indonesian
// or English, cells read with the chat's parsers (internal/idn, the
// record's Validate), each row turned into an unverified umkm.Business
// with all of its problems as Issues — a bad optional cell is left empty
// and the row kept, a row is refused only when it names no business —
// then a summary by reason (Summary) and the rows to fix as tables with a
// "masalah" column (RejectedTables) that import again once fixed.
// Writing exports as .csv or .xlsx that a spreadsheet cannot run as
// formulas (Table, WriteCSV, WriteXLSX).
//
// It does no I/O of its own beyond the files it is given and never touches
// the database: `jejaring import businesses` and the dashboard's import
// page call Parse, merge the result into the register through storage
// (store.ImportRegister) and hand its matches back (ApplyRegister);
// `jejaring export businesses` and `jejaring event export` write Tables.
// Package sheettest generates messy registers for tests and benchmarks.
package sheet
