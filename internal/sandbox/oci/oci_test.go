package oci

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/sandbox"
	"github.com/skriptable/skriptable/internal/sandbox/sandboxtest"
)

// testNonce makes this process's sandbox IDs unique on the host: IDs name
// host-wide cgroups, and other test processes may run at the same time.
var testNonce = fmt.Sprintf("%x", time.Now().UnixNano()&0xffffff)

func testID(name string) string { return name + "-" + testNonce }

// runtimes lists the OCI runtimes installed here; the suite runs on each.
func runtimes(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, name := range []string{"crun", "runc"} {
		if _, _, err := findRuntime(name); err == nil {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		sandboxtest.Unavailable(t, "no OCI runtime: apt-get install -y crun runc")
	}
	return out
}

// newDriver returns a driver with a private StateDir, reaped and removed
// at the end of the test.
func newDriver(t *testing.T, runtime string) *Driver {
	t.Helper()
	sandboxtest.RequireRoot(t)
	dir, err := os.MkdirTemp("", "sbtest-oci-")
	if err != nil {
		t.Fatal(err)
	}
	// MkdirTemp makes 0700 directories; the runtime resolves the rootfs
	// as the sandbox's unprivileged root.
	if err := os.Chmod(dir, 0o711); err != nil {
		t.Fatal(err)
	}
	d, err := New(Config{StateDir: dir, Runtime: runtime})
	if err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Reap(context.Background()); err != nil {
			t.Errorf("final Reap: %v", err)
		}
		os.RemoveAll(dir)
	})
	return d
}

func TestConformance(t *testing.T) {
	for _, rt := range runtimes(t) {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, rt)
			t.Log(d)
			sandboxtest.Exercise(t, d)
		})
	}
}

func TestNewExplainsMissingRuntime(t *testing.T) {
	_, err := New(Config{StateDir: t.TempDir(), Runtime: "no-such-runtime"})
	if err == nil || !strings.Contains(err.Error(), "apt-get install") {
		t.Errorf("New with a missing runtime: %v, want an install hint", err)
	}
}

// TestCloseRemovesEverything checks the cleanup with the host's own
// tools, independently of Leftovers.
func TestCloseRemovesEverything(t *testing.T) {
	for _, rt := range runtimes(t) {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, rt)
			id := testID("close-" + rt)
			p, err := d.Start(context.Background(), sandbox.Spec{ID: id, Args: []string{"/bin/sleep", "1000"}})
			if err != nil {
				t.Fatal(err)
			}
			if got := hostView(t, d, id); len(got) < 4 {
				t.Errorf("while running, the host shows only %v", got)
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if got := hostView(t, d, id); len(got) > 0 {
				t.Errorf("after Close the host still shows %v", got)
			}
		})
	}
}

// hostView lists what the host shows of sandbox id: the runtime's list,
// cgroup directories under every mounted hierarchy, the bundle, leases.
func hostView(t *testing.T, d *Driver, id string) []string {
	t.Helper()
	var out []string
	// `crun list` only reads the state directory, so it works on a hybrid
	// host without the private mount namespace.
	cmd := exec.Command(d.rt.path, "--root", d.rt.root, "list", "-q")
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s list: %v", d.rt.name, err)
	}
	if slices.Contains(strings.Fields(string(b)), sandbox.NamePrefix+id) {
		out = append(out, "container")
	}
	dirs, _ := filepath.Glob("/sys/fs/cgroup/*/skriptable/" + id)
	top, _ := filepath.Glob("/sys/fs/cgroup/skriptable/" + id)
	for _, dir := range append(dirs, top...) {
		out = append(out, dir)
	}
	if _, err := os.Stat(filepath.Join(d.cfg.StateDir, "bundles", id)); err == nil {
		out = append(out, "bundle")
	}
	if _, err := os.Stat(filepath.Join(d.cfg.StateDir, d.rt.name, sandbox.NamePrefix+id)); err == nil {
		out = append(out, "runtime state")
	}
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mounts), id) {
		out = append(out, "a mount naming the sandbox")
	}
	leases, _ := filepath.Glob(filepath.Join(d.cfg.StateDir, "leases", "*"))
	for _, l := range leases {
		if b, _ := os.ReadFile(l); strings.TrimSpace(string(b)) == id {
			out = append(out, "lease "+filepath.Base(l))
		}
	}
	return out
}

// TestReap simulates a launcher crash: only the runtime process dies, and
// the container keeps running (os-sandbox.md §3). A new driver's Reap must
// remove the container, its processes, cgroups, bundle and lease.
func TestReap(t *testing.T) {
	for _, rt := range runtimes(t) {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, rt)
			id := testID("reap-" + rt)
			spec := sandbox.Spec{ID: id, Args: []string{"/bin/sh", "-c", "sleep 1000 & sleep 1000"}, Env: []string{"SBT_MARKER=" + id}}
			sp, err := d.Start(context.Background(), spec)
			if err != nil {
				t.Fatal(err)
			}
			p := sp.(*process)
			if err := p.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			<-p.done
			for _, f := range []*os.File{p.stdin, p.stdout, p.stderr} {
				f.Close()
			}
			p.lease.abandon() // the kernel drops a dead launcher's flock
			time.Sleep(100 * time.Millisecond)
			if got := hostView(t, d, id); !slices.Contains(got, "container") {
				t.Fatalf("after the runtime died, the container should still run; the host shows %v", got)
			}
			if n := len(pidsInCgroup(relPath(id))); n < 2 {
				t.Fatalf("want the sandbox's processes to survive the runtime, found %d", n)
			}

			restarted, err := New(d.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := restarted.Reap(context.Background()); err != nil {
				t.Fatalf("Reap: %v", err)
			}
			if got := hostView(t, d, id); len(got) > 0 {
				t.Errorf("after Reap the host still shows %v", got)
			}
			if pids := pidsInCgroup(relPath(id)); len(pids) > 0 {
				t.Errorf("after Reap processes are left: %v", pids)
			}
		})
	}
}

// TestReapSparesLiveSandboxes checks that Reap from a second driver on the
// same StateDir does not touch a running sandbox.
func TestReapSparesLiveSandboxes(t *testing.T) {
	rt := runtimes(t)[0]
	d := newDriver(t, rt)
	p, err := d.Start(context.Background(), sandbox.Spec{ID: testID("live"), Args: []string{"/bin/sh", "-c", "read x; echo alive"}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	other, err := New(d.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Reap(context.Background()); err != nil {
		t.Fatal(err)
	}
	io.WriteString(p.Stdin(), "x\n")
	out, _ := io.ReadAll(p.Stdout())
	if e, err := p.Wait(); err != nil || e.Code != 0 || string(out) != "alive\n" {
		t.Errorf("sandbox after a concurrent Reap: %+v %v %q", e, err, out)
	}
}

// TestStartReapsStaleLease: a lease left by a crash is cleaned up by the
// Start that takes it over.
func TestStartReapsStaleLease(t *testing.T) {
	d := newDriver(t, runtimes(t)[0])
	if err := os.WriteFile(filepath.Join(d.leases, "0"), []byte("ghost\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(d.bundles, "ghost", "rootfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := d.Start(context.Background(), sandbox.Spec{ID: testID("heir"), Args: []string{"/bin/true"}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := os.Stat(filepath.Join(d.bundles, "ghost")); !os.IsNotExist(err) {
		t.Errorf("the stale bundle survived: %v", err)
	}
	if owner := leaseOwner(d.leases, 0); owner != testID("heir") {
		t.Errorf("lease 0 names %q, want %s", owner, testID("heir"))
	}
}

// TestDuplicateIDRefused: a second sandbox with a live sandbox's ID is
// refused, and its failure must not harm the first (they would share the
// host-wide cgroup path).
func TestDuplicateIDRefused(t *testing.T) {
	rts := runtimes(t)
	d1, d2 := newDriver(t, rts[0]), newDriver(t, rts[len(rts)-1])
	spec := sandbox.Spec{ID: testID("dup"), Args: []string{"/bin/sh", "-c", "read x; echo alive"}}
	p, err := d1.Start(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if q, err := d2.Start(context.Background(), spec); err == nil {
		q.Close()
		t.Fatal("a second sandbox with a live ID started")
	}
	io.WriteString(p.Stdin(), "x\n")
	out, _ := io.ReadAll(p.Stdout())
	if e, err := p.Wait(); err != nil || e.Code != 0 || string(out) != "alive\n" {
		t.Errorf("the first sandbox after the refused duplicate: %+v %v %q", e, err, out)
	}
}

// TestStartCancelled: a context that ends at any point of start-up leaves
// nothing behind, whatever the runtime had created by then.
func TestStartCancelled(t *testing.T) {
	for _, rt := range runtimes(t) {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, rt)
			for i, delay := range []time.Duration{0, time.Millisecond, 3 * time.Millisecond, 6 * time.Millisecond, 10 * time.Millisecond, 15 * time.Millisecond, 25 * time.Millisecond, 40 * time.Millisecond} {
				id := testID(fmt.Sprintf("cancel-%s-%d", rt, i))
				ctx, cancel := context.WithTimeout(context.Background(), delay)
				p, err := d.Start(ctx, sandbox.Spec{ID: id, Args: []string{"/bin/sleep", "1000"}, Env: []string{"SBT_MARKER=" + id}})
				cancel()
				if err == nil {
					p.Close() // start-up won the race; Close must clean up as well
				}
				if left, lerr := d.Leftovers(id); lerr != nil || len(left) > 0 {
					t.Errorf("cancelled after %v (%v): leftovers %v %v", delay, err, left, lerr)
					for _, l := range left {
						var pid int
						if _, err := fmt.Sscanf(l, "process %d", &pid); err == nil {
							b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
							c, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
							t.Logf("%s\n%s", b, c)
						}
					}
				}
				if got := hostView(t, d, id); len(got) > 0 {
					t.Errorf("cancelled after %v: the host shows %v", delay, got)
				}
			}
		})
	}
}

// TestStartupOverhead logs the median time of Start→Wait→Close for
// /bin/true against a plain fork+exec, and how it splits.
func TestStartupOverhead(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	const n = 10
	median := func(ds []time.Duration) time.Duration {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	var plain []time.Duration
	for range n {
		begin := time.Now()
		if err := exec.Command("/bin/true").Run(); err != nil {
			t.Fatal(err)
		}
		plain = append(plain, time.Since(begin))
	}
	for _, rt := range runtimes(t) {
		d := newDriver(t, rt)
		var run, closing, total []time.Duration
		for i := range n {
			begin := time.Now()
			p, err := d.Start(context.Background(), sandbox.Spec{ID: testID(fmt.Sprintf("bench-%d", i)), Args: []string{"/bin/true"}})
			if err != nil {
				t.Fatal(err)
			}
			p.Stdin().Close()
			if e, err := p.Wait(); err != nil || e.Code != 0 {
				t.Fatalf("exit %+v %v", e, err)
			}
			exited := time.Now()
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			run, closing, total = append(run, exited.Sub(begin)), append(closing, time.Since(exited)), append(total, time.Since(begin))
		}
		t.Logf("%s: /bin/true, median of %d: Start→Wait→Close %v (Start→Wait %v, Close %v); plain exec %v",
			rt, n, median(total), median(run), median(closing), median(plain))
	}
}

// TestChromiumRenders runs headless Chromium in the sandbox, as the runner
// will: --no-sandbox (our seccomp policy denies the user namespaces its
// own sandbox needs, os-sandbox.md §5), a data: URL, so nothing needs the
// network, which the sandbox does not have anyway.
func TestChromiumRenders(t *testing.T) {
	const chromium = "/usr/lib/chromium/chromium"
	if _, err := os.Stat(chromium); err != nil || testing.Short() {
		t.Skip("needs " + chromium + " and no -short")
	}
	for _, rt := range runtimes(t) {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			renderScreenshot(t, newDriver(t, rt), chromium)
		})
	}
}

func renderScreenshot(t *testing.T, d *Driver, chromium string) {
	out, err := os.MkdirTemp("", "sbtest-out-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(out)
	p, err := d.Start(context.Background(), sandbox.Spec{
		ID: testID("chromium-" + d.rt.name),
		Args: []string{chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir=/tmp/ud", "--window-size=400,300", "--screenshot=/out/shot.png",
			"data:text/html,<h1 style='font-size:64px'>Sandboxed text</h1>"},
		Env:   []string{"PATH=/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8"},
		Binds: []sandbox.Bind{{Source: out, Dest: "/out", Writable: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Stdin().Close()
	go io.Copy(io.Discard, p.Stdout())
	stderr, _ := io.ReadAll(p.Stderr())
	e, err := p.Wait()
	st, serr := os.Stat(filepath.Join(out, "shot.png"))
	if err != nil || e.Code != 0 || serr != nil || st.Size() < 2000 {
		t.Fatalf("chromium: exit %+v %v, screenshot %v %v\n%s", e, err, st, serr, stderr)
	}
	if u, err := p.(sandbox.Accounting).Usage(); err == nil {
		t.Logf("screenshot %d bytes; CPU %v, peak memory %d MiB", st.Size(), u.CPU, u.MemoryPeak>>20)
	}
}
