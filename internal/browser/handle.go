package browser

import (
	"context"
	"errors"
	"sync"

	"github.com/chromedp/cdproto/runtime"
)

// Handle is a reference to an object in the page (Puppeteer's JSHandle, or
// ElementHandle when it refers to a DOM element). It stays valid until it
// is disposed or its execution context goes away with a navigation.
type Handle struct {
	world  *world
	page   *Page
	remote runtime.RemoteObject
	id     string

	mu       sync.Mutex
	disposed bool
}

func newHandle(w *world, p *Page, o *runtime.RemoteObject) *Handle {
	return &Handle{world: w, page: p, remote: *o, id: string(o.ObjectID)}
}

// IsElement reports whether the handle refers to a DOM node (an
// ElementHandle in Puppeteer's terms).
func (h *Handle) IsElement() bool { return h.remote.Subtype == runtime.RemoteObjectSubtypeNode }

// Page is the page the handle belongs to.
func (h *Handle) Page() *Page { return h.page }

// Frame is the frame whose world holds the object.
func (h *Handle) Frame() *Frame { return h.world.frame }

// Description is how DevTools describes the object ("div#main", "Array(3)").
func (h *Handle) Description() string { return describeRemote(&h.remote) }

// ClassName is the object's class name ("HTMLDivElement", "Object").
func (h *Handle) ClassName() string { return h.remote.ClassName }

// Primitive returns the value of a handle to a primitive (which has no
// page object behind it), and false for handles to objects.
func (h *Handle) Primitive() (Value, bool) {
	if h.remote.ObjectID != "" {
		return Value{}, false
	}
	return valueOf(&h.remote), true
}

// RemoteType and RemoteSubtype are DevTools' type tags ("object", "node").
func (h *Handle) RemoteType() string    { return string(h.remote.Type) }
func (h *Handle) RemoteSubtype() string { return string(h.remote.Subtype) }

// Disposed reports whether Dispose was called.
func (h *Handle) Disposed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.disposed
}

func (h *Handle) usable() error {
	if h.Disposed() {
		return errors.New("JSHandle is disposed!")
	}
	return nil
}

// Dispose releases the page object.
func (h *Handle) Dispose(ctx context.Context) {
	h.mu.Lock()
	if h.disposed {
		h.mu.Unlock()
		return
	}
	h.disposed = true
	h.mu.Unlock()
	releaseObject(ctx, h.world.sess(), h.id)
}

// Evaluate calls fn with the handle as its first argument.
func (h *Handle) Evaluate(ctx context.Context, fn string, args []Arg) (Value, error) {
	if err := h.usable(); err != nil {
		return Value{}, err
	}
	o, err := h.world.call(ctx, fn, append([]Arg{{Handle: h}}, args...), true)
	if err != nil {
		return Value{}, err
	}
	return valueOf(o), nil
}

// EvaluateHandle is Evaluate returning a handle to the result.
func (h *Handle) EvaluateHandle(ctx context.Context, fn string, args []Arg) (*Handle, error) {
	if err := h.usable(); err != nil {
		return nil, err
	}
	o, err := h.world.call(ctx, fn, append([]Arg{{Handle: h}}, args...), false)
	if err != nil {
		return nil, err
	}
	return newHandle(h.world, h.page, o), nil
}

// JSONValue copies the object out by value (Puppeteer's jsonValue).
func (h *Handle) JSONValue(ctx context.Context) (Value, error) {
	if h.id == "" {
		return valueOf(&h.remote), nil
	}
	return h.Evaluate(ctx, "function(o) { return o; }", nil)
}

// GetProperty returns a handle to one property of the object.
func (h *Handle) GetProperty(ctx context.Context, name string) (*Handle, error) {
	return h.EvaluateHandle(ctx, "function(o, name) { return o[name]; }", []Arg{{JSON: jsonString(name)}})
}

// Properties returns handles to the object's own enumerable properties.
func (h *Handle) Properties(ctx context.Context) ([]Property, error) {
	if err := h.usable(); err != nil {
		return nil, err
	}
	var res runtime.GetPropertiesResult
	if err := h.world.sess().Call(ctx, "Runtime.getProperties", map[string]any{"objectId": h.id, "ownProperties": true}, &res); err != nil {
		return nil, err
	}
	var out []Property
	for _, p := range res.Result {
		if !p.Enumerable || p.Value == nil {
			continue
		}
		out = append(out, Property{Name: p.Name, Handle: newHandle(h.world, h.page, p.Value)})
	}
	return out, nil
}

// Property is one own enumerable property of a handle's object, in the
// order the page reports them (as a script iterating getProperties sees).
type Property struct {
	Name   string
	Handle *Handle
}

// handles splits an array-like object into one handle per element.
func (h *Handle) elements(ctx context.Context) ([]*Handle, error) {
	list, err := h.Properties(ctx)
	if err != nil {
		return nil, err
	}
	props := make(map[string]*Handle, len(list))
	for _, p := range list {
		props[p.Name] = p.Handle
	}
	var out []*Handle
	for i := 0; ; i++ {
		e, ok := props[itoa(i)]
		if !ok {
			break
		}
		out = append(out, e)
	}
	for k, v := range props {
		if !isIndex(k) {
			v.Dispose(ctx)
		}
	}
	return out, nil
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
