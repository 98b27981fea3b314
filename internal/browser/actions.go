package browser

import (
	"context"
	"errors"
	"strconv"
	"time"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// jsClickPoint scrolls an element into view when it is not fully visible
// and returns the point Puppeteer would click: the centre (or offset) of
// its first client rect of at least 1×1 px, clipped to the viewport. It
// folds Puppeteer's scrollIntoViewIfNeeded + clickablePoint round trips
// into one call.
const jsClickPoint = `function(element, offsetX, offsetY) {
  if (!element.isConnected) throw new Error('Node is detached from document');
  if (element.nodeType !== Node.ELEMENT_NODE) throw new Error('Node is not of type HTMLElement');
  const r = element.getBoundingClientRect();
  const inView = r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 &&
    r.bottom <= window.innerHeight && r.right <= window.innerWidth;
  if (!inView) element.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
  const width = document.documentElement.clientWidth, height = document.documentElement.clientHeight;
  const boxes = [...element.getClientRects()].map(b => {
    const box = { x: b.x, y: b.y, width: b.width, height: b.height };
    box.width = Math.max(box.x >= 0 ? Math.min(width - box.x, box.width) : Math.min(width, box.width + box.x), 0);
    box.height = Math.max(box.y >= 0 ? Math.min(height - box.y, box.height) : Math.min(height, box.height + box.y), 0);
    box.x = Math.max(box.x, 0);
    box.y = Math.max(box.y, 0);
    return box;
  });
  const box = boxes.find(b => b.width >= 1 && b.height >= 1);
  if (!box) return null;
  if (offsetX !== undefined && offsetX !== null) return { x: box.x + offsetX, y: box.y + offsetY };
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}`

// Point is a position in CSS pixels relative to the main frame's viewport.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// ClickOptions are Puppeteer's click options.
type ClickOptions struct {
	MouseOptions
	Offset *Point
}

var errNotClickable = errors.New("Node is either not clickable or not an Element")

func offsetArgs(off *Point) []Arg {
	if off == nil {
		return []Arg{{JSON: []byte("null")}, {JSON: []byte("null")}}
	}
	return []Arg{{JSON: floatJSON(off.X)}, {JSON: floatJSON(off.Y)}}
}

func floatJSON(f float64) []byte { return []byte(strconv.FormatFloat(f, 'g', -1, 64)) }

func decodePoint(v Value) (*Point, bool) {
	var p Point
	if v.JSON == nil || string(v.JSON) == "null" || jsonv2.Unmarshal(v.JSON, &p) != nil {
		return nil, false
	}
	return &p, true
}

// clickablePoint is the viewport point to click on the handle's element.
func (h *Handle) clickablePoint(ctx context.Context, off *Point) (*Point, error) {
	v, err := h.Evaluate(ctx, jsClickPoint, offsetArgs(off))
	if err != nil {
		return nil, h.page.wrapErr(ctx, err)
	}
	p, ok := decodePoint(v)
	if !ok {
		return nil, errNotClickable
	}
	return h.world.frame.toMainFrame(ctx, p)
}

// toMainFrame translates a point in this frame's viewport into the main
// frame's, adding each ancestor iframe's content-box position.
func (f *Frame) toMainFrame(ctx context.Context, p *Point) (*Point, error) {
	if err := f.awaitPaint(ctx); err != nil { // see oopif.go
		return nil, err
	}
	for cur := f; cur.ParentFrame() != nil; cur = cur.ParentFrame() {
		parent := cur.ParentFrame()
		var owner struct {
			BackendNodeID int64 `json:"backendNodeId"`
		}
		// The owner element lives in the parent's process.
		ps := parent.main.sess()
		if err := ps.Call(ctx, "DOM.getFrameOwner", map[string]string{"frameId": cur.id}, &owner); err != nil {
			return nil, f.page.wrapErr(ctx, err)
		}
		ctxID, err := parent.main.context(ctx)
		if err != nil {
			return nil, err
		}
		var resolved struct {
			Object struct {
				ObjectID string `json:"objectId"`
			} `json:"object"`
		}
		if err := ps.Call(ctx, "DOM.resolveNode", map[string]any{"backendNodeId": owner.BackendNodeID, "executionContextId": ctxID}, &resolved); err != nil {
			return nil, f.page.wrapErr(ctx, err)
		}
		o, err := parent.main.call(ctx, `function(element) {
  const rect = element.getBoundingClientRect();
  const style = window.getComputedStyle(element);
  return { x: rect.left + parseInt(style.paddingLeft, 10) + parseInt(style.borderLeftWidth, 10),
           y: rect.top + parseInt(style.paddingTop, 10) + parseInt(style.borderTopWidth, 10) };
}`, []Arg{{Handle: &Handle{world: parent.main, page: f.page, id: resolved.Object.ObjectID}}}, true)
		releaseObject(ctx, ps, resolved.Object.ObjectID)
		if err != nil {
			return nil, f.page.wrapErr(ctx, err)
		}
		d, ok := decodePoint(valueOf(o))
		if !ok {
			return nil, errNotClickable
		}
		p = &Point{X: p.X + d.X, Y: p.Y + d.Y}
	}
	return p, nil
}

// Click clicks the element's centre (Puppeteer's elementHandle.click).
func (h *Handle) Click(ctx context.Context, opts ClickOptions) error {
	p, err := h.clickablePoint(ctx, opts.Offset)
	if err != nil {
		return err
	}
	return h.page.Mouse.Click(ctx, p.X, p.Y, opts.MouseOptions)
}

// Hover moves the mouse over the element.
func (h *Handle) Hover(ctx context.Context) error {
	p, err := h.clickablePoint(ctx, nil)
	if err != nil {
		return err
	}
	return h.page.Mouse.Move(ctx, p.X, p.Y, 1)
}

// Focus focuses the element.
func (h *Handle) Focus(ctx context.Context) error {
	_, err := h.Evaluate(ctx, jsFocus, nil)
	return h.page.wrapErr(ctx, err)
}

// Type focuses the element and types text.
func (h *Handle) Type(ctx context.Context, text string, delay time.Duration) error {
	if err := h.Focus(ctx); err != nil {
		return err
	}
	return h.page.Keyboard.Type(ctx, text, delay)
}

// Press focuses the element and presses a key.
func (h *Handle) Press(ctx context.Context, key string, opts KeyOptions) error {
	if err := h.Focus(ctx); err != nil {
		return err
	}
	return h.page.Keyboard.Press(ctx, key, opts)
}

// BoundingBox is the element's box in main-frame viewport coordinates,
// or nil when it is not rendered.
func (h *Handle) BoundingBox(ctx context.Context) (*Clip, error) {
	v, err := h.Evaluate(ctx, jsBoundingBox, nil)
	if err != nil {
		return nil, h.page.wrapErr(ctx, err)
	}
	var box struct {
		X      float64 `json:"x"`
		Y      float64 `json:"y"`
		Width  float64 `json:"width"`
		Height float64 `json:"height"`
	}
	if v.JSON == nil || string(v.JSON) == "null" || jsonv2.Unmarshal(v.JSON, &box) != nil {
		return nil, nil
	}
	p, err := h.world.frame.toMainFrame(ctx, &Point{X: box.X, Y: box.Y})
	if err != nil {
		return nil, err
	}
	return &Clip{X: p.X, Y: p.Y, Width: box.Width, Height: box.Height}, nil
}

// withElement runs fn on the first element matching selector (Puppeteer's
// $ + assertion), disposing of the handle afterwards.
func (f *Frame) withElement(ctx context.Context, selector string, fn func(h *Handle) error) error {
	h, err := f.mustQuery(ctx, selector)
	if err != nil {
		return err
	}
	defer h.Dispose(ctx)
	return fn(h)
}

// Click clicks the first element matching selector.
func (f *Frame) Click(ctx context.Context, selector string, opts ClickOptions) error {
	return f.withElement(ctx, selector, func(h *Handle) error { return h.Click(ctx, opts) })
}

// Hover moves the mouse over the first element matching selector.
func (f *Frame) Hover(ctx context.Context, selector string) error {
	return f.withElement(ctx, selector, func(h *Handle) error { return h.Hover(ctx) })
}

// Focus focuses the first element matching selector.
func (f *Frame) Focus(ctx context.Context, selector string) error {
	return f.withElement(ctx, selector, func(h *Handle) error { return h.Focus(ctx) })
}

// Type focuses the first element matching selector and types text.
func (f *Frame) Type(ctx context.Context, selector, text string, delay time.Duration) error {
	return f.withElement(ctx, selector, func(h *Handle) error { return h.Type(ctx, text, delay) })
}

// ClickablePoint is the point Puppeteer's elementHandle.clickablePoint
// reports (scrolling the element into view first if needed).
func (h *Handle) ClickablePoint(ctx context.Context, off *Point) (*Point, error) {
	return h.clickablePoint(ctx, off)
}

// ScrollIntoView scrolls the element into the viewport's centre.
func (h *Handle) ScrollIntoView(ctx context.Context) error {
	_, err := h.Evaluate(ctx, `function(e) {
  if (!e.isConnected) throw new Error('Node is detached from document');
  e.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
}`, nil)
	return h.page.wrapErr(ctx, err)
}
