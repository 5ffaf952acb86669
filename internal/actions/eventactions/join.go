package eventactions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"jejaring/internal/bot"
	"jejaring/internal/event"
	"jejaring/internal/idn"
)

// maxOpen is how many open events `acara` offers to join.
const maxOpen = 5

// joinPrefix marks an open event in the list's references: "join:<id>".
const joinPrefix = "join:"

// eventsOpen follows events.mine in `acara`: it adds the published events
// the contact was not invited to and can still answer, numbered after the
// invitations, in the contact's language. Answers: open_count, all_text,
// all_count, all_refs (the invitations' tokens, then "join:<event id>").
func (h *handlers) eventsOpen(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	open, err := h.deps.Events.OpenEvents(ctx, call.Contact.ID, h.now(call), maxOpen)
	if err != nil {
		return bot.ActionResult{}, fmt.Errorf("events.open: %w", err)
	}
	lang := call.Lang
	mine := asList(call.Answers["mine_tokens"])
	refs := make([]any, 0, len(mine)+len(open))
	for _, t := range mine {
		refs = append(refs, t)
	}
	var b strings.Builder
	if txt := fmt.Sprint(call.Answers["mine_text"]); len(mine) > 0 && txt != "" {
		b.WriteString(idn.Pick(lang, "Undangan Bapak/Ibu:\n\n", "Your invitations:\n\n"))
		b.WriteString(txt)
	}
	if len(open) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(idn.Pick(lang, "Acara terbuka yang bisa Bapak/Ibu ikuti:\n\n", "Open events you can join:\n\n"))
		for i := range open {
			ev := &open[i]
			fmt.Fprintf(&b, "%d. *%s* — %s", len(mine)+i+1, ev.Title, event.FormatWhenIn(ev, lang))
			if ev.Venue != "" {
				fmt.Fprintf(&b, idn.Pick(lang, "\n   Tempat: %s", "\n   Venue: %s"), ev.Venue)
			}
			b.WriteByte('\n')
			refs = append(refs, joinPrefix+strconv.FormatInt(ev.ID, 10))
		}
	}
	return ok(map[string]any{"open_count": len(open), "all_text": strings.TrimRight(b.String(), "\n"), "all_count": len(refs), "all_refs": refs})
}

// eventsJoin: args ref (an invitation token, or "join:<event id>" for an
// open event). Answers: token, the invitation to answer (a new one of the
// contact's own for an open event).
func (h *handlers) eventsJoin(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	ref := arg(call, "ref")
	idText, isJoin := strings.CutPrefix(ref, joinPrefix)
	if !isJoin {
		return ok(map[string]any{"token": ref})
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || call.Contact.ID == 0 {
		return fail(event.ReplyText(event.ReplyNotFound, nil, call.Lang))
	}
	tok, err := h.deps.Events.Join(ctx, id, call.Contact.ID, h.now(call))
	switch {
	case errors.Is(err, event.ErrNotFound):
		return fail(event.ReplyText(event.ReplyNotFound, nil, call.Lang))
	case errors.Is(err, event.ErrClosed):
		return fail(idn.Pick(call.Lang, "Maaf, pendaftaran acara itu sudah ditutup.", "Sorry, that event no longer takes answers."))
	case err != nil:
		return bot.ActionResult{}, err
	}
	return ok(map[string]any{"token": tok})
}
