package enginebench

import (
	_ "aa.jejaring.local/protoconflict" // before the phonenumbers packages: see there

	"context"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nyaruka/gocommon/jsonx"
	"github.com/nyaruka/gocommon/urns"
	"github.com/nyaruka/goflow/assets"
	"github.com/nyaruka/goflow/assets/static"
	"github.com/nyaruka/goflow/core"
	"github.com/nyaruka/goflow/core/events"
	"github.com/nyaruka/goflow/envs"
	"github.com/nyaruka/goflow/flows"
	"github.com/nyaruka/goflow/flows/engine"
	"github.com/nyaruka/goflow/flows/resumes"
	"github.com/nyaruka/goflow/flows/triggers"
)

// Goflow is the goflow side: one engine, the registration flow as its
// assets, one contact (a service loads the contact beside the session;
// that load is not measured on either side).
type Goflow struct {
	eng     flows.Engine
	sa      flows.SessionAssets
	env     envs.Environment
	contact *core.Contact
	flow    flows.Flow
}

const goflowFlowUUID = "8f0e5e9c-6a3b-4c1d-9e2f-0a1b2c3d4e5f"

// uuidFor is a stable UUID (version 4 form) for a name in the flow.
func uuidFor(name string) string {
	h := sha1.Sum([]byte(name))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// GoflowAssets returns the registration as goflow's assets JSON.
func GoflowAssets() ([]byte, error) {
	type m = map[string]any
	var nodes []m
	nodeUUID := func(i int) string { return uuidFor(fmt.Sprintf("node %d", i)) }
	// 0: welcome; 1..20: the questions; 21: the classify note after
	// sales, folded into the next question's actions; last: summary.
	sendMsg := func(key, text string) m {
		return m{"uuid": uuidFor("action " + key), "type": "send_msg", "text": text}
	}
	summary := len(Questions) + 1
	for i, q := range Questions {
		n := i + 1
		next := nodeUUID(n + 1)
		if n == len(Questions) {
			next = nodeUUID(summary)
		}
		actions := []m{}
		if i == 0 {
			actions = append(actions, sendMsg("welcome", "Halo @contact.name! Mari daftarkan usaha Bapak/Ibu."))
		}
		if q.Result == "started" {
			// Jejaring's classify step: a computed value and a note.
			actions = append(actions,
				m{"uuid": uuidFor("action classify"), "type": "set_run_result", "name": "size_class",
					"value": `@(if(results.sales.value * 12 <= 2000000000, "mikro", if(results.sales.value * 12 <= 15000000000, "kecil", "menengah")))`},
				sendMsg("classify note", "Usaha @results.size_class, modal @results.capital."))
		}
		actions = append(actions, sendMsg(q.Result, q.Prompt))
		var cases, cats, exits []m
		addCat := func(name, dest string) string {
			cu, eu := uuidFor(q.Result+" cat "+name), uuidFor(q.Result+" exit "+name)
			cats = append(cats, m{"uuid": cu, "name": name, "exit_uuid": eu})
			exits = append(exits, m{"uuid": eu, "destination_uuid": dest})
			return cu
		}
		if len(q.Cases) > 0 {
			for _, c := range q.Cases {
				dest := next
				if q.Result == "has_nib" && c.Category == "tidak" {
					dest = nodeUUID(n + 2) // skip the NIB question
				}
				cu := addCat(c.Category, dest)
				cases = append(cases, m{"uuid": uuidFor(q.Result + " case " + c.Category), "type": "has_any_word",
					"arguments": []string{c.Words}, "category_uuid": cu})
			}
		} else {
			cu := addCat("Valid", next)
			args := q.Args
			if args == nil {
				args = []string{}
			}
			cases = append(cases, m{"uuid": uuidFor(q.Result + " case"), "type": q.Test, "arguments": args, "category_uuid": cu})
		}
		other := addCat("Other", nodeUUID(n)) // ask again
		nodes = append(nodes, m{
			"uuid": nodeUUID(n), "actions": actions,
			"router": m{"type": "switch", "wait": m{"type": "msg"}, "result_name": q.Result, "operand": "@input.text",
				"cases": cases, "categories": cats, "default_category_uuid": other},
			"exits": exits,
		})
	}
	// The summary: every answer read back, then a wait for the yes.
	var lines []string
	for _, q := range Questions {
		lines = append(lines, q.Result+": @results."+q.Result)
	}
	done := uuidFor("summary exit done")
	nodes = append(nodes, m{
		"uuid":    nodeUUID(summary),
		"actions": []m{sendMsg("summary", "Mohon periksa:\n"+strings.Join(lines, "\n"))},
		"router": m{"type": "switch", "wait": m{"type": "msg"}, "result_name": "confirm", "operand": "@input.text",
			"cases":                 []m{{"uuid": uuidFor("summary case"), "type": "has_any_word", "arguments": []string{"ya benar"}, "category_uuid": uuidFor("summary cat yes")}},
			"categories":            []m{{"uuid": uuidFor("summary cat yes"), "name": "Yes", "exit_uuid": done}, {"uuid": uuidFor("summary cat other"), "name": "Other", "exit_uuid": uuidFor("summary exit other")}},
			"default_category_uuid": uuidFor("summary cat other")},
		"exits": []m{{"uuid": done}, {"uuid": uuidFor("summary exit other"), "destination_uuid": nodeUUID(summary)}},
	})
	return json.Marshal(m{"flows": []m{{
		"uuid": goflowFlowUUID, "name": "Registration", "spec_version": "14.4.2", "language": "ind",
		"type": "messaging", "revision": 1, "expire_after_minutes": 1440, "localization": m{}, "nodes": nodes,
	}}})
}

// NewGoflow builds the goflow side.
func NewGoflow() (*Goflow, error) {
	js, err := GoflowAssets()
	if err != nil {
		return nil, err
	}
	source, err := static.NewSource(js)
	if err != nil {
		return nil, fmt.Errorf("goflow assets: %w", err)
	}
	env := envs.NewBuilder().WithDefaultCountry("ID").WithAllowedLanguages("ind").WithDateFormat(envs.DateFormatDayMonthYear).Build()
	sa, err := engine.NewSessionAssets(env, source, nil)
	if err != nil {
		return nil, fmt.Errorf("goflow session assets: %w", err)
	}
	fl, err := sa.Flows().Get(goflowFlowUUID)
	if err != nil {
		return nil, fmt.Errorf("goflow flow: %w", err)
	}
	contact, err := core.NewContact(sa, core.ContactUUID(uuidFor("contact")), 42, "Siti Aminah", "ind",
		core.ContactStatusActive, nil, time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), nil,
		[]urns.URN{"whatsapp:6281234567890"}, nil, nil, nil, assets.PanicOnMissing)
	if err != nil {
		return nil, fmt.Errorf("goflow contact: %w", err)
	}
	return &Goflow{eng: engine.NewBuilder().Build(), sa: sa, env: env, contact: contact, flow: fl}, nil
}

// Start implements Engine.
func (g *Goflow) Start() ([]byte, error) {
	trigger := triggers.NewBuilder(g.flow.Reference(false)).Manual().Build()
	s, _, err := g.eng.NewSession(context.Background(), g.sa, g.env, g.contact, trigger, nil)
	if err != nil {
		return nil, fmt.Errorf("goflow start: %w", err)
	}
	return jsonx.Marshal(s)
}

// Turn implements Engine.
func (g *Goflow) Turn(data []byte, text string) ([]byte, int, error) {
	s, err := g.eng.ReadSession(g.sa, data, g.env, g.contact, nil, assets.IgnoreMissing)
	if err != nil {
		return nil, 0, fmt.Errorf("goflow read session: %w", err)
	}
	msg := core.NewMsgIn(urns.URN("whatsapp:6281234567890"), nil, text, nil, "", nil)
	sprint, err := s.Resume(context.Background(), resumes.NewMsg(events.NewMsgReceived(msg, "")))
	if err != nil {
		return nil, 0, fmt.Errorf("goflow resume: %w", err)
	}
	replies := 0
	for _, e := range sprint.Events() {
		if e.Type() == events.TypeMsgCreated {
			replies++
		}
	}
	out, err := jsonx.Marshal(s)
	if err != nil {
		return nil, 0, fmt.Errorf("goflow write session: %w", err)
	}
	return out, replies, nil
}

// Results returns the categories goflow put the answers in, to check
// that no answer fell into "Other".
func (g *Goflow) Results(data []byte) (map[string]string, error) {
	s, err := g.eng.ReadSession(g.sa, data, g.env, g.contact, nil, assets.IgnoreMissing)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range s.Runs()[0].Results() {
		out[r.Name] = r.Category
	}
	return out, nil
}
