package oci

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cgroupMode is the host's cgroup layout.
type cgroupMode int

const (
	cgroupLegacy  cgroupMode = iota // v1 only
	cgroupHybrid                    // v1 controllers plus a cgroup2 at /sys/fs/cgroup/unified
	cgroupUnified                   // v2 only
)

func (m cgroupMode) String() string {
	return [...]string{"legacy (v1)", "hybrid (v1 + unified)", "unified (v2)"}[m]
}

const (
	cgroupRoot         = "/sys/fs/cgroup"
	cgroupUnifiedMount = "/sys/fs/cgroup/unified"
	cgroup2Magic       = 0x63677270 // CGROUP2_SUPER_MAGIC
	cgroupParent       = "skriptable"
)

// detectCgroupMode looks at the file system types, as runc and crun do:
// cgroup2 at /sys/fs/cgroup means unified; otherwise a cgroup2 at
// /sys/fs/cgroup/unified means hybrid.
func detectCgroupMode() (cgroupMode, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(cgroupRoot, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", cgroupRoot, err)
	}
	if st.Type == cgroup2Magic {
		return cgroupUnified, nil
	}
	if err := syscall.Statfs(cgroupUnifiedMount, &st); err == nil && st.Type == cgroup2Magic {
		return cgroupHybrid, nil
	}
	return cgroupLegacy, nil
}

// cgroups knows where the cgroup file systems are mounted.
type cgroups struct {
	mode cgroupMode
	// byController maps a v1 controller ("memory", "cpuacct", …) to its
	// mount point; on a unified host every controller maps to cgroupRoot.
	byController map[string]string
	// mounts lists every cgroup and cgroup2 mount point, for cleanup.
	mounts []string
}

func loadCgroups() (*cgroups, error) {
	mode, err := detectCgroupMode()
	if err != nil {
		return nil, err
	}
	cg := &cgroups{mode: mode, byController: map[string]string{}}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// id parent maj:min root mountpoint opts [optional...] - fstype source superopts
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		fields, tail := strings.Fields(pre), strings.Fields(post)
		if len(fields) < 5 || len(tail) < 3 {
			continue
		}
		mnt, fstype := fields[4], tail[0]
		switch fstype {
		case "cgroup":
			cg.mounts = append(cg.mounts, mnt)
			for _, opt := range strings.Split(tail[2], ",") {
				if _, seen := cg.byController[opt]; !seen {
					cg.byController[opt] = mnt
				}
			}
		case "cgroup2":
			cg.mounts = append(cg.mounts, mnt)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if mode == cgroupUnified {
		for _, c := range []string{"memory", "cpu", "cpuacct", "pids"} {
			cg.byController[c] = cgroupRoot
		}
	} else if cg.byController["memory"] == "" {
		return nil, errors.New("no cgroup v1 memory controller is mounted")
	}
	return cg, nil
}

// relPath is the cgroupsPath we give the runtime for sandbox id.
func relPath(id string) string { return "/" + cgroupParent + "/" + id }

// dirs returns every directory the runtime may have created for id, in
// all mounted hierarchies.
func (cg *cgroups) dirs(id string) []string {
	out := make([]string, 0, len(cg.mounts))
	for _, m := range cg.mounts {
		out = append(out, filepath.Join(m, relPath(id)))
	}
	return out
}

// file returns the path of a controller's file for id.
func (cg *cgroups) file(controller, id, file string) string {
	return filepath.Join(cg.byController[controller], relPath(id), file)
}

// readKeyed returns the value of key in a "key value" file such as
// memory.oom_control, memory.events or cpu.stat.
func readKeyed(path, key string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, " "); ok && k == key {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("%s: no %q", path, key)
}

func readInt(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// oomKills returns how many processes the kernel OOM-killed in id's
// memory cgroup: v1 memory.oom_control "oom_kill", v2 memory.events
// "oom_kill". It fails once the cgroup is gone.
func (cg *cgroups) oomKills(id string) (int64, error) {
	if cg.mode == cgroupUnified {
		return readKeyed(cg.file("memory", id, "memory.events"), "oom_kill")
	}
	return readKeyed(cg.file("memory", id, "memory.oom_control"), "oom_kill")
}

// usage reads CPU time and peak memory of id.
func (cg *cgroups) usage(id string) (cpu time.Duration, peak int64, err error) {
	if cg.mode == cgroupUnified {
		us, err := readKeyed(cg.file("cpu", id, "cpu.stat"), "usage_usec")
		if err != nil {
			return 0, 0, err
		}
		peak, _ := readInt(cg.file("memory", id, "memory.peak")) // kernel ≥ 5.19
		return time.Duration(us) * time.Microsecond, peak, nil
	}
	ns, err := readInt(cg.file("cpuacct", id, "cpuacct.usage"))
	if err != nil {
		return 0, 0, err
	}
	peak, _ = readInt(cg.file("memory", id, "memory.memsw.max_usage_in_bytes"))
	return time.Duration(ns), peak, nil
}

// remove deletes id's cgroup directories in every hierarchy. A cgroup can
// only be removed once no task is left in it, and tasks of a dying pid
// namespace linger for a moment after the runtime's delete returns
// (os-sandbox.md §3: a single early Delete left 3 of 4 dirs behind), so it
// SIGKILLs whatever is still listed and retries until timeout.
func (cg *cgroups) remove(id string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var left []string
		for _, d := range cg.dirs(id) {
			if err := removeTree(d); err != nil {
				left = append(left, d)
			}
		}
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroup dirs still present after %v: %s", timeout, strings.Join(left, ", "))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// removeTree removes a cgroup directory and any child cgroups, deepest
// first, killing the tasks it finds. Cgroup directories cannot be removed
// with os.RemoveAll: their control files cannot be unlinked.
func removeTree(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			if err := removeTree(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	err = syscall.Rmdir(dir)
	if err == nil || errors.Is(err, syscall.ENOENT) {
		return nil
	}
	killTasks(dir)
	return err
}

// killTasks SIGKILLs every process listed in a cgroup. Only sandbox
// processes are ever in our cgroups, so this cannot hit anything else.
func killTasks(dir string) {
	b, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil && pid > 1 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// existing returns those of id's cgroup directories that exist.
func (cg *cgroups) existing(id string) []string {
	var out []string
	for _, d := range cg.dirs(id) {
		if _, err := os.Stat(d); err == nil {
			out = append(out, d)
		}
	}
	return out
}
