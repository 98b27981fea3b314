// Package cdp is Skriptable's Chrome DevTools Protocol connection layer: one
// transport (Chromium's --remote-debugging-pipe), flat sessions multiplexed
// over it, calls with deadlines, and ordered, bounded event delivery.
//
// It uses the generated protocol types of github.com/chromedp/cdproto and
// implements their two-method cdp.Session interface, so typed calls read
//
//	res, err := cdp.Call(ctx, session, page.Navigate, page.NavigateParams{URL: u})
//
// Guarantees the rest of Skriptable relies on:
//   - One reader goroutine per connection; it never blocks on a consumer.
//     Responses and events are appended to the owning session's queue and a
//     per-session dispatcher delivers them in arrival order, so a caller that
//     gets a response has already seen every event the browser sent on that
//     session before it.
//   - Every call has a deadline (the caller's, or Options.CallTimeout).
//   - Pending calls fail promptly with a clear error when their target
//     detaches (ErrTargetClosed), crashes (ErrPageCrashed) or the connection
//     dies (*ClosedError, which says how the browser exited).
//
// This package must stay free of any JavaScript engine: it is used by the
// runner and is tested on its own (see the deps test in internal/archtest).
package cdp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/target"
)

// Options tunes a connection. The zero value uses the defaults.
type Options struct {
	// MaxMessageSize caps one inbound message (default 256 MiB: a full-page
	// screenshot of a long page is tens of MiB of base64).
	MaxMessageSize int
	// CallTimeout bounds calls whose context has no deadline (default 60 s).
	CallTimeout time.Duration
	// EventQueueLimit caps undelivered events per session (default 100 000).
	// Beyond it new events are dropped and counted; responses are never dropped.
	EventQueueLimit int
	// ExitReason, if set, is called once when the transport ends; it should
	// say how the browser exited ("browser process exited: signal: killed").
	ExitReason func() string
	// Trace, if set, sees every raw message: out is true for ours. For
	// debugging only; it runs on the reader and writer paths.
	Trace func(out bool, msg []byte)
}

func (o Options) withDefaults() Options {
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = 256 << 20
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 60 * time.Second
	}
	if o.EventQueueLimit <= 0 {
		o.EventQueueLimit = 100_000
	}
	return o
}

// Conn is one CDP connection. It is safe for concurrent use.
type Conn struct {
	opts Options
	r    *bufio.Reader
	w    io.Writer
	wc   io.Closer // w, if it can be closed; closed by Close

	wmu    sync.Mutex // serialises writes: one message per Write sequence
	nextID atomic.Int64

	mu       sync.Mutex
	sessions map[target.SessionID]*Session
	err      error // set once, when the connection is closed

	root *Session
	done chan struct{}
}

// New starts a connection over r (messages from the browser) and w (to the
// browser). Messages are JSON, each terminated by a NUL byte.
func New(r io.Reader, w io.Writer, opts Options) *Conn {
	c := &Conn{
		opts:     opts.withDefaults(),
		r:        bufio.NewReaderSize(r, 64<<10),
		w:        w,
		sessions: map[target.SessionID]*Session{},
		done:     make(chan struct{}),
	}
	if wc, ok := w.(io.Closer); ok {
		c.wc = wc
	}
	c.root = c.addSession("", "", nil)
	go c.readLoop()
	return c
}

// Root is the browser-level session (no session id).
func (c *Conn) Root() *Session { return c.root }

// Session returns the attached session with the id, or nil.
func (c *Conn) Session(id target.SessionID) *Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sessions[id]
}

// Done is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err says why the connection ended; nil while it is open.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the connection: the writer is closed and every session fails
// with a *ClosedError. It does not stop the browser process.
func (c *Conn) Close() error {
	c.fail(&ClosedError{Reason: "connection closed by Skriptable"})
	if c.wc != nil {
		return c.wc.Close()
	}
	return nil
}

func (c *Conn) addSession(id target.SessionID, tid target.ID, parent *Session) *Session {
	s := newSession(c, id, tid, parent)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		s.fail(c.err)
		return s
	}
	c.sessions[id] = s
	c.mu.Unlock()
	return s
}

func (c *Conn) removeSession(id target.SessionID) {
	c.mu.Lock()
	delete(c.sessions, id)
	c.mu.Unlock()
}

// fail closes the connection once with err and fails every session.
func (c *Conn) fail(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	sessions := make([]*Session, 0, len(c.sessions))
	for _, s := range c.sessions {
		sessions = append(sessions, s)
	}
	c.sessions = map[target.SessionID]*Session{}
	c.mu.Unlock()
	for _, s := range sessions {
		s.fail(err)
	}
	close(c.done)
}

// inbound is the shape of every message the browser sends.
type inbound struct {
	ID        int64            `json:"id,omitzero"`
	SessionID target.SessionID `json:"sessionId,omitzero"`
	Method    string           `json:"method,omitzero"`
	Params    jsonv2.Value     `json:"params,omitzero"`
	Result    jsonv2.Value     `json:"result,omitzero"`
	Error     *cdproto.Error   `json:"error,omitzero"`
}

func (c *Conn) readLoop() {
	for {
		raw, err := c.readMessage()
		if err != nil {
			reason := "browser closed the connection"
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrClosedPipe) {
				reason = err.Error()
			}
			if c.opts.ExitReason != nil {
				if r := c.opts.ExitReason(); r != "" {
					reason = r
				}
			}
			c.fail(&ClosedError{Reason: reason})
			return
		}
		if c.opts.Trace != nil {
			c.opts.Trace(false, raw)
		}
		var msg inbound
		if err := jsonv2.Unmarshal(raw, &msg); err != nil {
			c.fail(&ClosedError{Reason: fmt.Sprintf("malformed message from browser: %v", err)})
			return
		}
		c.route(&msg)
	}
}

// readMessage reads one NUL-terminated message, refusing ones over the cap.
func (c *Conn) readMessage() ([]byte, error) {
	var buf []byte
	for {
		chunk, err := c.r.ReadSlice(0)
		if len(buf)+len(chunk) > c.opts.MaxMessageSize {
			return nil, fmt.Errorf("message from browser exceeds %d bytes", c.opts.MaxMessageSize)
		}
		switch {
		case err == nil:
			if buf == nil {
				return bytes.Clone(chunk[:len(chunk)-1]), nil
			}
			return append(buf, chunk[:len(chunk)-1]...), nil
		case errors.Is(err, bufio.ErrBufferFull):
			buf = append(buf, chunk...)
		default:
			return nil, err
		}
	}
}

// route runs on the reader goroutine and must never block.
func (c *Conn) route(msg *inbound) {
	s := c.Session(msg.SessionID)
	if s == nil {
		return // a session we already dropped; late events are expected
	}
	if msg.Method == "" {
		s.enqueue(item{id: msg.ID, result: msg.Result, perr: msg.Error})
		return
	}
	// Lifecycle events are acted on here, before queueing, so that sessions
	// exist before their first event and pending calls fail without waiting
	// for a dispatcher that may be busy.
	switch msg.Method {
	case "Target.attachedToTarget":
		var ev struct {
			SessionID  target.SessionID `json:"sessionId"`
			TargetInfo struct {
				TargetID target.ID `json:"targetId"`
			} `json:"targetInfo"`
		}
		if jsonv2.Unmarshal(msg.Params, &ev) == nil && c.Session(ev.SessionID) == nil {
			c.addSession(ev.SessionID, ev.TargetInfo.TargetID, s)
		}
	case "Target.detachedFromTarget":
		var ev struct {
			SessionID target.SessionID `json:"sessionId"`
		}
		if jsonv2.Unmarshal(msg.Params, &ev) == nil {
			if child := c.Session(ev.SessionID); child != nil {
				c.removeSession(ev.SessionID)
				child.fail(ErrTargetClosed)
			}
		}
	case "Target.targetCrashed":
		var ev struct {
			TargetID target.ID `json:"targetId"`
		}
		if jsonv2.Unmarshal(msg.Params, &ev) == nil {
			c.failTarget(ev.TargetID, ErrPageCrashed)
		}
	case "Inspector.targetCrashed":
		// Queue first so handlers still learn of the crash, then fail calls.
		s.enqueue(item{method: msg.Method, params: msg.Params})
		s.fail(ErrPageCrashed)
		return
	}
	s.enqueue(item{method: msg.Method, params: msg.Params})
}

func (c *Conn) failTarget(id target.ID, err error) {
	c.mu.Lock()
	var hit []*Session
	for _, s := range c.sessions {
		if s.targetID == id && s.id != "" {
			hit = append(hit, s)
		}
	}
	c.mu.Unlock()
	for _, s := range hit {
		s.fail(err)
	}
}

// outbound is the shape of every message we send.
type outbound struct {
	ID        int64            `json:"id"`
	SessionID target.SessionID `json:"sessionId,omitzero"`
	Method    string           `json:"method"`
	Params    jsonv2.Value     `json:"params,omitzero"`
}

func (c *Conn) write(m *outbound) error {
	b, err := jsonv2.Marshal(m)
	if err != nil {
		return err
	}
	if c.opts.Trace != nil {
		c.opts.Trace(true, b)
	}
	b = append(b, 0)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.Err(); err != nil {
		return err
	}
	if _, err := c.w.Write(b); err != nil {
		return fmt.Errorf("write to browser: %w", err)
	}
	return nil
}
