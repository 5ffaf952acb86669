package flow

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/namematch"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// MaxHops caps the steps one Step call may walk through, so a loop of
// say-steps in a flow definition cannot hang the bot.
const MaxHops = 64

// maxHistory bounds the steps remembered for `kembali`, so a session stays
// small however long the conversation goes round.
const maxHistory = 40

// Ended reasons (Result.Ended).
const (
	EndDone      = "done"
	EndCancelled = "cancelled"
	EndMenu      = "menu"
	EndError     = "error"
	EndGone      = "gone"
)

// ErrNoSession is returned by Step without a session.
var ErrNoSession = errors.New("flow: no session")

type run struct {
	root *Definition
	cur  *Definition
	sess *Session
	now  time.Time
	res  Result
	env  env
	hops int
}

// Start begins def for contact c in lang ("" takes the contact's language,
// then Indonesian). params land in the answers (a deep-link token) and are
// kept across `ulang`.
func Start(def *Definition, c Contact, lang string, params map[string]any, now time.Time) (Result, error) {
	if def == nil {
		return Result{}, errors.New("flow: start: no definition")
	}
	if lang == "" {
		lang = c.Lang
	}
	if lang != "en" {
		lang = "id"
	}
	s := &Session{
		FlowID: def.ID, FlowVersion: def.Version, Lang: lang,
		Answers: make(map[string]any, 24), Started: now, LastActive: now, Contact: c,
	}
	if len(params) > 0 {
		s.Params = maps.Clone(params)
		maps.Copy(s.Answers, params)
	}
	r := &run{root: def, cur: def, sess: s, now: now}
	r.env.sess = s
	r.walk(def.Start, nil)
	return r.result(), nil
}

// Step feeds one input to the conversation in sess and returns what
// follows. It does not modify sess. def is the flow the session started
// with (or any flow of the same Set): the session's current flow, possibly
// a sub-flow, is looked up by id.
func Step(def *Definition, sess *Session, in Input, now time.Time) (Result, error) {
	if sess == nil {
		return Result{}, ErrNoSession
	}
	if def == nil {
		return Result{}, errors.New("flow: step: no definition")
	}
	s := *sess
	s.Answers = maps.Clone(sess.Answers)
	// Copies, not views: kembali and pop shorten these slices and a later
	// append must not write into the caller's session.
	s.History = slices.Clone(sess.History)
	s.Stack = slices.Clone(sess.Stack)
	return step(def, &s, in, now), nil
}

// StepOwned is Step for a session the caller hands over, such as one just
// decoded from storage: it works on sess itself (its answers, history and
// stack) instead of a copy, and the caller must not use sess afterwards
// except through the Result. It saves the copy of the answers Step makes
// on every message.
func StepOwned(def *Definition, sess *Session, in Input, now time.Time) (Result, error) {
	if sess == nil {
		return Result{}, ErrNoSession
	}
	if def == nil {
		return Result{}, errors.New("flow: step: no definition")
	}
	return step(def, sess, in, now), nil
}

// step is Step on a session it may change.
func step(def *Definition, s *Session, in Input, now time.Time) Result {
	if s.Answers == nil {
		s.Answers = map[string]any{}
	}
	s.LastActive = now
	if s.Lang != "en" {
		s.Lang = "id"
	}
	r := &run{root: def, sess: s, now: now}
	r.env.sess = s
	r.cur = def
	if s.FlowID != def.ID {
		r.cur = def.set.Get(s.FlowID)
	}
	if len(s.Stack) > 0 {
		if d := def.set.Get(s.Stack[0].FlowID); d != nil {
			r.root = d
		}
	} else if r.cur != nil {
		r.root = r.cur
	}
	if r.cur == nil {
		r.say(sysText("gone", s.Lang))
		r.end(EndGone)
		return r.result()
	}
	if r.changed() {
		return r.result()
	}
	r.step(in)
	return r.result()
}

func (r *run) result() Result {
	if r.res.Ended == "" {
		r.res.Session = r.sess
	} else {
		r.res.Session = nil
		r.res.Final = r.sess.Answers
	}
	return r.res
}

// changed handles a flow edited under a live session: when the session's
// step (or a caller's step) no longer exists, the contact is told and the
// flow restarts, keeping the answers whose names still exist.
func (r *run) changed() bool {
	s := r.sess
	ok := r.cur.byID[s.Step] != nil && (s.Pending == "" || r.cur.byID[s.Pending] != nil)
	for _, f := range s.Stack {
		d := r.root.set.Get(f.FlowID)
		if d == nil || d.byID[f.Step] == nil {
			ok = false
		}
	}
	if ok {
		s.FlowVersion = r.cur.Version
		return false
	}
	keep := map[string]any{}
	names := r.root.saveNames()
	for k, v := range s.Answers {
		if names[k] || s.Params[k] != nil {
			keep[k] = v
		}
	}
	s.Answers = keep
	s.FlowID, s.FlowVersion = r.root.ID, r.root.Version
	s.Stack, s.History, s.Returning, s.Pending, s.Confirm, s.Retries = nil, nil, "", "", "", 0
	r.cur = r.root
	r.say(sysText("changed", s.Lang))
	r.walk(r.root.Start, nil)
	return true
}

// saveNames lists the answer names a flow and its sub-flows may save.
func (d *Definition) saveNames() map[string]bool {
	out := map[string]bool{}
	seen := map[string]bool{}
	var add func(d *Definition)
	add = func(d *Definition) {
		if d == nil || seen[d.ID] {
			return
		}
		seen[d.ID] = true
		for _, n := range d.Steps {
			if n.Save != "" {
				out[n.Save] = true
			}
			for _, a := range n.Set {
				out[a.Name] = true
			}
			if n.Call != "" {
				add(d.set.Get(n.Call))
			}
		}
	}
	add(d)
	return out
}

func (r *run) lang() string { return r.sess.Lang }

func (r *run) say(text string) {
	r.res.Messages = append(r.res.Messages, Message{Text: text})
}

func (r *run) end(reason string) {
	r.res.Ended = reason
	r.res.Session = nil
}

func (r *run) step(in Input) {
	s := r.sess
	n := r.cur.byID[s.Step]
	text := ""
	if in.Kind == InText {
		text = in.Text
	} else if in.Kind == InChoice {
		text = in.Choice
	}
	if in.Kind == InStart {
		// A start command inside a conversation: the bot handles deep
		// links; here it only repeats where we are.
		r.reprompt(n, "")
		return
	}
	if s.Confirm == confirmOffer {
		offer := s.Offer
		s.Confirm, s.Offer = "", nil
		if yes, ok := ParseYesNo(text); ok && in.Kind != InResult && s.Pending == "" && n != nil && n.Ask != "" {
			if rest := afterYesNo(text); rest != "" {
				// "bukan, tapan": the no, then the right answer.
				r.answer(n, Input{Kind: InText, Text: rest, MessageID: in.MessageID})
				return
			}
			if yes {
				r.acceptOffer(n, offer)
				return
			}
			r.reprompt(n, sysText("offer_no", r.lang()))
			return
		}
		// Anything else is a new answer to the question.
	}
	if s.Confirm != "" {
		what := s.Confirm
		s.Confirm = ""
		if yes, ok := ParseYesNo(text); ok {
			if yes && what == WordCancel {
				r.say(sysText("cancelled", r.lang()))
				r.end(EndCancelled)
				return
			}
			r.say(sysText("not_cancelled", r.lang()))
			r.reprompt(n, "")
			return
		}
	}
	if in.Kind != InResult && text != "" {
		if w, arg := GlobalWord(text); w != "" && n.disabled&globalBit(w) == 0 {
			r.global(n, w, arg)
			return
		}
	}
	if s.Pending != "" {
		p := r.cur.byID[s.Pending]
		if in.Kind != InResult {
			// The action failed last time (or the contact wrote while it
			// ran): ask the bot to run it again.
			r.park(p)
			return
		}
		for k, v := range in.Result {
			s.Answers[k] = plainValue(v)
		}
		s.Pending = ""
		r.afterSay(p)
		return
	}
	if in.Kind == InResult {
		r.reprompt(n, "")
		return
	}
	if n.Summary {
		r.summaryInput(n, text)
		return
	}
	if r.canSkip(n) && n.Ask != AskYesNo && n.Ask != AskChoice && n.Ask != AskMulti && IsNothing(text) {
		// "belum ada", "-": nothing to give on a question that may be left empty.
		r.skip(n)
		return
	}
	r.answer(n, in)
}

// confirmOffer is Session.Confirm while an offered answer waits for a yes.
const confirmOffer = "offer"

// acceptOffer saves the offered answer after a yes, through the step's
// `validate` like any answer.
func (r *run) acceptOffer(n *Node, offer any) {
	s := r.sess
	v := offerValue(n, offer)
	if n.validate != nil {
		ok, err := expr.Run(n.validate, r.env.expr(v))
		if b, isB := ok.(bool); err != nil || !isB || !b {
			reason := inputErr("Jawaban itu belum bisa kami terima.", "We cannot accept that answer.").in(r.lang())
			if n.Invalid != nil {
				reason = n.Invalid.render(r.lang(), &r.env)
			}
			s.Retries++
			r.reprompt(n, reason)
			return
		}
	}
	s.Retries = 0
	if n.Save != "" {
		s.Answers[n.Save] = v
	}
	r.done(n)
}

// replyWords may follow a yes or a no without adding anything ("iya
// betul pak", "gak mau").
var replyWords = map[string]bool{"pak": true, "bu": true, "bapak": true, "ibu": true, "da": true, "uni": true,
	"uda": true, "kak": true, "sekali": true, "itu": true, "ya": true, "iya": true, "iyo": true, "betul": true,
	"benar": true, "bener": true, "maksud": true, "maksudnya": true, "saya": true, "ambo": true, "deh": true,
	"sih": true, "dong": true, "lah": true, "yang": true, "tadi": true, "sudah": true, "oke": true, "ok": true,
	"mau": true, "bukan": true, "tidak": true, "salah": true, "that": true, "is": true, "right": true, "correct": true,
	"its": true, "it": true, "sir": true, "madam": true, "thanks": true, "makasih": true, "terima": true, "kasih": true,
	"no": true, "yes": true, "not": true, "wrong": true, "sip": true, "siap": true, "tu": true, "nyo": true}

// afterYesNo returns what follows a yes or no word that is more than a
// polite addition ("bukan, tapan" gives "tapan"), or "".
func afterYesNo(text string) string {
	w := strings.Fields(namematch.Fold(text))
	if len(w) < 2 {
		return ""
	}
	for i, x := range w[1:] {
		if !replyWords[x] {
			return strings.Join(w[1+i:], " ")
		}
	}
	return ""
}

// offerValue is an offered answer as the step saves it (money stays whole
// rupiah after the session's JSON round trip).
func offerValue(n *Node, v any) any {
	if n.Ask == AskMoney {
		if i, ok := toInt64(v); ok {
			return i
		}
	}
	return plainValue(v)
}

// canSkip reports whether the contact may skip step n now.
func (r *run) canSkip(n *Node) bool {
	return n != nil && n.Optional && n.Ask != "" && n.disabled&globalBit(WordSkip) == 0 && r.sess.Pending == ""
}

// skip leaves the optional step n empty and moves on.
func (r *run) skip(n *Node) {
	s := r.sess
	s.Retries = 0
	delete(s.Answers, n.Save)
	r.say(sysText("skipped", r.lang()))
	r.done(n)
}

func (r *run) answer(n *Node, in Input) {
	s := r.sess
	lang := r.lang()
	choices := r.choices(n)
	var labels [][]string
	if n.choicesID != nil && n.OptionsFrom == "" {
		labels = n.normID
		if lang == "en" {
			labels = n.normEN
		}
	}
	v, perr := n.parseWith(in, choices, labels, lang, r.now)
	if perr != nil && perr.Confirm {
		// Understood, read back for a yes: not a miss.
		s.Confirm, s.Offer = confirmOffer, perr.Offer
		r.res.Messages = append(r.res.Messages, Message{Text: perr.in(lang), Choices: slices.Clone(yesNoChoices[langIndex(lang)]), Expect: AskYesNo})
		return
	}
	if perr != nil && r.canSkip(n) && (n.Ask == AskChoice || n.Ask == AskMulti) && IsNothing(inputText(in)) {
		r.skip(n)
		return
	}
	if perr == nil && n.validate != nil {
		ok, err := expr.Run(n.validate, r.env.expr(v))
		if b, isB := ok.(bool); err != nil || !isB || !b {
			if n.Invalid != nil {
				perr = &InputError{ID: n.Invalid.render("id", &r.env), EN: n.Invalid.render("en", &r.env)}
			} else {
				perr = inputErr("Jawaban itu belum bisa kami terima.", "We cannot accept that answer.")
			}
		}
	}
	if perr != nil {
		s.Retries++
		if perr.HasOffer {
			s.Confirm, s.Offer = confirmOffer, perr.Offer
		}
		reason := perr.in(lang)
		if n.Example != nil {
			reason += "\n" + exampleWord(lang) + n.Example.render(lang, &r.env)
		}
		if s.Retries >= n.MaxRetries {
			r.struggling(n, reason)
			return
		}
		r.reprompt(n, reason)
		return
	}
	s.Retries = 0
	if n.Save != "" {
		s.Answers[n.Save] = v
	}
	r.done(n)
}

func exampleWord(lang string) string {
	if lang == "en" {
		return "Example: "
	}
	return "Contoh: "
}

// done moves on after the step n was answered or skipped.
func (r *run) done(n *Node) {
	s := r.sess
	if s.Returning != "" {
		back := s.Returning
		s.Returning = ""
		if r.cur.byID[back] != nil {
			r.walk(back, nil)
			return
		}
		// An answer of a sub-flow edited from the caller's summary.
		if k := len(s.Stack) - 1; k >= 0 && s.Stack[k].Step == back {
			if caller := r.pop(); caller != nil {
				r.walk(caller.ID, nil)
				return
			}
		}
	}
	r.walk("", n)
}

func (r *run) struggling(n *Node, reason string) {
	lang := r.lang()
	key := "struggling"
	// The question's own buttons stay: a contact who missed three times
	// may still press the right one.
	var ch []Choice
	switch n.Ask {
	case AskChoice:
		ch = shownChoices(r.choices(n))
	case AskYesNo:
		ch = slices.Clone(yesNoChoices[langIndex(lang)])
	}
	ch = append(ch, Choice{Label: sysText("opt_help", lang), Value: WordHelp})
	if n.Optional && n.disabled&globalBit(WordSkip) == 0 {
		key = "struggling_opt"
		ch = append(ch, Choice{Label: sysText("opt_skip", lang), Value: WordSkip})
	}
	ch = append(ch, Choice{Label: sysText("opt_cancel", lang), Value: WordCancel})
	r.res.Messages = append(r.res.Messages, Message{Text: reason + "\n\n" + sysText(key, lang), Choices: ch, Expect: n.Ask})
}

func (r *run) global(n *Node, w, arg string) {
	s := r.sess
	lang := r.lang()
	switch w {
	case WordCancel:
		if len(s.Answers) > len(s.Params) {
			s.Confirm = WordCancel
			r.res.Messages = append(r.res.Messages, Message{
				Text:    sysText("cancel_confirm", lang),
				Choices: []Choice{{Label: sysText("yes", lang), Value: "ya"}, {Label: sysText("no", lang), Value: "tidak"}},
				Expect:  AskYesNo,
			})
			return
		}
		r.say(sysText("cancelled", lang))
		r.end(EndCancelled)
	case WordMenu:
		r.res.Messages = append(r.res.Messages, r.root.set.Menu(lang))
		r.end(EndMenu)
	case WordLang:
		s.Lang = langArg(arg, s.Lang)
		r.say(sysText("lang_switched", s.Lang))
		r.reprompt(n, "")
	case WordHelp:
		s.Retries = 0
		var help []string
		if n.Help != nil {
			help = append(help, n.Help.render(lang, &r.env))
		} else if r.cur.Help != nil {
			help = append(help, r.cur.Help.render(lang, &r.env))
		}
		help = append(help, sysText("help", lang))
		r.say(strings.Join(help, "\n\n"))
		r.reprompt(n, "")
	case WordRestart:
		s.Answers = maps.Clone(s.Params)
		if s.Answers == nil {
			s.Answers = map[string]any{}
		}
		s.Stack, s.History, s.Returning, s.Pending, s.Retries = nil, nil, "", "", 0
		s.FlowID, s.FlowVersion = r.root.ID, r.root.Version
		r.cur = r.root
		r.say(sysText("restarted", lang))
		r.walk(r.root.Start, nil)
	case WordBack:
		h := s.History
		// The last entry is the step being asked now.
		if len(h) > 0 && h[len(h)-1] == s.Step {
			h = h[:len(h)-1]
		}
		if len(h) == 0 || r.cur.byID[h[len(h)-1]] == nil || s.Pending != "" {
			r.say(sysText("no_back", lang))
			r.reprompt(n, "")
			return
		}
		prev := h[len(h)-1]
		s.History = h[:len(h)-1]
		s.Retries = 0
		s.Returning = ""
		r.walk(prev, nil)
	case WordSkip:
		if !n.Optional && n.Ask != "" && s.Pending == "" {
			// A required question: say why it is needed, and count it as
			// a miss like any answer that does not fit (help follows).
			s.Retries++
			reason := sysText("no_skip", lang)
			if n.Why != nil {
				reason += " " + n.Why.render(lang, &r.env)
			}
			if s.Retries >= n.MaxRetries {
				r.struggling(n, reason)
				return
			}
			r.reprompt(n, reason)
			return
		}
		if !r.canSkip(n) {
			r.say(sysText("no_skip", lang))
			r.reprompt(n, "")
			return
		}
		r.skip(n)
	}
}

// walk enters step id, or (id == "") moves on from step from, and walks
// through say-steps, sets and sub-flow calls until a step waits for the
// contact or an action, or the conversation ends.
func (r *run) walk(id string, from *Node) {
	s := r.sess
	for {
		r.hops++
		if r.hops > MaxHops {
			r.say(sysText("loop", r.lang()))
			r.end(EndError)
			return
		}
		if id == "" {
			next, ok := r.nextOf(from)
			if !ok {
				if caller := r.pop(); caller != nil {
					if caller.Summary {
						// Back from editing a sub-flow's answer.
						id = caller.ID
					}
					from = caller
					continue
				}
				r.end(EndDone)
				return
			}
			id = next
		}
		n := r.cur.byID[id]
		if n == nil {
			r.say(sysText("loop", r.lang()))
			r.end(EndError)
			return
		}
		id = ""
		s.Step = n.ID
		r.assign(n)
		switch {
		case n.Call != "":
			sub := r.root.set.Get(n.Call)
			if sub == nil {
				r.say(sysText("loop", r.lang()))
				r.end(EndError)
				return
			}
			s.Stack = append(s.Stack, Frame{FlowID: r.cur.ID, Step: n.ID})
			r.cur = sub
			s.FlowID, s.FlowVersion = sub.ID, sub.Version
			id = sub.Start
			continue
		case n.Do != "":
			r.park(n)
			return
		case n.Ask != "" || n.Summary:
			s.Retries = 0
			if len(s.History) == 0 || s.History[len(s.History)-1] != n.ID {
				if len(s.History) >= maxHistory {
					s.History = slices.Clone(s.History[len(s.History)-maxHistory+1:])
				}
				s.History = append(s.History, n.ID)
			}
			r.prompt(n, "")
			return
		}
		if n.Say != nil || n.Media != nil {
			r.sayNode(n)
		}
		if n.End != "" {
			if n.End == EndDone {
				if caller := r.pop(); caller != nil {
					if caller.Summary {
						id = caller.ID
					}
					from = caller
					continue
				}
			}
			r.end(n.End)
			return
		}
		from = n
	}
}

// afterSay finishes a do-step once its result arrived: its text, then on.
func (r *run) afterSay(n *Node) {
	if n.Say != nil || n.Media != nil {
		r.sayNode(n)
	}
	if n.End != "" {
		if n.End != EndDone || len(r.sess.Stack) == 0 {
			r.end(n.End)
			return
		}
		caller := r.pop()
		if caller.Summary {
			r.walk(caller.ID, nil)
			return
		}
		r.walk("", caller)
		return
	}
	r.walk("", n)
}

func (r *run) pop() *Node {
	s := r.sess
	if len(s.Stack) == 0 {
		return nil
	}
	f := s.Stack[len(s.Stack)-1]
	s.Stack = s.Stack[:len(s.Stack)-1]
	d := r.root.set.Get(f.FlowID)
	if d == nil || d.byID[f.Step] == nil {
		return nil
	}
	r.cur = d
	s.FlowID, s.FlowVersion, s.Step = d.ID, d.Version, f.Step
	return d.byID[f.Step]
}

func (r *run) park(n *Node) {
	s := r.sess
	s.Pending = n.ID
	s.Step = n.ID
	eff := Effect{Action: n.Do}
	if len(n.Args) > 0 {
		eff.Args = make(map[string]any, len(n.Args))
		for _, k := range n.argKeys {
			eff.Args[k] = n.Args[k].render(s.Lang, &r.env)
		}
	}
	r.res.Effects = append(r.res.Effects, eff)
	r.res.Wait = true
}

func (r *run) nextOf(n *Node) (string, bool) {
	if n == nil {
		return "", false
	}
	if len(n.Branches) > 0 {
		for _, b := range n.Branches {
			if b.prog == nil {
				return b.Goto, true
			}
			if r.eval(b.prog) {
				return b.Goto, true
			}
		}
		return "", false
	}
	if n.Next != "" {
		return n.Next, true
	}
	if n.index+1 < len(r.cur.Steps) {
		return r.cur.Steps[n.index+1].ID, true
	}
	return "", false
}

func (r *run) eval(p *vm.Program) bool {
	out, err := expr.Run(p, r.env.expr(nil))
	b, ok := out.(bool)
	return err == nil && ok && b
}

func (r *run) assign(n *Node) {
	for _, a := range n.Set {
		if a.prog == nil {
			continue
		}
		v, err := expr.Run(a.prog, r.env.expr(nil))
		if err != nil {
			continue
		}
		r.sess.Answers[a.Name] = plainValue(v)
	}
}

// plainValue keeps only values that survive a JSON round trip.
func plainValue(v any) any {
	switch x := v.(type) {
	case nil, bool, string, int64, int:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case int32, uint, uint64, float32:
		f, _ := strconv.ParseFloat(fmt.Sprint(x), 64)
		return plainValue(f)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plainValue(e)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = e
		}
		return out
	}
	if _, err := json.Marshal(v); err == nil {
		return v
	}
	return fmt.Sprint(v)
}

func (r *run) sayNode(n *Node) {
	m := Message{Text: n.Say.render(r.lang(), &r.env), Media: n.Media}
	r.res.Messages = append(r.res.Messages, m)
}

var yesNoChoices = [2][]Choice{
	{{Label: "Ya", Value: "ya"}, {Label: "Tidak", Value: "tidak"}},
	{{Label: "Yes", Value: "ya"}, {Label: "No", Value: "tidak"}},
}

// choices returns a choice step's options in the session's language.
func (r *run) choices(n *Node) []Choice {
	switch n.Ask {
	case AskChoice, AskMulti:
	default:
		return nil
	}
	lang := r.lang()
	if n.OptionsFrom != "" {
		if o := r.root.set.options; o != nil {
			return o(n.OptionsFrom, lang)
		}
		return nil
	}
	if lang == "en" {
		if n.choicesEN == nil {
			return n.renderChoices(lang, &r.env)
		}
		return n.choicesEN
	}
	if n.choicesID == nil {
		return n.renderChoices(lang, &r.env)
	}
	return n.choicesID
}

func (n *Node) renderChoices(lang string, e *env) []Choice {
	out := make([]Choice, len(n.Options))
	for i := range n.Options {
		out[i] = Choice{Label: n.Options[i].Label.render(lang, e), Value: n.Options[i].Value, Aliases: n.Options[i].Aliases}
	}
	return out
}

// prompt asks step n's question, with a reason first when re-asking.
func (r *run) prompt(n *Node, reason string) {
	lang := r.lang()
	if n.Summary {
		r.summary(n, reason)
		return
	}
	text := n.Say.render(lang, &r.env)
	if reason != "" {
		text = reason + "\n\n" + text
	}
	m := Message{Text: text, Expect: n.Ask, Media: n.Media}
	switch n.Ask {
	// Copies: the definition's lists are shared by every conversation.
	case AskChoice, AskMulti:
		m.Choices = shownChoices(r.choices(n))
		m.Multi = n.Ask == AskMulti
	case AskYesNo:
		m.Choices = slices.Clone(yesNoChoices[langIndex(lang)])
	}
	if n.Ask != AskMulti && n.Ask != AskYesNo && n.Optional && n.disabled&globalBit(WordSkip) == 0 {
		// Every optional question offers a Lewati button (a numbered
		// line on WhatsApp), also where a number pad is expected.
		m.Choices = append(m.Choices, Choice{Label: sysText("opt_skip", lang), Value: WordSkip})
	}
	r.res.Messages = append(r.res.Messages, m)
}

// shownChoices copies choices for a message, without their aliases.
func shownChoices(ch []Choice) []Choice {
	out := make([]Choice, len(ch))
	for i, c := range ch {
		out[i] = Choice{Label: c.Label, Value: c.Value}
	}
	return out
}

// reprompt asks the current question again (after help, a language switch,
// a refused answer); a parked action is retried instead.
func (r *run) reprompt(n *Node, reason string) {
	if r.sess.Pending != "" {
		if p := r.cur.byID[r.sess.Pending]; p != nil {
			if reason != "" {
				r.say(reason)
			}
			r.park(p)
			return
		}
	}
	if n == nil {
		return
	}
	if n.Ask == "" && !n.Summary {
		r.walk(n.ID, nil)
		return
	}
	r.prompt(n, reason)
}

func langIndex(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}
