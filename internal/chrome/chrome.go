// Package chrome starts and stops one Chromium process for Skriptable.
//
// Skriptable drives Chromium on behalf of untrusted scripts, so this package
// is mostly about process hygiene:
//
//   - The browser is reached only through --remote-debugging-pipe (its fd 3
//     and fd 4), never a debugging port another local process could use.
//   - Every browser gets a fresh profile directory, removed by Close.
//   - The browser runs in its own process group with Pdeathsig=SIGKILL set
//     from an OS-thread-locked goroutine, so it dies with us even if our
//     process is SIGKILLed. (Chromium also quits by itself when its CDP
//     pipe closes, but Pdeathsig does not depend on the pipe's other end
//     being ours alone.)
//   - Close escalates from the caller's graceful shutdown to SIGKILL of the
//     group, then sweeps /proc for stragglers whose command line names our
//     profile, so no helper outlives the Process.
//   - Chromium gets a minimal environment, never the caller's whole one.
//
// The package does not speak CDP; it only provides the pipes. Messages on
// them are JSON objects each terminated by a NUL byte.
package chrome

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// Timings of Close. gracePeriod bounds the caller's graceful shutdown plus
// the wait for the browser to exit on its own, counted from Close's start;
// killWait bounds the wait for the reap after SIGKILL (normally milliseconds);
// stderrGrace is how long the reaper waits for the stderr pipe to drain so
// ExitError can quote the browser's last words; stderrDrain is how long Close
// waits for the copy to Options.Stderr to finish before giving up on a
// blocked writer.
const (
	gracePeriod = 2 * time.Second
	killWait    = 10 * time.Second
	stderrGrace = 250 * time.Millisecond
	stderrDrain = time.Second
)

// Options configures one Chromium process. The zero value is ready to use.
type Options struct {
	// ExecPath is the browser binary. Empty: $SKRIPTABLE_CHROMIUM if set,
	// else /usr/lib/chromium/chromium. A name without a slash is looked up
	// in PATH.
	ExecPath string
	// TempDir is the parent of the fresh profile directory passed as
	// --user-data-dir. Empty: os.TempDir().
	TempDir string
	// ExtraFlags are appended after DefaultFlags. They must come from our
	// own code (e.g. proxy flags), never from a script. Start rejects flags
	// that would add a debugging port, move the profile, or turn off site
	// isolation.
	ExtraFlags []string
	// NoSandbox adds --no-sandbox when true. Nil: add it only when running
	// as uid 0, because Chromium refuses to start as root with its sandbox.
	NoSandbox *bool
	// Stderr receives a copy of Chromium's stderr and stdout. Nil: discarded.
	// The last ~16 KiB are kept regardless, for ExitError. Writes happen on a
	// separate goroutine; after Close returns there are no more.
	Stderr io.Writer
	// Env is Chromium's complete environment. Nil: a minimal one (PATH,
	// HOME=<profile dir>, LANG=C.UTF-8, and TZ if set). The caller's whole
	// environment is never inherited because it may hold secrets.
	Env []string
}

// Process is one running Chromium. Create it with Start and always release
// it with Close, which kills every process of the browser and deletes its
// profile. Methods are safe for concurrent use.
type Process struct {
	pid         int
	userDataDir string

	fromChrome *os.File // parent end of the browser's fd 4
	toChrome   *os.File // parent end of the browser's fd 3
	stderr     *os.File // parent end of the browser's stdout+stderr

	tail       *tailBuffer
	stderrDone chan struct{} // closed when the stderr copier stops

	done    chan struct{} // closed after the main process is reaped
	exitErr error         // set before done is closed

	closeOnce sync.Once
	closeErr  error
}

// Start launches Chromium with DefaultFlags, opts.ExtraFlags and a fresh
// --user-data-dir under opts.TempDir, wired to a CDP pipe (see Pipe).
//
// ctx bounds only the launch itself: cancelling it afterwards does not stop
// the browser, whose lifetime is ended by Close. Start does not wait for the
// browser to be ready; the first CDP reply on the pipe shows that.
// If the binary is missing or not executable, the error wraps ErrNotFound.
func Start(ctx context.Context, opts Options) (*Process, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	path, err := resolveExec(opts.ExecPath)
	if err != nil {
		return nil, err
	}
	noSandbox := os.Geteuid() == 0
	if opts.NoSandbox != nil {
		noSandbox = *opts.NoSandbox
	}
	if _, err := buildArgs(opts, "", noSandbox); err != nil {
		return nil, err // validate ExtraFlags before creating anything
	}
	parent := opts.TempDir
	if parent == "" {
		parent = os.TempDir()
	}
	dir, err := os.MkdirTemp(parent, "skriptable-chrome-*")
	if err != nil {
		return nil, fmt.Errorf("chrome: creating profile dir: %w", err)
	}
	abs, err := filepath.Abs(dir) // the sweep matches the exact flag text
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("chrome: creating profile dir: %w", err)
	}
	dir = abs
	args, _ := buildArgs(opts, dir, noSandbox)
	env := opts.Env
	if env == nil {
		env = minimalEnv(dir)
	}

	p, childFiles, err := newProcess(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cmd := &exec.Cmd{
		Path:   path,
		Args:   append([]string{path}, args...),
		Env:    env,
		Dir:    dir, // do not pin the caller's working directory
		Stdout: childFiles[2],
		Stderr: childFiles[2],
		// ExtraFiles[i] becomes fd 3+i: the browser reads CDP from fd 3
		// and writes CDP to fd 4.
		ExtraFiles: childFiles[:2],
		SysProcAttr: &syscall.SysProcAttr{
			Setpgid:   true, // so Close can kill(-pgid) every helper at once
			Pdeathsig: syscall.SIGKILL,
		},
	}
	go p.copyStderr(opts.Stderr)

	started := make(chan startResult, 1)
	go p.run(cmd, started)
	res := <-started
	for _, f := range childFiles {
		f.Close() // the child holds its own copies now
	}
	if res.err != nil {
		p.closePipes()
		os.RemoveAll(dir)
		if _, serr := os.Stat(path); serr != nil {
			return nil, newNotFound(path, res.err) // removed since resolveExec
		}
		return nil, fmt.Errorf("chrome: starting %s: %w", path, res.err)
	}
	p.pid = res.pid
	if err := ctx.Err(); err != nil {
		p.Close(nil)
		return nil, err
	}
	return p, nil
}

// newProcess creates the three pipes. It returns the Process holding the
// parent ends and the child ends in the order fd 3, fd 4, stderr.
func newProcess(dir string) (*Process, []*os.File, error) {
	var files []*os.File
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		if err == nil {
			files = append(files, r, w)
		}
		return r, w, err
	}
	toChildR, toChildW, err1 := pipe()
	fromChildR, fromChildW, err2 := pipe()
	errR, errW, err3 := pipe()
	if err := errors.Join(err1, err2, err3); err != nil {
		for _, f := range files {
			f.Close()
		}
		return nil, nil, fmt.Errorf("chrome: creating pipes: %w", err)
	}
	p := &Process{
		userDataDir: dir,
		fromChrome:  fromChildR,
		toChrome:    toChildW,
		stderr:      errR,
		tail:        &tailBuffer{max: tailSize},
		stderrDone:  make(chan struct{}),
		done:        make(chan struct{}),
	}
	return p, []*os.File{toChildR, fromChildW, errW}, nil
}

// startResult is what run reports once cmd.Start has returned.
type startResult struct {
	pid int
	err error
}

// run starts cmd and reaps it on one locked OS thread. Pdeathsig is tied to
// the thread that forked the child, not to the process, and the Go runtime
// may retire idle threads; so this goroutine never unlocks and returns only
// after Wait. Returning while locked makes the runtime end the thread, which
// is harmless then because the child is already reaped.
func (p *Process) run(cmd *exec.Cmd, started chan<- startResult) {
	runtime.LockOSThread()
	if err := cmd.Start(); err != nil {
		started <- startResult{err: err}
		return
	}
	started <- startResult{pid: cmd.Process.Pid}
	werr := cmd.Wait()
	// Helpers inherit stderr, so EOF may come only once they die; wait
	// briefly so the main process's last lines reach the tail buffer.
	select {
	case <-p.stderrDone:
	case <-time.After(stderrGrace):
	}
	p.exitErr = newExitError(cmd.ProcessState, werr, p.tail.lastLine())
	close(p.done)
}

// copyStderr feeds the browser's output into the tail buffer and, until it
// fails once, into w.
func (p *Process) copyStderr(w io.Writer) {
	defer close(p.stderrDone)
	buf := make([]byte, 4096)
	for {
		n, err := p.stderr.Read(buf)
		if n > 0 {
			p.tail.Write(buf[:n])
			if w != nil {
				if _, werr := w.Write(buf[:n]); werr != nil {
					w = nil
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// Pipe returns the CDP pipe. r carries messages from Chromium (its fd 4), w
// carries messages to Chromium (its fd 3); each message is JSON followed by a
// NUL byte. Both are *os.File in non-blocking mode, so read and write
// deadlines work. When the browser exits, r reports io.EOF and writes to w
// fail. Close closes both, which unblocks pending reads and writes; the
// caller may also close them earlier.
func (p *Process) Pipe() (r io.ReadCloser, w io.WriteCloser) {
	return p.fromChrome, p.toChrome
}

// Pid returns the process id of the browser's main process, which is also
// the id of its process group.
func (p *Process) Pid() int { return p.pid }

// UserDataDir returns the absolute path of the browser's fresh profile
// directory. Close deletes it.
func (p *Process) UserDataDir() string { return p.userDataDir }

// Done returns a channel that is closed once the browser's main process has
// exited and been reaped. Helpers may still be alive at that point; only
// Close guarantees they are gone.
func (p *Process) Done() <-chan struct{} { return p.done }

// ExitError describes how the browser's main process exited, for
// user-visible errors such as "browser connection closed: <ExitError>". It is
// nil before Done is closed and non-nil after, even for a clean exit:
// "browser process exited: signal: killed", or "browser process exited: exit
// status 1: <last non-empty stderr line>". The error unwraps to the
// *exec.ExitError, if any.
func (p *Process) ExitError() error {
	select {
	case <-p.done:
		return p.exitErr
	default:
		return nil
	}
}

// Close stops the browser and releases everything Start created. It is
// idempotent and safe for concurrent use; every call returns the result of
// the first.
//
// If graceful is non-nil it is called first with a context that expires 2 s
// after Close started; it should ask the browser to quit (CDP Browser.close)
// and may return early. Its error is ignored: a graceful close often loses
// the connection before any reply, and SIGKILL follows anyway. Close then
// waits for the main process until those 2 s are up (with a nil graceful it
// does not wait at all: nothing would make the browser quit), SIGKILLs the
// whole process group, waits for the reap, kills any process whose command
// line still names our profile, closes the pipes and removes the profile
// directory.
// Close returns the first error among those steps; how the browser exited
// is reported by ExitError, not here.
func (p *Process) Close(graceful func(context.Context) error) error {
	p.closeOnce.Do(func() { p.closeErr = p.shutdown(graceful) })
	return p.closeErr
}

// shutdown is the body of Close, run once.
func (p *Process) shutdown(graceful func(context.Context) error) error {
	deadline := time.Now().Add(gracePeriod)
	if graceful != nil {
		p.runGraceful(graceful, deadline)
	}

	var errs []error
	// Even after a clean exit of the main process, helpers may linger in
	// the group. ESRCH just means the group is already empty. While any
	// member lives the kernel cannot hand the pgid to a new process; once
	// the group is empty, hitting a stranger would need a new process that
	// got our old pid and made itself a group leader since, which we accept.
	if err := syscall.Kill(-p.pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		errs = append(errs, fmt.Errorf("chrome: killing process group %d: %w", p.pid, err))
	}
	select {
	case <-p.done:
	case <-time.After(killWait):
		errs = append(errs, fmt.Errorf("chrome: browser process %d not reaped %v after SIGKILL", p.pid, killWait))
	}
	if err := sweep(p.userDataDir); err != nil {
		errs = append(errs, err)
	}
	p.closePipes()
	select {
	case <-p.stderrDone:
	case <-time.After(stderrDrain): // Options.Stderr blocks; give up on it
	}
	if err := removeDir(p.userDataDir); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// runGraceful calls graceful and waits until the main process exits or the
// deadline passes. graceful runs on its own goroutine so that one ignoring
// its context cannot stall Close.
func (p *Process) runGraceful(graceful func(context.Context) error, deadline time.Time) {
	select {
	case <-p.done:
		return
	default:
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	go func() { _ = graceful(ctx) }()
	select {
	case <-p.done:
	case <-ctx.Done():
	}
}

// closePipes closes the parent ends of all pipes. Errors (typically "already
// closed" because the caller closed its end of Pipe first) do not matter.
func (p *Process) closePipes() {
	p.fromChrome.Close()
	p.toChrome.Close()
	p.stderr.Close()
}
