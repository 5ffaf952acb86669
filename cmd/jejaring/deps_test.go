package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryLinksNoTestCode: the production binary never links package
// testing (the conversation-script player `flows test` uses lives in
// internal/flow/script; internal/flow/flowtest is only its *testing.T
// wrapper) nor any test helper package.
func TestBinaryLinksNoTestCode(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "testing" || strings.HasSuffix(pkg, "test") && strings.HasPrefix(pkg, "jejaring/") {
			t.Errorf("cmd/jejaring links %s", pkg)
		}
	}
}
