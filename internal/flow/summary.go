package flow

import (
	"fmt"
	"strconv"
	"strings"

	"jejaring/internal/idn"
	"jejaring/internal/namematch"
)

type field struct {
	node  *Node
	flow  *Definition
	label string
}

// askSteps lists the ask steps of d and of the flows it calls directly, in
// step order.
func (d *Definition) askSteps() []field {
	var out []field
	for _, x := range d.Steps {
		switch {
		case x.Ask != "" && x.Save != "":
			out = append(out, field{node: x, flow: d})
		case x.Call != "":
			if sub := d.set.Get(x.Call); sub != nil && sub != d {
				for _, y := range sub.Steps {
					if y.Ask != "" && y.Save != "" {
						out = append(out, field{node: y, flow: sub})
					}
				}
			}
		}
	}
	return out
}

// summaryFields lists what a summary step shows: its `fields:` (answer
// names) or else every answered question of the flow and of the sub-flows
// it calls, in step order.
func (r *run) summaryFields(n *Node) []field {
	lang := r.lang()
	all := r.cur.askSteps()
	out := all[:0:0]
	add := func(f field) {
		if _, ok := r.sess.Answers[f.node.Save]; !ok {
			return
		}
		f.label = f.node.Save
		if f.node.Label != nil {
			f.label = f.node.Label.render(lang, &r.env)
		}
		out = append(out, f)
	}
	if len(n.Fields) > 0 {
		for _, name := range n.Fields {
			for _, f := range all {
				if f.node.Save == name {
					add(f)
					break
				}
			}
		}
		return out
	}
	for _, f := range all {
		add(f)
	}
	return out
}

func (r *run) summary(n *Node, reason string) {
	lang := r.lang()
	var b strings.Builder
	if reason != "" {
		b.WriteString(reason)
		b.WriteString("\n\n")
	}
	b.WriteString(n.Say.render(lang, &r.env))
	b.WriteString("\n")
	for i, f := range r.summaryFields(n) {
		b.WriteString("\n")
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(f.label)
		b.WriteString(": ")
		b.WriteString(r.display(f.node, r.sess.Answers[f.node.Save]))
	}
	b.WriteString("\n\n")
	b.WriteString(sysText("summary_how", lang))
	r.res.Messages = append(r.res.Messages, Message{
		Text: b.String(),
		Choices: []Choice{
			{Label: sysText("summary_ok", lang), Value: "ya"},
			{Label: sysText("summary_edit", lang), Value: "ubah"},
		},
		Expect: "summary",
	})
}

var editWords = []string{"ubah", "ganti", "perbaiki", "koreksi", "edit", "change"}

func (r *run) summaryInput(n *Node, text string) {
	s := r.sess
	lang := r.lang()
	t := namematch.Fold(text)
	rest, edit := "", false
	for _, w := range editWords {
		if t == w {
			edit = true
			break
		}
		if strings.HasPrefix(t, w+" ") {
			rest, edit = strings.TrimSpace(t[len(w)+1:]), true
			break
		}
	}
	if !edit {
		if _, err := strconv.Atoi(t); err == nil {
			rest, edit = t, true
		}
	}
	if edit {
		if rest == "" {
			r.say(sysText("summary_which", lang))
			return
		}
		fields := r.summaryFields(n)
		ch := make([]Choice, len(fields))
		for i, f := range fields {
			ch[i] = Choice{Label: f.label, Value: "\x00" + f.node.Save}
		}
		i, err := MatchChoice(ch, rest)
		if err != nil {
			r.refuse(n, err.in(lang))
			return
		}
		f := fields[i]
		s.Returning = n.ID
		if f.flow != r.cur {
			// The answer belongs to a sub-flow: enter it at that question
			// with the summary as the caller to come back to.
			s.Stack = append(s.Stack, Frame{FlowID: r.cur.ID, Step: n.ID})
			r.cur = f.flow
			s.FlowID, s.FlowVersion = f.flow.ID, f.flow.Version
		}
		r.walk(f.node.ID, nil)
		return
	}
	if yes, ok := ParseYesNo(text); ok {
		if yes {
			s.Retries = 0
			r.walk("", n)
			return
		}
		r.say(sysText("summary_which", lang))
		return
	}
	r.refuse(n, sysText("summary_unclear", lang))
}

// refuse counts a wrong answer and re-asks, or offers a way out.
func (r *run) refuse(n *Node, reason string) {
	r.sess.Retries++
	if r.sess.Retries >= n.MaxRetries {
		r.struggling(n, reason)
		return
	}
	r.prompt(n, reason)
}

// display writes an answer the way the contact would say it.
func (r *run) display(n *Node, v any) string {
	lang := r.lang()
	if v == nil {
		return sysText("empty", lang)
	}
	switch n.Ask {
	case AskMoney:
		return rupiah(v)
	case AskDate:
		return formatDate(v, lang)
	case AskYesNo:
		if b, ok := v.(bool); ok {
			if b {
				return sysText("yes", lang)
			}
			return sysText("no", lang)
		}
	case AskChoice:
		for _, c := range r.choices(n) {
			if c.Value == v {
				return c.Label
			}
		}
	case AskMulti:
		if list, ok := v.([]any); ok {
			ch := r.choices(n)
			parts := make([]string, 0, len(list))
			for _, x := range list {
				label, _ := x.(string)
				for _, c := range ch {
					if c.Value == x {
						label = c.Label
					}
				}
				parts = append(parts, label)
			}
			return strings.Join(parts, ", ")
		}
	case AskNIK:
		// Personal data: the summary shows 1301********0001; the answer
		// itself stays whole.
		// A value not from the parser (an action's, an import's) is masked
		// all the same.
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case float64:
			s = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			s = fmt.Sprint(v)
		}
		return idn.MaskNIK(s)
	case AskNumber:
		if f, ok := v.(float64); ok {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
	case AskPhoto:
		if lang == "en" {
			return "(photo received)"
		}
		return "(foto diterima)"
	case AskLocation:
		if m, ok := v.(map[string]any); ok {
			if name, _ := m["name"].(string); name != "" {
				return name
			}
			lat, _ := m["lat"].(float64)
			lon, _ := m["lon"].(float64)
			return strconv.FormatFloat(lat, 'f', 5, 64) + ", " + strconv.FormatFloat(lon, 'f', 5, 64)
		}
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
