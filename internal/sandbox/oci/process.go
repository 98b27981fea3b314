package oci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/skriptable/skriptable/internal/sandbox"
)

// Timeouts of the teardown. They only matter when something is stuck: a
// killed container normally exits in milliseconds.
const (
	killWait            = 10 * time.Second
	cgroupRemoveTimeout = 5 * time.Second
	pidFilePoll         = 2 * time.Millisecond
)

// process is one running sandbox.
type process struct {
	d      *Driver
	id     string
	name   string
	bundle string
	lease  *lease
	cmd    *exec.Cmd

	stdin          *os.File
	stdout, stderr *os.File

	done    chan struct{} // closed when the runtime process has been reaped
	waitErr error         // cmd.Wait's result; set before done is closed

	started bool      // the runtime process was started
	created bool      // the pid file appeared: the runtime knows the container
	watch   *oomWatch // nil with --keep, or on cgroup v2
	killed  atomic.Bool

	finishOnce sync.Once
	exit       sandbox.Exit
	exitErr    error
	usage      sandbox.Usage
	usageErr   error

	closeOnce sync.Once
	closeErr  error
}

var (
	_ sandbox.Process    = (*process)(nil)
	_ sandbox.Accounting = (*process)(nil)
)

// Start prepares the bundle and starts the container; see the package doc.
func (d *Driver) Start(ctx context.Context, spec sandbox.Spec) (_ sandbox.Process, err error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	lim := spec.Limits.WithDefaults()
	// Cgroup paths are host-wide, unlike bundles and runtime state. Refuse
	// to share one: our cleanup would kill the other sandbox's processes.
	if dirs := d.cg.existing(spec.ID); len(dirs) > 0 {
		return nil, fmt.Errorf("oci: sandbox ID %s is in use on this host (%s exists): IDs must be unique", spec.ID, dirs[0])
	}
	l, stale, err := acquireLease(d.leases, d.cfg.UIDRanges)
	if err != nil {
		return nil, fmt.Errorf("oci: %w", err)
	}
	if stale != "" {
		// A crashed launcher's sandbox may still run under this range.
		if err := d.cleanup(stale); err != nil {
			l.abandon()
			return nil, fmt.Errorf("oci: reaping %s before reusing its uid range: %w", stale, err)
		}
	}
	if err := l.set(spec.ID); err != nil {
		l.release()
		return nil, fmt.Errorf("oci: %w", err)
	}
	p := &process{
		d: d, id: spec.ID, name: sandbox.NamePrefix + spec.ID, bundle: d.bundleDir(spec.ID),
		lease: l, done: make(chan struct{}),
	}
	if err := os.Mkdir(p.bundle, 0o711); err != nil {
		l.release()
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("oci: sandbox %s exists already: IDs must be unique (Reap removes leftovers)", spec.ID)
		}
		return nil, fmt.Errorf("oci: %w", err)
	}
	defer func() {
		if err != nil {
			if cerr := p.Close(); cerr != nil {
				err = fmt.Errorf("%w (and cleaning up: %v)", err, cerr)
			}
		}
	}()
	hostID := d.hostID(l.n)
	if err := p.writeBundle(spec, lim, hostID); err != nil {
		return nil, fmt.Errorf("oci: bundle: %w", err)
	}
	if !d.rt.keep {
		// Without --keep the OOM counter vanishes with the container, so
		// watch it from before the container starts: we create its memory
		// cgroup (the runtime adopts an existing one) and register first.
		if p.watch, err = watchOOM(d.cg, spec.ID); err != nil {
			return nil, fmt.Errorf("oci: %w", err)
		}
	}
	if err := p.startRuntime(ctx); err != nil {
		return nil, fmt.Errorf("oci: starting %s: %w", spec.ID, err)
	}
	return p, nil
}

// writeBundle creates the rootfs and config.json, and hands writable bind
// sources to the sandbox's root so that it can write there.
func (p *process) writeBundle(spec sandbox.Spec, lim sandbox.Limits, hostID uint32) error {
	if err := makeRootfs(filepath.Join(p.bundle, "rootfs"), spec.Binds); err != nil {
		return err
	}
	for _, b := range spec.Binds {
		if b.Writable {
			if err := os.Lchown(b.Source, int(hostID), int(hostID)); err != nil {
				return err
			}
		}
	}
	cfg := buildSpec(spec, specInput{limits: lim, etcDir: p.d.etcDir, hostID: hostID, cgroups: relPath(spec.ID)})
	b, err := json.MarshalIndent(cfg, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(p.bundle, "config.json"), b, 0o600)
}

// startRuntime runs the runtime in the foreground with our pipes as the
// container's stdio, and returns once the pid file shows the container
// exists (from then on `kill` and `delete` find it) or the runtime failed.
func (p *process) startRuntime(ctx context.Context) error {
	var parent, child [3]*os.File
	for i := range 3 {
		r, w, err := os.Pipe()
		if err != nil {
			for j := range i {
				parent[j].Close()
				child[j].Close()
			}
			return err
		}
		if i == 0 {
			parent[i], child[i] = w, r
		} else {
			parent[i], child[i] = r, w
		}
	}
	p.stdin, p.stdout, p.stderr = parent[0], parent[1], parent[2]
	pidFile := filepath.Join(p.bundle, "pid")
	args := []string{"run", "--bundle", p.bundle, "--pid-file", pidFile}
	if p.d.rt.keep {
		args = append(args, "--keep")
	}
	p.cmd = p.d.rt.command(p.bundle, append(args, p.name)...)
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = child[0], child[1], child[2]
	err := p.d.rt.start(p.cmd, func(err error) {
		p.waitErr = err
		close(p.done)
	})
	for _, f := range child {
		f.Close() // the runtime holds its own copies
	}
	if err != nil {
		return err
	}
	p.started = true
	tick := time.NewTicker(pidFilePoll)
	defer tick.Stop()
	for {
		if p.created = pidFileReady(pidFile); p.created {
			return nil
		}
		select {
		case <-p.done:
			if p.created = pidFileReady(pidFile); p.created {
				return nil // the container has already run and exited
			}
			return fmt.Errorf("%s: %v: %s", p.d.rt.name, p.waitErr, p.drainStderr())
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func pidFileReady(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return err == nil && pid > 0
}

// drainStderr returns what a runtime that failed before starting the
// container wrote, which is its error message.
func (p *process) drainStderr() string {
	p.stderr.SetReadDeadline(time.Now().Add(time.Second))
	b, _ := io.ReadAll(io.LimitReader(p.stderr, 4096))
	return strings.TrimSpace(string(b))
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *process) Stdin() io.WriteCloser { return p.stdin }
func (p *process) Stdout() io.Reader     { return p.stdout }
func (p *process) Stderr() io.Reader     { return p.stderr }

// Wait waits for the runtime, whose exit status is the container's init's.
func (p *process) Wait() (sandbox.Exit, error) {
	<-p.done
	p.finishOnce.Do(p.finish)
	return p.exit, p.exitErr
}

// finish records the exit, OOM and usage once the runtime has exited and
// before Close deletes the cgroups.
func (p *process) finish() {
	code := -1
	var ee *exec.ExitError
	switch {
	case p.waitErr == nil:
		code = 0
	case errors.As(p.waitErr, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal()) // the runtime itself was signalled
		} else {
			code = ee.ExitCode()
		}
	default:
		p.exitErr = fmt.Errorf("oci: waiting for %s: %w", p.d.rt.name, p.waitErr)
	}
	p.exit.Code = code
	// Runtimes report a signalled init as 128+signal.
	if code > 128 && code < 128+65 {
		p.exit.Signal = syscall.Signal(code - 128).String()
	}
	if p.d.rt.keep {
		n, err := p.d.cg.oomKills(p.id)
		if err != nil {
			p.exit.OOMKilled = (*oomWatch)(nil).decide(code, p.killed.Load())
		} else {
			p.exit.OOMKilled = n > 0
		}
		p.usage.CPU, p.usage.MemoryPeak, p.usageErr = p.d.cg.usage(p.id)
	} else {
		p.exit.OOMKilled = p.watch.decide(code, p.killed.Load())
		// The cgroup is gone. The runtime's rusage includes the CPU time
		// of the processes it and the container's init reaped: a lower
		// bound (Chromium measured about half the cgroup's figure, its
		// helpers being killed at teardown). No memory figure.
		if ps := p.cmd.ProcessState; ps != nil {
			p.usage.CPU = ps.UserTime() + ps.SystemTime()
		} else {
			p.usageErr = errors.New("oci: no usage: the runtime's exit was not observed")
		}
	}
}

// Usage reads the sandbox's cgroups: live while it runs, the values at
// exit afterwards. With a runtime lacking `run --keep` the cgroups vanish
// at exit; then CPU comes from the runtime's rusage, a lower bound, and
// MemoryPeak is 0.
func (p *process) Usage() (sandbox.Usage, error) {
	if !p.exited() {
		var u sandbox.Usage
		var err error
		u.CPU, u.MemoryPeak, err = p.d.cg.usage(p.id)
		if err == nil || !p.exited() {
			return u, err
		}
	}
	p.finishOnce.Do(p.finish)
	return p.usage, p.usageErr
}

// Kill SIGKILLs the container's init; the kernel then kills everything
// else in its pid namespace.
func (p *process) Kill() error {
	p.killed.Store(true)
	if p.exited() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), killWait)
	defer cancel()
	_, err := p.d.rt.run(ctx, "kill", p.name, "KILL")
	if err != nil {
		// The container may have stopped just now, its runtime not yet.
		select {
		case <-p.done:
			return nil
		case <-time.After(time.Second):
		}
	}
	return err
}

// Close kills the sandbox, records its exit, then deletes the container,
// its cgroups and bundle, and releases the uid lease. If the container or
// its cgroups cannot be removed, the lease keeps the ID so that Reap, or
// the next Start that takes the lease, retries.
func (p *process) Close() error {
	p.closeOnce.Do(func() {
		var errs []error
		if p.started && !p.exited() {
			if !p.created || p.Kill() != nil {
				// Start was cancelled before the container existed, or
				// kill failed: stop the runtime; delete below removes
				// whatever it had created.
				syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			}
			select {
			case <-p.done:
			case <-time.After(killWait):
				syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
				select {
				case <-p.done:
				case <-time.After(killWait):
					errs = append(errs, fmt.Errorf("oci: %s did not exit", p.d.rt.name))
				}
			}
		}
		if p.exited() {
			p.finishOnce.Do(p.finish)
		}
		p.watch.stop()
		cleanupErr := p.d.cleanup(p.id)
		for _, f := range []*os.File{p.stdin, p.stdout, p.stderr} {
			if f != nil {
				f.Close()
			}
		}
		if cleanupErr == nil && (!p.started || p.exited()) {
			errs = append(errs, p.lease.release())
		} else {
			errs = append(errs, cleanupErr)
			p.lease.abandon()
		}
		p.closeErr = errors.Join(errs...)
	})
	return p.closeErr
}
