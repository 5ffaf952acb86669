package match

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsOnlyLeaves keeps the package a domain package: its non-test
// files import the standard library and, of Jejaring, at most internal/idn.
func TestImportsOnlyLeaves(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first := strings.Split(path, "/")[0]
			if path != "jejaring/internal/idn" && strings.Contains(first, ".") || strings.HasPrefix(path, "jejaring/") && path != "jejaring/internal/idn" {
				t.Errorf("%s imports %s: internal/match may import only the standard library and internal/idn", name, path)
			}
		}
	}
}
