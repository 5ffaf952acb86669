package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/event"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestPayloadKeepsTheLanguage: an Outbound queued in the outbox keeps its
// language through the payload column, and the messages that follow it
// inherit it. (Here rather than in internal/outbox, whose tests another
// engineer owns.)
func TestPayloadKeepsTheLanguage(t *testing.T) {
	t.Parallel()
	p := outbox.PayloadOf(channel.Outbound{Text: "Your phone number?", Lang: "en", Choices: []channel.Choice{{Label: "Yes", Value: "y"}}})
	p.Then = []outbox.Payload{{Text: "then"}, {Text: "indonesian", Lang: "id"}}
	back, err := outbox.DecodePayload(p.Encode())
	if err != nil {
		t.Fatal(err)
	}
	out := back.Outbounds()
	if len(out) != 3 || out[0].Lang != "en" || out[1].Lang != "en" || out[2].Lang != "id" {
		t.Errorf("outbounds %+v", out)
	}
	if q := outbox.PayloadOf(channel.Outbound{Text: "x"}).Encode(); q != `{"text":"x"}` {
		t.Errorf("no language should add nothing: %s", q)
	}
}

// queued returns the decoded payloads queued for one contact, by kind.
func queued(t *testing.T, db *store.DB, eventID, contactID int64) map[string][]outbox.Payload {
	t.Helper()
	rows, err := db.Queryx(db.Rebind(`SELECT kind, payload FROM outbox WHERE event_id = ? AND contact_id = ? ORDER BY id`), eventID, contactID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]outbox.Payload{}
	for rows.Next() {
		var kind, pay string
		if err := rows.Scan(&kind, &pay); err != nil {
			t.Fatal(err)
		}
		p, err := outbox.DecodePayload(pay)
		if err != nil {
			t.Fatal(err)
		}
		out[kind] = append(out[kind], p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEventNoticesSpeakTheContactsLanguage: each notice an event sends
// through the outbox (invitation with its answers, reminders, waitlist
// promotion with its files, change and cancellation) is written in the
// language on the contact row and carries that language for the adapter's
// own words; an Indonesian contact keeps the Indonesian texts.
func TestEventNoticesSpeakTheContactsLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := store.NewEventRepo(db)
		r.TelegramBot = "jejaring_bot"
		owners := addOwners(t, db, 2, 0) // web chat: invitations carry the t.me link
		idOwner, enOwner := owners[0], owners[1]
		if err := db.SetContactLanguage(ctx, enOwner.id, "en"); err != nil {
			t.Fatal(err)
		}
		ev := newEvent(t, r, 1, 1) // one seat: the second Hadir waits
		if _, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, t0); err != nil {
			t.Fatal(err)
		}
		type want struct {
			lang                                                    string
			invite, link, deadline, choices, reminder, promoted, qr string
		}
		wants := map[int64]want{
			idOwner.id: {"id", "Dinas Koperasi dan UMKM mengundang Bapak/Ibu ke:", "Bisa juga dijawab lewat Telegram: https://t.me/jejaring_bot?start=rsvp_",
				"paling lambat Kamis, 3 Desember 2026 pukul 09.00 WIB", "Hadir|Tidak hadir|Mungkin", "Pengingat untuk Bapak/Ibu Ibu 0", "", ""},
			enOwner.id: {"en", "invites you to:", "You can also answer on Telegram: https://t.me/jejaring_bot?start=rsvp_",
				"Please let us know by Thursday, 3 December 2026 at 09:00 WIB.", "Attending|Not attending|Maybe", "A reminder for Ibu 1: the event below starts tomorrow.",
				"Good news, Ibu 1! A seat has opened", "Check-in code: "},
		}
		for id, w := range wants {
			inv := queued(t, db, ev.ID, id)[outbox.KindInvite]
			if len(inv) != 1 {
				t.Fatalf("contact %d: %d invitations", id, len(inv))
			}
			p := inv[0]
			var labels []string
			for _, c := range p.Choices {
				labels = append(labels, c.Label)
				if !strings.HasPrefix(c.Value, "rsvp_") {
					t.Errorf("contact %d: choice value %q is not an rsvp payload", id, c.Value)
				}
			}
			if p.Lang != w.lang || !strings.Contains(p.Text, w.invite) || !strings.Contains(p.Text, w.link) || !strings.Contains(p.Text, w.deadline) || strings.Join(labels, "|") != w.choices {
				t.Errorf("contact %d (%s) invitation: lang %q, choices %v:\n%s", id, w.lang, p.Lang, labels, p.Text)
			}
		}
		if p := queued(t, db, ev.ID, enOwner.id)[outbox.KindInvite][0]; strings.Contains(p.Text, "Bapak/Ibu") || strings.Contains(p.Text, "Waktu:") {
			t.Errorf("English invitation keeps Indonesian words:\n%s", p.Text)
		}

		tok := tokens(t, db, ev.ID)
		for i, o := range []owner{idOwner, enOwner} {
			if _, err := r.Answer(ctx, tok[o.id], event.Request{Answer: event.Going}, t0.Add(time.Duration(i+1)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if rs := queued(t, db, ev.ID, idOwner.id)[outbox.KindReminder]; len(rs) != 2 || !strings.Contains(rs[0].Text, wants[idOwner.id].reminder) || rs[0].Lang != "id" {
			t.Fatalf("Indonesian reminders: %+v", rs)
		}
		// The Indonesian owner cannot come: the English one gets the seat.
		res, err := r.Answer(ctx, tok[idOwner.id], event.Request{Answer: event.Declined}, t0.Add(time.Hour))
		if err != nil || len(res.Promoted) != 1 || res.Promoted[0].ContactID != enOwner.id {
			t.Fatalf("promotion: %+v, %v", res.Promoted, err)
		}
		en := queued(t, db, ev.ID, enOwner.id)
		if ps := en[outbox.KindPromote]; len(ps) != 1 || ps[0].Lang != "en" || !strings.Contains(ps[0].Text, wants[enOwner.id].promoted) ||
			len(ps[0].Then) != 2 || ps[0].Then[1].Media == nil || !strings.HasPrefix(ps[0].Then[1].Media.Caption, wants[enOwner.id].qr) {
			t.Fatalf("English promotion: %+v", ps)
		}
		if rs := en[outbox.KindReminder]; len(rs) != 2 || !strings.Contains(rs[0].Text, wants[enOwner.id].reminder) || rs[0].Lang != "en" {
			t.Fatalf("English reminders: %+v", rs)
		}

		venue := "Gedung Serba Guna, Painan"
		if _, err := r.Change(ctx, ev.ID, store.EventChange{Venue: &venue}, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Cancel(ctx, ev.ID, t0.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		en = queued(t, db, ev.ID, enOwner.id)
		if cs := en[outbox.KindChange]; len(cs) != 1 || cs[0].Lang != "en" || !strings.Contains(cs[0].Text, "the time or venue of an event you replied to has changed") || !strings.Contains(cs[0].Text, "Venue: "+venue) {
			t.Fatalf("English change notice: %+v", cs)
		}
		if cs := en[outbox.KindCancel]; len(cs) != 1 || cs[0].Lang != "en" || !strings.Contains(cs[0].Text, "*Temu Bisnis Kuliner* on Friday, 4 December 2026 has been CANCELLED") {
			t.Fatalf("English cancellation: %+v", cs)
		}
		// The Indonesian owner declined: no change or cancel notice for them.
		if id := queued(t, db, ev.ID, idOwner.id); len(id[outbox.KindChange])+len(id[outbox.KindCancel]) != 0 {
			t.Fatalf("notices to an owner who declined: %v", id)
		}
	})
}
