package puppeteer

import (
	"context"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// Drag and drop members of Mouse and ElementHandle.

// dragData converts a script's DragData object (nil for undefined).
func (m *mapper) dragData(v sobek.Value) (browser.DragData, error) {
	if v == nil || sobek.IsUndefined(v) {
		return nil, nil
	}
	a, err := m.toArg(v)
	if err != nil {
		return nil, err
	}
	return browser.DragData(a.JSON), nil
}

func dragResult(d browser.DragData) js.Builder {
	return func(vm *sobek.Runtime) sobek.Value {
		if d == nil {
			return sobek.Undefined()
		}
		return fromValue(vm, browser.Value{JSON: []byte(d)})
	}
}

// point reads a {x, y} object.
func (m *mapper) point(v sobek.Value, what string) (browser.Point, error) {
	o, err := m.options(v, what)
	if err != nil {
		return browser.Point{}, err
	}
	x, _, err := o.num("x")
	if err != nil {
		return browser.Point{}, err
	}
	y, _, err := o.num("y")
	return browser.Point{X: x, Y: y}, err
}

// mouseDragMethods adds Mouse.drag, dragEnter, dragOver, drop and
// dragAndDrop.
func (m *mapper) mouseDragMethods(b *builder, p *browser.Page) {
	ms := p.Mouse
	b.async("drag", func(call sobek.FunctionCall) (work, error) {
		start, err := m.point(call.Argument(0), "start")
		if err != nil {
			return nil, err
		}
		target, err := m.point(call.Argument(1), "target")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			d, err := ms.Drag(ctx, start, target)
			return dragResult(d), err
		}, nil
	})
	event := func(fn func(context.Context, browser.Point, browser.DragData) error) func(sobek.FunctionCall) (work, error) {
		return func(call sobek.FunctionCall) (work, error) {
			target, err := m.point(call.Argument(0), "target")
			if err != nil {
				return nil, err
			}
			data, err := m.dragData(call.Argument(1))
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) (js.Builder, error) { return nil, fn(ctx, target, data) }, nil
		}
	}
	b.async("dragEnter", event(ms.DragEnter))
	b.async("dragOver", event(ms.DragOver))
	b.async("drop", event(ms.Drop))
	b.async("dragAndDrop", func(call sobek.FunctionCall) (work, error) {
		start, err := m.point(call.Argument(0), "start")
		if err != nil {
			return nil, err
		}
		target, err := m.point(call.Argument(1), "target")
		if err != nil {
			return nil, err
		}
		delay, err := m.delayOption(call.Argument(2))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, ms.DragAndDrop(ctx, start, target, delay) }, nil
	})
}

// elementDragMethods adds ElementHandle.drag, dragEnter, dragOver, drop
// and dragAndDrop.
func (m *mapper) elementDragMethods(b *builder, h *browser.Handle) {
	elementOf := func(v sobek.Value) *browser.Handle {
		if obj, ok := v.(*sobek.Object); ok {
			if x := m.handles[obj]; x != nil && x.IsElement() {
				return x
			}
		}
		return nil
	}
	b.async("drag", func(call sobek.FunctionCall) (work, error) {
		target := elementOf(call.Argument(0))
		var pt browser.Point
		if target == nil {
			var err error
			if pt, err = m.point(call.Argument(0), "target"); err != nil {
				return nil, err
			}
		}
		return func(ctx context.Context) (js.Builder, error) {
			d, err := h.Drag(ctx, target, pt)
			return dragResult(d), err
		}, nil
	})
	event := func(fn func(context.Context, browser.DragData) error) func(sobek.FunctionCall) (work, error) {
		return func(call sobek.FunctionCall) (work, error) {
			data, err := m.dragData(call.Argument(0))
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) (js.Builder, error) { return nil, fn(ctx, data) }, nil
		}
	}
	b.async("dragEnter", event(h.DragEnter))
	b.async("dragOver", event(h.DragOver))
	b.async("drop", func(call sobek.FunctionCall) (work, error) {
		source := elementOf(call.Argument(0))
		var data browser.DragData
		if source == nil {
			var err error
			if data, err = m.dragData(call.Argument(0)); err != nil {
				return nil, err
			}
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, h.Drop(ctx, source, data) }, nil
	})
	b.async("dragAndDrop", func(call sobek.FunctionCall) (work, error) {
		target := elementOf(call.Argument(0))
		if target == nil {
			return nil, argErrorf("target must be an ElementHandle")
		}
		delay, err := m.delayOption(call.Argument(1))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, h.DragAndDrop(ctx, target, delay) }, nil
	})
}
