// Package archtest checks the shape of the code: which package may import
// what (STYLE.md: dependencies point inward, frameworks stay at their edge).
package archtest

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/techbridge/techbridge"

// packages lists every package of the module with its direct imports and
// all of its dependencies, as the go command sees them (tests excluded).
func packages(t *testing.T) map[string]struct{ imports, deps []string } {
	t.Helper()
	touchSources(t)
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}\t{{join .Imports \" \"}}\t{{join .Deps \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]struct{ imports, deps []string }{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			t.Fatalf("go list printed %q", line)
		}
		pkgs[strings.TrimPrefix(f[0], module+"/")] = struct{ imports, deps []string }{strings.Fields(f[1]), strings.Fields(f[2])}
	}
	return pkgs
}

func ours(path string) bool { return path == module || strings.HasPrefix(path, module+"/") }

func TestImportRules(t *testing.T) {
	pkgs := packages(t)
	for _, must := range []string{"internal/transfer", "internal/match", "internal/store", "internal/httpapi", "cmd/techbridge"} {
		if _, ok := pkgs[must]; !ok {
			t.Fatalf("go list did not name %s: the rules below would check nothing", must)
		}
	}
	// direct: what a package may name in its own imports.
	for name, p := range pkgs {
		for _, imp := range p.imports {
			switch {
			case strings.HasPrefix(imp, "github.com/labstack/echo") &&
				name != "internal/httpapi" && !strings.HasPrefix(name, "cmd/"):
				t.Errorf("%s imports %s: Echo belongs to internal/httpapi (and cmd)", name, imp)
			case strings.HasPrefix(imp, "gorm.io/") && name != "internal/store":
				t.Errorf("%s imports %s: GORM belongs to internal/store", name, imp)
			case imp == module+"/internal/match" && (name == "internal/httpapi" || name == "internal/store"):
				t.Errorf("%s imports the matching engine: it speaks to the domain (internal/transfer) only", name)
			}
		}
	}
	// transitive: what a package may depend on at all.
	for _, dep := range pkgs["internal/match"].deps {
		if ours(dep) {
			t.Errorf("internal/match depends on %s: the engine is a leaf", dep)
		}
	}
	for _, dep := range pkgs["internal/schedule"].deps {
		if ours(dep) {
			t.Errorf("internal/schedule depends on %s: the scheduler is a leaf", dep)
		}
	}
	for _, dep := range pkgs["internal/transfer"].deps {
		if ours(dep) && dep != module+"/internal/match" && dep != module+"/internal/schedule" {
			t.Errorf("internal/transfer depends on %s: the domain imports no edge", dep)
		}
		for _, edge := range []string{"github.com/labstack/echo", "gorm.io/", "github.com/jackc/pgx", "net/http"} {
			if strings.HasPrefix(dep, edge) {
				t.Errorf("internal/transfer depends on %s: the domain imports no edge", dep)
			}
		}
	}
}

// touchSources opens every Go file of the module, so that go test's cache
// knows this test's result depends on them (it does not see what go list reads).
func touchSources(t *testing.T) {
	t.Helper()
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := os.Open(path)
		if err == nil {
			err = f.Close()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
