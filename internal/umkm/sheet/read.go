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

// Rows yields the rows of a spreadsheet, header first.
type Rows interface {
	Next() ([]string, error) // io.EOF at the end
	Close() error
}

type csvRows struct {
	c io.Closer
	r *csv.Reader
}

func (c *csvRows) Next() ([]string, error) { return c.r.Read() }
func (c *csvRows) Close() error            { return c.c.Close() }

type xlsxRows struct {
	f    *excelize.File
	rows *excelize.Rows
	c    io.Closer
}

func (x *xlsxRows) Next() ([]string, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	return x.rows.Columns()
}

func (x *xlsxRows) Close() error {
	x.rows.Close()
	err := x.f.Close()
	if cerr := x.c.Close(); err == nil {
		err = cerr
	}
	return err
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

// Open reads the spreadsheet at path: the first sheet of an .xlsx, or a
// .csv.
func Open(path string) (Rows, error) {
	if _, err := format(path); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	rows, err := Read(path, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return rows, nil
}

// Read reads a spreadsheet from r (an upload), its format told by name's
// extension. Closing the Rows closes r when it is an io.Closer.
func Read(name string, r io.Reader) (Rows, error) {
	kind, err := format(name)
	if err != nil {
		return nil, err
	}
	c, ok := r.(io.Closer)
	if !ok {
		c = io.NopCloser(nil)
	}
	if kind == "csv" {
		br := bufio.NewReaderSize(r, 4096)
		// The office's Excel saves CSV with ';' in an Indonesian locale.
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
		return &csvRows{c: c, r: cr}, nil
	}
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, err
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, errors.New("the workbook has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, err
	}
	return &xlsxRows{f: f, rows: rows, c: c}, nil
}
