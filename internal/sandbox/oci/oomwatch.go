package oci

import (
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// OOM detection for runtimes without `run --keep` (crun < 1.9).
//
// Such a runtime deletes the container's cgroups as soon as the container
// exits, before Wait could read memory.oom_control. On cgroup v1 we
// therefore create the container's memory cgroup ourselves (the runtime
// adopts it) and register an eventfd for its OOM notifications
// (memory.oom_control via cgroup.event_control) before the runtime starts:
// a short-lived container can exit before its pid file even appears.
//
// The kernel signals the eventfd when the cgroup goes into OOM, before it
// picks a victim, and once more after the cgroup's directory has been
// removed. So a wake-up while the cgroup's files can still be read is an
// OOM: the teardown cannot have begun, because it starts only after the
// victim has died. If the files are already gone when the watcher gets to
// run (it was descheduled for milliseconds), the count decides: the
// removal accounts for exactly one signal, so two or more mean an OOM.
//
// On cgroup v2 hosts such runtimes fall back to a heuristic (see decide).
// Runtimes with --keep need none of this: Wait reads the counters directly.

// oomWatch watches one memory cgroup.
type oomWatch struct {
	efd  *os.File
	ctrl *os.File // memory.oom_control, read at each wake-up

	mu      sync.Mutex
	signals uint64 // sum of the eventfd counters read so far
	oom     bool   // counters showed an OOM while the cgroup existed
	changed chan struct{}
	stopped chan struct{}
}

const efdCloexec, efdNonblock = 0x80000, 0x800 // EFD_CLOEXEC, EFD_NONBLOCK

// watchOOM creates id's memory cgroup and registers the eventfd on it. It
// returns nil, nil on cgroup v2.
func watchOOM(cg *cgroups, id string) (*oomWatch, error) {
	if cg.mode == cgroupUnified {
		return nil, nil
	}
	dir := cg.file("memory", id, "") + "/"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ctrl, err := os.Open(dir + "memory.oom_control")
	if err != nil {
		return nil, err
	}
	fd, _, errno := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, efdCloexec|efdNonblock, 0)
	if errno != 0 {
		ctrl.Close()
		return nil, fmt.Errorf("eventfd2: %w", errno)
	}
	efd := os.NewFile(fd, "oom-eventfd") // non-blocking: reads use the poller
	reg := fmt.Sprintf("%d %d", efd.Fd(), ctrl.Fd())
	if err := os.WriteFile(dir+"cgroup.event_control", []byte(reg), 0); err != nil {
		efd.Close()
		ctrl.Close()
		return nil, fmt.Errorf("registering OOM eventfd: %w", err)
	}
	w := &oomWatch{efd: efd, ctrl: ctrl, changed: make(chan struct{}), stopped: make(chan struct{})}
	_, oom := w.check() // an OOM before registration shows in the counters
	w.notify(oom)
	go w.loop()
	return w, nil
}

func (w *oomWatch) loop() {
	defer close(w.stopped)
	var buf [8]byte
	for {
		if _, err := w.efd.Read(buf[:]); err != nil {
			return // closed by stop
		}
		w.mu.Lock()
		w.signals += binary.NativeEndian.Uint64(buf[:])
		w.mu.Unlock()
		// The removal is signalled only after the cgroup's files are gone,
		// so a wake-up while they can still be read is an OOM. (Its
		// oom_kill counter may not have moved yet: the kernel notifies
		// before it picks a victim.)
		exists, _ := w.check()
		w.notify(exists)
	}
}

// check reads the counters through the descriptor opened at start. It
// reports whether the read worked (the cgroup still exists) and whether
// the counters show an OOM kill.
func (w *oomWatch) check() (exists, oom bool) {
	var buf [256]byte
	n, err := w.ctrl.ReadAt(buf[:], 0)
	if n == 0 && err != nil {
		return false, false
	}
	for _, line := range strings.Split(string(buf[:n]), "\n") {
		k, v, _ := strings.Cut(line, " ")
		if i, _ := strconv.Atoi(v); k == "oom_kill" && i > 0 {
			oom = true
		}
	}
	return true, oom
}

func (w *oomWatch) notify(oom bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.oom = w.oom || oom
	close(w.changed)
	w.changed = make(chan struct{})
}

// decide reports whether the sandbox hit its memory limit, given that it
// exited with code and whether we killed it ourselves. w may be nil (cgroup
// v2 without --keep): then an unexplained SIGKILL counts as an OOM kill,
// like Docker's older heuristic.
func (w *oomWatch) decide(code int, killedByUs bool) bool {
	unexplainedKill := code == 128+int(syscall.SIGKILL) && !killedByUs
	if w == nil {
		return unexplainedKill
	}
	// An exit that does not look like an OOM kill is decided by what the
	// watcher has seen so far. For an unexplained SIGKILL the watcher may
	// have lost the race described above; then the removal's signal, due
	// within milliseconds of the rmdir, settles the count.
	deadline := time.Now().Add(200 * time.Millisecond)
	for {
		w.mu.Lock()
		oom, signals, changed := w.oom, w.signals, w.changed
		w.mu.Unlock()
		if oom || signals >= 2 {
			return true
		}
		wait := time.Until(deadline)
		if !unexplainedKill || wait <= 0 {
			return false
		}
		select {
		case <-changed:
		case <-time.After(wait):
		}
	}
}

// stop closes the descriptors and ends the watcher.
func (w *oomWatch) stop() {
	if w == nil {
		return
	}
	w.efd.Close()
	<-w.stopped
	w.ctrl.Close()
}
