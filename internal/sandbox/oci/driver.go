// Package oci is the default sandbox driver: it writes an OCI bundle per
// run and executes it with crun or runc (os-sandbox.md §8).
//
// Each sandbox gets: a user namespace mapping its root to a leased block of
// 65536 unprivileged host ids (distinct per concurrent sandbox); new pid,
// mount, network (only lo), ipc, uts and cgroup namespaces; no
// capabilities and no_new_privs; a seccomp deny-list (Appendix C); an
// empty read-only rootfs with /usr bound read-only, a generated minimal
// /etc (never the host's), tmpfs /tmp and /dev/shm of Limits.TmpfsBytes;
// cgroup limits for memory+swap, CPU quota and pids under
// /skriptable/<ID>. The launcher must run as root.
//
// Lifecycle. Start runs `<runtime> run --bundle B --pid-file P [--keep]
// skriptable-<ID>` in the foreground, so the sandbox's stdio are plain
// pipes, and returns once the pid file shows the container exists. Wait
// waits for the runtime, whose exit status is the container's. Close
// always runs `delete --force`, because a container outlives a SIGKILLed
// runtime (§3), then removes the cgroups with retries, the bundle and the
// uid lease. Reap finds what a crashed launcher left behind through the
// runtime's list, the bundle directory and the lease files.
//
// Runtime choice. With Config.Runtime empty, New prefers a crun whose
// `run` supports --keep, then runc, then an older crun. --keep keeps a
// stopped container's cgroups until our delete, so Wait reads the OOM
// counter, CPU time and memory peak from them exactly, on cgroup v1 and v2
// alike. Debian 12's crun 1.8.1 has no --keep and deletes the cgroups the
// moment the container exits; with it, OOM kills are caught by an eventfd
// watcher on cgroup v1 (oomwatch.go) but only guessed on v2, and after
// exit Usage has the runtime's rusage instead of the cgroup's figures.
// That crun is about 25 ms faster per sandbox than runc 1.1.5, which is
// noise next to Chromium's start. crun 1.8.1 also refuses cgroup "hybrid"
// hosts; there it runs in a private mount namespace without
// /sys/fs/cgroup/unified, set up on a locked thread (runtime.go).
//
// Sandbox IDs name host-wide cgroups, so they must be unique across all
// launchers on the host; Start refuses an ID whose cgroup exists.
package oci

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/skriptable/skriptable/internal/sandbox"
)

// Config configures a Driver. The zero value is ready to use.
type Config struct {
	// StateDir holds bundles, the generated /etc, uid leases and the
	// runtime's container state. It and its parents must be searchable by
	// unprivileged users (mode o+x), because the runtime resolves the
	// rootfs as the sandbox's mapped root. Default /var/lib/skriptable/sandbox.
	StateDir string
	// Runtime is "crun", "runc" or a path; "" picks one (see the package doc).
	Runtime string
	// UIDBase is the first host uid (and gid) of lease 0. Default 200000.
	UIDBase uint32
	// UIDRanges is how many sandboxes may run at once; each holds 65536
	// host ids starting at UIDBase + n*65536. Default 64.
	UIDRanges int
}

// DefaultStateDir is Config.StateDir's default.
const DefaultStateDir = "/var/lib/skriptable/sandbox"

// Driver runs sandboxes with an OCI runtime. It is safe for concurrent use.
type Driver struct {
	cfg     Config
	rt      *ociRuntime
	cg      *cgroups
	etcDir  string
	bundles string
	leases  string
}

var (
	_ sandbox.Driver    = (*Driver)(nil)
	_ sandbox.Isolating = (*Driver)(nil)
	_ sandbox.Auditing  = (*Driver)(nil)
)

// New checks the host and prepares StateDir: the runtime exists, we are
// root, cgroups are usable, and the minimal /etc is generated.
func New(cfg Config) (*Driver, error) {
	if cfg.StateDir == "" {
		cfg.StateDir = DefaultStateDir
	}
	if cfg.UIDBase == 0 {
		cfg.UIDBase = 200000
	}
	if cfg.UIDRanges == 0 {
		cfg.UIDRanges = 64
	}
	if cfg.UIDRanges < 0 || uint64(cfg.UIDBase)+uint64(cfg.UIDRanges)*idRange > 1<<32-1 {
		return nil, fmt.Errorf("oci: %d uid ranges from %d do not fit in 32 bits", cfg.UIDRanges, cfg.UIDBase)
	}
	path, keep, err := findRuntime(cfg.Runtime)
	if err != nil {
		return nil, fmt.Errorf("oci: %w", err)
	}
	if os.Geteuid() != 0 {
		return nil, errors.New("oci: the sandbox launcher must run as root (it creates user namespaces with id mappings and cgroups)")
	}
	cg, err := loadCgroups()
	if err != nil {
		return nil, fmt.Errorf("oci: cgroups: %w", err)
	}
	state, err := filepath.Abs(cfg.StateDir)
	if err != nil {
		return nil, err
	}
	cfg.StateDir = state
	name := "runc"
	if strings.Contains(filepath.Base(path), "crun") {
		name = "crun"
	}
	d := &Driver{
		cfg: cfg,
		cg:  cg,
		rt: &ociRuntime{
			name: name, path: path, keep: keep,
			root:               filepath.Join(state, name),
			privateCgroupMount: name == "crun" && cg.mode == cgroupHybrid,
		},
		bundles: filepath.Join(state, "bundles"),
		leases:  filepath.Join(state, "leases"),
	}
	// StateDir (and any parent we create) only needs to be searchable;
	// leases and runtime state are root's alone.
	for _, dm := range []struct {
		dir  string
		mode os.FileMode
	}{{state, 0o711}, {d.bundles, 0o711}, {d.leases, 0o700}, {d.rt.root, 0o700}} {
		if err := os.MkdirAll(dm.dir, dm.mode); err != nil {
			return nil, fmt.Errorf("oci: %w", err)
		}
		if err := os.Chmod(dm.dir, dm.mode); err != nil {
			return nil, fmt.Errorf("oci: %w", err)
		}
	}
	if err := checkSearchable(state); err != nil {
		return nil, fmt.Errorf("oci: %w", err)
	}
	if d.etcDir, err = ensureEtc(state, "/etc"); err != nil {
		return nil, fmt.Errorf("oci: generating /etc: %w", err)
	}
	return d, nil
}

// checkSearchable fails early, with a useful message, where runc would
// later fail with "error preparing rootfs: mount …/rootfs: permission
// denied": runc resolves the rootfs as the sandbox's mapped root.
func checkSearchable(dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil {
			return err
		}
		if st.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("%s is not searchable by the sandbox's unprivileged uid: chmod o+x %s", d, d)
		}
		if d == "/" {
			return nil
		}
	}
}

// Name returns "oci".
func (d *Driver) Name() string { return "oci" }

// Isolates returns true: limits, namespaces and seccomp are enforced.
func (d *Driver) Isolates() bool { return true }

// Runtime returns the runtime binary in use, e.g. "/usr/sbin/runc".
func (d *Driver) Runtime() string { return d.rt.path }

// String describes the driver for logs.
func (d *Driver) String() string {
	return fmt.Sprintf("oci(%s keep=%v cgroups=%s state=%s)", d.rt.path, d.rt.keep, d.cg.mode, d.cfg.StateDir)
}

func (d *Driver) bundleDir(id string) string { return filepath.Join(d.bundles, id) }

// hostID is the first host uid/gid of lease n.
func (d *Driver) hostID(n int) uint32 { return d.cfg.UIDBase + uint32(n)*idRange }

// cleanup removes everything of sandbox id: the container (killing it),
// its cgroups and its bundle. It is what Close does after the exit was
// recorded, and what Reap does for leftovers.
func (d *Driver) cleanup(id string) error {
	var errs []error
	if err := d.rt.destroy(sandbox.NamePrefix + id); err != nil {
		errs = append(errs, err)
	} else if err := d.rt.sweepState(sandbox.NamePrefix + id); err != nil {
		errs = append(errs, err)
	}
	if err := d.cg.remove(id, cgroupRemoveTimeout); err != nil {
		errs = append(errs, err)
	}
	if err := os.RemoveAll(d.bundleDir(id)); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Reap removes leftovers of crashed launchers that used this StateDir:
// containers in our runtime root, bundles and stale leases, with their
// cgroups. Sandboxes whose lease is still locked, by this or another live
// process, are left alone. Candidates are listed before the leases are
// read: Start writes the lease before it creates the bundle or container,
// so anything listed is either already named in a held lease or stale.
func (d *Driver) Reap(ctx context.Context) error {
	cands := map[string]bool{}
	cs, err := d.rt.list(ctx)
	if err != nil {
		return fmt.Errorf("oci: reap: %w", err)
	}
	for _, c := range cs {
		if id, ok := strings.CutPrefix(c.ID, sandbox.NamePrefix); ok {
			cands[id] = true
		}
	}
	entries, err := os.ReadDir(d.bundles)
	if err != nil {
		return fmt.Errorf("oci: reap: %w", err)
	}
	for _, e := range entries {
		cands[e.Name()] = true
	}
	// State the runtime no longer lists: it was killed before writing it.
	states, _ := os.ReadDir(d.rt.root)
	for _, e := range states {
		if id, ok := strings.CutPrefix(e.Name(), sandbox.NamePrefix); ok {
			cands[id] = true
		}
	}

	live := map[string]bool{}
	staleLeases := map[string]*lease{}
	for n := 0; n < d.cfg.UIDRanges; n++ {
		l, id, err := tryLease(d.leases, n)
		switch {
		case err != nil:
			return fmt.Errorf("oci: reap: %w", err)
		case l == nil: // held by a live sandbox
			if id := leaseOwner(d.leases, n); id != "" {
				live[id] = true
			}
		case id != "":
			staleLeases[id] = l
			cands[id] = true
		default:
			l.abandon()
		}
	}

	var errs []error
	for id := range cands {
		if live[id] || ctx.Err() != nil {
			continue
		}
		err := d.cleanup(id)
		if l := staleLeases[id]; l != nil {
			if err == nil {
				err = l.release()
			} else {
				l.abandon()
			}
			delete(staleLeases, id)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
		}
	}
	for _, l := range staleLeases {
		l.abandon()
	}
	d.removeOldEtc()
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("oci: reap: %w", errors.Join(errs...))
	}
	return nil
}

// removeOldEtc deletes generated /etc directories other than ours, and
// half-built ones.
func (d *Driver) removeOldEtc() {
	old, _ := filepath.Glob(filepath.Join(d.cfg.StateDir, "etc-*"))
	for _, dir := range old {
		if dir != d.etcDir {
			os.RemoveAll(dir)
		}
	}
}

// Leftovers lists what is present of sandbox id, independently of any
// Process: a container in the runtime's list, cgroup directories in any
// hierarchy, the bundle, a lease naming it, processes in its cgroups.
func (d *Driver) Leftovers(id string) ([]string, error) {
	var out []string
	cs, err := d.rt.list(context.Background())
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.ID == sandbox.NamePrefix+id {
			out = append(out, fmt.Sprintf("container %s (%s, pid %d)", c.ID, c.Status, c.Pid))
		}
	}
	for _, dir := range d.cg.existing(id) {
		out = append(out, "cgroup "+dir)
	}
	if _, err := os.Stat(d.bundleDir(id)); err == nil {
		out = append(out, "bundle "+d.bundleDir(id))
	}
	state := filepath.Join(d.rt.root, sandbox.NamePrefix+id)
	if _, err := os.Stat(state); err == nil {
		out = append(out, "runtime state "+state)
	}
	for _, mp := range append(mountsUnder(state), mountsUnder(d.bundleDir(id))...) {
		out = append(out, "mount "+mp)
	}
	for n, owner := range leaseOwners(d.leases, d.cfg.UIDRanges) {
		if owner == id {
			out = append(out, fmt.Sprintf("uid lease %d", n))
		}
	}
	for _, pid := range pidsInCgroup(relPath(id)) {
		out = append(out, fmt.Sprintf("process %d", pid))
	}
	return out, nil
}

// pidsInCgroup scans /proc for processes whose cgroup path (in any
// hierarchy) is rel or below it.
func pidsInCgroup(rel string) []int {
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cgroup"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if i := strings.LastIndexByte(line, ':'); i >= 0 {
				if p := line[i+1:]; p == rel || strings.HasPrefix(p, rel+"/") {
					out = append(out, pid)
					break
				}
			}
		}
	}
	return out
}
