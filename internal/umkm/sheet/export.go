package sheet

import (
	"jejaring/internal/idn"
	"jejaring/internal/umkm"
)

// BusinessHeader names the columns of a business export; an export reads
// back with Parse.
var BusinessHeader = []string{"No Registrasi", "Nama Usaha", "Pemilik", "No HP", "NIK", "NIB", "Produk", "Sektor", "KBLI",
	"Kecamatan", "Nagari", "Alamat", "Tahun Berdiri", "Tenaga Kerja", "Modal", "Omzet", "Kelas Usaha", "Terverifikasi",
	"Sumber", "Terdaftar"}

// BusinessRecord is one business as an export row under BusinessHeader:
// the kecamatan by name, the NIK and phone masked unless fullNIK or
// fullPhone.
func BusinessRecord(b *umkm.Business, data *umkm.Data, fullNIK, fullPhone bool) []any {
	kec := b.RegionCode
	if k, ok := data.Region.KecamatanByCode(b.RegionCode); ok {
		kec = k.Name
	}
	nik := b.NIK
	if !fullNIK && nik != "" {
		nik = idn.MaskNIK(nik)
	}
	phone := b.OwnerPhone
	if !fullPhone && phone != "" {
		phone = idn.MaskPhone(phone)
	}
	optInt := func(p *int) any {
		if p == nil {
			return ""
		}
		return *p
	}
	optInt64 := func(p *int64) any {
		if p == nil {
			return ""
		}
		return *p
	}
	verified := "tidak"
	if b.Verified {
		verified = "ya"
	}
	return []any{b.RegNo, b.Name, b.OwnerName, phone, nik, b.NIB, b.Products, b.KBLISection, b.KBLICode,
		kec, b.Village, b.Address, optInt(b.YearStarted), optInt(b.Workers), optInt64(b.Capital), optInt64(b.AnnualSales),
		b.SizeClass.Label("id"), verified, b.Source, b.CreatedAt.In(idn.WIB).Format("2006-01-02")}
}

// BusinessTable is a business export: every business of list under
// BusinessHeader, phone, NIK and NIB as text cells.
func BusinessTable(list []umkm.Business, data *umkm.Data, fullNIK, fullPhone bool) Table {
	t := Table{Name: "UMKM", Header: BusinessHeader, Rows: make([][]any, len(list)), TextColumns: []int{3, 4, 5}}
	for i := range list {
		t.Rows[i] = BusinessRecord(&list[i], data, fullNIK, fullPhone)
	}
	return t
}
