package klachtdesk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The architecture test keeps the layout of STYLE.md true as the code grows.
// It reads the module's packages with one `go list` and the import lines of
// their non-test files with go/parser, and fails, naming file and line, when
//
//   - the root package imports anything outside the standard library: the
//     domain does no I/O and knows no library;
//   - an adapter imports another adapter (intake may import mailparse, the
//     one pure parser), directly or through a package under internal/;
//   - cli imports anything but the root package and the standard library:
//     it drives the root's interfaces and is tested without a database;
//   - a package outside web/ imports net/http (or a package under it);
//   - a package that is no test imports internal/testpeer or
//     internal/storetest.
//
// Decisions, so that the rules stay few:
//
//   - Test files (_test.go, in-package and external) are exempt from every
//     rule: tests may wire adapters together, start servers, use go-cmp.
//   - cmd/ is the wiring and may import everything; bench/ holds tools
//     measuring the whole program and may import everything as well.
//   - internal/ holds helpers for tests, bench and cmd (test peers, mail and
//     demo data generators). They may import adapters (a demo generator may
//     write through sqldb); an adapter importing such a helper is then
//     checked against everything the helper depends on, so the helper is no
//     way around the adapter rule.
//   - internal/testpeer stands in for remote servers (IMAP, SMTP, and HTTP
//     should a test need it) and may import net/http; in exchange only test
//     files may import it. internal/storetest (the tests' choice of
//     backend and their PostgreSQL schemas) is for test files only too.
//   - A package that is in none of these places (a new top-level folder)
//     fails the test until it is given its place here.

// adapters are the top-level folders of the adapter packages: one per
// technology, each importing the root package and never another adapter.
var adapters = []string{"sqldb", "mailparse", "intake", "letter", "outbox", "mailsend", "web", "cli", "mock"}

// allowedAdapterImports are the exceptions to "adapters never import each
// other": intake may use the pure parser.
var allowedAdapterImports = map[[2]string]bool{{"intake", "mailparse"}: true}

// listedPackage is what the test reads from `go list -json` about a package.
type listedPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	CgoFiles   []string
	Deps       []string // every package it depends on, without tests
	Module     *struct{ Path string }
	Error      *struct{ Err string }
}

// fileImport is one import line of a file.
type fileImport struct {
	Path string
	Line int
}

func TestArchitecture(t *testing.T) {
	pkgs, err := goList()
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) == 0 || pkgs[0].Module == nil {
		t.Fatal("go list found no packages of a module")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	if err := walkModule(root); err != nil {
		t.Fatal(err)
	}
	violations, err := checkArchitecture(pkgs[0].Module.Path, root, pkgs, parseImports)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range violations {
		t.Error(v)
	}
}

// goList lists the module's packages with one `go list` (the go command of
// the test's toolchain: go test puts its GOROOT/bin first in PATH).
func goList() ([]listedPackage, error) {
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Dir,GoFiles,CgoFiles,Deps,Module,Error", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w\n%s", err, stderr.Bytes())
	}
	var pkgs []listedPackage
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("read go list output: %w", err)
		}
		if p.Error != nil {
			return nil, fmt.Errorf("go list: %s: %s", p.ImportPath, p.Error.Err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// walkModule reads every folder of the module. The test learns the imports
// through a subprocess, which go test's result cache does not see; reading
// the folders here (and every file in parseImports) makes a new, removed or
// changed file run the test again instead of reusing a stale pass.
func walkModule(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root {
			if name := d.Name(); strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" {
				return filepath.SkipDir
			}
		}
		return nil
	})
}

// parseImports returns the import lines of a file.
func parseImports(file string) ([]fileImport, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	out := make([]fileImport, 0, len(f.Imports))
	for _, spec := range f.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			return nil, fmt.Errorf("%s: import %s: %w", file, spec.Path.Value, err)
		}
		out = append(out, fileImport{Path: path, Line: fset.Position(spec.Pos()).Line})
	}
	return out, nil
}

// checkArchitecture applies the rules above to the non-test files of pkgs
// and returns each forbidden import as "file:line: what: why", the file
// relative to root.
func checkArchitecture(module, root string, pkgs []listedPackage, imports func(file string) ([]fileImport, error)) ([]string, error) {
	rel := func(path string) (string, bool) {
		if path == module {
			return "", true
		}
		r, ok := strings.CutPrefix(path, module+"/")
		return r, ok
	}
	top := func(r string) string { t, _, _ := strings.Cut(r, "/"); return t }
	deps := map[string][]string{}
	for _, p := range pkgs {
		deps[p.ImportPath] = p.Deps
	}
	var out []string
	for _, p := range pkgs {
		from, ok := rel(p.ImportPath)
		if !ok {
			return nil, fmt.Errorf("package %s is outside module %s", p.ImportPath, module)
		}
		layer := top(from)
		files := slices.Concat(p.GoFiles, p.CgoFiles)
		switch {
		case len(files) == 0, layer == "cmd", layer == "bench":
			continue // tests only, or allowed to import everything
		case from == "", slices.Contains(adapters, layer), layer == "internal":
		default:
			out = append(out, fmt.Sprintf("%s: package %s is in no layer of the architecture: give its folder a place in architecture_test.go", from, p.ImportPath))
			continue
		}
		for _, name := range files {
			file := filepath.Join(p.Dir, name)
			imps, err := imports(file)
			if err != nil {
				return nil, err
			}
			where := file
			if r, err := filepath.Rel(root, file); err == nil {
				where = filepath.ToSlash(r)
			}
			for _, imp := range imps {
				for _, why := range forbidden(from, layer, imp.Path, rel, top, deps) {
					out = append(out, fmt.Sprintf("%s:%d: %s imports %s: %s", where, imp.Line, nameOf(from), imp.Path, why))
				}
			}
		}
	}
	return out, nil
}

// forbidden returns why package from (in layer) may not import path, or
// nothing when it may.
func forbidden(from, layer, path string, rel func(string) (string, bool), top func(string) string, deps map[string][]string) []string {
	var why []string
	if (path == "net/http" || strings.HasPrefix(path, "net/http/")) && layer != "web" && from != "internal/testpeer" {
		why = append(why, "only web/ imports net/http")
	}
	to, inModule := rel(path)
	if inModule && (to == "internal/testpeer" || to == "internal/storetest") && from != to {
		why = append(why, to+" is for test files only")
	}
	switch {
	case from == "":
		if !standard(path) {
			why = append(why, "the root package imports only the standard library")
		}
	case layer == "cli":
		if !standard(path) && !(inModule && to == "") {
			why = append(why, "cli imports only the root package and the standard library")
		}
	case slices.Contains(adapters, layer) && inModule:
		switch toLayer := top(to); {
		case to == "" || toLayer == layer:
		case slices.Contains(adapters, toLayer):
			if !allowedAdapterImports[[2]string{layer, toLayer}] {
				why = append(why, "adapters do not import each other (intake → mailparse aside)")
			}
		case toLayer == "internal":
			for _, d := range deps[path] {
				if dr, ok := rel(d); ok && slices.Contains(adapters, top(dr)) && top(dr) != layer && !allowedAdapterImports[[2]string{layer, top(dr)}] {
					why = append(why, fmt.Sprintf("it depends on the adapter %s, and adapters do not import each other, not even through internal/", dr))
				}
			}
		}
	}
	return why
}

// standard reports whether path is a standard-library package: its first
// element has no dot, as the go command decides it too.
func standard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func nameOf(rel string) string {
	if rel == "" {
		return "the root package"
	}
	return rel
}

// TestArchitectureRules runs the checks on a made-up module, so that each
// rule is seen to fire (and to stay quiet where the layout allows).
func TestArchitectureRules(t *testing.T) {
	const mod = "example.org/kd"
	pkg := func(rel string, deps ...string) listedPackage {
		p := listedPackage{ImportPath: mod + "/" + rel, Dir: "/m/" + rel, GoFiles: []string{"a.go"}, Deps: deps}
		if rel == "" {
			p.ImportPath, p.Dir = mod, "/m"
		}
		return p
	}
	files := map[string][]string{ // file → its imports, one per line from line 3
		"/m/a.go":                   {"fmt", "github.com/google/go-cmp/cmp"},
		"/m/sqldb/a.go":             {"context", mod, "modernc.org/sqlite", mod + "/web"},
		"/m/intake/a.go":            {mod + "/mailparse", mod + "/internal/mailgen", mod + "/letter"},
		"/m/mailparse/a.go":         {mod + "/intake"},
		"/m/web/a.go":               {"net/http", mod + "/internal/demo", mod + "/web/assets"},
		"/m/web/assets/a.go":        {"embed"},
		"/m/outbox/a.go":            {"net/http/httptest", mod + "/internal/testpeer"},
		"/m/cli/a.go":               {"os", mod, "golang.org/x/term", mod + "/internal/mailgen"},
		"/m/mock/a.go":              {mod},
		"/m/internal/demo/a.go":     {mod + "/sqldb"},
		"/m/internal/mailgen/a.go":  {"math/rand/v2"},
		"/m/internal/testpeer/a.go": {"net/http", "testing"},
		"/m/cmd/kd/a.go":            {"net/http", mod + "/sqldb", mod + "/web", mod + "/internal/testpeer"},
		"/m/bench/load/a.go":        {"net/http"},
		"/m/e2e/a.go":               {"testing"},
	}
	pkgs := []listedPackage{
		pkg(""), pkg("sqldb", mod, "modernc.org/sqlite", mod+"/web"), pkg("intake"), pkg("mailparse"),
		pkg("web", mod+"/internal/demo", mod+"/sqldb", mod+"/web/assets"), pkg("web/assets"),
		pkg("outbox"), pkg("cli"), pkg("mock"),
		pkg("internal/demo", mod, mod+"/sqldb"), pkg("internal/mailgen"), pkg("internal/testpeer"),
		pkg("cmd/kd"), pkg("bench/load"), pkg("e2e"),
		{ImportPath: mod + "/letter", Dir: "/m/letter"}, // tests only
	}
	imports := func(file string) ([]fileImport, error) {
		paths, ok := files[file]
		if !ok {
			return nil, fmt.Errorf("no file %s", file)
		}
		var out []fileImport
		for i, p := range paths {
			out = append(out, fileImport{Path: p, Line: 3 + i})
		}
		return out, nil
	}
	got, err := checkArchitecture(mod, "/m", pkgs, imports)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a.go:4: the root package imports github.com/google/go-cmp/cmp: the root package imports only the standard library",
		"sqldb/a.go:6: sqldb imports example.org/kd/web: adapters do not import each other (intake → mailparse aside)",
		"intake/a.go:5: intake imports example.org/kd/letter: adapters do not import each other (intake → mailparse aside)",
		"mailparse/a.go:3: mailparse imports example.org/kd/intake: adapters do not import each other (intake → mailparse aside)",
		"web/a.go:4: web imports example.org/kd/internal/demo: it depends on the adapter sqldb, and adapters do not import each other, not even through internal/",
		"outbox/a.go:3: outbox imports net/http/httptest: only web/ imports net/http",
		"outbox/a.go:4: outbox imports example.org/kd/internal/testpeer: internal/testpeer is for test files only",
		"cli/a.go:5: cli imports golang.org/x/term: cli imports only the root package and the standard library",
		"cli/a.go:6: cli imports example.org/kd/internal/mailgen: cli imports only the root package and the standard library",
		"e2e: package example.org/kd/e2e is in no layer of the architecture: give its folder a place in architecture_test.go",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}
