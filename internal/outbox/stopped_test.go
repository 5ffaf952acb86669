package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/outbox"
	"jejaring/internal/outbox/outboxtest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestStoppedContactGetsNothing: a contact who said berhenti, or whose data
// was erased (hapusdata stops the contact), gets no row of any kind — a
// reminder queued before, a confirmation, a change notice — while the
// contact next to them gets theirs.
func TestStoppedContactGetsNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		contacts := addContacts(t, db, 2, channel.WebChat)
		var stopped, open int64
		for id := range contacts {
			if stopped == 0 {
				stopped = id
			} else {
				open = id
			}
		}
		if err := db.SetContactStopped(ctx, stopped, true); err != nil {
			t.Fatal(err)
		}
		kinds := []string{outbox.KindInvite, outbox.KindReminder, outbox.KindChange, outbox.KindCancel, outbox.KindConfirm,
			outbox.KindPromote, outbox.KindProgress, outbox.KindCampaign}
		var msgs []outbox.Message
		for _, id := range []int64{stopped, open} {
			for _, k := range kinds {
				msgs = append(msgs, outbox.Message{Kind: k, To: contacts[id], ContactID: id, DedupeKey: fmt.Sprintf("%s:%d", k, id),
					Payload: outbox.Payload{Text: "Yth. Bapak/Ibu"}, Priority: outbox.PriorityPersonal, NotBefore: now})
			}
		}
		if _, err := store.Enqueue(ctx, db, msgs, now); err != nil {
			t.Fatal(err)
		}
		web := &outboxtest.Channel{N: channel.WebChat}
		d := outbox.NewDispatcher(outbox.Config{Store: store.NewOutboxRepo(db), Channels: map[channel.Name]channel.Channel{channel.WebChat: web},
			Now: func() time.Time { return now.Add(time.Minute) }, Worker: "w", ProgressEvery: -1})
		for {
			n, err := d.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		for _, s := range web.Sent() {
			if s.To == contacts[stopped] {
				t.Errorf("sent to the stopped contact: %+v", s.Msg)
			}
		}
		if web.Count() != len(kinds) {
			t.Errorf("%d delivered, want %d (every kind to the other contact)", web.Count(), len(kinds))
		}
	})
}
