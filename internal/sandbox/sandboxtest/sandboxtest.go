// Package sandboxtest is the conformance suite for sandbox drivers.
//
// Exercise runs subtests that every driver must pass (stdio, exit codes,
// exact environment, Kill, Close leaving nothing, concurrency) and, where
// the driver claims sandbox.Isolating, the isolation properties of
// os-sandbox.md §8: memory, CPU and pids limits, a minimal /etc, a clean
// /proc/1/environ, a network namespace with only lo, no capabilities,
// seccomp, a capped tmpfs /tmp, distinct uid ranges, read-only binds.
//
// Tests that need processes inside the sandbox to do something precise use
// sbhelper, a static Go program the suite builds with the go tool and
// bind-mounts at /sb/sbhelper. No test sends a packet beyond 127.0.0.1.
package sandboxtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/sandbox"
)

// runTimeout bounds every sandboxed command of the suite.
const runTimeout = 60 * time.Second

// HelperDest is where the suite mounts sbhelper inside sandboxes.
const HelperDest = "/sb/sbhelper"

// RequireRoot skips t when not running as root, or fails it under CI=true,
// where a skipped sandbox suite would hide a broken set-up.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Unavailable(t, "sandbox tests need root (they create namespaces and cgroups)")
	}
}

// Unavailable skips t with reason, or fails it when CI=true.
func Unavailable(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true, so this fails instead of skipping)", reason)
	}
	t.Skip(reason)
}

// harness holds what the subtests share.
type harness struct {
	d       sandbox.Driver
	isolate bool
	nonce   string
	seq     atomic.Int64

	helperOnce sync.Once
	helper     string
	helperErr  error
}

// Exercise runs the conformance suite against d. Subtests run in
// parallel; each sandbox gets a unique ID and a unique marker variable in
// its environment, by which the suite finds its processes in /proc.
func Exercise(t *testing.T, d sandbox.Driver) {
	iso, _ := d.(sandbox.Isolating)
	h := &harness{d: d, isolate: iso != nil && iso.Isolates(), nonce: randomHex(3)}
	if h.isolate {
		RequireRoot(t)
	}
	// A canary in our own environment must never reach a sandbox. It stays
	// set: suites for several drivers may run in parallel.
	os.Setenv(canary, "host-secret")

	t.Cleanup(func() {
		if h.helper != "" {
			os.RemoveAll(filepath.Dir(h.helper))
		}
	})

	t.Run("Stdio", h.testStdio)
	t.Run("ExitCode", h.testExitCode)
	t.Run("Env", h.testEnv)
	t.Run("Kill", h.testKill)
	t.Run("CloseLeavesNothing", h.testClose)
	t.Run("Concurrent", h.testConcurrent)
	t.Run("InvalidSpec", h.testInvalid)
	t.Run("Programs", h.testPrograms)
	h.isolation(t)
}

const canary = "SANDBOXTEST_CANARY"

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// spec returns a Spec with a fresh ID, the standard environment plus a
// marker naming the ID, and args.
func (h *harness) spec(args ...string) sandbox.Spec {
	id := fmt.Sprintf("sbt-%s-%d", h.nonce, h.seq.Add(1))
	return sandbox.Spec{
		ID:   id,
		Args: args,
		Env:  []string{"PATH=/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8", marker(id)},
	}
}

func marker(id string) string { return "SBT_MARKER=" + id }

func sh(script string) []string { return []string{"/bin/sh", "-c", script} }

// start starts spec and registers Close as a cleanup.
func (h *harness) start(t *testing.T, spec sandbox.Spec) sandbox.Process {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := h.d.Start(ctx, spec)
	if err != nil {
		t.Fatalf("Start(%v): %v", spec.Args, err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return p
}

// result is what a finished sandbox produced.
type result struct {
	stdout, stderr string
	exit           sandbox.Exit
}

func (r result) String() string {
	return fmt.Sprintf("exit %+v\nstdout:\n%s\nstderr:\n%s", r.exit, r.stdout, r.stderr)
}

// finish feeds stdin, collects the output and waits, killing the sandbox
// after runTimeout.
func finish(t *testing.T, p sandbox.Process, stdin string) result {
	t.Helper()
	var out, errb bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); io.Copy(&out, p.Stdout()) }()
	go func() { defer wg.Done(); io.Copy(&errb, p.Stderr()) }()
	go func() {
		io.WriteString(p.Stdin(), stdin)
		p.Stdin().Close()
	}()
	watchdog := time.AfterFunc(runTimeout, func() { p.Kill() })
	defer watchdog.Stop()
	exit, err := p.Wait()
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	wg.Wait()
	return result{stdout: out.String(), stderr: errb.String(), exit: exit}
}

// run starts spec, feeds it stdin and waits for it.
func (h *harness) run(t *testing.T, spec sandbox.Spec, stdin string) result {
	t.Helper()
	return finish(t, h.start(t, spec), stdin)
}

// readLine reads one line from r within runTimeout.
func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	ch := make(chan string, 1)
	go func() {
		line, _ := r.ReadString('\n')
		ch <- strings.TrimSpace(line)
	}()
	select {
	case line := <-ch:
		return line
	case <-time.After(runTimeout):
		t.Fatal("timed out reading a line from the sandbox")
		return ""
	}
}

func (h *harness) testStdio(t *testing.T) {
	t.Parallel()
	r := h.run(t, h.spec(sh(`read line; echo "out:$line"; echo "err:$line" >&2`)...), "hello\n")
	if r.stdout != "out:hello\n" || r.stderr != "err:hello\n" || r.exit.Code != 0 {
		t.Errorf("want out:hello, err:hello, exit 0; got %v", r)
	}
}

func (h *harness) testExitCode(t *testing.T) {
	t.Parallel()
	p := h.start(t, h.spec(sh("exit 3")...))
	r := finish(t, p, "")
	if r.exit != (sandbox.Exit{Code: 3}) {
		t.Errorf("want exit 3, got %v", r)
	}
	if again, err := p.Wait(); err != nil || again != r.exit {
		t.Errorf("second Wait = %+v, %v; want %+v", again, err, r.exit)
	}
}

func (h *harness) testEnv(t *testing.T) {
	t.Parallel()
	spec := h.spec("/usr/bin/env")
	spec.Env = append(spec.Env, "SBT_EXTRA=a b=c")
	r := h.run(t, spec, "")
	got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	want := slices.Clone(spec.Env)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("environment inside:\n%s\nwant exactly:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(r.stdout, canary) {
		t.Errorf("the launcher's environment leaked in: %s", r.stdout)
	}
}

func (h *harness) testKill(t *testing.T) {
	t.Parallel()
	p := h.start(t, h.spec("/bin/sleep", "1000"))
	go io.Copy(io.Discard, p.Stdout())
	go io.Copy(io.Discard, p.Stderr())
	time.Sleep(100 * time.Millisecond)
	begin := time.Now()
	if err := p.Kill(); err != nil {
		t.Fatalf("Kill: %v", err)
	}
	exitc := make(chan sandbox.Exit, 1)
	go func() { e, _ := p.Wait(); exitc <- e }()
	select {
	case e := <-exitc:
		if e != (sandbox.Exit{Code: 137, Signal: "killed"}) {
			t.Errorf("after Kill, Wait = %+v; want signal killed, code 137, no OOM", e)
		}
		t.Logf("Kill → Wait took %v", time.Since(begin))
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return within 10s of Kill")
	}
}

func (h *harness) testClose(t *testing.T) {
	t.Parallel()
	spec := h.spec(sh("sleep 1000 & sleep 1000 & (sleep 1000 &) ; echo ready; wait")...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := h.d.Start(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, p.Stderr())
	if line := readLine(t, bufio.NewReader(p.Stdout())); line != "ready" {
		t.Fatalf("want ready, got %q", line)
	}
	if n := len(processesWith(marker(spec.ID))); n < 3 {
		t.Errorf("found %d processes with the marker before Close, want ≥ 3", n)
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if pids := processesWith(marker(spec.ID)); len(pids) > 0 {
		t.Errorf("processes left after Close: %v", pids)
	}
	if a, ok := h.d.(sandbox.Auditing); ok {
		left, err := a.Leftovers(spec.ID)
		if err != nil || len(left) > 0 {
			t.Errorf("Leftovers after Close = %v, %v", left, err)
		}
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if e, err := p.Wait(); err != nil || e.Code == 0 {
		t.Errorf("Wait after Close = %+v, %v; want a kill", e, err)
	}
}

// processesWith returns the pids whose environment contains entry.
func processesWith(entry string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		if slices.Contains(strings.Split(string(b), "\x00"), entry) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func (h *harness) testConcurrent(t *testing.T) {
	t.Parallel()
	a := h.start(t, h.spec(sh(`read x; echo "a:$x"`)...))
	b := h.start(t, h.spec(sh(`read x; echo "b:$x"`)...))
	var ra, rb result
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); ra = finish(t, a, "1\n") }()
	go func() { defer wg.Done(); rb = finish(t, b, "2\n") }()
	wg.Wait()
	if ra.stdout != "a:1\n" || rb.stdout != "b:2\n" {
		t.Errorf("concurrent sandboxes: got %q and %q", ra.stdout, rb.stdout)
	}
}

func (h *harness) testInvalid(t *testing.T) {
	t.Parallel()
	for _, spec := range []sandbox.Spec{
		{ID: "UPPER", Args: []string{"/bin/true"}},
		{ID: strings.Repeat("a", 41), Args: []string{"/bin/true"}},
		{ID: "noargs"},
		{ID: "badbind", Args: []string{"/bin/true"}, Binds: []sandbox.Bind{{Source: "/usr", Dest: "/etc/x"}}},
	} {
		if p, err := h.d.Start(context.Background(), spec); err == nil {
			p.Close()
			t.Errorf("Start(%+v) succeeded, want an error", spec)
		}
	}
}

// testPrograms: a bare name is looked up in Spec.Env's PATH; a missing
// program makes Start fail or the run exit non-zero, depending on where
// the driver's exec happens.
func (h *harness) testPrograms(t *testing.T) {
	t.Parallel()
	if r := h.run(t, h.spec("echo", "found"), ""); r.stdout != "found\n" || r.exit.Code != 0 {
		t.Errorf("echo by name: %v", r)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := h.d.Start(ctx, h.spec("/no/such/program"))
	if err != nil {
		return
	}
	defer p.Close()
	if r := finish(t, p, ""); r.exit.Code == 0 {
		t.Errorf("a missing program exited 0: %v", r)
	}
}

// helperPath builds sbhelper once per harness into a directory the
// sandbox's unprivileged uid can read.
func (h *harness) helperPath(t *testing.T) string {
	t.Helper()
	h.helperOnce.Do(func() {
		gotool, err := exec.LookPath("go")
		if err != nil {
			gotool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		dir, err := os.MkdirTemp("", "sbhelper-")
		if err != nil {
			h.helperErr = err
			return
		}
		os.Chmod(dir, 0o755)
		h.helper = filepath.Join(dir, "sbhelper")
		cmd := exec.Command(gotool, "build", "-o", h.helper, "github.com/skriptable/skriptable/internal/sandbox/sandboxtest/sbhelper")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			h.helperErr = fmt.Errorf("building sbhelper: %v\n%s", err, out)
		}
	})
	if h.helperErr != nil {
		Unavailable(t, h.helperErr.Error())
	}
	return h.helper
}
