// Package none is the sandbox driver that does not sandbox.
//
// WARNING: it isolates NOTHING. The "sandboxed" program runs as a plain
// child process of the launcher, as the launcher's user, with the host's
// file system, network, processes and kernel interface fully available,
// and without any resource limit. Never use it for untrusted scripts; it
// exists for development on machines without root, crun or runc, and for
// tests of code above the sandbox.
//
// What it does provide, so that code behaves the same as under oci:
//   - the environment is exactly Spec.Env (nothing inherited);
//   - the working directory is a fresh temporary directory, removed by Close;
//   - stdio are pipes;
//   - the child gets its own process group and Pdeathsig=SIGKILL (set from
//     a locked OS thread), and Kill and Close SIGKILL the whole group;
//   - Args[0] is a host path. For convenience, an argument equal to a
//     Bind's Dest, or below it, is rewritten to the Bind's Source, so a spec
//     written for oci ({"/sb/skriptable", …} with a Bind of the binary)
//     runs unchanged. Binds are otherwise ignored.
//
// A process that leaves the group (setsid) escapes Kill and Close.
package none

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/skriptable/skriptable/internal/sandbox"
)

// Driver runs programs without isolation. The zero value is ready to use.
type Driver struct{}

var (
	_ sandbox.Driver    = Driver{}
	_ sandbox.Isolating = Driver{}
)

// New returns the driver.
func New() Driver { return Driver{} }

// Name returns "none".
func (Driver) Name() string { return "none" }

// Isolates returns false: see the package doc.
func (Driver) Isolates() bool { return false }

// Reap does nothing: a process of this driver dies with its launcher
// (Pdeathsig), and its temporary directory is all it leaves behind.
func (Driver) Reap(context.Context) error { return nil }

// Start runs spec.Args as a child process.
func (Driver) Start(ctx context.Context, spec sandbox.Spec) (sandbox.Process, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	args := mapArgs(spec.Args, spec.Binds)
	path, err := lookPath(args[0], spec.Env)
	if err != nil {
		return nil, fmt.Errorf("none: %w", err)
	}
	dir, err := os.MkdirTemp("", "skriptable-none-"+spec.ID+"-")
	if err != nil {
		return nil, fmt.Errorf("none: %w", err)
	}
	p := &process{dir: dir, done: make(chan struct{})}
	var child [3]*os.File
	for i := range 3 {
		r, w, err := os.Pipe()
		if err != nil {
			p.closeFiles(child[:])
			os.RemoveAll(dir)
			return nil, fmt.Errorf("none: %w", err)
		}
		if i == 0 {
			p.stdin, child[0] = w, r
		} else if i == 1 {
			p.stdout, child[1] = r, w
		} else {
			p.stderr, child[2] = r, w
		}
	}
	p.cmd = &exec.Cmd{
		Path:        path,
		Args:        args,
		Env:         append([]string{}, spec.Env...), // non-nil: nothing inherited
		Dir:         dir,
		Stdin:       child[0],
		Stdout:      child[1],
		Stderr:      child[2],
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL},
	}
	started := make(chan error, 1)
	go p.run(started)
	err = <-started
	p.closeFiles(child[:])
	if err != nil {
		p.closeFiles([]*os.File{p.stdin, p.stdout, p.stderr})
		os.RemoveAll(dir)
		return nil, fmt.Errorf("none: starting %s: %w", args[0], err)
	}
	return p, nil
}

// mapArgs rewrites arguments that name a Bind's Dest to its Source.
func mapArgs(args []string, binds []sandbox.Bind) []string {
	out := append([]string{}, args...)
	for i, a := range out {
		for _, b := range binds {
			if a == b.Dest || strings.HasPrefix(a, b.Dest+"/") {
				out[i] = b.Source + strings.TrimPrefix(a, b.Dest)
				break
			}
		}
	}
	return out
}

// lookPath resolves a program name without a slash through the PATH in
// env, as a runtime does inside a container.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	pathVar := "/usr/local/bin:/usr/bin:/bin"
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "PATH="); ok {
			pathVar = v
		}
	}
	for _, dir := range filepath.SplitList(pathVar) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found in PATH %s", name, pathVar)
}

type process struct {
	cmd                   *exec.Cmd
	dir                   string
	stdin, stdout, stderr *os.File

	done    chan struct{}
	waitErr error

	closeOnce sync.Once
}

// run starts and reaps the child on one locked OS thread: Pdeathsig fires
// when the forking thread exits, and the Go runtime may retire idle
// threads. The goroutine stays locked until after Wait.
func (p *process) run(started chan<- error) {
	runtime.LockOSThread()
	if err := p.cmd.Start(); err != nil {
		started <- err
		return
	}
	started <- nil
	p.waitErr = p.cmd.Wait()
	close(p.done)
}

func (p *process) closeFiles(fs []*os.File) {
	for _, f := range fs {
		if f != nil {
			f.Close()
		}
	}
}

func (p *process) Stdin() io.WriteCloser { return p.stdin }
func (p *process) Stdout() io.Reader     { return p.stdout }
func (p *process) Stderr() io.Reader     { return p.stderr }

// Wait waits for the child.
func (p *process) Wait() (sandbox.Exit, error) {
	<-p.done
	ps := p.cmd.ProcessState
	if ps == nil {
		return sandbox.Exit{Code: -1}, fmt.Errorf("none: %w", p.waitErr)
	}
	ws, _ := ps.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return sandbox.Exit{Code: 128 + int(ws.Signal()), Signal: ws.Signal().String()}, nil
	}
	var ee *exec.ExitError
	if p.waitErr != nil && !errors.As(p.waitErr, &ee) {
		return sandbox.Exit{Code: ps.ExitCode()}, fmt.Errorf("none: %w", p.waitErr)
	}
	return sandbox.Exit{Code: ps.ExitCode()}, nil
}

// groupAlive reports whether a process of group pgid is still running.
// Zombies do not count: an orphan's zombie stays until the host's init
// reaps it, which some container inits never do.
func groupAlive(pgid int) bool {
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp …; comm may contain anything but ')'.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) >= 3 && f[0] != "Z" && f[0] != "X" && f[2] == strconv.Itoa(pgid) {
			return true
		}
	}
	return false
}

// Kill SIGKILLs the child's process group.
func (p *process) Kill() error {
	err := syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// Close kills the group, waits for the child and, briefly, for the rest
// of the group to disappear, then removes the working directory.
func (p *process) Close() error {
	p.closeOnce.Do(func() {
		p.Kill()
		<-p.done
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
			if !groupAlive(p.cmd.Process.Pid) {
				break
			}
			p.Kill()
			time.Sleep(5 * time.Millisecond)
		}
		p.closeFiles([]*os.File{p.stdin, p.stdout, p.stderr})
		os.RemoveAll(p.dir)
	})
	return nil
}
