package cdp

import (
	"errors"
	"fmt"
)

// Error is a constant error of this package.
type Error string

func (e Error) Error() string { return string(e) }

const (
	// ErrPageCrashed fails the calls of a target whose renderer crashed
	// (Inspector.targetCrashed or Target.targetCrashed). The text is
	// Puppeteer's, which scripts and users recognise.
	ErrPageCrashed Error = "Page crashed!"
	// ErrTargetClosed fails the calls of a session whose target detached or
	// closed (Target.detachedFromTarget), again in Puppeteer's words.
	ErrTargetClosed Error = "Target closed"
)

// ClosedError fails every call once the connection has ended.
type ClosedError struct {
	// Reason says how the connection ended, ideally how the browser exited
	// ("browser process exited: signal: killed").
	Reason string
}

func (e *ClosedError) Error() string { return "browser connection closed: " + e.Reason }

// ProtocolError is an error response from the browser.
type ProtocolError struct {
	Method  string
	Code    int64
	Message string
}

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("Protocol error (%s): %s", e.Method, e.Message)
}

// CallError is a call that failed because its session ended or the
// connection broke; errors.Is sees through it to ErrPageCrashed etc.
type CallError struct {
	Method string
	Err    error
}

func (e *CallError) Error() string {
	var ce *ClosedError
	if errors.As(e.Err, &ce) {
		return e.Err.Error()
	}
	return fmt.Sprintf("Protocol error (%s): %s", e.Method, e.Err)
}

func (e *CallError) Unwrap() error { return e.Err }
