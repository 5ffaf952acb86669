package web

// The import page (issue 12): staff upload the office's register (.xlsx or
// .csv), see how its columns were read, its first rows and a summary by
// reason, download the rows to fix as an .xlsx with a "masalah" column,
// and save it to the register as one batch; the batches are listed with
// an undo while nothing has changed since. The spreadsheet logic is
// package umkm/sheet and the merge the store's, the same code `jejaring
// import businesses` runs. An upload waits in Redis (an hour, for the user
// who sent it) between the preview and the save.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/sheet"
)

// Importer is what the import page needs of the register
// (*store.BusinessRepo is one).
type Importer interface {
	ImportRegister(ctx context.Context, bs []umkm.Business, opt store.ImportOptions) (store.ImportResult, error)
	ListImports(ctx context.Context, limit int) ([]store.ImportBatch, error)
	UndoImport(ctx context.Context, id int64, actor string, now time.Time) (*store.ImportBatch, error)
}

// maxUpload is the largest register the page takes (6,800 rows of the
// office's register are about 1 MB).
const maxUpload = 10 << 20

// uploadTTL is how long an upload waits for its save.
const uploadTTL = time.Hour

// Audit actions of the import page (the import and its undo are the
// store's: store.AuditImport, store.AuditImportUndo).
const (
	AuditImportPreview  = "import.preview"
	AuditImportRejected = "import.rejected_download"
)

func init() {
	for k, v := range importMsgs {
		msgs[k] = v
	}
}

// importMsgs are the import page's texts, added to msgs.
var importMsgs = map[string]tr{
	"nav.imports":          {"Impor data", "Import"},
	"imp.title":            {"Impor daftar UMKM", "Import the business register"},
	"imp.preview.title":    {"Periksa impor", "Check the import"},
	"imp.done.title":       {"Impor tersimpan", "Import saved"},
	"imp.intro":            {"Unggah berkas Excel (.xlsx) atau CSV dari kantor. Baris judul di atas tabel, lembar petunjuk dan satu lembar per kecamatan tidak masalah. Bapak/Ibu akan melihat dulu hasil pemeriksaannya sebelum ada yang disimpan.", "Upload the office's Excel (.xlsx) or CSV file. Title rows above the table, an instructions sheet and one sheet per kecamatan are fine. You will see the check first, before anything is saved."},
	"imp.file":             {"Berkas daftar UMKM (.xlsx atau .csv, paling besar 10 MB)", "Register file (.xlsx or .csv, at most 10 MB)"},
	"imp.sheet":            {"Lembar yang dibaca (kosongkan untuk semua lembar)", "Sheet to read (leave empty for every sheet)"},
	"imp.check":            {"Periksa berkas", "Check the file"},
	"imp.tooBig":           {"Berkasnya terlalu besar (paling besar 10 MB). Mohon bagi per kecamatan.", "The file is too large (at most 10 MB). Please split it by kecamatan."},
	"imp.noFile":           {"Mohon pilih berkas .xlsx atau .csv dulu.", "Please choose an .xlsx or .csv file first."},
	"imp.unreadable":       {"Berkas ini belum bisa dibaca: %s", "This file cannot be read: %s"},
	"imp.expired":          {"Unggahan ini sudah kedaluwarsa (lebih dari satu jam). Mohon unggah berkasnya lagi.", "This upload has expired (more than an hour). Please upload the file again."},
	"imp.sheets":           {"Lembar dan kolom", "Sheets and columns"},
	"imp.sheetRead":        {"judul kolom di baris %d, %d baris data", "header in row %d, %d data rows"},
	"imp.sheetSkip":        {"dilewati: tidak ada baris judul kolom", "skipped: no header row"},
	"imp.col.header":       {"Kolom di berkas", "Column in the file"},
	"imp.col.field":        {"Dibaca sebagai", "Read as"},
	"imp.notUsed":          {"tidak dipakai", "not used"},
	"imp.perMonth":         {"per bulan, dikali 12", "per month, multiplied by 12"},
	"imp.counts":           {"Ringkasan", "Summary"},
	"imp.rows":             {"baris dibaca", "rows read"},
	"imp.new":              {"usaha baru", "new businesses"},
	"imp.filled":           {"usaha terdaftar dilengkapi", "registered businesses completed"},
	"imp.merged":           {"baris ganda digabung", "duplicate rows merged"},
	"imp.refused":          {"baris ditolak", "rows refused"},
	"imp.toFix":            {"baris perlu diperbaiki", "rows to fix"},
	"imp.reasons":          {"Per alasan", "By reason"},
	"imp.more":             {"… dan %d baris lagi", "… and %d more rows"},
	"imp.first":            {"Baris pertama", "First rows"},
	"imp.col.place":        {"Lembar, baris", "Sheet, row"},
	"imp.col.name":         {"Nama usaha", "Business"},
	"imp.col.owner":        {"Pemilik", "Owner"},
	"imp.col.kec":          {"Kecamatan", "Kecamatan"},
	"imp.col.capital":      {"Modal/aset", "Capital"},
	"imp.col.sales":        {"Omzet setahun", "Annual sales"},
	"imp.col.problems":     {"Masalah", "Problems"},
	"imp.refusedRow":       {"ditolak", "refused"},
	"imp.download":         {"Unduh baris yang perlu diperbaiki (.xlsx)", "Download the rows to fix (.xlsx)"},
	"imp.downloadHint":     {"Berkas ini berisi kolom asli ditambah kolom \"masalah\". Perbaiki barisnya, lalu unggah berkas itu lagi di halaman ini.", "The file has the original columns plus a \"masalah\" column. Fix the rows, then upload that file again on this page."},
	"imp.commit":           {"Simpan ke daftar UMKM", "Save to the register"},
	"imp.commitHint":       {"Usaha yang diimpor belum terverifikasi sampai pemiliknya memastikannya lewat chat. Data yang sudah dipastikan pemilik tidak ditimpa.", "Imported businesses stay unverified until their owners confirm them in chat. What owners confirmed is never overwritten."},
	"imp.savedAlready":     {"Berkas ini sudah disimpan (impor nomor %s).", "This file was saved already (import %s)."},
	"imp.again":            {"Unggah berkas lain", "Upload another file"},
	"imp.saved":            {"Impor nomor %d tersimpan: %d usaha baru, %d usaha terdaftar dilengkapi.", "Import %d saved: %d new businesses, %d registered businesses completed."},
	"imp.batches":          {"Impor sebelumnya", "Earlier imports"},
	"imp.none":             {"Belum ada impor.", "No imports yet."},
	"imp.b.id":             {"No", "ID"},
	"imp.b.at":             {"Waktu (WIB)", "Time (WIB)"},
	"imp.b.file":           {"Berkas", "File"},
	"imp.b.by":             {"Oleh", "By"},
	"imp.b.state":          {"Keadaan", "State"},
	"imp.active":           {"berlaku", "in effect"},
	"imp.undone":           {"dibatalkan %s oleh %s", "undone %s by %s"},
	"imp.undo":             {"Batalkan impor %d", "Undo import %d"},
	"imp.undoTitle":        {"Batalkan impor?", "Undo the import?"},
	"imp.undoAsk":          {"Impor nomor %d (%s) akan dibatalkan: %d usaha yang ditambahkannya dihapus, dan kolom yang diisinya pada %d usaha terdaftar dikosongkan lagi. Ini hanya bisa bila data itu belum berubah sejak diimpor.", "Import %d (%s) will be undone: the %d businesses it added are deleted, and the fields it filled in %d registered businesses are emptied again. This works only while those records have not changed since."},
	"imp.undoYes":          {"Ya, batalkan impor %d", "Yes, undo import %d"},
	"imp.undoNo":           {"Jangan, kembali", "No, go back"},
	"imp.undoOK":           {"Impor nomor %d dibatalkan: %d usaha baru dihapus, %d usaha terdaftar dikembalikan seperti sebelumnya.", "Import %d undone: %d new businesses deleted, %d registered businesses put back as they were."},
	"imp.undoRefused":      {"Impor nomor %d tidak bisa dibatalkan: %d data sudah berubah sejak itu (diubah lewat chat atau oleh petugas, dipastikan pemilik, atau dilengkapi impor lain), misalnya %s.", "Import %d cannot be undone: %d records have changed since (edited in chat or by staff, confirmed by the owner, or completed by another import), for example %s."},
	"imp.undoAlready":      {"Impor nomor %d sudah dibatalkan.", "Import %d was undone already."},
	"imp.field.name":       {"nama usaha", "business name"},
	"imp.field.owner":      {"pemilik", "owner"},
	"imp.field.phone":      {"No HP", "phone"},
	"imp.field.kecamatan":  {"kecamatan", "kecamatan"},
	"imp.field.nagari":     {"nagari", "nagari"},
	"imp.field.address":    {"alamat", "address"},
	"imp.field.capital":    {"modal/aset", "capital/assets"},
	"imp.field.sales":      {"omzet setahun", "annual sales"},
	"imp.field.salesMonth": {"omzet sebulan (dipakai bila omzet setahun kosong)", "monthly sales (used when the annual is empty)"},
	"imp.field.nib":        {"NIB", "NIB"},
	"imp.field.nik":        {"NIK", "NIK"},
	"imp.field.kbli":       {"KBLI", "KBLI"},
	"imp.field.sector":     {"sektor", "sector"},
	"imp.field.products":   {"produk", "products"},
	"imp.field.workers":    {"tenaga kerja", "workers"},
	"imp.field.year":       {"tahun berdiri", "year started"},
	"imp.field.no":         {"nomor urut", "row number"},
	"imp.field.masalah":    {"masalah (diabaikan)", "masalah (ignored)"},
}

func (s *Server) importer() Importer { return s.opt.Imports }

type importCol struct{ Header, Field string }

type importSheet struct {
	Name           string
	Skipped        bool
	HeaderRow, Row int
	Columns        []importCol
}

type importReason struct {
	Name     string
	Level    string
	Count    int
	Examples []string
	More     int
}

type importRow struct {
	Place, Name, Owner, Kecamatan, Capital, Sales, Problems string
	Refused                                                 bool
}

type importBatch struct {
	ID                                      int64
	At, File, By, State                     string
	Rows, Inserted, Filled, Merged, Refused int
	Undone                                  bool
}

type importsData struct {
	Token, FileName                                       string
	Preview, Done                                         bool
	Sheets                                                []importSheet
	Rows, Inserted, Filled, Merged, Refused, ToFix, Batch int
	Reasons                                               []importReason
	First                                                 []importRow
	Batches                                               []importBatch
	SheetOpt                                              string
	Confirm                                               *importBatch // the batch an undo asks about
}

// imports is the page: the upload form and the batches.
func (s *Server) imports(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	s.renderImports(w, r, u, http.StatusOK, importsData{}, "", "")
}

func (s *Server) renderImports(w http.ResponseWriter, r *http.Request, u store.StaffUser, code int, d importsData, flash, errText string) {
	lang := langOf(w, r)
	list, err := s.importer().ListImports(r.Context(), 20)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	for _, b := range list {
		ib := importBatch{ID: b.ID, At: b.At.In(s.location).Format("2006-01-02 15:04"), File: b.FileName, By: strings.TrimPrefix(b.Actor, "staff:"),
			Rows: b.Rows, Inserted: b.Inserted, Filled: b.Filled, Merged: b.Merged, Refused: b.Refused, State: t(lang, "imp.active")}
		if b.UndoneAt != nil {
			ib.Undone = true
			ib.State = fmt.Sprintf(t(lang, "imp.undone"), b.UndoneAt.In(s.location).Format("2006-01-02 15:04"), strings.TrimPrefix(b.UndoneBy, "staff:"))
		}
		d.Batches = append(d.Batches, ib)
	}
	title := "imp.title"
	switch {
	case d.Done:
		title = "imp.done.title"
	case d.Preview:
		title = "imp.preview.title"
	}
	s.render(w, r, &u, code, "imports", title, page{Data: d, Flash: flash, Error: errText})
}

func uploadKey(prefix, user, token string) string { return prefix + "import:" + user + ":" + token }

// upload takes the file, keeps it for the save and shows the check.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderImports(w, r, u, http.StatusRequestEntityTooLarge, importsData{}, "", t(lang, "imp.tooBig"))
			return
		}
		s.renderImports(w, r, u, http.StatusBadRequest, importsData{}, "", t(lang, "imp.noFile"))
		return
	}
	defer r.MultipartForm.RemoveAll()
	f, fh, err := r.FormFile("file")
	if err != nil {
		s.renderImports(w, r, u, http.StatusBadRequest, importsData{}, "", t(lang, "imp.noFile"))
		return
	}
	defer f.Close()
	if fh.Size > maxUpload {
		s.renderImports(w, r, u, http.StatusRequestEntityTooLarge, importsData{}, "", t(lang, "imp.tooBig"))
		return
	}
	raw, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	name := filepath.Base(fh.Filename)
	sheetOpt := strings.TrimSpace(r.FormValue("sheet"))
	var tok [12]byte
	_, _ = rand.Read(tok[:])
	token := hex.EncodeToString(tok[:])
	key := uploadKey(s.opt.KeyPrefix, u.Username, token)
	ctx := r.Context()
	if err := s.opt.Redis.HSet(ctx, key, "name", name, "sheet", sheetOpt, "data", raw).Err(); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	if err := s.opt.Redis.Expire(ctx, key, uploadTTL).Err(); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	d, p, _, err := s.checkUpload(ctx, lang, name, sheetOpt, raw, true, u)
	if err != nil {
		s.renderImports(w, r, u, http.StatusUnprocessableEntity, importsData{}, "", fmt.Sprintf(t(lang, "imp.unreadable"), err.Error()))
		return
	}
	d.Token, d.Preview = token, true
	_ = s.audit(ctx, u, AuditImportPreview, "import_upload", token, map[string]any{"file": name, "rows": p.Total, "refused": len(p.Rejected)})
	s.renderImports(w, r, u, http.StatusOK, d, "", "")
}

// loadUpload reads a kept upload of u back.
func (s *Server) loadUpload(ctx context.Context, u store.StaffUser, token string) (name, sheetOpt string, raw []byte, ok bool, err error) {
	if len(token) != 24 {
		return "", "", nil, false, nil
	}
	if _, err := hex.DecodeString(token); err != nil {
		return "", "", nil, false, nil
	}
	m, err := s.opt.Redis.HGetAll(ctx, uploadKey(s.opt.KeyPrefix, u.Username, token)).Result()
	if err != nil {
		return "", "", nil, false, err
	}
	if len(m) == 0 {
		return "", "", nil, false, nil
	}
	return m["name"], m["sheet"], []byte(m["data"]), true, nil
}

// checkUpload reads and checks an upload and matches it against the
// register (dry: nothing saved) or saves it.
func (s *Server) checkUpload(ctx context.Context, lang, name, sheetOpt string, raw []byte, dry bool, u store.StaffUser) (importsData, *sheet.Import, store.ImportResult, error) {
	var d importsData
	book, err := sheet.Read(name, bytes.NewReader(raw))
	if err != nil {
		return d, nil, store.ImportResult{}, err
	}
	now := s.opt.Now()
	p, err := sheet.Parse(book, s.opt.Data, sheet.Options{Now: now, Lang: lang, Sheet: sheetOpt})
	if err != nil {
		return d, nil, store.ImportResult{}, err
	}
	res, err := s.importer().ImportRegister(ctx, p.Businesses(), store.ImportOptions{Prefix: s.opt.Data.Region.Prefix,
		Actor: store.ActorStaff(u.Username), FileName: name, Now: now, DryRun: dry, Rows: p.Total, Refused: len(p.Rejected)})
	if err != nil {
		return d, nil, res, err
	}
	merges := make([]sheet.Merge, len(res.Matches))
	for i, m := range res.Matches {
		merges[i] = sheet.Merge(m)
	}
	conflicts := make([]sheet.Conflict, len(res.Conflicts))
	for i, c := range res.Conflicts {
		conflicts[i] = sheet.Conflict(c)
	}
	p.ApplyRegister(merges, conflicts)
	d = importsData{FileName: name, SheetOpt: sheetOpt, Rows: p.Total, Inserted: res.Inserted, Filled: res.Filled, Merged: res.Merged,
		Refused: len(p.Rejected), ToFix: p.RejectedCount(), Batch: int(res.BatchID)}
	for _, sh := range p.Sheets {
		is := importSheet{Name: sh.Name, Skipped: sh.HeaderRow == 0, HeaderRow: sh.HeaderRow, Row: sh.Rows}
		for _, c := range sh.Columns {
			if c.Header == "" {
				continue
			}
			f := t(lang, "imp.notUsed")
			if c.Field != "" {
				f = t(lang, "imp.field."+c.Field)
			}
			if c.Monthly {
				f += " (" + t(lang, "imp.perMonth") + ")"
			}
			is.Columns = append(is.Columns, importCol{Header: c.Header, Field: f})
		}
		d.Sheets = append(d.Sheets, is)
	}
	for _, rs := range p.Summary(5) {
		ir := importReason{Name: sheet.ReasonName(rs.Code, lang), Level: rs.Level, Count: rs.Count, More: rs.Count - len(rs.Examples)}
		for _, is := range rs.Examples {
			ir.Examples = append(ir.Examples, is.Place(lang)+": "+is.Text(lang))
		}
		d.Reasons = append(d.Reasons, ir)
	}
	// The first rows of the file, kept or refused, in file order.
	first := append(append([]sheet.Row(nil), p.Rows[:min(10, len(p.Rows))]...), p.Rejected[:min(10, len(p.Rejected))]...)
	sortRows(first, p.Sheets)
	for _, row := range first[:min(10, len(first))] {
		b := row.Business
		ir := importRow{Place: sheet.Issue{Sheet: row.Sheet, Row: row.Line}.Place(lang), Name: b.Name, Owner: b.OwnerName,
			Kecamatan: s.kecamatanName(b.RegionCode, lang), Problems: row.Problems(lang), Refused: row.Refused()}
		if b.Capital != nil {
			ir.Capital = idn.Rupiah(*b.Capital)
		}
		if b.AnnualSales != nil {
			ir.Sales = idn.Rupiah(*b.AnnualSales)
		}
		d.First = append(d.First, ir)
	}
	return d, p, res, nil
}

// sortRows orders rows as the file has them: by sheet, then row.
func sortRows(rows []sheet.Row, sheets []sheet.SheetInfo) {
	order := map[string]int{}
	for i, s := range sheets {
		order[s.Name] = i
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0; j-- {
			a, b := rows[j-1], rows[j]
			if order[a.Sheet] < order[b.Sheet] || order[a.Sheet] == order[b.Sheet] && a.Line <= b.Line {
				break
			}
			rows[j-1], rows[j] = rows[j], rows[j-1]
		}
	}
}

// rejected sends the rows to fix of an upload as an .xlsx.
func (s *Server) rejected(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	token := r.PathValue("token")
	name, sheetOpt, raw, ok, err := s.loadUpload(r.Context(), u, token)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	if !ok {
		s.renderImports(w, r, u, http.StatusNotFound, importsData{}, "", t(lang, "imp.expired"))
		return
	}
	book, err := sheet.Read(name, bytes.NewReader(raw))
	if err != nil {
		s.renderImports(w, r, u, http.StatusUnprocessableEntity, importsData{}, "", fmt.Sprintf(t(lang, "imp.unreadable"), err.Error()))
		return
	}
	p, err := sheet.Parse(book, s.opt.Data, sheet.Options{Now: s.opt.Now(), Lang: lang, Sheet: sheetOpt})
	if err != nil {
		s.renderImports(w, r, u, http.StatusUnprocessableEntity, importsData{}, "", fmt.Sprintf(t(lang, "imp.unreadable"), err.Error()))
		return
	}
	// The file holds the rows as they were, NIKs and phones included: who
	// took it is in the audit log first.
	if err := s.audit(r.Context(), u, AuditImportRejected, "import_upload", token, map[string]any{"file": name, "rows": p.RejectedCount()}); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	var buf bytes.Buffer
	if err := sheet.WriteXLSX(&buf, p.RejectedTables()...); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	out := "perbaikan-" + strings.TrimSuffix(name, filepath.Ext(name)) + ".xlsx"
	if lang == langEN {
		out = "to-fix-" + strings.TrimSuffix(name, filepath.Ext(name)) + ".xlsx"
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < ' ' {
			return '_'
		}
		return r
	}, out)))
	_, _ = w.Write(buf.Bytes())
}

// commit saves a checked upload as one batch.
func (s *Server) commit(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	token := r.PathValue("token")
	ctx := r.Context()
	name, sheetOpt, raw, ok, err := s.loadUpload(ctx, u, token)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	if !ok {
		s.renderImports(w, r, u, http.StatusNotFound, importsData{}, "", t(lang, "imp.expired"))
		return
	}
	key := uploadKey(s.opt.KeyPrefix, u.Username, token)
	// One save per upload: a second press of the button (or the back
	// button) does not make a second batch.
	first, err := s.opt.Redis.HSetNX(ctx, key, "saving", "1").Result()
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	if !first {
		batch, _ := s.opt.Redis.HGet(ctx, key, "batch").Result()
		s.renderImports(w, r, u, http.StatusConflict, importsData{}, "", fmt.Sprintf(t(lang, "imp.savedAlready"), batch))
		return
	}
	d, _, res, err := s.checkUpload(ctx, lang, name, sheetOpt, raw, false, u)
	if err != nil {
		s.opt.Redis.HDel(ctx, key, "saving")
		s.renderImports(w, r, u, http.StatusUnprocessableEntity, importsData{}, "", fmt.Sprintf(t(lang, "imp.unreadable"), err.Error()))
		return
	}
	_ = s.opt.Redis.HSet(ctx, key, "batch", strconv.FormatInt(res.BatchID, 10)).Err()
	// Saved once: the rows to fix stay downloadable, a second save is
	// not offered.
	d.Token, d.Done = token, true
	s.renderImports(w, r, u, http.StatusOK, d, fmt.Sprintf(t(lang, "imp.saved"), res.BatchID, res.Inserted, res.Filled), "")
}

// undoPage asks before a batch is taken back: it deletes what it added.
func (s *Server) undoPage(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	list, err := s.importer().ListImports(r.Context(), 1000)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	for _, b := range list {
		if b.ID == id {
			d := importsData{Confirm: &importBatch{ID: b.ID, File: b.FileName, Inserted: b.Inserted, Filled: b.Filled, Undone: b.UndoneAt != nil}}
			s.render(w, r, &u, http.StatusOK, "imports", "imp.undoTitle", page{Data: d})
			return
		}
	}
	s.fail(w, r, u, http.StatusNotFound, "err.notfound")
}

// undo takes a batch back, or says why it cannot.
func (s *Server) undo(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return
	}
	b, err := s.importer().UndoImport(r.Context(), id, store.ActorStaff(u.Username), s.opt.Now())
	var refused *store.UndoRefusedError
	switch {
	case errors.As(err, &refused):
		s.renderImports(w, r, u, http.StatusConflict, importsData{}, "",
			fmt.Sprintf(t(lang, "imp.undoRefused"), id, refused.Count, strings.Join(refused.Changed, ", ")))
	case errors.Is(err, store.ErrImportNotFound):
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
	case errors.Is(err, store.ErrImportUndone):
		s.renderImports(w, r, u, http.StatusConflict, importsData{}, "", fmt.Sprintf(t(lang, "imp.undoAlready"), id))
	case err != nil:
		s.serverError(w, r, u, err)
	default:
		s.renderImports(w, r, u, http.StatusOK, importsData{}, fmt.Sprintf(t(lang, "imp.undoOK"), b.ID, b.Inserted, b.Filled), "")
	}
}
