package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWiringOnly keeps cmd/klachtdesk what STYLE.md says it is:
// configuration and wiring. Commands and their output belong in cli/, rules
// in the root package; a long function or a growing package here is the
// sign that something moved in that belongs elsewhere.
func TestWiringOnly(t *testing.T) {
	const maxLines, maxFuncLines = 800, 60
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	total := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		total += strings.Count(string(src), "\n")
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
			if n := end.Line - start.Line + 1; n > maxFuncLines {
				t.Errorf("%s:%d: %s is %d lines long; at most %d in cmd/klachtdesk (move the work to cli/ or an adapter)", name, start.Line, fn.Name.Name, n, maxFuncLines)
			}
		}
	}
	if total >= maxLines {
		t.Errorf("cmd/klachtdesk holds %d lines of non-test code; keep it under %d: it is wiring only", total, maxLines)
	}
}
