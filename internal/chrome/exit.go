package chrome

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"syscall"
)

// tailSize is how much of the browser's output is kept for ExitError.
const tailSize = 16 << 10

// maxDetail caps the stderr excerpt in ExitError; a Chromium log line can be
// arbitrarily long and this text ends up in user-visible errors.
const maxDetail = 512

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// Write appends b, discarding the oldest bytes beyond max. It never fails.
func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > 2*t.max { // trim in batches to keep Write amortised O(len(b))
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(b), nil
}

// lastLine returns the last non-empty line of the kept output, trimmed and
// capped at maxDetail bytes.
func (t *tailBuffer) lastLine() string {
	t.mu.Lock()
	b := t.buf
	if len(b) > t.max {
		b = b[len(b)-t.max:]
	}
	b = bytes.TrimRight(b, " \t\r\n")
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	line := stripLogPrefix(strings.TrimSpace(string(b)))
	t.mu.Unlock()
	if len(line) > maxDetail {
		line = line[:maxDetail] + "…"
	}
	return strings.ToValidUTF8(line, "?")
}

// stripLogPrefix removes Chromium's log line header
// "[pid:tid:MMDD/HHMMSS.micros:LEVEL:file.cc:line] " so that user-visible
// errors read "Running as root without --no-sandbox is not supported. ..."
// rather than starting with noise. Other lines are returned unchanged.
func stripLogPrefix(line string) string {
	if !strings.HasPrefix(line, "[") {
		return line
	}
	end := strings.Index(line, "] ")
	if end < 0 || strings.Count(line[:end], ":") < 4 {
		return line
	}
	if rest := strings.TrimSpace(line[end+2:]); rest != "" {
		return rest
	}
	return line
}

// exitError is what Process.ExitError returns.
type exitError struct {
	state  string // how the process ended, e.g. "signal: killed"
	detail string // last stderr line, or ""
	err    error  // from exec.Cmd.Wait; may be nil for a clean exit
}

func (e *exitError) Error() string {
	s := "browser process exited: " + e.state
	if e.detail != "" {
		s += ": " + e.detail
	}
	return s
}

func (e *exitError) Unwrap() error { return e.err }

// newExitError describes the end of the main process. The stderr excerpt is
// attached to abnormal exits other than SIGKILL: a kill comes from outside
// (Close, the OOM killer, an operator) and whatever Chromium last logged
// would only mislead, whereas for "exit status 1" or a crash signal the last
// line is usually the reason (e.g. a failed CHECK).
func newExitError(ps *os.ProcessState, waitErr error, lastLine string) error {
	e := &exitError{err: waitErr}
	switch {
	case ps != nil:
		e.state = ps.String()
	case waitErr != nil:
		e.state = waitErr.Error()
	default:
		e.state = "unknown status"
	}
	abnormal := ps == nil || !ps.Success()
	if ps != nil {
		if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			abnormal = false
		}
	}
	if abnormal {
		e.detail = lastLine
	}
	return e
}
