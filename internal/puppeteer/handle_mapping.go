package puppeteer

import (
	"context"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// handleResult builds the JS value for a handle result: null for no
// handle, otherwise an ElementHandle or JSHandle object.
func (m *mapper) handleResult(h *browser.Handle) js.Builder {
	return func(*sobek.Runtime) sobek.Value {
		if h == nil {
			return sobek.Null()
		}
		return m.wrapHandle(h)
	}
}

func (m *mapper) handleArray(hs []*browser.Handle) js.Builder {
	return func(*sobek.Runtime) sobek.Value {
		items := make([]any, len(hs))
		for i, h := range hs {
			items[i] = m.wrapHandle(h)
		}
		return m.vm.NewArray(items...)
	}
}

// wrapHandle builds the script's JSHandle or ElementHandle for h.
func (m *mapper) wrapHandle(h *browser.Handle) *sobek.Object {
	api := jsHandleAPI
	if h.IsElement() {
		api = elementAPI
	}
	b := m.object(api)
	m.handleMethods(b, h)
	if h.IsElement() {
		m.elementMethods(b, h)
	}
	obj := b.done()
	m.handles[obj] = h
	return obj
}

func (m *mapper) handleMethods(b *builder, h *browser.Handle) {
	evaluate := func(handle bool) func(call sobek.FunctionCall) (work, error) {
		return func(call sobek.FunctionCall) (work, error) {
			src, err := m.pageFunction(call.Argument(0), "pageFunction")
			if err != nil {
				return nil, err
			}
			args, err := m.toArgs(call.Arguments[min(1, len(call.Arguments)):])
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) (js.Builder, error) {
				if handle {
					r, err := h.EvaluateHandle(ctx, src, args)
					return m.handleResult(r), err
				}
				v, err := h.Evaluate(ctx, src, args)
				return valueResult(v), err
			}, nil
		}
	}
	b.async("evaluate", evaluate(false))
	b.async("evaluateHandle", evaluate(true))
	b.async("getProperty", func(call sobek.FunctionCall) (work, error) {
		name, err := argString(call.Argument(0), "propertyName")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			r, err := h.GetProperty(ctx, name)
			return m.handleResult(r), err
		}, nil
	})
	b.async("getProperties", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			props, err := h.Properties(ctx)
			if err != nil {
				return nil, err
			}
			return func(vm *sobek.Runtime) sobek.Value {
				mp, err := vm.New(vm.Get("Map"))
				if err != nil {
					return sobek.Undefined()
				}
				set, _ := sobek.AssertFunction(mp.Get("set"))
				for _, p := range props {
					_, _ = set(mp, vm.ToValue(p.Name), m.wrapHandle(p.Handle))
				}
				return mp
			}, nil
		}, nil
	})
	b.async("jsonValue", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			v, err := h.JSONValue(ctx)
			return valueResult(v), err
		}, nil
	})
	b.async("dispose", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			h.Dispose(ctx)
			return nil, nil
		}, nil
	})
	b.method("asElement", func(sobek.FunctionCall) sobek.Value {
		if h.IsElement() {
			return b.this()
		}
		return sobek.Null()
	})
	b.method("toString", func(sobek.FunctionCall) sobek.Value {
		// As Puppeteer: primitives show their value, objects their
		// subtype or type.
		if v, ok := h.Primitive(); ok {
			return m.vm.ToValue("JSHandle:" + fromValue(m.vm, v).String())
		}
		if st := h.RemoteSubtype(); st != "" {
			return m.vm.ToValue("JSHandle@" + st)
		}
		return m.vm.ToValue("JSHandle@" + h.RemoteType())
	})
	b.method("remoteObject", func(sobek.FunctionCall) sobek.Value {
		o := m.vm.NewObject()
		_ = o.Set("type", h.RemoteType())
		if st := h.RemoteSubtype(); st != "" {
			_ = o.Set("subtype", st)
		}
		_ = o.Set("className", h.ClassName())
		_ = o.Set("description", h.Description())
		return o
	})
}

func (m *mapper) elementMethods(b *builder, h *browser.Handle) {
	selectorCall := func(fn func(ctx context.Context, sel string) (js.Builder, error)) func(call sobek.FunctionCall) (work, error) {
		return func(call sobek.FunctionCall) (work, error) {
			sel, err := argSelector(call.Argument(0))
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) (js.Builder, error) { return fn(ctx, sel) }, nil
		}
	}
	b.async("$", selectorCall(func(ctx context.Context, sel string) (js.Builder, error) {
		r, err := h.QuerySelector(ctx, sel)
		return m.handleResult(r), err
	}))
	b.async("$$", selectorCall(func(ctx context.Context, sel string) (js.Builder, error) {
		r, err := h.QuerySelectorAll(ctx, sel)
		return m.handleArray(r), err
	}))
	evalOn := func(all bool) func(call sobek.FunctionCall) (work, error) {
		return func(call sobek.FunctionCall) (work, error) {
			sel, err := argSelector(call.Argument(0))
			if err != nil {
				return nil, err
			}
			src, err := m.pageFunction(call.Argument(1), "pageFunction")
			if err != nil {
				return nil, err
			}
			args, err := m.toArgs(call.Arguments[min(2, len(call.Arguments)):])
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) (js.Builder, error) {
				var v browser.Value
				if all {
					v, err = h.EvalOnSelectorAll(ctx, sel, src, args)
				} else {
					v, err = h.EvalOnSelector(ctx, sel, src, args)
				}
				return valueResult(v), err
			}, nil
		}
	}
	b.async("$eval", evalOn(false))
	b.async("$$eval", evalOn(true))
	b.async("click", func(call sobek.FunctionCall) (work, error) {
		co, err := m.clickOptions(call.Argument(0))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, h.Click(ctx, co) }, nil
	})
	b.async("hover", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) { return nil, h.Hover(ctx) }, nil
	})
	b.async("focus", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) { return nil, h.Focus(ctx) }, nil
	})
	b.async("type", func(call sobek.FunctionCall) (work, error) {
		text, err := argString(call.Argument(0), "text")
		if err != nil {
			return nil, err
		}
		delay, err := m.delayOption(call.Argument(1))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, h.Type(ctx, text, delay) }, nil
	})
	b.async("press", func(call sobek.FunctionCall) (work, error) {
		key, err := argString(call.Argument(0), "key")
		if err != nil {
			return nil, err
		}
		ko, err := m.keyOptions(call.Argument(1))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, h.Press(ctx, key, ko) }, nil
	})
	b.async("boundingBox", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			box, err := h.BoundingBox(ctx)
			return func(vm *sobek.Runtime) sobek.Value {
				if box == nil {
					return sobek.Null()
				}
				o := vm.NewObject()
				_ = o.Set("x", box.X)
				_ = o.Set("y", box.Y)
				// Puppeteer's key order, which JSON.stringify shows.
				_ = o.Set("height", box.Height)
				_ = o.Set("width", box.Width)
				return o
			}, err
		}, nil
	})
	b.async("clickablePoint", func(call sobek.FunctionCall) (work, error) {
		co, err := m.clickOptions(m.vm.NewObject())
		if off := call.Argument(0); !sobek.IsUndefined(off) {
			wrapper := m.vm.NewObject()
			_ = wrapper.Set("offset", off)
			co, err = m.clickOptions(wrapper)
		}
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			p, err := h.ClickablePoint(ctx, co.Offset)
			return func(vm *sobek.Runtime) sobek.Value {
				o := vm.NewObject()
				if p != nil {
					_ = o.Set("x", p.X)
					_ = o.Set("y", p.Y)
				}
				return o
			}, err
		}, nil
	})
	b.async("scrollIntoView", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) { return nil, h.ScrollIntoView(ctx) }, nil
	})
	visibility := func(fn string) func(sobek.FunctionCall) (work, error) {
		return func(sobek.FunctionCall) (work, error) {
			return func(ctx context.Context) (js.Builder, error) {
				v, err := h.Evaluate(ctx, fn, nil)
				return valueResult(v), err
			}, nil
		}
	}
	b.async("isVisible", visibility(browser.JSIsVisible))
	b.async("isHidden", visibility(browser.JSIsHidden))
	b.async("isIntersectingViewport", func(call sobek.FunctionCall) (work, error) {
		o, err := m.options(call.Argument(0), "options")
		if err != nil {
			return nil, err
		}
		threshold, _, err := o.num("threshold")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			in, err := h.IsIntersectingViewport(ctx, threshold)
			return func(vm *sobek.Runtime) sobek.Value { return vm.ToValue(in) }, err
		}, nil
	})
	b.async("waitForSelector", func(call sobek.FunctionCall) (work, error) {
		sel, err := argSelector(call.Argument(0))
		if err != nil {
			return nil, err
		}
		o, err := m.options(call.Argument(1), "options")
		if err != nil {
			return nil, err
		}
		var wo browser.WaitOptions
		if wo.Visible, err = o.boolean("visible"); err != nil {
			return nil, err
		}
		if wo.Hidden, err = o.boolean("hidden"); err != nil {
			return nil, err
		}
		d, ok, err := o.millis("timeout")
		if err != nil {
			return nil, err
		}
		wo.Timeout = h.Page().Timeout()
		if ok {
			wo.Timeout = d
		}
		return func(ctx context.Context) (js.Builder, error) {
			r, err := h.Frame().WaitForSelector(ctx, h, sel, wo)
			return m.handleResult(r), err
		}, nil
	})
	b.async("screenshot", func(call sobek.FunctionCall) (work, error) {
		return m.screenshot(h.Page(), h, call.Argument(0))
	})
	b.getter("frame", func() sobek.Value { return m.wrapFrame(h.Frame()) })
	m.elementSelectMethods(b, h)
	m.elementFrameMethods(b, h) // tools_mapping.go
}
