package difftest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/cli"
	"github.com/skriptable/skriptable/internal/fixture"
	"github.com/skriptable/skriptable/internal/fixture/outfiles"
)

// TestMain lets the test binary be the sandboxed runner ("<binary> runner").
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "runner" {
		os.Exit(cli.Main(os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	os.Exit(m.Run())
}

// outcome is what one run of a script produced.
type outcome struct {
	stdout string
	exit   int
	err    string // the first error line on stderr, "" when the run passed
	files  string
	stderr string // all of it, for failure messages
}

// aspects lists the compared parts of an outcome by allow-list name.
func (o outcome) aspects() map[string]string {
	return map[string]string{
		"stdout": o.stdout,
		"exit":   fmt.Sprint(o.exit),
		"error":  o.err,
		"files":  o.files,
	}
}

// errorLine matches the line naming an error, "TimeoutError: Waiting …".
var errorLine = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*: `)

// firstError is the first error line of a stderr, as Node prints it after
// the throwing source line.
func firstError(stderr string) string {
	sc := bufio.NewScanner(strings.NewReader(stderr))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if l := sc.Text(); errorLine.MatchString(l) {
			return l
		}
	}
	return ""
}

// site serves the fixture pages on two loopback addresses.
type site struct{ base, cross string }

func startSite(t *testing.T) site {
	t.Helper()
	a, err := fixture.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := fixture.Start("127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return site{base: a.URL(), cross: b.URL()}
}

// nodeHarness is testdata/node/run.sh, or "" with the reason it cannot run.
func nodeHarness(t *testing.T) string {
	t.Helper()
	run, err := filepath.Abs(filepath.Join("..", "..", "testdata", "node", "run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not installed; scripts/setup.sh installs it")
		}
		t.Skip("node is not installed: run scripts/setup.sh (or apt-get install nodejs npm) to enable the differential tests")
	}
	return run
}

func runNode(ctx context.Context, harness, script string, s site, out string) outcome {
	cmd := exec.CommandContext(ctx, harness, script)
	cmd.Env = append(os.Environ(), "BASE_URL="+s.base, "CROSS_URL="+s.cross, "OUT_DIR="+out)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	o := outcome{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		o.exit = ee.ExitCode()
	} else if err != nil {
		o.exit, o.stderr = -1, err.Error()
	}
	if o.exit != 0 {
		o.err = firstError(o.stderr)
	}
	return o
}

func runSkriptable(script string, s site, out string) outcome {
	self, _ := os.Executable()
	env := func(k string) (string, bool) {
		switch k {
		case "SKRIPTABLE_LOOPBACK_ONLY":
			return "1", true
		case "SKRIPTABLE_RUNNER_BINARY":
			return self, true // see TestMain
		}
		return "", false
	}
	args := []string{"run", script, "--out", out, "--timeout", "60s",
		"--param", "BASE_URL=" + s.base, "--param", "CROSS_URL=" + s.cross,
		"--allow-host", strings.TrimPrefix(s.base, "http://"), "--allow-host", strings.TrimPrefix(s.cross, "http://")}
	var stdout, stderr bytes.Buffer
	code := cli.MainEnv(args, cli.Stdio{In: strings.NewReader(""), Out: &stdout, Err: &stderr}, env)
	o := outcome{stdout: stdout.String(), exit: code, stderr: stderr.String()}
	if code != 0 {
		first, _, _ := strings.Cut(o.stderr, "\n")
		o.err = first
	}
	return o
}

func describe(t *testing.T, dir string) string {
	lines, err := outfiles.Describe(dir)
	if err != nil {
		t.Errorf("describe %s: %v", dir, err)
	}
	return strings.Join(lines, "\n")
}

// allowance is one allow-list entry.
type allowance struct {
	script, aspect, reason string
	line                   int
	used                   bool
}

func readAllowList(t *testing.T) map[string]*allowance {
	t.Helper()
	data, err := os.ReadFile("allowlist.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*allowance{}
	for i, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		head, reason, ok := strings.Cut(l, ":")
		f := strings.Fields(head)
		if !ok || len(f) != 2 || strings.TrimSpace(reason) == "" {
			t.Fatalf("allowlist.txt:%d: want \"SCRIPT ASPECT: reason\", got %q", i+1, l)
		}
		switch f[1] {
		case "stdout", "exit", "error", "files":
		default:
			t.Fatalf("allowlist.txt:%d: unknown aspect %q", i+1, f[1])
		}
		out[f[0]+" "+f[1]] = &allowance{script: f[0], aspect: f[1], reason: strings.TrimSpace(reason), line: i + 1}
	}
	return out
}

// scripts lists scripts/*.js and *.mjs by name (without extension).
func scripts(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, pat := range []string{"*.js", "*.mjs", "*.cjs"} {
		ms, _ := filepath.Glob(filepath.Join("scripts", pat))
		for _, m := range ms {
			abs, err := filepath.Abs(m)
			if err != nil {
				t.Fatal(err)
			}
			out[strings.TrimSuffix(filepath.Base(m), filepath.Ext(m))] = abs
		}
	}
	return out
}

// TestDifferential runs every script with Skriptable and with Node and
// compares the outcomes.
func TestDifferential(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the differential tests run Skriptable's sandbox and need root in CI")
		}
		t.Skip("the differential tests run Skriptable's sandbox, which needs root")
	}
	harness := nodeHarness(t)
	allow := readAllowList(t)
	all := scripts(t)
	if len(all) == 0 {
		t.Fatal("no scripts")
	}
	s := startSite(t)
	// Chromium is the cost here: at most two browsers at a time on this
	// two-core class of machine, one per side of a script.
	sem := make(chan struct{}, 2)
	var mu sync.Mutex
	ran := map[string]bool{}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	t.Run("scripts", func(t *testing.T) {
		for _, name := range names {
			script := all[name]
			t.Run(name, func(t *testing.T) {
				mu.Lock()
				ran[name] = true
				mu.Unlock()
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()
				nodeOut, skOut := t.TempDir(), t.TempDir()
				ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
				defer cancel()
				want := runNode(ctx, harness, script, s, nodeOut)
				want.files = describe(t, nodeOut)
				got := runSkriptable(script, s, skOut)
				got.files = describe(t, skOut)
				wa, ga := want.aspects(), got.aspects()
				for _, aspect := range []string{"stdout", "exit", "error", "files"} {
					if wa[aspect] == ga[aspect] {
						continue
					}
					mu.Lock()
					a := allow[name+" "+aspect]
					if a != nil {
						a.used = true
					}
					mu.Unlock()
					if a != nil {
						t.Logf("%s differs (allowed: %s)", aspect, a.reason)
						continue
					}
					t.Errorf("%s differs from Puppeteer's\n--- skriptable\n%s\n--- node\n%s", aspect, ga[aspect], wa[aspect])
				}
				if t.Failed() {
					t.Logf("skriptable stderr:\n%s\nnode stderr:\n%s", got.stderr, want.stderr)
				}
			})
		}
	})
	if len(names) < 40 {
		t.Errorf("%d differential scripts; the suite must keep at least 40", len(names))
	}
	for _, a := range allow {
		if _, ok := all[a.script]; !ok {
			t.Errorf("allowlist.txt:%d: no script named %s", a.line, a.script)
		} else if ran[a.script] && !a.used && !t.Failed() {
			t.Errorf("allowlist.txt:%d: %s %s no longer differs; remove the entry", a.line, a.script, a.aspect)
		}
	}
}
