package puppeteer

import (
	"context"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// wrapBrowser returns the script's Browser object for b (one per browser).
func (m *mapper) wrapBrowser(br *browser.Browser) *sobek.Object {
	if obj, ok := m.browsers[br]; ok {
		return obj
	}
	b := m.object(browserAPI)
	m.watchBrowser(br)
	var em *jsEmitter
	watching := false
	// 'disconnected' fires once, on the loop: before browser.close()
	// resolves (as in Puppeteer, where close awaits the connection's end),
	// or when the browser goes away by itself.
	disconnected := false
	sendDisconnected := func() error {
		if disconnected {
			return nil
		}
		disconnected = true
		return em.fire("disconnected")
	}
	em = m.emitter(b, append([]string{"disconnected"}, targetEvents...), func(event string) func() {
		if event != "disconnected" {
			return m.subscribeTargets(&em, br, event, nil)
		}
		if !watching { // one watcher, however often listeners come and go
			watching = true
			go func() {
				<-br.Done()
				m.rt.Loop().Post(sendDisconnected)
			}()
		}
		return func() {}
	})
	defaultContext := func() *sobek.Object { return m.wrapContext(br, br.DefaultContext()) }
	b.async("newPage", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			p, err := br.NewPage(ctx)
			if err != nil {
				return nil, err
			}
			return func(*sobek.Runtime) sobek.Value { return m.wrapPage(p) }, nil
		}, nil
	})
	b.async("pages", func(sobek.FunctionCall) (work, error) {
		return func(context.Context) (js.Builder, error) {
			ps := br.Pages()
			return func(*sobek.Runtime) sobek.Value { return m.pageArray(ps) }, nil
		}, nil
	})
	closeFn := func(sobek.FunctionCall) (work, error) {
		return func(context.Context) (js.Builder, error) {
			err := br.Close()
			m.mod.forget(br)
			return func(vm *sobek.Runtime) sobek.Value {
				if lerr := sendDisconnected(); lerr != nil {
					// A throwing listener ends the run, as an uncaught
					// exception in an event handler ends a Node process.
					m.rt.Loop().Post(func() error { return lerr })
				}
				return sobek.Undefined()
			}, err
		}, nil
	}
	b.async("close", closeFn)
	b.async("disconnect", closeFn)
	b.async("version", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			v, err := br.Version(ctx)
			return str(v), err
		}, nil
	})
	b.async("userAgent", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			v, err := br.UserAgent(ctx)
			return str(v), err
		}, nil
	})
	b.method("isConnected", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(br.Connected()) })
	b.getter("connected", func() sobek.Value { return m.vm.ToValue(br.Connected()) })
	b.method("defaultBrowserContext", func(sobek.FunctionCall) sobek.Value { return defaultContext() })
	m.browserStateMethods(b, br) // createBrowserContext, browserContexts, cookies: state_contexts.go
	b.method("process", func(sobek.FunctionCall) sobek.Value { return sobek.Null() })
	m.targetMethods(b, br, nil) // targets, waitForTarget: target_mapping.go
	b.method("target", func(sobek.FunctionCall) sobek.Value {
		t := br.BrowserTarget()
		if t == nil {
			panic(m.rt.NewError("Browser target is not found"))
		}
		return m.wrapTarget(t)
	})
	obj := b.done()
	m.browsers[br] = obj
	return obj
}

// wrapContext returns the script's BrowserContext object (one per context).
func (m *mapper) wrapContext(br *browser.Browser, c *browser.Context) *sobek.Object {
	if obj, ok := m.contexts[c]; ok {
		return obj
	}
	b := m.object(contextAPI)
	var em *jsEmitter
	em = m.emitter(b, targetEvents, func(event string) func() {
		return m.subscribeTargets(&em, br, event, func(t *browser.Target) bool { return t.Context() == c })
	})
	m.targetMethods(b, br, c) // targets, waitForTarget: target_mapping.go
	b.async("newPage", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			p, err := c.NewPage(ctx)
			if err != nil {
				return nil, err
			}
			return func(*sobek.Runtime) sobek.Value { return m.wrapPage(p) }, nil
		}, nil
	})
	b.async("pages", func(sobek.FunctionCall) (work, error) {
		return func(context.Context) (js.Builder, error) {
			var ps []*browser.Page
			for _, p := range br.Pages() {
				if p.BrowserContext() == c {
					ps = append(ps, p)
				}
			}
			return func(*sobek.Runtime) sobek.Value { return m.pageArray(ps) }, nil
		}, nil
	})
	b.method("browser", func(sobek.FunctionCall) sobek.Value { return m.browsers[br] })
	m.contextStateMethods(b, br, c) // close, closed, permissions, cookies: state_contexts.go
	b.getter("id", func() sobek.Value {
		if c.ID() == "" {
			return sobek.Undefined()
		}
		return m.vm.ToValue(c.ID())
	})
	obj := b.done()
	m.contexts[c] = obj
	return obj
}

func (m *mapper) pageArray(ps []*browser.Page) sobek.Value {
	items := make([]any, 0, len(ps))
	for _, p := range ps {
		items = append(items, m.wrapPage(p))
	}
	return m.vm.NewArray(items...)
}

// str builds a JS string result.
func str(s string) js.Builder {
	return func(vm *sobek.Runtime) sobek.Value { return vm.ToValue(s) }
}
