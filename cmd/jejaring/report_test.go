package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// TestReportCommand: `jejaring report` prints an event's attendance, the
// answers after it, the deals and the coverage by kecamatan name, in
// Indonesian or English; `report followups` sets and clears the months and
// refuses a bad list kindly.
func TestReportCommand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
		events := store.NewEventRepo(db)
		repo := store.NewBusinessRepo(db)
		var contacts []int64
		for i, ext := range []string{"5550001", "5550002"} {
			c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: ext, Language: "id", At: now})
			if err != nil {
				t.Fatal(err)
			}
			id := c.ID
			b := umkm.Business{ContactID: &id, OwnerName: "Pemilik", Name: "Usaha " + ext, KBLISection: "C", RegionCode: "13.01.07"}
			if i == 1 {
				b.RegionCode = "13.01.01"
			}
			b.Classify()
			if err := repo.CreateBusiness(ctx, &b, "PSS", now); err != nil {
				t.Fatal(err)
			}
			contacts = append(contacts, id)
		}
		ev := &event.Event{Title: "Seminar Pemasaran Digital", Kind: event.Seminar, StartsAt: now.Add(24 * time.Hour), EndsAt: now.Add(27 * time.Hour), MaxParty: 1}
		if _, err := events.CreateEvent(ctx, ev, now); err != nil {
			t.Fatal(err)
		}
		if err := events.Publish(ctx, ev.ID, now); err != nil {
			t.Fatal(err)
		}
		if _, err := events.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, now); err != nil {
			t.Fatal(err)
		}
		rows, err := events.ExportRows(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			res, err := events.Answer(ctx, r.Invitation.Token, event.Request{Answer: event.Going, PartySize: 1}, now)
			if err != nil {
				t.Fatal(err)
			}
			if r.Invitation.ContactID == contacts[0] {
				if _, _, err := events.CheckIn(ctx, ev.ID, res.Invitation.CheckinCode, "staff", ev.StartsAt); err != nil {
					t.Fatal(err)
				}
			}
		}
		cmd := func(t tr, args ...string) (int, string, string) {
			var out, errb bytes.Buffer
			code := runReport(ctx, db, args, testIOIn(t, &out, &errb))
			return code, out.String(), errb.String()
		}
		if code, out, _ := cmd(tr{}, "followups", "1", "1,3"); code != 0 || !strings.Contains(out, "tindak lanjut 1,3 bulan") {
			t.Fatalf("followups: %d %s", code, out)
		}
		if code, _, errs := cmd(tr{}, "followups", "1", "sebulan"); code == 0 || !strings.Contains(errs, "contoh: 1,3,6") {
			t.Fatalf("bad followups: %d %s", code, errs)
		}
		if n, err := events.ScheduleOutcomes(ctx, ev.EndsAt.Add(time.Hour)); err != nil || n != 3 {
			t.Fatalf("planned %d %v, want the question after and two follow-ups for the one who came", n, err)
		}
		o, _, err := events.LatestOutcome(ctx, contacts[0], event.AfterAt(ev).Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := events.AnswerOutcome(ctx, o.Token, contacts[0], store.OutcomeAnswer{Rating: event.RatingHelpful}, event.AfterAt(ev)); err != nil {
			t.Fatal(err)
		}
		code, out, errs := cmd(tr{}, "--event", "1")
		for _, want := range []string{"Seminar Pemasaran Digital", "Diundang 2, akan hadir 2, datang 1, tidak datang 1 (50.0% dari yang akan hadir)",
			"menjawab 1", "2 UMKM terdaftar; 1 pernah datang ke acara (50.0%); 1 mendapat hubungan bermanfaat (50.0%)", "Koto XI Tarusan", "Bermanfaat"} {
			if code != 0 || !strings.Contains(out, want) {
				t.Errorf("report lacks %q: %d %s\n%s", want, code, errs, out)
			}
		}
		if _, out, _ := cmd(tr{en: true}, "--event", "1"); !strings.Contains(out, "Coverage: 2 businesses registered") {
			t.Errorf("English report:\n%s", out)
		}
		if code, out, _ := cmd(tr{}, "followups", "1", "-"); code != 0 || !strings.Contains(out, "tanpa tindak lanjut") {
			t.Fatalf("followups none: %d %s", code, out)
		}
		var left int
		if err := db.GetContext(ctx, &left, db.Rebind(`SELECT COUNT(*) FROM outbox WHERE kind = 'outcome' AND status = 'pending'`)); err != nil || left != 1 {
			t.Errorf("%d outcome questions pending after clearing the months (%v), want only the one right after", left, err)
		}
	})
}
