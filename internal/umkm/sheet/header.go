package sheet

import (
	"strings"
	"unicode"
)

// field names of the import columns.
const (
	colName     = "name"
	colOwner    = "owner"
	colPhone    = "phone"
	colDistrict = "kecamatan"
	colVillage  = "nagari"
	colAddress  = "address"
	colCapital  = "capital"
	colSales    = "sales"
	colNIB      = "nib"
	colNIK      = "nik"
	colKBLI     = "kbli"
	colSector   = "sector"
	colProducts = "products"
	colWorkers  = "workers"
	colYear     = "year"
	colSalesMon = "salesMonth" // a month's sales beside a year's column: read when the year's cell is empty
	colNo       = "no"         // the row number column: kept in the file, not a field
	colProblem  = "masalah"    // the column a rejected-rows file adds
)

// ProblemHeader is the column a rejected-rows file adds; an import ignores it.
const ProblemHeader = "masalah"

// headerSynonyms maps normalised header names to fields, exactly.
var headerSynonyms = map[string]string{
	"nama usaha": colName, "business name": colName, "nama umkm": colName, "usaha": colName, "nama perusahaan": colName,
	"business": colName, "nama toko": colName, "nama ukm": colName, "nama badan usaha": colName, "nama unit usaha": colName,
	"pemilik": colOwner, "nama pemilik": colOwner, "owner": colOwner, "owner name": colOwner, "nama": colOwner,
	"pemilik usaha": colOwner, "nama pengusaha": colOwner, "penanggung jawab": colOwner, "nama pelaku usaha": colOwner,
	"pelaku usaha": colOwner, "nama lengkap": colOwner,
	"kecamatan": colDistrict, "district": colDistrict, "kec": colDistrict, "kode kecamatan": colDistrict,
	"nagari": colVillage, "desa": colVillage, "kelurahan": colVillage, "desa kelurahan": colVillage, "village": colVillage,
	"nagari desa": colVillage, "nagari kelurahan": colVillage, "kenagarian": colVillage,
	"alamat": colAddress, "address": colAddress, "alamat usaha": colAddress, "alamat lengkap": colAddress,
	"nib": colNIB, "nomor induk berusaha": colNIB, "no nib": colNIB,
	"nik": colNIK, "no ktp": colNIK, "nomor ktp": colNIK, "ktp": colNIK, "nik pemilik": colNIK, "no nik": colNIK,
	"kbli": colKBLI, "kode kbli": colKBLI, "no kbli": colKBLI,
	"sektor": colSector, "bidang usaha": colSector, "sector": colSector, "jenis usaha": colSector, "bidang": colSector,
	"sektor usaha": colSector, "kategori": colSector, "kategori usaha": colSector, "jenis": colSector,
	"produk": colProducts, "products": colProducts, "product": colProducts, "jenis produk": colProducts,
	"komoditi": colProducts, "komoditas": colProducts, "produk utama": colProducts, "nama produk": colProducts,
	"tenaga kerja": colWorkers, "jumlah tenaga kerja": colWorkers, "karyawan": colWorkers, "jumlah karyawan": colWorkers,
	"pekerja": colWorkers, "workers": colWorkers, "employees": colWorkers, "tk": colWorkers, "jumlah tk": colWorkers,
	"jumlah pekerja": colWorkers, "tenaga kerja orang": colWorkers,
	"tahun berdiri": colYear, "tahun mulai": colYear, "mulai usaha": colYear, "tahun mulai usaha": colYear,
	"year started": colYear, "tahun": colYear, "berdiri": colYear, "tahun usaha": colYear, "thn berdiri": colYear,
	"no": colNo, "nomor": colNo, "no urut": colNo, "nomor urut": colNo, "#": colNo,
	"masalah": colProblem,
}

// unitWords are dropped from a header before it is looked up: "ASET (Rp)",
// "TENAGA KERJA (orang)".
var unitWords = map[string]bool{"rp": true, "rupiah": true, "idr": true, "orang": true, "org": true, "jiwa": true}

var monthWords = map[string]bool{"bulan": true, "bln": true, "bulanan": true, "perbulan": true, "month": true,
	"monthly": true, "bl": true}

// keyword rules, in order, for headers the synonyms do not name exactly.
var headerKeywords = []struct {
	field string
	words []string // any of these words (or word pairs) in the header
}{
	{colSales, []string{"omset", "omzet", "omzet", "penjualan", "sales", "turnover", "pendapatan", "omset/tahun"}},
	{colCapital, []string{"aset", "asset", "aset usaha", "kekayaan", "modal", "capital", "aktiva"}},
	{colNIK, []string{"nik", "ktp", "kependudukan"}},
	{colNIB, []string{"nib", "izin usaha", "oss"}},
	{colKBLI, []string{"kbli"}},
	{colPhone, []string{"hp", "telp", "telepon", "tlp", "wa", "whatsapp", "phone", "kontak", "handphone", "ponsel", "seluler"}},
	{colDistrict, []string{"kecamatan", "kec", "district"}},
	{colVillage, []string{"nagari", "desa", "kelurahan", "village"}},
	{colAddress, []string{"alamat", "address", "jalan"}},
	{colWorkers, []string{"tenaga", "karyawan", "pekerja", "workers", "employees", "tk"}},
	{colSector, []string{"sektor", "bidang", "sector", "jenis usaha", "kategori"}},
	{colProducts, []string{"produk", "product", "komoditi", "komoditas"}},
	{colYear, []string{"berdiri", "mulai", "started", "tahun"}},
	{colOwner, []string{"pemilik", "owner", "pengusaha", "penanggung", "pelaku"}},
	{colName, []string{"usaha", "umkm", "ukm", "perusahaan", "toko", "business"}},
}

func normHeader(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '#' })
	return strings.Join(f, " ")
}

// fieldOf says which field a header names and whether its amounts are a
// month's ("OMSET PER BULAN"), or "" when it names none.
func fieldOf(header string) (field string, monthly bool) {
	words := strings.Fields(normHeader(header))
	kept := words[:0:0]
	for _, w := range words {
		if unitWords[w] {
			continue
		}
		if monthWords[w] {
			monthly = true
		}
		kept = append(kept, w)
	}
	n := strings.Join(kept, " ")
	if n == "" {
		return "", false
	}
	if f, ok := headerSynonyms[n]; ok {
		return f, false
	}
	// "omset per bulan", "penjualan/tahun": drop the period words, look again.
	var core []string
	for _, w := range kept {
		if monthWords[w] || w == "per" || w == "tahun" || w == "thn" || w == "pertahun" || w == "tahunan" || w == "setahun" || w == "bersih" || w == "kotor" || w == "rata" {
			continue
		}
		core = append(core, w)
	}
	if f, ok := headerSynonyms[strings.Join(core, " ")]; ok && f != colYear {
		return f, monthly && (f == colSales || f == colCapital)
	}
	padded := " " + n + " "
	for _, k := range headerKeywords {
		for _, w := range k.words {
			if strings.Contains(padded, " "+w+" ") {
				return k.field, monthly && (k.field == colSales || k.field == colCapital)
			}
		}
	}
	return "", false
}

// Column is one column of a sheet as the import reads it.
type Column struct {
	Index   int
	Header  string
	Field   string // "" when not used
	Monthly bool   // amounts per month, multiplied by 12
}

// findHeader looks for the header row among the first rows of a sheet: the
// first row that names a business-name column and at least one other
// field. A second header row under it (merged cells: "OMSET" over "Per
// Bulan" and "Per Tahun") is read with it. It returns the index of the
// last header row and the columns, or -1.
func findHeader(rows [][]string) (int, []Column) {
	for i := 0; i < len(rows) && i < 30; i++ {
		cols, named := mapHeader(rows[i])
		if named < 2 || !hasField(cols, colName) {
			continue
		}
		if i+1 < len(rows) && subHeader(rows[i+1], cols) {
			joined := joinHeaders(rows[i], rows[i+1])
			if jc, jn := mapHeader(joined); jn >= named && hasField(jc, colName) {
				return i + 1, jc
			}
		}
		return i, cols
	}
	return -1, nil
}

// subHeader reports whether row, under a header, is a second header row:
// its business-name cell is empty (a data row has a name), it has words,
// and none of its cells is a number.
func subHeader(row []string, cols []Column) bool {
	words := 0
	for i, c := range row {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if i < len(cols) && cols[i].Field == colName {
			return false
		}
		if strings.IndexFunc(c, unicode.IsLetter) < 0 {
			return false
		}
		words++
	}
	return words > 0
}

// joinHeaders joins a header row and the row under it cell by cell, a
// merged top cell carried over the empty cells to its right that have a
// cell below: "OMSET" + "Per Bulan", "OMSET" + "Per Tahun".
func joinHeaders(top, sub []string) []string {
	n := max(len(top), len(sub))
	out := make([]string, n)
	carry := ""
	for i := range n {
		t, b := "", ""
		if i < len(top) {
			t = strings.TrimSpace(top[i])
		}
		if i < len(sub) {
			b = strings.TrimSpace(sub[i])
		}
		switch {
		case t != "":
			carry = t
		case b != "":
			t = carry
		default:
			carry = ""
		}
		out[i] = strings.TrimSpace(t + " " + b)
	}
	return out
}

// mapHeader maps a header row's cells to fields: the first column of a
// field wins, except that a year's amount wins over a month's (a month's
// sales beside it is kept as colSalesMon, read when the year's is empty).
func mapHeader(row []string) ([]Column, int) {
	cols := make([]Column, len(row))
	seen := map[string]int{}
	named := 0
	for i, h := range row {
		cols[i] = Column{Index: i, Header: strings.TrimSpace(h)}
		f, monthly := fieldOf(h)
		if f == "" {
			continue
		}
		if j, dup := seen[f]; dup {
			switch {
			case f == colSales && cols[j].Monthly && !monthly:
				cols[j].Field = colSalesMon
			case f == colSales && !cols[j].Monthly && monthly:
				if _, has := seen[colSalesMon]; !has {
					seen[colSalesMon] = i
					cols[i].Field, cols[i].Monthly = colSalesMon, true
				}
				continue
			case f == colCapital && cols[j].Monthly && !monthly:
				cols[j].Field, cols[j].Monthly = "", false
			default:
				continue
			}
		} else if f != colNo && f != colProblem {
			named++
		}
		seen[f] = i
		cols[i].Field, cols[i].Monthly = f, monthly
	}
	return cols, named
}

func hasField(cols []Column, f string) bool {
	for _, c := range cols {
		if c.Field == f {
			return true
		}
	}
	return false
}
