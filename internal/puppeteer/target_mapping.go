package puppeteer

import (
	"context"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// Puppeteer 24's Target API: browser.targets()/target()/waitForTarget,
// the same on a browser context, page.target(), Target objects and the
// targetcreated/targetchanged/targetdestroyed events. Raw protocol access
// (createCDPSession) is deliberately absent: scripts never get CDP.

var targetAPI = cdpClass("Target", "target", `
type S
url S
page S
asPage P only page targets: other kinds reject
opener S
browser S
browserContext S
worker P always null: Skriptable does not attach to service or shared workers
createCDPSession U deliberately: Skriptable gives scripts no raw DevTools protocol access
`)

// targetEvents are the Browser's and BrowserContext's target events.
var targetEvents = []string{"targetcreated", "targetchanged", "targetdestroyed"}

// wrapTarget returns the script's Target object for t (one per target).
func (m *mapper) wrapTarget(t *browser.Target) *sobek.Object {
	if t == nil {
		return nil
	}
	if m.targets == nil {
		m.targets = map[string]*sobek.Object{}
	}
	if obj, ok := m.targets[t.ID()]; ok {
		return obj
	}
	b := m.object(targetAPI)
	b.method("type", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(t.Type()) })
	b.method("url", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(t.URL()) })
	page := func(strict bool) func(sobek.FunctionCall) (work, error) {
		return func(sobek.FunctionCall) (work, error) {
			return func(context.Context) (js.Builder, error) {
				p := t.Page()
				if p == nil && strict {
					return nil, argErrorf("target.asPage: a %s target cannot be used as a page in Skriptable", t.Type())
				}
				return func(*sobek.Runtime) sobek.Value {
					if p == nil {
						return sobek.Null()
					}
					return m.wrapPage(p)
				}, nil
			}, nil
		}
	}
	b.async("page", page(false))
	b.async("asPage", page(true))
	b.async("worker", func(sobek.FunctionCall) (work, error) {
		return func(context.Context) (js.Builder, error) {
			return func(*sobek.Runtime) sobek.Value { return sobek.Null() }, nil
		}, nil
	})
	b.method("opener", func(sobek.FunctionCall) sobek.Value {
		if o := t.Opener(); o != nil {
			return m.wrapTarget(o)
		}
		return sobek.Undefined()
	})
	b.method("browser", func(sobek.FunctionCall) sobek.Value { return m.wrapBrowser(t.Browser()) })
	b.method("browserContext", func(sobek.FunctionCall) sobek.Value {
		return m.wrapContext(t.Browser(), t.Context())
	})
	obj := b.done()
	m.targets[t.ID()] = obj
	return obj
}

func (m *mapper) targetArray(ts []*browser.Target) sobek.Value {
	items := make([]any, 0, len(ts))
	for _, t := range ts {
		items = append(items, m.wrapTarget(t))
	}
	return m.vm.NewArray(items...)
}

// subscribeTargets feeds em's target events from the browser's, keeping
// only the targets keep accepts (nil: all).
func (m *mapper) subscribeTargets(em **jsEmitter, br *browser.Browser, event string, keep func(*browser.Target) bool) func() {
	return br.TargetEvents().On(event, func(ev browser.Event) {
		if keep != nil && !keep(ev.Target) {
			return
		}
		t := ev.Target
		(*em).post(event, func() []sobek.Value { return []sobek.Value{m.wrapTarget(t)} })
	})
}

// waitForTargetSource is browser.waitForTarget: the first target, among
// the current ones and those created or changed later, that satisfies the
// (possibly async) predicate, as Puppeteer's rxjs pipeline does; a timeout
// of 0 waits forever.
const waitForTargetSource = `(function (setTimeout, clearTimeout) {
  return function waitForTarget(emitter, targets, predicate, ms, TimeoutError) {
    return new Promise((resolve, reject) => {
      let done = false;
      let timer;
      const finish = () => {
        done = true;
        emitter.off('targetcreated', check);
        emitter.off('targetchanged', check);
        if (timer !== undefined) clearTimeout(timer);
      };
      function check(target) {
        if (done) return;
        Promise.resolve().then(() => predicate(target)).then((ok) => {
          if (ok && !done) { finish(); resolve(target); }
        }, (err) => {
          if (!done) { finish(); reject(err); }
        });
      }
      emitter.on('targetcreated', check);
      emitter.on('targetchanged', check);
      if (ms > 0) {
        timer = setTimeout(() => {
          if (!done) { finish(); reject(new TimeoutError('Timed out after waiting ' + ms + 'ms')); }
        }, ms);
      }
      for (const t of targets) check(t);
    });
  };
})`

// targetMethods defines targets() and waitForTarget on a Browser (c nil)
// or a BrowserContext.
func (m *mapper) targetMethods(b *builder, br *browser.Browser, c *browser.Context) {
	list := func() []*browser.Target {
		if c == nil {
			return br.Targets()
		}
		return c.Targets()
	}
	b.method("targets", func(sobek.FunctionCall) sobek.Value { return m.targetArray(list()) })
	b.method("waitForTarget", func(call sobek.FunctionCall) sobek.Value {
		site := m.rt.CallSite()
		pred := call.Argument(0)
		if _, ok := sobek.AssertFunction(pred); !ok {
			return m.rejected(argErrorf("predicate must be a function, got %s", typeName(pred)), site)
		}
		o, err := m.options(call.Argument(1), "options")
		if err != nil {
			return m.rejected(err, site)
		}
		ms := float64(30000)
		if d, ok, err := o.millis("timeout"); err != nil {
			return m.rejected(err, site)
		} else if ok {
			ms = float64(d.Milliseconds())
		}
		if m.waitForTarget == nil {
			v, err := m.vm.RunString(waitForTargetSource)
			if err != nil {
				panic(err)
			}
			mk, _ := sobek.AssertFunction(v)
			fn, err := mk(sobek.Undefined(), m.vm.Get("setTimeout"), m.vm.Get("clearTimeout"))
			if err != nil {
				panic(err)
			}
			m.waitForTarget, _ = sobek.AssertFunction(fn)
		}
		v, err := m.waitForTarget(sobek.Undefined(), b.this(), m.targetArray(list()), pred, m.vm.ToValue(ms), m.errs["TimeoutError"])
		if err != nil {
			panic(err)
		}
		return v
	})
}
