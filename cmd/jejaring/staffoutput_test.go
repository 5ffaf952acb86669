package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestImportReportInIndonesian: the import report speaks Indonesian by
// default, the row reasons included (idn's own Indonesian wording).
func TestImportReportInIndonesian(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "umkm.csv")
	csv := "Nama Usaha;Pemilik;No HP;Kecamatan;Modal;Catatan\n" +
		"Kerupuk Sanjai;Rina;081234567890;Koto XI Tarusan;Rp 25.000.000;x\n" +
		"Toko Budi;Budi;12;Bayang;;\n" +
		"Toko Ani;Ani;0812-1111-2222;Kota Padang;;\n" +
		"Kerupuk Dua;Rina;0812 3456 7890;Koto XI Tarusan;;\n"
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	db := storetest.New(t, store.SQLite)
	for _, tt := range []struct {
		t    tr
		want []string
	}{
		{tr{}, []string{"kolom \"Catatan\" tidak dipakai", "umkm baris 3: No HP \"12\" dikosongkan", "umkm baris 4: Kecamatan \"Kota Padang\" dikosongkan: bukan kecamatan di",
			"umkm.csv (uji coba, tidak ada yang disimpan): 4 baris dibaca; akan ada 4 usaha baru", "Per alasan"}},
		{english, []string{"column \"Catatan\" is not used", "umkm row 3: No HP \"12\" left empty", "umkm row 4: Kecamatan \"Kota Padang\" left empty: not a kecamatan of",
			"umkm.csv (dry run, nothing saved): 4 rows read; would add 4 new businesses", "By reason"}},
	} {
		var out bytes.Buffer
		if _, err := importFile(context.Background(), db, testData(t), path, importOptions{Dry: true}, "staff:test", importNow, tt.t, &out); err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s report lacks %q:\n%s", tt.t.lang(), w, out.String())
			}
		}
	}
}

// TestEventExportPhones: the event export carries a phone for every
// invitation that has one — the platform's, else the business's — masked
// unless --full-phone, and every export is in the audit log first.
func TestEventExportPhones(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		for _, c := range []struct{ ch, contactPhone, businessPhone string }{
			{"whatsapp", "+6281211110001", "+6281299990009"}, // the platform's number wins
			{"webchat", "", "+6281322220002"},                // none from the platform: the business's
			{"telegram", "", ""},                             // none at all
		} {
			var phone any
			if c.contactPhone != "" {
				phone = c.contactPhone
			}
			id, err := store.InsertID(ctx, db, db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, phone, first_seen, last_seen) VALUES (?, ?, 'X', ?, ?, ?)`,
				c.ch, "e"+c.ch, phone, now, now)
			if err != nil {
				t.Fatal(err)
			}
			var bphone any
			if c.businessPhone != "" {
				bphone = c.businessPhone
			}
			if _, err := db.Exec(db.Rebind(`INSERT INTO businesses (contact_id, owner_name, name, owner_phone, region_code, created_at, updated_at) VALUES (?, ?, 'Usaha', ?, '13.01.07', ?, ?)`),
				id, "Pemilik "+c.ch, bphone, now, now); err != nil {
				t.Fatal(err)
			}
		}
		cli := func(t tr, args ...string) (string, string, int) {
			var out, errb bytes.Buffer
			code := runEvent(ctx, db, args, testIOIn(t, &out, &errb))
			return out.String(), errb.String(), code
		}
		start := time.Now().In(idn.WIB).Add(7 * 24 * time.Hour).Format("2006-01-02")
		out, errs, code := cli(tr{}, "create", "--title", "Pelatihan Kemasan", "--kind", "pelatihan", "--start", start+" 09:00", "--end", start+" 12:00")
		if code != 0 || !strings.Contains(errs, "dibuat sebagai draf") {
			t.Fatalf("create: %d %q", code, errs)
		}
		id := strings.TrimSpace(out)
		if out, _, _ := cli(tr{}, "list"); !strings.Contains(out, "MULAI (WIB)") || !strings.Contains(out, "draf") {
			t.Errorf("list in Indonesian:\n%s", out)
		}
		if out, _, code := cli(tr{}, "publish", id); code != 0 || !strings.Contains(out, "Undangan dalam antrean: 3") {
			t.Fatalf("publish: %d %s", code, out)
		}
		if out, _, _ := cli(tr{}, "show", id); !strings.Contains(out, "Acara "+id+" (terbit)") || !strings.Contains(out, "Diundang 3: hadir 0") {
			t.Errorf("show in Indonesian:\n%s", out)
		}
		if out, _, _ := cli(english, "show", id); !strings.Contains(out, "Event "+id+" (published)") || !strings.Contains(out, "Invited 3: going 0") {
			t.Errorf("show in English:\n%s", out)
		}

		phones := func(args ...string) []string {
			t.Helper()
			out, errs, code := cli(tr{}, append([]string{"export", id}, args...)...)
			if code != 0 {
				t.Fatalf("export %v: %d %s", args, code, errs)
			}
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(recs) != 4 || recs[0][3] != "phone" {
				t.Fatalf("export %v: %v %v", args, recs, err)
			}
			var ps []string
			for _, r := range recs[1:] {
				ps = append(ps, r[4]+" "+r[3])
			}
			return ps
		}
		// CSV text cells starting with + are neutralised with a leading
		// apostrophe (formula injection), phones included.
		got := strings.Join(phones(), ", ")
		if want := "whatsapp '+62812****0001, webchat '+62813****0002, telegram "; got != want {
			t.Errorf("masked export phones %q, want %q", got, want)
		}
		got = strings.Join(phones("--full-phone", "--by", "rina"), ", ")
		if want := "whatsapp '+6281211110001, webchat '+6281322220002, telegram "; got != want {
			t.Errorf("--full-phone export phones %q, want %q", got, want)
		}
		path := filepath.Join(t.TempDir(), "acara.xlsx")
		if _, errs, code := cli(tr{}, "export", id, "--format", "xlsx", "--out", path); code != 0 || !strings.Contains(errs, "3 undangan ditulis ke "+path+" (nomor HP disamarkan") {
			t.Errorf("xlsx export: %d %q", code, errs)
		}

		var audits []struct {
			Actor, EntityID, Details string
		}
		if err := db.Select(&audits, db.Rebind(`SELECT actor, entity_id AS entityid, details FROM audit_log WHERE action = ? AND entity = 'event' ORDER BY id`), "data.export"); err != nil {
			t.Fatal(err)
		}
		if len(audits) != 3 || audits[0].EntityID != id || !strings.Contains(audits[0].Details, `"full_phone":false`) ||
			audits[1].Actor != "staff:rina" || !strings.Contains(audits[1].Details, `"full_phone":true`) || !strings.Contains(audits[2].Details, `"format":"xlsx"`) {
			t.Errorf("audit rows: %+v", audits)
		}
	})
}
