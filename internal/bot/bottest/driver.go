package bottest

import (
	"context"
	"fmt"
	"testing"

	"jejaring/internal/bot"
	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/flow/flowtest"
	"jejaring/internal/flow/script"
)

// driver plays engine inputs through the whole bot for one contact.
type driver struct {
	h     *Harness
	addr  channel.Address
	sc    *script.Script // nil for a plain Driver
	ended string
}

// Driver adapts the harness to script.Driver for the contact at addr:
// every input goes through bot.Handle exactly as an adapter would deliver
// it (so outside a conversation the bot's own routing applies: triggers,
// deep links, the first-contact flow, the menu).
func (h *Harness) Driver(addr channel.Address) script.Driver {
	return &driver{h: h, addr: addr}
}

// ScriptDriver is a Driver for a conversation script: the contact gets the
// script's name, phone, language and staff flag, and when a message finds no
// conversation and picks no flow by keyword or deep link, the script's flow
// is started with its params (as the engine driver does). Script action
// stubs stand in for actions the harness's registry does not have; real
// actions win. Call it before messages flow (it adds to the registry the bot
// reads); one harness per script keeps scripts apart.
func (h *Harness) ScriptDriver(sc *script.Script) script.Driver {
	h.T.Helper()
	ctx := context.Background()
	c := sc.Contact
	ch := channel.WebChat
	if c.Channel != "" {
		ch = channel.Name(c.Channel)
	}
	addr := channel.Address{Channel: ch, ExternalID: fmt.Sprintf("script-%s", h.nextID())}
	lang := c.Lang
	if lang != "en" {
		lang = "id"
	}
	row, _, err := h.DB.UpsertContact(ctx, storeSeen(addr, c.Name, c.Phone, lang, h.Now()))
	if err != nil {
		h.T.Fatalf("script contact: %v", err)
	}
	if c.Staff {
		if err := h.DB.SetContactStaff(ctx, row.ID, true); err != nil {
			h.T.Fatalf("script contact: %v", err)
		}
	}
	for name, stub := range sc.Actions {
		if _, ok := h.Actions[name]; ok {
			continue
		}
		h.Actions[name] = func(context.Context, bot.ActionCall) (bot.ActionResult, error) {
			return bot.ActionResult{Answers: stub}, nil
		}
	}
	return &driver{h: h, addr: addr, sc: sc}
}

// RunScript plays the conversation script in file through the whole bot.
func (h *Harness) RunScript(t *testing.T, file string) {
	t.Helper()
	sc, err := script.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	flowtest.Run(t, h.Flows, file, h.ScriptDriver(sc))
}

func (d *driver) Ended() string { return d.ended }

func (d *driver) Send(ctx context.Context, in flow.Input) ([]flow.Message, map[string]any, error) {
	h := d.h
	if d.sc != nil && !d.picksFlow(ctx, in) {
		// The message opens the script's flow, as it does on the
		// engine driver (it is not an answer to anything yet).
		out, err := h.Bot.StartFlow(ctx, d.addr, d.sc.Flow, d.sc.Params)
		if err != nil {
			return nil, nil, err
		}
		return d.finish(out)
	}
	out, err := h.SendErr(ctx, Inbound(d.addr, in))
	if err != nil {
		return nil, nil, err
	}
	return d.finish(out)
}

func (d *driver) finish(out []channel.Outbound) ([]flow.Message, map[string]any, error) {
	answers, ended := d.h.Answers(d.addr)
	d.ended = ended
	return Messages(out), answers, nil
}

// picksFlow says whether the bot will route in to a conversation by itself:
// there is one already, or in is a trigger keyword or a known deep link.
func (d *driver) picksFlow(ctx context.Context, in flow.Input) bool {
	s, err := d.h.Sessions.Get(ctx, d.addr)
	if err == nil && s != nil {
		return true
	}
	switch in.Kind {
	case flow.InText:
		return d.h.Flows.MatchKeyword(in.Text) != nil
	case flow.InChoice:
		return d.h.Flows.MatchKeyword(in.Choice) != nil
	case flow.InStart:
		def, _ := d.h.Flows.MatchPayload(in.Text)
		return def != nil
	}
	return false
}
