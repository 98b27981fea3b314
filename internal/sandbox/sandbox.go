// Package sandbox defines how Skriptable runs one untrusted job in a
// one-shot OS sandbox, independently of the mechanism.
//
// A Driver starts a Process from a Spec: an argv, the complete environment,
// a few bind mounts and resource Limits. Drivers live in subpackages:
//
//   - oci (the default): generates an OCI bundle and runs it with crun or
//     runc: user, pid, mount, network (only lo), ipc and uts namespaces, no
//     capabilities, a seccomp deny-list, cgroup limits, a read-only root
//     with a minimal /etc. See the design note os-sandbox.md §8.
//   - none: runs the argv as a plain child process. It isolates nothing and
//     is for development only.
//
// Capabilities that not every driver has are optional interfaces
// (Isolating, Accounting, Auditing), so that callers and the conformance
// suite in sandboxtest check them only where a driver claims them.
//
// Contract shared by all drivers:
//   - Nothing of the caller's environment, working directory or open files
//     reaches the sandbox; Spec.Env is the whole environment.
//   - Close always runs, is idempotent, and leaves nothing behind: no
//     process, and for isolating drivers no container, cgroup, bundle or
//     uid lease. Callers must call it even after Start's caller gave up.
//   - Start's context only bounds start-up; the run itself is bounded by the
//     caller, who calls Kill or Close on its own deadline. A too-tight pids
//     limit can hang Chromium instead of killing it, so a watchdog is
//     mandatory (os-sandbox.md §3).
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
)

// Default limits. Chromium peaked at 170–250 MiB for a simple page, so real
// sites need more; it needs about 125 pids and hangs (rather than fails) when
// it has too few, so the default leaves ample room.
const (
	DefaultMemory     = 1 << 30
	DefaultCPUs       = 1.0
	DefaultPids       = 512
	DefaultTmpfsBytes = 256 << 20
)

// Limits bound one sandboxed run. Zero fields take the defaults.
//
// The tmpfs pages of /tmp and /dev/shm are charged to the sandbox's memory,
// so filling both can hit Memory before either tmpfs is full; keep
// 2*TmpfsBytes below Memory.
type Limits struct {
	Memory     int64   // bytes, memory+swap (default 1 GiB)
	CPUs       float64 // cores (default 1.0); fractions such as 0.5 work
	Pids       int     // processes plus threads (default 512)
	TmpfsBytes int64   // size of /tmp and of /dev/shm each (default 256 MiB)
}

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	if l.Memory == 0 {
		l.Memory = DefaultMemory
	}
	if l.CPUs == 0 {
		l.CPUs = DefaultCPUs
	}
	if l.Pids == 0 {
		l.Pids = DefaultPids
	}
	if l.TmpfsBytes == 0 {
		l.TmpfsBytes = DefaultTmpfsBytes
	}
	return l
}

// Validate reports limits that no driver can apply: negative values, and
// values so small that the sandbox could not even start its first process.
func (l Limits) Validate() error {
	switch {
	case l.Memory < 16<<20:
		return fmt.Errorf("sandbox: memory limit %d is below 16 MiB", l.Memory)
	case l.CPUs < 0.01:
		return fmt.Errorf("sandbox: cpu limit %g is below 0.01", l.CPUs)
	case l.Pids < 8:
		return fmt.Errorf("sandbox: pids limit %d is below 8", l.Pids)
	case l.TmpfsBytes < 1<<20:
		return fmt.Errorf("sandbox: tmpfs size %d is below 1 MiB", l.TmpfsBytes)
	}
	return nil
}

// Bind makes a host path (file or directory) visible inside the sandbox at
// Dest. It is read-only unless Writable. Source must exist; its parent
// directories may be private to the launcher. Under a user namespace the
// sandbox sees host-owned files as owned by nobody and gets "other"
// permissions on them, so a read-only Source must be world-readable; the
// oci driver chowns a Writable Source to the sandbox's root.
type Bind struct {
	Source, Dest string
	Writable     bool
}

// Spec describes one sandboxed run.
type Spec struct {
	// ID is unique per run: [a-z0-9-], 1 to 40 characters. It must be
	// unique among all live sandboxes on the host, whichever launcher or
	// state directory started them: isolating drivers name the container
	// NamePrefix + ID and its cgroups /skriptable/<ID>.
	ID string
	// Args is the argv inside the sandbox, e.g. {"/sb/skriptable", "runner"}.
	Args []string
	// Env is the complete environment inside; nothing is inherited.
	Env []string
	// Binds are extra mounts, e.g. the skriptable binary read-only at
	// /sb/skriptable and the per-run egress socket directory at /run/egress.
	Binds []Bind
	// Limits bound the run; zero fields take the defaults.
	Limits Limits
}

// NamePrefix starts the name of every container and cgroup a driver
// creates, so that Reap can recognise its leftovers.
const NamePrefix = "skriptable-"

// maxIDLen keeps NamePrefix+ID short enough for every runtime and for
// socket paths derived from it.
const maxIDLen = 40

// ValidateID reports whether id is acceptable as Spec.ID.
func ValidateID(id string) error {
	if id == "" || len(id) > maxIDLen {
		return fmt.Errorf("sandbox: id %q must have 1 to %d characters", id, maxIDLen)
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return fmt.Errorf("sandbox: id %q may only contain a-z, 0-9 and '-'", id)
		}
	}
	return nil
}

// reservedDests are paths the isolating drivers mount themselves.
var reservedDests = []string{"/proc", "/dev", "/sys", "/usr", "/etc", "/tmp", "/bin", "/lib", "/lib64", "/sbin"}

// Validate checks everything in s that does not depend on the driver. It
// applies WithDefaults to the limits before checking them.
func (s Spec) Validate() error {
	if err := ValidateID(s.ID); err != nil {
		return err
	}
	if len(s.Args) == 0 || s.Args[0] == "" {
		return errors.New("sandbox: Args must name a program")
	}
	for _, e := range s.Env {
		if !strings.Contains(e, "=") || strings.HasPrefix(e, "=") {
			return fmt.Errorf("sandbox: env entry %q is not NAME=value", e)
		}
	}
	seen := map[string]bool{}
	for _, b := range s.Binds {
		if !path.IsAbs(b.Source) || !path.IsAbs(b.Dest) {
			return fmt.Errorf("sandbox: bind %q→%q: both paths must be absolute", b.Source, b.Dest)
		}
		if path.Clean(b.Dest) != b.Dest || b.Dest == "/" {
			return fmt.Errorf("sandbox: bind destination %q must be clean and not /", b.Dest)
		}
		for _, r := range reservedDests {
			if b.Dest == r || strings.HasPrefix(b.Dest, r+"/") {
				return fmt.Errorf("sandbox: bind destination %q is inside %s, which the sandbox provides", b.Dest, r)
			}
		}
		if seen[b.Dest] {
			return fmt.Errorf("sandbox: two binds at %q", b.Dest)
		}
		seen[b.Dest] = true
	}
	return s.Limits.WithDefaults().Validate()
}

// Exit describes how the sandbox's init process ended.
type Exit struct {
	Code      int    // exit status, or 128+signal number if signalled
	Signal    string // "killed", "terminated", … if signalled; "" otherwise
	OOMKilled bool   // the memory limit was hit and the kernel killed a process for it
}

// Process is one running sandbox.
type Process interface {
	// Stdin, Stdout and Stderr are pipes to the sandbox's init process.
	// Read Stdout and Stderr concurrently with the run: a full pipe blocks
	// the sandbox. They reach EOF once every process in the sandbox that
	// holds them has exited; Wait does not close them, Close does.
	Stdin() io.WriteCloser
	Stdout() io.Reader
	Stderr() io.Reader
	// Wait blocks until the sandbox's init process has exited and returns
	// how. It may be called several times and concurrently. The error is
	// non-nil only if the driver could not observe the exit.
	Wait() (Exit, error)
	// Kill sends SIGKILL to everything in the sandbox now. It does not
	// wait; Wait or Close do.
	Kill() error
	// Close kills the sandbox if it is running and releases everything it
	// holds. It is idempotent and safe to call concurrently with Wait.
	Close() error
}

// Driver starts sandboxes.
type Driver interface {
	// Name is "oci" or "none".
	Name() string
	// Start validates spec and starts it. ctx bounds start-up only. On
	// error nothing is left behind.
	Start(ctx context.Context, spec Spec) (Process, error)
	// Reap removes what an earlier crash of a launcher left under
	// NamePrefix: containers, cgroups, bundles, uid leases. It never
	// touches sandboxes that a live Process (in this or another launcher
	// sharing the driver's state) still owns. Call it at start-up.
	Reap(ctx context.Context) error
}

// Isolating is implemented by drivers that enforce Limits, a private
// network namespace with only lo, a user namespace and seccomp. Isolates
// reports whether they do; the conformance suite checks those properties
// only where it returns true.
type Isolating interface {
	Isolates() bool
}

// Usage is what a sandbox consumed, as its cgroups account it.
type Usage struct {
	CPU        time.Duration // user+system CPU time of all processes
	MemoryPeak int64         // high-water mark of memory+tmpfs, bytes; 0 if unknown
}

// Accounting is implemented by Processes that can report their resource
// usage. Before exit it returns the live value; after Wait it returns the
// value at exit where the driver can still read it.
type Accounting interface {
	Usage() (Usage, error)
}

// Auditing is implemented by drivers that can check, independently of a
// Process, what is left of a run: it returns a description of every
// container, cgroup, bundle, lease or process still present for id. After
// Close it must return nothing.
type Auditing interface {
	Leftovers(id string) ([]string, error)
}
