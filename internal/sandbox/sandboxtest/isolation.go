package sandboxtest

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/sandbox"
)

// isolation runs the subtests for drivers that claim sandbox.Isolating.
func (h *harness) isolation(t *testing.T) {
	t.Run("Isolation", func(t *testing.T) {
		if !h.isolate {
			t.Skipf("driver %q does not isolate", h.d.Name())
		}
		for _, tc := range []struct {
			name string
			fn   func(*testing.T)
		}{
			{"MemoryLimit", h.testMemory},
			{"CPULimit", h.testCPU},
			{"PidsLimit", h.testPids},
			{"MinimalEtc", h.testEtc},
			{"ProcEnviron", h.testProcEnviron},
			{"OnlyLoopback", h.testNetwork},
			{"LoopbackWorks", h.testLoopback},
			{"NoCapabilities", h.testCaps},
			{"Seccomp", h.testSeccomp},
			{"TmpfsCapped", h.testTmpfs},
			{"Neighbours", h.testNeighbours},
			{"Binds", h.testBinds},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				tc.fn(t)
			})
		}
	})
}

// helperSpec is a spec running sbhelper with args.
func (h *harness) helperSpec(t *testing.T, args ...string) sandbox.Spec {
	spec := h.spec(append([]string{HelperDest}, args...)...)
	spec.Binds = []sandbox.Bind{{Source: h.helperPath(t), Dest: HelperDest}}
	return spec
}

func (h *harness) testMemory(t *testing.T) {
	lim := sandbox.Limits{Memory: 64 << 20, TmpfsBytes: 8 << 20}
	t.Run("Init", func(t *testing.T) {
		t.Parallel()
		spec := h.helperSpec(t, "memhog")
		spec.Limits = lim
		r := h.run(t, spec, "")
		if !r.exit.OOMKilled || r.exit.Code == 0 {
			t.Errorf("memory hog under 64 MiB: want OOMKilled and a non-zero exit, got %v", r)
		}
	})
	t.Run("Child", func(t *testing.T) {
		t.Parallel()
		spec := h.helperSpec(t)
		spec.Args = sh(HelperDest + ` memhog >/dev/null; echo "rc=$?"`)
		spec.Limits = lim
		r := h.run(t, spec, "")
		if !r.exit.OOMKilled || r.exit.Code != 0 || r.stdout != "rc=137\n" {
			t.Errorf("a child hit the limit and the init survived: want OOMKilled, exit 0 and rc=137, got %v", r)
		}
	})
	t.Run("SelfKillIsNoOOM", func(t *testing.T) {
		t.Parallel()
		// The init of a pid namespace cannot SIGKILL itself; a child can,
		// and the init's exit status 137 then looks like a kill too.
		spec := h.spec(sh(`sh -c 'kill -9 $$'; echo "rc=$?"; exit 137`)...)
		spec.Limits = lim
		r := h.run(t, spec, "")
		if r.exit.OOMKilled || r.exit.Code != 137 || r.stdout != "rc=137\n" {
			t.Errorf("SIGKILLs that are no OOM kills: want OOMKilled false, 137 and rc=137, got %v", r)
		}
	})
}

func (h *harness) testCPU(t *testing.T) {
	const wall = 2 * time.Second
	spec := h.helperSpec(t, "spin", wall.String())
	spec.Limits.CPUs = 0.5
	p := h.start(t, spec)
	p.Stdin().Close()
	if line := readLine(t, bufio.NewReader(p.Stdout())); line != "done" {
		t.Fatalf("spin: want done, got %q", line)
	}
	acc, ok := p.(sandbox.Accounting)
	if !ok {
		t.Skip("the process does not report usage")
	}
	u, err := acc.Usage()
	if err != nil {
		t.Fatal(err)
	}
	// Two busy threads for 2 s would use 4 s of CPU; the quota allows 1 s.
	// The lower bound only shows that the accounting reads something real.
	t.Logf("CPU time of a 2 s spin on 2 threads at 0.5 CPUs: %v (%.0f%% of one core)", u.CPU, 100*u.CPU.Seconds()/wall.Seconds())
	if u.CPU > wall*60/100 || u.CPU < 100*time.Millisecond {
		t.Errorf("CPU time %v, want about %v and at most %v", u.CPU, wall/2, wall*60/100)
	}
}

func (h *harness) testPids(t *testing.T) {
	spec := h.helperSpec(t)
	spec.Args = sh(HelperDest + " forkloop; echo survived")
	spec.Limits.Pids = 32
	r := h.run(t, spec, "")
	if !strings.Contains(r.stdout, ": EAGAIN") || !strings.Contains(r.stdout, "survived") || r.exit.Code != 0 {
		t.Errorf("fork loop under pids=32: want EAGAIN and a surviving shell, got %v", r)
	}
}

func (h *harness) testEtc(t *testing.T) {
	r := h.run(t, h.spec(sh(`cat /etc/shadow; echo "shadow=$?"; cat /etc/passwd`)...), "")
	if !strings.Contains(r.stdout, "shadow=1\n") {
		t.Errorf("/etc/shadow is readable: %v", r)
	}
	if !strings.Contains(r.stdout, "root:x:0:0:") {
		t.Errorf("/etc/passwd lacks root: %v", r)
	}
	host, _ := os.ReadFile("/etc/passwd")
	for _, line := range strings.Split(string(host), "\n") {
		name, _, _ := strings.Cut(line, ":")
		if name != "" && name != "root" && name != "nobody" && strings.Contains(r.stdout, "\n"+name+":") {
			t.Errorf("the host's user %q is visible in /etc/passwd inside", name)
		}
	}
}

func (h *harness) testProcEnviron(t *testing.T) {
	spec := h.spec(sh(`tr '\0' '\n' < /proc/1/environ`)...)
	r := h.run(t, spec, "")
	got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	want := slices.Clone(spec.Env)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("/proc/1/environ:\n%s\nwant exactly:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func (h *harness) testNetwork(t *testing.T) {
	r := h.run(t, h.spec(sh(`ls /sys/class/net; echo --; tail -n +2 /proc/net/route; echo --; cat /proc/net/ipv6_route`)...), "")
	parts := strings.Split(r.stdout, "--\n")
	if len(parts) != 3 {
		t.Fatalf("unexpected output: %v", r)
	}
	if ifaces := strings.Fields(parts[0]); !slices.Equal(ifaces, []string{"lo"}) {
		t.Errorf("interfaces inside: %v, want only lo", ifaces)
	}
	if strings.TrimSpace(parts[1]) != "" {
		t.Errorf("IPv4 routes inside:\n%s", parts[1])
	}
	for _, line := range strings.Split(strings.TrimSpace(parts[2]), "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[len(f)-1] != "lo" {
			t.Errorf("IPv6 route via a device other than lo: %s", line)
		}
	}
}

func (h *harness) testLoopback(t *testing.T) {
	r := h.run(t, h.helperSpec(t, "loopback"), "")
	if r.stdout != "loopback ok\n" {
		t.Errorf("listen and connect on 127.0.0.1 inside: %v", r)
	}
}

func (h *harness) testCaps(t *testing.T) {
	r := h.run(t, h.spec(sh(`grep -E '^(Cap[A-Za-z]+|NoNewPrivs|Seccomp):' /proc/self/status`)...), "")
	for _, field := range []string{"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"} {
		if !strings.Contains(r.stdout, field+":\t0000000000000000\n") {
			t.Errorf("%s is not zero: %v", field, r)
		}
	}
	if !strings.Contains(r.stdout, "NoNewPrivs:\t1\n") || !strings.Contains(r.stdout, "Seccomp:\t2\n") {
		t.Errorf("want NoNewPrivs 1 and Seccomp 2 (filter): %v", r)
	}
}

func (h *harness) testSeccomp(t *testing.T) {
	spec := h.helperSpec(t)
	spec.Args = sh(`unshare -U true; echo "userns=$?"; unshare -n true; echo "netns=$?"; ` + HelperDest + ` clone3`)
	r := h.run(t, spec, "")
	for _, want := range []string{"userns=1\n", "netns=1\n", "ENOSYS\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("want %q: %v", want, r)
		}
	}
	if strings.Count(r.stderr, "Operation not permitted") < 2 {
		t.Errorf("want EPERM from both unshare calls: %v", r)
	}
}

func (h *harness) testTmpfs(t *testing.T) {
	spec := h.spec(sh(`stat -f -c %T /tmp /dev/shm; head -c 16777216 /dev/zero > /tmp/fill; echo "rc=$?"; wc -c < /tmp/fill`)...)
	spec.Limits = sandbox.Limits{TmpfsBytes: 8 << 20, Memory: 256 << 20}
	r := h.run(t, spec, "")
	f := strings.Fields(r.stdout)
	if len(f) != 4 || f[0] != "tmpfs" || f[1] != "tmpfs" || f[2] == "rc=0" {
		t.Fatalf("writing 16 MiB into an 8 MiB /tmp: %v", r)
	}
	if size, err := strconv.Atoi(f[3]); err != nil || size > 8<<20 {
		t.Errorf("/tmp holds %s bytes, want at most 8 MiB", f[3])
	}
	if !strings.Contains(r.stderr, "No space left on device") {
		t.Errorf("want ENOSPC: %v", r)
	}
}

func (h *harness) testNeighbours(t *testing.T) {
	a := h.start(t, h.spec(sh(`echo secret > /tmp/a-secret && cat /proc/self/uid_map && read x`)...))
	ra := bufio.NewReader(a.Stdout())
	mapA := strings.Fields(readLine(t, ra))
	rb := h.run(t, h.spec(sh(`cat /proc/self/uid_map; ls -a /tmp`)...), "")
	a.Stdin().Close()
	if _, err := a.Wait(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(rb.stdout, "\n")
	mapB := strings.Fields(lines[0])
	if len(mapA) != 3 || len(mapB) != 3 || mapA[1] == mapB[1] || mapA[1] == "0" || mapB[1] == "0" {
		t.Errorf("uid maps of two concurrent sandboxes: %v and %v, want distinct non-root host ranges", mapA, mapB)
	}
	if strings.Contains(rb.stdout, "a-secret") {
		t.Errorf("a sandbox sees its neighbour's /tmp: %v", rb)
	}
}

func (h *harness) testBinds(t *testing.T) {
	ro, rw := bindDir(t), bindDir(t)
	spec := h.spec(sh(`touch /data/ro/x; echo "ro=$?"; echo hi > /data/rw/y; echo "rw=$?"; touch /usr/x; echo "usr=$?"; touch /x; echo "root=$?"`)...)
	spec.Binds = []sandbox.Bind{{Source: ro, Dest: "/data/ro"}, {Source: rw, Dest: "/data/rw", Writable: true}}
	r := h.run(t, spec, "")
	for _, want := range []string{"ro=1\n", "rw=0\n", "usr=1\n", "root=1\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("want %q: %v", want, r)
		}
	}
	if !strings.Contains(r.stderr, "/data/ro/x': Read-only file system") {
		t.Errorf("the read-only bind should fail with EROFS (its directory is mode 0777): %v", r)
	}
	if b, err := os.ReadFile(filepath.Join(rw, "y")); err != nil || string(b) != "hi\n" {
		t.Errorf("the writable bind did not receive the file: %q, %v", b, err)
	}
}

// bindDir is a world-writable directory, so that only the mount can make
// writes fail.
func bindDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "sbt-bind-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	return dir
}
