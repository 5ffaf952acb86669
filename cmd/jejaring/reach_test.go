package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// `jejaring reach` prints the funnel per kecamatan; `reach letters` writes
// an A4 file with the QR codes of each record's token; `reach campaign
// start` states the risk and starts only with --yes; `reach posters`
// writes one poster per kecamatan.
func TestReachCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := envOf("DATA_DIR="+dir, "OFFICE_WHATSAPP=0811-0000-1111", "TELEGRAM_BOT_USERNAME=JejaringBot")
	db, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	repo := store.NewBusinessRepo(db)
	for _, b := range []umkm.Business{
		{OwnerName: "Rina", OwnerPhone: "+6281377778888", Name: "Lapau Rina", RegionCode: "13.01.03", Source: umkm.SourceImport},
		{OwnerName: "Darman", Name: "Bengkel Darman", RegionCode: "13.01.07", Source: umkm.SourceImport},
	} {
		if err := repo.CreateBusiness(context.Background(), &b, "PSS", importNow); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	code, out, errOut := runIn(t, "", env, "reach")
	if code != 0 || !strings.Contains(out, "2 terdaftar (2 dari impor) → 0 bisa dihubungi lewat chat") || !strings.Contains(out, "Lengayang") || !strings.Contains(out, "Koto XI Tarusan") {
		t.Fatalf("reach: %d %s\n%s", code, errOut, out)
	}
	file := filepath.Join(dir, "surat.html")
	code, out, errOut = runIn(t, "", env, "reach", "letters", "--kecamatan", "lengayang", "--out", file)
	if code != 0 || !strings.Contains(out, "1 surat") {
		t.Fatalf("letters: %d %s %s", code, out, errOut)
	}
	html, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(html); !strings.Contains(s, "Lapau Rina") || strings.Contains(s, "Bengkel Darman") || strings.Count(s, "data:image/png;base64,") != 2 || !strings.Contains(s, "@page") {
		t.Errorf("letters file:\n%.2000s", s)
	}
	code, out, _ = runIn(t, "", env, "reach", "posters")
	if code != 0 || strings.Count(out, `class="sheet poster"`) != 15 {
		t.Errorf("posters: %d, %d posters", code, strings.Count(out, `class="sheet poster"`))
	}
	code, out, _ = runIn(t, "", env, "reach", "campaign", "start")
	if code != 1 || !strings.Contains(out, "PERHATIAN") || !strings.Contains(out, "1 pesan") || !strings.Contains(out, "Belum dimulai") {
		t.Errorf("campaign start without --yes: %d\n%s", code, out)
	}
	code, out, _ = runIn(t, "", env, "reach", "campaign", "start", "--yes", "--by", "siti")
	if code != 0 || !strings.Contains(out, "Kampanye #1 berjalan") {
		t.Errorf("campaign start --yes: %d\n%s", code, out)
	}
	code, out, _ = runIn(t, "", env, "reach", "campaign", "stop")
	if code != 0 || !strings.Contains(out, "dihentikan") {
		t.Errorf("campaign stop: %d\n%s", code, out)
	}
	if code, _, _ = runIn(t, "", envOf("DATA_DIR="+dir), "reach", "letters"); code != 2 {
		t.Errorf("letters without any channel: %d", code)
	}
}

// The office's case of issue 12: `event publish` to an audience of 646
// imported businesses says who is left out and why, and how to reach them.
func TestPublishSaysWhoIsLeftOut(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		cid, err := store.InsertID(ctx, db, db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES ('telegram', 'lo-1', 'X', ?, ?)`, now, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(db.Rebind(`INSERT INTO businesses (contact_id, owner_name, name, region_code, source, created_at, updated_at) VALUES (?, 'Bu Rina', 'Rendang Rina', '13.01.07', 'import', ?, ?)`), cid, now, now); err != nil {
			t.Fatal(err)
		}
		for i := range 645 {
			phone := any(nil)
			if i%5 != 0 {
				phone = fmt.Sprintf("+628130%07d", i)
			}
			if _, err := db.Exec(db.Rebind(`INSERT INTO businesses (owner_name, owner_phone, name, region_code, source, created_at, updated_at) VALUES ('Pemilik', ?, 'Usaha', '13.01.07', 'import', ?, ?)`), phone, now, now); err != nil {
				t.Fatal(err)
			}
		}
		start := time.Now().In(idn.WIB).Add(7 * 24 * time.Hour).Format("2006-01-02")
		var out, errb bytes.Buffer
		if code := runEvent(ctx, db, []string{"create", "--title", "Pelatihan", "--kind", "pelatihan", "--start", start + " 09:00", "--end", start + " 12:00", "--regions", "13.01.07"}, testIOIn(tr{}, &out, &errb)); code != 0 {
			t.Fatalf("create: %s", errb.String())
		}
		id := strings.TrimSpace(out.String())
		out.Reset()
		if code := runEvent(ctx, db, []string{"publish", id}, testIOIn(tr{}, &out, &errb)); code != 0 {
			t.Fatalf("publish: %s", errb.String())
		}
		want := "646 sesuai; 1 bisa dihubungi lewat chat; 645 belum pernah menghubungi kami (belum bisa dihubungi lewat chat; 516 dengan nomor HP, 129 tanpa HP); 0 berhenti."
		if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "surat undangan") || !strings.Contains(out.String(), "kampanye") {
			t.Errorf("publish says:\n%s\nwant %q", out.String(), want)
		}
	})
}
