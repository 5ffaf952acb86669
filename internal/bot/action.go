package bot

import (
	"context"
	"fmt"
	"sort"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
)

// ActionCall is what a Go action sees when a flow step says `do: name`.
type ActionCall struct {
	Contact   flow.Contact    // who is talking (ID is the contacts row id)
	Address   channel.Address // where they are
	Answers   map[string]any  // the session's answers so far (read-only)
	Args      map[string]any  // the step's `args:`, templates already rendered
	MessageID string          // platform id of the message that led here (proof of consent)
	Now       time.Time
	Lang      string // "id" or "en"
}

// ActionResult is what an action gives back. Answers are merged into the
// session's answers before the flow goes on; Messages are sent to the contact
// after the flow's own messages of this turn (documents, images, notices).
type ActionResult struct {
	Answers  map[string]any
	Messages []channel.Outbound
}

// Action is a Go function a flow may run by name. It is the only way a flow
// touches the database. An error is logged, the contact gets a kind apology,
// and the session stays where it was so they can try again.
type Action func(ctx context.Context, call ActionCall) (ActionResult, error)

// Actions is the registry of actions by name ("umkm.register").
type Actions map[string]Action

// Register adds an action, refusing a duplicate name.
func (a Actions) Register(name string, fn Action) error {
	if _, dup := a[name]; dup {
		return fmt.Errorf("action %s registered twice", name)
	}
	a[name] = fn
	return nil
}

// Names lists the registered names, sorted, for `flows check`.
func (a Actions) Names() []string {
	names := make([]string, 0, len(a))
	for n := range a {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
