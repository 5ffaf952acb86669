package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/idn"
)

// The resume window (DESIGN: "a polite 'welcome back, continue or start
// over?' when the contact returns within the resume window"). A session
// lives for Config.SessionTTL; a contact silent for longer than
// Config.ResumeAfter inside it is someone coming back, who may no longer
// remember what we asked. Their message is first tried as the answer to the
// pending question, on the pure engine: a valid answer (or a global word)
// is simply taken, nothing lost. Anything the question would refuse — and a
// greeting, the flow's keyword, a bare start command — gets one message:
// welcome back, the pending question quoted, and two choices, Lanjutkan
// (continue: the question is asked again, answers kept) and Mulai ulang
// (start over: the flow starts again from the beginning, deep-link params
// kept). The bot remembers it asked (a note beside the session, see
// session.Turn.Note), so on the next message the typed words ("lanjut",
// "mulai ulang", "1", "2") count as well as the buttons; anything else then
// goes to the engine as usual.

// The values of the two choices. They are the bot's own, never a flow
// option's, so a pressed one is recognised even without the note.
const (
	resumeContinueValue = "resume:continue"
	resumeRestartValue  = "resume:restart"
)

// resumePrompt: %s the contact's name (with a leading space, or ""), %s the
// flow's title, %s the pending question.
var resumePrompt = idn.Text{
	ID: "Selamat datang kembali, Bapak/Ibu%s! 🙏 Bapak/Ibu belum selesai mengisi *%s*. Pertanyaan terakhir kami:\n\n%s\n\nMau dilanjutkan, atau mulai ulang dari awal?",
	EN: "Welcome back%s! 🙏 You have not finished *%s* yet. Our last question was:\n\n%s\n\nShall we continue, or start over from the beginning?",
}

var (
	resumeContinueLabel = idn.Text{ID: "Lanjutkan", EN: "Continue"}
	resumeRestartLabel  = idn.Text{ID: "Mulai ulang", EN: "Start over"}
	resumeContinued     = idn.Text{ID: "Baik, kita lanjutkan.", EN: "All right, let us continue."}
	resumeRestarted     = idn.Text{ID: "Baik, kita mulai dari awal.", EN: "All right, let us start from the beginning."}
)

type resumeChoice int

const (
	resumeNone resumeChoice = iota
	resumeContinue
	resumeRestart
)

var resumeWords = map[string]resumeChoice{
	"1": resumeContinue, "lanjutkan": resumeContinue, "lanjut": resumeContinue, "teruskan": resumeContinue,
	"terus": resumeContinue, "continue": resumeContinue, "go on": resumeContinue,
	"2": resumeRestart, "mulai ulang": resumeRestart, "ulang": resumeRestart, "ulangi": resumeRestart,
	"restart": resumeRestart, "start over": resumeRestart, "dari awal": resumeRestart,
	"mulai dari awal": resumeRestart, "ulang dari awal": resumeRestart,
}

// resumeReplyOf reads in as a reply to "continue or start over?": a pressed
// choice always, typed words only when asked is true (we asked last turn).
func resumeReplyOf(in channel.Inbound, asked bool) resumeChoice {
	switch in.Kind {
	case channel.KindChoice:
		switch in.Choice {
		case resumeContinueValue:
			return resumeContinue
		case resumeRestartValue:
			return resumeRestart
		}
	case channel.KindText:
		if asked && len(in.Text) <= 40 {
			return resumeWords[normWords(in.Text)]
		}
	}
	return resumeNone
}

// normWords lower-cases text, drops punctuation and collapses spaces.
func normWords(text string) string {
	t := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsSpace(r):
			return unicode.ToLower(r)
		}
		return -1
	}, text)
	return strings.Join(strings.Fields(t), " ")
}

// resumeWindow handles a message inside the conversation s (a copy the
// caller owns, contact already refreshed) when the resume window has a say:
// the reply to our "continue or start over?", or a contact back after
// Config.ResumeAfter of silence. comingBack says the message is a greeting,
// the flow's keyword or a bare start command (never an answer). ok is false
// when the message should go on the usual way.
func (b *Bot) resumeWindow(def *flow.Definition, s *flow.Session, in channel.Inbound, input flow.Input, t *turnState, comingBack bool, now time.Time) (res flow.Result, ok bool, err error) {
	lang := s.Lang
	switch resumeReplyOf(in, t.prev.resume) {
	case resumeContinue:
		res, err = flow.Step(def, s, flow.Input{Kind: flow.InStart, MessageID: in.MessageID}, now)
		if err != nil {
			return res, false, fmt.Errorf("step %s/%s: %w", s.FlowID, s.Step, err)
		}
		res.Messages = append([]flow.Message{{Text: resumeContinued.In(lang)}}, res.Messages...)
		return res, true, nil
	case resumeRestart:
		res, err = flow.Start(def, t.fc, lang, s.Params, now)
		if err != nil {
			return res, false, fmt.Errorf("restart %s: %w", def.ID, err)
		}
		res.Messages = append([]flow.Message{{Text: resumeRestarted.In(lang)}}, res.Messages...)
		return res, true, nil
	}

	after := b.cfg.ResumeAfter
	if after < 0 || s.LastActive.IsZero() || now.Sub(s.LastActive) <= after || s.Pending != "" {
		// Not back from a long silence (or an action waits to be run
		// again, which the engine does on any message).
		return res, false, nil
	}
	if !comingBack {
		// Perhaps they simply answer: try it on the pure engine.
		res, err = flow.Step(def, s, input, now)
		if err != nil {
			return res, false, fmt.Errorf("step %s/%s: %w", s.FlowID, s.Step, err)
		}
		if !refused(s, res) {
			return res, true, nil
		}
	}
	// Welcome back: quote the pending question, offer the two choices.
	again, err := flow.Step(def, s, flow.Input{Kind: flow.InStart, MessageID: in.MessageID}, now)
	if err != nil {
		return again, false, fmt.Errorf("step %s/%s: %w", s.FlowID, s.Step, err)
	}
	if again.Session == nil || len(again.Effects) > 0 || again.Wait || len(again.Messages) == 0 {
		// Nothing to quote; let the message go the usual way.
		return flow.Result{}, false, nil
	}
	var question []string
	for _, m := range again.Messages {
		if m.Text != "" {
			question = append(question, m.Text)
		}
	}
	name := ""
	if n := strings.TrimSpace(t.fc.Name); n != "" {
		name = " " + n
		if lang == "en" {
			name = ", " + n
		}
	}
	next := *again.Session
	next.Confirm = "" // a pending "really cancel?" is not the question we quote
	t.resumeAsked = true
	return flow.Result{
		Session: &next,
		Messages: []flow.Message{{
			Text: fmt.Sprintf(resumePrompt.In(lang), name, def.Title.String(lang), strings.Join(question, "\n\n")),
			Choices: []flow.Choice{
				{Label: resumeContinueLabel.In(lang), Value: resumeContinueValue},
				{Label: resumeRestartLabel.In(lang), Value: resumeRestartValue},
			},
		}},
	}, true, nil
}

// refused says the engine turned the message down as an answer to the
// pending question: it stayed on the same step and counted a wrong try.
func refused(before *flow.Session, res flow.Result) bool {
	after := res.Session
	return after != nil && len(res.Effects) == 0 && !res.Wait &&
		after.FlowID == before.FlowID && after.Step == before.Step && after.Retries > before.Retries
}
