package sheet

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"jejaring/internal/idn"
	"jejaring/internal/umkm"
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
	colSector   = "sector"
	colProducts = "products"
	colWorkers  = "workers"
	colYear     = "year"
)

// headerSynonyms maps normalized header names to fields.
var headerSynonyms = map[string]string{
	"nama usaha": colName, "business name": colName, "nama umkm": colName, "usaha": colName, "nama perusahaan": colName,
	"business": colName, "nama toko": colName,
	"pemilik": colOwner, "nama pemilik": colOwner, "owner": colOwner, "owner name": colOwner, "nama": colOwner,
	"pemilik usaha": colOwner,
	"no hp":         colPhone, "nomor hp": colPhone, "hp": colPhone, "no hp wa": colPhone, "telepon": colPhone, "telp": colPhone,
	"no telp": colPhone, "no telepon": colPhone, "nomor telepon": colPhone, "wa": colPhone, "no wa": colPhone,
	"whatsapp": colPhone, "phone": colPhone, "phone number": colPhone, "handphone": colPhone, "kontak": colPhone,
	"kecamatan": colDistrict, "district": colDistrict, "kec": colDistrict, "kode kecamatan": colDistrict,
	"nagari": colVillage, "desa": colVillage, "kelurahan": colVillage, "desa kelurahan": colVillage, "village": colVillage,
	"nagari desa": colVillage,
	"alamat":      colAddress, "address": colAddress, "alamat usaha": colAddress,
	"modal": colCapital, "modal usaha": colCapital, "capital": colCapital,
	"omzet": colSales, "omset": colSales, "penjualan": colSales, "hasil penjualan": colSales, "omzet tahunan": colSales,
	"omzet per tahun": colSales, "penjualan tahunan": colSales, "sales": colSales, "annual sales": colSales,
	"nib": colNIB, "nomor induk berusaha": colNIB,
	"nik": colNIK, "no ktp": colNIK, "nomor ktp": colNIK, "ktp": colNIK, "nik pemilik": colNIK,
	"kbli": colSector, "kode kbli": colSector, "sektor": colSector, "bidang usaha": colSector, "sector": colSector,
	"jenis usaha": colSector, "bidang": colSector,
	"produk": colProducts, "products": colProducts, "product": colProducts, "jenis produk": colProducts,
	"tenaga kerja": colWorkers, "jumlah tenaga kerja": colWorkers, "karyawan": colWorkers, "jumlah karyawan": colWorkers,
	"pekerja": colWorkers, "workers": colWorkers, "employees": colWorkers, "tk": colWorkers,
	"tahun berdiri": colYear, "tahun mulai": colYear, "mulai usaha": colYear, "tahun mulai usaha": colYear,
	"year started": colYear, "tahun": colYear,
}

func normHeader(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

// BadRow is a row left out of an import.
type BadRow struct {
	Row    int // spreadsheet row number (the header is row 1)
	Reason string
}

// Import is a file read and checked, ready for the database.
type Import struct {
	Businesses []umkm.Business
	Rows       []int // spreadsheet row of each business
	Bad        []BadRow
	Total      int // data rows, empty ones not counted
	Unmapped   []string
}

// money reads a spreadsheet amount: what idn.ParseMoney reads, or a plain
// number as Excel writes it (1.5E+10, 1500000.00).
func money(s string) (int64, error) {
	if n, err := idn.ParseMoney(s); err == nil {
		return n, nil
	}
	if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && f >= 0 && f < 1e15 && f == float64(int64(f)) {
		return int64(f), nil
	}
	return idn.ParseMoney(s)
}

func wholeNumber(s string) (int, bool) {
	f, err := idn.ParseNumber(s)
	if err != nil || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}

// Parse reads every row of src and checks it against the region and
// sectors of data: each good row becomes an unverified business from the
// import, each bad one a BadRow with its reason in lang ("en" or
// Indonesian). now bounds the year a business started. It fails only when
// the file has no header or no business-name column.
func Parse(src Rows, data *umkm.Data, now time.Time, lang string) (*Import, error) {
	header, err := src.Next()
	if errors.Is(err, io.EOF) {
		return nil, errors.New(msg(lang, "empty"))
	}
	if err != nil {
		return nil, err
	}
	cols := map[string]int{}
	res := &Import{}
	for i, h := range header {
		f, ok := headerSynonyms[normHeader(h)]
		if !ok {
			if strings.TrimSpace(h) != "" {
				res.Unmapped = append(res.Unmapped, h)
			}
			continue
		}
		if _, dup := cols[f]; !dup {
			cols[f] = i
		}
	}
	if _, ok := cols[colName]; !ok {
		return nil, errors.New(msg(lang, "noName", strings.Join(header, ", ")))
	}
	row := 1
	for {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		row++
		if err != nil {
			res.Bad = append(res.Bad, BadRow{row, msg(lang, "unreadable", err)})
			continue
		}
		get := func(f string) string {
			i, ok := cols[f]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(importText(idn.CleanText(strings.TrimSpace(rec[i]))))
		}
		empty := true
		for _, v := range rec {
			if strings.TrimSpace(v) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		res.Total++
		b, reason := importRow(get, data, now, lang)
		if reason != "" {
			res.Bad = append(res.Bad, BadRow{row, reason})
			continue
		}
		res.Businesses = append(res.Businesses, b)
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// importRow builds one business from a row, or says why it cannot.
func importRow(get func(string) string, data *umkm.Data, now time.Time, lang string) (umkm.Business, string) {
	b := umkm.Business{Name: get(colName), OwnerName: get(colOwner), Address: get(colAddress),
		Products: get(colProducts), NIB: get(colNIB), NIK: get(colNIK), Source: umkm.SourceImport}
	var reasons []string
	bad := func(col, why string) { reasons = append(reasons, col+": "+why) }
	if p := get(colPhone); p != "" {
		// Validate normalizes it; a number stored as a number has lost
		// its leading 0.
		if t := strings.TrimSpace(p); strings.HasPrefix(t, "8") {
			p = "0" + t
		}
		b.OwnerPhone = p
	}
	if k := get(colDistrict); k != "" {
		kec, ok := data.Region.MatchKecamatan(k)
		if !ok {
			bad("Kecamatan", msg(lang, "kecamatan", k, data.Region.Name))
		} else {
			b.RegionCode = kec.Code
			if v := get(colVillage); v != "" {
				if n, ok := kec.MatchNagari(v); ok {
					b.Village = n.Name
				} else {
					b.Village = v
				}
			}
		}
	} else if v := get(colVillage); v != "" {
		if kec, n, ok := data.Region.FindNagari(v); ok {
			b.RegionCode, b.Village = kec.Code, n.Name
		} else {
			b.Village = v
		}
	}
	if s := get(colSector); s != "" {
		if m, ok := data.Sectors.MatchSection(s); ok {
			b.KBLISection, b.KBLICode = m.Section.Letter, m.KBLI
		} else if b.Products == "" {
			b.Products = s // keep the words; the sector stays unknown
		}
	}
	if b.KBLISection == "" && b.Products != "" {
		if m, ok := data.Sectors.MatchSection(b.Products); ok {
			b.KBLISection, b.KBLICode = m.Section.Letter, m.KBLI
		}
	}
	for _, m := range []struct {
		col, label string
		dst        **int64
	}{{colCapital, "Modal", &b.Capital}, {colSales, "Omzet", &b.AnnualSales}} {
		if v := get(m.col); v != "" && v != "-" {
			n, err := money(v)
			if err != nil {
				bad(m.label, msg(lang, "money", v))
				continue
			}
			*m.dst = &n
		}
	}
	if v := get(colWorkers); v != "" && v != "-" {
		if n, ok := wholeNumber(v); ok {
			b.Workers = &n
		} else {
			bad("Tenaga Kerja", msg(lang, "workers", v))
		}
	}
	if v := get(colYear); v != "" && v != "-" {
		if n, ok := wholeNumber(v); ok {
			b.YearStarted = &n
		} else if d, err := idn.ParseDate(v); err == nil {
			y := d.Year()
			b.YearStarted = &y
		} else {
			bad("Tahun Berdiri", msg(lang, "year", v))
		}
	}
	if len(reasons) == 0 {
		if err := b.Validate(data.Region, now); err != nil {
			var ve umkm.ValidationErrors
			if errors.As(err, &ve) {
				for _, fe := range ve {
					reasons = append(reasons, columnName(fe.Field)+": "+reasonIn(lang, fe.Err))
				}
			} else {
				reasons = append(reasons, err.Error())
			}
		}
	}
	if len(reasons) > 0 {
		return umkm.Business{}, strings.Join(reasons, "; ")
	}
	b.Classify()
	return b, ""
}

// columnName names a record field as the import's usage text does.
func columnName(field string) string {
	switch field {
	case "owner_phone":
		return "No HP"
	case "owner_name":
		return "Pemilik"
	case "name":
		return "Nama Usaha"
	case "nik":
		return "NIK"
	case "nib":
		return "NIB"
	case "kbli_code", "kbli_section":
		return "KBLI"
	case "region_code":
		return "Kecamatan"
	case "year_started":
		return "Tahun Berdiri"
	case "workers":
		return "Tenaga Kerja"
	case "capital":
		return "Modal"
	case "annual_sales":
		return "Omzet"
	}
	return field
}

// reasonIn is a validation error in lang (idn.Error carries both).
func reasonIn(lang string, err error) string {
	var ie *idn.Error
	if errors.As(err, &ie) && lang == "en" && ie.EN != "" {
		return ie.EN
	}
	return err.Error()
}

// messages are the words of an import report, Indonesian and English, as
// fmt formats with the same verbs.
var messages = map[string][2]string{
	"unreadable": {"tidak terbaca: %v", "unreadable: %v"},
	"kecamatan":  {"%q bukan kecamatan di %s", "%q is not a kecamatan of %s"},
	"money":      {"%q bukan jumlah rupiah", "%q is not an amount of rupiah"},
	"workers":    {"%q bukan jumlah orang", "%q is not a number of people"},
	"year":       {"%q bukan tahun", "%q is not a year"},
	"noName": {"tidak ada kolom nama usaha (perlu judul seperti \"Nama Usaha\" atau \"Business Name\"; yang ada: %s)",
		"no business name column (want a header like \"Nama Usaha\" or \"Business Name\"; found %s)"},
	"empty": {"berkasnya kosong", "the file is empty"},
}

// msg formats the message key in lang ("en", else Indonesian).
func msg(lang, key string, args ...any) string {
	m := messages[key]
	if lang == "en" {
		return fmt.Sprintf(m[1], args...)
	}
	return fmt.Sprintf(m[0], args...)
}
