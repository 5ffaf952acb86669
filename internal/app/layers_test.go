package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The layers of Jejaring's packages (DESIGN.md, STYLE.md "Layers"), lowest
// first. A package may import its own layer's allowed set below and nothing
// above; app wires everything and cmd/jejaring drives app.
type layer string

const (
	leafL    layer = "leaf"    // formatting, events' words, config, metrics, migrations, the channel contract: nothing of ours
	domainL  layer = "domain"  // umkm, contact, match: leaves only
	flowL    layer = "flow"    // the flow engine: leaves only
	adapterL layer = "adapter" // channel/*: channel and leaves
	stateL   layer = "state"   // session (Redis) and outbox (the send queue): leaves, domain, flow
	storeL   layer = "store"   // implements the domain's interfaces; no transport
	botL     layer = "bot"     // the inbound pipeline: leaves, domain, flow, state; never store
	actionsL layer = "actions" // the code behind a flow's do: bot, domain, narrow store interfaces
	webL     layer = "web"     // the dashboard: the domain and action code the chat uses
	appL     layer = "app"     // wires everything
	cmdL     layer = "cmd"     // the binary
	helperL  layer = "test helper"
)

// mayImport lists what each layer may import, besides the root of its own
// package family (internal/umkm/x may import internal/umkm). No layer but
// the test helpers imports its own: two domain packages, two adapters or
// two action packages stay independent.
var mayImport = map[layer][]layer{
	leafL:    nil,
	domainL:  {leafL},
	flowL:    {leafL},
	adapterL: {leafL},
	stateL:   {leafL, domainL, flowL},
	storeL:   {leafL, domainL, flowL, stateL},
	botL:     {leafL, domainL, flowL, stateL},
	actionsL: {leafL, domainL, flowL, stateL, storeL, botL},
	webL:     {leafL, domainL, flowL, stateL, storeL, botL, actionsL},
	appL:     {leafL, domainL, flowL, stateL, storeL, botL, actionsL, adapterL, webL},
	cmdL:     {leafL, domainL, flowL, stateL, storeL, botL, actionsL, adapterL, webL, appL},
	// Test helpers (…test packages, the fault suite) drive what they test
	// and may import anything of ours; no production package imports
	// them (checked below).
	helperL: {leafL, domainL, flowL, stateL, storeL, botL, actionsL, adapterL, webL, appL, cmdL, helperL},
}

// layerOf places a package (its path inside the module). A new package
// must be placed here: an unplaced one fails the test.
func layerOf(pkg string) (layer, bool) {
	base := pkg[strings.LastIndex(pkg, "/")+1:]
	switch {
	case strings.HasSuffix(base, "test") && base != "test", pkg == "internal/faulttest", pkg == "internal/testflags":
		return helperL, true
	case pkg == "cmd/jejaring":
		return cmdL, true
	case pkg == "internal/app":
		return appL, true
	case under(pkg, "internal/web"):
		return webL, true
	case under(pkg, "internal/actions"):
		return actionsL, true
	case pkg == "internal/bot":
		return botL, true
	case under(pkg, "internal/store"):
		return storeL, true
	case pkg == "internal/session", pkg == "internal/outbox":
		return stateL, true
	case under(pkg, "internal/channel") && pkg != "internal/channel":
		return adapterL, true
	case pkg == "internal/flow", pkg == "internal/flow/script":
		return flowL, true
	case under(pkg, "internal/umkm"), under(pkg, "internal/contact"), under(pkg, "internal/match"):
		return domainL, true
	case pkg == "internal/idn", pkg == "internal/event", pkg == "internal/config", pkg == "internal/metrics",
		pkg == "internal/channel", pkg == "migrations", pkg == "flows", leafNames[pkg]:
		return leafL, true
	}
	return "", false
}

// leafNames are further leaves: the name-matching leaf (issue 11 item 5).
var leafNames = map[string]bool{"internal/namematch": true}

func under(pkg, root string) bool { return pkg == root || strings.HasPrefix(pkg, root+"/") }

// knownViolations are imports that still run up a layer while other work
// of issue 11 removes them. Each names who removes it; the test fails when
// an entry is no longer needed, so the lead deletes it at that merge.
var knownViolations = map[string]string{}

type goPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
}

// goList is `go list -json jejaring/...`.
func goList(t *testing.T) []goPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "jejaring/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages; the module has more", len(pkgs))
	}
	return pkgs
}

// TestNoRowsStaysInStore: database/sql's no-rows error is store's own
// business (it maps it to each domain's not-found error once), so no other
// production package names it.
func TestNoRowsStaysInStore(t *testing.T) {
	t.Parallel()
	for _, p := range goList(t) {
		if strings.HasPrefix(p.ImportPath, "jejaring/internal/store") {
			continue
		}
		for _, f := range p.GoFiles {
			src, err := os.ReadFile(filepath.Join(p.Dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(src, []byte("sql.ErrNoRows")) {
				t.Errorf("%s/%s names sql.ErrNoRows: test the domain's ErrNotFound with errors.Is instead", strings.TrimPrefix(p.ImportPath, "jejaring/"), f)
			}
		}
	}
}

// TestLayers runs `go list -json` over the module and fails when a
// package imports one of ours from a layer above its own (or a test helper
// into production code), except the known violations above.
func TestLayers(t *testing.T) {
	t.Parallel()
	const mod = "jejaring/"
	pkgs := goList(t)
	used := map[string]bool{}
	var bad []string
	for _, p := range pkgs {
		from := strings.TrimPrefix(p.ImportPath, mod)
		fl, ok := layerOf(from)
		if !ok {
			bad = append(bad, from+": not placed in a layer (add it to layerOf in internal/app/layers_test.go)")
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			to := strings.TrimPrefix(imp, mod)
			tl, ok := layerOf(to)
			if !ok {
				continue // reported as its own package
			}
			if allowed(fl, from, tl, to) {
				continue
			}
			edge := from + " -> " + to
			if _, known := knownViolations[edge]; known {
				used[edge] = true
				continue
			}
			bad = append(bad, edge+": a "+string(fl)+" package imports a "+string(tl)+" package")
		}
	}
	for edge, who := range knownViolations {
		if !used[edge] {
			bad = append(bad, edge+": no longer imported — delete it from knownViolations ("+who+" is done)")
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
}

// noTransport is the one leaf store may not import: the channel contract
// is the transport's, and storage speaks of neither buttons nor chats
// (issue 11: "store imports no transport").
const noTransport = "internal/channel"

// lowestLeaf is the leaf under the leaves: Indonesian formats (WIB, dates,
// rupiah, the bilingual Text, the masks) that every package, other leaves
// included, may import; it imports nothing of ours (see its package doc).
const lowestLeaf = "internal/idn"

func allowed(fl layer, from string, tl layer, to string) bool {
	if tl == helperL && fl != helperL {
		return false // production code never links a test helper
	}
	if fl == storeL && to == noTransport {
		return false
	}
	if to == lowestLeaf {
		return true // idn is below every leaf: leaves such as event may use it
	}
	if strings.HasPrefix(from, to+"/") {
		return true // a part of a package family imports its root (internal/umkm/x -> internal/umkm)
	}
	for _, l := range mayImport[fl] {
		if l == tl {
			return true
		}
	}
	return false
}
