package js

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/grafana/sobek"
)

// Loop is the event loop of one runtime. Only the goroutine inside Run may
// touch the runtime; every other goroutine hands work to it through a
// callback reserved with RegisterCallback, or through Post.
type Loop struct {
	vm *sobek.Runtime

	mu       sync.Mutex
	queue    []func() error
	pending  int  // reserved callbacks not yet enqueued
	stopped  bool // Run has returned; late work is dropped
	wake     chan struct{}
	rejected []*sobek.Promise // rejected without a handler, in order
}

func newLoop(vm *sobek.Runtime) *Loop {
	l := &Loop{vm: vm, wake: make(chan struct{}, 1)}
	vm.SetPromiseRejectionTracker(l.trackRejection)
	return l
}

// trackRejection runs on the loop goroutine (sobek calls it synchronously).
func (l *Loop) trackRejection(p *sobek.Promise, op sobek.PromiseRejectionOperation) {
	switch op {
	case sobek.PromiseRejectionReject:
		l.rejected = append(l.rejected, p)
	case sobek.PromiseRejectionHandle:
		for i, q := range l.rejected {
			if q == p {
				l.rejected = append(l.rejected[:i], l.rejected[i+1:]...)
				break
			}
		}
	}
}

// RegisterCallback reserves a slot on the loop and returns the function that
// fills it. It must be called on the loop goroutine. The returned enqueue
// function is safe to call from any goroutine and must be called exactly
// once (further calls are ignored); the loop does not end while a reserved
// slot is unfilled, so forgetting to call it hangs the run until its
// context ends. The callback f runs on the loop goroutine; an error it
// returns ends the run with that error.
//
// Typical use: parse arguments on the loop, reserve, do the slow work in a
// goroutine with plain Go values only, then enqueue a callback that turns
// the result into JS values and resolves a promise.
func (l *Loop) RegisterCallback() (enqueue func(f func() error)) {
	l.mu.Lock()
	l.pending++
	l.mu.Unlock()
	var once sync.Once
	return func(f func() error) {
		once.Do(func() {
			l.mu.Lock()
			l.pending--
			if !l.stopped {
				l.queue = append(l.queue, f)
			}
			l.mu.Unlock()
			l.signal()
		})
	}
}

// Post queues f to run on the loop goroutine without holding the loop open:
// if the loop is idle-waiting for reserved callbacks f runs, and if the
// loop has already ended f is dropped. It is for events (console messages,
// page events) whose delivery must not keep a finished script alive.
func (l *Loop) Post(f func() error) {
	l.mu.Lock()
	if !l.stopped {
		l.queue = append(l.queue, f)
	}
	l.mu.Unlock()
	l.signal()
}

func (l *Loop) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// NewPromise returns a promise with resolve and reject functions that may be
// called from any goroutine, exactly one of them once. The value passed must
// be safe to hand to JS: a primitive, or a func(*sobek.Runtime) sobek.Value
// that builds the value on the loop goroutine (see Settle).
func (l *Loop) NewPromise() (p *sobek.Promise, resolve func(any), reject func(any)) {
	p, res, rej := l.vm.NewPromise()
	enqueue := l.RegisterCallback()
	resolve = func(v any) { enqueue(func() error { return res(l.materialize(v)) }) }
	reject = func(v any) { enqueue(func() error { return rej(l.materialize(v)) }) }
	return p, resolve, reject
}

// Builder makes a JS value on the loop goroutine. Goroutines hand results to
// the loop as Builders so that JS objects are only ever created there.
type Builder func(vm *sobek.Runtime) sobek.Value

func (l *Loop) materialize(v any) any {
	if b, ok := v.(Builder); ok {
		return b(l.vm)
	}
	return v
}

// UnhandledRejectionError ends a run whose promise was rejected and never
// handled, as Node does.
type UnhandledRejectionError struct {
	Value sobek.Value
}

func (e *UnhandledRejectionError) Error() string {
	return "Uncaught (in promise) " + valueString(e.Value)
}

// Run calls first on the loop goroutine and then runs queued callbacks until
// nothing is queued or reserved. It returns the first error of a callback,
// an *UnhandledRejectionError, or the context's error when ctx ends first
// (the runtime is interrupted then, so running JS stops too).
func (l *Loop) Run(ctx context.Context, first func() error) (err error) {
	stopInterrupt := context.AfterFunc(ctx, func() { l.vm.Interrupt(context.Cause(ctx)) })
	defer stopInterrupt()
	defer func() {
		l.mu.Lock()
		l.stopped = true
		l.queue = nil
		l.mu.Unlock()
	}()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error in the event loop: %v", r)
		}
	}()
	if err := l.call(ctx, first); err != nil {
		return err
	}
	for {
		l.mu.Lock()
		q := l.queue
		l.queue = nil
		waiting := l.pending > 0
		l.mu.Unlock()
		if len(q) == 0 {
			if !waiting {
				return nil
			}
			select {
			case <-l.wake:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
			continue
		}
		for i, f := range q {
			if err := l.call(ctx, f); err != nil {
				// Put back what did not run so reserved-but-unrun work is
				// visible to debugging; Run's defer drops it anyway.
				_ = q[i+1:]
				return err
			}
		}
	}
}

// call runs f and then checks for unhandled rejections, the way Node checks
// after each macrotask once the microtask queue (drained by sobek) is empty.
func (l *Loop) call(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	if err := f(); err != nil {
		var ie *sobek.InterruptedError
		if errors.As(err, &ie) && ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return err
	}
	if len(l.rejected) > 0 {
		p := l.rejected[0]
		l.rejected = nil
		return &UnhandledRejectionError{Value: p.Result()}
	}
	return nil
}
