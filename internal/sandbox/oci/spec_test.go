package oci

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/skriptable/skriptable/internal/sandbox"
)

// These tests need neither root nor a runtime: they pin the generated
// config to os-sandbox.md §8 and Appendices A and C.

func testSpec() *specs.Spec {
	s := sandbox.Spec{
		ID:    "unit",
		Args:  []string{"/sb/skriptable", "runner"},
		Env:   []string{"PATH=/usr/bin:/bin"},
		Binds: []sandbox.Bind{{Source: "/srv/bin/skriptable", Dest: "/sb/skriptable"}, {Source: "/srv/out/1", Dest: "/out", Writable: true}},
	}
	lim := sandbox.Limits{CPUs: 0.5, TmpfsBytes: 64 << 20}.WithDefaults()
	return buildSpec(s, specInput{limits: lim, etcDir: "/state/etc-x", hostID: 265536, cgroups: relPath("unit")})
}

func TestSpecProcess(t *testing.T) {
	c := testSpec()
	if c.Version != "1.0.2" {
		t.Errorf("ociVersion %q: crun 1.8.1 rejects anything newer than it knows", c.Version)
	}
	if !c.Root.Readonly || c.Root.Path != "rootfs" {
		t.Errorf("root %+v, want read-only rootfs", c.Root)
	}
	p := c.Process
	if p.User.UID != 0 || p.User.GID != 0 || !p.NoNewPrivileges || p.Cwd != "/tmp" || p.Terminal {
		t.Errorf("process %+v", p)
	}
	caps := p.Capabilities
	if caps == nil || len(caps.Bounding)+len(caps.Effective)+len(caps.Permitted)+len(caps.Inheritable)+len(caps.Ambient) != 0 {
		t.Errorf("capabilities %+v, want all sets empty", caps)
	}
	b, _ := json.Marshal(p.Rlimits)
	if string(b) != `[{"type":"RLIMIT_NOFILE","hard":4096,"soft":4096},{"type":"RLIMIT_CORE","hard":0,"soft":0}]` {
		t.Errorf("rlimits %s", b)
	}
	if !slices.Equal(p.Env, []string{"PATH=/usr/bin:/bin"}) {
		t.Errorf("env %v, want exactly the spec's", p.Env)
	}
}

func TestSpecMounts(t *testing.T) {
	byDest := map[string]specs.Mount{}
	for _, m := range testSpec().Mounts {
		byDest[m.Destination] = m
	}
	want := map[string][]string{
		"/usr":           {"rbind", "ro", "nosuid", "nodev"},
		"/etc":           {"rbind", "ro", "nosuid", "nodev"},
		"/sb/skriptable": {"rbind", "ro", "nosuid", "nodev"},
		"/out":           {"rbind", "rw", "nosuid", "nodev"},
		"/tmp":           {"nosuid", "nodev", "mode=1777", "size=67108864"},
		"/dev/shm":       {"nosuid", "noexec", "nodev", "mode=1777", "size=67108864"},
		"/sys":           {"nosuid", "noexec", "nodev", "ro"},
	}
	for dest, opts := range want {
		if m, ok := byDest[dest]; !ok || !slices.Equal(m.Options, opts) {
			t.Errorf("mount %s = %+v, want options %v", dest, m, opts)
		}
	}
	if src := byDest["/etc"].Source; src != "/state/etc-x" {
		t.Errorf("/etc is bound from %q: never the host's /etc", src)
	}
	for _, d := range []string{"/proc", "/dev", "/dev/pts"} {
		if _, ok := byDest[d]; !ok {
			t.Errorf("no %s mount", d)
		}
	}
}

func TestSpecLinux(t *testing.T) {
	l := testSpec().Linux
	var ns []string
	for _, n := range l.Namespaces {
		if n.Path != "" {
			t.Errorf("namespace %s joins %s: every namespace must be new", n.Type, n.Path)
		}
		ns = append(ns, string(n.Type))
	}
	for _, want := range []string{"pid", "ipc", "uts", "mount", "network", "user"} {
		if !slices.Contains(ns, want) {
			t.Errorf("no new %s namespace in %v", want, ns)
		}
	}
	idmap := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 265536, Size: 65536}}
	if !slices.Equal(l.UIDMappings, idmap) || !slices.Equal(l.GIDMappings, idmap) {
		t.Errorf("id mappings %v %v", l.UIDMappings, l.GIDMappings)
	}
	r := l.Resources
	if *r.Memory.Limit != 1<<30 || *r.Memory.Swap != 1<<30 {
		t.Errorf("memory %d swap %d, want both 1 GiB", *r.Memory.Limit, *r.Memory.Swap)
	}
	if *r.CPU.Quota != 50000 || *r.CPU.Period != 100000 {
		t.Errorf("cpu quota %d/%d, want 50000/100000 for 0.5 CPUs", *r.CPU.Quota, *r.CPU.Period)
	}
	if *r.Pids.Limit != 512 {
		t.Errorf("pids %d", *r.Pids.Limit)
	}
	if len(r.Devices) != 1 || r.Devices[0].Allow || r.Devices[0].Access != "rwm" {
		t.Errorf("devices %+v, want deny-all", r.Devices)
	}
	if l.CgroupsPath != "/skriptable/unit" {
		t.Errorf("cgroupsPath %q", l.CgroupsPath)
	}
	for _, p := range []string{"/proc/kcore", "/proc/keys", "/sys/firmware"} {
		if !slices.Contains(l.MaskedPaths, p) {
			t.Errorf("%s is not masked", p)
		}
	}
	if !slices.Contains(l.ReadonlyPaths, "/proc/sys") {
		t.Error("/proc/sys is not read-only")
	}
}

func TestSpecSeccomp(t *testing.T) {
	sc := testSpec().Linux.Seccomp
	if sc.DefaultAction != specs.ActAllow {
		t.Errorf("default action %s", sc.DefaultAction)
	}
	errnoOf := map[string]uint{}
	cloneMasks := map[uint64]bool{}
	for _, r := range sc.Syscalls {
		if r.Action != specs.ActErrno || r.ErrnoRet == nil {
			t.Errorf("rule %+v is not an errno rule", r)
			continue
		}
		for _, name := range r.Names {
			if name == "clone" {
				a := r.Args[0]
				if a.Index != 0 || a.Op != specs.OpMaskedEqual || a.Value != a.ValueTwo || *r.ErrnoRet != uint(syscall.EPERM) {
					t.Errorf("clone rule %+v", r)
				}
				cloneMasks[a.Value] = true
				continue
			}
			errnoOf[name] = *r.ErrnoRet
		}
	}
	if errnoOf["clone3"] != uint(syscall.ENOSYS) {
		t.Errorf("clone3 gets errno %d: it must be ENOSYS, or glibc does not fall back to clone and Chromium crashes", errnoOf["clone3"])
	}
	for _, name := range strings.Fields("unshare setns mount keyctl bpf perf_event_open userfaultfd io_uring_setup ptrace open_by_handle_at") {
		if errnoOf[name] != uint(syscall.EPERM) {
			t.Errorf("%s is not denied with EPERM", name)
		}
	}
	if !cloneMasks[syscall.CLONE_NEWUSER] || !cloneMasks[syscall.CLONE_NEWNET] || len(cloneMasks) != 8 {
		t.Errorf("clone namespace flags denied: %v", cloneMasks)
	}
}

func TestLeases(t *testing.T) {
	dir := t.TempDir()
	a, stale, err := acquireLease(dir, 2)
	if err != nil || stale != "" {
		t.Fatal(err, stale)
	}
	a.set("first")
	b, _, err := acquireLease(dir, 2)
	if err != nil || b.n == a.n {
		t.Fatalf("second lease: %v, %v", b, err)
	}
	if _, _, err := acquireLease(dir, 2); err == nil {
		t.Error("a third lease out of two ranges succeeded")
	}
	a.abandon() // as a crash would: the lock goes, the ID stays
	c, stale, err := acquireLease(dir, 2)
	if err != nil || c.n != a.n || stale != "first" {
		t.Errorf("re-acquiring an abandoned lease: n=%v stale=%q err=%v", c, stale, err)
	}
	c.release()
	b.release()
	if owners := leaseOwners(dir, 2); len(owners) != 0 {
		t.Errorf("owners after release: %v", owners)
	}
}

// TestLockedOffMain: the runtime's thread may have its mount namespace
// changed, so it must never be the main thread, whose namespace is what
// /proc/self/mountinfo shows for the whole process.
func TestLockedOffMain(t *testing.T) {
	before, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	onMain := make(chan bool)
	for range 300 {
		goLockedOffMain(func() {
			if os.Geteuid() == 0 && detectHybrid() {
				hideUnifiedCgroup()
			}
			onMain <- syscall.Gettid() == syscall.Getpid()
		})
		if <-onMain {
			t.Fatal("fn ran on the main thread")
		}
	}
	after, _ := os.ReadFile("/proc/self/mountinfo")
	if string(before) != string(after) {
		t.Errorf("the process's mount table changed:\n%s\nto\n%s", before, after)
	}
}

func detectHybrid() bool {
	m, err := detectCgroupMode()
	return err == nil && m == cgroupHybrid
}
