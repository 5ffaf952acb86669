package eventactions

import (
	"context"
	"fmt"
	"strings"

	"jejaring/internal/bot"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
)

// maxUpcoming is how many events events.upcoming lists.
const maxUpcoming = 5

// eventsUpcoming lists the next published events, for anyone who asks
// (flows/agenda.yaml): upcoming_text (numbered, with when and where) and
// upcoming_count. Drafts are never shown.
func (h *handlers) eventsUpcoming(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	evs, err := h.deps.Events.ListEvents(ctx, store.EventFilter{
		From: h.now(call), Statuses: []event.Status{event.Published, event.Changed}, Limit: maxUpcoming,
	})
	if err != nil {
		return bot.ActionResult{}, fmt.Errorf("events.upcoming: %w", err)
	}
	var b strings.Builder
	for i := range evs {
		ev := &evs[i]
		fmt.Fprintf(&b, "%d. *%s* — %s", i+1, ev.Title, event.FormatWhenIn(ev, call.Lang))
		if ev.Venue != "" {
			fmt.Fprintf(&b, idn.Pick(call.Lang, "\n   Tempat: %s", "\n   Venue: %s"), ev.Venue)
		}
		if ev.MapURL != "" {
			fmt.Fprintf(&b, idn.Pick(call.Lang, "\n   Peta: %s", "\n   Map: %s"), ev.MapURL)
		}
		b.WriteByte('\n')
	}
	return ok(map[string]any{"upcoming_text": strings.TrimRight(b.String(), "\n"), "upcoming_count": len(evs)})
}
