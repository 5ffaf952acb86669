// Package eventactions are the Go actions the event flows run
// (flows/rsvp.yaml, flows/acara.yaml, flows/staff_broadcast.yaml): loading
// an invitation, recording an RSVP, listing an owner's invitations, and the
// staff side — choosing an event and a segment, counting and previewing the
// audience, queueing the broadcast, checking attendees in.
//
// Actions never fail for a reason the person can fix: they put a kind
// Indonesian sentence in the answer error_text and the flow branches on it.
// An error returned from an action means the system is in trouble (the
// database is down); the bot apologizes and the step is retried.
package eventactions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/bot"
	"jejaring/internal/channel"
	"jejaring/internal/event"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/reach"
)

// Deps are what the actions need.
type Deps struct {
	Events *store.EventRepo
	// ChannelOn reports whether some running Jejaring sends on channel ch
	// ("whatsapp"); the staff preview warns about recipients on a channel
	// that is off, whose messages the outbox will skip. nil: all are on.
	ChannelOn func(ctx context.Context, ch string) bool
	// Now overrides the call's time (tests); nil uses ActionCall.Now.
	Now func() time.Time
	// Region names the kecamatan in the staff menu (nil: the built-in
	// default region); Limits are the outbox's paces for "how long it
	// takes" (nil: outbox.DefaultLimits).
	Region *umkm.Region
	Limits map[channel.Name]outbox.Limit
	// Reach counts a segment's businesses by reach status
	// (store.BusinessRepo.SegmentReach): the staff preview and result
	// say who is left out and why (reach.LeftOut). nil: not said.
	Reach func(ctx context.Context, seg event.Segment) (reach.Counts, error)
}

// Names lists the actions Register adds, for `flows check`.
var Names = []string{
	"rsvp.load", "rsvp.answer", "rsvp.cancel", "events.mine", "events.pick", "events.upcoming", "events.open", "events.join",
	"staff.events", "staff.pick_event", "staff.event_audience", "staff.segment_count", "staff.broadcast", "staff.checkin", "staff.attendance",
}

// Register adds the event actions to a.
func Register(a bot.Actions, deps Deps) error {
	if deps.Events == nil {
		return errors.New("eventactions: Deps.Events is required")
	}
	desk, err := NewDesk(Desk{Events: deps.Events, Region: deps.Region, ChannelOn: deps.ChannelOn, Limits: deps.Limits})
	if err != nil {
		return err
	}
	h := &handlers{deps: deps, desk: desk}
	for name, fn := range map[string]bot.Action{
		"rsvp.load":            h.rsvpLoad,
		"rsvp.answer":          h.rsvpAnswer,
		"rsvp.cancel":          h.rsvpCancel,
		"events.mine":          h.eventsMine,
		"events.pick":          h.eventsPick,
		"events.upcoming":      h.eventsUpcoming,
		"events.open":          h.eventsOpen,
		"events.join":          h.eventsJoin,
		"staff.events":         h.staffOnly(h.staffEvents),
		"staff.pick_event":     h.staffOnly(h.staffPickEvent),
		"staff.event_audience": h.staffOnly(h.staffEventAudience),
		"staff.segment_count":  h.staffOnly(h.staffSegmentCount),
		"staff.broadcast":      h.staffOnly(h.staffBroadcast),
		"staff.checkin":        h.staffOnly(h.staffCheckin),
		"staff.attendance":     h.staffOnly(h.staffAttendance),
	} {
		if err := a.Register(name, fn); err != nil {
			return err
		}
	}
	return nil
}

type handlers struct {
	deps Deps
	desk *Desk
}

func (h *handlers) now(call bot.ActionCall) time.Time {
	if h.deps.Now != nil {
		return h.deps.Now()
	}
	if call.Now.IsZero() {
		return time.Now()
	}
	return call.Now
}

func fail(text string) (bot.ActionResult, error) {
	return bot.ActionResult{Answers: map[string]any{"error_text": text}}, nil
}

func ok(answers map[string]any, msgs ...channel.Outbound) (bot.ActionResult, error) {
	if answers == nil {
		answers = map[string]any{}
	}
	answers["error_text"] = ""
	return bot.ActionResult{Answers: answers, Messages: msgs}, nil
}

// staffOnly runs fn for a contact with staff rights: marked staff, and
// linked to an enabled staff user on WhatsApp or Telegram (store.StaffOf),
// read from the database on every call, so a revoked link stops the next
// step. contacts.is_staff set by hand is not enough.
func (h *handlers) staffOnly(fn bot.Action) bot.Action {
	return func(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
		if !call.Contact.IsStaff || call.Contact.ID == 0 {
			return fail("Maaf, menu ini hanya untuk petugas Dinas.")
		}
		if _, err := h.deps.Events.StaffOf(ctx, call.Contact.ID); errors.Is(err, store.ErrStaffNotFound) {
			return fail("Maaf, menu ini hanya untuk petugas Dinas yang nomornya sudah ditautkan kantor. Mohon hubungi admin.")
		} else if err != nil {
			return bot.ActionResult{}, err
		}
		return fn(ctx, call)
	}
}

func arg(call bot.ActionCall, name string) string {
	if v, ok := call.Args[name]; ok && v != nil {
		return strings.TrimSpace(fmt.Sprint(v))
	}
	return ""
}

// argInt reads a whole number argument. Templates print numbers read back
// from JSON as float64 ("2", or "1e+06" for big ones).
func argInt(call bot.ActionCall, name string) int64 {
	s := arg(call, name)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == float64(int64(f)) {
		return int64(f)
	}
	return 0
}

// splitToken reads the rsvp flow's parameter: "<token>" or "<token>_yes"
// (from a pressed invitation button).
func splitToken(p string) (token string, preset event.Answer) {
	p = strings.ToLower(strings.TrimSpace(p))
	if i := strings.LastIndexByte(p, '_'); i > 0 {
		if a, ok := event.ParseReply(p[i+1:]); ok {
			return p[:i], a
		}
	}
	return p, ""
}

func presetValue(a event.Answer) string {
	switch a {
	case event.Going:
		return "yes"
	case event.Declined:
		return "no"
	case event.Maybe:
		return "maybe"
	}
	return ""
}

// invitationAnswers describes an invitation for the flow.
func invitationAnswers(inv *event.Invitation, ev *event.Event, lang string, now time.Time) map[string]any {
	canChange := ev.Status.Open() && now.Before(ev.Deadline())
	closed := ""
	switch {
	case ev.Status == event.Cancelled:
		closed = event.ReplyText(event.ReplyCancelled, ev, lang)
	case !ev.Status.Open():
		closed = event.ReplyText(event.ReplyNotOpen, ev, lang)
	case !canChange:
		closed = event.DeadlineText(ev, lang)
	}
	return map[string]any{
		"rsvp_token":    inv.Token,
		"event_title":   ev.Title,
		"event_details": event.Details(ev, lang),
		"is_temu":       ev.Kind == event.TemuBisnis,
		"max_party":     max(ev.MaxParty, 1),
		"status":        string(inv.Status),
		"status_label":  event.AnswerLabel(inv.Status, lang),
		"can_change":    canChange,
		"closed_text":   closed,
	}
}

// rsvpLoad: args token ("<token>" or "<token>_yes"); with no token, the
// contact's most recent invitation still open. Answers: rsvp_token, preset
// (yes/no/maybe/""), event_title, event_details, is_temu, max_party,
// status, status_label, can_change, closed_text, error_text.
func (h *handlers) rsvpLoad(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	now := h.now(call)
	tok, preset := splitToken(arg(call, "token"))
	if tok == "" {
		mine, err := h.deps.Events.MyInvitations(ctx, call.Contact.ID, now)
		if err != nil {
			return bot.ActionResult{}, err
		}
		for i := len(mine) - 1; i >= 0; i-- {
			if mine[i].Event.Status.Open() {
				tok = mine[i].Invitation.Token
				break
			}
		}
		if tok == "" {
			return fail(event.ReplyText(event.ReplyNoInvitation, nil, call.Lang))
		}
	}
	inv, ev, err := h.deps.Events.Invitation(ctx, tok)
	if errors.Is(err, event.ErrNotFound) {
		return fail(event.ReplyText(event.ReplyNotFound, nil, call.Lang))
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	if call.Contact.ID != 0 && inv.ContactID != call.Contact.ID {
		// A forwarded button or link: answer only for oneself.
		return fail(event.ReplyText(event.ReplyNotYours, nil, call.Lang))
	}
	ans := invitationAnswers(inv, ev, call.Lang, now)
	ans["preset"] = presetValue(preset)
	return ok(ans)
}

// rsvpAnswer: args token, answer (yes/no/maybe), party, needs
// (comma-separated). Answers: rsvp_status, result_text, error_text.
// Messages: the confirmation with its .ics file and QR image, or the
// waitlist / decline note.
func (h *handlers) rsvpAnswer(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	a, okA := event.ParseReply(arg(call, "answer"))
	if !okA {
		return fail(event.ReplyText(event.ReplyUnclear, nil, call.Lang))
	}
	party := int(argInt(call, "party"))
	var needs []string
	for n := range strings.SplitSeq(arg(call, "needs"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			needs = append(needs, n)
		}
	}
	return h.answer(ctx, call, arg(call, "token"), event.Request{Answer: a, PartySize: party, Needs: needs})
}

// rsvpCancel: args token. Records "Tidak hadir" (freeing the seat).
func (h *handlers) rsvpCancel(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	return h.answer(ctx, call, arg(call, "token"), event.Request{Answer: event.Declined})
}

func (h *handlers) answer(ctx context.Context, call bot.ActionCall, token string, req event.Request) (bot.ActionResult, error) {
	now := h.now(call)
	tok, _ := splitToken(token)
	inv, _, err := h.deps.Events.Invitation(ctx, tok)
	if errors.Is(err, event.ErrNotFound) {
		return fail(event.ReplyText(event.ReplyNotFound, nil, call.Lang))
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	if call.Contact.ID != 0 && inv.ContactID != call.Contact.ID {
		return fail(event.ReplyText(event.ReplyNotYours, nil, call.Lang))
	}
	res, err := h.deps.Events.Answer(ctx, tok, req, now)
	if err != nil {
		ev, _ := h.deps.Events.Event(ctx, inv.EventID)
		switch {
		case errors.Is(err, event.ErrDeadlinePassed) && ev != nil:
			return fail(event.DeadlineText(ev, call.Lang))
		case errors.Is(err, event.ErrClosed) && ev != nil && ev.Status == event.Cancelled:
			return fail(event.ReplyText(event.ReplyCancelled, ev, call.Lang))
		case errors.Is(err, event.ErrClosed):
			return fail(event.ReplyText(event.ReplyNotAccepting, ev, call.Lang))
		case errors.Is(err, event.ErrPartyTooBig) && ev != nil:
			return fail(event.ReplyText(event.ReplyPartyTooLarge, ev, call.Lang))
		}
		return bot.ActionResult{}, err
	}
	ev, inv := res.Event, res.Invitation
	ans := map[string]any{"rsvp_status": string(inv.Status), "status_label": event.AnswerLabel(inv.Status, call.Lang)}
	switch inv.Status {
	case event.Going:
		notice, err := event.ConfirmationNotice(ev, inv, call.Lang, now)
		if err != nil {
			return bot.ActionResult{}, err
		}
		ans["result_text"] = event.ReplyText(event.ReplyRecorded, ev, call.Lang)
		return ok(ans, outbox.NoticePayload(notice).Outbounds()...)
	case event.Waitlist:
		ans["result_text"] = event.WaitlistText(ev, call.Lang)
	default:
		ans["result_text"] = event.DeclineText(ev, inv.Status, call.Lang)
	}
	return ok(ans, channel.Outbound{Text: ans["result_text"].(string)})
}

// eventsMine lists the contact's invitations. Answers: mine_text (a
// numbered list), mine_count, mine_tokens.
func (h *handlers) eventsMine(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	mine, err := h.deps.Events.MyInvitations(ctx, call.Contact.ID, h.now(call))
	if err != nil {
		return bot.ActionResult{}, err
	}
	var b strings.Builder
	tokens := make([]any, 0, len(mine))
	for i, m := range mine {
		b.WriteString(event.InvitationLine(i+1, &m.Event, &m.Invitation, call.Lang) + "\n")
		tokens = append(tokens, m.Invitation.Token)
	}
	return ok(map[string]any{"mine_text": strings.TrimRight(b.String(), "\n"), "mine_count": len(mine), "mine_tokens": tokens})
}

// eventsPick: args n (1-based, from mine_tokens). Loads that invitation
// like rsvp.load.
func (h *handlers) eventsPick(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	toks := asList(call.Answers["mine_tokens"])
	n := int(argInt(call, "n"))
	if n < 1 || n > len(toks) {
		return fail(fmt.Sprintf("Pilih nomor 1 sampai %d.", len(toks)))
	}
	call.Args = map[string]any{"token": toks[n-1]}
	return h.rsvpLoad(ctx, call)
}

func asList(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, len(x))
		for i, s := range x {
			if f, ok := s.(float64); ok {
				// A number read back from the session's JSON: 1000000,
				// not 1e+06.
				out[i] = strconv.FormatFloat(f, 'f', -1, 64)
				continue
			}
			out[i] = fmt.Sprint(s)
		}
		return out
	}
	return nil
}
