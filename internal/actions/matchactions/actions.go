package matchactions

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
	"jejaring/internal/idn"
	"jejaring/internal/match"
	"jejaring/internal/store"
)

// Names lists the actions Register adds, for `flows check`.
var Names = []string{"mitra.load", "mitra.save", "mitra.owners", "mitra.mark", "wish.options", "wish.save", "meeting.answer"}

// Deps are what the actions need.
type Deps struct {
	Service *Service
	// Now overrides the call's time (tests); nil uses ActionCall.Now.
	Now func() time.Time
}

// Register adds the matchmaking actions to a.
func Register(a bot.Actions, deps Deps) error {
	if deps.Service == nil {
		return errors.New("matchactions: Deps.Service is required")
	}
	h := &handlers{deps: deps, s: deps.Service}
	for name, fn := range map[string]bot.Action{
		"mitra.load":     h.mitraLoad,
		"mitra.save":     h.mitraSave,
		"mitra.owners":   h.mitraOwners,
		"mitra.mark":     h.mitraMark,
		"wish.options":   h.wishOptions,
		"wish.save":      h.wishSave,
		"meeting.answer": h.meetingAnswer,
	} {
		if err := a.Register(name, fn); err != nil {
			return err
		}
	}
	return nil
}

type handlers struct {
	deps Deps
	s    *Service
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

func arg(call bot.ActionCall, name string) string {
	if v, ok := call.Args[name]; ok && v != nil {
		s := strings.TrimSpace(fmt.Sprint(v))
		if s == "<no value>" {
			return ""
		}
		return s
	}
	return ""
}

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

func list(v any) []int64 {
	var out []int64
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			switch n := e.(type) {
			case float64:
				out = append(out, int64(n))
			case int64:
				out = append(out, n)
			case int:
				out = append(out, int64(n))
			}
		}
	case []int64:
		out = x
	}
	return out
}

// mitraLoad: args event (the deep link's parameter, "" for the keyword).
// Answers: event_id (0: no temu bisnis open), event_title, has_partner,
// partner_org, consent_text.
func (h *handlers) mitraLoad(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	now := h.now(call)
	ans := map[string]any{"consent_text": match.ConsentText(call.Lang), "event_id": 0, "event_title": "", "has_partner": false, "partner_org": ""}
	eventID := argInt(call, "event")
	if eventID == 0 {
		evs, err := h.s.Match.TemuEvents(ctx, now)
		if err != nil {
			return bot.ActionResult{}, err
		}
		if len(evs) > 0 {
			eventID, _ = strconv.ParseInt(evs[0][0], 10, 64)
		}
	}
	if eventID != 0 {
		ev, err := h.s.Events.Event(ctx, eventID)
		switch {
		case errors.Is(err, event.ErrNotFound):
			return fail(idn.Pick(call.Lang, "Maaf, tautan temu bisnis ini tidak kami kenali. Mohon minta tautan baru kepada petugas Dinas.",
				"Sorry, we do not recognise this matchmaking link. Please ask the office staff for a new one."))
		case err != nil:
			return bot.ActionResult{}, err
		case ev.Kind != event.TemuBisnis:
			return fail(idn.Pick(call.Lang, "Maaf, acara ini bukan temu bisnis.", "Sorry, this event is not a matchmaking session."))
		}
		ans["event_id"], ans["event_title"] = ev.ID, ev.Title
	}
	if call.Contact.ID != 0 {
		p, err := h.s.Match.PartnerByContact(ctx, call.Contact.ID)
		if err != nil && !errors.Is(err, match.ErrNotFound) {
			return bot.ActionResult{}, err
		}
		if p != nil {
			ans["has_partner"], ans["partner_org"], ans["partner_id"] = true, p.Organisation, p.ID
		}
	}
	return ok(ans)
}

// sizeRanges are the size choices of the flow: value → min, max.
var sizeRanges = map[string][2]string{
	"semua":    {"", ""},
	"mikro":    {"mikro", "mikro"},
	"kecil":    {"mikro", "kecil"},
	"menengah": {"kecil", "menengah"},
}

// mitraSave: args kind, organisation, contact_person, offer, sectors and
// kecamatan (comma-separated, "" for all), size, seats, availability
// (semua, pagi, siang), consent (true/false), event_id. Answers:
// partner_id, result_text.
func (h *handlers) mitraSave(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	now := h.now(call)
	kind, okK := match.ParsePartnerKind(arg(call, "kind"))
	if !okK {
		return fail(idn.Pick(call.Lang, "Maaf, jenis mitra belum dipilih.", "Sorry, the kind of partner is missing."))
	}
	size := sizeRanges[arg(call, "size")]
	p := &match.PartnerProfile{
		ContactID: call.Contact.ID, Kind: kind, Organisation: arg(call, "organisation"), ContactPerson: arg(call, "contact_person"),
		Offer: arg(call, "offer"), Sectors: splitComma(arg(call, "sectors")), Kecamatan: splitComma(arg(call, "kecamatan")),
		SizeMin: size[0], SizeMax: size[1], Consent: arg(call, "consent") == "true", Source: "chat",
	}
	if p.Consent {
		p.ConsentVersion, p.ConsentAt = match.ConsentVersion, now
	}
	if call.Contact.ID != 0 {
		old, err := h.s.Match.PartnerByContact(ctx, call.Contact.ID)
		if err != nil && !errors.Is(err, match.ErrNotFound) {
			return bot.ActionResult{}, err
		}
		if old != nil {
			p.ID, p.Phone = old.ID, old.Phone
		}
	}
	if call.Contact.Phone != "" {
		p.Phone = call.Contact.Phone
	}
	if err := h.s.Match.SavePartner(ctx, p, now); err != nil {
		if errors.Is(err, match.ErrInvalidPartner) {
			return fail(idn.Pick(call.Lang, "Maaf, data belum lengkap: ", "Sorry, something is missing: ") + err.Error())
		}
		return bot.ActionResult{}, err
	}
	ans := map[string]any{"partner_id": p.ID}
	text := fmt.Sprintf(idn.Pick(call.Lang, "Terima kasih, %s sudah terdaftar sebagai mitra.", "Thank you, %s is registered as a partner."), p.Organisation)
	if eventID := argInt(call, "event_id"); eventID != 0 {
		seats := int(argInt(call, "seats"))
		var avail []int
		if setup, err := h.s.Match.Setup(ctx, eventID); err == nil {
			half := (setup.Slots + 1) / 2
			switch arg(call, "availability") {
			case "pagi":
				avail = seq(0, half)
			case "siang":
				avail = seq(half, setup.Slots)
			}
		} else if !errors.Is(err, match.ErrNotFound) {
			return bot.ActionResult{}, err
		}
		if err := h.s.Match.JoinEvent(ctx, eventID, p.ID, seats, avail, now); err != nil {
			return bot.ActionResult{}, err
		}
		if ev, err := h.s.Events.Event(ctx, eventID); err == nil {
			text += " " + fmt.Sprintf(idn.Pick(call.Lang, "Bapak/Ibu ikut *%s*.", "You take part in *%s*."), ev.Title)
		}
	}
	ans["result_text"] = text
	return ok(ans)
}

func seq(a, b int) []int {
	out := []int{}
	for i := a; i < b; i++ {
		out = append(out, i)
	}
	return out
}

func splitComma(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// OwnersPage is how many owners a partner sees at once in the chat.
const OwnersPage = 8

// mitraOwners: args event_id, page (1-based). Answers: owners_text (a
// numbered list), owners_count (on this page), owners_ids, owners_total,
// page, pages.
func (h *handlers) mitraOwners(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	eventID := argInt(call, "event_id")
	p, err := h.s.Match.PartnerByContact(ctx, call.Contact.ID)
	if errors.Is(err, match.ErrNotFound) {
		return fail(idn.Pick(call.Lang, "Maaf, Bapak/Ibu belum terdaftar sebagai mitra. Ketik *mitra* untuk mendaftar.", "Sorry, you are not registered as a partner. Type *mitra* to register."))
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	owners, err := h.s.Match.Owners(ctx, eventID)
	if err != nil {
		return bot.ActionResult{}, err
	}
	fit := match.OwnersFor(p, owners)
	pages := max((len(fit)+OwnersPage-1)/OwnersPage, 1)
	page := min(max(int(argInt(call, "page")), 1), pages)
	lo, hi := (page-1)*OwnersPage, min(page*OwnersPage, len(fit))
	var b strings.Builder
	ids := []any{}
	for i, o := range fit[lo:hi] {
		fmt.Fprintf(&b, "%d. %s", i+1, ownerName(&o))
		if about := ownerAbout(&o, call.Lang); about != "" {
			b.WriteString(" — " + about)
		}
		b.WriteString("\n")
		ids = append(ids, o.InvitationID)
	}
	return ok(map[string]any{"owners_text": strings.TrimRight(b.String(), "\n"), "owners_count": hi - lo, "owners_ids": ids,
		"owners_total": len(fit), "page": page, "pages": pages, "partner_id": p.ID})
}

// mitraMark: args event_id, input ("1 3" ingin bertemu; "tidak 2";
// "lanjut"; "selesai"). Answers: mark_next (page, done, again),
// mark_text.
func (h *handlers) mitraMark(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	now := h.now(call)
	eventID := argInt(call, "event_id")
	in := strings.ToLower(strings.TrimSpace(arg(call, "input")))
	page, pages := int(argInt(call, "page")), int(argInt(call, "pages"))
	switch in {
	case "lanjut", "next", "berikut", "berikutnya":
		if page < pages {
			return ok(map[string]any{"mark_next": "page", "page": page + 1, "mark_text": ""})
		}
		return ok(map[string]any{"mark_next": "done", "mark_text": idn.Pick(call.Lang, "Itu halaman terakhir.", "That was the last page.")})
	case "selesai", "sudah", "done", "cukup":
		return ok(map[string]any{"mark_next": "done", "mark_text": ""})
	}
	no := false
	for _, w := range []string{"tidak", "tdk", "no", "not"} {
		if strings.HasPrefix(in, w+" ") {
			no, in = true, strings.TrimPrefix(in, w+" ")
		}
	}
	ids := list(call.Answers["owners_ids"])
	nums, err := match.ParsePicks(in, len(ids))
	if err != nil && !strings.Contains(err.Error(), "paling banyak") {
		return ok(map[string]any{"mark_next": "again", "mark_text": idn.Pick(call.Lang,
			"Mohon ketik nomor UMKM, misalnya *1 3* (ingin bertemu) atau *tidak 2*; *lanjut* untuk halaman berikut, *selesai* bila cukup.",
			"Please type owners' numbers, for example *1 3* (want to meet) or *tidak 2*; *lanjut* for the next page, *selesai* when done.")})
	}
	if err != nil { // more than five at once is fine for a partner
		nums = nil
		for _, w := range strings.FieldsFunc(in, func(r rune) bool { return r < '0' || r > '9' }) {
			if k, e := strconv.Atoi(w); e == nil && k >= 1 && k <= len(ids) {
				nums = append(nums, k)
			}
		}
	}
	partnerID := argInt(call, "partner_id")
	for _, n := range nums {
		if err := h.s.Match.SetWish(ctx, eventID, ids[n-1], partnerID, match.SidePartner, no, "chat", now); err != nil {
			return bot.ActionResult{}, err
		}
	}
	word := idn.Pick(call.Lang, "ingin bertemu", "want to meet")
	if no {
		word = idn.Pick(call.Lang, "tidak", "no")
	}
	return ok(map[string]any{"mark_next": "again", "mark_text": fmt.Sprintf(idn.Pick(call.Lang,
		"Tercatat: nomor %s — %s. Ketik nomor lain, *lanjut* untuk halaman berikut, atau *selesai*.",
		"Noted: number %s — %s. Type other numbers, *lanjut* for the next page, or *selesai*."), match.SlotsText(minusOne(nums)), word)})
}

func minusOne(ns []int) []int {
	out := make([]int, len(ns))
	for i, n := range ns {
		out[i] = n - 1
	}
	return out
}

// ownerOf finds the owner profile of an invitation at its event.
func (h *handlers) ownerOf(ctx context.Context, call bot.ActionCall, token string) (*event.Invitation, *match.OwnerProfile, string, error) {
	inv, ev, err := h.s.Events.Invitation(ctx, strings.ToLower(strings.TrimSpace(token)))
	if errors.Is(err, event.ErrNotFound) {
		return nil, nil, event.ReplyText(event.ReplyNotFound, nil, call.Lang), nil
	}
	if err != nil {
		return nil, nil, "", err
	}
	if call.Contact.ID != 0 && inv.ContactID != call.Contact.ID {
		return nil, nil, event.ReplyText(event.ReplyNotYours, nil, call.Lang), nil
	}
	if ev.Kind != event.TemuBisnis || inv.Status != event.Going {
		return nil, nil, idn.Pick(call.Lang, "Pilihan mitra hanya untuk peserta temu bisnis yang menjawab Hadir.", "Picking partners is for matchmaking attendees who answered Attending."), nil
	}
	owners, err := h.s.Match.Owners(ctx, inv.EventID)
	if err != nil {
		return nil, nil, "", err
	}
	for i := range owners {
		if owners[i].InvitationID == inv.ID {
			return inv, &owners[i], "", nil
		}
	}
	return nil, nil, idn.Pick(call.Lang, "Maaf, undangan ini belum tercatat hadir.", "Sorry, this invitation is not marked as attending."), nil
}

// WishList is how many partners an owner is offered to pick from.
const WishList = 8

// wishOptions: args token (the invitation). Answers: wish_text (a
// numbered list), wish_count, wish_ids, max_picks.
func (h *handlers) wishOptions(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	inv, owner, why, err := h.ownerOf(ctx, call, arg(call, "token"))
	if err != nil {
		return bot.ActionResult{}, err
	}
	if why != "" {
		return fail(why)
	}
	partners, err := h.s.Match.EventPartnerProfiles(ctx, inv.EventID)
	if err != nil {
		return bot.ActionResult{}, err
	}
	fit := match.PartnersFor(owner, partners, WishList)
	var b strings.Builder
	ids := []any{}
	for i, p := range fit {
		fmt.Fprintf(&b, "%d. *%s* — %s\n", i+1, p.Organisation, partnerAbout(&p, call.Lang))
		ids = append(ids, p.ID)
	}
	return ok(map[string]any{"wish_text": strings.TrimRight(b.String(), "\n"), "wish_count": len(fit), "wish_ids": ids,
		"max_picks": min(match.MaxPicks, len(fit)), "pick_error": ""})
}

// wishSave: args token, picks ("2, 1, 4"). Answers: pick_error (a reason
// to ask again, "" when saved), result_text.
func (h *handlers) wishSave(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	inv, _, why, err := h.ownerOf(ctx, call, arg(call, "token"))
	if err != nil {
		return bot.ActionResult{}, err
	}
	if why != "" {
		return fail(why)
	}
	ids := list(call.Answers["wish_ids"])
	nums, perr := match.ParsePicks(arg(call, "picks"), len(ids))
	if perr != nil {
		return ok(map[string]any{"pick_error": idn.Pick(call.Lang, "Maaf, ", "Sorry, ") + perr.Error() + "."})
	}
	chosen := make([]int64, len(nums))
	for i, n := range nums {
		chosen[i] = ids[n-1]
	}
	if err := h.s.Match.SetOwnerPicks(ctx, inv.EventID, inv.ID, chosen, h.now(call)); err != nil {
		return bot.ActionResult{}, err
	}
	return ok(map[string]any{"pick_error": "", "result_text": fmt.Sprintf(idn.Pick(call.Lang,
		"Terima kasih, %d pilihan mitra tercatat. Jadwal pertemuan (jam dan nomor meja) kami kirim sebelum acara.",
		"Thank you, %d partner choices are saved. We send the meeting schedule (times and table numbers) before the event."), len(chosen))})
}

// meetingAnswer: args token — "hadir_<meeting>" or "batal_<meeting>" from
// a nudge's buttons, or "" (the keyword) for the contact's agenda.
// Answers: result_text. Messages: the agenda's .ics with the agenda.
func (h *handlers) meetingAnswer(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	now := h.now(call)
	tok := strings.ToLower(arg(call, "token"))
	verb, idText, _ := strings.Cut(tok, "_")
	id, _ := strconv.ParseInt(idText, 10, 64)
	if verb != "hadir" && verb != "batal" || id == 0 {
		return h.myAgenda(ctx, call, now)
	}
	m, err := h.s.Match.Meeting(ctx, id)
	if errors.Is(err, match.ErrNotFound) {
		return fail(idn.Pick(call.Lang, "Maaf, pertemuan ini sudah tidak ada di jadwal (mungkin sudah dipindah). Ketik *jadwal temu* untuk melihat jadwal terbaru.",
			"Sorry, this meeting is no longer on the schedule (it may have moved). Type *jadwal temu* for the latest schedule."))
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	side, who, err := h.sideOf(ctx, call, m)
	if err != nil {
		return bot.ActionResult{}, err
	}
	if side == "" {
		return fail(event.ReplyText(event.ReplyNotYours, nil, call.Lang))
	}
	if verb == "hadir" {
		if err := h.s.Match.MarkArrived(ctx, m.ID, side, now); err != nil {
			return bot.ActionResult{}, err
		}
		return ok(map[string]any{"result_text": fmt.Sprintf(idn.Pick(call.Lang, "Terima kasih, tercatat Bapak/Ibu sudah di meja %d. Selamat berdiskusi!",
			"Thank you, noted that you are at table %d. Enjoy the meeting!"), m.Table)})
	}
	if _, err := h.s.Cancel(ctx, m.EventID, side, who, now); err != nil {
		return bot.ActionResult{}, err
	}
	return ok(map[string]any{"result_text": idn.Pick(call.Lang,
		"Baik, pertemuan Bapak/Ibu hari ini kami batalkan dan tempatnya kami berikan kepada peserta lain. Mitra dan UMKM yang terdampak sudah kami kabari. Terima kasih atas kabarnya.",
		"All right, we cancelled your meetings for today and give the places to others. The people affected have been told. Thank you for letting us know.")})
}

// sideOf says whether the contact is the meeting's owner or partner, and
// that side's id ("" when neither).
func (h *handlers) sideOf(ctx context.Context, call bot.ActionCall, m *store.MeetingInfo) (string, int64, error) {
	if inv, err := h.s.Match.InvitationOf(ctx, m.EventID, call.Contact.ID); err != nil {
		return "", 0, err
	} else if inv == m.InvitationID {
		return match.SideOwner, inv, nil
	}
	p, err := h.s.Match.PartnerByContact(ctx, call.Contact.ID)
	if errors.Is(err, match.ErrNotFound) {
		return "", 0, nil
	}
	if err != nil {
		return "", 0, err
	}
	if p.ID == m.PartnerID {
		return match.SidePartner, p.ID, nil
	}
	return "", 0, nil
}

// myAgenda shows the contact's agenda of the soonest temu bisnis they
// have meetings at, with its .ics file.
func (h *handlers) myAgenda(ctx context.Context, call bot.ActionCall, now time.Time) (bot.ActionResult, error) {
	evs, err := h.s.Match.TemuEvents(ctx, now)
	if err != nil {
		return bot.ActionResult{}, err
	}
	var partnerID int64
	if p, err := h.s.Match.PartnerByContact(ctx, call.Contact.ID); err == nil {
		partnerID = p.ID
	} else if !errors.Is(err, match.ErrNotFound) {
		return bot.ActionResult{}, err
	}
	for _, e := range evs {
		eventID, _ := strconv.ParseInt(e[0], 10, 64)
		setup, err := h.s.Match.Setup(ctx, eventID)
		if errors.Is(err, match.ErrNotFound) {
			continue
		}
		if err != nil {
			return bot.ActionResult{}, err
		}
		if setup.Version == 0 {
			continue // not published yet
		}
		side, id := "", int64(0)
		if inv, err := h.s.Match.InvitationOf(ctx, eventID, call.Contact.ID); err != nil {
			return bot.ActionResult{}, err
		} else if inv != 0 {
			side, id = match.SideOwner, inv
		} else if partnerID != 0 {
			side, id = match.SidePartner, partnerID
		} else {
			continue
		}
		a, err := h.s.Agenda(ctx, eventID, side, id)
		if err != nil {
			return bot.ActionResult{}, err
		}
		if len(a.Items) == 0 && side == match.SidePartner {
			continue
		}
		var msgs []channel.Outbound
		if len(a.Items) > 0 {
			msgs = append(msgs, channel.Outbound{Media: &channel.Media{Kind: "document", Name: "jadwal-temu-bisnis.ics", MIME: "text/calendar", Data: a.ICS(now), Caption: e[1]}})
		}
		return ok(map[string]any{"result_text": a.Text(call.Lang)}, msgs...)
	}
	return ok(map[string]any{"result_text": idn.Pick(call.Lang,
		"Belum ada jadwal temu bisnis untuk Bapak/Ibu. Jadwal dikirim ke sini setelah petugas menyusunnya.",
		"There is no matchmaking schedule for you yet. It is sent here once the staff have made it.")})
}
