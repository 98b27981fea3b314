package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/skriptable/skriptable/internal/fixture"
	"github.com/skriptable/skriptable/internal/fixture/outfiles"
)

var (
	siteOnce sync.Once
	siteURL  string
	siteErr  error
)

// siteArgs are the run flags that point a script at the fixture site and
// let the sandboxed browser reach it through the egress proxy.
func siteArgs(t *testing.T) []string {
	base := testSite(t)
	return []string{"--param", "BASE_URL=" + base, "--allow-host", strings.TrimPrefix(base, "http://")}
}

// testSite starts one fixture site for the package's tests.
func testSite(t *testing.T) string {
	t.Helper()
	siteOnce.Do(func() {
		var s *fixture.Server
		s, siteErr = fixture.Start("127.0.0.1:0")
		if siteErr == nil {
			siteURL = s.URL()
		}
	})
	if siteErr != nil {
		t.Fatal(siteErr)
	}
	return siteURL
}

// runCLI runs the command line in memory and returns stdout, stderr and
// the exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env := func(k string) (string, bool) {
		switch k {
		case "SKRIPTABLE_LOOPBACK_ONLY":
			return "1", true // no test lets the browser resolve names off the machine
		case "SKRIPTABLE_RUNNER_BINARY":
			return self, true // see TestMain
		}
		return "", false
	}
	code := MainEnv(args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb}, env)
	return out.String(), errb.String(), code
}

func readGolden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestExamplesMatchPuppeteer runs every example with `skriptable run` and
// compares its console output, exit code and files with what the same
// script printed and wrote under Node.js and real Puppeteer (the goldens
// in examples/testdata, made by examples/testdata/regen.sh).
func TestExamplesMatchPuppeteer(t *testing.T) {
	t.Parallel()
	scripts, err := filepath.Glob(filepath.Join("..", "..", "examples", "*.*js"))
	if err != nil || len(scripts) < 6 {
		t.Fatalf("examples: %v %v", scripts, err)
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), filepath.Ext(script))
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out := t.TempDir()
			stdout, stderr, code := runCLI(t, append([]string{"run", script, "--out", out, "--timeout", "30s"}, siteArgs(t)...)...)
			if want := readGolden(t, name+".stdout"); stdout != want {
				t.Errorf("stdout differs from Puppeteer's\n--- skriptable\n%s\n--- node\n%s\nstderr:\n%s", stdout, want, stderr)
			}
			wantCode, _ := strconv.Atoi(strings.TrimSpace(readGolden(t, name+".exit")))
			if code != wantCode {
				t.Errorf("exit code %d, Puppeteer's %d; stderr:\n%s", code, wantCode, stderr)
			}
			files, err := outfiles.Describe(out)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(files, "\n")
			if want := strings.TrimSpace(readGolden(t, name+".files")); got != want {
				t.Errorf("files differ\n--- skriptable\n%s\n--- node\n%s", got, want)
			}
			if wantLine, err := os.ReadFile(filepath.Join("..", "..", "examples", "testdata", name+".stderr-first-line")); err == nil {
				first, _, _ := strings.Cut(stderr, "\n")
				if first != strings.TrimSpace(string(wantLine)) {
					t.Errorf("stderr starts %q, Puppeteer's error %q", first, strings.TrimSpace(string(wantLine)))
				}
				if !strings.Contains(stderr, filepath.Base(script)+":") {
					t.Errorf("stderr does not point at the script's line:\n%s", stderr)
				}
			}
		})
	}
}
