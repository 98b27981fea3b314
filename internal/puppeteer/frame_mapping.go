package puppeteer

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// frameMethods defines the members Page and Frame share (Puppeteer's
// Page delegates them to its main frame). frame returns the target frame
// at call time; page supplies default timeouts.
func (m *mapper) frameMethods(b *builder, page *browser.Page, frame func() *browser.Frame) {
	waitTimeout := func(o *opts) (time.Duration, error) {
		d, ok, err := o.millis("timeout")
		if err != nil || ok {
			return d, err
		}
		return page.Timeout(), nil
	}
	navOptions := func(v sobek.Value) (browser.NavigateOptions, error) {
		o, err := m.options(v, "options")
		if err != nil {
			return browser.NavigateOptions{}, err
		}
		var no browser.NavigateOptions
		if no.WaitUntil, err = o.strs("waitUntil"); err != nil {
			return no, err
		}
		if _, err := browser.ParseWaitUntil(no.WaitUntil); err != nil {
			return no, err
		}
		d, ok, err := o.millis("timeout")
		if err != nil {
			return no, err
		}
		no.Timeout = page.NavigationTimeout()
		if ok {
			no.Timeout = d
		}
		if no.Referer, _, err = o.str("referer"); err != nil {
			return no, err
		}
		return no, nil
	}
	responseResult := func(r *browser.Response) js.Builder {
		return func(*sobek.Runtime) sobek.Value {
			if r == nil {
				return sobek.Null()
			}
			return m.wrapResponse(page, r)
		}
	}

	b.async("goto", func(call sobek.FunctionCall) (work, error) {
		url, err := argString(call.Argument(0), "url")
		if err != nil {
			return nil, err
		}
		no, err := navOptions(call.Argument(1))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			r, err := frame().Goto(ctx, url, no)
			return responseResult(r), err
		}, nil
	})
	b.async("waitForNavigation", func(call sobek.FunctionCall) (work, error) {
		no, err := navOptions(call.Argument(0))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			r, err := frame().WaitForNavigation(ctx, no)
			return responseResult(r), err
		}, nil
	})
	waitForSelector := func(selArg, optArg sobek.Value) (work, error) {
		sel, err := argSelector(selArg)
		if err != nil {
			return nil, err
		}
		o, err := m.options(optArg, "options")
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
		if wo.Timeout, err = waitTimeout(o); err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			h, err := frame().WaitForSelector(ctx, nil, sel, wo)
			return m.handleResult(h), err
		}, nil
	}
	b.async("waitForSelector", func(call sobek.FunctionCall) (work, error) {
		return waitForSelector(call.Argument(0), call.Argument(1))
	})
	waitForFunction := func(fnArg, optArg sobek.Value, rest []sobek.Value) (work, error) {
		o, err := m.options(optArg, "options")
		if err != nil {
			return nil, err
		}
		var wo browser.WaitOptions
		if wo.Timeout, err = waitTimeout(o); err != nil {
			return nil, err
		}
		if p := o.get("polling"); p != nil {
			switch {
			case sobek.IsNumber(p) && p.ToFloat() > 0:
				wo.Polling = fmt.Sprint(p.ToInteger())
			case sobek.IsString(p) && (p.String() == "raf" || p.String() == "mutation"):
				wo.Polling = p.String()
			default:
				return nil, fmt.Errorf("Unknown polling option: %s", p.String())
			}
		}
		var src string
		if sobek.IsString(fnArg) {
			src = "() => { return (" + fnArg.String() + "); }"
		} else if src, err = m.pageFunction(fnArg, "pageFunction"); err != nil {
			return nil, err
		}
		args, err := m.toArgs(rest)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			h, err := frame().WaitForFunction(ctx, src, args, wo)
			return m.handleResult(h), err
		}, nil
	}
	b.async("waitForFunction", func(call sobek.FunctionCall) (work, error) {
		return waitForFunction(call.Argument(0), call.Argument(1), call.Arguments[min(2, len(call.Arguments)):])
	})
	sleepWork := func(v sobek.Value) (work, error) {
		ms, err := argNumber(v, "milliseconds")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			t := time.NewTimer(time.Duration(ms * float64(time.Millisecond)))
			defer t.Stop()
			select {
			case <-t.C:
				return nil, nil
			case <-ctx.Done():
				return nil, context.Cause(ctx)
			}
		}, nil
	}
	b.async("waitForTimeout", func(call sobek.FunctionCall) (work, error) { return sleepWork(call.Argument(0)) })
	if b.api == pageAPI {
		// page.waitFor (removed in Puppeteer 10) dispatched on the type.
		b.async("waitFor", func(call sobek.FunctionCall) (work, error) {
			switch a := call.Argument(0); {
			case sobek.IsNumber(a):
				return sleepWork(a)
			case sobek.IsString(a):
				return waitForSelector(a, call.Argument(1))
			default:
				return waitForFunction(a, call.Argument(1), call.Arguments[min(2, len(call.Arguments)):])
			}
		})
	}
	b.async("evaluate", func(call sobek.FunctionCall) (work, error) {
		return m.evaluate(frame, call.Argument(0), call.Arguments[min(1, len(call.Arguments)):], false)
	})
	b.async("evaluateHandle", func(call sobek.FunctionCall) (work, error) {
		return m.evaluate(frame, call.Argument(0), call.Arguments[min(1, len(call.Arguments)):], true)
	})
	b.async("$", func(call sobek.FunctionCall) (work, error) {
		sel, err := argSelector(call.Argument(0))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			h, err := frame().QuerySelector(ctx, sel)
			return m.handleResult(h), err
		}, nil
	})
	b.async("$$", func(call sobek.FunctionCall) (work, error) {
		sel, err := argSelector(call.Argument(0))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			hs, err := frame().QuerySelectorAll(ctx, sel)
			return m.handleArray(hs), err
		}, nil
	})
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
					v, err = frame().EvalOnSelectorAll(ctx, sel, src, args)
				} else {
					v, err = frame().EvalOnSelector(ctx, sel, src, args)
				}
				return valueResult(v), err
			}, nil
		}
	}
	b.async("$eval", evalOn(false))
	b.async("$$eval", evalOn(true))
	b.async("click", func(call sobek.FunctionCall) (work, error) {
		sel, err := argSelector(call.Argument(0))
		if err != nil {
			return nil, err
		}
		co, err := m.clickOptions(call.Argument(1))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, frame().Click(ctx, sel, co) }, nil
	})
	b.async("type", func(call sobek.FunctionCall) (work, error) {
		sel, err := argSelector(call.Argument(0))
		if err != nil {
			return nil, err
		}
		text, err := argString(call.Argument(1), "text")
		if err != nil {
			return nil, err
		}
		delay, err := m.delayOption(call.Argument(2))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, frame().Type(ctx, sel, text, delay) }, nil
	})
	b.async("focus", func(call sobek.FunctionCall) (work, error) {
		sel, err := argSelector(call.Argument(0))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, frame().Focus(ctx, sel) }, nil
	})
	b.async("hover", func(call sobek.FunctionCall) (work, error) {
		sel, err := argSelector(call.Argument(0))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, frame().Hover(ctx, sel) }, nil
	})
	b.async("title", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			t, err := frame().Title(ctx)
			return str(t), err
		}, nil
	})
	b.async("content", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			t, err := frame().Content(ctx)
			return str(t), err
		}, nil
	})
	b.method("url", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(frame().URL()) })
	m.frameSelectMethods(b, page, frame)
}

// evaluate implements evaluate and evaluateHandle on a frame.
func (m *mapper) evaluate(frame func() *browser.Frame, fn sobek.Value, rest []sobek.Value, handle bool) (work, error) {
	if sobek.IsString(fn) {
		expr := fn.String()
		return func(ctx context.Context) (js.Builder, error) {
			if handle {
				h, err := frame().EvaluateExpressionHandle(ctx, expr)
				return m.handleResult(h), err
			}
			v, err := frame().EvaluateExpression(ctx, expr)
			return valueResult(v), err
		}, nil
	}
	src, err := m.pageFunction(fn, "pageFunction")
	if err != nil {
		return nil, err
	}
	args, err := m.toArgs(rest)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Builder, error) {
		if handle {
			h, err := frame().EvaluateHandle(ctx, src, args)
			return m.handleResult(h), err
		}
		v, err := frame().Evaluate(ctx, src, args)
		return valueResult(v), err
	}, nil
}

func valueResult(v browser.Value) js.Builder {
	return func(vm *sobek.Runtime) sobek.Value { return fromValue(vm, v) }
}

// clickOptions parses Puppeteer's ClickOptions.
func (m *mapper) clickOptions(v sobek.Value) (browser.ClickOptions, error) {
	var co browser.ClickOptions
	mo, err := m.mouseOptions(v)
	if err != nil {
		return co, err
	}
	co.MouseOptions = mo
	o, _ := m.options(v, "options")
	if off := o.get("offset"); off != nil {
		oo, err := m.options(off, "options.offset")
		if err != nil {
			return co, err
		}
		x, _, err := oo.num("x")
		if err != nil {
			return co, err
		}
		y, _, err := oo.num("y")
		if err != nil {
			return co, err
		}
		co.Offset = &browser.Point{X: x, Y: y}
	}
	return co, nil
}

func (m *mapper) delayOption(v sobek.Value) (time.Duration, error) {
	o, err := m.options(v, "options")
	if err != nil {
		return 0, err
	}
	d, _, err := o.millis("delay")
	return d, err
}

// frameObject returns the script's Frame object for f.
func (m *mapper) wrapFrame(f *browser.Frame) *sobek.Object {
	if f == nil {
		return nil
	}
	if obj, ok := m.frames[f]; ok {
		return obj
	}
	b := m.object(frameAPI)
	m.emitter(b, nil, nil)
	m.frameMethods(b, f.Page(), func() *browser.Frame { return f })
	m.contentMethods(b, f.Page(), func() *browser.Frame { return f }) // frame_content.go
	b.method("name", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(f.Name()) })
	b.method("page", func(sobek.FunctionCall) sobek.Value { return m.wrapPage(f.Page()) })
	b.method("parentFrame", func(sobek.FunctionCall) sobek.Value {
		if p := f.ParentFrame(); p != nil {
			return m.wrapFrame(p)
		}
		return sobek.Null()
	})
	b.method("childFrames", func(sobek.FunctionCall) sobek.Value { return m.frameArray(f.ChildFrames()) })
	b.method("isDetached", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(f.Detached()) })
	b.getter("detached", func() sobek.Value { return m.vm.ToValue(f.Detached()) })
	b.async("frameElement", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			h, err := f.FrameElement(ctx)
			return m.handleResult(h), err
		}, nil
	})
	obj := b.done()
	m.frames[f] = obj
	return obj
}

func (m *mapper) frameArray(fs []*browser.Frame) sobek.Value {
	items := make([]any, 0, len(fs))
	for _, f := range fs {
		items = append(items, m.wrapFrame(f))
	}
	return m.vm.NewArray(items...)
}
