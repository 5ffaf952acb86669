package bot

// This file holds the routing: which flow a message goes to (a global
// command, a keyword, a deep link, a greeting, the conversation it
// continues) and the engine input it becomes.

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
)

// route decides what this message does (pipeline step 4) and takes the first
// engine step: a deep link or a trigger keyword starts its flow, a message
// inside a conversation goes to the engine, anything else gets the
// first-contact flow or the menu.
func (b *Bot) route(in channel.Inbound, t *turnState, sess *flow.Session, now time.Time) (*flow.Definition, flow.Result, error) {
	flows := b.cfg.Flows
	input := toInput(in)
	// A deep link always starts its flow: the contact tapped it on purpose.
	// So does a pressed button whose value is a payload with a parameter
	// ("rsvp_<token>_yes" on an invitation sent by the outbox): it carries
	// its own context and cannot be an option of the current question.
	switch {
	case in.Kind == channel.KindStart && in.Payload != "":
		if def, param := flows.MatchPayload(in.Payload); def != nil {
			return b.start(def, t, def.StartParams(param), now)
		}
	case in.Kind == channel.KindText:
		// "KONFIRMASI <token>": a deep link written as text (WhatsApp's
		// wa.me links carry text, not a start payload).
		if payload, ok := textLink(in.Text); ok {
			if def, param := flows.MatchPayload(payload); def != nil && param != "" {
				return b.start(def, t, def.StartParams(param), now)
			}
		}
	case in.Kind == channel.KindChoice && in.Choice != "":
		if def, param := flows.MatchPayload(in.Choice); def != nil && (param != "" || sess == nil) {
			if sess == nil && flows.MatchKeyword(in.Choice) != nil {
				break // a menu button: handled as its keyword below
			}
			return b.start(def, t, def.StartParams(param), now)
		}
	}
	if sess != nil {
		// Inside a conversation everything is the engine's, except a
		// trigger keyword of ANOTHER flow, which switches to it, and a
		// contact coming back (see the package doc).
		var resume *flow.Definition
		switch in.Kind {
		case channel.KindStart:
			// A bare start command, or an unknown deep link.
			resume = rootOf(flows, sess)
		case channel.KindText:
			if def, kl := flows.MatchKeywordLang(in.Text); def != nil {
				if w, _ := flow.GlobalWord(in.Text); w == "" {
					if !inConversation(sess, def.ID) {
						return b.startKeyword(def, kl, t, now)
					}
					resume = def
				}
			} else if isGreeting(in.Text) {
				// "halo" is never an answer: someone coming back.
				resume = rootOf(flows, sess)
			}
		}
		def := rootOf(flows, sess)
		if def == nil || flows.Get(sess.FlowID) == nil {
			// The flow is gone from the set; any flow of the set lets the
			// engine tell the contact kindly and end the session.
			resume = nil
			if def == nil {
				all := flows.Flows()
				if len(all) == 0 {
					return nil, flow.Result{}, errors.New("no flows loaded")
				}
				def = all[0]
			}
		}
		s := *sess
		lang := s.Lang
		s.Contact = t.fc
		s.Contact.Lang = lang
		if flows.Get(sess.FlowID) != nil {
			// The resume window: the answer to our "continue or start
			// over?", or a contact back after a long silence.
			if res, ok, err := b.resumeWindow(def, &s, in, input, t, resume != nil, now); ok || err != nil {
				return def, res, err
			}
		}
		if resume != nil {
			// They came back and want to go on: welcome them back and
			// ask the pending question again (the engine repeats it on a
			// start input) instead of taking their words as an answer.
			input = flow.Input{Kind: flow.InStart, MessageID: in.MessageID}
		}
		res, err := flow.Step(def, &s, input, now)
		if err != nil {
			return nil, res, fmt.Errorf("step %s/%s: %w", sess.FlowID, sess.Step, err)
		}
		if resume != nil {
			title := resume.Title.String(lang)
			res.Messages = append([]flow.Message{{Text: fmt.Sprintf(welcomeBack.In(lang), title)}}, res.Messages...)
		}
		return def, res, nil
	}
	// Outside a conversation.
	var word string
	switch in.Kind {
	case channel.KindText:
		word = in.Text
	case channel.KindChoice:
		word = in.Choice
	}
	if word != "" {
		if def, kl := flows.MatchKeywordLang(word); def != nil {
			return b.startKeyword(def, kl, t, now)
		}
	}
	if t.created {
		if def := flows.FirstContact(); def != nil {
			if !wantsFirstFlow(in, word) {
				return b.otherFirstContact(word, t, now)
			}
			return b.start(def, t, nil, now)
		}
	}
	if w, arg := flow.GlobalWord(word); w == flow.WordLang {
		t.lang = langOf(arg, t.lang)
	}
	menu := flows.Menu(t.lang)
	return nil, flow.Result{Messages: []flow.Message{{Text: greeting.In(t.lang)}, menu}}, nil
}

// langOf reads `bahasa <arg>` outside a flow: it switches the language for
// the menu (and, through the contact, later flows).
func langOf(arg, cur string) string {
	switch arg {
	case "en", "english", "inggris":
		return "en"
	case "id", "indonesia":
		return "id"
	}
	if cur == "en" {
		return "id"
	}
	return "en"
}

// greetings are whole messages that only say hello. Inside a conversation
// they are never taken as an answer.
var greetings = map[string]bool{
	"halo": true, "hallo": true, "helo": true, "hai": true, "hi": true, "hello": true, "hey": true,
	"assalamualaikum": true, "asalamualaikum": true, "assalamu alaikum": true, "assalamualaikum wr wb": true,
	"salam": true, "permisi": true, "selamat pagi": true, "selamat siang": true, "selamat sore": true,
	"selamat malam": true, "pagi": true, "siang": true, "sore": true, "malam": true,
	"halo pak": true, "halo bu": true, "good morning": true, "good afternoon": true, "good evening": true,
}

func isGreeting(text string) bool {
	if len(text) > 40 {
		return false
	}
	t := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r), unicode.IsSpace(r):
			return unicode.ToLower(r)
		}
		return -1 // drop punctuation: "Assalamu'alaikum!" -> "assalamualaikum"
	}, text)
	return greetings[strings.Join(strings.Fields(t), " ")]
}

// rootOf is the flow a conversation started with (the caller of any
// sub-flow), nil when it is gone.
func rootOf(flows *flow.Set, sess *flow.Session) *flow.Definition {
	if len(sess.Stack) > 0 {
		if root := flows.Get(sess.Stack[0].FlowID); root != nil {
			return root
		}
	}
	return flows.Get(sess.FlowID)
}

func inConversation(sess *flow.Session, id string) bool {
	if sess.FlowID == id {
		return true
	}
	for _, f := range sess.Stack {
		if f.FlowID == id {
			return true
		}
	}
	return false
}

func (b *Bot) start(def *flow.Definition, t *turnState, params map[string]any, now time.Time) (*flow.Definition, flow.Result, error) {
	res, err := flow.Start(def, t.fc, t.fc.Lang, params, now)
	if err != nil {
		return nil, res, fmt.Errorf("start %s: %w", def.ID, err)
	}
	return def, res, nil
}

// toInput turns a channel message into engine input.
func toInput(in channel.Inbound) flow.Input {
	fi := flow.Input{MessageID: in.MessageID}
	switch in.Kind {
	case channel.KindText:
		fi.Kind, fi.Text = flow.InText, in.Text
	case channel.KindChoice:
		fi.Kind, fi.Choice = flow.InChoice, in.Choice
	case channel.KindContact:
		fi.Kind, fi.Phone, fi.OwnPhone = flow.InContact, in.Phone, in.OwnPhone
	case channel.KindLocation:
		fi.Kind = flow.InLocation
		if in.Location != nil {
			name := in.Location.Name
			if name == "" {
				name = in.Location.Address
			}
			fi.Location = &flow.Location{Latitude: in.Location.Latitude, Longitude: in.Location.Longitude, Name: name}
		} else {
			fi.Kind = flow.InOther
		}
	case channel.KindPhoto, channel.KindDocument:
		fi.Kind = flow.InPhoto
		if in.Kind == channel.KindDocument {
			fi.Kind = flow.InDocument
		}
		if in.Attachment != nil {
			fi.FileRef = in.Attachment.Ref
		}
	case channel.KindStart:
		fi.Kind, fi.Text = flow.InStart, in.Payload
	default:
		// Stickers, voice notes, anything unreadable: the engine re-asks
		// kindly.
		fi.Kind = flow.InOther
	}
	return fi
}
