package umkm

import (
	"strings"

	"jejaring/internal/idn"
)

// NoticeVersion is the version of the privacy notice below (the consent
// purposes it asks for are contact.PurposeData and the others). Change it with
// every change of the text: consents record the version the owner saw.
// v2 (2026-12) states the retention periods; they are the defaults of
// SESSION_TTL, OUTBOX_RETENTION, MEDIA_RETENTION and WEBCHAT_RETENTION
// (internal/config), and a test in internal/app keeps the two in step.
const NoticeVersion = "2026-12-v2"

// Notice is a versioned privacy notice (UU 27/2022: purpose, what is
// collected, how long, rights, contact).
type Notice struct {
	Version string
	ID, EN  string
}

// PrivacyNotice returns the current notice. office names the controller
// ("Dinas Koperasi, UMKM, Perdagangan dan Perindustrian Kabupaten Pesisir
// Selatan").
func PrivacyNotice(office string) Notice {
	if office == "" {
		office = "Dinas Koperasi, UMKM, Perdagangan dan Perindustrian"
	}
	id := `*Pemberitahuan Privasi* (versi ` + NoticeVersion + `)
Pengendali data: ` + office + `.
• Tujuan: mendata UMKM, mengundang Bapak/Ibu ke pelatihan dan temu bisnis, dan menyusun statistik UMKM daerah.
• Data yang kami simpan: nama pemilik, nomor HP, NIK (jika Bapak/Ibu isi), nama dan alamat usaha, sektor, modal, omzet, jumlah pekerja, NIB, foto produk.
• Lama penyimpanan: selama usaha terdaftar, dan paling lama 5 tahun setelah Bapak/Ibu berhenti terdaftar. Percakapan yang belum selesai kami hapus setelah 1 hari, isi pesan yang kami kirim setelah 180 hari, dan foto atau berkas yang tidak dipakai data usaha setelah 90 hari. Pengunjung web chat yang tidak mendaftar kami hapus 30 hari setelah pesan terakhirnya.
• Hak Bapak/Ibu: melihat data (ketik DATASAYA), memperbaiki (UBAH), menarik persetujuan dan meminta data dihapus (HAPUSDATA), berhenti menerima pesan (BERHENTI).
• Kami tidak meminta foto KTP atau swafoto. Data tidak dibagikan ke pihak lain tanpa persetujuan terpisah.
Pertanyaan: hubungi kantor Dinas di jam kerja.`
	en := `*Privacy notice* (version ` + NoticeVersion + `)
Data controller: ` + office + `.
• Purpose: registering small businesses, inviting you to trainings and business matchmaking, and regional UMKM statistics.
• What we keep: owner's name, phone number, NIK (if you give it), business name and address, sector, capital, sales, workers, NIB, a product photo.
• How long: while the business is registered, and at most 5 years after you leave the register. Unfinished conversations are deleted after 1 day, the text of messages we sent after 180 days, and photos or files no business record uses after 90 days. Web chat visitors who do not register are deleted 30 days after their last message.
• Your rights: see your data (type DATASAYA), correct it (UBAH), withdraw consent and ask for deletion (HAPUSDATA), stop messages (BERHENTI).
• We do not ask for ID card photos or selfies. Data is not shared with others without a separate consent.
Questions: contact the office during working hours.`
	return Notice{Version: NoticeVersion, ID: strings.TrimSpace(id), EN: strings.TrimSpace(en)}
}

// Text returns the notice in the language ("id" or "en").
func (n Notice) Text(lang string) string { return idn.Pick(lang, n.ID, n.EN) }
