// Package sheettest generates registers laid out the way the office's
// spreadsheets are, for tests and benchmarks of the import: a "Petunjuk"
// sheet in front, a title block above the header, a row of column numbers,
// one sheet for Koto XI Tarusan (no kecamatan column: the sheet's name
// says it, sales per month) and one for the other kecamatan, money as "Rp"
// text, "jt" and plain numbers, workers in words, NIKs as "-", as numbers
// and with spaces, two phone numbers in a cell, kecamatan spelled as
// typed, a share of duplicate rows (the same business again, spelled a
// little differently) and a share of garbage rows (total lines, notes, rows
// without a business name).
package sheettest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Register is a generated register and what it holds.
type Register struct {
	XLSX []byte
	// Businesses is how many distinct, identifiable businesses it holds.
	Businesses int
	// Duplicates are rows repeating an earlier business; Garbage rows name
	// no business; BadCells are rows with one optional cell wrong (the
	// business still identifiable).
	Duplicates, Garbage, BadCells int
	Rows                          int // data rows written, all kinds
}

var kecamatanAsTyped = []string{"Pancung Soal", "Ranah Pesisir", "Lengayang", "Batang Kapas", "IV Jurai", "Bayang",
	"Sutera", "Linggo Sari Baganti", "Lunang", "Basa Ampek Balai Tapan", "IV Nagari Bayang Utara",
	"Airpura", "Ranah Ampek Hulu Tapan", "Silaut", "Kec. Lengayang", "4 jurai", "BAYANG", "Lenggayang", "Btg Kapas"}

var sectors = []string{"Kuliner", "warung", "Industri Pengolahan", "jahit", "56101", "perdagangan", "salon", "kerajinan", "bengkel"}

var words = []string{"Maju", "Jaya", "Berkah", "Sejahtera", "Sakato", "Saiyo", "Barokah", "Mandiri", "Amanah", "Bundo", "Rang Mudo", "Saiyo Sakato"}
var kinds = []string{"Warung", "Toko", "Kedai", "Rumah Makan", "Kerupuk", "Rendang", "Jahit", "Bengkel", "Salon", "Kripik", "Songket", "Kopi"}
var firstNames = []string{"Siti", "Rina", "Budi", "Yusri", "Nurhayati", "Afrizal", "Dewi", "Hendra", "Yeni", "Syafril", "Elfi", "Zulkifli", "Rosmaniar", "Irwan"}
var lastNames = []string{"Aminah", "Putra", "Yanti", "Chaniago", "Piliang", "Sikumbang", "Tanjung", "Koto", "Jambak", "Melayu", "Caniago", "Guci"}

var headerOthers = []any{"NO", "NAMA USAHA", "NAMA PEMILIK", "NIK", "NO. HP/WA", "KECAMATAN", "NAGARI", "ALAMAT",
	"BIDANG USAHA", "ASET (Rp)", "OMSET/TAHUN (Rp)", "TENAGA KERJA", "TAHUN BERDIRI", "NIB", "KETERANGAN"}

var headerTarusan = []any{"No", "Nama UMKM", "Pemilik", "NIK Pemilik", "Telp", "Nagari", "Alamat Usaha", "Jenis Usaha",
	"Kekayaan Bersih", "Omzet per Bulan", "Jumlah Tenaga Kerja (orang)", "Mulai Usaha", "NIB"}

type biz struct {
	validNIK                                                                               string
	name, owner, nik, phone, kec, nagari, addr, sector, capital, sales, workers, year, nib any
}

func business(i int, r *rand.Rand, tarusan bool) biz {
	b := biz{}
	b.name = fmt.Sprintf("%s %s %d", kinds[i%len(kinds)], words[(i/len(kinds))%len(words)], i+1)
	b.owner = fmt.Sprintf("%s %s %d", firstNames[i%len(firstNames)], lastNames[(i/3)%len(lastNames)], i+1)
	day := 1 + i%28
	if i%2 == 0 {
		day += 40
	}
	nik := fmt.Sprintf("130107%02d%02d%02d%04d", day, 1+i%12, 60+i%40, 1+i%9999)
	b.validNIK = nik
	switch i % 6 {
	case 0:
		b.nik = "-"
	case 1:
		var n int64
		fmt.Sscan(nik, &n)
		b.nik = n // an Excel number
	case 2:
		b.nik = nik[:4] + " " + nik[4:8] + " " + nik[8:12] + " " + nik[12:]
	case 3:
		b.nik = "belum ada"
	default:
		b.nik = nik
	}
	phone := fmt.Sprintf("0812%08d", 10_000_000+i)
	switch i % 7 {
	case 0:
		b.phone = "-"
	case 1:
		var n int64
		fmt.Sscan(phone[1:], &n)
		b.phone = n // Excel dropped the 0
	case 2:
		b.phone = phone + " / 0853" + fmt.Sprintf("%08d", 20_000_000+i)
	case 3:
		b.phone = "+62 812 " + phone[4:8] + " " + phone[8:]
	default:
		b.phone = phone[:4] + "-" + phone[4:8] + "-" + phone[8:]
	}
	b.kec = kecamatanAsTyped[i%len(kecamatanAsTyped)]
	b.nagari = ""
	b.addr = fmt.Sprintf("Jl. Contoh No. %d", i+1)
	b.sector = sectors[i%len(sectors)]
	capital := []any{fmt.Sprintf("Rp %d.000.000", 5+i%90), fmt.Sprintf("%d jt", 10+i%300), int64(75_000_000 + i), "1,5 M",
		"Rp. 150.000.000,-", "750rb", fmt.Sprintf("%d juta", 3+i%40)}
	b.capital = capital[i%len(capital)]
	if tarusan {
		monthly := []any{fmt.Sprintf("%d jt", 1+i%20), fmt.Sprintf("Rp %d.500.000", i%9), int64(4_000_000 + i), "750 rb"}
		b.sales = monthly[i%len(monthly)]
	} else {
		b.sales = capital[(i+3)%len(capital)]
	}
	workers := []any{"3 orang", "2 org", "tiga", int64(5), "saya sendiri", "4", "1 orang", "berdua"}
	b.workers = workers[i%len(workers)]
	years := []any{int64(1990 + i%35), fmt.Sprintf("%d", 1995+i%30), fmt.Sprintf("sejak %d", 2000+i%25), "-"}
	b.year = years[i%len(years)]
	if i%5 == 0 {
		b.nib = fmt.Sprintf("91200%08d", i+1)
	} else {
		b.nib = "-"
	}
	return b
}

func (b biz) row(no int, tarusan bool) []any {
	if tarusan {
		return []any{no, b.name, b.owner, b.nik, b.phone, b.nagari, b.addr, b.sector, b.capital, b.sales, b.workers, b.year, b.nib}
	}
	return []any{no, b.name, b.owner, b.nik, b.phone, b.kec, b.nagari, b.addr, b.sector, b.capital, b.sales, b.workers, b.year, b.nib, ""}
}

// Generate writes a register of n data rows (duplicates and garbage
// included): dupPct percent repeat an earlier business, garbagePct percent
// name none. seed makes it repeatable.
func Generate(n int, dupPct, garbagePct float64, seed uint64) (*Register, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	reg := &Register{}
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", "Petunjuk"); err != nil {
		return nil, err
	}
	for i, line := range []string{"PETUNJUK PENGISIAN", "1. Isi satu baris untuk satu usaha.",
		"2. Aset dan omset ditulis dalam rupiah, contoh: Rp 25.000.000 atau 25 jt.", "3. NIK 16 angka, kosongkan bila tidak ada."} {
		if err := x.SetCellValue("Petunjuk", fmt.Sprintf("A%d", i+1), line); err != nil {
			return nil, err
		}
	}
	nTarusan := n / 3
	sheets := []struct {
		name    string
		header  []any
		rows    int
		tarusan bool
	}{{"Koto XI Tarusan", headerTarusan, nTarusan, true}, {"Kecamatan Lain", headerOthers, n - nTarusan, false}}
	next := 0 // business index
	for _, s := range sheets {
		if _, err := x.NewSheet(s.name); err != nil {
			return nil, err
		}
		sw, err := x.NewStreamWriter(s.name)
		if err != nil {
			return nil, err
		}
		line := 1
		put := func(vals []any) error {
			cell, _ := excelize.CoordinatesToCellName(1, line)
			line++
			return sw.SetRow(cell, vals)
		}
		title := "DATA UMKM KABUPATEN PESISIR SELATAN TAHUN 2026"
		if s.tarusan {
			title = "DATA UMKM KECAMATAN KOTO XI TARUSAN TAHUN 2026"
		}
		for _, v := range [][]any{{title}, {"DINAS KOPERASI, UKM, PERINDUSTRIAN DAN PERDAGANGAN"}, {}, s.header} {
			if err := put(v); err != nil {
				return nil, err
			}
		}
		nums := make([]any, len(s.header))
		for i := range nums {
			nums[i] = fmt.Sprintf("(%d)", i+1)
		}
		if err := put(nums); err != nil {
			return nil, err
		}
		var written []biz
		for k := 0; k < s.rows; k++ {
			reg.Rows++
			p := r.Float64() * 100
			switch {
			case p < garbagePct:
				reg.Garbage++
				var g []any
				switch k % 3 {
				case 0:
					g = []any{"", "JUMLAH", "", "", "", "", "", "", "", fmt.Sprintf("Rp %d.000.000", 100+k)}
				case 1:
					g = []any{k + 1, "-", "", "-", "-", "Bayang", "", "", "", "5 jt", "2 jt"}
				default:
					g = []any{"", "", "Keterangan: data belum lengkap, mohon dilengkapi"}
				}
				if err := put(g); err != nil {
					return nil, err
				}
			case p < garbagePct+dupPct && len(written) > 0:
				reg.Duplicates++
				d := written[r.IntN(len(written))]
				d.name = strings.ToUpper(d.name.(string))
				d.phone, d.nib, d.year = "-", "-", "-"
				if err := put(d.row(k+1, s.tarusan)); err != nil {
					return nil, err
				}
			default:
				b := business(next, r, s.tarusan)
				next++
				reg.Businesses++
				if next%97 == 0 {
					reg.BadCells++
					switch next % 3 {
					case 0:
						b.nik = "1234"
					case 1:
						b.workers = "banyak"
					default:
						// still found again by its NIK
						b.kec, b.nik = "Kota Padang", b.validNIK
						if s.tarusan {
							b.nik = "13010700000000000"
						}
					}
				}
				written = append(written, b)
				if err := put(b.row(k+1, s.tarusan)); err != nil {
					return nil, err
				}
			}
		}
		if err := sw.Flush(); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		return nil, err
	}
	reg.XLSX = buf.Bytes()
	return reg, nil
}
