// Package outcomeactions holds the Go actions of flows/hasil.yaml, the
// questions about what came of an event (issue 16): loading the question a
// pressed button or the keyword `hasil` is about, reading a typed answer
// such as "sudah sepakat, pesanan 15 jt per bulan" with the registration's
// money reader, and recording the answer (store.EventRepo.AnswerOutcome).
// A question is only ever answered by the contact it was asked of.
package outcomeactions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/bot"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
)

// The actions' names.
const (
	ActLoad = "outcome.load"
	ActRead = "outcome.read"
	ActSave = "outcome.save"
)

// Names lists the actions Register adds, for `flows check`.
func Names() []string { return []string{ActLoad, ActRead, ActSave} }

// Store is what the actions need of the database.
type Store interface {
	OutcomeFor(ctx context.Context, token string, contactID int64) (*event.Outcome, *event.Event, error)
	LatestOutcome(ctx context.Context, contactID int64, now time.Time) (*event.Outcome, *event.Event, error)
	AnswerOutcome(ctx context.Context, token string, contactID int64, a store.OutcomeAnswer, now time.Time) (*event.Outcome, error)
}

// Register adds the outcome actions to a.
func Register(a bot.Actions, db Store) error {
	if db == nil {
		return errors.New("outcome actions: no database")
	}
	x := &actions{db: db}
	for name, fn := range map[string]bot.Action{ActLoad: x.load, ActRead: x.read, ActSave: x.save} {
		if err := a.Register(name, fn); err != nil {
			return err
		}
	}
	return nil
}

type actions struct{ db Store }

func result(kv ...any) bot.ActionResult {
	r := bot.ActionResult{Answers: map[string]any{"error_text": ""}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Answers[kv[i].(string)] = kv[i+1]
	}
	return r
}

func fail(text string) (bot.ActionResult, error) {
	return bot.ActionResult{Answers: map[string]any{"error_text": text}}, nil
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

// load: otoken, round ("after" or "followup"), is_meeting, counterpart,
// event_title, months, preset (the pressed answer, "" typed), answered.
func (x *actions) load(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	lang := call.Lang
	token, preset := event.SplitOutcomeParam(arg(call, "param"))
	var o *event.Outcome
	var ev *event.Event
	var err error
	if token == "" {
		o, ev, err = x.db.LatestOutcome(ctx, call.Contact.ID, call.Now)
	} else {
		o, ev, err = x.db.OutcomeFor(ctx, token, call.Contact.ID)
	}
	if errors.Is(err, store.ErrOutcomeNotFound) {
		return fail(idn.Pick(lang, "Maaf, pertanyaan tentang acara itu tidak kami temukan untuk percakapan ini. Ketik *acara* untuk melihat undangan Bapak/Ibu.",
			"Sorry, we cannot find that question about an event for this chat. Type *acara* to see your invitations."))
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	round := "followup"
	if o.Round == event.RoundAfter {
		round = "after"
	}
	if !validPreset(o, preset) {
		preset = ""
	}
	counterpart := o.Counterpart
	if counterpart == "" {
		counterpart = idn.Pick(lang, "mitra yang Bapak/Ibu temui", "the partner you met")
	}
	return result("otoken", o.Token, "round", round, "is_meeting", o.Counterpart != "" || ev.Kind == event.TemuBisnis,
		"counterpart", counterpart, "event_title", ev.Title, "months", o.Round.Months(), "preset", preset, "answered", o.Answered()), nil
}

func validPreset(o *event.Outcome, p string) bool {
	if p == "" {
		return false
	}
	if o.Round != event.RoundAfter {
		return p == "ya" || p == "tidak"
	}
	for _, r := range append(append([]event.Rating{}, event.MeetingRatings...), event.SeminarRatings...) {
		if string(r) == p {
			return true
		}
	}
	return false
}

// read parses the typed story (what came of the connection) and records
// what it found: deal_kind, deal_status, deal_value (0 not said),
// in_contact.
func (x *actions) read(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	d := event.ParseDeal(arg(call, "story"), call.Lang)
	if d.InContact == "" {
		d.InContact = "ya" // they pressed "Ya, masih" or said yes before telling the story
	}
	a := store.OutcomeAnswer{InContact: d.InContact, DealKind: d.Kind, DealStatus: d.Status, DealValue: d.Value, DealPer: d.Per, Note: arg(call, "story")}
	if _, err := x.db.AnswerOutcome(ctx, arg(call, "token"), call.Contact.ID, a, call.Now); errors.Is(err, store.ErrOutcomeNotFound) {
		return fail(idn.Pick(call.Lang, "Maaf, pertanyaan itu tidak kami temukan.", "Sorry, we cannot find that question."))
	} else if err != nil {
		return bot.ActionResult{}, err
	}
	return result("in_contact", d.InContact, "deal_kind", string(d.Kind), "deal_status", string(d.Status), "deal_value", d.Value), nil
}

// save records the answers given as args (rating, wants_next, in_contact,
// deal_kind, deal_status, deal_value) and returns summary_text, the answer
// as it was understood.
func (x *actions) save(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	lang := call.Lang
	a := store.OutcomeAnswer{
		Rating: event.Rating(arg(call, "rating")), WantsNext: arg(call, "wants_next"), InContact: arg(call, "in_contact"),
		DealKind: event.DealKind(arg(call, "deal_kind")), DealStatus: event.DealStatus(arg(call, "deal_status")),
	}
	if v := arg(call, "deal_value"); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err == nil && n > 0 {
			a.DealValue = int64(n)
			a.DealPer = idn.Period(arg(call, "deal_per"))
		}
	}
	o, err := x.db.AnswerOutcome(ctx, arg(call, "token"), call.Contact.ID, a, call.Now)
	if errors.Is(err, store.ErrOutcomeNotFound) {
		return fail(idn.Pick(lang, "Maaf, pertanyaan itu tidak kami temukan.", "Sorry, we cannot find that question."))
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	return result("summary_text", event.OutcomeSummary(o, lang)), nil
}
