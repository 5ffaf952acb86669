package flow

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"jejaring/internal/namematch"
)

// Problem is one mistake in a flow file.
type Problem struct {
	File string
	Line int
	Flow string
	Step string
	Msg  string
}

// String formats the problem as "file:line: step: message" (the flow id
// stands in for the step when the problem is about the whole flow).
func (p Problem) String() string {
	where := p.Step
	if where == "" || where == "-" {
		where = p.Flow
	}
	if where == "" {
		where = "-"
	}
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, where, p.Msg)
}

func (p Problem) Error() string { return p.String() }

var endWords = map[string]bool{EndDone: true, EndCancelled: true}

// Check finds every mistake in the set: unknown or duplicate step ids,
// unreachable steps, steps with no way out, missing Indonesian texts,
// unknown ask types, actions, sub-flows and global words, and bad
// expressions or templates. actions lists the registered action names; nil
// skips the action check. The problems come sorted by file and line.
func (s *Set) Check(actions []string) []Problem {
	var ps []Problem
	ids := map[string]*Definition{}
	kw := map[string]*Definition{}
	pay := map[string]*Definition{}
	var first *Definition
	nikNames := s.nikNames()
	for _, d := range s.order {
		if d.FirstContactFlow {
			if first != nil {
				ps = append(ps, Problem{File: d.File, Line: d.keyLine("first_contact"), Flow: d.ID, Msg: fmt.Sprintf("first_contact: flow %s is already the first-contact flow", first.ID)})
			} else {
				first = d
			}
		}
		if d.Menu && len(d.Keywords) == 0 {
			ps = append(ps, Problem{File: d.File, Line: d.keyLine("menu"), Flow: d.ID, Msg: "menu: a menu flow needs a trigger keyword (the menu button sends it)"})
		}
		ps = append(ps, d.problems...)
		c := checker{d: d, set: s, actions: actions, nik: nikNames}
		c.check()
		ps = append(ps, c.ps...)
		if d.ID == "" {
			continue
		}
		if prev, dup := ids[d.ID]; dup {
			ps = append(ps, Problem{File: d.File, Line: d.keyLine("id"), Flow: d.ID, Msg: fmt.Sprintf("duplicate flow id %q (also in %s)", d.ID, prev.File)})
		} else {
			ids[d.ID] = d
		}
		for _, k := range d.Keywords {
			nk := namematch.Fold(k)
			if prev, dup := kw[nk]; dup && prev != d {
				ps = append(ps, Problem{File: d.File, Line: d.keyLine("triggers"), Flow: d.ID, Msg: fmt.Sprintf("keyword %q is also a trigger of flow %s", k, prev.ID)})
			} else {
				kw[nk] = d
			}
			if w, _ := GlobalWord(k); w != "" && w != WordMenu {
				ps = append(ps, Problem{File: d.File, Line: d.keyLine("triggers"), Flow: d.ID, Msg: fmt.Sprintf("keyword %q is a global word", k)})
			}
		}
		for _, p := range d.Payloads {
			if prev, dup := pay[p]; dup && prev != d {
				ps = append(ps, Problem{File: d.File, Line: d.keyLine("triggers"), Flow: d.ID, Msg: fmt.Sprintf("payload %q is also a trigger of flow %s", p, prev.ID)})
			} else {
				pay[p] = d
			}
		}
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
	return ps
}

func (d *Definition) keyLine(k string) int {
	if l, ok := d.keyLines[k]; ok {
		return l
	}
	return 1
}

type checker struct {
	d       *Definition
	set     *Set
	actions []string
	ps      []Problem
	nik     map[string]bool // answer names saved by nik steps
}

func (c *checker) add(line int, step, format string, args ...any) {
	c.ps = append(c.ps, Problem{File: c.d.File, Line: line, Flow: c.d.ID, Step: step, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) text(t *Text, step, field string, required bool, line int) {
	if t == nil {
		if required {
			c.add(line, step, "%s: missing (an `id` text is required)", field)
		}
		return
	}
	l := t.Line
	if l == 0 {
		l = line
	}
	if strings.TrimSpace(t.ID) == "" {
		c.add(l, step, "%s: missing `id` text", field)
	}
	if name := unmaskedNIK(t, c.nik); name != "" {
		c.add(l, step, "%s: shows the NIK %q in full; write {{masknik .answers.%s}}", field, name, name)
	}
}

func (c *checker) check() {
	d := c.d
	if d.ID == "" {
		c.add(1, "-", "id: a flow needs an id")
	}
	if d.Version <= 0 {
		c.add(d.keyLine("version"), "-", "version: must be 1 or more")
	}
	c.text(&d.Title, "-", "title", true, d.keyLine("title"))
	c.text(d.Help, "-", "help", false, d.keyLine("help"))
	for _, w := range d.DisableGlobals {
		if globalBits([]string{w}) == 0 {
			c.add(d.keyLine("disable_globals"), "-", "disable_globals: %q is not a global word", w)
		}
	}
	if len(d.Steps) == 0 {
		c.add(d.keyLine("steps"), "-", "steps: a flow needs at least one step")
		return
	}
	if d.byID[d.Start] == nil {
		c.add(d.keyLine("start"), "-", "start: unknown step %q", d.Start)
	}
	first := map[string]int{}
	for _, n := range d.Steps {
		if n.ID == "" {
			c.add(n.Line, "-", "step has no id")
			continue
		}
		if l, dup := first[n.ID]; dup {
			c.add(n.Line, n.ID, "duplicate step id (first at line %d)", l)
			continue
		}
		first[n.ID] = n.Line
		c.step(n)
	}
	if len(first) == len(d.Steps) {
		c.graph()
	}
}

func (c *checker) step(n *Node) {
	id := n.ID
	kinds := 0
	for _, k := range []bool{n.Ask != "", n.Do != "", n.Call != "", n.Summary} {
		if k {
			kinds++
		}
	}
	if kinds > 1 {
		c.add(n.Line, id, "a step does one thing: ask, do, call or summary")
	}
	if n.Ask != "" && !askTypes[n.Ask] {
		c.add(n.line("ask"), id, "ask: unknown type %q", n.Ask)
	}
	if (n.Ask != "" || n.Summary) && n.Say == nil {
		c.add(n.Line, id, "say: a question needs a text (say with `id`)")
	}
	c.text(n.Say, id, "say", false, n.line("say"))
	c.text(n.Label, id, "label", false, n.line("label"))
	c.text(n.Example, id, "example", false, n.line("example"))
	c.text(n.Invalid, id, "invalid", false, n.line("invalid"))
	c.text(n.Help, id, "help", false, n.line("help"))
	c.text(n.Why, id, "why", false, n.line("why"))
	for _, o := range n.Options {
		lo := o.Label
		c.text(&lo, id, "options", false, n.line("options"))
	}
	if n.Ask == AskChoice || n.Ask == AskMulti {
		switch {
		case len(n.Options) == 0 && n.OptionsFrom == "":
			c.add(n.line("ask"), id, "options: a %s step needs options or options_from", n.Ask)
		case n.OptionsFrom != "" && c.set.options != nil && len(c.set.options(n.OptionsFrom, "id")) == 0:
			c.add(n.line("options_from"), id, "options_from: no list named %q", n.OptionsFrom)
		}
		seen := map[string]bool{}
		for _, o := range n.Options {
			if seen[o.Value] {
				c.add(n.line("options"), id, "options: duplicate value %q", o.Value)
			}
			seen[o.Value] = true
		}
		c.aliases(n)
	} else if len(n.Options) > 0 || n.OptionsFrom != "" {
		c.add(n.line("options"), id, "options: only choice and multi steps have options")
	}
	if n.Optional && n.Ask == "" {
		c.add(n.line("optional"), id, "optional: only an ask step can be optional")
	}
	switch {
	case n.Unit != "" && n.Ask != AskNumber:
		c.add(n.line("unit"), id, "unit: only a number step has a unit")
	case n.Unit != "" && n.Unit != UnitYear && n.Unit != UnitPeople && n.Unit != UnitCount:
		c.add(n.line("unit"), id, "unit: want year, people or count, not %q", n.Unit)
	}
	switch {
	case (n.Per != "" || n.ConfirmBelow != nil) && n.Ask != AskMoney:
		c.add(n.line("per"), id, "per, confirm_below: only a money step has them")
	case n.Per != "" && n.Per != "day" && n.Per != "week" && n.Per != "month" && n.Per != "year":
		c.add(n.line("per"), id, "per: want day, week, month or year, not %q", n.Per)
	}
	if n.Why != nil && n.Optional {
		c.add(n.line("why"), id, "why: only a required question says why it is needed")
	}
	if n.Min != nil && n.Max != nil && *n.Min > *n.Max {
		c.add(n.line("min"), id, "min is larger than max")
	}
	if n.Do != "" && c.actions != nil && !slices.Contains(c.actions, n.Do) {
		c.add(n.line("do"), id, "do: unknown action %q", n.Do)
	}
	if len(n.Args) > 0 && n.Do == "" {
		c.add(n.line("args"), id, "args: only a do step takes args")
	}
	if n.Call != "" {
		switch sub := c.set.Get(n.Call); {
		case sub == nil:
			c.add(n.line("call"), id, "call: unknown flow %q", n.Call)
		case c.calls(sub, c.d.ID, map[string]bool{}):
			c.add(n.line("call"), id, "call: flow %q calls this flow back (endless recursion)", n.Call)
		}
	}
	if n.End != "" && !endWords[n.End] {
		c.add(n.line("end"), id, "end: want true, done or cancelled, not %q", n.End)
	}
	if n.End != "" && (n.Next != "" || len(n.Branches) > 0) {
		c.add(n.line("next"), id, "next: an end step goes nowhere")
	}
	if n.Summary {
		asks := c.d.askSteps()
		for _, f := range n.Fields {
			found := false
			for _, x := range asks {
				found = found || x.node.Save == f
			}
			if !found {
				c.add(n.line("fields"), id, "fields: no ask step saves %q", f)
			}
		}
	}
	for _, w := range n.DisableGlobals {
		if globalBits([]string{w}) == 0 {
			c.add(n.line("disable_globals"), id, "disable_globals: %q is not a global word", w)
		}
	}
	if n.Next != "" && c.d.byID[n.Next] == nil {
		c.add(n.line("next"), id, "next: unknown step %q", n.Next)
	}
	for i, b := range n.Branches {
		line := b.Line
		if line == 0 {
			line = n.line("next")
		}
		switch {
		case b.Goto == "":
			c.add(line, id, "next: entry %d has no goto", i+1)
		case c.d.byID[b.Goto] == nil:
			c.add(line, id, "next: unknown step %q", b.Goto)
		}
		if b.If == "" && i != len(n.Branches)-1 {
			c.add(line, id, "next: entry %d has no `if:` but is not the last", i+1)
		}
	}
	if len(n.Branches) > 0 && n.Branches[len(n.Branches)-1].If != "" {
		c.add(n.line("next"), id, "no way out when no condition holds: end the list with a fallback (a `goto:` without `if:`)")
	}
}

// aliases refuses an alias of an inline option that is also another
// option's label or alias: the contact typing it would be asked "which
// one?" about a word the flow meant for one option.
func (c *checker) aliases(n *Node) {
	owner := map[string]int{}
	for i, o := range n.Options {
		for _, l := range []string{o.Label.ID, o.Label.EN} {
			if k := namematch.Normalize(l); k != "" && l != "" {
				if _, ok := owner[k]; !ok {
					owner[k] = i
				}
			}
		}
	}
	for i, o := range n.Options {
		for _, a := range o.Aliases {
			k := namematch.Normalize(a)
			if k == "" {
				c.add(n.line("options"), n.ID, "options: empty alias of %q", o.Value)
				continue
			}
			if j, ok := owner[k]; ok && j != i {
				c.add(n.line("options"), n.ID, "options: alias %q of %q is also option %q", a, o.Value, n.Options[j].Value)
				continue
			}
			owner[k] = i
		}
	}
}

func (c *checker) calls(d *Definition, target string, seen map[string]bool) bool {
	if d == nil || seen[d.ID] {
		return false
	}
	if d.ID == target {
		return true
	}
	seen[d.ID] = true
	for _, n := range d.Steps {
		if n.Call != "" && c.calls(c.set.Get(n.Call), target, seen) {
			return true
		}
	}
	return false
}

// successors lists where the flow can go after step n; terminal says the
// flow can end (or return to its caller) right after n.
func (d *Definition) successors(n *Node) (next []string, terminal bool) {
	if n.End != "" {
		return nil, true
	}
	// An unknown target is reported on its own; count it as a way out so
	// it does not also show up as "no way out".
	if len(n.Branches) > 0 {
		for _, b := range n.Branches {
			if d.byID[b.Goto] != nil {
				next = append(next, b.Goto)
			} else {
				terminal = true
			}
		}
		return next, terminal
	}
	if n.Next != "" {
		if d.byID[n.Next] != nil {
			return []string{n.Next}, false
		}
		return nil, true
	}
	if n.index+1 < len(d.Steps) {
		return []string{d.Steps[n.index+1].ID}, false
	}
	return nil, true
}

func (c *checker) graph() {
	d := c.d
	if d.byID[d.Start] == nil {
		return
	}
	// Reachable from start.
	reach := map[string]bool{}
	stack := []string{d.Start}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if reach[id] {
			continue
		}
		reach[id] = true
		next, _ := d.successors(d.byID[id])
		stack = append(stack, next...)
	}
	// Can reach an end.
	out := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, n := range d.Steps {
			if n.ID == "" || out[n.ID] || d.byID[n.ID] != n {
				continue
			}
			next, term := d.successors(n)
			ok := term
			for _, x := range next {
				ok = ok || out[x]
			}
			if ok {
				out[n.ID] = true
				changed = true
			}
		}
	}
	// Say-only loops: steps that never wait, going round.
	for _, n := range d.Steps {
		if n.ID == "" || d.byID[n.ID] != n {
			continue
		}
		if !reach[n.ID] {
			c.add(n.Line, n.ID, "unreachable: no step leads here")
			continue
		}
		if !out[n.ID] {
			c.add(n.Line, n.ID, "no way out: from here the flow can never end")
		} else if c.silentLoop(n) {
			c.add(n.Line, n.ID, "loop: the flow comes back here without asking anything")
		}
	}
}

// silentLoop reports whether n is on a cycle of steps that never wait for
// the contact (no ask, summary or action), which would spin forever.
func (c *checker) silentLoop(n *Node) bool {
	d := c.d
	waits := func(x *Node) bool { return x.Ask != "" || x.Summary || x.Do != "" }
	if waits(n) {
		return false
	}
	seen := map[string]bool{}
	stack, _ := d.successors(n)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if id == n.ID {
			return true
		}
		x := d.byID[id]
		if seen[id] || x == nil || waits(x) {
			continue
		}
		seen[id] = true
		next, _ := d.successors(x)
		stack = append(stack, next...)
	}
	return false
}
