package browser

import (
	"context"
	"errors"
	"sync"
)

// Event is something a page reports to listeners: Puppeteer's page events.
// Name is Puppeteer's event name; the other fields are set per event.
type Event struct {
	Name    string // "load", "domcontentloaded", "close", "error", "dialog", …
	Err     error
	Dialog  *Dialog
	Request *Request
	Frame   *Frame
	Page    *Page    // "popup": the page opened
	Worker  *Worker  // "workercreated", "workerdestroyed"
	Metrics *Metrics // "metrics"
	Target  *Target  // "targetcreated", "targetchanged", "targetdestroyed" (targets_api.go)

	// Network and console events (network.go, console.go).
	Response  *Response
	Console   *ConsoleMessage
	PageError *PageError
}

// emitter fans page events out to listeners. Listeners run on the CDP
// dispatcher goroutine in registration order and must not block.
type emitter struct {
	mu        sync.Mutex
	next      int
	listeners map[string][]listener
}

type listener struct {
	id int
	fn func(Event)
}

func newEmitter() *emitter { return &emitter{listeners: map[string][]listener{}} }

// On registers fn for events named name and returns a func removing it.
func (e *emitter) On(name string, fn func(Event)) (off func()) {
	e.mu.Lock()
	id := e.next
	e.next++
	e.listeners[name] = append(e.listeners[name], listener{id: id, fn: fn})
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		ls := e.listeners[name]
		for i, l := range ls {
			if l.id == id {
				e.listeners[name] = append(ls[:i:i], ls[i+1:]...)
				break
			}
		}
	}
}

// Count is the number of listeners for name.
func (e *emitter) Count(name string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.listeners[name])
}

// emit calls the listeners of ev.Name and returns how many there were.
func (e *emitter) emit(ev Event) int {
	e.mu.Lock()
	ls := append([]listener(nil), e.listeners[ev.Name]...)
	e.mu.Unlock()
	for _, l := range ls {
		l.fn(ev)
	}
	return len(ls)
}

// Dialog is an alert, confirm, prompt or beforeunload dialog.
type Dialog struct {
	page         *Page
	Type         string
	Message      string
	DefaultValue string

	mu      sync.Mutex
	handled bool
}

// Accept accepts the dialog, answering a prompt with promptText.
func (d *Dialog) Accept(ctx context.Context, promptText string) error {
	return d.handle(ctx, true, promptText)
}

// Dismiss dismisses the dialog.
func (d *Dialog) Dismiss(ctx context.Context) error { return d.handle(ctx, false, "") }

func (d *Dialog) handle(ctx context.Context, accept bool, text string) error {
	d.mu.Lock()
	if d.handled {
		d.mu.Unlock()
		return errors.New("Cannot accept dialog which is already handled!")
	}
	d.handled = true
	d.mu.Unlock()
	params := map[string]any{"accept": accept}
	if text != "" {
		params["promptText"] = text
	}
	return d.page.session.Call(ctx, "Page.handleJavaScriptDialog", params, nil)
}

// TimeoutError is Puppeteer's TimeoutError: a wait or navigation that ran
// out of time. Scripts test for it by name.
type TimeoutError struct {
	Msg   string
	Cause error // Puppeteer's error.cause, when it sets one
}

func (e *TimeoutError) Error() string { return e.Msg }
