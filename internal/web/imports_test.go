package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// registerCSV is a small register with the office's mistakes: a title
// row, a row without a business name (refused, with its other problems),
// a bad NIK and an unknown kecamatan (left empty, rows kept), a duplicate.
const registerCSV = "DATA UMKM KABUPATEN PESISIR SELATAN TAHUN 2026;;;;;;\n" +
	";;;;;;\n" +
	"No;Nama Usaha;Pemilik;NIK;Kecamatan;ASET (Rp);OMSET/TAHUN (Rp)\n" +
	"1;Kerupuk Sanjai;Rina;1301074506900001;Tarusan;Rp 25.000.000;120 jt\n" +
	"2;;Budi;12345;Bayang;5 jt;-\n" +
	"3;Toko Ani;Ani;1234;Kota Padang;10 juta;Rp 60.000.000\n" +
	"4;KERUPUK SANJAI;Rina;-;Koto XI Tarusan;;\n"

// upload posts a file to the import page as a browser's form does.
func (c *client) upload(name string, content []byte) resp {
	c.h.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.h.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.WriteField("sheet", "")
	_ = mw.Close()
	req, err := http.NewRequest("POST", c.h.srv.URL+"/dashboard/imports", &body)
	if err != nil {
		c.h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.h.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.hc.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, string(b), res.Header.Get("Location"), res.Header}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// TestImportPage: staff upload a register with errors, see the mapping,
// the first rows and the summary by reason, download the rows to fix (an
// .xlsx with a masalah column), save it as a batch (once), list and undo
// it; a viewer may do none of it; every step is in the audit log.
func TestImportPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		viewer := h.signedIn("tamu")
		if r := viewer.get("/dashboard/imports"); r.code != http.StatusForbidden {
			t.Errorf("viewer GET: %d", r.code)
		}
		if r := viewer.upload("umkm.csv", []byte(registerCSV)); r.code != http.StatusForbidden {
			t.Errorf("viewer upload: %d", r.code)
		}
		staff := h.signedIn("rina")
		page := staff.get("/dashboard/imports")
		if page.code != 200 || !strings.Contains(page.body, `<label for="imp-file">`) || !strings.Contains(page.body, "Belum ada impor") {
			t.Fatalf("page: %d %s", page.code, page.body)
		}
		r := staff.upload("umkm.csv", []byte(registerCSV))
		if r.code != 200 {
			t.Fatalf("upload: %d %s", r.code, r.body)
		}
		for _, want := range []string{"Periksa impor", "judul kolom di baris 3, 4 baris data", "ASET (Rp)</th><td>modal/aset",
			"Nama usaha kosong (baris ditolak): 1", "NIK tidak benar (dikosongkan): 2", "Kecamatan tidak dikenal (dikosongkan): 1",
			"Ganda di berkas ini (digabung): 1", "Rp120.000.000", "Simpan ke daftar UMKM"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("preview lacks %q", want)
			}
		}
		if list, _ := store.NewBusinessRepo(db).ListBusinesses(context.Background(), umkm.Filter{}); len(list) != 0 {
			t.Fatalf("the preview saved %d businesses", len(list))
		}
		token := between(r.body, "/dashboard/imports/upload/", "/")
		if len(token) != 24 {
			t.Fatalf("token %q", token)
		}
		if r := viewer.get("/dashboard/imports/upload/" + token + "/rejected"); r.code != http.StatusForbidden {
			t.Errorf("viewer download: %d", r.code)
		}
		// Another staff member cannot use rina's upload.
		if r := h.signedIn("admin").get("/dashboard/imports/upload/" + token + "/rejected"); r.code != http.StatusNotFound {
			t.Errorf("someone else's upload: %d", r.code)
		}
		dl := staff.get("/dashboard/imports/upload/" + token + "/rejected")
		if dl.code != 200 || !strings.Contains(dl.hdr.Get("Content-Disposition"), "perbaikan-umkm.xlsx") {
			t.Fatalf("download: %d %v", dl.code, dl.hdr)
		}
		x, err := excelize.OpenReader(strings.NewReader(dl.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(x.GetSheetList()[0])
		x.Close()
		if len(rows) != 3 || strings.Join(rows[0], "|") != "No|Nama Usaha|Pemilik|NIK|Kecamatan|ASET (Rp)|OMSET/TAHUN (Rp)|masalah" ||
			!strings.Contains(rows[1][7], "nama usaha kosong") || !strings.Contains(rows[1][7], `NIK "12345"`) || !strings.Contains(rows[2][7], "Kota Padang") {
			t.Errorf("rejected rows %q", rows)
		}
		save := staff.post("/dashboard/imports/upload/"+token+"/commit", nil)
		if save.code != 200 || !strings.Contains(save.body, "Impor nomor 1 tersimpan: 2 usaha baru") {
			t.Fatalf("commit: %d %s", save.code, save.body)
		}
		if again := staff.post("/dashboard/imports/upload/"+token+"/commit", nil); again.code != http.StatusConflict || !strings.Contains(again.body, "sudah disimpan (impor nomor 1)") {
			t.Errorf("second commit: %d", again.code)
		}
		list, _ := store.NewBusinessRepo(db).ListBusinesses(context.Background(), umkm.Filter{})
		if len(list) != 2 || *list[0].AnnualSales != 120_000_000 || list[0].Source != umkm.SourceImport {
			t.Fatalf("saved %+v", list)
		}
		if r := viewer.post("/dashboard/imports/1/undo", nil); r.code != http.StatusForbidden {
			t.Errorf("viewer undo: %d", r.code)
		}
		page = staff.get("/dashboard/imports")
		if !strings.Contains(page.body, `id="undo-1"`) || !strings.Contains(page.body, "umkm.csv") {
			t.Errorf("batch list: %s", page.body)
		}
		if ask := staff.get("/dashboard/imports/1/undo"); ask.code != 200 || !strings.Contains(ask.body, "2 usaha yang ditambahkannya dihapus") || !strings.Contains(ask.body, "Ya, batalkan impor 1") {
			t.Errorf("undo question: %d %s", ask.code, ask.body)
		}
		if r := viewer.get("/dashboard/imports/1/undo"); r.code != http.StatusForbidden {
			t.Errorf("viewer undo page: %d", r.code)
		}
		undo := staff.post("/dashboard/imports/1/undo", nil)
		if undo.code != 200 || !strings.Contains(undo.body, "Impor nomor 1 dibatalkan: 2 usaha baru dihapus") || strings.Contains(undo.body, `id="undo-1"`) {
			t.Errorf("undo: %d %s", undo.code, undo.body)
		}
		if r := staff.post("/dashboard/imports/1/undo", nil); r.code != http.StatusConflict {
			t.Errorf("undo twice: %d", r.code)
		}
		acts := h.actions("staff:rina")
		for _, a := range []string{"import.preview", "import.rejected_download", store.AuditImport, store.AuditImportUndo} {
			if !has(acts, a) {
				t.Errorf("audit lacks %s: %v", a, acts)
			}
		}
		// Too large, and not a spreadsheet.
		if r := staff.upload("big.csv", bytes.Repeat([]byte("a;b\n"), 3<<20)); r.code != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "terlalu besar") {
			t.Errorf("big upload: %d", r.code)
		}
		if r := staff.upload("foto.pdf", []byte("%PDF")); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "belum bisa dibaca") {
			t.Errorf("pdf: %d", r.code)
		}
		if r := staff.post("/dashboard/imports/upload/"+strings.Repeat("0", 24)+"/commit", nil); r.code != http.StatusNotFound || !strings.Contains(r.body, "kedaluwarsa") {
			t.Errorf("unknown upload: %d", r.code)
		}
	})
}
