package whatsapp

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/idn"
)

// offer is the numbered choices last shown to a contact. WhatsApp has no
// buttons, so "2" only means something next to the list it answers: the
// adapter remembers the list and turns a number (or an option's exact
// words) into the choice, as if a button had been pressed. This matters most
// for messages the outbox sends (an invitation's "1. Hadir"), which no
// conversation holds.
type offer struct {
	values []string
	labels []string
	multi  bool
	at     time.Time
}

// offerTTL is how long a shown list stays answerable by number.
const offerTTL = 14 * 24 * time.Hour

// offerTable holds the last list shown per contact (by ExternalID).
type offerTable struct {
	mu  sync.Mutex
	max int
	m   map[string]offer
}

func newOfferTable(max int) *offerTable {
	return &offerTable{max: max, m: make(map[string]offer)}
}

// shown records what a message showed: its choices, or none (a message
// without choices makes earlier numbers meaningless).
func (t *offerTable) shown(key string, out channel.Outbound, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(out.Choices) == 0 {
		// Only the text part of a message clears; an attachment sent after
		// a list (the .ics under a confirmation) does not.
		if out.Media == nil {
			t.m[key] = offer{at: now}
		}
		return
	}
	o := offer{multi: out.Multi, at: now}
	for _, c := range out.Choices {
		o.values = append(o.values, c.Value)
		o.labels = append(o.labels, c.Label)
	}
	t.m[key] = o
	if len(t.m) > t.max {
		t.prune(now)
	}
}

// prune drops expired lists, then the oldest until under max.
func (t *offerTable) prune(now time.Time) {
	for k, o := range t.m {
		if now.Sub(o.at) > offerTTL {
			delete(t.m, k)
		}
	}
	for len(t.m) > t.max {
		var oldK string
		var oldT time.Time
		for k, o := range t.m {
			if oldK == "" || o.at.Before(oldT) {
				oldK, oldT = k, o.at
			}
		}
		delete(t.m, oldK)
	}
}

// get returns the list last shown to key; known says whether anything was
// sent to key since the start (a list, or a message without one).
func (t *offerTable) get(key string, now time.Time) (o offer, known bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	o, known = t.m[key]
	if known && now.Sub(o.at) > offerTTL {
		return offer{}, true
	}
	return o, known
}

// pick maps a reply to one of the offered values: "2", "2.", "no 2",
// "nomor 2", or an option's words exactly (any case).
func (o offer) pick(text string) (string, bool) {
	if len(o.values) == 0 || o.multi {
		return "", false
	}
	s := strings.ToLower(strings.TrimSpace(text))
	if n, ok := number(s); ok {
		if n >= 1 && n <= len(o.values) {
			return o.values[n-1], true
		}
		return "", false
	}
	for i, l := range o.labels {
		if strings.EqualFold(strings.TrimSpace(l), s) {
			return o.values[i], true
		}
	}
	return "", false
}

// number reads a bare option number: "2", "2.", "(2)", "no 2", "nomor 2", "no. 2".
func number(s string) (int, bool) {
	for _, p := range []string{"nomor", "no.", "no", "angka"} {
		if rest, ok := strings.CutPrefix(s, p); ok && rest != "" && (rest[0] == ' ' || rest[0] == '.') {
			s = strings.TrimSpace(strings.TrimPrefix(rest, "."))
			break
		}
	}
	s = strings.Trim(s, "().") // "2." "(2)"
	if s == "" || len(s) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// storedOffer is the fallback after a restart: the choices of the last
// outbox message sent to key, when the contact has not written since it
// went out (otherwise the number may answer something later, which only
// the memory of this process could tell).
func (a *Adapter) storedOffer(ctx context.Context, key string) (offer, bool) {
	if a.cfg.LastSent == nil {
		return offer{}, false
	}
	choices, sentAt, ok, err := a.cfg.LastSent(ctx, key)
	if err != nil {
		a.log.Warn("whatsapp: read the last outbox message", "to", idn.MaskPhone(key), "err", err)
		return offer{}, false
	}
	if !ok || len(choices) == 0 {
		return offer{}, false
	}
	if a.cfg.LastSeen != nil {
		if seen, known, err := a.cfg.LastSeen(ctx, key); err == nil && known && seen.After(sentAt) {
			return offer{}, false
		}
	}
	if a.cfg.Now().Sub(sentAt) > offerTTL {
		return offer{}, false
	}
	o := offer{at: sentAt}
	for _, c := range choices {
		o.values = append(o.values, c.Value)
		o.labels = append(o.labels, c.Label)
	}
	return o, true
}

// answerOffer turns a text reply into the choice it picks from the list
// last shown to the contact, if it picks one.
func (a *Adapter) answerOffer(ctx context.Context, in *channel.Inbound) {
	if in.Kind != channel.KindText {
		return
	}
	key := in.From.ExternalID
	o, known := a.offers.get(key, a.cfg.Now())
	if !known {
		if _, isNum := number(strings.ToLower(strings.TrimSpace(in.Text))); !isNum {
			return // words are matched by the engine; only numbers need the list
		}
		o, _ = a.storedOffer(ctx, key)
	}
	if v, ok := o.pick(in.Text); ok {
		in.Kind, in.Choice = channel.KindChoice, v
	}
}
