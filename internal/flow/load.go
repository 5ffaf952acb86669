package flow

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/template"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// Load reads every *.yaml and *.yml file in the root of fsys (not in
// sub-directories such as testdata/) as a flow. Syntax and shape errors
// (unknown keys, wrong types) come back as "file:line: message", one per
// line, for every file; a Set is only returned when all files parse. Semantic
// mistakes (unknown steps, bad expressions, missing texts) are found by
// Check, which callers must run before using the Set.
func Load(fsys fs.FS) (*Set, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("load flows: %w", err)
	}
	s := &Set{flows: map[string]*Definition{}}
	var errs []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load flow %s: %w", name, err)
		}
		def, err := parseFlow(name, data)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		def.set = s
		s.order = append(s.order, def)
		if _, dup := s.flows[def.ID]; !dup && def.ID != "" {
			s.flows[def.ID] = def
		}
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	s.index()
	return s, nil
}

// Parse reads one flow file's bytes (name is used in messages), for tools
// and tests that check a single file.
func Parse(name string, data []byte) (*Set, error) {
	def, err := parseFlow(name, data)
	if err != nil {
		return nil, err
	}
	s := &Set{flows: map[string]*Definition{def.ID: def}, order: []*Definition{def}}
	def.set = s
	return s, nil
}

// Replace returns a copy of the set in which the flow in data (one file's
// bytes; name is used in messages) takes the place of the flow with the
// same id, or is added. s itself is unchanged, so live sessions can be
// played against an edited flow: a test's "the office changed the flow"
// step. The copy keeps s's options provider; run Check on it before use.
func (s *Set) Replace(name string, data []byte) (*Set, error) {
	def, err := parseFlow(name, data)
	if err != nil {
		return nil, err
	}
	out := &Set{flows: make(map[string]*Definition, len(s.flows)+1), options: s.options}
	replaced := false
	for _, d := range s.order {
		if d.ID == def.ID {
			if !replaced {
				def.set = out
				out.order = append(out.order, def)
				out.flows[def.ID] = def
				replaced = true
			}
			continue
		}
		c := *d // the definition is read-only; only its set changes
		c.set = out
		out.order = append(out.order, &c)
		if _, dup := out.flows[c.ID]; !dup && c.ID != "" {
			out.flows[c.ID] = &c
		}
	}
	if !replaced {
		def.set = out
		out.order = append(out.order, def)
		out.flows[def.ID] = def
	}
	out.index()
	return out, nil
}

// SetOptions plugs in the provider of named choice lists. Call it once,
// before the Set is used.
func (s *Set) SetOptions(o Options) { s.options = o }

// Get returns the flow with the given id, or nil.
func (s *Set) Get(id string) *Definition {
	if s == nil {
		return nil
	}
	return s.flows[id]
}

// Flows lists the flows in file-name order.
func (s *Set) Flows() []*Definition { return s.order }

// --- raw YAML shapes ---

type rawFlow struct {
	ID             string    `yaml:"id"`
	Version        int       `yaml:"version"`
	Title          *rawText  `yaml:"title"`
	Menu           bool      `yaml:"menu"`
	FirstContact   bool      `yaml:"first_contact"`
	Triggers       rawTrig   `yaml:"triggers"`
	Start          string    `yaml:"start"`
	MaxRetries     int       `yaml:"max_retries"`
	DisableGlobals []string  `yaml:"disable_globals"`
	Help           *rawText  `yaml:"help"`
	Steps          []rawStep `yaml:"steps"`
}

type rawTrig struct {
	Keywords   []string `yaml:"keywords"`
	KeywordsEN []string `yaml:"keywords_en"`
	Payloads   []string `yaml:"payloads"`
	Param      string   `yaml:"param"`
}

type rawText struct {
	ID   string `yaml:"id"`
	EN   string `yaml:"en"`
	line int
}

func (t *rawText) UnmarshalYAML(n ast.Node) error {
	t.line = nodeLine(n)
	switch n.Type() {
	case ast.MappingType, ast.MappingValueType:
		type plain rawText
		return yaml.NodeToValue(n, (*plain)(t), yaml.Strict())
	default:
		return yaml.NodeToValue(n, &t.ID)
	}
}

type rawOption struct {
	Value   string   `yaml:"value"`
	ID      string   `yaml:"id"`
	EN      string   `yaml:"en"`
	Aliases []string `yaml:"aliases"`
	line    int
}

func (o *rawOption) UnmarshalYAML(n ast.Node) error {
	o.line = nodeLine(n)
	switch n.Type() {
	case ast.MappingType, ast.MappingValueType:
		type plain rawOption
		return yaml.NodeToValue(n, (*plain)(o), yaml.Strict())
	default:
		if err := yaml.NodeToValue(n, &o.ID); err != nil {
			return err
		}
		o.Value = o.ID
		return nil
	}
}

type rawBranch struct {
	If   string `yaml:"if"`
	Goto string `yaml:"goto"`
	line int
}

func (b *rawBranch) UnmarshalYAML(n ast.Node) error {
	b.line = nodeLine(n)
	type plain rawBranch
	return yaml.NodeToValue(n, (*plain)(b), yaml.Strict())
}

type rawNext struct {
	Step     string
	Branches []rawBranch
	line     int
}

func (x *rawNext) UnmarshalYAML(n ast.Node) error {
	x.line = nodeLine(n)
	if n.Type() == ast.SequenceType {
		return yaml.NodeToValue(n, &x.Branches, yaml.Strict())
	}
	return yaml.NodeToValue(n, &x.Step)
}

type rawStepFields struct {
	ID             string            `yaml:"id"`
	Say            *rawText          `yaml:"say"`
	Ask            string            `yaml:"ask"`
	Save           string            `yaml:"save"`
	Label          *rawText          `yaml:"label"`
	Optional       bool              `yaml:"optional"`
	Min            *float64          `yaml:"min"`
	Max            *float64          `yaml:"max"`
	Pattern        string            `yaml:"pattern"`
	Example        *rawText          `yaml:"example"`
	Options        []rawOption       `yaml:"options"`
	OptionsFrom    string            `yaml:"options_from"`
	Validate       string            `yaml:"validate"`
	Invalid        *rawText          `yaml:"invalid"`
	Help           *rawText          `yaml:"help"`
	Why            *rawText          `yaml:"why"`
	Unit           string            `yaml:"unit"`
	Per            string            `yaml:"per"`
	ConfirmBelow   *float64          `yaml:"confirm_below"`
	MaxRetries     int               `yaml:"max_retries"`
	Do             string            `yaml:"do"`
	Args           map[string]string `yaml:"args"`
	Call           string            `yaml:"call"`
	Set            map[string]string `yaml:"set"`
	Next           *rawNext          `yaml:"next"`
	End            any               `yaml:"end"`
	Summary        bool              `yaml:"summary"`
	Fields         []string          `yaml:"fields"`
	Media          *Media            `yaml:"media"`
	DisableGlobals []string          `yaml:"disable_globals"`
	keyLines       map[string]int    `yaml:"-"`
	setLines       map[string]int    `yaml:"-"`
	argLines       map[string]int    `yaml:"-"`
	line           int               `yaml:"-"`
}

type rawStep struct{ rawStepFields }

// UnmarshalYAML decodes a step strictly and records the lines of its keys,
// so problems can point at the line of `next:` or `do:`.
func (s *rawStep) UnmarshalYAML(n ast.Node) error {
	type plain rawStepFields
	if err := yaml.NodeToValue(n, (*plain)(&s.rawStepFields), yaml.Strict()); err != nil {
		return err
	}
	s.keyLines = keyLines(n)
	s.line = nodeLine(n)
	if v := valueOf(n, "set"); v != nil {
		s.setLines = keyLines(v)
	}
	if v := valueOf(n, "args"); v != nil {
		s.argLines = keyLines(v)
	}
	return nil
}

func nodeLine(n ast.Node) int {
	if mv, ok := n.(*ast.MappingNode); ok && len(mv.Values) > 0 {
		return nodeLine(mv.Values[0])
	}
	if mv, ok := n.(*ast.MappingValueNode); ok {
		if tk := mv.Key.GetToken(); tk != nil && tk.Position != nil {
			return tk.Position.Line
		}
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

func mapValues(n ast.Node) []*ast.MappingValueNode {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}

func keyLines(n ast.Node) map[string]int {
	vs := mapValues(n)
	if len(vs) == 0 {
		return nil
	}
	m := make(map[string]int, len(vs))
	for _, v := range vs {
		if tk := v.Key.GetToken(); tk != nil && tk.Position != nil {
			m[v.Key.String()] = tk.Position.Line
		}
	}
	return m
}

func valueOf(n ast.Node, key string) ast.Node {
	for _, v := range mapValues(n) {
		if v.Key.String() == key {
			return v.Value
		}
	}
	return nil
}

func yamlErr(file string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		line := 0
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			line = tk.Position.Line
		}
		return fmt.Errorf("%s:%d: %s", file, line, ye.GetMessage())
	}
	return fmt.Errorf("%s:0: %v", file, err)
}

// --- building ---

func parseFlow(file string, data []byte) (*Definition, error) {
	var raw rawFlow
	if err := yaml.UnmarshalWithOptions(data, &raw, yaml.Strict()); err != nil {
		return nil, yamlErr(file, err)
	}
	d := &Definition{
		ID: raw.ID, Version: raw.Version, File: file, Line: 1,
		Menu: raw.Menu, FirstContactFlow: raw.FirstContact,
		Keywords: append(slices.Clone(raw.Triggers.Keywords), raw.Triggers.KeywordsEN...), KeywordsEN: raw.Triggers.KeywordsEN, Payloads: raw.Triggers.Payloads,
		Param: raw.Triggers.Param, Start: raw.Start, MaxRetries: raw.MaxRetries,
		DisableGlobals: raw.DisableGlobals,
		byID:           map[string]*Node{},
	}
	if d.Param == "" {
		d.Param = "token"
	}
	if d.MaxRetries <= 0 {
		d.MaxRetries = 3
	}
	if f, err := parserFile(data); err == nil {
		d.keyLines = f
	}
	d.disabled = globalBits(raw.DisableGlobals)
	if raw.Title != nil {
		d.Title = *d.text(raw.Title, "-", "title")
	}
	d.Help = d.text(raw.Help, "-", "help")
	for i := range raw.Steps {
		n := d.build(&raw.Steps[i].rawStepFields)
		n.index = i
		d.Steps = append(d.Steps, n)
		if _, dup := d.byID[n.ID]; !dup && n.ID != "" {
			d.byID[n.ID] = n
		}
	}
	if d.Start == "" && len(d.Steps) > 0 {
		d.Start = d.Steps[0].ID
	}
	return d, nil
}

// parserFile returns the line of each top-level key.
func parserFile(data []byte) (map[string]int, error) {
	var n ast.Node
	if err := yaml.UnmarshalWithOptions(data, &nodeGrab{&n}); err != nil {
		return nil, err
	}
	return keyLines(n), nil
}

type nodeGrab struct{ n *ast.Node }

func (g *nodeGrab) UnmarshalYAML(n ast.Node) error { *g.n = n; return nil }

func (d *Definition) problem(line int, step, format string, args ...any) {
	d.problems = append(d.problems, Problem{File: d.File, Line: line, Flow: d.ID, Step: step, Msg: fmt.Sprintf(format, args...)})
}

func (d *Definition) text(r *rawText, step, field string) *Text {
	if r == nil {
		return nil
	}
	t := &Text{ID: r.ID, EN: r.EN, Line: r.line}
	var err error
	if t.tid, err = compileTemplate(r.ID); err != nil {
		d.problem(r.line, step, "%s: bad template: %v", field, err)
	}
	if t.ten, err = compileTemplate(r.EN); err != nil {
		d.problem(r.line, step, "%s: bad template: %v", field, err)
	}
	return t
}

func compileTemplate(s string) (*template.Template, error) {
	if !strings.Contains(s, "{{") {
		return nil, nil
	}
	t, err := template.New("").Option("missingkey=zero").Funcs(templateFuncs).Parse(s)
	if err != nil {
		return nil, errors.New(templateErrRE.ReplaceAllString(err.Error(), ""))
	}
	return t, nil
}

var templateErrRE = regexp.MustCompile(`^template: :\d+:\s*`)

// exprEnv is what expressions see: answers, contact, lang and (in
// validate) answer. A struct, not a map, so `answer` is typed `any` at
// compile time and comparisons with answers are checked at run time.
type exprEnv struct {
	Answers map[string]any `expr:"answers"`
	Contact map[string]any `expr:"contact"`
	Lang    string         `expr:"lang"`
	Answer  any            `expr:"answer"`
}

func compileExpr(src string, asBool bool) (*vm.Program, error) {
	opts := []expr.Option{expr.Env(&exprEnv{})}
	if asBool {
		opts = append(opts, expr.AsBool())
	}
	p, err := expr.Compile(src, opts...)
	if err != nil {
		msg := err.Error()
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return nil, errors.New(msg)
	}
	return p, nil
}

func (d *Definition) build(r *rawStepFields) *Node {
	n := &Node{
		ID: r.ID, Line: r.line, Ask: r.Ask, Save: r.Save, Optional: r.Optional,
		Min: r.Min, Max: r.Max, Pattern: r.Pattern, OptionsFrom: r.OptionsFrom,
		Validate: r.Validate, MaxRetries: r.MaxRetries, Do: r.Do, Call: r.Call,
		Summary: r.Summary, Fields: r.Fields, Media: r.Media,
		DisableGlobals: r.DisableGlobals, keyLines: r.keyLines,
		Unit: r.Unit, Per: r.Per, ConfirmBelow: r.ConfirmBelow,
	}
	id := n.ID
	if id == "" {
		id = "-"
	}
	if n.Save == "" && n.Ask != "" {
		n.Save = n.ID
	}
	if n.MaxRetries <= 0 {
		n.MaxRetries = d.MaxRetries
	}
	n.disabled = d.disabled | globalBits(r.DisableGlobals)
	n.Say = d.text(r.Say, id, "say")
	n.Label = d.text(r.Label, id, "label")
	n.Example = d.text(r.Example, id, "example")
	n.Invalid = d.text(r.Invalid, id, "invalid")
	n.Help = d.text(r.Help, id, "help")
	n.Why = d.text(r.Why, id, "why")
	for _, o := range r.Options {
		t := d.text(&rawText{ID: o.ID, EN: o.EN, line: o.line}, id, "options")
		v := o.Value
		if v == "" {
			v = o.ID
		}
		n.Options = append(n.Options, Option{Value: v, Label: *t, Aliases: o.Aliases})
	}
	if len(n.Options) > 0 {
		plain := true
		for _, o := range n.Options {
			plain = plain && o.Label.tid == nil && o.Label.ten == nil
		}
		if plain {
			n.choicesID = n.renderChoices("id", nil)
			n.choicesEN = n.renderChoices("en", nil)
			n.normID = normNames(n.choicesID)
			n.normEN = normNames(n.choicesEN)
		}
	}
	if n.Pattern != "" {
		re, err := regexp.Compile(n.Pattern)
		if err != nil {
			d.problem(n.line("pattern"), id, "pattern: %v", err)
		}
		n.re = re
	}
	if n.Validate != "" {
		p, err := compileExpr(n.Validate, true)
		if err != nil {
			d.problem(n.line("validate"), id, "validate: bad expression: %v", err)
		}
		n.validate = p
	}
	if len(r.Args) > 0 {
		n.Args = map[string]*Text{}
		for k, v := range r.Args {
			n.Args[k] = d.text(&rawText{ID: v, line: r.argLines[k]}, id, "args."+k)
			n.argKeys = append(n.argKeys, k)
		}
		sort.Strings(n.argKeys)
	}
	if len(r.Set) > 0 {
		keys := make([]string, 0, len(r.Set))
		for k := range r.Set {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			a := Assign{Name: k, Expr: r.Set[k], Line: r.setLines[k]}
			if a.Line == 0 {
				a.Line = n.line("set")
			}
			p, err := compileExpr(a.Expr, false)
			if err != nil {
				d.problem(a.Line, id, "set %s: bad expression: %v", k, err)
			}
			a.prog = p
			n.Set = append(n.Set, a)
		}
	}
	if r.Next != nil {
		n.Next = r.Next.Step
		for _, b := range r.Next.Branches {
			br := Branch{If: b.If, Goto: b.Goto, Line: b.line}
			if b.If != "" {
				p, err := compileExpr(b.If, true)
				if err != nil {
					d.problem(b.line, id, "next: bad expression %q: %v", b.If, err)
				}
				br.prog = p
			}
			n.Branches = append(n.Branches, br)
		}
	}
	switch e := r.End.(type) {
	case nil:
	case bool:
		if e {
			n.End = "done"
		}
	case string:
		n.End = e
	default:
		d.problem(n.line("end"), id, "end: want true or a word such as done")
	}
	return n
}

// line returns the line of one of the step's keys, or the step's line.
func (n *Node) line(key string) int {
	if l, ok := n.keyLines[key]; ok {
		return l
	}
	return n.Line
}
