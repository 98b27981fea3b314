package puppeteer

import (
	"context"
	"fmt"
	"strings"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// Members around selectors and element input that Page, Frame and
// ElementHandle share: select, tap, touch, drag and drop, the legacy $x and
// waitForXPath, locator(), and the module's custom query handlers.

// argSelector reads a selector argument. Puppeteer calls
// selector.startsWith first thing, so a non-string fails with the
// TypeError that call raises.
func argSelector(v sobek.Value) (string, error) {
	switch {
	case v == nil || sobek.IsUndefined(v):
		return "", argErrorf("Cannot read properties of undefined (reading 'startsWith')")
	case sobek.IsNull(v):
		return "", argErrorf("Cannot read properties of null (reading 'startsWith')")
	case !sobek.IsString(v):
		return "", argErrorf("selector.startsWith is not a function")
	}
	return v.String(), nil
}

// jsTypeof is JavaScript's typeof.
func jsTypeof(v sobek.Value) string {
	switch {
	case v == nil || sobek.IsUndefined(v):
		return "undefined"
	case sobek.IsNull(v):
		return "object"
	case sobek.IsString(v):
		return "string"
	case sobek.IsNumber(v):
		return "number"
	case sobek.IsBigInt(v):
		return "bigint"
	}
	if _, ok := v.(*sobek.Symbol); ok {
		return "symbol"
	}
	if o, ok := v.(*sobek.Object); ok {
		if _, ok := sobek.AssertFunction(o); ok {
			return "function"
		}
		return "object"
	}
	if v.ExportType() != nil && v.ExportType().Kind().String() == "bool" {
		return "boolean"
	}
	return "object"
}

// selectValues reads select's values: strings only, with Puppeteer's
// message for the first that is not.
func selectValues(vals []sobek.Value) ([]string, error) {
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		if !sobek.IsString(v) {
			shown := "Symbol()"
			if _, sym := v.(*sobek.Symbol); !sym {
				shown = v.String()
			}
			return nil, fmt.Errorf("Values must be strings. Found value \"%s\" of type \"%s\"", shown, jsTypeof(v))
		}
		out = append(out, v.String())
	}
	return out, nil
}

func stringsResult(ss []string) js.Builder {
	return func(vm *sobek.Runtime) sobek.Value {
		items := make([]any, len(ss))
		for i, s := range ss {
			items[i] = s
		}
		return vm.NewArray(items...)
	}
}

// waitOptions parses waitForSelector's options with the page's default
// timeout.
func (m *mapper) waitOptions(v sobek.Value, page *browser.Page) (browser.WaitOptions, error) {
	var wo browser.WaitOptions
	o, err := m.options(v, "options")
	if err != nil {
		return wo, err
	}
	if wo.Visible, err = o.boolean("visible"); err != nil {
		return wo, err
	}
	if wo.Hidden, err = o.boolean("hidden"); err != nil {
		return wo, err
	}
	d, ok, err := o.millis("timeout")
	if err != nil {
		return wo, err
	}
	wo.Timeout = page.Timeout()
	if ok {
		wo.Timeout = d
	}
	return wo, nil
}

// legacyXPath is how Puppeteer 21 and older rooted $x and waitForXPath
// expressions: "//…" became ".//…", relative to the element or document.
func legacyXPath(expr string) string {
	if strings.HasPrefix(expr, "//") {
		return "xpath/." + expr
	}
	return "xpath/" + expr
}

// frameSelectMethods adds select, tap, locator, $x and waitForXPath to a
// Page or Frame object.
func (m *mapper) frameSelectMethods(b *builder, page *browser.Page, frame func() *browser.Frame) {
	b.async("select", func(call sobek.FunctionCall) (work, error) {
		sel, err := argSelector(call.Argument(0))
		if err != nil {
			return nil, err
		}
		values, badValues := selectValues(call.Arguments[min(1, len(call.Arguments)):])
		return func(ctx context.Context) (js.Builder, error) {
			// As Puppeteer: find the element first, then check the values.
			h, err := frame().MustQuerySelector(ctx, sel)
			if err != nil {
				return nil, err
			}
			defer h.Dispose(ctx)
			if badValues != nil {
				return nil, badValues
			}
			out, err := h.Select(ctx, values)
			return stringsResult(out), err
		}, nil
	})
	b.async("tap", func(call sobek.FunctionCall) (work, error) {
		sel, err := argSelector(call.Argument(0))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, frame().Tap(ctx, sel) }, nil
	})
	b.method("locator", func(call sobek.FunctionCall) sobek.Value {
		l := &locator{frame: frame, timeout: page.Timeout(), waitForEnabled: true, ensureInViewport: true, stableBox: true}
		arg := call.Argument(0)
		if sobek.IsString(arg) {
			l.kind, l.selector = locNode, arg.String()
		} else {
			// Anything else is a function locator; Puppeteer fails only
			// when waiting, so a non-function times out the same way.
			l.kind = locFunction
			src, err := m.pageFunction(arg, "func")
			l.fn, l.badFn = src, err != nil
		}
		return m.wrapLocator(l)
	})
	// $x and waitForXPath were removed in Puppeteer 22; old scripts
	// still call them.
	b.async("$x", func(call sobek.FunctionCall) (work, error) {
		expr, err := argString(call.Argument(0), "expression")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			hs, err := frame().QuerySelectorAll(ctx, legacyXPath(expr))
			return m.handleArray(hs), err
		}, nil
	})
	b.async("waitForXPath", func(call sobek.FunctionCall) (work, error) {
		expr, err := argString(call.Argument(0), "xpath")
		if err != nil {
			return nil, err
		}
		wo, err := m.waitOptions(call.Argument(1), page)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			h, err := frame().WaitForSelector(ctx, nil, legacyXPath(expr), wo)
			return m.handleResult(h), err
		}, nil
	})
}

// elementSelectMethods adds the ElementHandle members of this file.
func (m *mapper) elementSelectMethods(b *builder, h *browser.Handle) {
	b.async("select", func(call sobek.FunctionCall) (work, error) {
		values, err := selectValues(call.Arguments)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			out, err := h.Select(ctx, values)
			return stringsResult(out), err
		}, nil
	})
	noArgs := func(fn func(ctx context.Context) error) func(sobek.FunctionCall) (work, error) {
		return func(sobek.FunctionCall) (work, error) {
			return func(ctx context.Context) (js.Builder, error) { return nil, fn(ctx) }, nil
		}
	}
	b.async("tap", noArgs(h.Tap))
	b.async("touchStart", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			t, err := h.TouchStart(ctx)
			return func(*sobek.Runtime) sobek.Value { return m.wrapTouchHandle(t) }, err
		}, nil
	})
	b.async("touchMove", func(call sobek.FunctionCall) (work, error) {
		var t *browser.TouchHandle
		if a := call.Argument(0); !sobek.IsUndefined(a) && !sobek.IsNull(a) {
			obj, _ := a.(*sobek.Object)
			if t = m.touches[obj]; t == nil {
				return nil, argErrorf("touch must be a TouchHandle")
			}
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, h.TouchMove(ctx, t) }, nil
	})
	b.async("touchEnd", noArgs(h.TouchEnd))
	b.async("toElement", func(call sobek.FunctionCall) (work, error) {
		tag, err := argString(call.Argument(0), "tagName")
		if err != nil {
			return nil, err
		}
		self := call.This // Puppeteer returns the same handle
		return func(ctx context.Context) (js.Builder, error) {
			if err := h.ToElement(ctx, tag); err != nil {
				return nil, err
			}
			return func(*sobek.Runtime) sobek.Value { return self }, nil
		}, nil
	})
	b.async("backendNodeId", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			id, err := h.BackendNodeID(ctx)
			return func(vm *sobek.Runtime) sobek.Value { return vm.ToValue(id) }, err
		}, nil
	})
	b.async("boxModel", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			box, err := h.BoxModel(ctx)
			return func(vm *sobek.Runtime) sobek.Value { return boxModelValue(vm, box) }, err
		}, nil
	})
	b.method("asLocator", func(sobek.FunctionCall) sobek.Value {
		f := h.Frame()
		l := &locator{kind: locNode, handle: h, frame: func() *browser.Frame { return f }, timeout: h.Page().Timeout(),
			waitForEnabled: true, ensureInViewport: true, stableBox: true}
		return m.wrapLocator(l)
	})
	b.async("$x", func(call sobek.FunctionCall) (work, error) {
		expr, err := argString(call.Argument(0), "expression")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			hs, err := h.QuerySelectorAll(ctx, legacyXPath(expr))
			return m.handleArray(hs), err
		}, nil
	})
	b.async("waitForXPath", func(call sobek.FunctionCall) (work, error) {
		expr, err := argString(call.Argument(0), "xpath")
		if err != nil {
			return nil, err
		}
		wo, err := m.waitOptions(call.Argument(1), h.Page())
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			r, err := h.Frame().WaitForSelector(ctx, h, legacyXPath(expr), wo)
			return m.handleResult(r), err
		}, nil
	})
	b.async("autofill", func(call sobek.FunctionCall) (work, error) {
		o, err := m.options(call.Argument(0), "data")
		if err != nil {
			return nil, err
		}
		var card, address []byte
		for key, dst := range map[string]*[]byte{"creditCard": &card, "address": &address} {
			if v := o.get(key); v != nil {
				a, err := m.toArg(v)
				if err != nil {
					return nil, err
				}
				*dst = a.JSON
			}
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, h.Autofill(ctx, card, address) }, nil
	})
	m.elementDragMethods(b, h)
}

func boxModelValue(vm *sobek.Runtime, box *browser.BoxModel) sobek.Value {
	if box == nil {
		return sobek.Null()
	}
	quad := func(q browser.Quad) sobek.Value {
		items := make([]any, 4)
		for i, p := range q {
			o := vm.NewObject()
			_ = o.Set("x", p.X)
			_ = o.Set("y", p.Y)
			items[i] = o
		}
		return vm.NewArray(items...)
	}
	o := vm.NewObject()
	_ = o.Set("content", quad(box.Content))
	_ = o.Set("padding", quad(box.Padding))
	_ = o.Set("border", quad(box.Border))
	_ = o.Set("margin", quad(box.Margin))
	_ = o.Set("width", box.Width)
	_ = o.Set("height", box.Height)
	return o
}

// pageSelectMethods adds the Page-only members of this file.
func (m *mapper) pageSelectMethods(b *builder, p *browser.Page) {
	b.getter("touchscreen", func() sobek.Value { return m.wrapTouchscreen(p) })
	b.async("setDragInterception", func(call sobek.FunctionCall) (work, error) {
		enabled := call.Argument(0).ToBoolean()
		return func(ctx context.Context) (js.Builder, error) { return nil, p.SetDragInterception(ctx, enabled) }, nil
	})
	b.method("isDragInterceptionEnabled", func(sobek.FunctionCall) sobek.Value {
		return m.vm.ToValue(p.IsDragInterceptionEnabled())
	})
}

// wrapTouchscreen returns page.touchscreen.
func (m *mapper) wrapTouchscreen(p *browser.Page) *sobek.Object {
	if obj, ok := m.touchscreens[p]; ok {
		return obj
	}
	ts := p.Touchscreen()
	b := m.object(touchscreenAPI)
	xy := func(call sobek.FunctionCall) (float64, float64, error) {
		x, err := argNumber(call.Argument(0), "x")
		if err != nil {
			return 0, 0, err
		}
		y, err := argNumber(call.Argument(1), "y")
		return x, y, err
	}
	b.async("tap", func(call sobek.FunctionCall) (work, error) {
		x, y, err := xy(call)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, ts.Tap(ctx, x, y) }, nil
	})
	b.async("touchStart", func(call sobek.FunctionCall) (work, error) {
		x, y, err := xy(call)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			t, err := ts.TouchStart(ctx, x, y)
			return func(*sobek.Runtime) sobek.Value { return m.wrapTouchHandle(t) }, err
		}, nil
	})
	b.async("touchMove", func(call sobek.FunctionCall) (work, error) {
		x, y, err := xy(call)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, ts.TouchMove(ctx, x, y) }, nil
	})
	b.async("touchEnd", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) { return nil, ts.TouchEnd(ctx) }, nil
	})
	obj := b.done()
	m.touchscreens[p] = obj
	return obj
}

// wrapTouchHandle builds the TouchHandle object for t.
func (m *mapper) wrapTouchHandle(t *browser.TouchHandle) sobek.Value {
	if t == nil {
		return sobek.Undefined()
	}
	b := m.object(touchHandleAPI)
	b.async("move", func(call sobek.FunctionCall) (work, error) {
		x, err := argNumber(call.Argument(0), "x")
		if err != nil {
			return nil, err
		}
		y, err := argNumber(call.Argument(1), "y")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, t.Move(ctx, x, y) }, nil
	})
	b.async("end", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) { return nil, t.End(ctx) }, nil
	})
	obj := b.done()
	m.touches[obj] = t
	return obj
}

// queryHandlerMethods defines the custom query handler functions on obj
// (the module, for old scripts, and the Puppeteer class's statics).
func (m *mapper) queryHandlerMethods(define func(name string, fn func(sobek.FunctionCall) sobek.Value)) {
	reg := &m.mod.queries
	define("registerCustomQueryHandler", func(call sobek.FunctionCall) sobek.Value {
		name := call.Argument(0).String()
		var h browser.CustomQueryHandler
		if o, ok := call.Argument(1).(*sobek.Object); ok {
			for key, dst := range map[string]*string{"queryOne": &h.QueryOne, "queryAll": &h.QueryAll} {
				v := o.Get(key)
				if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
					continue
				}
				src, err := m.pageFunction(v, "queryHandler."+key)
				if err != nil {
					panic(m.jsError(err, m.rt.CallSite()))
				}
				*dst = src
			}
		}
		if err := reg.Register(name, h); err != nil {
			panic(m.rt.NewError(err.Error()))
		}
		return sobek.Undefined()
	})
	define("unregisterCustomQueryHandler", func(call sobek.FunctionCall) sobek.Value {
		if err := reg.Unregister(call.Argument(0).String()); err != nil {
			panic(m.rt.NewError(err.Error()))
		}
		return sobek.Undefined()
	})
	define("customQueryHandlerNames", func(sobek.FunctionCall) sobek.Value {
		names := reg.Names()
		items := make([]any, len(names))
		for i, n := range names {
			items[i] = n
		}
		return m.vm.NewArray(items...)
	})
	define("clearCustomQueryHandlers", func(sobek.FunctionCall) sobek.Value {
		reg.Clear()
		return sobek.Undefined()
	})
}

// puppeteerClass builds the Puppeteer export: the class whose statics
// manage custom query handlers in Puppeteer 22 and later.
func (m *mapper) puppeteerClass() sobek.Value {
	ctor := m.rt.Func("Puppeteer", func(sobek.FunctionCall) sobek.Value {
		panic(m.rt.NewTypeError("Skriptable does not support constructing Puppeteer; use the puppeteer module"))
	}).(*sobek.Object)
	m.queryHandlerMethods(func(name string, fn func(sobek.FunctionCall) sobek.Value) {
		_ = ctor.DefineDataProperty(name, m.rt.Func(name, fn), sobek.FLAG_TRUE, sobek.FLAG_TRUE, sobek.FLAG_FALSE)
	})
	return ctor
}
