package cdp

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/chromedp/cdproto"
	"github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/target"
)

// Session is one flat CDP session: the browser itself (the root session) or
// an attached target such as a page, an iframe in another process, or a
// worker. It implements cdp.Session from cdproto.
type Session struct {
	conn     *Conn
	id       target.SessionID
	targetID target.ID
	parent   *Session

	mu       sync.Mutex
	pending  map[int64]chan reply
	handlers map[string][]*handler // copied on write; read by the dispatcher
	queue    []item
	events   int // events in queue (responses are not counted)
	dropped  int
	err      error         // why the session ended; nil while open
	wake     chan struct{} // cap 1: queue has items or the session ended
	done     chan struct{} // closed when err is set
}

var _ cdp.Session = (*Session)(nil)

// item is one queued message: a response (method empty) or an event.
type item struct {
	id     int64
	result jsonv2.Value
	perr   *cdproto.Error
	method string
	params jsonv2.Value
}

type reply struct {
	result jsonv2.Value
	err    error
}

type handler struct {
	fn func(params jsonv2.Value)
}

func newSession(c *Conn, id target.SessionID, tid target.ID, parent *Session) *Session {
	s := &Session{
		conn:     c,
		id:       id,
		targetID: tid,
		parent:   parent,
		pending:  map[int64]chan reply{},
		handlers: map[string][]*handler{},
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
	go s.dispatch()
	return s
}

// ID is the session id ("" for the root session).
func (s *Session) ID() target.SessionID { return s.id }

// TargetID is the id of the attached target ("" for the root session).
func (s *Session) TargetID() target.ID { return s.targetID }

// Parent is the session the target was attached through (nil for the root).
func (s *Session) Parent() *Session { return s.parent }

// Conn is the connection the session belongs to.
func (s *Session) Conn() *Conn { return s.conn }

// Done is closed when the session has ended (detached, crashed, or the
// connection died); Err then says why.
func (s *Session) Done() <-chan struct{} { return s.done }

// Err is nil while the session is usable, else why it ended.
func (s *Session) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Dropped reports how many events were discarded because the queue was full.
func (s *Session) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Call sends the command and waits for its response, decoding the result
// into result (which may be nil). The call ends at the context's deadline,
// or after Options.CallTimeout if the context has none; it fails at once if
// the session ends while waiting.
func (s *Session) Call(ctx context.Context, method string, params, result any) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, s.conn.opts.CallTimeout,
			fmt.Errorf("%s timed out after %s", method, s.conn.opts.CallTimeout))
		defer cancel()
	}
	var raw jsonv2.Value
	if params != nil {
		b, err := jsonv2.Marshal(params)
		if err != nil {
			return fmt.Errorf("encode %s params: %w", method, err)
		}
		raw = b
	}
	id := s.conn.nextID.Add(1)
	ch := make(chan reply, 1)
	s.mu.Lock()
	if s.err != nil {
		err := s.err
		s.mu.Unlock()
		return s.wrap(method, err)
	}
	s.pending[id] = ch
	s.mu.Unlock()

	if err := s.conn.write(&outbound{ID: id, SessionID: s.id, Method: method, Params: raw}); err != nil {
		s.forget(id)
		return s.wrap(method, err)
	}
	select {
	case r := <-ch:
		if r.err != nil {
			var pe *ProtocolError
			if errors.As(r.err, &pe) {
				pe.Method = method
			}
			return s.wrap(method, r.err)
		}
		if result == nil || len(r.result) == 0 {
			return nil
		}
		if err := jsonv2.Unmarshal(r.result, result); err != nil {
			return fmt.Errorf("decode %s result: %w", method, err)
		}
		return nil
	case <-ctx.Done():
		s.forget(id)
		return fmt.Errorf("%s: %w", method, context.Cause(ctx))
	}
}

func (s *Session) forget(id int64) {
	s.mu.Lock()
	delete(s.pending, id)
	s.mu.Unlock()
}

// wrap gives session-level failures Puppeteer's shape: "Protocol error
// (Page.navigate): Target closed".
func (s *Session) wrap(method string, err error) error {
	var pe *ProtocolError
	if errors.As(err, &pe) {
		return err
	}
	return &CallError{Method: method, Err: err}
}

// On registers fn for the event method ("Page.loadEventFired") and returns a
// func that unregisters it. Handlers run one at a time on the session's
// dispatcher goroutine, in the order the browser sent the events. A handler
// must return quickly and must never wait for a Call on the same session (the
// response would queue behind it); start a goroutine for such work.
func (s *Session) On(method string, fn func(params jsonv2.Value)) (off func()) {
	h := &handler{fn: fn}
	s.mu.Lock()
	old := s.handlers[method]
	hs := make([]*handler, len(old), len(old)+1)
	copy(hs, old)
	s.handlers[method] = append(hs, h)
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			cur := s.handlers[method]
			hs := make([]*handler, 0, len(cur))
			for _, x := range cur {
				if x != h {
					hs = append(hs, x)
				}
			}
			s.handlers[method] = hs
		})
	}
}

// subscribeBuffer is the channel capacity of Subscribe; events beyond it
// are dropped for that subscriber rather than blocking the dispatcher.
const subscribeBuffer = 1024

// Subscribe implements cdp.Session: events of the method arrive on the
// channel until cancel is called or the session ends (the channel is then
// closed). A subscriber that falls more than 1024 events behind loses events.
func (s *Session) Subscribe(method string) (<-chan jsonv2.Value, func()) {
	ch := make(chan jsonv2.Value, subscribeBuffer)
	var mu sync.Mutex
	closed := false
	off := s.On(method, func(p jsonv2.Value) {
		mu.Lock()
		defer mu.Unlock()
		if closed {
			return
		}
		select {
		case ch <- p:
		default:
		}
	})
	stop := func() {
		off()
		mu.Lock()
		defer mu.Unlock()
		if !closed {
			closed = true
			close(ch)
		}
	}
	go func() {
		<-s.done
		stop()
	}()
	return ch, stop
}

// enqueue is called by the reader goroutine; it never blocks.
func (s *Session) enqueue(it item) {
	s.mu.Lock()
	if s.err != nil && it.method == "" {
		s.mu.Unlock()
		return
	}
	if it.method != "" {
		if s.events >= s.conn.opts.EventQueueLimit {
			s.dropped++
			s.mu.Unlock()
			return
		}
		s.events++
	}
	s.queue = append(s.queue, it)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// fail ends the session once: pending calls get err, later calls fail fast.
// Events already queued are still delivered.
func (s *Session) fail(err error) {
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return
	}
	s.err = err
	pending := s.pending
	s.pending = map[int64]chan reply{}
	s.mu.Unlock()
	for _, ch := range pending {
		ch <- reply{err: err}
	}
	close(s.done)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// dispatch delivers queued items in order until the session has ended and
// its queue is drained.
func (s *Session) dispatch() {
	for {
		s.mu.Lock()
		q := s.queue
		s.queue = nil
		ended := s.err != nil
		s.mu.Unlock()
		if len(q) == 0 {
			if ended {
				return
			}
			<-s.wake
			continue
		}
		for i := range q {
			s.deliver(&q[i])
		}
	}
}

func (s *Session) deliver(it *item) {
	if it.method == "" {
		s.mu.Lock()
		ch := s.pending[it.id]
		delete(s.pending, it.id)
		s.mu.Unlock()
		if ch == nil {
			return // the caller gave up (deadline) or the session failed
		}
		if it.perr != nil {
			ch <- reply{err: &ProtocolError{Code: it.perr.Code, Message: it.perr.Message}}
			return
		}
		ch <- reply{result: it.result}
		return
	}
	s.mu.Lock()
	s.events--
	hs := s.handlers[it.method]
	s.mu.Unlock()
	for _, h := range hs {
		h.fn(it.params)
	}
}
