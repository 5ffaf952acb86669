package sheet

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Sheet is one sheet of a workbook as text: every row, title rows and
// blank rows included, each cell as the file holds it (numbers unformatted,
// so a NIK or an amount keeps all its digits).
type Sheet struct {
	Name string
	Rows [][]string
}

// format is "csv" or "xlsx" for a file name, or an error naming the file.
func format(name string) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt":
		return "csv", nil
	case ".xlsx", ".xlsm":
		return "xlsx", nil
	}
	return "", fmt.Errorf("%s: want a .xlsx or .csv file", filepath.Base(name))
}

// Open reads the spreadsheet at path: every sheet of an .xlsx, or a .csv as
// one sheet.
func Open(path string) ([]Sheet, error) {
	if _, err := format(path); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(path, f)
}

// Read reads a spreadsheet from r (an upload), its format told by name's
// extension: every sheet of an .xlsx in order, or a .csv (comma or, as the
// office's Excel saves it in an Indonesian locale, semicolon) as one sheet
// named after the file.
func Read(name string, r io.Reader) ([]Sheet, error) {
	kind, err := format(name)
	if err != nil {
		return nil, err
	}
	if kind == "csv" {
		br := bufio.NewReaderSize(r, 4096)
		head, _ := br.Peek(4096)
		line := string(head)
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		cr := csv.NewReader(br)
		if strings.Count(line, ";") > strings.Count(line, ",") {
			cr.Comma = ';'
		}
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		rows, err := cr.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("read csv %s: %w", filepath.Base(name), err)
		}
		return []Sheet{{Name: strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)), Rows: rows}}, nil
	}
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("read xlsx %s: %w", filepath.Base(name), err)
	}
	defer f.Close()
	names := f.GetSheetList()
	if len(names) == 0 {
		return nil, errors.New("the workbook has no sheet")
	}
	out := make([]Sheet, 0, len(names))
	for _, n := range names {
		rows, err := f.GetRows(n, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("read sheet %s: %w", n, err)
		}
		out = append(out, Sheet{Name: n, Rows: rows})
	}
	return out, nil
}
