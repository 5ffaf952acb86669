package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"

	"github.com/xuri/excelize/v2"
)

// Table is one sheet of an export: a header row (none when empty) and rows
// of cells, each a string or a number.
type Table struct {
	Name   string // the sheet's name in an .xlsx
	Header []string
	Rows   [][]any
	// TextColumns are written as text cells in an .xlsx whatever they
	// hold: Excel would drop the + of a phone number and round the long
	// digits of a NIK or NIB.
	TextColumns []int
}

// WriteCSV writes t as CSV, every text cell neutralised (CSVText) so a
// spreadsheet cannot run it as a formula; numbers are written as they are.
func WriteCSV(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	if len(t.Header) > 0 {
		if err := cw.Write(t.Header); err != nil {
			return fmt.Errorf("write csv header: %w", err)
		}
	}
	var rec []string
	for i, row := range t.Rows {
		rec = rec[:0]
		for _, v := range row {
			if s, ok := v.(string); ok {
				rec = append(rec, CSVText(s))
			} else {
				rec = append(rec, fmt.Sprint(v))
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv row %d: %w", i+1, err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the tables as the sheets of one workbook, in order.
// Cells are typed, so text never becomes a formula.
func WriteXLSX(w io.Writer, tables ...Table) error {
	x := excelize.NewFile()
	defer x.Close()
	for i, t := range tables {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", t.Name); err != nil {
				return fmt.Errorf("sheet %s: %w", t.Name, err)
			}
		} else if _, err := x.NewSheet(t.Name); err != nil {
			return fmt.Errorf("sheet %s: %w", t.Name, err)
		}
		if err := writeSheet(x, t); err != nil {
			return fmt.Errorf("sheet %s: %w", t.Name, err)
		}
	}
	_, err := x.WriteTo(w)
	return err
}

// writeSheet streams one table into its sheet.
func writeSheet(x *excelize.File, t Table) error {
	sw, err := x.NewStreamWriter(t.Name)
	if err != nil {
		return err
	}
	r := 1
	if len(t.Header) > 0 {
		head := make([]any, len(t.Header))
		for i, h := range t.Header {
			head[i] = h
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
		r++
	}
	for _, row := range t.Rows {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		vals := slices.Clone(row)
		for _, j := range t.TextColumns {
			if j < len(vals) {
				vals[j] = excelize.Cell{Value: vals[j]}
			}
		}
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
		r++
	}
	return sw.Flush()
}
