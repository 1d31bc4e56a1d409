package archtest

import (
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// module is the module path; our packages are it and those under it.
const module = "motcua"

// A rule forbids the packages matching From (except those matching Exempt)
// to import our packages matching To (except those matching Allow).
// Patterns are import paths; "p/..." also matches everything under p.
// Only production code counts: tests may import anything.
type rule struct {
	Why    string
	From   []string
	Exempt []string
	To     []string
	Allow  []string
}

// rules are the import rules of architecture.md: the domain at the centre,
// the web talking to the use cases only, the store below the use cases, and
// the concrete adapters built in main.
var rules = []rule{
	{Why: "calendar is a pure library: it imports nothing of ours",
		From: []string{"motcua/calendar/..."}, To: []string{"motcua/..."}, Allow: []string{"motcua/calendar/..."}},
	{Why: "dossier is the pure domain: it imports nothing of ours but calendar",
		From: []string{"motcua/dossier/..."}, To: []string{"motcua/..."}, Allow: []string{"motcua/dossier/...", "motcua/calendar/..."}},
	{Why: "web talks to the use cases (workflow) and never to the store",
		From: []string{"motcua/web/..."}, To: []string{"motcua/store/..."}},
	{Why: "the store is below the use cases: it never imports them or the web",
		From: []string{"motcua/store/..."}, To: []string{"motcua/web/...", "motcua/workflow/...", "motcua/cmd/..."}},
	{Why: "the adapters behind workflow's ports (render, notify, xlsx) are built in main only",
		// internal/stacktest builds the stack for tests, as main does.
		From: []string{"motcua/..."}, Exempt: []string{"motcua/cmd/motcua", "motcua/internal/stacktest", "motcua/render/...", "motcua/notify/...", "motcua/xlsx/..."},
		To: []string{"motcua/render/...", "motcua/notify/...", "motcua/xlsx/..."}},
	{Why: "the signing adapter (sign) is built in main, or used by the adapters that sign (render: documents; anchor: audit checkpoints)",
		From: []string{"motcua/..."}, Exempt: []string{"motcua/cmd/motcua", "motcua/render/...", "motcua/anchor/...", "motcua/sign/..."}, To: []string{"motcua/sign/..."},
		// sign/pdfcheck only parses PDF (no keys, no I/O): the upload check uses it.
		Allow: []string{"motcua/sign/pdfcheck"}},
}

// match reports whether path matches pattern ("p" or "p/...").
func match(pattern, path string) bool {
	if p, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == p || strings.HasPrefix(path, p+"/")
	}
	return path == pattern
}

func matchAny(patterns []string, path string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return match(p, path) })
}

// violations lists, sorted, every import of graph (package → its imports)
// that a rule forbids, as "pkg imports dep: why".
func violations(graph map[string][]string, rules []rule) []string {
	var out []string
	for pkg, deps := range graph {
		for _, r := range rules {
			if !matchAny(r.From, pkg) || matchAny(r.Exempt, pkg) {
				continue
			}
			for _, dep := range deps {
				if !match(module+"/...", dep) || dep == pkg {
					continue
				}
				if matchAny(r.To, dep) && !matchAny(r.Allow, dep) {
					out = append(out, pkg+" imports "+dep+": "+r.Why)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// importGraph reads the non-test imports of every package of the module
// rooted at root, honouring build constraints.
func importGraph(t *testing.T, root string) map[string][]string {
	t.Helper()
	graph := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
			return filepath.SkipDir
		}
		p, err := build.Default.ImportDir(path, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		ip := module
		if rel != "." {
			ip += "/" + filepath.ToSlash(rel)
		}
		graph[ip] = p.Imports
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return graph
}

// TestImportRules fails when a package of the module imports one the rules
// forbid.
func TestImportRules(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	graph := importGraph(t, root)
	// The walk must have found the packages the rules are about; otherwise
	// the rules would pass vacuously.
	for _, p := range []string{"motcua/calendar", "motcua/dossier", "motcua/web", "motcua/store", "motcua/workflow", "motcua/cmd/motcua"} {
		if _, ok := graph[p]; !ok {
			t.Errorf("package %s not found under %s", p, root)
		}
	}
	if !slices.Contains(graph["motcua/cmd/motcua"], "motcua/web") {
		t.Errorf("cmd/motcua does not import motcua/web; the import graph was not read (%v)", graph["motcua/cmd/motcua"])
	}
	for _, v := range violations(graph, rules) {
		t.Error(v)
	}
}

// TestRulesCatchViolations runs the rules on made-up import graphs: each
// forbidden edge must be reported, and the allowed ones must not.
func TestRulesCatchViolations(t *testing.T) {
	cases := []struct {
		name  string
		graph map[string][]string
		want  []string // the importing packages reported, in order
	}{
		{"allowed shape", map[string][]string{
			"motcua/calendar":   {"time"},
			"motcua/dossier":    {"motcua/calendar", "errors"},
			"motcua/web":        {"motcua/workflow", "motcua/dossier", "net/http"},
			"motcua/workflow":   {"motcua/store", "motcua/dossier"},
			"motcua/store":      {"motcua/dossier", "database/sql"},
			"motcua/render":     {"motcua/sign", "motcua/pdf"},
			"motcua/cmd/motcua": {"motcua/render", "motcua/sign", "motcua/store", "motcua/web", "motcua/notify", "motcua/xlsx"},
		}, nil},
		{"calendar imports the domain", map[string][]string{"motcua/calendar": {"motcua/dossier"}}, []string{"motcua/calendar"}},
		{"domain imports the store", map[string][]string{"motcua/dossier": {"motcua/calendar", "motcua/store"}}, []string{"motcua/dossier"}},
		{"domain imports the use cases", map[string][]string{"motcua/dossier": {"motcua/workflow"}}, []string{"motcua/dossier"}},
		{"web imports the store", map[string][]string{"motcua/web": {"motcua/workflow", "motcua/store"}}, []string{"motcua/web"}},
		{"a web sub-package imports the store's", map[string][]string{"motcua/web/api": {"motcua/store/storetest"}}, []string{"motcua/web/api"}},
		{"store imports the use cases", map[string][]string{"motcua/store": {"motcua/workflow"}}, []string{"motcua/store"}},
		{"store imports the web", map[string][]string{"motcua/store": {"motcua/web"}}, []string{"motcua/store"}},
		{"use cases build the document adapter", map[string][]string{"motcua/workflow": {"motcua/render"}}, []string{"motcua/workflow"}},
		{"web builds the signer", map[string][]string{"motcua/web": {"motcua/sign"}}, []string{"motcua/web"}},
		{"uploads are checked by the PDF parser", map[string][]string{"motcua/blob": {"motcua/sign/pdfcheck"}}, nil},
		{"use cases build the mailer", map[string][]string{"motcua/workflow": {"motcua/notify"}}, []string{"motcua/workflow"}},
		{"a package named like ours is not ours", map[string][]string{"motcua/web": {"motcuax/store"}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, v := range violations(c.graph, rules) {
				got = append(got, strings.SplitN(v, " ", 2)[0])
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("violations(%v) reported %q; want %q\n%v", c.graph, got, c.want, violations(c.graph, rules))
			}
		})
	}
}
