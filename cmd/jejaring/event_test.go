package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

func eventCLI(t *testing.T, db *store.DB, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runEvent(context.Background(), db, args, testIOIn(english, &out, &errb))
	return out.String(), errb.String(), code
}

func TestEventCommand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		for i, ch := range []string{"telegram", "webchat", "whatsapp"} {
			var id int64
			id, err := store.InsertID(ctx, db, db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES (?, ?, 'X', ?, ?)`, ch, "e"+ch, now, now)
			if err != nil {
				t.Fatal(err)
			}
			region := "13.01.07"
			if i == 2 {
				region = "13.01.01"
			}
			if _, err := db.Exec(db.Rebind(`INSERT INTO businesses (contact_id, owner_name, name, region_code, created_at, updated_at) VALUES (?, 'Bu Rina', 'Rendang Rina', ?, ?, ?)`), id, region, now, now); err != nil {
				t.Fatal(err)
			}
		}
		start := time.Now().In(idn.WIB).Add(7 * 24 * time.Hour).Format("2006-01-02")
		out, errs, code := eventCLI(t, db, "create", "--title", "Seminar Ekspor", "--kind", "seminar", "--start", start+" 09:00", "--end", start+" 12:00",
			"--venue", "Aula Painan", "--capacity", "50", "--max-party", "2", "--regions", "13.01.07")
		if code != 0 {
			t.Fatalf("create: %d %s", code, errs)
		}
		id := strings.TrimSpace(out)
		if _, errs, code := eventCLI(t, db, "create", "--title", "X", "--start", "besok"); code != 2 {
			t.Fatalf("bad create: %d %s", code, errs)
		}
		out, _, code = eventCLI(t, db, "list")
		if code != 0 || !strings.Contains(out, "Seminar Ekspor") || !strings.Contains(out, "draft") {
			t.Fatalf("list: %d\n%s", code, out)
		}
		out, errs, code = eventCLI(t, db, "publish", id)
		if code != 0 || !strings.Contains(out, "Invitations queued: 2") {
			t.Fatalf("publish: %d %s %s", code, out, errs)
		}
		out, _, code = eventCLI(t, db, "publish", id, "--regions", "13.01.01,13.01.07")
		if code != 0 || !strings.Contains(out, "Invitations queued: 1") || !strings.Contains(out, "already invited: 2") {
			t.Fatalf("second publish: %d %s", code, out)
		}
		repo := store.NewEventRepo(db)
		rows, err := repo.ExportRows(ctx, mustID(t, id))
		if err != nil || len(rows) != 3 {
			t.Fatalf("rows %d %v", len(rows), err)
		}
		res, err := repo.Answer(ctx, rows[0].Invitation.Token, event.Request{Answer: event.Going, PartySize: 2}, now)
		if err != nil {
			t.Fatal(err)
		}
		out, errs, code = eventCLI(t, db, "checkin", id, res.Invitation.CheckinCode)
		if code != 0 || !strings.Contains(out, "Checked in: Bu Rina (2 people)") {
			t.Fatalf("checkin: %d %s %s", code, out, errs)
		}
		if _, errs, code = eventCLI(t, db, "checkin", id, res.Invitation.CheckinCode); code != 1 || !strings.Contains(errs, "already checked in") {
			t.Fatalf("second checkin: %d %s", code, errs)
		}
		out, _, code = eventCLI(t, db, "export", id, "--format", "csv")
		if code != 0 {
			t.Fatalf("export csv: %d", code)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil || len(recs) != 4 || recs[1][6] != "Hadir" || recs[1][11] == "" {
			t.Fatalf("csv %v %v", recs, err)
		}
		path := filepath.Join(t.TempDir(), "acara.xlsx")
		if _, errs, code := eventCLI(t, db, "export", id, "--format", "xlsx", "--out", path); code != 0 {
			t.Fatalf("export xlsx: %d %s", code, errs)
		}
		x, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		xr, _ := x.GetRows("Undangan")
		x.Close()
		if len(xr) != 4 || xr[1][1] != "Bu Rina" {
			t.Fatalf("xlsx rows %v", xr)
		}
		out, _, code = eventCLI(t, db, "show", id)
		if code != 0 || !strings.Contains(out, "going 1 (2 people)") || !strings.Contains(out, "checked in 1") {
			t.Fatalf("show: %s", out)
		}
		out, _, code = eventCLI(t, db, "change", id, "--venue", "GOR Painan")
		if code != 0 || !strings.Contains(out, "1 notices queued") {
			t.Fatalf("change: %d %s", code, out)
		}
		out, _, code = eventCLI(t, db, "cancel", id)
		if code != 0 || !strings.Contains(out, "1 notices queued") {
			t.Fatalf("cancel: %d %s", code, out)
		}
		if _, errs, code := eventCLI(t, db, "show", "999"); code != 1 || !strings.Contains(errs, "not found") {
			t.Fatalf("show missing: %d %s", code, errs)
		}
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	for _, c := range s {
		id = id*10 + int64(c-'0')
	}
	return id
}
