package puppeteer

import (
	"context"
	"fmt"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// browserStateMethods defines the browser's context and cookie members.
func (m *mapper) browserStateMethods(b *builder, br *browser.Browser) {
	create := func(call sobek.FunctionCall) (work, error) {
		o, err := m.options(call.Argument(0), "options")
		if err != nil {
			return nil, err
		}
		// A context's own proxy would route around the run's egress proxy.
		for _, k := range []string{"proxyServer", "proxyBypassList"} {
			if o.has(k) {
				return nil, fmt.Errorf("browser.createBrowserContext: option %s is not supported by Skriptable: every context uses the run's egress proxy", k)
			}
		}
		return func(ctx context.Context) (js.Builder, error) {
			c, err := br.CreateContext(ctx)
			if err != nil {
				return nil, err
			}
			return func(*sobek.Runtime) sobek.Value { return m.wrapContext(br, c) }, nil
		}, nil
	}
	b.async("createBrowserContext", create)
	b.async("createIncognitoBrowserContext", create)
	b.method("browserContexts", func(sobek.FunctionCall) sobek.Value {
		cs := br.Contexts()
		items := make([]any, len(cs))
		for i, c := range cs {
			items[i] = m.wrapContext(br, c)
		}
		return m.vm.NewArray(items...)
	})
	m.cookieMethods(b, br.DefaultContext)
	m.setPermissionMethod(b, br.DefaultContext)
}

// setPermissionMethod defines setPermission(origin, ...{permission, state})
// of a browser context (the browser's acts on its default context).
func (m *mapper) setPermissionMethod(b *builder, c func() *browser.Context) {
	b.async("setPermission", func(call sobek.FunctionCall) (work, error) {
		origin, err := argString(call.Argument(0), "origin")
		if err != nil {
			return nil, err
		}
		var perms []browser.PermissionSetting
		for i, v := range call.Arguments[min(1, len(call.Arguments)):] {
			o, err := m.options(v, fmt.Sprintf("permissions[%d]", i))
			if err != nil {
				return nil, err
			}
			d, err := o.sub(m, "permission")
			if err != nil {
				return nil, err
			}
			var ps browser.PermissionSetting
			var ok bool
			if ps.Name, ok, err = d.str("name"); err != nil {
				return nil, err
			} else if !ok {
				return nil, argErrorf("permissions[%d].permission.name must be a string", i)
			}
			for key, dst := range map[string]**bool{"userVisibleOnly": &ps.UserVisibleOnly, "sysex": &ps.Sysex,
				"allowWithoutSanitization": &ps.AllowWithoutSanitization, "panTiltZoom": &ps.PanTiltZoom} {
				if d.has(key) {
					v, _ := d.boolean(key)
					*dst = &v
				}
			}
			if ps.State, _, err = o.str("state"); err != nil {
				return nil, err
			}
			perms = append(perms, ps)
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, c().SetPermission(ctx, origin, perms) }, nil
	})
}

// contextStateMethods defines a browser context's close, closed,
// permission and cookie members.
func (m *mapper) contextStateMethods(b *builder, br *browser.Browser, c *browser.Context) {
	b.async("close", func(sobek.FunctionCall) (work, error) {
		if c.IsDefault() {
			return nil, fmt.Errorf("Default BrowserContext cannot be closed!")
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, c.Close(ctx) }, nil
	})
	b.getter("closed", func() sobek.Value { return m.vm.ToValue(c.Closed()) })
	b.method("isIncognito", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(!c.IsDefault()) })
	b.async("overridePermissions", func(call sobek.FunctionCall) (work, error) {
		origin, err := argString(call.Argument(0), "origin")
		if err != nil {
			return nil, err
		}
		perms, err := stringArray(call.Argument(1), "permissions")
		if err != nil {
			return nil, err
		}
		if _, err := browser.CheckPermissions(perms); err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, c.OverridePermissions(ctx, origin, perms) }, nil
	})
	b.async("clearPermissionOverrides", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) { return nil, c.ClearPermissionOverrides(ctx) }, nil
	})
	m.cookieMethods(b, func() *browser.Context { return c })
	m.setPermissionMethod(b, func() *browser.Context { return c })
}

// stringArray reads a required array of strings.
func stringArray(v sobek.Value, what string) ([]string, error) {
	arr, ok := v.(*sobek.Object)
	if !ok || arr.ClassName() != "Array" {
		return nil, argErrorf("%s must be an array of strings, got %s", what, typeName(v))
	}
	n := int(arr.Get("length").ToInteger())
	if n > 1000 {
		return nil, argErrorf("%s: at most 1000 entries", what)
	}
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		e := arr.Get(fmt.Sprint(i))
		if e == nil || !sobek.IsString(e) {
			return nil, argErrorf("%s[%d] must be a string", what, i)
		}
		out = append(out, e.String())
	}
	return out, nil
}
