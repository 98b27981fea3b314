package browser

import (
	"context"
	"errors"
	"sync"
	"time"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// Drag and drop as Puppeteer does it: with drag interception enabled
// (page.setDragInterception, deprecated in Puppeteer) the browser hands the
// drag data to us (Input.dragIntercepted) and we replay dragenter, dragover
// and drop with Input.dispatchDragEvent; without it, elementHandle.drag and
// drop press, move and release the real mouse and Chromium runs the drag.

// DragData is Input.DragData as JSON ({items, files, dragOperationsMask}).
type DragData = jsonv2.Value

// defaultDragData is Puppeteer's default for dragEnter, dragOver and drop.
var defaultDragData = DragData(`{"items":[],"dragOperationsMask":1}`)

type dragState struct {
	mu        sync.Mutex
	intercept bool
	dragging  bool // elementHandle.drag pressed the mouse (Page._isDragging)
}

// SetDragInterception turns drag interception on or off.
func (p *Page) SetDragInterception(ctx context.Context, enabled bool) error {
	p.drag.mu.Lock()
	p.drag.intercept = enabled
	p.drag.mu.Unlock()
	return p.wrapErr(ctx, p.session.Call(ctx, "Input.setInterceptDrags", map[string]bool{"enabled": enabled}, nil))
}

// IsDragInterceptionEnabled reports the last SetDragInterception.
func (p *Page) IsDragInterceptionEnabled() bool {
	p.drag.mu.Lock()
	defer p.drag.mu.Unlock()
	return p.drag.intercept
}

func (p *Page) setDragging(v bool) {
	p.drag.mu.Lock()
	p.drag.dragging = v
	p.drag.mu.Unlock()
}

// Drag moves to start, presses the button, moves to target and returns
// the intercepted drag data. It needs drag interception; without it no data
// ever comes and the call waits until ctx ends, as Puppeteer's does.
func (m *Mouse) Drag(ctx context.Context, start, target Point) (DragData, error) {
	ch, off := m.page.session.Subscribe("Input.dragIntercepted")
	defer off()
	if err := m.Move(ctx, start.X, start.Y, 1); err != nil {
		return nil, err
	}
	if err := m.Down(ctx, MouseOptions{}); err != nil {
		return nil, err
	}
	if err := m.Move(ctx, target.X, target.Y, 1); err != nil {
		return nil, err
	}
	select {
	case raw, ok := <-ch:
		if !ok {
			return nil, m.page.closedErr()
		}
		var ev struct {
			Data jsonv2.Value `json:"data"`
		}
		if err := jsonv2.Unmarshal(raw, &ev); err != nil {
			return nil, err
		}
		return DragData(ev.Data), nil
	case <-ctx.Done():
		return nil, m.page.wrapErr(ctx, context.Cause(ctx))
	}
}

func (m *Mouse) dragEvent(ctx context.Context, typ string, target Point, data DragData) error {
	if data == nil {
		data = defaultDragData
	}
	return m.page.wrapErr(ctx, m.page.session.Call(ctx, "Input.dispatchDragEvent", map[string]any{
		"type": typ, "x": target.X, "y": target.Y, "modifiers": m.keyboard.currentModifiers(), "data": data,
	}, nil))
}

// DragEnter dispatches a dragenter at target.
func (m *Mouse) DragEnter(ctx context.Context, target Point, data DragData) error {
	return m.dragEvent(ctx, "dragEnter", target, data)
}

// DragOver dispatches a dragover at target.
func (m *Mouse) DragOver(ctx context.Context, target Point, data DragData) error {
	return m.dragEvent(ctx, "dragOver", target, data)
}

// Drop dispatches a drop at target.
func (m *Mouse) Drop(ctx context.Context, target Point, data DragData) error {
	return m.dragEvent(ctx, "drop", target, data)
}

// DragAndDrop drags from start to target and drops there, waiting delay
// between the dragover and the drop.
func (m *Mouse) DragAndDrop(ctx context.Context, start, target Point, delay time.Duration) error {
	data, err := m.Drag(ctx, start, target)
	if err != nil {
		return err
	}
	if err := m.DragEnter(ctx, target, data); err != nil {
		return err
	}
	if err := m.DragOver(ctx, target, data); err != nil {
		return err
	}
	if err := sleep(ctx, delay); err != nil {
		return err
	}
	if err := m.Drop(ctx, target, data); err != nil {
		return err
	}
	return m.Up(ctx, MouseOptions{})
}

// Drag drags the element to target (an element, or a point when
// targetElement is nil). With drag interception it returns the drag data;
// otherwise it presses the mouse on the element (once per drag) and moves
// it to the target, leaving the drop to Drop.
func (h *Handle) Drag(ctx context.Context, targetElement *Handle, target Point) (DragData, error) {
	if err := h.scrollIntoViewIfNeeded(ctx); err != nil {
		return nil, err
	}
	p := h.page
	if p.IsDragInterceptionEnabled() {
		start, err := h.clickablePoint(ctx, nil)
		if err != nil {
			return nil, err
		}
		if targetElement != nil {
			tp, err := targetElement.clickablePoint(ctx, nil)
			if err != nil {
				return nil, err
			}
			target = *tp
		}
		return p.Mouse.Drag(ctx, *start, target)
	}
	err := func() error {
		p.drag.mu.Lock()
		first := !p.drag.dragging
		p.drag.dragging = true
		p.drag.mu.Unlock()
		if first {
			if err := h.Hover(ctx); err != nil {
				return err
			}
			if err := p.Mouse.Down(ctx, MouseOptions{}); err != nil {
				return err
			}
		}
		if targetElement != nil {
			return targetElement.Hover(ctx)
		}
		return p.Mouse.Move(ctx, target.X, target.Y, 1)
	}()
	if err != nil {
		p.setDragging(false)
	}
	return nil, err
}

func (h *Handle) dragEvent(ctx context.Context, fn func(context.Context, Point, DragData) error, data DragData) error {
	if err := h.scrollIntoViewIfNeeded(ctx); err != nil {
		return err
	}
	pt, err := h.clickablePoint(ctx, nil)
	if err != nil {
		return err
	}
	return fn(ctx, *pt, data)
}

// DragEnter dispatches a dragenter on the element (deprecated in
// Puppeteer: dragging does it).
func (h *Handle) DragEnter(ctx context.Context, data DragData) error {
	return h.dragEvent(ctx, h.page.Mouse.DragEnter, data)
}

// DragOver dispatches a dragover on the element.
func (h *Handle) DragOver(ctx context.Context, data DragData) error {
	return h.dragEvent(ctx, h.page.Mouse.DragOver, data)
}

// Drop drops on the element: the given drag data (intercepted drags), or,
// with source set, the source element dragged here with the real mouse.
func (h *Handle) Drop(ctx context.Context, source *Handle, data DragData) error {
	if source == nil {
		return h.dragEvent(ctx, h.page.Mouse.Drop, data)
	}
	_, err := source.Drag(ctx, h, Point{})
	h.page.setDragging(false)
	if err != nil {
		return err
	}
	return h.page.Mouse.Up(ctx, MouseOptions{})
}

var errNoDragInterception = errors.New("Drag Interception is not enabled!")

// DragAndDrop drags the element onto target with drag interception
// (deprecated in Puppeteer; Drop does it with the real mouse).
func (h *Handle) DragAndDrop(ctx context.Context, target *Handle, delay time.Duration) error {
	if !h.page.IsDragInterceptionEnabled() {
		return errNoDragInterception
	}
	if err := h.scrollIntoViewIfNeeded(ctx); err != nil {
		return err
	}
	start, err := h.clickablePoint(ctx, nil)
	if err != nil {
		return err
	}
	end, err := target.clickablePoint(ctx, nil)
	if err != nil {
		return err
	}
	return h.page.Mouse.DragAndDrop(ctx, *start, *end, delay)
}
