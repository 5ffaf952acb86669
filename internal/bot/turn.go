package bot

// This file holds the turn: one message's work under the contact's lock
// (load the contact, route, step the engine, run the actions it asks for,
// render), of which nothing is saved unless every step succeeded.

import (
	"context"
	"fmt"
	"maps"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/flow"
)

// turnState is one message's work: what the contact is, what we say back.
type turnState struct {
	contact contact.Contact
	created bool
	fc      flow.Contact
	lang    string
	out     []channel.Outbound
	// next is the session to store (nil: none); answers and ended are what
	// the turn left, for Config.OnTurn.
	next    *flow.Session
	answers map[string]any
	ended   string
	// prev is the note the previous turn kept beside the session.
	// resumeAsked says this turn asked "continue or start over?";
	// contactAt is when the contact was last read from the database with
	// no action run since (zero: unknown, read it next time).
	prev        note
	resumeAsked bool
	contactAt   time.Time
}

// note is what this turn keeps beside the session for the next one.
func (t *turnState) note() note {
	return note{resume: t.resumeAsked, contactAt: t.contactAt}
}

// turn does steps 3 to 7 of the pipeline under the contact's lock. Nothing
// is saved unless every step succeeded.
func (b *Bot) turn(ctx context.Context, in channel.Inbound, force *forced, sess *flow.Session, prev note) (turnState, error) {
	t := turnState{prev: prev}
	now := b.cfg.Clock()
	seen := contact.Seen{
		Channel: string(in.From.Channel), ExternalID: in.From.ExternalID,
		DisplayName: in.DisplayName, At: now,
		// in.Language is not used: many phones here run in English while
		// their owners read Indonesian best. Indonesian first; `bahasa`
		// switches.
	}
	// Only a phone the platform vouches for is stored on the contact
	// (vouchedPhone); anything else is only an answer.
	seen.Phone, seen.PhoneSource = vouchedPhone(in)
	c, ok := cachedContact(in.From, sess, prev, seen, now)
	created := false
	var err error
	if ok {
		t.contactAt = prev.contactAt
	} else {
		c, created, err = b.cfg.Contacts.UpsertContact(ctx, seen)
		if err != nil {
			return t, fail("contact", err)
		}
		// The saved copy may stand in until the upsert would write
		// last_seen again (contact.go).
		t.contactAt = c.LastSeen
		if t.contactAt.IsZero() || t.contactAt.After(now) {
			t.contactAt = now
		}
	}
	t.contact, t.created, t.lang = c, created, c.Language
	t.fc = flowContact(c, ok)
	if sess != nil {
		t.lang = sess.Lang
	}
	var def *flow.Definition
	var res flow.Result
	if force != nil {
		def, res, err = b.start(force.def, &t, force.params, now)
	} else {
		def, res, err = b.route(in, &t, sess, now)
	}
	if err != nil {
		return t, fail("flow", err)
	}
	var extra []channel.Outbound
	var msgs []flow.Message
	for round := 0; ; round++ {
		msgs = append(msgs, res.Messages...)
		if res.Session != nil {
			t.lang = res.Session.Lang
		}
		if len(res.Effects) == 0 && !res.Wait {
			break
		}
		if round >= MaxActionRounds {
			return t, fail("flow", fmt.Errorf("flow %s asked for actions %d times in one message", def.ID, round))
		}
		// An action may change the contact row (a phone, consent, a
		// deletion): the next turn reads it again.
		t.contactAt = time.Time{}
		result, more, err := b.runEffects(ctx, in, &t, res)
		if err != nil {
			return t, err
		}
		extra = append(extra, more...)
		if !res.Wait || res.Session == nil {
			break
		}
		res, err = flow.Step(def, res.Session, flow.Input{Kind: flow.InResult, Result: result, MessageID: in.MessageID}, now)
		if err != nil {
			return t, fail("flow", fmt.Errorf("step %s after actions: %w", def.ID, err))
		}
	}
	t.next = res.Session
	var dropped []string
	t.out, dropped = render(msgs, extra)
	withLang(t.out, t.lang)
	for _, ref := range dropped {
		b.log.Warn("flow media not produced by any action this turn; sent without it",
			"flow", def.ID, "ref", ref, "contact", maskAddr(in.From))
	}
	t.ended = res.Ended
	t.answers = res.Final
	if res.Session != nil {
		t.answers = res.Session.Answers
	}
	return t, nil
}

// runEffects runs the actions one engine step asked for, in order, and
// merges their answers for the next step.
func (b *Bot) runEffects(ctx context.Context, in channel.Inbound, t *turnState, res flow.Result) (map[string]any, []channel.Outbound, error) {
	var answers map[string]any
	lang := t.lang
	if res.Session != nil {
		answers = res.Session.Answers
		lang = res.Session.Lang
	}
	merged := map[string]any{}
	var msgs []channel.Outbound
	for _, eff := range res.Effects {
		act, ok := b.cfg.Actions[eff.Action]
		if !ok {
			return nil, nil, fail("action", fmt.Errorf("action %s is not registered", eff.Action))
		}
		call := ActionCall{
			Contact: t.fc, Address: in.From, Answers: answers, Args: eff.Args,
			MessageID: in.MessageID, Now: b.cfg.Clock(), Lang: lang,
		}
		call.Contact.Lang = lang
		r, err := act(ctx, call)
		if err != nil {
			return nil, nil, fail("action", fmt.Errorf("action %s: %w", eff.Action, err))
		}
		maps.Copy(merged, r.Answers)
		msgs = append(msgs, r.Messages...)
	}
	return merged, msgs, nil
}
