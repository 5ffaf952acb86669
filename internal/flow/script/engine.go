package script

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"jejaring/internal/flow"
)

// engineDriver runs a script on the pure engine, like a minimal bot: with no
// session a deep link or keyword picks the flow (else the script's flow
// starts), actions are answered from the script's stubs, and the session is
// written to JSON and read back between turns.
type engineDriver struct {
	set   *flow.Set
	sc    *Script
	sess  []byte // the stored session, as the bot keeps it in Redis
	ended string
}

// EngineDriver drives the pure engine for sc.
func EngineDriver(set *flow.Set, sc *Script) Driver {
	return &engineDriver{set: set, sc: sc}
}

func (d *engineDriver) Ended() string { return d.ended }

// Reload swaps in the flow in file (any name: a second version of a flow is
// best named *.flow so that `flows test` does not take it for a script) in
// place of the flow with the same id. The stored session is kept, as Redis
// keeps it when the office edits a flow. The changed flow must pass Check
// (actions are not checked).
func (d *engineDriver) Reload(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	name := filepath.Base(file)
	set, err := d.set.Replace(name, data)
	if err != nil {
		return err
	}
	var probs []string
	for _, p := range set.Check(nil) {
		if p.File == name {
			probs = append(probs, p.String())
		}
	}
	if len(probs) > 0 {
		return fmt.Errorf("%s", strings.Join(probs, "\n"))
	}
	d.set = set
	return nil
}

// maxActionRounds stops a flow that keeps asking for actions.
const maxActionRounds = 16

func (d *engineDriver) Send(ctx context.Context, in flow.Input) ([]flow.Message, map[string]any, error) {
	now := d.sc.Clock()
	var res flow.Result
	var err error
	var def *flow.Definition
	if d.sess == nil {
		var params map[string]any
		lang := "" // the contact's, unless an English keyword started the flow
		switch in.Kind {
		case flow.InStart:
			p := ""
			def, p = d.set.MatchPayload(in.Text)
			if def != nil {
				params = def.StartParams(p)
			}
		case flow.InText:
			def, lang = d.set.MatchKeywordLang(in.Text)
		}
		if def == nil {
			def = d.set.Get(d.sc.Flow)
		}
		if def == nil {
			return nil, nil, fmt.Errorf("unknown flow %q", d.sc.Flow)
		}
		all := maps.Clone(d.sc.Params)
		if all == nil {
			all = map[string]any{}
		}
		maps.Copy(all, params)
		d.ended = ""
		res, err = flow.Start(def, d.sc.FlowContact(), lang, all, now)
	} else {
		var s flow.Session
		if err := json.Unmarshal(d.sess, &s); err != nil {
			return nil, nil, fmt.Errorf("read session: %w", err)
		}
		def = d.set.Get(s.FlowID)
		if def == nil {
			def = d.set.Get(d.sc.Flow)
		}
		res, err = flow.Step(def, &s, in, now)
	}
	if err != nil {
		return nil, nil, err
	}
	msgs := res.Messages
	for round := 0; res.Wait; round++ {
		if round >= maxActionRounds {
			return msgs, nil, fmt.Errorf("flow keeps asking for actions")
		}
		merged := map[string]any{}
		for _, e := range res.Effects {
			stub, ok := d.sc.Actions[e.Action]
			if !ok {
				return msgs, nil, fmt.Errorf("action %q has no stub in the script's actions", e.Action)
			}
			maps.Copy(merged, stub)
		}
		s := res.Session
		res, err = flow.Step(def, s, flow.Input{Kind: flow.InResult, Result: merged}, now)
		if err != nil {
			return msgs, nil, err
		}
		msgs = append(msgs, res.Messages...)
	}
	if res.Session == nil {
		d.sess = nil
		d.ended = res.Ended
		return msgs, res.Final, nil
	}
	b, err := json.Marshal(res.Session)
	if err != nil {
		return msgs, nil, fmt.Errorf("write session: %w", err)
	}
	d.sess = b
	var back flow.Session
	if err := json.Unmarshal(b, &back); err != nil {
		return msgs, nil, fmt.Errorf("read session: %w", err)
	}
	return msgs, back.Answers, nil
}
