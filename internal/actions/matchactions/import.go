package matchactions

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"jejaring/internal/idn"
	"jejaring/internal/match"
	"jejaring/internal/umkm/sheet"
)

// partnerColumns maps a header (Indonesian or English, any case) to a
// field of the import.
var partnerColumns = map[string]string{
	"jenis": "kind", "kind": "kind", "jenis mitra": "kind",
	"lembaga": "organisation", "nama lembaga": "organisation", "organisation": "organisation", "organization": "organisation",
	"narahubung": "contact_person", "contact person": "contact_person", "contact_person": "contact_person",
	"telepon": "phone", "hp": "phone", "phone": "phone", "no hp": "phone",
	"penawaran": "offer", "yang ditawarkan": "offer", "offer": "offer", "ditawarkan atau dicari": "offer",
	"bidang": "sectors", "seksi kbli": "sectors", "sectors": "sectors", "kbli": "sectors",
	"skala min": "size_min", "size_min": "size_min", "skala terkecil": "size_min",
	"skala max": "size_max", "size_max": "size_max", "skala terbesar": "size_max",
	"kecamatan": "kecamatan", "districts": "kecamatan",
	"kursi": "seats", "seats": "seats", "meja sekaligus": "seats",
	"setuju tampil": "consent", "consent": "consent", "setuju": "consent",
}

// PartnerImport is a spreadsheet of partners read: the rows that are good,
// their seats, and the reasons the others were left out.
type PartnerImport struct {
	Partners []match.PartnerProfile
	Seats    []int
	Problems []string // "baris 4: …"
}

// ReadPartners reads partners from a spreadsheet (sheet.Open or
// sheet.Read): a header row naming the columns (jenis, lembaga,
// narahubung, telepon, penawaran, bidang, skala min, skala max, kecamatan,
// kursi, setuju tampil — or their English names), then one partner a row.
func ReadPartners(sheets []sheet.Sheet) (*PartnerImport, error) {
	var rows [][]string
	for _, sh := range sheets {
		if len(sh.Rows) > 0 {
			rows = sh.Rows // the first sheet with rows
			break
		}
	}
	if len(rows) == 0 {
		return nil, errors.New("berkas kosong, tidak ada baris judul / the file is empty: no header row")
	}
	head := rows[0]
	col := map[string]int{}
	for i, h := range head {
		if f, ok := partnerColumns[strings.ToLower(strings.TrimSpace(h))]; ok {
			col[f] = i
		}
	}
	for _, need := range []string{"kind", "organisation"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("kolom %q tidak ada di baris judul / the header row has no %q column", need, need)
		}
	}
	out := &PartnerImport{}
	for i, r := range rows[1:] {
		n := i + 2
		get := func(f string) string {
			if i, ok := col[f]; ok && i < len(r) {
				return strings.TrimSpace(r[i])
			}
			return ""
		}
		if strings.Join(r, "") == "" {
			continue
		}
		kind, ok := match.ParsePartnerKind(get("kind"))
		if !ok {
			out.Problems = append(out.Problems, fmt.Sprintf("baris %d: jenis mitra %q tidak dikenal", n, get("kind")))
			continue
		}
		p := match.PartnerProfile{Kind: kind, Organisation: get("organisation"), ContactPerson: get("contact_person"),
			Offer: get("offer"), Sectors: fieldsOf(get("sectors")), SizeMin: get("size_min"), SizeMax: get("size_max"),
			Kecamatan: fieldsOf(get("kecamatan")), Source: "import"}
		if ph := get("phone"); ph != "" {
			e164, err := idn.NormalizePhone(ph)
			if err != nil {
				out.Problems = append(out.Problems, fmt.Sprintf("baris %d: nomor telepon %q tidak terbaca", n, idn.MaskPhone(ph)))
				continue
			}
			p.Phone = e164
		}
		switch strings.ToLower(get("consent")) {
		case "ya", "y", "yes", "setuju", "1", "true":
			p.Consent, p.ConsentVersion = true, match.ConsentVersion
		}
		p.Normalize()
		if err := p.Validate(); err != nil {
			out.Problems = append(out.Problems, fmt.Sprintf("baris %d: %s", n, strings.ReplaceAll(err.Error(), "\n", "; ")))
			continue
		}
		seats := 1
		if s := get("seats"); s != "" {
			k, err := strconv.Atoi(s)
			if err != nil || k < 1 || k > 20 {
				out.Problems = append(out.Problems, fmt.Sprintf("baris %d: kursi %q harus angka 1 sampai 20", n, s))
				continue
			}
			seats = k
		}
		out.Partners = append(out.Partners, p)
		out.Seats = append(out.Seats, seats)
	}
	return out, nil
}

func fieldsOf(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '/' })
}
