package store_test

import (
	"context"
	"strings"
	"testing"

	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// invitationTexts broadcasts a new event to every owner with repo and
// returns the invitation texts by channel address.
func invitationTexts(t *testing.T, db *store.DB, repo *store.EventRepo) map[string]string {
	t.Helper()
	ctx := context.Background()
	id := newEventTB(t, repo)
	res, err := repo.Broadcast(ctx, store.BroadcastRequest{EventID: id}, t0)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryxContext(ctx, db.Rebind(`SELECT channel, external_id, payload FROM outbox WHERE broadcast_id = ?`), res.BroadcastID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var ch, ext, pay string
		if err := rows.Scan(&ch, &ext, &pay); err != nil {
			t.Fatal(err)
		}
		p, err := outbox.DecodePayload(pay)
		if err != nil {
			t.Fatal(err)
		}
		out[ch+":"+ext] = p.Text
	}
	return out
}

// TestInvitationTelegramLinkFromFunc: the username may come from a
// function asked at broadcast time (the running adapter's getMe); web chat
// and WhatsApp invitations then carry the t.me deep link with their token,
// Telegram ones do not, and an unknown username ("") adds no link.
func TestInvitationTelegramLinkFromFunc(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		owners := addOwners(t, db, 2, 0)
		if _, err := db.ExecContext(ctx, db.Rebind(`UPDATE contacts SET channel = 'telegram', external_id = '777' WHERE id = ?`), owners[1].id); err != nil {
			t.Fatal(err)
		}
		name := ""
		repo := store.NewEventRepo(db)
		repo.TelegramBotName = func() string { return name }

		for addr, text := range invitationTexts(t, db, repo) {
			if strings.Contains(text, "t.me/") {
				t.Errorf("%s: link while the username is unknown:\n%s", addr, text)
			}
		}

		name = "@jejaring_pessel_bot"
		texts := invitationTexts(t, db, repo)
		web, tg := texts["webchat:w0"], texts["telegram:777"]
		var token string
		if err := db.GetContext(ctx, &token, db.Rebind(`SELECT i.token FROM invitations i JOIN events e ON e.id = i.event_id
 WHERE i.contact_id = ? ORDER BY i.id DESC LIMIT 1`), owners[0].id); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(web, "https://t.me/jejaring_pessel_bot?start=rsvp_"+token) {
			t.Errorf("web chat invitation lacks the deep link with token %s:\n%s", token, web)
		}
		if tg == "" || strings.Contains(tg, "t.me/") {
			t.Errorf("telegram invitation %q: want one, without a t.me link", tg)
		}
	})
}
