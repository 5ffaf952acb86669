package enginebench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"jejaring/internal/flow"
	"jejaring/internal/session"
)

// Jejaring is the Jejaring side: the product's registration test flow,
// flow.Step, and the session codec the bot stores sessions with.
type Jejaring struct {
	def *flow.Definition
	now time.Time
	// Copy makes Turn use flow.Step (the session is copied) instead of
	// flow.StepOwned (the decoded session handed over), for comparison.
	Copy bool
	// StdJSON makes Turn read and write the session with encoding/json
	// and copy it, as every Jejaring before issue 19 did: the "before".
	StdJSON bool
}

// stdRecord is the session as encoding/json stored it (internal/session
// before its own codec).
type stdRecord struct {
	*flow.Session
	Note string `json:"bot_note,omitempty"`
}

// NewJejaring loads the registration from the product's testdata; root is
// the repository's root directory.
func NewJejaring(root string) (*Jejaring, error) {
	path := filepath.Join(root, "internal", "flow", "testdata", "registration.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("jejaring flow: %w", err)
	}
	set, err := flow.Parse("registration.yaml", data)
	if err != nil {
		return nil, fmt.Errorf("jejaring flow: %w", err)
	}
	if ps := set.Check(nil); len(ps) > 0 {
		return nil, fmt.Errorf("jejaring flow: %v", ps)
	}
	return &Jejaring{def: set.Get("registration"), now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}, nil
}

// Start implements Engine.
func (j *Jejaring) Start() ([]byte, error) {
	r, err := flow.Start(j.def, flow.Contact{ID: 42, Name: "Siti Aminah", Phone: "+6281234567890", Channel: "whatsapp", Lang: "id"}, "", nil, j.now)
	if err != nil {
		return nil, err
	}
	return session.Marshal(r.Session, "")
}

// Turn implements Engine.
func (j *Jejaring) Turn(data []byte, text string) ([]byte, int, error) {
	if j.StdJSON {
		return j.stdTurn(data, text)
	}
	s, note, err := session.Unmarshal(data)
	if err != nil {
		return nil, 0, err
	}
	in := flow.Input{Kind: flow.InText, Text: text}
	var r flow.Result
	if j.Copy {
		r, err = flow.Step(j.def, s, in, j.now)
	} else {
		r, err = flow.StepOwned(j.def, s, in, j.now)
	}
	if err != nil {
		return nil, 0, err
	}
	if r.Session == nil {
		return nil, len(r.Messages), fmt.Errorf("jejaring: the registration ended (%s)", r.Ended)
	}
	out, err := session.Marshal(r.Session, note)
	return out, len(r.Messages), err
}

func (j *Jejaring) stdTurn(data []byte, text string) ([]byte, int, error) {
	rec := stdRecord{Session: &flow.Session{}}
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, 0, err
	}
	r, err := flow.Step(j.def, rec.Session, flow.Input{Kind: flow.InText, Text: text}, j.now)
	if err != nil {
		return nil, 0, err
	}
	if r.Session == nil {
		return nil, len(r.Messages), fmt.Errorf("jejaring: the registration ended (%s)", r.Ended)
	}
	out, err := json.Marshal(stdRecord{Session: r.Session, Note: rec.Note})
	return out, len(r.Messages), err
}
