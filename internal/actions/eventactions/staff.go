package eventactions

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"jejaring/internal/bot"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm/reach"
)

// staffEvents lists upcoming events staff may broadcast or check in.
// Answers: events_text (numbered), events_count, event_ids.
func (h *handlers) staffEvents(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	evs, err := h.deps.Events.ListEvents(ctx, store.EventFilter{From: h.now(call), Statuses: []event.Status{event.Draft, event.Published, event.Changed}, Limit: 20})
	if err != nil {
		return bot.ActionResult{}, err
	}
	var b strings.Builder
	ids := make([]any, 0, len(evs))
	for i, ev := range evs {
		status := idn.Pick(call.Lang, "terbit", "published")
		if ev.Status == event.Draft {
			status = idn.Pick(call.Lang, "draf", "draft")
		} else if ev.Status == event.Changed {
			status = idn.Pick(call.Lang, "diubah", "changed")
		}
		fmt.Fprintf(&b, "%d. %s — %s (%s)\n", i+1, ev.Title, event.FormatWhenIn(&ev, call.Lang), status)
		ids = append(ids, ev.ID)
	}
	return ok(map[string]any{"events_text": strings.TrimRight(b.String(), "\n"), "events_count": len(evs), "event_ids": ids})
}

// staffPickEvent: args n (1-based, from event_ids). Answers: event_id,
// event_title.
func (h *handlers) staffPickEvent(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	ids := asList(call.Answers["event_ids"])
	n := int(argInt(call, "n"))
	if n < 1 || n > len(ids) {
		return fail(fmt.Sprintf("Pilih nomor 1 sampai %d.", len(ids)))
	}
	id, err := strconv.ParseInt(ids[n-1], 10, 64)
	if err != nil {
		return fail("Nomor acara tidak dikenal.")
	}
	ev, err := h.deps.Events.Event(ctx, id)
	if errors.Is(err, event.ErrNotFound) {
		return fail("Acara itu sudah tidak ada.")
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	return ok(map[string]any{"event_id": ev.ID, "event_title": ev.Title})
}

func eventID(call bot.ActionCall) int64 { return argInt(call, "event_id") }

// segmentFromArgs reads the arg audience: "custom" takes regions and
// sizes (comma-separated codes, as the flow's options give them) and
// verified (true/false); anything else, and no audience at all, is the
// audience stored with the event, so that a broadcast never widens to the
// whole regency by a default.
func segmentFromArgs(call bot.ActionCall, ev *event.Event) event.Segment {
	if arg(call, "audience") != "custom" {
		return ev.Segment
	}
	var seg event.Segment
	split := func(s string) []string {
		var out []string
		for p := range strings.SplitSeq(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		sort.Strings(out)
		return out
	}
	seg.RegionCodes = split(arg(call, "regions"))
	seg.SizeClasses = split(arg(call, "sizes"))
	seg.VerifiedOnly = arg(call, "verified") == "true"
	return seg
}

// staffEventAudience: args event_id. Answers: audience_text, the
// audience stored with the event in words (kecamatan by name), and
// audience_everyone (the stored audience is every business).
func (h *handlers) staffEventAudience(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	ev, res, err := h.loadEvent(ctx, call)
	if res != nil || err != nil {
		return deref(res), err
	}
	return ok(map[string]any{"audience_text": h.desk.Describe(ev.Segment, call.Lang), "audience_everyone": ev.Segment.Empty()})
}

func (h *handlers) loadEvent(ctx context.Context, call bot.ActionCall) (*event.Event, *bot.ActionResult, error) {
	ev, err := h.deps.Events.Event(ctx, eventID(call))
	if errors.Is(err, event.ErrNotFound) {
		r, _ := fail("Acara tidak ditemukan.")
		return nil, &r, nil
	}
	return ev, nil, err
}

// staffSegmentCount: args event_id and the segment args. Answers:
// count_text (per channel, skipped, already invited), preview_text, total.
func (h *handlers) staffSegmentCount(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	ev, res, err := h.loadEvent(ctx, call)
	if res != nil || err != nil {
		return deref(res), err
	}
	seg := segmentFromArgs(call, ev)
	v, err := h.desk.Plan(ctx, ev.ID, seg, call.Lang)
	if err != nil {
		return bot.ActionResult{}, err
	}
	// The reach package's "who is left out" text, when wired, follows.
	var b strings.Builder
	b.WriteString(h.desk.CountText(v, call.Lang))
	if err := h.leftOut(ctx, &b, seg, call.Lang); err != nil {
		return bot.ActionResult{}, err
	}
	preview := event.InvitationText(ev, "Siti", 0, call.Lang) + "\n"
	for i, c := range event.RSVPChoices("", call.Lang) {
		if i > 0 {
			preview += " "
		}
		preview += "[" + c.Label + "]"
	}
	return ok(map[string]any{"count_text": b.String(), "preview_text": preview, "total": v.Total})
}

func channelLabel(ch string) string {
	switch ch {
	case "telegram":
		return "Telegram"
	case "whatsapp":
		return "WhatsApp"
	case "webchat":
		return "web chat"
	}
	return ch
}

func deref(r *bot.ActionResult) bot.ActionResult {
	if r == nil {
		return bot.ActionResult{}
	}
	return *r
}

// staffBroadcast: args event_id and the segment args. Queues the
// invitations; progress reports come back to this staff contact through
// the outbox. Answers: result_text, queued.
func (h *handlers) staffBroadcast(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	ev, res, err := h.loadEvent(ctx, call)
	if res != nil || err != nil {
		return deref(res), err
	}
	seg := segmentFromArgs(call, ev)
	br, err := h.deps.Events.Broadcast(ctx, store.BroadcastRequest{
		EventID: ev.ID, Segment: &seg, StaffContactID: call.Contact.ID, CreatedBy: fmt.Sprintf("contact:%d", call.Contact.ID),
	}, h.now(call))
	switch {
	case errors.Is(err, event.ErrClosed):
		return fail("Acara ini sudah dibatalkan; undangan tidak dikirim.")
	case errors.Is(err, event.ErrAlreadyFinished):
		return fail("Acara ini sudah dimulai; undangan tidak dikirim.")
	case err != nil:
		return bot.ActionResult{}, err
	}
	lang := call.Lang
	text := fmt.Sprintf(idn.Pick(lang, "Siap! %s undangan masuk antrean pengiriman", "Done! %s invitations are queued"), idn.Thousands(br.Queued, lang))
	if br.Already > 0 {
		text += fmt.Sprintf(idn.Pick(lang, " (%s sudah diundang sebelumnya)", " (%s were invited before)"), idn.Thousands(br.Already, lang))
	}
	text += idn.Pick(lang, ". Saya kabari perkembangannya di sini.", ". I will report the progress here.")
	if br.Queued == 0 {
		text = idn.Pick(lang, "Tidak ada penerima baru untuk sasaran ini; tidak ada yang dikirim.", "Nobody new matches this audience; nothing was sent.")
	}
	var lo strings.Builder
	if err := h.leftOut(ctx, &lo, seg, call.Lang); err != nil {
		return bot.ActionResult{}, err
	}
	text += lo.String()
	return ok(map[string]any{"result_text": text, "queued": br.Queued})
}

// staffCheckin: args event_id, code. Answers: result_text (CheckinText,
// as the dashboard's door page says it).
func (h *handlers) staffCheckin(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	inv, name, err := h.deps.Events.CheckIn(ctx, eventID(call), arg(call, "code"), fmt.Sprintf("contact:%d", call.Contact.ID), h.now(call))
	res := store.ScanResult{Name: name}
	switch {
	case errors.Is(err, event.ErrBadCheckinCode):
		res.Outcome = store.ScanUnknown
	case errors.Is(err, event.ErrAlreadyCheckin):
		res.Outcome = store.ScanAlready
	case errors.Is(err, event.ErrNotAttending):
		res.Outcome = store.ScanNotAttending
	case err != nil:
		return bot.ActionResult{}, err
	default:
		res.Outcome = store.ScanOK
	}
	if inv != nil {
		res.Status, res.PartySize, res.CheckedInAt = inv.Status, max(inv.PartySize, 1), inv.CheckedInAt
	}
	return ok(map[string]any{"result_text": CheckinText("id", res)})
}

// staffAttendance: args event_id. Answers: result_text.
func (h *handlers) staffAttendance(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	a, err := h.deps.Events.Attendance(ctx, eventID(call))
	if err != nil {
		return bot.ActionResult{}, err
	}
	return ok(map[string]any{"result_text": AttendanceText(a)})
}

// AttendanceText summarizes an event's answers and check-ins.
func AttendanceText(a store.Attendance) string {
	return fmt.Sprintf("Diundang %s. Hadir %s usaha (%s orang), daftar tunggu %s, mungkin %s, tidak hadir %s, belum menjawab %s.\nSudah check-in %s, belum datang %s.",
		idn.Thousands(a.Invited, "id"), idn.Thousands(a.Going, "id"), idn.Thousands(a.Seats, "id"), idn.Thousands(a.Waitlist, "id"), idn.Thousands(a.Maybe, "id"),
		idn.Thousands(a.Declined, "id"), idn.Thousands(a.Pending, "id"), idn.Thousands(a.CheckedIn, "id"), idn.Thousands(a.NoShow, "id"))
}

// leftOut adds to b, on a line of its own, who of the segment's
// businesses an invitation cannot reach and why, with the ways to reach
// them (reach.LeftOut); nothing without Deps.Reach.
func (h *handlers) leftOut(ctx context.Context, b *strings.Builder, seg event.Segment, lang string) error {
	if h.deps.Reach == nil {
		return nil
	}
	c, err := h.deps.Reach(ctx, seg)
	if err != nil {
		return err
	}
	b.WriteString("\n" + reach.LeftOut(c, lang))
	return nil
}
