// Package script reads and plays conversation scripts against a flow: what
// the user sends, what the bot must answer, and what must be saved. The
// same script runs against the pure engine (EngineDriver, with the session
// written to JSON and read back between turns) and, through another Driver,
// against the whole bot with real Redis and database. The format is
// described in flows/README.md. This package is plain code, used by
// `jejaring flows test` in the production binary; package flowtest wraps it
// for Go tests.
package script

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"jejaring/internal/flow"
	"jejaring/internal/idn"
)

// Driver sends one input to a conversation and returns the bot's messages
// and the answers afterwards (the final answers when the flow ended).
type Driver interface {
	Send(ctx context.Context, in flow.Input) ([]flow.Message, map[string]any, error)
}

// Ender is implemented by drivers that know whether the conversation ended
// and why ("done", "cancelled", "menu"; "" while it goes on).
type Ender interface {
	Ended() string
}

// Script is one conversation test.
type Script struct {
	File    string                    `yaml:"-"`
	Flow    string                    `yaml:"flow"`
	Contact ScriptContact             `yaml:"contact"`
	Params  map[string]any            `yaml:"params"`
	Now     string                    `yaml:"now"`
	Actions map[string]map[string]any `yaml:"actions"`
	Turns   []Turn                    `yaml:"turns"`
}

// ScriptContact is who the script talks as.
type ScriptContact struct {
	ID      int64  `yaml:"id"`
	Name    string `yaml:"name"`
	Phone   string `yaml:"phone"`
	Lang    string `yaml:"lang"`
	Channel string `yaml:"channel"`
	Staff   bool   `yaml:"staff"`
}

// Contact returns the script's contact for the engine.
func (s *Script) FlowContact() flow.Contact {
	c := s.Contact
	ch := c.Channel
	if ch == "" {
		ch = "webchat"
	}
	lang := c.Lang
	if lang == "" {
		lang = "id"
	}
	id := c.ID
	if id == 0 {
		id = 1
	}
	return flow.Contact{ID: id, Name: c.Name, Phone: c.Phone, Channel: ch, Lang: lang, IsStaff: c.Staff}
}

// Clock returns the script's fixed time (default 2026-11-30 09:00 WIB).
func (s *Script) Clock() time.Time {
	if s.Now != "" {
		if t, err := time.Parse(time.RFC3339, s.Now); err == nil {
			return t
		}
	}
	return time.Date(2026, 11, 30, 9, 0, 0, 0, idn.WIB)
}

// Turn is one message from the user and what must follow.
type Turn struct {
	// Reload swaps in another version of a flow before the turn is sent,
	// as when the office edits a flow under live sessions: a flow file
	// (path relative to the script) whose flow replaces the one with the
	// same id. The session stays as it was stored. A turn may reload and
	// send nothing.
	Reload  string         `yaml:"reload"`
	Send    *Send          `yaml:"send"`
	Expect  []Expect       `yaml:"expect"`
	Answers map[string]any `yaml:"answers"`
	// Absent lists answers that must not be there after the turn (dropped
	// by a changed flow, skipped, ...).
	Absent []string `yaml:"absent"`
	Ended  string   `yaml:"ended"`
	Line   int      `yaml:"-"`
}

// Reloader is implemented by drivers that can swap in another version of a
// flow mid-conversation (a script's `reload:`), keeping the session.
type Reloader interface {
	Reload(file string) error
}

// UnmarshalYAML records the turn's line.
func (t *Turn) UnmarshalYAML(n ast.Node) error {
	type plain Turn
	if err := yaml.NodeToValue(n, (*plain)(t), yaml.Strict()); err != nil {
		return err
	}
	t.Line = line(n)
	return nil
}

// Send is what the user sends; a bare string is a text.
type Send struct {
	Text     string         `yaml:"text"`
	Choice   string         `yaml:"choice"`
	Contact  string         `yaml:"contact"`
	Location *flow.Location `yaml:"location"`
	Photo    string         `yaml:"photo"`
	Document string         `yaml:"document"`
	Sticker  bool           `yaml:"sticker"`
	Start    *string        `yaml:"start"`
}

// UnmarshalYAML accepts a bare string as a text.
func (s *Send) UnmarshalYAML(n ast.Node) error {
	if n.Type() == ast.MappingType || n.Type() == ast.MappingValueType {
		type plain Send
		return yaml.NodeToValue(n, (*plain)(s), yaml.Strict())
	}
	return yaml.NodeToValue(n, &s.Text)
}

// Input turns the send into an engine input.
func (s *Send) Input() flow.Input {
	switch {
	case s.Start != nil:
		return flow.Input{Kind: flow.InStart, Text: *s.Start}
	case s.Choice != "":
		return flow.Input{Kind: flow.InChoice, Choice: s.Choice}
	case s.Contact != "":
		return flow.Input{Kind: flow.InContact, Phone: s.Contact, OwnPhone: true}
	case s.Location != nil:
		return flow.Input{Kind: flow.InLocation, Location: s.Location}
	case s.Photo != "":
		return flow.Input{Kind: flow.InPhoto, FileRef: s.Photo}
	case s.Document != "":
		return flow.Input{Kind: flow.InDocument, FileRef: s.Document}
	case s.Sticker:
		return flow.Input{Kind: flow.InOther}
	}
	return flow.Input{Kind: flow.InText, Text: s.Text}
}

// Expect is one message the bot must send.
type Expect struct {
	Text     *string  `yaml:"text"`
	Contains string   `yaml:"contains"`
	Choices  []string `yaml:"choices"`
	textLine int
}

// UnmarshalYAML records the line of `text:` for -update.
func (e *Expect) UnmarshalYAML(n ast.Node) error {
	type plain Expect
	if err := yaml.NodeToValue(n, (*plain)(e), yaml.Strict()); err != nil {
		return err
	}
	m := map[string]ast.Node{}
	switch x := n.(type) {
	case *ast.MappingNode:
		for _, v := range x.Values {
			m[v.Key.String()] = v.Key
		}
	case *ast.MappingValueNode:
		m[x.Key.String()] = x.Key
	}
	if k, ok := m["text"]; ok && !isFlow(n) {
		e.textLine = k.GetToken().Position.Line
	}
	return nil
}

func isFlow(n ast.Node) bool {
	if m, ok := n.(*ast.MappingNode); ok {
		return m.IsFlowStyle
	}
	return false
}

func line(n ast.Node) int {
	switch x := n.(type) {
	case *ast.MappingNode:
		if len(x.Values) > 0 {
			return line(x.Values[0])
		}
	case *ast.MappingValueNode:
		return x.Key.GetToken().Position.Line
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// Load reads a script file.
func Load(file string) (*Script, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read script: %w", err)
	}
	return Parse(file, data)
}

// Parse reads a script from bytes; file names it in errors.
func Parse(file string, data []byte) (*Script, error) {
	var s Script
	if err := yaml.UnmarshalWithOptions(data, &s, yaml.Strict()); err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) && ye.GetToken() != nil {
			return nil, fmt.Errorf("%s:%d: %s", file, ye.GetToken().Position.Line, ye.GetMessage())
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	s.File = file
	if s.Flow == "" {
		return nil, fmt.Errorf("%s:1: script: flow is missing", file)
	}
	return &s, nil
}

// Failure is one mismatch between a script and the conversation.
type Failure struct {
	File string
	Line int
	Msg  string
}

func (f Failure) String() string { return fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Msg) }

// Rewrite is an exact expected text to put in the script (`-update`):
// what the bot said instead, for the line that expected otherwise.
type Rewrite struct {
	Line int
	Text string
}

// Play runs the script through d and returns every mismatch. An error
// means the conversation could not be driven at all.
func Play(ctx context.Context, sc *Script, d Driver) ([]Failure, error) {
	fails, _, err := PlayRewrites(ctx, sc, d)
	return fails, err
}

// PlayRewrites is Play that also returns, for each exact expected text the
// bot did not say, what it said instead (see ApplyRewrites).
func PlayRewrites(ctx context.Context, sc *Script, d Driver) ([]Failure, []Rewrite, error) {
	var fails []Failure
	var rws []Rewrite
	fail := func(l int, format string, args ...any) {
		fails = append(fails, Failure{File: sc.File, Line: l, Msg: fmt.Sprintf(format, args...)})
	}
	for i, t := range sc.Turns {
		if t.Reload != "" {
			rl, ok := d.(Reloader)
			if !ok {
				return fails, rws, fmt.Errorf("%s:%d: turn %d: reload: this driver cannot change flows", sc.File, t.Line, i+1)
			}
			file := t.Reload
			if !filepath.IsAbs(file) {
				file = filepath.Join(filepath.Dir(sc.File), file)
			}
			if err := rl.Reload(file); err != nil {
				return fails, rws, fmt.Errorf("%s:%d: turn %d: reload: %w", sc.File, t.Line, i+1, err)
			}
			if t.Send == nil {
				if t.Expect != nil || t.Answers != nil || t.Absent != nil || t.Ended != "" {
					return fails, rws, fmt.Errorf("%s:%d: turn %d: a reload without send checks nothing; put the expectations on the next turn", sc.File, t.Line, i+1)
				}
				continue
			}
		}
		if t.Send == nil {
			return fails, rws, fmt.Errorf("%s:%d: turn %d has no send", sc.File, t.Line, i+1)
		}
		msgs, answers, err := d.Send(ctx, t.Send.Input())
		if err != nil {
			return fails, rws, fmt.Errorf("%s:%d: turn %d: %w", sc.File, t.Line, i+1, err)
		}
		if t.Expect != nil {
			if len(msgs) != len(t.Expect) {
				fail(t.Line, "turn %d: want %d messages, got %d:\n%s", i+1, len(t.Expect), len(msgs), dump(msgs))
			}
			for j, e := range t.Expect {
				if j >= len(msgs) {
					break
				}
				m := msgs[j]
				if e.Text != nil && *e.Text != m.Text {
					fail(t.Line, "turn %d message %d: want text\n  %q\ngot\n  %q", i+1, j+1, *e.Text, m.Text)
					if e.textLine > 0 {
						rws = append(rws, Rewrite{Line: e.textLine, Text: m.Text})
					}
				}
				if e.Contains != "" && !strings.Contains(m.Text, e.Contains) {
					fail(t.Line, "turn %d message %d: want text containing %q, got\n  %q", i+1, j+1, e.Contains, m.Text)
				}
				if e.Choices != nil {
					got := make([]string, len(m.Choices))
					for k, c := range m.Choices {
						got[k] = c.Label
					}
					if !reflect.DeepEqual(got, e.Choices) && !(len(got) == 0 && len(e.Choices) == 0) {
						fail(t.Line, "turn %d message %d: want choices %q, got %q", i+1, j+1, e.Choices, got)
					}
				}
			}
		}
		for k, want := range t.Answers {
			got, ok := answers[k]
			if !ok {
				fail(t.Line, "turn %d: answer %q is missing (answers: %s)", i+1, k, jsonString(answers))
				continue
			}
			if !sameJSON(want, got) {
				fail(t.Line, "turn %d: answer %q: want %s, got %s", i+1, k, jsonString(want), jsonString(got))
			}
		}
		for _, k := range t.Absent {
			if v, ok := answers[k]; ok {
				fail(t.Line, "turn %d: answer %q should be gone, got %s", i+1, k, jsonString(v))
			}
		}
		if e, ok := d.(Ender); ok && t.Ended != "" && e.Ended() != t.Ended {
			fail(t.Line, "turn %d: want the flow ended %q, got %q", i+1, t.Ended, e.Ended())
		}
	}
	return fails, rws, nil
}

func dump(msgs []flow.Message) string {
	var b strings.Builder
	for i, m := range msgs {
		fmt.Fprintf(&b, "  %d: %q", i+1, m.Text)
		if len(m.Choices) > 0 {
			labels := make([]string, len(m.Choices))
			for k, c := range m.Choices {
				labels[k] = c.Label
			}
			fmt.Fprintf(&b, " choices %q", labels)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// sameJSON compares values after a JSON round trip (YAML ints vs float64).
func sameJSON(a, b any) bool {
	var x, y any
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return false
	}
	_ = json.Unmarshal(ja, &x)
	_ = json.Unmarshal(jb, &y)
	return reflect.DeepEqual(x, y)
}

// ApplyRewrites writes each rewrite's text into the script file in
// place of the expected text on its line (`-update`).
func ApplyRewrites(file string, rws []Rewrite) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	lines := bytes.Split(data, []byte("\n"))
	for _, r := range rws {
		i := r.Line - 1
		if i < 0 || i >= len(lines) {
			continue
		}
		l := string(lines[i])
		k := strings.Index(l, "text:")
		if k < 0 {
			continue
		}
		lines[i] = []byte(l[:k] + "text: " + strconv.Quote(r.Text))
	}
	return os.WriteFile(file, bytes.Join(lines, []byte("\n")), 0o644)
}
