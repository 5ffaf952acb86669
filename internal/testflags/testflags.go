// Package testflags defines the flags Jejaring's golden tests share, once:
// `go test ./flows/ -update` rewrites the expected texts of the conversation
// scripts (internal/flow/flowtest), `go test ./cmd/jejaring/ -run
// MatchSolveGolden -update` the scheduler's golden files. A test reads the
// flag through this package instead of looking a flag up by name, so a
// package that forgets to define it, or spells it differently, does not
// compile rather than silently never updating.
//
// Only test code imports it. It is a leaf: it imports nothing of Jejaring's.
package testflags

import "flag"

var update = flag.Bool("update", false, "rewrite golden files and the expected texts of test scripts from what the code says now")

// Update reports whether -update was given.
func Update() bool { return *update }
