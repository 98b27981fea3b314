package puppeteer

import (
	"context"
	"fmt"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// cookieParams reads cookie objects (page.setCookie(...cookies) and
// friends) into protocol cookies. Keys Puppeteer passes through but the
// protocol does not know (size, session, sameParty) are ignored.
func (m *mapper) cookieParams(vals []sobek.Value, what string) ([]browser.CookieParam, error) {
	out := make([]browser.CookieParam, 0, len(vals))
	for i, v := range vals {
		w := fmt.Sprintf("%s[%d]", what, i)
		if _, ok := v.(*sobek.Object); !ok {
			return nil, argErrorf("%s must be an object, got %s", w, typeName(v))
		}
		o, err := m.options(v, w)
		if err != nil {
			return nil, err
		}
		var c browser.CookieParam
		var ok bool
		if c.Name, ok, err = o.str("name"); err != nil {
			return nil, err
		} else if !ok {
			return nil, argErrorf("%s.name must be a string", w)
		}
		for key, dst := range map[string]*string{"value": &c.Value, "url": &c.URL, "domain": &c.Domain, "path": &c.Path,
			"sameSite": &c.SameSite, "priority": &c.Priority, "sourceScheme": &c.SourceScheme} {
			if *dst, _, err = o.str(key); err != nil {
				return nil, err
			}
		}
		for key, dst := range map[string]**bool{"secure": &c.Secure, "httpOnly": &c.HTTPOnly} {
			if o.has(key) {
				b, _ := o.boolean(key)
				*dst = &b
			}
		}
		if f, ok, err := o.num("expires"); err != nil {
			return nil, err
		} else if ok {
			c.Expires = &f
		}
		if f, ok, err := o.num("sourcePort"); err != nil {
			return nil, err
		} else if ok {
			port := int(f)
			c.SourcePort = &port
		}
		if pk := o.get("partitionKey"); pk != nil {
			if sobek.IsString(pk) {
				c.PartitionKey = &browser.PartitionKey{TopLevelSite: pk.String()}
			} else {
				po, err := o.sub(m, "partitionKey")
				if err != nil {
					return nil, err
				}
				site, _, err := po.str("sourceOrigin")
				if err != nil {
					return nil, err
				}
				cross, _ := po.boolean("hasCrossSiteAncestor")
				c.PartitionKey = &browser.PartitionKey{TopLevelSite: site, HasCrossSiteAncestor: cross}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// cookieArray builds the cookies Puppeteer returns: the protocol's objects
// in their key order, with Puppeteer's changes. forPage selects
// page.cookies' shape (no sourcePort, partitionKey as the top-level site)
// over the browser context's (partitionKey as {sourceOrigin,
// hasCrossSiteAncestor}); both add sameParty: false.
func (m *mapper) cookieArray(cs browser.Cookies, forPage bool) js.Builder {
	return func(vm *sobek.Runtime) sobek.Value {
		items := make([]any, 0, len(cs))
		for _, raw := range cs {
			obj, ok := fromValue(vm, browser.Value{JSON: raw}).(*sobek.Object)
			if !ok {
				continue
			}
			var pk sobek.Value = sobek.Undefined()
			if v, ok := obj.Get("partitionKey").(*sobek.Object); ok {
				if forPage {
					pk = v.Get("topLevelSite")
				} else {
					o := vm.NewObject()
					_ = o.Set("sourceOrigin", v.Get("topLevelSite"))
					_ = o.Set("hasCrossSiteAncestor", v.Get("hasCrossSiteAncestor"))
					pk = o
				}
			}
			if forPage {
				_ = obj.Delete("sourcePort")
			}
			_ = obj.Set("partitionKey", pk)
			_ = obj.Set("sameParty", false)
			items = append(items, obj)
		}
		return vm.NewArray(items...)
	}
}

// cookieMethods defines cookies, setCookie, deleteCookie and
// deleteMatchingCookies of a browser context (the browser's act on its
// default context, as in Puppeteer).
func (m *mapper) cookieMethods(b *builder, c func() *browser.Context) {
	b.async("cookies", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			cs, err := c().Cookies(ctx)
			return m.cookieArray(cs, false), err
		}, nil
	})
	b.async("setCookie", func(call sobek.FunctionCall) (work, error) {
		cs, err := m.cookieParams(call.Arguments, "cookies")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, c().SetCookies(ctx, cs) }, nil
	})
	b.async("deleteCookie", func(call sobek.FunctionCall) (work, error) {
		cs, err := m.cookieParams(call.Arguments, "cookies")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, c().DeleteCookies(ctx, cs) }, nil
	})
	b.async("deleteMatchingCookies", func(call sobek.FunctionCall) (work, error) {
		names := make([]string, 0, len(call.Arguments))
		for i, v := range call.Arguments {
			o, err := m.options(v, fmt.Sprintf("filters[%d]", i))
			if err != nil {
				return nil, err
			}
			n, ok, err := o.str("name")
			if err != nil {
				return nil, err
			}
			if ok {
				names = append(names, n)
			}
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, c().DeleteMatchingCookies(ctx, names) }, nil
	})
}

// pageCookieMethods defines page.cookies, setCookie and deleteCookie.
func (m *mapper) pageCookieMethods(b *builder, p *browser.Page) {
	b.async("cookies", func(call sobek.FunctionCall) (work, error) {
		urls := make([]string, len(call.Arguments))
		for i, v := range call.Arguments {
			s, err := argString(v, fmt.Sprintf("urls[%d]", i))
			if err != nil {
				return nil, err
			}
			urls[i] = s
		}
		return func(ctx context.Context) (js.Builder, error) {
			cs, err := p.Cookies(ctx, urls)
			return m.cookieArray(cs, true), err
		}, nil
	})
	b.async("setCookie", func(call sobek.FunctionCall) (work, error) {
		cs, err := m.cookieParams(call.Arguments, "cookies")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.SetCookies(ctx, cs) }, nil
	})
	b.async("deleteCookie", func(call sobek.FunctionCall) (work, error) {
		cs, err := m.cookieParams(call.Arguments, "cookies")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.DeleteCookies(ctx, cs) }, nil
	})
}
