package puppeteer

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// pageNetMethods adds the page's network methods: interception, headers,
// user agent, credentials, cache and offline mode, and the network waits.
func (m *mapper) pageNetMethods(b *builder, p *browser.Page) {
	m.wrapRequestListeners(b)
	b.async("setRequestInterception", func(call sobek.FunctionCall) (work, error) {
		on := call.Argument(0).ToBoolean()
		return func(ctx context.Context) (js.Builder, error) { return nil, p.SetRequestInterception(ctx, on) }, nil
	})
	b.async("setExtraHTTPHeaders", func(call sobek.FunctionCall) (work, error) {
		v := call.Argument(0)
		if sobek.IsUndefined(v) || sobek.IsNull(v) {
			return nil, argErrorf("Cannot convert undefined or null to object")
		}
		obj := v.ToObject(m.vm)
		h := map[string]string{}
		for _, k := range obj.Keys() {
			val := obj.Get(k)
			if !sobek.IsString(val) {
				return nil, fmt.Errorf("Expected value of header %q to be String, but %q is found.", k, typeOf(val))
			}
			h[k] = val.String()
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.SetExtraHTTPHeaders(ctx, h) }, nil
	})
	b.async("setUserAgent", func(call sobek.FunctionCall) (work, error) {
		var (
			ua, platform string
			meta         []byte
			uaGiven      = true
		)
		toJSON := func(v sobek.Value) ([]byte, error) {
			if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
				return nil, nil
			}
			s, err := m.stringify(sobek.Undefined(), v)
			if err != nil {
				return nil, err
			}
			return []byte(s.String()), nil
		}
		var err error
		if first := call.Argument(0); sobek.IsString(first) {
			ua = first.String()
			if meta, err = toJSON(call.Argument(1)); err != nil {
				return nil, err
			}
		} else {
			o, err := m.options(first, "options")
			if err != nil {
				return nil, err
			}
			var ok bool
			if ua, ok, err = o.str("userAgent"); err != nil {
				return nil, err
			}
			uaGiven = ok
			if meta, err = toJSON(o.get("userAgentMetadata")); err != nil {
				return nil, err
			}
			if platform, _, err = o.str("platform"); err != nil {
				return nil, err
			}
		}
		return func(ctx context.Context) (js.Builder, error) {
			if !uaGiven {
				s, err := p.Browser().UserAgent(ctx)
				if err != nil {
					return nil, err
				}
				ua = s
			}
			return nil, p.SetUserAgent(ctx, ua, meta, platform)
		}, nil
	})
	b.async("authenticate", func(call sobek.FunctionCall) (work, error) {
		var c *browser.Credentials
		if v := call.Argument(0); !sobek.IsUndefined(v) && !sobek.IsNull(v) {
			o, err := m.options(v, "credentials")
			if err != nil {
				return nil, err
			}
			c = &browser.Credentials{}
			if c.Username, _, err = o.str("username"); err != nil {
				return nil, err
			}
			if c.Password, _, err = o.str("password"); err != nil {
				return nil, err
			}
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.Authenticate(ctx, c) }, nil
	})
	b.async("setCacheEnabled", func(call sobek.FunctionCall) (work, error) {
		enabled := true
		if v := call.Argument(0); !sobek.IsUndefined(v) {
			enabled = v.ToBoolean()
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.SetCacheEnabled(ctx, enabled) }, nil
	})
	b.async("setOfflineMode", func(call sobek.FunctionCall) (work, error) {
		off := call.Argument(0).ToBoolean()
		return func(ctx context.Context) (js.Builder, error) { return nil, p.SetOfflineMode(ctx, off) }, nil
	})
	b.async("waitForNetworkIdle", func(call sobek.FunctionCall) (work, error) {
		o, err := m.options(call.Argument(0), "options")
		if err != nil {
			return nil, err
		}
		opts := browser.NetworkIdleOptions{IdleTime: 500 * time.Millisecond, Timeout: p.Timeout()}
		if d, ok, err := o.millis("idleTime"); err != nil {
			return nil, err
		} else if ok {
			opts.IdleTime = d
		}
		if d, ok, err := o.millis("timeout"); err != nil {
			return nil, err
		} else if ok {
			opts.Timeout = d
		}
		if n, ok, err := o.num("concurrency"); err != nil {
			return nil, err
		} else if ok {
			opts.Concurrency = int(n)
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.WaitForNetworkIdle(ctx, opts) }, nil
	})
	b.method("waitForRequest", func(call sobek.FunctionCall) sobek.Value {
		return m.waitForNetworkEvent(p, "request", call)
	})
	b.method("waitForResponse", func(call sobek.FunctionCall) sobek.Value {
		return m.waitForNetworkEvent(p, "response", call)
	})
}

func typeOf(v sobek.Value) string {
	switch {
	case v == nil || sobek.IsUndefined(v):
		return "undefined"
	case sobek.IsNull(v):
		return "object"
	case sobek.IsNumber(v):
		return "number"
	case sobek.IsBigInt(v):
		return "bigint"
	}
	if _, ok := sobek.AssertFunction(v); ok {
		return "function"
	}
	switch v.ExportType().Kind().String() {
	case "bool":
		return "boolean"
	}
	if _, ok := v.(*sobek.Object); ok {
		return "object"
	}
	return "symbol"
}

// waitForNetworkEvent is waitForRequest/waitForResponse: the first event
// whose object matches the URL or satisfies the (possibly async)
// predicate, a TimeoutError after the timeout (0: none), or a
// TargetCloseError when the page closes.
func (m *mapper) waitForNetworkEvent(p *browser.Page, event string, call sobek.FunctionCall) sobek.Value {
	site := m.rt.CallSite()
	pred := call.Argument(0)
	url := ""
	fn, isFn := sobek.AssertFunction(pred)
	if !isFn {
		url = pred.String()
	}
	o, err := m.options(call.Argument(1), "options")
	if err != nil {
		return m.rejected(err, site)
	}
	timeout := p.Timeout()
	if d, ok, err := o.millis("timeout"); err != nil {
		return m.rejected(err, site)
	} else if ok {
		timeout = d
	}
	// The promise is settled synchronously on the loop (so a rejection's
	// handlers run before the next one), and a reserved callback keeps the
	// run alive while the wait is pending.
	promise, resolveJS, rejectJS := m.vm.NewPromise()
	release := m.rt.Loop().RegisterCallback()
	done := false
	var offs []func()
	wait := &netWait{}
	finish := func(v sobek.Value, err error, raw sobek.Value) {
		if done {
			return
		}
		done = true
		for _, off := range offs {
			off()
		}
		m.dropNetWait(wait)
		switch {
		case err != nil:
			_ = rejectJS(m.jsError(err, site))
		case raw != nil:
			_ = rejectJS(raw)
		default:
			_ = resolveJS(v)
		}
		release(func() error { return nil })
	}
	test := func(obj sobek.Value, reqURL string) {
		if !isFn {
			if reqURL == url {
				finish(obj, nil, nil)
			}
			return
		}
		res, err := fn(sobek.Undefined(), obj)
		if err != nil {
			if ex, ok := err.(*sobek.Exception); ok {
				finish(nil, nil, ex.Value())
				return
			}
			finish(nil, err, nil)
			return
		}
		if ro, ok := res.(*sobek.Object); ok {
			if then, ok := sobek.AssertFunction(ro.Get("then")); ok {
				_, _ = then(ro,
					m.vm.ToValue(func(c sobek.FunctionCall) sobek.Value {
						if c.Argument(0).ToBoolean() {
							finish(obj, nil, nil)
						}
						return sobek.Undefined()
					}),
					m.vm.ToValue(func(c sobek.FunctionCall) sobek.Value {
						finish(nil, nil, c.Argument(0))
						return sobek.Undefined()
					}))
				return
			}
		}
		if res.ToBoolean() {
			finish(obj, nil, nil)
		}
	}
	loop := m.rt.Loop()
	offs = append(offs, p.Events().On(event, func(ev browser.Event) {
		loop.Post(func() error {
			if done {
				return nil
			}
			if event == "request" {
				test(m.wrapRequest(p, ev.Request), ev.Request.URL)
			} else {
				test(m.wrapResponse(p, ev.Response), ev.Response.URL)
			}
			return nil
		})
	}))
	offs = append(offs, p.Events().On("close", func(browser.Event) {
		loop.Post(func() error {
			finish(nil, browser.PageClosedError("Page closed!"), nil)
			return nil
		})
	}))
	if timeout > 0 {
		wait.deadline = time.Now().Add(timeout)
		wait.expire = func() {
			finish(nil, &browser.TimeoutError{Msg: fmt.Sprintf("Timed out after waiting %dms", timeout.Milliseconds())}, nil)
		}
		m.netWaits = append(m.netWaits, wait)
		wait.timer = time.AfterFunc(timeout, func() { loop.Post(func() error { m.expireNetWaits(); return nil }) })
	}
	return m.vm.ToValue(promise)
}

// netWait is the timeout of one pending waitForRequest/waitForResponse.
type netWait struct {
	deadline time.Time
	expire   func()
	timer    *time.Timer
}

func (m *mapper) dropNetWait(w *netWait) {
	if w.timer != nil {
		w.timer.Stop()
	}
	for i, x := range m.netWaits {
		if x == w {
			m.netWaits = append(m.netWaits[:i:i], m.netWaits[i+1:]...)
			return
		}
	}
}

// expireNetWaits times out every wait whose deadline passed, earliest
// first: Go timers that fire together may run their callbacks in any
// order, Node's fire in deadline order.
func (m *mapper) expireNetWaits() {
	now := time.Now()
	var due []*netWait
	for _, w := range m.netWaits {
		if !w.deadline.After(now) {
			due = append(due, w)
		}
	}
	sort.SliceStable(due, func(i, j int) bool { return due[i].deadline.Before(due[j].deadline) })
	for _, w := range due {
		w.expire()
	}
}

// wrapRequestListeners makes page.on('request', handler) register, as
// Puppeteer's Page.on does, a wrapper that queues the handler as an
// intercept action: handlers then run one after another, each awaited,
// before the interception is finalized, so an async handler's cooperative
// vote still counts. off() finds the wrapper again.
func (m *mapper) wrapRequestListeners(b *builder) {
	wrappers := map[*sobek.Object]sobek.Value{}
	wrap := func(handler sobek.Value) sobek.Value {
		h, ok := handler.(*sobek.Object)
		if !ok {
			return handler
		}
		fn, ok := sobek.AssertFunction(h)
		if !ok {
			return handler
		}
		if w, ok := wrappers[h]; ok {
			return w
		}
		w := m.vm.ToValue(func(call sobek.FunctionCall) sobek.Value {
			event := call.Argument(0)
			obj := event.ToObject(m.vm)
			enqueue, ok := sobek.AssertFunction(obj.Get("enqueueInterceptAction"))
			if !ok {
				panic(m.rt.NewTypeError("event.enqueueInterceptAction is not a function"))
			}
			action := m.vm.ToValue(func(sobek.FunctionCall) sobek.Value {
				v, err := fn(sobek.Undefined(), event)
				if err != nil {
					panic(err)
				}
				return v
			})
			if _, err := enqueue(obj, action); err != nil {
				panic(err)
			}
			return sobek.Undefined()
		})
		wrappers[h] = w
		return w
	}
	for _, name := range []string{"on", "addListener", "once", "off", "removeListener"} {
		orig, ok := sobek.AssertFunction(b.obj.Get(name))
		if !ok {
			continue
		}
		remove := name == "off" || name == "removeListener"
		b.method(name, func(call sobek.FunctionCall) sobek.Value {
			args := append([]sobek.Value(nil), call.Arguments...)
			if len(args) >= 2 && args[0].String() == "request" {
				if h, ok := args[1].(*sobek.Object); ok && remove {
					if w, ok := wrappers[h]; ok {
						args[1] = w
					}
				} else if !remove {
					args[1] = wrap(args[1])
				}
			}
			v, err := orig(call.This, args...)
			if err != nil {
				panic(err)
			}
			return v
		})
	}
}
