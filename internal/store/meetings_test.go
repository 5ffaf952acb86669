package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/match"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestMatchRepo: partners, an event's grid, wishes and meetings round-trip
// on both databases; a re-run keeps a kept pair's row, drops a gone one
// with its pending nudge; missing rows are match.ErrNotFound.
func TestMatchRepo(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
		r := store.NewMatchRepo(db)
		evs := store.NewEventRepo(db)
		if _, err := r.Partner(ctx, 99); !errors.Is(err, match.ErrNotFound) {
			t.Errorf("missing partner: %v", err)
		}
		if _, err := r.Setup(ctx, 99); !errors.Is(err, match.ErrNotFound) {
			t.Errorf("missing setup: %v", err)
		}
		bad := &match.PartnerProfile{Kind: "dukun", Organisation: "x"}
		if err := r.SavePartner(ctx, bad, now); !errors.Is(err, match.ErrInvalidPartner) {
			t.Errorf("bad profile saved: %v", err)
		}
		c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "501", DisplayName: "Andi", At: now})
		if err != nil {
			t.Fatal(err)
		}
		p := &match.PartnerProfile{ContactID: c.ID, Kind: match.Bank, Organisation: " Bank Nagari ", Offer: "KUR", Sectors: []string{"g", "C", "C"},
			SizeMax: "kecil", Kecamatan: []string{"13.01.07"}, Consent: true}
		if err := r.SavePartner(ctx, p, now); err != nil {
			t.Fatal(err)
		}
		got, err := r.PartnerByContact(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Organisation != "Bank Nagari" || len(got.Sectors) != 2 || got.Sectors[0] != "C" || got.ConsentVersion != match.ConsentVersion ||
			!got.ConsentAt.Equal(now) || got.Kecamatan[0] != "13.01.07" {
			t.Errorf("partner read back %+v", got)
		}
		id, err := evs.CreateEvent(ctx, &event.Event{Title: "Temu", Kind: event.TemuBisnis, StartsAt: now.Add(24 * time.Hour), EndsAt: now.Add(28 * time.Hour), Status: event.Published}, now)
		if err != nil {
			t.Fatal(err)
		}
		s := &match.Setup{EventID: id, Slots: 6, SlotMinutes: 20, FirstSlot: now.Add(24 * time.Hour), Tables: 4, MaxPerOwner: 2}
		if err := r.SaveSetup(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		if err := r.JoinEvent(ctx, id, p.ID, 2, []int{0, 1, 2}, now); err != nil {
			t.Fatal(err)
		}
		eps, err := r.EventPartners(ctx, id)
		if err != nil || len(eps) != 1 || eps[0].Seats != 2 || len(eps[0].Available) != 3 || eps[0].AbsentFrom != -1 {
			t.Fatalf("event partners %+v %v", eps, err)
		}
		// An owner with an invitation answered Hadir.
		oc, _, _ := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "502", DisplayName: "Siti", At: now})
		if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO invitations (event_id, contact_id, token, status, checkin_code, created_at) VALUES (?, ?, 'tok1', 'going', 'K1', ?)`), id, oc.ID, now); err != nil {
			t.Fatal(err)
		}
		inv, err := r.InvitationOf(ctx, id, oc.ID)
		if err != nil || inv == 0 {
			t.Fatalf("invitation %d %v", inv, err)
		}
		if err := r.SetOwnerPicks(ctx, id, inv, []int64{p.ID}, now); err != nil {
			t.Fatal(err)
		}
		if err := r.SetWish(ctx, id, inv, p.ID, match.SidePartner, false, "chat", now); err != nil {
			t.Fatal(err)
		}
		ws, err := r.Wishes(ctx, id)
		if err != nil || len(ws) != 2 || ws[0].Side != match.SideOwner || ws[0].Rank != 1 {
			t.Fatalf("wishes %+v %v", ws, err)
		}
		owners, err := r.Owners(ctx, id)
		if err != nil || len(owners) != 1 || owners[0].OwnerName != "Siti" {
			t.Fatalf("owners %+v %v", owners, err)
		}
		saved, err := r.SaveRun(ctx, id, []match.Booked{{InvitationID: inv, PartnerID: p.ID, Slot: 1, Table: 2}}, &match.Schedule{Coverage: 1, Weight: 8},
			func(ms []match.Booked) []outbox.Message {
				return []outbox.Message{{Kind: store.KindMatchNudge, To: outbox.Address{Channel: outbox.Telegram, ExternalID: "502"}, ContactID: oc.ID,
					DedupeKey: "match-nudge:" + itoa(ms[0].ID) + ":owner:1:2", Payload: outbox.Payload{Text: "nudge"}, NotBefore: now.Add(time.Hour)}}
			}, now)
		if err != nil || saved[0].ID == 0 {
			t.Fatalf("save run %+v %v", saved, err)
		}
		if v, err := r.MarkAnnounced(ctx, id, nil, now); err != nil || v != 1 {
			t.Fatalf("announce: %d %v", v, err)
		}
		ms, _ := r.Meetings(ctx, id)
		if len(ms) != 1 || !ms[0].Announced || ms[0].Slot != 1 || ms[0].Table != 2 {
			t.Fatalf("meetings %+v", ms)
		}
		if err := r.SetAbsent(ctx, id, match.SideOwner, inv, 0, now); err != nil {
			t.Fatal(err)
		}
		at, _ := r.Attendees(ctx, id)
		if len(at) != 1 || at[0].AbsentFrom != 0 {
			t.Errorf("attendees %+v", at)
		}
		// A re-run without the meeting deletes it and its pending nudge.
		if _, err := r.SaveRun(ctx, id, nil, nil, nil, now); err != nil {
			t.Fatal(err)
		}
		var n int
		_ = db.QueryRowxContext(ctx, db.Rebind(`SELECT COUNT(*) FROM outbox WHERE kind = ?`), store.KindMatchNudge).Scan(&n)
		if ms, _ := r.Meetings(ctx, id); len(ms) != 0 || n != 0 {
			t.Errorf("after the re-run: %d meetings, %d nudges", len(ms), n)
		}
		if _, err := r.Meeting(ctx, saved[0].ID); !errors.Is(err, match.ErrNotFound) {
			t.Errorf("deleted meeting: %v", err)
		}
		addrs, err := r.PartnerAddresses(ctx, id)
		if err != nil || addrs[p.ID].To.ExternalID != "501" {
			t.Errorf("partner addresses %+v %v", addrs, err)
		}
	})
}
