package whatsapp

import (
	"context"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

var invitation = channel.Outbound{Text: "Assalamualaikum, Bapak/Ibu Rina. Kami mengundang ke Temu Bisnis.",
	Choices: []channel.Choice{{Label: "Hadir", Value: "rsvp_tok123_yes"}, {Label: "Tidak hadir", Value: "rsvp_tok123_no"}}}

// TestNumberAnswersTheListShown: "1" after an invitation sent by the outbox
// is the invitation's first option, as a button press would be — also when
// the answer comes from the contact's hidden (LID) chat.
func TestNumberAnswersTheListShown(t *testing.T) {
	t.Parallel()
	a, _ := testAdapter(t, nil, false)
	ctx := context.Background()
	if _, err := a.Send(ctx, channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}, invitation); err != nil {
		t.Fatal(err)
	}
	fromLID := func(s string) channel.Inbound {
		evt := dm(lidJID, text(s))
		evt.Info.SenderAlt = pnJID
		in, ok := a.inbound(ctx, evt)
		if !ok {
			t.Fatalf("%q ignored", s)
		}
		return in
	}
	for reply, want := range map[string]string{"1": "rsvp_tok123_yes", " 2. ": "rsvp_tok123_no", "nomor 2": "rsvp_tok123_no", "tidak HADIR": "rsvp_tok123_no"} {
		if in := fromLID(reply); in.Kind != channel.KindChoice || in.Choice != want {
			t.Errorf("%q -> %s %q, want choice %q", reply, in.Kind, in.Choice, want)
		}
	}
	for _, reply := range []string{"3", "hadir ya pak", "0812"} {
		if in := fromLID(reply); in.Kind != channel.KindText || in.Text != reply {
			t.Errorf("%q -> %s %q, want it as text", reply, in.Kind, in.Choice)
		}
	}
}

// TestNumberAfterAPlainMessageStaysText: once a message without choices went
// out, an earlier list no longer gives numbers a meaning; multi-choice lists
// are left to the engine.
func TestNumberAfterAPlainMessageStaysText(t *testing.T) {
	t.Parallel()
	a, _ := testAdapter(t, nil, false)
	ctx := context.Background()
	to := channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}
	for _, out := range []channel.Outbound{invitation, {Text: "Terima kasih."}} {
		if _, err := a.Send(ctx, to, out); err != nil {
			t.Fatal(err)
		}
	}
	if in, _ := a.inbound(ctx, dm(pnJID, text("1"))); in.Kind != channel.KindText {
		t.Errorf("after a plain message: %s %q", in.Kind, in.Choice)
	}
	multi := channel.Outbound{Text: "Kebutuhan?", Multi: true, Choices: []channel.Choice{{Label: "Modal", Value: "capital"}, {Label: "Pembeli", Value: "buyers"}}}
	if _, err := a.Send(ctx, to, multi); err != nil {
		t.Fatal(err)
	}
	if in, _ := a.inbound(ctx, dm(pnJID, text("1"))); in.Kind != channel.KindText {
		t.Errorf("multi-choice: %s %q", in.Kind, in.Choice)
	}
}

// TestNumberAfterRestartUsesTheOutbox: a fresh process knows no lists, so a
// number is matched against the last outbox message sent to the contact —
// unless the contact wrote after it went out.
func TestNumberAfterRestartUsesTheOutbox(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sentAt := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
		c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "whatsapp", ExternalID: "6281234567890", At: sentAt.Add(-24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		repo := store.NewOutboxRepo(db)
		if _, err := repo.Enqueue(ctx, []outbox.Message{{Kind: outbox.KindInvite, ContactID: c.ID, DedupeKey: "t:1",
			To: channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}, Payload: outbox.PayloadOf(invitation)}}, sentAt); err != nil {
			t.Fatal(err)
		}
		rows, err := repo.Claim(ctx, channel.WhatsApp, "w1", sentAt, time.Minute, 10)
		if err != nil || len(rows) != 1 {
			t.Fatalf("claim: %v %v", rows, err)
		}
		if err := repo.Finish(ctx, rows[0].ID, "w1", outbox.StatusSent, "M1", "", sentAt); err != nil {
			t.Fatal(err)
		}

		a, _ := testAdapter(t, nil, false)
		lookups(&a.cfg, db)
		if in, _ := a.inbound(ctx, dm(pnJID, text("2"))); in.Kind != channel.KindChoice || in.Choice != "rsvp_tok123_no" {
			t.Errorf("after restart: %s %q, want the invitation's option 2", in.Kind, in.Choice)
		}
		if _, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "whatsapp", ExternalID: "6281234567890", At: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if in, _ := a.inbound(ctx, dm(pnJID, text("2"))); in.Kind != channel.KindText {
			t.Errorf("contact wrote since: %s %q, want text", in.Kind, in.Choice)
		}
	})
}
