package puppeteer

import (
	"context"
	"strconv"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// Page events of the frames and targets area: frame tree changes, popups,
// workers and metrics.
func init() {
	frameArg := func(m *mapper, _ *browser.Page, ev browser.Event) []sobek.Value {
		return []sobek.Value{m.wrapFrame(ev.Frame)}
	}
	workerArg := func(m *mapper, _ *browser.Page, ev browser.Event) []sobek.Value {
		return []sobek.Value{m.wrapWorker(ev.Worker)}
	}
	pageEventArgs["frameattached"] = frameArg
	pageEventArgs["framedetached"] = frameArg
	pageEventArgs["framenavigated"] = frameArg
	pageEventArgs["popup"] = func(m *mapper, _ *browser.Page, ev browser.Event) []sobek.Value {
		return []sobek.Value{m.wrapPage(ev.Page)}
	}
	pageEventArgs["workercreated"] = workerArg
	pageEventArgs["workerdestroyed"] = workerArg
	pageEventArgs["metrics"] = func(m *mapper, _ *browser.Page, ev browser.Event) []sobek.Value {
		o := m.vm.NewObject()
		_ = o.Set("title", ev.Metrics.Title)
		_ = o.Set("metrics", metricsObject(m.vm, ev.Metrics))
		return []sobek.Value{o}
	}
}

func metricsObject(vm *sobek.Runtime, ms *browser.Metrics) *sobek.Object {
	o := vm.NewObject()
	for _, x := range ms.Metrics {
		_ = o.Set(x.Name, x.Value)
	}
	return o
}

// waitForFrameSource is page.waitForFrame: the first frame, among the
// current ones and those attached or navigated later, that satisfies the
// predicate (which may be async), as Puppeteer's rxjs pipeline does. It
// runs as script-level JS because the predicate is the script's function.
const waitForFrameSource = `(function (setTimeout, clearTimeout) {
  return function waitForFrame(page, predicate, ms, TimeoutError, TargetCloseError) {
    return new Promise((resolve, reject) => {
      let done = false;
      let timer;
      const finish = () => {
        done = true;
        page.off('frameattached', check);
        page.off('framenavigated', check);
        page.off('close', onClose);
        if (timer !== undefined) clearTimeout(timer);
      };
      function check(frame) {
        if (done) return;
        Promise.resolve().then(() => predicate(frame)).then((ok) => {
          if (ok && !done) { finish(); resolve(frame); }
        }, (err) => {
          if (!done) { finish(); reject(err); }
        });
      }
      function onClose() {
        if (!done) { finish(); reject(new TargetCloseError('Page closed.')); }
      }
      page.on('frameattached', check);
      page.on('framenavigated', check);
      page.on('close', onClose);
      if (ms > 0) {
        timer = setTimeout(() => {
          if (!done) { finish(); reject(new TimeoutError('Timed out after waiting ' + ms + 'ms')); }
        }, ms);
      }
      for (const frame of page.frames()) check(frame);
    });
  };
})`

// pageFrameMethods adds the Page members of the frames and tools area.
func (m *mapper) pageFrameMethods(b *builder, p *browser.Page) {
	b.method("waitForFrame", func(call sobek.FunctionCall) sobek.Value {
		site := m.rt.CallSite()
		arg := call.Argument(0)
		var pred sobek.Value
		switch {
		case sobek.IsString(arg):
			url := arg.String()
			pred = m.rt.Func("predicate", func(c sobek.FunctionCall) sobek.Value {
				f, ok := c.Argument(0).(*sobek.Object)
				if !ok {
					return m.vm.ToValue(false)
				}
				fn, _ := sobek.AssertFunction(f.Get("url"))
				if fn == nil {
					return m.vm.ToValue(false)
				}
				u, err := fn(f)
				return m.vm.ToValue(err == nil && u.String() == url)
			})
		default:
			if _, ok := sobek.AssertFunction(arg); !ok {
				return m.rejected(argErrorf("urlOrPredicate must be a string or a function, got %s", typeName(arg)), site)
			}
			pred = arg
		}
		o, err := m.options(call.Argument(1), "options")
		if err != nil {
			return m.rejected(err, site)
		}
		ms := float64(p.Timeout().Milliseconds())
		if d, ok, err := o.millis("timeout"); err != nil {
			return m.rejected(err, site)
		} else if ok {
			ms = float64(d.Milliseconds())
		}
		fn, err := m.waitForFrameHelper()
		if err != nil {
			return m.rejected(err, site)
		}
		v, err := fn(sobek.Undefined(), m.wrapPage(p), pred, m.vm.ToValue(ms), m.errs["TimeoutError"], m.errs["TargetCloseError"])
		if err != nil {
			panic(err)
		}
		return v
	})
	b.method("workers", func(sobek.FunctionCall) sobek.Value {
		ws := p.Workers()
		items := make([]any, 0, len(ws))
		for _, w := range ws {
			items = append(items, m.wrapWorker(w))
		}
		return m.vm.NewArray(items...)
	})
	b.async("metrics", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			ms, err := p.GetMetrics(ctx)
			if err != nil {
				return nil, err
			}
			return func(vm *sobek.Runtime) sobek.Value { return metricsObject(vm, ms) }, nil
		}, nil
	})
	b.getter("tracing", func() sobek.Value { return m.wrapTracing(p) })
	b.getter("coverage", func() sobek.Value { return m.wrapCoverage(p) })
	b.getter("accessibility", func() sobek.Value { return m.wrapAccessibility(p.MainFrame) })
	b.async("waitForFileChooser", func(call sobek.FunctionCall) (work, error) {
		o, err := m.options(call.Argument(0), "options")
		if err != nil {
			return nil, err
		}
		d, ok, err := o.millis("timeout")
		if err != nil {
			return nil, err
		}
		if !ok {
			d = p.Timeout()
		}
		return func(ctx context.Context) (js.Builder, error) {
			if d > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeoutCause(ctx, d, &browser.TimeoutError{
					Msg: "Waiting for `FileChooser` failed: " + strconv.FormatInt(d.Milliseconds(), 10) + "ms exceeded"})
				defer cancel()
			}
			fc, err := p.WaitForFileChooser(ctx, d.Milliseconds())
			if err != nil {
				return nil, err
			}
			return func(*sobek.Runtime) sobek.Value { return m.wrapFileChooser(fc) }, nil
		}, nil
	})
}

// waitForFrameHelper compiles waitForFrameSource once per runtime, binding
// the timer functions as they were when first used.
func (m *mapper) waitForFrameHelper() (sobek.Callable, error) {
	if m.tools == nil {
		m.tools = &toolObjects{}
	}
	if m.tools.waitForFrame != nil {
		return m.tools.waitForFrame, nil
	}
	v, err := m.vm.RunString(waitForFrameSource)
	if err != nil {
		return nil, err
	}
	outer, _ := sobek.AssertFunction(v)
	inner, err := outer(sobek.Undefined(), m.vm.Get("setTimeout"), m.vm.Get("clearTimeout"))
	if err != nil {
		return nil, err
	}
	fn, _ := sobek.AssertFunction(inner)
	m.tools.waitForFrame = fn
	return fn, nil
}
