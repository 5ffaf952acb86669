package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"jejaring/internal/event"
	"jejaring/internal/store"
)

// TestMatchPerEvent: `match setup`, `match partners import` and `match
// plan EVENT` on a SQLite database: the grid is stored, the partners of a
// CSV (one bad row named) take part, and the plan says how many owners can
// have a meeting.
func TestMatchPerEvent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := envOf("DATA_DIR="+dir, "DATABASE_URL=sqlite:"+filepath.Join(dir, "j.db"))
	ctx := context.Background()
	if code, _, errs := runIn(t, "", env, "migrate", "up"); code != 0 {
		t.Fatalf("migrate: %d %s", code, errs)
	}
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "j.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	id, err := store.NewEventRepo(db).CreateEvent(ctx, &event.Event{Title: "Temu Bisnis", Kind: event.TemuBisnis,
		StartsAt: now.Add(48 * time.Hour), EndsAt: now.Add(52 * time.Hour), Status: event.Published}, now)
	if err != nil {
		t.Fatal(err)
	}
	ev := strconv.FormatInt(id, 10)
	code, out, errs := runIn(t, "", env, "match", "setup", ev, "--slots", "12", "--tables", "20", "--start", "2026-12-10 09:00")
	if code != 0 || !strings.Contains(out, "12 sesi × 20 menit dari 09.00 WIB, 20 meja") || !strings.Contains(out, "mitra_"+ev) {
		t.Fatalf("setup: %d %s %s", code, out, errs)
	}
	csv := filepath.Join(dir, "mitra.csv")
	if err := os.WriteFile(csv, []byte("jenis,lembaga,narahubung,telepon,penawaran,bidang,kursi,setuju tampil\n"+
		"bank,Bank Nagari,Andi,0812 3456 7890,KUR Mikro,C G,2,ya\n"+
		"pembeli,CV Oleh-oleh,Rina,,keripik,,1,ya\n"+
		"dukun,Salah Jenis,,,,,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runIn(t, "", env, "match", "partners", "import", csv, "--event", ev)
	if code != 1 || !strings.Contains(out, "2 mitra disimpan, 1 baris dilewati") || !strings.Contains(errs, "baris 4: jenis mitra \"dukun\"") {
		t.Errorf("import: %d %s %s", code, out, errs)
	}
	code, out, _ = runIn(t, "", env, "match", "partners", "list")
	if code != 0 || !strings.Contains(out, "Bank Nagari\tAndi\ttampil ke UMKM") {
		t.Errorf("list: %d %s", code, out)
	}
	code, out, errs = runIn(t, "", env, "match", "plan", ev)
	if code != 0 || !strings.Contains(out, "12 sesi × 20 meja = 240 pertemuan; belum ada UMKM yang terdaftar") || !strings.Contains(out, "2 mitra, 0 keinginan") {
		t.Errorf("plan: %d %s %s", code, out, errs)
	}
	code, out, errs = runIn(t, "", env, "match", "run", ev)
	if code != 0 || !strings.Contains(out, "0 meetings; 0 of 0 owners") {
		t.Errorf("run: %d %s %s", code, out, errs)
	}
}
