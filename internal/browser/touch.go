package browser

import (
	"context"
	"math"
	"sync"
)

// TouchError is Puppeteer's TouchError ("Must start a new Touch first").
type TouchError struct{ Msg string }

func (e *TouchError) Error() string { return e.Msg }

var errNoTouch = &TouchError{Msg: "Must start a new Touch first"}

// Touchscreen dispatches touch events (Input.dispatchTouchEvent) as
// Puppeteer's Touchscreen: every touchStart opens a touch that later moves
// and ends; touchMove and touchEnd act on the oldest open touch.
type Touchscreen struct {
	page *Page

	mu      sync.Mutex
	lastID  int
	touches []*TouchHandle
}

// TouchHandle is one touch point started with TouchStart.
type TouchHandle struct {
	ts *Touchscreen

	mu      sync.Mutex
	point   touchPoint
	started bool
}

type touchPoint struct {
	X       float64 `json:"x"`
	Y       float64 `json:"y"`
	RadiusX float64 `json:"radiusX"`
	RadiusY float64 `json:"radiusY"`
	Force   float64 `json:"force"`
	ID      int     `json:"id"`
}

// Touchscreen is the page's touchscreen, created on first use.
func (p *Page) Touchscreen() *Touchscreen {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.touch == nil {
		p.touch = &Touchscreen{page: p}
	}
	return p.touch
}

// jsRound is JavaScript's Math.round (halves round up).
func jsRound(f float64) float64 { return math.Floor(f + 0.5) }

func (t *Touchscreen) dispatch(ctx context.Context, typ string, pt touchPoint) error {
	p := t.page
	return p.wrapErr(ctx, p.session.Call(ctx, "Input.dispatchTouchEvent", map[string]any{
		"type": typ, "touchPoints": []touchPoint{pt}, "modifiers": p.Keyboard.currentModifiers(),
	}, nil))
}

// TouchStart starts a touch at (x, y).
func (t *Touchscreen) TouchStart(ctx context.Context, x, y float64) (*TouchHandle, error) {
	t.mu.Lock()
	t.lastID++
	h := &TouchHandle{ts: t, point: touchPoint{X: jsRound(x), Y: jsRound(y), RadiusX: 0.5, RadiusY: 0.5, Force: 0.5, ID: t.lastID}}
	t.mu.Unlock()
	if err := h.start(ctx); err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.touches = append(t.touches, h)
	t.mu.Unlock()
	return h, nil
}

func (h *TouchHandle) start(ctx context.Context) error {
	h.mu.Lock()
	if h.started {
		h.mu.Unlock()
		return &TouchError{Msg: "Touch has already started"}
	}
	pt := h.point
	h.mu.Unlock()
	if err := h.ts.dispatch(ctx, "touchStart", pt); err != nil {
		return err
	}
	h.mu.Lock()
	h.started = true
	h.mu.Unlock()
	return nil
}

// Move moves the touch to (x, y).
func (h *TouchHandle) Move(ctx context.Context, x, y float64) error {
	h.mu.Lock()
	h.point.X, h.point.Y = jsRound(x), jsRound(y)
	pt := h.point
	h.mu.Unlock()
	return h.ts.dispatch(ctx, "touchMove", pt)
}

// End lifts the touch.
func (h *TouchHandle) End(ctx context.Context) error {
	h.mu.Lock()
	pt := h.point
	h.mu.Unlock()
	if err := h.ts.dispatch(ctx, "touchEnd", pt); err != nil {
		return err
	}
	h.ts.remove(h)
	return nil
}

func (t *Touchscreen) remove(h *TouchHandle) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, x := range t.touches {
		if x == h {
			t.touches = append(t.touches[:i:i], t.touches[i+1:]...)
			return
		}
	}
}

// TouchMove moves the oldest open touch.
func (t *Touchscreen) TouchMove(ctx context.Context, x, y float64) error {
	t.mu.Lock()
	if len(t.touches) == 0 {
		t.mu.Unlock()
		return errNoTouch
	}
	h := t.touches[0]
	t.mu.Unlock()
	return h.Move(ctx, x, y)
}

// TouchEnd ends the oldest open touch.
func (t *Touchscreen) TouchEnd(ctx context.Context) error {
	t.mu.Lock()
	if len(t.touches) == 0 {
		t.mu.Unlock()
		return errNoTouch
	}
	h := t.touches[0]
	t.touches = t.touches[1:]
	t.mu.Unlock()
	return h.End(ctx)
}

// Tap is a touch start and end at (x, y).
func (t *Touchscreen) Tap(ctx context.Context, x, y float64) error {
	h, err := t.TouchStart(ctx, x, y)
	if err != nil {
		return err
	}
	return h.End(ctx)
}

// Tap taps the element's centre, scrolling it into view first.
func (h *Handle) Tap(ctx context.Context) error {
	p, err := h.clickablePoint(ctx, nil)
	if err != nil {
		return err
	}
	return h.page.Touchscreen().Tap(ctx, p.X, p.Y)
}

// TouchStart starts a touch at the element's centre.
func (h *Handle) TouchStart(ctx context.Context) (*TouchHandle, error) {
	p, err := h.clickablePoint(ctx, nil)
	if err != nil {
		return nil, err
	}
	return h.page.Touchscreen().TouchStart(ctx, p.X, p.Y)
}

// TouchMove moves touch (or the oldest open touch when nil) to the
// element's centre.
func (h *Handle) TouchMove(ctx context.Context, touch *TouchHandle) error {
	p, err := h.clickablePoint(ctx, nil)
	if err != nil {
		return err
	}
	if touch != nil {
		return touch.Move(ctx, p.X, p.Y)
	}
	return h.page.Touchscreen().TouchMove(ctx, p.X, p.Y)
}

// TouchEnd scrolls the element into view if needed and ends the oldest
// open touch.
func (h *Handle) TouchEnd(ctx context.Context) error {
	if err := h.scrollIntoViewIfNeeded(ctx); err != nil {
		return err
	}
	return h.page.Touchscreen().TouchEnd(ctx)
}

// Tap taps the first element matching selector.
func (f *Frame) Tap(ctx context.Context, selector string) error {
	return f.withElement(ctx, selector, func(h *Handle) error { return h.Tap(ctx) })
}

// scrollIntoViewIfNeeded scrolls the element to the viewport's centre
// unless it is entirely visible.
func (h *Handle) scrollIntoViewIfNeeded(ctx context.Context) error {
	in, err := h.IsIntersectingViewport(ctx, 1)
	if err != nil {
		return err
	}
	if in {
		return nil
	}
	return h.ScrollIntoView(ctx)
}
