package web

import (
	"net/http"
	"strings"
)

// Languages of the dashboard: Indonesian first, English on request
// (?lang=en, remembered in a cookie).
const (
	langID     = "id"
	langEN     = "en"
	langCookie = "jejaring_lang"
)

// langOf picks the page language: ?lang= (and remembers it), then the
// cookie, then Indonesian.
func langOf(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == langID || l == langEN {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: httpsRequest(r)})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == langID || c.Value == langEN) {
		return c.Value
	}
	return langID
}

// tr is one text in both languages.
type tr struct{ id, en string }

func (t tr) in(lang string) string {
	if lang == langEN {
		return t.en
	}
	return t.id
}

// msgs are the dashboard's texts. A clerk writing to colleagues: short,
// polite, no jargon.
var msgs = map[string]tr{
	"app":                        {"Dasbor Petugas Jejaring", "Jejaring staff dashboard"},
	"skip":                       {"Langsung ke isi", "Skip to content"},
	"nav.home":                   {"Beranda", "Home"},
	"nav.directory":              {"Daftar UMKM", "Businesses"},
	"nav.users":                  {"Pengguna", "Users"},
	"nav.me":                     {"Akun saya", "My account"},
	"nav.logout":                 {"Keluar", "Sign out"},
	"lang.other":                 {"English", "Bahasa Indonesia"},
	"login.title":                {"Masuk", "Sign in"},
	"login.intro":                {"Selamat datang, Bapak/Ibu. Silakan masuk dengan akun petugas.", "Welcome. Please sign in with your staff account."},
	"login.user":                 {"Nama pengguna", "Username"},
	"login.password":             {"Kata sandi", "Password"},
	"login.submit":               {"Masuk", "Sign in"},
	"login.bad":                  {"Nama pengguna atau kata sandi belum cocok. Silakan coba lagi.", "The username or password does not match. Please try again."},
	"login.locked":               {"Maaf, terlalu banyak percobaan masuk. Demi keamanan, silakan coba lagi dalam %d menit. Bila Bapak/Ibu lupa kata sandi, mohon hubungi admin dinas.", "Sorry, too many sign-in attempts. For your safety, please try again in %d minutes. If you forgot your password, please ask the office admin."},
	"login.expired":              {"Sesi Bapak/Ibu sudah berakhir. Silakan masuk lagi.", "Your session has ended. Please sign in again."},
	"login.bye":                  {"Bapak/Ibu sudah keluar. Terima kasih.", "You have signed out. Thank you."},
	"login.firstrun":             {"Admin pertama dibuat dari ADMIN_PASSWORD saat Jejaring pertama kali dijalankan (nama pengguna: admin).", "The first admin is created from ADMIN_PASSWORD on Jejaring's first run (username: admin)."},
	"err.forbidden":              {"Maaf, halaman atau tindakan ini bukan untuk peran Bapak/Ibu.", "Sorry, this page or action is not for your role."},
	"err.notfound":               {"Data tidak ditemukan.", "Not found."},
	"err.server":                 {"Maaf, ada gangguan di server. Silakan coba lagi sebentar lagi.", "Sorry, something went wrong on the server. Please try again shortly."},
	"home.title":                 {"Beranda", "Home"},
	"home.registered":            {"UMKM terdaftar", "Registered businesses"},
	"home.office":                {"Data dinas", "Office figures"},
	"home.verified":              {"Sudah diverifikasi", "Verified"},
	"home.bysize":                {"Menurut kelas usaha", "By size class"},
	"home.byregion":              {"Menurut kecamatan", "By kecamatan"},
	"home.bysector":              {"Menurut sektor (KBLI)", "By sector (KBLI)"},
	"home.perweek":               {"Pendaftaran baru per minggu", "New registrations per week"},
	"home.vsoffice":              {"Terdaftar di Jejaring dibanding data dinas", "Registered in Jejaring against the office's figures"},
	"home.verifiedshare":         {"Sudah diverifikasi petugas", "Verified by staff"},
	"home.isverified":            {"Sudah diverifikasi", "Verified"},
	"home.notverified":           {"Belum diverifikasi", "Not verified"},
	"home.events":                {"Acara yang sudah diadakan: hadir dan diundang", "Events held: attended and invited"},
	"home.attended":              {"UMKM yang pernah hadir di acara", "Businesses that attended an event"},
	"home.cameonce":              {"Pernah hadir", "Attended at least one"},
	"home.nevercame":             {"Belum pernah hadir", "Never attended"},
	"home.held":                  {"acara sudah diadakan", "events held"},
	"home.attendedshare":         {"UMKM pernah hadir di acara", "of businesses attended an event"},
	"col.invited":                {"Diundang", "Invited"},
	"col.attended":               {"Hadir", "Attended"},
	"home.csv":                   {"Unduh CSV", "Download CSV"},
	"col.what":                   {"Keterangan", "What"},
	"col.count":                  {"Jumlah", "Count"},
	"col.share":                  {"Persen", "Share"},
	"col.week":                   {"Minggu mulai", "Week from"},
	"col.jejaring":               {"Di Jejaring", "In Jejaring"},
	"dir.title":                  {"Daftar UMKM", "Businesses"},
	"dir.q":                      {"Cari nama usaha, pemilik, nomor HP atau nomor registrasi", "Search business, owner, phone or registration number"},
	"dir.search":                 {"Cari", "Search"},
	"dir.kecamatan":              {"Kecamatan", "Kecamatan"},
	"dir.size":                   {"Kelas usaha", "Size class"},
	"dir.sector":                 {"Sektor", "Sector"},
	"dir.verified":               {"Verifikasi", "Verified"},
	"dir.source":                 {"Sumber", "Source"},
	"dir.partners":               {"Boleh ditampilkan ke mitra", "May be shown to partners"},
	"dir.partnersyes":            {"Ya, pemilik setuju", "Yes, the owner agreed"},
	"dir.partnersno":             {"Tidak / belum setuju", "No / not yet"},
	"dir.since":                  {"Terdaftar sejak", "Registered since"},
	"dir.sort":                   {"Urutkan", "Sort"},
	"dir.any":                    {"Semua", "All"},
	"dir.yes":                    {"Sudah", "Yes"},
	"dir.no":                     {"Belum", "No"},
	"dir.found":                  {"%d usaha ditemukan", "%d businesses found"},
	"dir.none":                   {"Belum ada usaha yang cocok. Coba kata lain atau kurangi saringan.", "No business matches. Try other words or fewer filters."},
	"dir.pages":                  {"Halaman hasil", "Result pages"},
	"dir.prev":                   {"Sebelumnya", "Previous"},
	"dir.next":                   {"Berikutnya", "Next"},
	"dir.export":                 {"Unduh hasil (CSV)", "Download results (CSV)"},
	"dir.exportx":                {"Unduh hasil (XLSX)", "Download results (XLSX)"},
	"dir.exportfull":             {"Unduh dengan NIK dan HP lengkap (admin)", "Download with full NIK and phone (admin)"},
	"sort.relevance":             {"Paling cocok", "Best match"},
	"sort.newest":                {"Terbaru", "Newest"},
	"sort.oldest":                {"Terlama", "Oldest"},
	"sort.name":                  {"Nama usaha", "Business name"},
	"sort.reg_no":                {"Nomor registrasi", "Registration number"},
	"f.name":                     {"Nama usaha", "Business name"},
	"f.owner_name":               {"Nama pemilik", "Owner's name"},
	"f.owner_phone":              {"Nomor HP pemilik", "Owner's phone"},
	"f.nik":                      {"NIK", "NIK"},
	"f.nib":                      {"NIB", "NIB"},
	"f.reg_no":                   {"Nomor registrasi", "Registration number"},
	"f.products":                 {"Produk", "Products"},
	"f.kbli_section":             {"Sektor (KBLI)", "Sector (KBLI)"},
	"f.region_code":              {"Kecamatan", "Kecamatan"},
	"f.village":                  {"Nagari/desa", "Nagari/village"},
	"f.address":                  {"Alamat", "Address"},
	"f.year_started":             {"Tahun mulai usaha", "Year started"},
	"f.workers":                  {"Tenaga kerja", "Workers"},
	"f.capital":                  {"Modal (Rp)", "Capital (Rp)"},
	"f.annual_sales":             {"Omzet setahun (Rp)", "Annual sales (Rp)"},
	"f.size_class":               {"Kelas usaha", "Size class"},
	"f.verified":                 {"Sudah diverifikasi petugas", "Verified by staff"},
	"f.source":                   {"Sumber data", "Source"},
	"f.tags":                     {"Label", "Tags"},
	"f.created_at":               {"Terdaftar", "Registered"},
	"biz.data":                   {"Data usaha", "Business data"},
	"biz.reveal":                 {"Tampilkan NIK dan HP lengkap", "Show full NIK and phone"},
	"biz.reason":                 {"Alasan (wajib, dicatat di log audit)", "Reason (required, kept in the audit log)"},
	"biz.reasonhelp":             {"Contoh: verifikasi berkas bantuan modal", "For example: checking a grant application"},
	"biz.reasonneeded":           {"Mohon tuliskan alasannya dulu (paling sedikit 5 huruf).", "Please write the reason first (at least 5 letters)."},
	"biz.shown":                  {"NIK dan HP ditampilkan lengkap; tercatat di log audit.", "NIK and phone shown in full; this is in the audit log."},
	"biz.consents":               {"Persetujuan", "Consents"},
	"biz.noconsent":              {"Belum ada catatan persetujuan (data dari impor atau belum terhubung ke chat).", "No consent recorded (imported data, or not linked to a chat)."},
	"biz.contact":                {"Kontak chat", "Chat contact"},
	"biz.nocontact":              {"Belum terhubung ke chat.", "Not linked to a chat."},
	"biz.events":                 {"Acara dan jawaban", "Events and answers"},
	"biz.noevents":               {"Belum pernah diundang ke acara.", "Not invited to any event yet."},
	"biz.channel":                {"Saluran", "Channel"},
	"biz.chatname":               {"Nama di aplikasi", "Name in the app"},
	"biz.account":                {"Akun", "Account"},
	"biz.verifiedphone":          {"Nomor HP terverifikasi", "Verified phone"},
	"biz.lastseen":               {"Terakhir menghubungi", "Last message"},
	"biz.stopped":                {"Minta berhenti menerima siaran (BERHENTI)", "Asked to stop broadcasts (BERHENTI)"},
	"biz.blocked":                {"Memblokir nomor kantor", "Blocked the office"},
	"col.attendance":             {"Kehadiran", "Attendance"},
	"col.answered":               {"Dijawab", "Answered"},
	"col.channel":                {"Saluran", "Channel"},
	"consent.yes":                {"Setuju", "Agreed"},
	"consent.no":                 {"Tidak setuju / ditarik", "Refused / withdrawn"},
	"purpose.data_processing":    {"Pendaftaran dan penyimpanan data usaha", "Registering and keeping the business record"},
	"purpose.show_to_partners":   {"Ditampilkan ke mitra (pembeli, investor)", "Shown to partners (buyers, investors)"},
	"purpose.broadcasts":         {"Menerima undangan dan pengumuman", "Invitations and announcements"},
	"rsvp.invited":               {"Belum menjawab", "No answer yet"},
	"rsvp.going":                 {"Akan hadir", "Coming"},
	"rsvp.waitlist":              {"Daftar tunggu", "Waiting list"},
	"rsvp.maybe":                 {"Mungkin", "Maybe"},
	"rsvp.declined":              {"Tidak bisa hadir", "Not coming"},
	"rsvp.party":                 {"%d orang", "%d people"},
	"rsvp.needs":                 {"Mencari", "Looking for"},
	"rsvp.came":                  {"Hadir, masuk pukul", "Came, checked in at"},
	"rsvp.notcame":               {"Tidak hadir", "Did not come"},
	"rsvp.cancelled":             {"Acara dibatalkan", "Event cancelled"},
	"rsvp.upcoming":              {"Acara belum berlangsung", "Not held yet"},
	"biz.history":                {"Riwayat", "History"},
	"biz.edit":                   {"Ubah data", "Edit"},
	"hist.unreadable":            {"Rincian tidak terbaca.", "Details unreadable."},
	"hist.full":                  {"NIK dan nomor HP dilihat lengkap", "NIK and phone seen in full"},
	"hist.edit":                  {"Formulir ubah data dibuka (nomor HP lengkap)", "Edit form opened (full phone)"},
	"hist.reason":                {"Alasan", "Reason"},
	"hist.to":                    {"menjadi", "became"},
	"who.staff":                  {"petugas", "staff"},
	"who.contact":                {"Pemilik, lewat chat", "The owner, on the chat"},
	"who.import":                 {"Impor data", "Data import"},
	"who.system":                 {"Sistem", "System"},
	"src.chat":                   {"Chat (didaftarkan pemilik)", "Chat (registered by the owner)"},
	"src.import":                 {"Impor data dinas", "Office data import"},
	"src.dashboard":              {"Dasbor petugas", "Staff dashboard"},
	"f.contact_id":               {"Kontak chat", "Chat contact"},
	"f.kbli_code":                {"Kode KBLI", "KBLI code"},
	"f.kbli_version":             {"Versi KBLI", "KBLI version"},
	"f.photo_ref":                {"Foto produk", "Product photo"},
	"f.show_to_partners":         {"Boleh ditampilkan ke mitra", "May be shown to partners"},
	"act.business.import":        {"Diimpor", "Imported"},
	"act.consent":                {"Persetujuan dicatat", "Consent recorded"},
	"act.contact.phone_verified": {"Nomor HP diverifikasi", "Phone verified"},
	"biz.new":                    {"Tambah usaha", "Add a business"},
	"biz.created":                {"Usaha tersimpan dengan nomor registrasi baru.", "Business saved with a new registration number."},
	"biz.duplicate":              {"Sudah terdaftar:", "Already registered:"},
	"biz.saved":                  {"Perubahan tersimpan.", "Changes saved."},
	"biz.nochange":               {"Tidak ada yang berubah.", "Nothing changed."},
	"biz.save":                   {"Simpan", "Save"},
	"biz.cancel":                 {"Batal", "Cancel"},
	"biz.fix":                    {"Mohon periksa isian yang ditandai.", "Please check the marked fields."},
	"col.purpose":                {"Tujuan", "Purpose"},
	"col.answer":                 {"Jawaban", "Answer"},
	"col.notice":                 {"Versi pemberitahuan", "Notice version"},
	"col.when":                   {"Waktu", "When"},
	"col.who":                    {"Oleh", "By"},
	"col.action":                 {"Tindakan", "Action"},
	"col.details":                {"Rincian", "Details"},
	"col.event":                  {"Acara", "Event"},
	"col.status":                 {"Status", "Status"},
	"users.title":                {"Pengguna dasbor", "Dashboard users"},
	"users.add":                  {"Tambah pengguna", "Add a user"},
	"users.role":                 {"Peran", "Role"},
	"users.state":                {"Keadaan", "State"},
	"users.active":               {"Aktif", "Active"},
	"users.disabled":             {"Nonaktif", "Disabled"},
	"users.disable":              {"Nonaktifkan", "Disable"},
	"users.enable":               {"Aktifkan", "Enable"},
	"users.setrole":              {"Ganti peran", "Change role"},
	"users.newpw":                {"Kata sandi baru", "New password"},
	"users.setpw":                {"Atur ulang kata sandi", "Reset password"},
	"users.linkcode":             {"Buat kode tautan HP", "Make a phone link code"},
	"users.created":              {"Pengguna %s dibuat.", "User %s created."},
	"users.done":                 {"Tersimpan.", "Saved."},
	"users.pwrule":               {"8 sampai 72 karakter.", "8 to 72 characters."},
	"users.self":                 {"Bapak/Ibu tidak dapat menonaktifkan atau menurunkan peran akun sendiri.", "You cannot disable your own account or lower your own role."},
	"role.admin":                 {"Admin: kelola pengguna, lihat dan unduh data lengkap dengan alasan", "Admin: manages users, sees and exports full data with a reason"},
	"role.staff":                 {"Petugas: ubah data usaha", "Staff: edits businesses"},
	"role.viewer":                {"Pembaca: hanya melihat", "Viewer: reads only"},
	"me.title":                   {"Akun saya", "My account"},
	"me.link":                    {"Tautkan HP saya", "Link my phone"},
	"me.linkintro":               {"Supaya Bapak/Ibu dapat memakai menu petugas di WhatsApp atau Telegram: buat kode, lalu dari HP Bapak/Ibu kirim KODEPETUGAS ke chat Jejaring dan ketik kodenya. Kode berlaku 15 menit dan hanya sekali pakai.", "To use the staff menu on WhatsApp or Telegram: make a code, then from your own phone send KODEPETUGAS to the Jejaring chat and type the code. The code works for 15 minutes, once."},
	"me.code":                    {"Kode untuk %s: %s (berlaku sampai %s WIB). Kirim KODEPETUGAS dari HP yang akan ditautkan, lalu ketik kode ini.", "Code for %s: %s (valid until %s WIB). Send KODEPETUGAS from the phone to link, then type this code."},
	"me.viewer":                  {"Peran pembaca tidak mendapat menu petugas di chat.", "The viewer role gets no staff menu in the chat."},
	"me.linked":                  {"Chat yang tertaut", "Linked chats"},
	"me.nolinked":                {"Belum ada chat yang tertaut.", "No chat linked yet."},
	"act.data.view":              {"Dilihat", "Viewed"},
	"act.data.export":            {"Diunduh", "Exported"},
	"act.business.update":        {"Diubah", "Changed"},
	"act.business.create":        {"Didaftarkan", "Registered"},
	"act.business.claim":         {"Diklaim lewat tautan", "Claimed by link"},
	"act.business.claim_token":   {"Tautan klaim dibuat", "Claim link made"},
	"act.data.delete":            {"Dihapus atas permintaan", "Erased on request"},
	"size.mikro":                 {"Mikro", "Micro"},
	"size.kecil":                 {"Kecil", "Small"},
	"size.menengah":              {"Menengah", "Medium"},
	"size.besar":                 {"Besar", "Large"},
	"size.":                      {"Belum diketahui", "Unknown"},
}

// t returns the text for key in lang ("" for an unknown key, so a typo
// shows as a gap in tests rather than as a key on the page).
func t(lang, key string) string {
	m, ok := msgs[key]
	if !ok {
		if m, ok = doorMsgs[key]; !ok {
			return ""
		}
	}
	return m.in(lang)
}

func sizeLabel(lang, class string) string { return t(lang, "size."+strings.ToLower(class)) }
