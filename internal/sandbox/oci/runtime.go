package oci

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ociRuntime runs one OCI runtime binary (crun or runc) with our state root.
type ociRuntime struct {
	name string // "crun" or "runc"
	path string // absolute path of the binary
	root string // --root: container state, private to our StateDir
	// keep: the runtime's `run` supports --keep, so a stopped container and
	// its cgroups survive until our `delete`, and Wait can read the OOM
	// counter and CPU usage from the cgroup after exit.
	keep bool
	// privateCgroupMount: run the runtime in a private mount namespace
	// without /sys/fs/cgroup/unified. crun refuses hybrid hosts ("cgroups
	// in hybrid mode not supported, drop all controllers from cgroupv2").
	privateCgroupMount bool
}

// runtimeEnv is the runtime's whole environment: never the launcher's.
var runtimeEnv = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}

// findRuntime resolves Config.Runtime. An empty name prefers a crun whose
// `run` has --keep, then runc, then any crun: see the package doc.
func findRuntime(name string) (path string, keep bool, err error) {
	look := func(n string) (string, bool) {
		p, err := exec.LookPath(n)
		if err != nil {
			for _, dir := range []string{"/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"} {
				if st, err := os.Stat(filepath.Join(dir, n)); err == nil && st.Mode().IsRegular() {
					return filepath.Join(dir, n), true
				}
			}
			return "", false
		}
		p, _ = filepath.Abs(p)
		return p, true
	}
	if name != "" {
		p, ok := look(name)
		if !ok {
			return "", false, fmt.Errorf("OCI runtime %q not found: install it (apt-get install -y %s)", name, filepath.Base(name))
		}
		return p, supportsKeep(p), nil
	}
	crun, haveCrun := look("crun")
	if haveCrun && supportsKeep(crun) {
		return crun, true, nil
	}
	if runc, ok := look("runc"); ok {
		return runc, supportsKeep(runc), nil
	}
	if haveCrun {
		return crun, false, nil
	}
	return "", false, errors.New("no OCI runtime found: install crun (apt-get install -y crun) or runc (apt-get install -y runc)")
}

// supportsKeep asks the runtime whether `run --keep` exists: runc has it,
// recent crun releases too, Debian 12's crun 1.8.1 does not. The help
// text is checked rather than a version number.
func supportsKeep(path string) bool {
	cmd := exec.Command(path, "run", "--help")
	cmd.Env = runtimeEnv
	out, _ := cmd.CombinedOutput()
	return bytes.Contains(out, []byte("--keep"))
}

// command builds an invocation of the runtime. Setpgid lets us kill the
// runtime and its helpers as a group; Pdeathsig (set from a locked thread
// in start) takes the runtime down with us. It does NOT take the container
// down: a container outlives a SIGKILLed runtime (os-sandbox.md §3), which
// is why Close always runs `delete -f` and Reap exists.
func (r *ociRuntime) command(dir string, args ...string) *exec.Cmd {
	cmd := &exec.Cmd{
		Path: r.path,
		Args: append([]string{r.name, "--root", r.root}, args...),
		Env:  runtimeEnv,
		Dir:  dir,
		SysProcAttr: &syscall.SysProcAttr{
			Setpgid:   true,
			Pdeathsig: syscall.SIGKILL,
		},
	}
	if cmd.Dir == "" {
		cmd.Dir = "/"
	}
	return cmd
}

// start starts cmd and reaps it on one goroutine locked to its OS thread,
// calling done with the result of Wait. Locking matters twice: Pdeathsig
// fires when the thread that forked the child exits, and the Go runtime
// may retire idle threads; and for crun on a hybrid host the thread first
// unshares its mount namespace and unmounts the cgroup2 there, so only the
// runtime sees that view. The goroutine never unlocks, so the tainted
// thread is destroyed when it returns, after Wait.
func (r *ociRuntime) start(cmd *exec.Cmd, done func(error)) error {
	started := make(chan error, 1)
	goLockedOffMain(func() {
		if r.privateCgroupMount {
			if err := hideUnifiedCgroup(); err != nil {
				started <- fmt.Errorf("preparing a mount namespace for %s: %w", r.name, err)
				return
			}
		}
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		done(cmd.Wait())
	})
	return <-started
}

// goLockedOffMain runs fn on a new goroutine locked to an OS thread other
// than the process's main thread. The main thread must never be altered:
// /proc/self/mountinfo shows its mount namespace, and the Go runtime parks
// it for good instead of ending it when a locked goroutine exits there. A
// goroutine that lands on the main thread keeps it locked until its
// replacement, which therefore cannot be scheduled there, holds a thread.
func goLockedOffMain(fn func()) {
	go func() {
		runtime.LockOSThread()
		if syscall.Gettid() == syscall.Getpid() {
			locked := make(chan struct{})
			go func() {
				runtime.LockOSThread()
				close(locked)
				fn()
			}()
			<-locked
			runtime.UnlockOSThread()
			return
		}
		fn()
	}()
}

// hideUnifiedCgroup gives the calling thread a private mount namespace
// without the hybrid cgroup2 mount. It is the in-process equivalent of
// `unshare -m sh -c 'umount /sys/fs/cgroup/unified; exec crun …'`
// (os-sandbox.md Appendix A), without the two extra execs. Only this
// thread's file system view changes; the caller must stay locked to it.
func hideUnifiedCgroup() error {
	if err := syscall.Unshare(syscall.CLONE_NEWNS); err != nil {
		return fmt.Errorf("unshare(CLONE_NEWNS): %w", err)
	}
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making / private: %w", err)
	}
	err := syscall.Unmount(cgroupUnifiedMount, syscall.MNT_DETACH)
	if err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOENT) {
		return fmt.Errorf("umount %s: %w", cgroupUnifiedMount, err)
	}
	return nil
}

// run runs a short runtime command (kill, delete, list) to completion and
// returns its stdout. A failure carries the runtime's stderr.
func (r *ociRuntime) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := r.command("", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	result := make(chan error, 1)
	if err := r.start(cmd, func(err error) { result <- err }); err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.name, args[0], err)
	}
	var err error
	select {
	case err = <-result:
	case <-ctx.Done():
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-result
		err = ctx.Err()
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		return stdout.Bytes(), fmt.Errorf("%s %s: %w: %s", r.name, strings.Join(args, " "), err, msg)
	}
	return stdout.Bytes(), nil
}

// containerInfo is one entry of `list --format json` (runc and crun agree
// on these fields).
type containerInfo struct {
	ID     string `json:"id"`
	Pid    int    `json:"pid"`
	Status string `json:"status"`
	Bundle string `json:"bundle"`
}

// list returns the containers in our state root.
func (r *ociRuntime) list(ctx context.Context) ([]containerInfo, error) {
	if _, err := os.Stat(r.root); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	out, err := r.run(ctx, "list", "--format", "json")
	if err != nil {
		return nil, err
	}
	out = bytes.TrimSpace(out)
	if len(out) == 0 || bytes.Equal(out, []byte("null")) {
		return nil, nil
	}
	var cs []containerInfo
	if err := json.Unmarshal(out, &cs); err != nil {
		return nil, fmt.Errorf("%s list: %w", r.name, err)
	}
	return cs, nil
}

// destroy kills and deletes a container, tolerating one that is already
// stopped or gone. `delete --force` SIGKILLs the init process, which takes
// the whole pid namespace down, then removes the state and the cgroups.
func (r *ociRuntime) destroy(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := r.run(ctx, "delete", "--force", name)
	if err != nil && r.gone(ctx, name) {
		return nil
	}
	return err
}

// gone reports whether the runtime no longer knows name.
func (r *ociRuntime) gone(ctx context.Context, name string) bool {
	cs, err := r.list(ctx)
	if err != nil {
		return false
	}
	for _, c := range cs {
		if c.ID == name {
			return false
		}
	}
	return true
}

// sweepState removes the runtime's state directory for a container that
// the runtime no longer knows. runc 1.1 killed during start-up leaves one
// behind with a bind mount of its own binary in it (runc.XXXXXX, its
// CVE-2019-5736 defence, normally unmounted a moment later), which would
// otherwise stay mounted in the host's mount namespace for good.
func (r *ociRuntime) sweepState(name string) error {
	dir := filepath.Join(r.root, name)
	for _, mp := range mountsUnder(dir) {
		if err := syscall.Unmount(mp, syscall.MNT_DETACH); err != nil && !errors.Is(err, syscall.EINVAL) {
			return fmt.Errorf("umount %s: %w", mp, err)
		}
	}
	return os.RemoveAll(dir)
}

// mountsUnder lists the mount points at or below dir in our mount
// namespace, deepest first.
func mountsUnder(dir string) []string {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		mp := unescapeMount(f[4])
		if mp == dir || strings.HasPrefix(mp, dir+"/") {
			out = append(out, mp)
		}
	}
	slices.Reverse(out) // later mounts may sit on earlier ones
	return out
}

// unescapeMount decodes the octal escapes (\040 for a space, …) of
// /proc/self/mountinfo.
func unescapeMount(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
