// Package flows holds Jejaring's conversations as YAML files, one flow per
// file, built into the binary. The format is described in README.md next to
// this file; conversation tests for the flows live in testdata/ and broken
// flows, each with the error `jejaring flows check` must give, in
// testdata/broken/.
package flows

import "embed"

// FS holds every flow file in this directory (not testdata/). Pass it to
// flow.Load; with FLOWS_DIR set, os.DirFS(dir) is passed instead.
//
//go:embed *.yaml
var FS embed.FS
