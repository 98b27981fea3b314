package browser

import (
	"fmt"
	"regexp"
	"sync"
)

// QueryHandlers is a run's registry of custom query handlers (Puppeteer's
// registerCustomQueryHandler). Selectors "name/…" (or "name=…") and
// ::-p-name(…) then run the handler's page functions. It is safe for
// concurrent use.
type QueryHandlers struct {
	mu       sync.Mutex
	handlers []namedHandler // in registration order, which lookups follow
}

var customHandlerName = regexp.MustCompile(`^[a-zA-Z]+$`)

// Register adds a handler, with Puppeteer's checks and messages.
func (r *QueryHandlers) Register(name string, h CustomQueryHandler) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range r.handlers {
		if x.name == name {
			return fmt.Errorf("Cannot register over existing handler: %s", name)
		}
	}
	if !customHandlerName.MatchString(name) {
		return fmt.Errorf("Custom query handler names may only contain [a-zA-Z]")
	}
	if h.QueryOne == "" && h.QueryAll == "" {
		return fmt.Errorf("At least one query method must be implemented.")
	}
	r.handlers = append(r.handlers, namedHandler{name: name, CustomQueryHandler: h})
	return nil
}

// Unregister removes a handler.
func (r *QueryHandlers) Unregister(name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, x := range r.handlers {
		if x.name == name {
			r.handlers = append(r.handlers[:i:i], r.handlers[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("Cannot unregister unknown handler: %s", name)
}

// Names lists the registered names in registration order.
func (r *QueryHandlers) Names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.handlers))
	for i, x := range r.handlers {
		out[i] = x.name
	}
	return out
}

// Clear removes every handler.
func (r *QueryHandlers) Clear() {
	r.mu.Lock()
	r.handlers = nil
	r.mu.Unlock()
}

func (r *QueryHandlers) snapshot() []namedHandler {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]namedHandler(nil), r.handlers...)
}

// SetQueryHandlers makes the browser's selectors use the custom handlers
// of r (shared by every browser of a run, as Puppeteer's registry is).
func (b *Browser) SetQueryHandlers(r *QueryHandlers) {
	b.mu.Lock()
	b.queries = r
	b.mu.Unlock()
}

func (b *Browser) customQueryHandlers() []namedHandler {
	b.mu.Lock()
	r := b.queries
	b.mu.Unlock()
	return r.snapshot()
}
