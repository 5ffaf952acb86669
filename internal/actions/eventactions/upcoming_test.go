package eventactions_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jejaring/internal/event"
	"jejaring/internal/flow"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestAgendaListsUpcomingPublishedEvents: the agenda flow with the real
// events.upcoming on both databases lists published events that have not
// ended, with venue and map link, and never a draft or a past event.
func TestAgendaListsUpcomingPublishedEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		repo := store.NewEventRepo(db)
		mk := func(title string, start time.Duration, publish bool) {
			t.Helper()
			ev := &event.Event{Title: title, Kind: event.Pelatihan, Venue: "Aula Dinas, Painan", MapURL: "https://maps.app.goo.gl/x",
				StartsAt: t0.Add(start), EndsAt: t0.Add(start + 3*time.Hour)}
			if _, err := repo.CreateEvent(ctx, ev, t0.Add(-30*24*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if publish {
				if err := repo.Publish(ctx, ev.ID, t0.Add(-30*24*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
		}
		c := newConvo(t, db, flow.Contact{ID: 0, Name: "Rina", Channel: "webchat", Lang: "id"})
		c.start("agenda", "")
		c.expect("Belum ada acara terjadwal")

		mk("Pelatihan Kemasan", 72*time.Hour, true)
		mk("Bazar Lama", -72*time.Hour, true)
		mk("Rapat Draf", 24*time.Hour, false)
		c.start("agenda", "")
		c.expect("Acara terdekat dari Dinas", "1. *Pelatihan Kemasan*", "Tempat: Aula Dinas, Painan", "Peta: https://maps.app.goo.gl/x", "*DAFTAR*")
		all := strings.Join(c.texts, "\n")
		if strings.Contains(all, "Bazar Lama") || strings.Contains(all, "Rapat Draf") || strings.Contains(all, "\n2. ") {
			t.Errorf("agenda lists a past or draft event:\n%s", all)
		}
		if c.ended != flow.EndDone {
			t.Errorf("ended %q", c.ended)
		}
	})
}
