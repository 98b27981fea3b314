package chrome

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
)

// defaultExecPath is the real browser binary of the Debian chromium package.
// /usr/bin/chromium is a shell wrapper that adds flags from /etc/chromium.d
// and costs ~0.2 s per start, so it is deliberately not used.
const defaultExecPath = "/usr/lib/chromium/chromium"

// execPathEnv names the environment variable that overrides defaultExecPath.
const execPathEnv = "SKRIPTABLE_CHROMIUM"

// ErrNotFound is wrapped by the error Start returns when the browser binary
// does not exist or is not executable. That error's message says how to fix
// it (install the chromium package or set SKRIPTABLE_CHROMIUM).
var ErrNotFound = errors.New("chromium not found")

// fixHint is the actionable part of every notFoundError message.
const fixHint = "install it with `apt-get install -y chromium` or set " + execPathEnv + " to the browser binary"

// resolveExec picks the binary (explicit, then $SKRIPTABLE_CHROMIUM, then
// the Debian path) and checks that it exists and is executable, so that a
// missing browser yields an actionable message instead of a fork error.
func resolveExec(path string) (string, error) {
	if path == "" {
		path = os.Getenv(execPathEnv)
	}
	if path == "" {
		path = defaultExecPath
	}
	found, err := exec.LookPath(path)
	if err != nil {
		return "", newNotFound(path, err)
	}
	// Absolute, because exec.Cmd resolves a relative Path against Cmd.Dir,
	// which is the profile directory.
	if abs, err := filepath.Abs(found); err == nil {
		found = abs
	}
	return found, nil
}

// notFoundError is returned by Start when the binary cannot be executed. It
// matches ErrNotFound with errors.Is and also unwraps to the lookup error.
type notFoundError struct {
	msg string
	err error
}

// newNotFound classifies the failure once, at construction, so that Error
// has no side effects.
func newNotFound(path string, err error) *notFoundError {
	msg := "Chromium not found at " + path
	if fi, serr := os.Stat(path); serr == nil {
		if fi.IsDir() {
			msg = "Chromium at " + path + " is a directory, not the browser binary"
		} else {
			msg = "Chromium at " + path + " is not executable"
		}
	}
	return &notFoundError{msg: msg + ": " + fixHint, err: err}
}

func (e *notFoundError) Error() string { return e.msg }

func (e *notFoundError) Unwrap() []error { return []error{ErrNotFound, e.err} }
