package main

// Staff-facing output of the subcommands comes from one catalogue, in
// Indonesian first and English second: `-lang en` (anywhere on the command
// line, or -lang=en) or a locale starting with "en" (LC_ALL, LC_MESSAGES,
// LANG, the first one set) gives English; anything else Indonesian. Each
// entry is a fmt format in both languages with the same verbs in the same
// order (a test checks it), so a caller writes t.f("import.summary", …) once
// and never an if on the language.

import (
	"fmt"
	"strings"
)

// tr prints the catalogue in one language.
type tr struct{ en bool }

// lang is "en" or "id", as umkm.SizeClass.Label and friends take it.
func (t tr) lang() string {
	if t.en {
		return "en"
	}
	return "id"
}

// f formats the catalogue entry key. A key missing from the catalogue (a
// test keeps that from happening) prints as itself with its arguments.
func (t tr) f(key string, args ...any) string {
	m, ok := catalogue[key]
	if !ok {
		return key + fmt.Sprint(args...)
	}
	if t.en {
		return fmt.Sprintf(m.en, args...)
	}
	return fmt.Sprintf(m.id, args...)
}

// or is f for a key that may be absent (a status code without its own
// entry): the fallback then, unformatted.
func (t tr) or(key, fallback string) string {
	if _, ok := catalogue[key]; !ok {
		return fallback
	}
	return t.f(key)
}

// commandSummaryID is the Indonesian line of `jejaring help` for each
// subcommand; the English one is the summary in commands(). A subcommand
// missing here shows its English summary.
var commandSummaryID = map[string]string{
	"reach":       "reach [funnel] | letters | posters | campaign status|start|stop: siapa yang bisa dihubungi, surat dan poster ber-QR, kampanye sapaan pertama",
	"match":       "temu bisnis: setup/plan/run/publish/schedule ACARA, partners import|list; solve, check, plan --slots (tanpa basis data)",
	"serve":       "menjalankan Jejaring: web chat, kanal, pengiriman di latar belakang (bawaan)",
	"migrate":     "menerapkan migrasi basis data (up) atau menampilkannya (status)",
	"user":        "mengelola petugas: add NAMA [-admin], passwd NAMA, list",
	"healthcheck": "keluar 0 bila server di HTTP_ADDR menjawab /healthz (untuk health check kontainer)",
	"whatsapp":    "menautkan nomor WhatsApp kantor (link [--phone +62…]) atau melihat keadaannya (status)",
	"flows":       "memeriksa, menggambar atau menguji alur percakapan",
	"event":       "membuat, menerbitkan, mengubah, membatalkan acara, check-in dan ekspor",
	"import":      "import businesses BERKAS [--dry-run] [--rejected PERBAIKAN.xlsx], import list, import undo NO: daftar UMKM kantor (.xlsx/.csv) ke Jejaring",
	"export":      "export businesses [--format csv|xlsx] [--out BERKAS]: daftar UMKM sebagai spreadsheet",
	"questions":   "pertanyaan pemilik usaha ke kantor (TANYA): list [--open], answer ID \"TEKS\" [--by NAMA]",
	"report":      "hasil acara: kehadiran, penilaian, kesepakatan dan jangkauan [--event ID] [--from --to]; followups ACARA 1,3,6",
	"stats":       "jumlah usaha per kelas, kecamatan dan sektor (tabel laporan tahunan)",
	"bench":       "mengukur alur pesan: N pemilik mendaftar bersamaan [-users N], beban tetap [-rate R -duration D], atau PostgreSQL skala besar (bench db)",
	"backup":      "mencadangkan basis data SQLite yang sedang berjalan [--out BERKAS]; untuk PostgreSQL: perintah pg_dump",
}

// langFlag is "-lang X", "-lang=X" or "--lang…" among the arguments before
// a "--". It returns the arguments without it.
func takeLang(args []string) (rest []string, lang string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(rest, args[i:]...), lang, nil
		}
		name, val, hasVal := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			rest = append(rest, a)
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return nil, "", fmt.Errorf("-lang: want id or en")
			}
			i++
			val = args[i]
		}
		switch val = strings.ToLower(val); val {
		case "id", "en":
			lang = val
		default:
			return nil, "", fmt.Errorf("-lang %q: want id or en / pilih id atau en", val)
		}
	}
	return rest, lang, nil
}

// newTr picks the language: the -lang flag, else the locale.
func newTr(lang string, getenv func(string) string) tr {
	if lang != "" {
		return tr{en: lang == "en"}
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := getenv(v); l != "" {
			return tr{en: strings.HasPrefix(strings.ToLower(l), "en")}
		}
	}
	return tr{}
}

type msg struct{ id, en string }

// catalogue holds every staff-facing line, keyed by command and purpose.
var catalogue = map[string]msg{
	// help and dispatch
	"help.usage":    {"Pemakaian: jejaring [perintah] [flag]", "Usage: jejaring [command] [flags]"},
	"help.commands": {"Perintah:", "Commands:"},
	"help.footer": {"Tanpa perintah, jejaring menjalankan server. `jejaring serve -h` menampilkan semua setelan;\n`jejaring PERINTAH -h` flag sebuah perintah; -lang en untuk bahasa Inggris.",
		"With no command, jejaring serves. `jejaring serve -h` lists every setting;\n`jejaring COMMAND -h` a command's flags; -lang id for Indonesian."},
	"help.bare": {"Jejaring: tanpa perintah, server dijalankan (daftar perintah: jejaring help)",
		"Jejaring: no command given, so the server starts (list of commands: jejaring help)"},
	"help.unknown": {"jejaring: perintah %q tidak dikenal", "jejaring: unknown command %q"},

	// user
	"user.disabled": {" (nonaktif)", " (disabled)"},
	"user.list":     {"%-24s %-6s dibuat %s%s", "%-24s %-6s created %s%s"},
	"user.added":    {"Pengguna baru (%s): %s.", "Created %s user %s."},
	"user.passwd":   {"Kata sandi %s diganti.", "Password changed for %s."},
	"user.notfound": {"user passwd: tidak ada petugas bernama %s", "user passwd: no staff user %s"},
	"user.nostdin": {"tidak ada kata sandi di stdin (tulis di baris pertama, mis. `printf '%%s\\n' \"$PW\" | jejaring user add NAMA -password-stdin`)",
		"no password on stdin (give it on the first line, e.g. `printf '%%s\\n' \"$PW\" | jejaring user add NAME -password-stdin`)"},
	"user.exists":  {"user add: petugas %s sudah ada", "user add: staff user %s already exists"},
	"user.weak":    {"kata sandi harus paling sedikit %d karakter (dan paling banyak 72 byte)", "password must be at least %d characters (and at most 72 bytes)"},
	"user.prompt":  {"Kata sandi: ", "Password: "},
	"user.again":   {"Ulangi: ", "Again: "},
	"user.differs": {"kedua kata sandi berbeda", "the two passwords differ"},

	// questions
	"questions.none":     {"Belum ada pertanyaan.", "No questions yet."},
	"questions.noneOpen": {"Tidak ada pertanyaan yang belum dijawab.", "No questions waiting for an answer."},
	"questions.head":     {"ID\tKONTAK\tKANAL\tWAKTU (WIB)\tSTATUS\tPERTANYAAN", "ID\tCONTACT\tCHANNEL\tTIME (WIB)\tSTATUS\tQUESTION"},
	"questions.row":      {"%d\t%d\t%s\t%s\t%s\t%s", "%d\t%d\t%s\t%s\t%s\t%s"},
	"questions.open":     {"belum dijawab", "open"},
	"questions.answered": {"dijawab %s oleh %s", "answered %s by %s"},
	"questions.more": {"Yang lebih lama: jejaring questions list --before %d",
		"Older ones: jejaring questions list --before %d"},
	"questions.sent": {"Jawaban atas pertanyaan %d masuk antrean kiriman ke kontak %d (%s).",
		"The answer to question %d is queued for contact %d (%s)."},
	"questions.stopped": {"Perhatian: kontak %d sudah mengetik BERHENTI, jadi jawabannya tidak akan terkirim.",
		"Note: contact %d said BERHENTI, so the answer will not be delivered."},
	"questions.badID":    {"questions answer: %q bukan nomor pertanyaan", "questions answer: %q is not a question id"},
	"questions.notFound": {"questions answer: tidak ada pertanyaan %d", "questions answer: no question %d"},
	"questions.already": {"questions answer: pertanyaan %d sudah dijawab %s oleh %s",
		"questions answer: question %d was already answered %s by %s"},
	"questions.empty":   {"questions answer: jawabannya kosong", "questions answer: the answer is empty"},
	"questions.tooLong": {"questions answer: jawaban terlalu panjang (paling banyak %d huruf)", "questions answer: the answer is too long (at most %d characters)"},

	// backup
	"backup.done": {"Cadangan tersimpan di %s (hanya bisa dibaca pemiliknya). Isi salinan:", "Backup written to %s (readable by its owner only). The copy holds:"},
	"backup.restore": {"Memulihkan: hentikan Jejaring, hapus berkas -wal dan -shm di samping basis data, salin %[1]s ke %[2]s (chmod 600), lalu jalankan lagi. Setelah pemulihan, hapus lagi data orang yang sudah minta dihapus (hapusdata) sejak cadangan dibuat.",
		"To restore: stop Jejaring, remove the -wal and -shm files beside the database, copy %[1]s over %[2]s (chmod 600), start it again. After a restore, erase again everyone who asked to be erased (hapusdata) since the backup was made."},
	"backup.pg.intro":    {"Basis data PostgreSQL dicadangkan dengan pg_dump (server boleh tetap berjalan):", "PostgreSQL is backed up with pg_dump (the server may keep running):"},
	"backup.pg.restore":  {"Memulihkan (hentikan Jejaring dulu):", "To restore (stop Jejaring first):"},
	"backup.pg.password": {"Kata sandi tidak ditulis di sini: pg_dump menanyakannya, atau membaca PGPASSWORD / ~/.pgpass.", "The password is not shown here: pg_dump asks for it, or reads PGPASSWORD / ~/.pgpass."},
	"backup.pg.nothing":  {"backup: pada PostgreSQL Jejaring tidak membuat cadangan sendiri; jalankan pg_dump seperti di atas", "backup: on PostgreSQL Jejaring makes no backup itself; run pg_dump as shown above"},

	// migrate status
	"migrate.pending": {"belum diterapkan", "pending"},
	"migrate.applied": {"diterapkan %s", "applied %s"},

	// import
	"import.sheet": {"Lembar %q: judul kolom di baris %d, %d baris data; kolom: %s",
		"Sheet %q: header in row %d, %d data rows; columns: %s"},
	"import.sheetSkipped": {"Lembar %q dilewati: tidak ada baris judul kolom", "Sheet %q skipped: no header row"},
	"import.summary": {"%s: %d baris dibaca; %d usaha baru, %d usaha terdaftar dilengkapi, %d baris ganda digabung, %d baris ditolak",
		"%s: %d rows read; %d new businesses, %d registered businesses completed, %d duplicate rows merged, %d rows refused"},
	"import.summaryDry": {"%s (uji coba, tidak ada yang disimpan): %d baris dibaca; akan ada %d usaha baru, %d usaha terdaftar dilengkapi, %d baris ganda digabung, %d baris ditolak",
		"%s (dry run, nothing saved): %d rows read; would add %d new businesses, complete %d registered businesses, merge %d duplicate rows, refuse %d rows"},
	"import.reasons": {"Per alasan (paling banyak %d contoh):", "By reason (at most %d examples each):"},
	"import.more":    {"… dan %d baris lagi", "… and %d more rows"},
	"import.rejectedWritten": {"%d baris yang perlu diperbaiki ditulis ke %s: perbaiki sesuai kolom \"masalah\", lalu impor berkas itu lagi.",
		"%d rows to fix written to %s: fix them as the \"masalah\" column says, then import that file again."},
	"import.rejectedHint": {"%d baris perlu diperbaiki; tulis ke berkas dengan --rejected baris-perbaikan.xlsx.",
		"%d rows need fixing; write them to a file with --rejected rows-to-fix.xlsx."},
	"import.batch": {"Impor ini nomor %d; membatalkan: jejaring import undo %d", "This import is batch %d; to take it back: jejaring import undo %d"},
	"import.unverified": {"Usaha yang diimpor belum terverifikasi sampai pemiliknya memastikannya lewat chat (UBAH).",
		"Imported businesses are unverified until their owners confirm them in chat (UBAH)."},
	"import.field.name":       {"nama usaha", "business name"},
	"import.field.owner":      {"pemilik", "owner"},
	"import.field.phone":      {"No HP", "phone"},
	"import.field.kecamatan":  {"kecamatan", "kecamatan"},
	"import.field.nagari":     {"nagari", "nagari"},
	"import.field.address":    {"alamat", "address"},
	"import.field.capital":    {"modal/aset", "capital/assets"},
	"import.field.sales":      {"omzet setahun", "annual sales"},
	"import.field.salesMonth": {"omzet sebulan (bila setahun kosong)", "monthly sales (when the annual is empty)"},
	"import.field.nib":        {"NIB", "NIB"},
	"import.field.nik":        {"NIK", "NIK"},
	"import.field.kbli":       {"KBLI", "KBLI"},
	"import.field.sector":     {"sektor", "sector"},
	"import.field.products":   {"produk", "products"},
	"import.field.workers":    {"tenaga kerja", "workers"},
	"import.field.year":       {"tahun berdiri", "year started"},
	"import.none":             {"Belum ada impor.", "No imports yet."},
	"import.listHead": {"NO\tWAKTU (WIB)\tBERKAS\tOLEH\tBARIS\tBARU\tDILENGKAPI\tGANDA\tDITOLAK\tKEADAAN",
		"ID\tTIME (WIB)\tFILE\tBY\tROWS\tNEW\tCOMPLETED\tDUPLICATES\tREFUSED\tSTATE"},
	"import.active":   {"berlaku", "in effect"},
	"import.undoneAt": {"dibatalkan %s oleh %s", "undone %s by %s"},
	"import.badID":    {"nomor impor harus angka (lihat jejaring import list)", "the import number must be a number (see jejaring import list)"},
	"import.undoRefused": {"Impor %d tidak bisa dibatalkan: %d data sudah berubah sejak itu (diubah lewat chat atau oleh petugas, dipastikan pemilik, atau dilengkapi impor lain): %s",
		"Import %d cannot be undone: %d records have changed since (edited in chat or by staff, confirmed by the owner, or completed by another import): %s"},
	"import.undoNotFound": {"Tidak ada impor nomor %d (lihat jejaring import list).", "There is no import %d (see jejaring import list)."},
	"import.undoAlready":  {"Impor %d sudah dibatalkan.", "Import %d was undone already."},
	"import.undone": {"Impor %d (%s) dibatalkan: %d usaha baru dihapus, %d usaha terdaftar dikembalikan seperti sebelumnya.",
		"Import %d (%s) undone: %d new businesses deleted, %d registered businesses put back as they were."},

	// export
	"export.written": {"%d usaha ditulis ke %s", "%d businesses written to %s"},

	// stats
	"stats.total":     {"UMKM %s", "UMKM %s"},
	"stats.verified":  {"dipastikan pemilik", "confirmed by owner"},
	"stats.size":      {"Kelas usaha (PP 7/2021)", "Size class (PP 7/2021)"},
	"stats.kecamatan": {"Kecamatan", "Kecamatan"},
	"stats.sector":    {"Sektor (KBLI 2020)", "Sector (KBLI 2020)"},
	"stats.count":     {"jumlah", "count"},
	"stats.share":     {"bagian", "share"},
	"stats.notGiven":  {"(tidak diisi)", "(not given)"},
	"stats.other":     {"%s (wilayah lain)", "%s (other region)"},

	// event
	"event.created": {"Acara %d dibuat sebagai draf: %s, %s. Terbitkan dengan: jejaring event publish %d",
		"Event %d created as a draft: %s, %s. Publish with: jejaring event publish %d"},
	"event.listHead":   {"ID\tSTATUS\tMULAI (WIB)\tJENIS\tDIUNDANG\tHADIR\tJUDUL", "ID\tSTATUS\tSTART (WIB)\tKIND\tINVITED\tGOING\tTITLE"},
	"status.draft":     {"draf", "draft"},
	"status.published": {"terbit", "published"},
	"status.changed":   {"diubah", "changed"},
	"status.cancelled": {"batal", "cancelled"},
	"event.show":       {"Acara %d (%s)", "Event %d (%s)"},
	"event.noLimit":    {"tanpa batas", "no limit"},
	"event.capacity": {"Kapasitas: %s, paling banyak %d orang per usaha; RSVP sampai %s %s",
		"Capacity: %s, up to %d per business; RSVP until %s %s"},
	"event.audience": {"Sasaran: %s", "Audience: %s"},
	"event.counts": {"Diundang %d: hadir %d (%d orang), daftar tunggu %d, mungkin %d, tidak hadir %d, belum menjawab %d; sudah check-in %d, belum %d",
		"Invited %d: going %d (%d people), waitlist %d, maybe %d, declined %d, no answer %d; checked in %d, not yet %d"},
	"event.messages":      {"Pesan: %s", "Messages: %s"},
	"event.publishedNone": {"Acara %d diterbitkan; tidak ada undangan yang dikirim.", "Event %d published; no invitations sent."},
	"event.published": {"Acara %d diterbitkan. Undangan dalam antrean: %d%s; sudah diundang sebelumnya: %d; dilewati (berhenti/memblokir): %d. Siaran %d.",
		"Event %d published. Invitations queued: %d%s; already invited: %d; skipped (berhenti/blocked): %d. Broadcast %d."},
	"event.noTelegram": {"jejaring: event publish: nama bot Telegram tidak bisa ditanyakan (%s); undangan di WhatsApp dan web chat dikirim tanpa tautan t.me",
		"jejaring: event publish: could not ask Telegram for the bot's name (%s); invitations on WhatsApp and the web chat go out without the t.me link"},
	"event.changed":          {"Acara %d diubah; %d pemberitahuan dalam antrean.", "Event %d changed; %d notices queued."},
	"event.cancelled":        {"Acara %d dibatalkan; %d pemberitahuan dalam antrean.", "Event %d cancelled; %d notices queued."},
	"event.checkedIn":        {"Check-in: %s (%d orang)", "Checked in: %s (%d people)"},
	"event.alreadyCheckedIn": {"%s sudah check-in pukul %s", "%s already checked in at %s"},
	"event.notAttending":     {"%s bukan peserta yang sudah pasti hadir (jawaban: %s)", "%s is not a confirmed attendee (answer: %s)"},
	"event.exported":         {"%d undangan ditulis ke %s (nomor HP %s)", "%d invitations written to %s (phones %s)"},
	"export.phonesMasked":    {"disamarkan; --full-phone untuk nomor lengkap", "masked; --full-phone for whole numbers"},
	"export.phonesFull":      {"lengkap", "in full"},
	// report (issue 16)
	"report.badEvent":      {"Acara %q tidak ada.", "There is no event %q."},
	"report.badMonths":     {"Bulan tindak lanjut %q tidak bisa dibaca; contoh: 1,3,6 (atau - untuk tidak ada).", "Cannot read the follow-up months %q; for example 1,3,6 (or - for none)."},
	"report.badDate":       {"Tanggal %q tidak bisa dibaca; contoh: 2026-12-01.", "Cannot read the date %q; for example 2026-12-01."},
	"report.followupsSet":  {"Acara %d: tindak lanjut %s bulan setelah acara.", "Event %d: follow-ups %s months after the event."},
	"report.followupsNone": {"Acara %d: tanpa tindak lanjut.", "Event %d: no follow-ups."},
	"report.noEvents":      {"Belum ada acara yang diterbitkan.", "No published events yet."},
	"report.event":         {"Acara %d: %s (%s, %s)", "Event %d: %s (%s, %s)"},
	"report.attendance": {"Diundang %d, akan hadir %d, datang %d, tidak datang %d (%s dari yang akan hadir)",
		"Invited %d, going %d, came %d, no-shows %d (%s of those going)"},
	"report.after": {"Ditanya setelah acara %d, menjawab %d (%s), hubungan bermanfaat %d:",
		"Asked after the event %d, answered %d (%s), useful connections %d:"},
	"report.followups":   {"Tindak lanjut terkirim %d; masih berhubungan %d", "Follow-ups sent %d; still in touch %d"},
	"report.deals":       {"Hasil kerja sama (jawaban terakhir tiap hubungan; nilai setahun):", "Deals (the latest answer of each connection; value over a year):"},
	"report.noDeals":     {"belum ada", "none yet"},
	"report.partnerSide": {"jawaban mitra", "partners' answers"},
	"report.dealTotal":   {"Jumlah nilai (jawaban UMKM): %s setahun", "Total value (owners' answers): %s a year"},
	"report.coverage": {"Jangkauan: %d UMKM terdaftar; %d pernah datang ke acara (%s); %d mendapat hubungan bermanfaat (%s)",
		"Coverage: %d businesses registered; %d came to an event (%s); %d had a useful connection (%s)"},
	"report.meetings":    {"Pertemuan: dijadwalkan %d, terlaksana %d (%s)", "Meetings: booked %d, held %d (%s)"},
	"report.slotCol":     {"SESI", "SLOT"},
	"report.businessCol": {"UMKM", "BUSINESS"},
	"report.partnerCol":  {"MITRA", "PARTNER"},
	"report.ownerSaid":   {"KATA UMKM", "OWNER SAID"},
	"report.partnerSaid": {"KATA MITRA", "PARTNER SAID"},
	"report.registered":  {"TERDAFTAR", "REGISTERED"},
	"report.attendedCol": {"DATANG", "CAME"},
	"report.goodCol":     {"BERMANFAAT", "USEFUL"},
	"report.shareCol":    {"PORSI DATANG", "SHARE CAME"},
	"report.month":       {"BULAN", "MONTH"},
	"report.eventsCol":   {"ACARA", "EVENTS"},
}
