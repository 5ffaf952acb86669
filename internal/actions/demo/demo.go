// Package demo holds the action of the demo flow (flows/demo.yaml). The demo
// promises that its answers are not sent to the office, so its one action
// stores nothing and hands back a sample registration number.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"

	"jejaring/internal/bot"
)

// Save is the name of the demo flow's action (`do: demo.save`).
const Save = "demo.save"

// Register adds the demo action to a.
func Register(a bot.Actions) error { return a.Register(Save, save) }

// save answers with a sample number starting with CONTOH- and writes nothing.
func save(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return bot.ActionResult{Answers: map[string]any{"reg_no": "CONTOH-" + strings.ToUpper(hex.EncodeToString(b[:]))}}, nil
}
