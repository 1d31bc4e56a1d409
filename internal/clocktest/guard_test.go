package clocktest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Besides cmd/ (the wiring) and bench/ (the load tool, which times the
// requests it sends from outside the server), wallClockAllowed lists the
// non-test files that may read
// time.Now, each for elapsed time only (never for a rule or a stored
// instant); everything else takes the clock it is given.
var wallClockAllowed = map[string]string{
	"web/middleware.go":               "request latency and the rate limiter's housekeeping interval",
	"internal/clocktest/clocktest.go": "the tests' wall clock itself",
}

// TestNoStrayWallClock fails when production code below cmd/ reads the
// wall clock instead of the injected one, or when a test reads time.Now
// instead of clocktest.Now or its fixture's clock. Either is how a test
// ends up mixing the real clock with a fixed one and passing only on
// some dates.
func TestNoStrayWallClock(t *testing.T) {
	root := moduleRoot(t)
	var bad []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		isTest := strings.HasSuffix(rel, "_test.go")
		if !isTest && (strings.HasPrefix(rel, "cmd/") || strings.HasPrefix(rel, "bench/") || wallClockAllowed[rel] != "") {
			return nil
		}
		for _, pos := range wallClockReads(t, path) {
			bad = append(bad, rel+":"+pos)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(bad)
	for _, b := range bad {
		t.Errorf("%s reads time.Now: take the injected clock (production) or clocktest.Now / the fixture's clock (tests)", b)
	}
}

// TestGuardFindsWallClock shows that the scan sees each way of reaching the
// wall clock, including a renamed import and a method value.
func TestGuardFindsWallClock(t *testing.T) {
	src := `package p
import (
	"time"
	tm "time"
)
var f = time.Now
func g() { _ = tm.Now(); _ = time.Since(time.Time{}) }
`
	path := filepath.Join(t.TempDir(), "p.go")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := wallClockReads(t, path); len(got) != 2 {
		t.Fatalf("found %v, want the two reads on lines 6 and 7", got)
	}
}

// wallClockReads returns the positions (line:col) of every reference to
// time.Now in the file, whatever the import is named.
func wallClockReads(t *testing.T, path string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	names := map[string]bool{}
	for _, im := range f.Imports {
		if im.Path.Value != `"time"` {
			continue
		}
		name := "time"
		if im.Name != nil {
			name = im.Name.Name
		}
		names[name] = true
	}
	if len(names) == 0 {
		return nil
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Now" {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && names[id.Name] {
			p := fset.Position(sel.Pos())
			out = append(out, strings.TrimPrefix(p.String(), path+":"))
		}
		return true
	})
	return out
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}
