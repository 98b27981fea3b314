package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/skriptable/skriptable"

// deps lists pkg's transitive imports with `go list -deps`.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", module+"/"+pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// rules: package → import path prefixes it must never depend on, and why.
var rules = map[string]map[string]string{
	"internal/cdp": {
		"github.com/grafana/sobek": "the CDP layer is JS-free so it can be tested and reused without a runtime",
		"github.com/dop251/goja":   "the CDP layer is JS-free",
		module + "/internal/js":    "the CDP layer is JS-free",
	},
	"internal/chrome": {
		"github.com/grafana/sobek": "the launcher is JS-free",
		module + "/internal/js":    "the launcher is JS-free",
		module + "/internal/cdp":   "the launcher only starts processes",
	},
	"internal/browser": {
		"github.com/grafana/sobek": "the Go object model is JS-free; the puppeteer package maps it to JS",
		module + "/internal/js":    "the Go object model is JS-free",
	},
	"internal/runner": {
		"database/sql":              "the runner runs untrusted code and must not reach the database",
		module + "/internal/store":  "the runner must not reach the store",
		module + "/internal/queue":  "the runner must not reach the queue",
		module + "/internal/api":    "the runner must not reach the API",
		module + "/internal/server": "the runner must not reach the service",
		"github.com/riverqueue":     "the runner must not reach the queue",
		"github.com/jackc/pgx":      "the runner must not reach the database",
		"modernc.org/sqlite":        "the runner must not reach the database",
		module + "/internal/cli":    "the runner is a library the CLI uses, not the other way round",
	},
	"internal/nodelib": {
		module + "/internal/browser": "Node's library knows nothing of browsers",
		module + "/internal/runner":  "the runner uses the library, not the other way round",
	},
	"internal/js": {
		module + "/internal/browser": "the runtime knows nothing of browsers",
		module + "/internal/cdp":     "the runtime knows nothing of browsers",
	},
}

func TestImportBoundaries(t *testing.T) {
	t.Parallel()
	for pkg, banned := range rules {
		t.Run(pkg, func(t *testing.T) {
			t.Parallel()
			for _, d := range deps(t, pkg) {
				for prefix, why := range banned {
					if d == prefix || strings.HasPrefix(d, prefix+"/") {
						t.Errorf("%s imports %s (via its dependencies): %s", pkg, d, why)
					}
				}
			}
		})
	}
}

// TestPackagesHaveDocComments fails for any package under internal/ or cmd/
// whose non-test files carry no package doc comment.
func TestPackagesHaveDocComments(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-f", "{{.Dir}}", module+"/...").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range strings.Fields(string(out)) {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		for name, p := range pkgs {
			documented := false
			for _, f := range p.Files {
				if f.Doc != nil && strings.TrimSpace(f.Doc.Text()) != "" {
					documented = true
				}
			}
			if !documented {
				t.Errorf("package %s in %s has no doc comment", name, filepath.Base(dir))
			}
		}
	}
}

// hostAccess are standard packages that reach the host (files, processes,
// sockets). Packages that build what scripts can call must not import them
// directly: a script can only reach what those packages hand it.
var hostAccess = []string{"os", "os/exec", "net", "net/http", "syscall", "unsafe", "plugin"}

func TestScriptFacingPackagesDoNotTouchTheHost(t *testing.T) {
	t.Parallel()
	for _, pkg := range []string{"internal/js", "internal/nodelib", "internal/inspect", "internal/puppeteer"} {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, module+"/"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, imp := range strings.Fields(string(out)) {
			for _, bad := range hostAccess {
				if imp == bad {
					t.Errorf("%s imports %s directly; scripts reach the host only through what the runner passes in", pkg, imp)
				}
			}
		}
	}
}
