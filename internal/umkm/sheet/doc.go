// Package sheet is the office's spreadsheets: reading a register of
// businesses from an .xlsx or .csv file (columns found by their header
// names in Indonesian or English, cells parsed the way the office writes
// them, each row turned into a umkm.Business or a reason it cannot be),
// and writing exports as .csv or .xlsx that a spreadsheet cannot run as
// formulas. It does no I/O of its own beyond the files it is given and
// never touches the database: `jejaring import businesses` and the
// dashboard's import page call Parse and save the result through storage;
// `jejaring export businesses` and `jejaring event export` write Tables.
package sheet
