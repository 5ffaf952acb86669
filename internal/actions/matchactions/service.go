// Package matchactions is the temu bisnis matchmaking as use cases: the
// Service staff reach through `jejaring match` and the dashboard (the plan's
// feasibility, a scheduler run, publishing the agendas, a cancellation on the
// day and its re-run, locking or moving a meeting) and the Go actions the
// chat flows run (flows/mitra.yaml: a partner registers and marks owners;
// flows/temu_pilih.yaml: an owner who said Hadir picks partners;
// flows/pertemuan.yaml: the agenda and the nudge's two buttons).
//
// Every message a run or a publication sends is an outbox row written in the
// transaction that records the meetings, so a crash loses nothing and sends
// nothing twice (the rows' dedupe keys name the publication version and the
// meeting's slot and table).
package matchactions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/match"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
)

// Service is the matchmaking of one database.
type Service struct {
	Match  *store.MatchRepo
	Events *store.EventRepo
}

// NewService returns the service on db; events is the app's event
// repository (nil: a plain one on db).
func NewService(db *store.DB, events *store.EventRepo) *Service {
	if events == nil {
		events = store.NewEventRepo(db)
	}
	return &Service{Match: store.NewMatchRepo(db), Events: events}
}

// PlanReport is what staff see before the event: the arithmetic of the grid
// and, once wishes are in, the sharper bound of the relaxation.
type PlanReport struct {
	Event    *event.Event
	Setup    *match.Setup
	Plan     match.Plan
	Owners   int // coming (Hadir)
	Partners int
	Wishes   int
	// Bound is the most owners and weight any schedule can reach with the
	// wishes so far.
	Bound match.Bound
}

// Text is the report in the language.
func (p *PlanReport) Text(lang string) string {
	plan := p.Plan.Indonesian()
	if idn.English(lang) {
		plan = p.Plan.English()
	}
	return plan + "\n" + fmt.Sprintf(idn.Pick(lang,
		"%d mitra, %d keinginan; dengan keinginan saat ini paling banyak %d dari %d UMKM bisa mendapat pertemuan.",
		"%d partners, %d wishes; with the wishes so far at most %d of %d owners can have a meeting."),
		p.Partners, p.Wishes, p.Bound.Coverage, p.Owners)
}

// ErrNoSetup says staff have not set the event's slots and tables.
var ErrNoSetup = errors.New("slot dan meja temu bisnis ini belum diatur (jejaring match setup) / the event's slots and tables are not set (jejaring match setup)")

// input loads everything a run needs.
func (s *Service) input(ctx context.Context, eventID int64, now time.Time) (*match.EventInput, error) {
	setup, err := s.Match.Setup(ctx, eventID)
	if errors.Is(err, match.ErrNotFound) {
		return nil, ErrNoSetup
	}
	if err != nil {
		return nil, err
	}
	in := &match.EventInput{Setup: *setup, Now: now}
	if in.Owners, err = s.Match.Attendees(ctx, eventID); err != nil {
		return nil, err
	}
	if in.Partners, err = s.Match.EventPartners(ctx, eventID); err != nil {
		return nil, err
	}
	if in.Wishes, err = s.Match.Wishes(ctx, eventID); err != nil {
		return nil, err
	}
	if in.Meetings, err = s.Match.Meetings(ctx, eventID); err != nil {
		return nil, err
	}
	return in, nil
}

// Plan reports the event's feasibility.
func (s *Service) Plan(ctx context.Context, eventID int64, now time.Time) (*PlanReport, error) {
	ev, err := s.Events.Event(ctx, eventID)
	if err != nil {
		return nil, err
	}
	in, err := s.input(ctx, eventID, time.Time{})
	if err != nil {
		return nil, err
	}
	rep := &PlanReport{Event: ev, Setup: &in.Setup, Owners: len(in.Owners), Partners: len(in.Partners), Wishes: len(in.Wishes)}
	rep.Plan = match.Feasibility(in.Setup.Slots, in.Setup.Tables, len(in.Owners))
	inst, _ := match.BuildInstance(in)
	b, err := match.Relax(inst)
	if err != nil {
		return nil, fmt.Errorf("bound of event %d: %w", eventID, err)
	}
	rep.Bound = b
	return rep, nil
}

// RunReport is what a run did.
type RunReport struct {
	Schedule *match.Schedule
	Meetings []match.Booked
	Changes  []match.Change // people whose announced day changed
	Notified int            // change notices queued
	Owners   int
}

// Run schedules the event (a re-run from the announced meetings when there
// are any) and stores the meetings. Once the agendas are published, the
// people whose day changed are told in the same transaction, and the new
// meetings count as announced. skip names a person not to notify (the one
// who just cancelled and was answered in the chat).
func (s *Service) Run(ctx context.Context, eventID int64, now time.Time, skip ...string) (*RunReport, error) {
	in, err := s.input(ctx, eventID, now)
	if err != nil {
		return nil, err
	}
	inst, prev := match.BuildInstance(in)
	sch, err := match.Resolve(inst, prev)
	if err != nil {
		return nil, fmt.Errorf("schedule event %d: %w", eventID, err)
	}
	if err := match.Validate(inst, sch); err != nil {
		return nil, fmt.Errorf("schedule of event %d breaks a rule (a bug): %w", eventID, err)
	}
	booked, err := match.Booking(sch, in.Meetings)
	if err != nil {
		return nil, err
	}
	rep := &RunReport{Schedule: sch, Owners: len(in.Owners)}
	var notices func([]match.Booked) []outbox.Message
	if in.Setup.Version > 0 {
		// Published: the new meetings count as announced, and the people
		// whose day changed are told in the transaction that stores it.
		for i := range booked {
			booked[i].Announced = true
		}
		c, err := s.context(ctx, eventID)
		if err != nil {
			return nil, err
		}
		skipSet := map[string]bool{}
		for _, k := range skip {
			skipSet[k] = true
		}
		notices = func(saved []match.Booked) []outbox.Message {
			c.meetings = saved
			rep.Changes = match.Diff(in.Meetings, saved)
			var msgs []outbox.Message
			for ci := range rep.Changes {
				ch := &rep.Changes[ci]
				if skipSet[ch.Side+fmt.Sprint(ch.ID)] {
					continue
				}
				ms := c.changeMessages(ch, now)
				if len(ms) > 0 {
					rep.Notified++
				}
				msgs = append(msgs, ms...)
			}
			return msgs
		}
	}
	saved, err := s.Match.SaveRun(ctx, eventID, booked, sch, notices, now)
	if err != nil {
		return nil, err
	}
	rep.Meetings = saved
	return rep, nil
}

// Publish sends every owner and partner their agenda with its .ics file and
// queues the nudges before each meeting; the meetings count as announced.
// It returns how many people were sent an agenda.
func (s *Service) Publish(ctx context.Context, eventID int64, now time.Time) (int, error) {
	c, err := s.context(ctx, eventID)
	if err != nil {
		return 0, err
	}
	if c.meetings, err = s.Match.Meetings(ctx, eventID); err != nil {
		return 0, err
	}
	version := c.setup.Version + 1
	var msgs []outbox.Message
	sent := 0
	for _, o := range c.owners {
		a := c.agenda(match.SideOwner, o.InvitationID)
		ms := c.agendaMessages(a, version, now)
		if len(ms) > 0 {
			sent++
		}
		msgs = append(msgs, ms...)
	}
	for _, p := range c.partners {
		a := c.agenda(match.SidePartner, p.ID)
		ms := c.agendaMessages(a, version, now)
		if len(ms) > 0 {
			sent++
		}
		msgs = append(msgs, ms...)
	}
	if _, err := s.Match.MarkAnnounced(ctx, eventID, msgs, now); err != nil {
		return 0, err
	}
	return sent, nil
}

// Cancel records that a person cannot come from the next slot on and
// re-runs the schedule, telling the people whose meetings changed (not the
// person who cancelled).
func (s *Service) Cancel(ctx context.Context, eventID int64, side string, id int64, now time.Time) (*RunReport, error) {
	setup, err := s.Match.Setup(ctx, eventID)
	if err != nil {
		return nil, err
	}
	if err := s.Match.SetAbsent(ctx, eventID, side, id, setup.FirstOpenSlot(now), now); err != nil {
		return nil, err
	}
	return s.Run(ctx, eventID, now, side+fmt.Sprint(id))
}

// Agenda is one person's agenda as it stands.
func (s *Service) Agenda(ctx context.Context, eventID int64, side string, id int64) (*match.Agenda, error) {
	c, err := s.context(ctx, eventID)
	if err != nil {
		return nil, err
	}
	if c.meetings, err = s.Match.Meetings(ctx, eventID); err != nil {
		return nil, err
	}
	return c.agenda(side, id), nil
}

// AgendaOf is every agenda of an event, owners first, for the dashboard
// and printed sheets.
func (s *Service) Agendas(ctx context.Context, eventID int64) ([]*match.Agenda, error) {
	c, err := s.context(ctx, eventID)
	if err != nil {
		return nil, err
	}
	if c.meetings, err = s.Match.Meetings(ctx, eventID); err != nil {
		return nil, err
	}
	var out []*match.Agenda
	for _, o := range c.owners {
		out = append(out, c.agenda(match.SideOwner, o.InvitationID))
	}
	for _, p := range c.partners {
		out = append(out, c.agenda(match.SidePartner, p.ID))
	}
	return out, nil
}

// Move puts a meeting into another slot and table, if the schedule still
// keeps every rule with it (match.ValidateMeetings); the moved meeting is
// locked there so a re-run keeps it. Once published, both people are told.
func (s *Service) Move(ctx context.Context, eventID, meetingID int64, slot, table int, now time.Time) error {
	in, err := s.input(ctx, eventID, time.Time{})
	if err != nil {
		return err
	}
	found := false
	for i := range in.Meetings {
		if in.Meetings[i].ID == meetingID {
			in.Meetings[i].Slot, in.Meetings[i].Table, in.Meetings[i].Locked = slot, table, true
			found = true
		}
	}
	if !found {
		return fmt.Errorf("meeting %d: %w", meetingID, match.ErrNotFound)
	}
	inst, _ := match.BuildInstance(&match.EventInput{Setup: in.Setup, Owners: in.Owners, Partners: in.Partners, Wishes: in.Wishes})
	ms := make([]match.Meeting, len(in.Meetings))
	for i, m := range in.Meetings {
		ms[i] = match.Meeting{Owner: match.OwnerKey(m.InvitationID), Partner: match.PartnerKey(m.PartnerID), Slot: m.Slot, Table: m.Table}
	}
	if _, _, err := match.ValidateMeetings(inst, ms); err != nil {
		return err
	}
	old, _ := s.Match.Meetings(ctx, eventID)
	booked := append([]match.Booked(nil), in.Meetings...)
	published := in.Setup.Version > 0
	for i := range booked {
		if booked[i].ID == meetingID {
			booked[i].Announced = published
		}
	}
	var notices func([]match.Booked) []outbox.Message
	if published {
		c, err := s.context(ctx, eventID)
		if err != nil {
			return err
		}
		notices = func(saved []match.Booked) []outbox.Message {
			c.meetings = saved
			var msgs []outbox.Message
			for _, ch := range match.Diff(old, saved) {
				msgs = append(msgs, c.changeMessages(&ch, now)...)
			}
			return msgs
		}
	}
	_, err = s.Match.SaveRun(ctx, eventID, booked, nil, notices, now)
	return err
}

// Lock locks or unlocks a meeting where it is.
func (s *Service) Lock(ctx context.Context, meetingID int64, locked bool, now time.Time) error {
	return s.Match.SetLocked(ctx, meetingID, locked, now)
}

// eventContext is an event with the people and names an agenda needs.
type eventContext struct {
	ev         *event.Event
	setup      *match.Setup
	owners     []match.OwnerProfile
	ownerBy    map[int64]*match.OwnerProfile
	partners   []match.PartnerProfile
	partnerBy  map[int64]*match.PartnerProfile
	ownerAddr  map[int64]store.Addressee
	partAddr   map[int64]store.Addressee
	meetings   []match.Booked
	lang       func(side string, id int64) string
	dedupeBase string
}

func (s *Service) context(ctx context.Context, eventID int64) (*eventContext, error) {
	ev, err := s.Events.Event(ctx, eventID)
	if err != nil {
		return nil, err
	}
	setup, err := s.Match.Setup(ctx, eventID)
	if errors.Is(err, match.ErrNotFound) {
		return nil, ErrNoSetup
	}
	if err != nil {
		return nil, err
	}
	c := &eventContext{ev: ev, setup: setup, ownerBy: map[int64]*match.OwnerProfile{}, partnerBy: map[int64]*match.PartnerProfile{},
		dedupeBase: fmt.Sprintf("match:%d", eventID)}
	if c.owners, err = s.Match.Owners(ctx, eventID); err != nil {
		return nil, err
	}
	for i := range c.owners {
		c.ownerBy[c.owners[i].InvitationID] = &c.owners[i]
	}
	if c.partners, err = s.Match.EventPartnerProfiles(ctx, eventID); err != nil {
		return nil, err
	}
	for i := range c.partners {
		c.partnerBy[c.partners[i].ID] = &c.partners[i]
	}
	if c.ownerAddr, err = s.Match.OwnerAddresses(ctx, eventID); err != nil {
		return nil, err
	}
	if c.partAddr, err = s.Match.PartnerAddresses(ctx, eventID); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *eventContext) addr(side string, id int64) (store.Addressee, bool) {
	if side == match.SidePartner {
		a, ok := c.partAddr[id]
		return a, ok
	}
	a, ok := c.ownerAddr[id]
	return a, ok
}

// ownerAbout is what a partner reads of an owner.
func ownerAbout(o *match.OwnerProfile, lang string) string {
	var parts []string
	if o.Products != "" {
		parts = append(parts, o.Products)
	}
	if len(o.Needs) > 0 {
		parts = append(parts, idn.Pick(lang, "mencari: ", "looking for: ")+needsText(o.Needs, lang))
	}
	return strings.Join(parts, "; ")
}

var needLabels = map[string]idn.Text{
	"modal":        {ID: "modal", EN: "capital"},
	"pembeli":      {ID: "pembeli", EN: "buyers"},
	"pemasok":      {ID: "pemasok", EN: "suppliers"},
	"pendampingan": {ID: "pendampingan", EN: "mentoring"},
	"perizinan":    {ID: "perizinan", EN: "permits"},
}

func needsText(needs []string, lang string) string {
	out := make([]string, len(needs))
	for i, n := range needs {
		if t, ok := needLabels[n]; ok {
			out[i] = t.In(lang)
		} else {
			out[i] = n
		}
	}
	return strings.Join(out, ", ")
}

// partnerAbout is what an owner reads of a partner.
func partnerAbout(p *match.PartnerProfile, lang string) string {
	s := p.Kind.Label(lang)
	if p.Offer != "" {
		s += ": " + p.Offer
	}
	return s
}

func partnerName(p *match.PartnerProfile) string {
	if p.ContactPerson != "" {
		return p.Organisation + " (" + p.ContactPerson + ")"
	}
	return p.Organisation
}

func ownerName(o *match.OwnerProfile) string {
	if o.OwnerName != "" && o.OwnerName != o.Name {
		return o.Name + " (" + o.OwnerName + ")"
	}
	return o.Name
}

func (c *eventContext) language(side string, id int64) string {
	if a, ok := c.addr(side, id); ok && a.Lang != "" {
		return a.Lang
	}
	return "id"
}

// agenda builds one person's agenda from c.meetings.
func (c *eventContext) agenda(side string, id int64) *match.Agenda {
	lang := c.language(side, id)
	a := &match.Agenda{EventID: c.ev.ID, EventTitle: c.ev.Title, Venue: c.ev.Venue, Side: side, ID: id}
	if side == match.SideOwner {
		if o := c.ownerBy[id]; o != nil {
			a.Name = o.OwnerName
		}
	} else if p := c.partnerBy[id]; p != nil {
		a.Name = partnerName(p)
	}
	for _, m := range c.meetings {
		it := match.AgendaItem{MeetingID: m.ID, Slot: m.Slot, Start: c.setup.SlotStart(m.Slot), End: c.setup.SlotEnd(m.Slot), Table: m.Table}
		switch {
		case side == match.SideOwner && m.InvitationID == id:
			if p := c.partnerBy[m.PartnerID]; p != nil {
				it.With, it.About = partnerName(p), partnerAbout(p, lang)
			}
		case side == match.SidePartner && m.PartnerID == id:
			if o := c.ownerBy[m.InvitationID]; o != nil {
				it.With, it.About = ownerName(o), ownerAbout(o, lang)
			}
		default:
			continue
		}
		a.Items = append(a.Items, it)
	}
	a.Sort()
	return a
}

func (c *eventContext) message(a *match.Agenda, kind, key, text string, now time.Time) (outbox.Message, bool) {
	to, ok := c.addr(a.Side, a.ID)
	if !ok {
		return outbox.Message{}, false
	}
	lang := c.language(a.Side, a.ID)
	p := outbox.Payload{Text: text, Lang: lang}
	if len(a.Items) > 0 {
		p.Then = []outbox.Payload{{Media: &outbox.Media{Kind: "document", Name: "jadwal-temu-bisnis.ics", MIME: "text/calendar",
			Data: a.ICS(now), Caption: c.ev.Title}}}
	}
	return outbox.Message{Kind: kind, To: to.To, ContactID: to.ContactID, EventID: c.ev.ID, DedupeKey: key, Payload: p,
		Priority: outbox.PriorityPersonal}, true
}

func (c *eventContext) agendaMessages(a *match.Agenda, version int, now time.Time) []outbox.Message {
	m, ok := c.message(a, store.KindMatchAgenda, fmt.Sprintf("%s:agenda:v%d:%s%d", c.dedupeBase, version, a.Side, a.ID), a.Text(c.language(a.Side, a.ID)), now)
	if !ok {
		return nil
	}
	return append([]outbox.Message{m}, c.nudges(a, a.Items, now)...)
}

func (c *eventContext) changeMessages(ch *match.Change, now time.Time) []outbox.Message {
	a := c.agenda(ch.Side, ch.ID)
	lang := c.language(ch.Side, ch.ID)
	names := func(b match.Booked) string {
		if ch.Side == match.SideOwner {
			if p := c.partnerBy[b.PartnerID]; p != nil {
				return partnerName(p)
			}
		} else if o := c.ownerBy[b.InvitationID]; o != nil {
			return ownerName(o)
		}
		return "?"
	}
	sig := ""
	for _, l := range [][]match.Booked{ch.Moved, ch.Added, ch.Removed} {
		for _, b := range l {
			sig += fmt.Sprintf("-%d.%d.%d.%d", b.InvitationID, b.PartnerID, b.Slot, b.Table)
		}
	}
	key := fmt.Sprintf("%s:change:%s%d:%x", c.dedupeBase, ch.Side, ch.ID, hash(sig))
	m, ok := c.message(a, store.KindMatchChange, key, match.ChangeText(a, ch, names, c.setup, lang), now)
	if !ok {
		return nil
	}
	var items []match.AgendaItem
	changed := map[int64]bool{}
	for _, l := range [][]match.Booked{ch.Moved, ch.Added} {
		for _, b := range l {
			changed[b.ID] = true
		}
	}
	for _, it := range a.Items {
		if changed[it.MeetingID] {
			items = append(items, it)
		}
	}
	return append([]outbox.Message{m}, c.nudges(a, items, now)...)
}

// nudges are the reminders ten minutes before each of items, with the two
// buttons; one whose meeting has begun is not queued.
func (c *eventContext) nudges(a *match.Agenda, items []match.AgendaItem, now time.Time) []outbox.Message {
	to, ok := c.addr(a.Side, a.ID)
	if !ok {
		return nil
	}
	lang := c.language(a.Side, a.ID)
	var out []outbox.Message
	for _, it := range items {
		if !it.Start.After(now) {
			continue
		}
		p := outbox.Payload{Text: match.NudgeText(a, it, lang), Lang: lang, Choices: nudgeChoices(it.MeetingID, lang)}
		out = append(out, outbox.Message{Kind: store.KindMatchNudge, To: to.To, ContactID: to.ContactID, EventID: c.ev.ID,
			DedupeKey: fmt.Sprintf("match-nudge:%d:%s:%d:%d", it.MeetingID, a.Side, it.Slot, it.Table), Payload: p,
			Priority: outbox.PriorityReminder, NotBefore: it.Start.Add(-match.NudgeLead), NotAfter: it.Start})
	}
	return out
}

func nudgeChoices(meetingID int64, lang string) []channel.Choice {
	id := fmt.Sprint(meetingID)
	return []channel.Choice{
		{Label: idn.Pick(lang, "Saya sudah di meja", "I am at the table"), Value: match.PayloadArrived + id},
		{Label: idn.Pick(lang, "Tidak bisa hadir", "Cannot attend"), Value: match.PayloadCancel + id},
	}
}

func hash(s string) uint32 {
	var h uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
