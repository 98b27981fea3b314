package puppeteer

import (
	"context"
	"sort"
	"strings"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// headersObject builds a plain object of lower-cased header names.
func (m *mapper) headersObject(h map[string]string) *sobek.Object {
	o := m.vm.NewObject()
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		_ = o.Set(k, h[k])
	}
	return o
}

// frameOf returns the script's Frame object for the frame with id on p,
// or null once that frame is gone.
func (m *mapper) frameOf(p *browser.Page, id string) sobek.Value {
	if p != nil {
		for _, f := range p.Frames() {
			if f.ID() == id {
				return m.wrapFrame(f)
			}
		}
	}
	return sobek.Null()
}

// wrapResponse returns the HTTPResponse object for r (one per response, so
// req.response() === res).
func (m *mapper) wrapResponse(p *browser.Page, r *browser.Response) *sobek.Object {
	if obj, ok := m.responses[r]; ok {
		return obj
	}
	b := m.object(responseAPI)
	b.method("status", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.Status) })
	b.method("statusText", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.StatusText) })
	b.method("ok", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.OK()) })
	b.method("url", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.URL) })
	b.method("headers", func(sobek.FunctionCall) sobek.Value { return m.headersObject(r.Headers) })
	b.method("fromCache", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.FromCache) })
	b.method("fromServiceWorker", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(false) })
	b.method("remoteAddress", func(sobek.FunctionCall) sobek.Value {
		o := m.vm.NewObject()
		_ = o.Set("ip", r.RemoteIP)
		_ = o.Set("port", r.RemotePort)
		return o
	})
	b.method("request", func(sobek.FunctionCall) sobek.Value { return m.wrapRequest(p, r.Request) })
	b.method("frame", func(sobek.FunctionCall) sobek.Value { return m.frameOf(p, r.Request.FrameID) })
	obj := b.done()
	m.responses[r] = obj
	return obj
}

// wrapRequest returns the HTTPRequest object for r.
func (m *mapper) wrapRequest(p *browser.Page, r *browser.Request) *sobek.Object {
	if obj, ok := m.requests[r]; ok {
		return obj
	}
	b := m.object(requestAPI)
	b.method("url", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.URL) })
	b.method("method", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.Method) })
	b.method("headers", func(sobek.FunctionCall) sobek.Value { return m.headersObject(r.Headers) })
	b.method("resourceType", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(strings.ToLower(r.ResourceType)) })
	b.method("isNavigationRequest", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.Navigation) })
	b.method("response", func(sobek.FunctionCall) sobek.Value {
		if resp := r.Response(); resp != nil {
			return m.wrapResponse(p, resp)
		}
		return sobek.Null()
	})
	b.method("failure", func(sobek.FunctionCall) sobek.Value {
		f := r.Failure()
		if f == "" {
			return sobek.Null()
		}
		o := m.vm.NewObject()
		_ = o.Set("errorText", f)
		return o
	})
	b.method("frame", func(sobek.FunctionCall) sobek.Value { return m.frameOf(p, r.FrameID) })
	b.method("postData", func(sobek.FunctionCall) sobek.Value {
		if r.PostData == "" {
			return sobek.Undefined()
		}
		return m.vm.ToValue(r.PostData)
	})
	b.method("hasPostData", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.PostData != "") })
	obj := b.done()
	m.requests[r] = obj
	return obj
}

// wrapDialog builds a Dialog object for the 'dialog' event.
func (m *mapper) wrapDialog(d *browser.Dialog) *sobek.Object {
	b := m.object(dialogAPI)
	b.method("type", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(d.Type) })
	b.method("message", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(d.Message) })
	b.method("defaultValue", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(d.DefaultValue) })
	b.async("accept", func(call sobek.FunctionCall) (work, error) {
		text := ""
		if v := call.Argument(0); sobek.IsString(v) {
			text = v.String()
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, d.Accept(ctx, text) }, nil
	})
	b.async("dismiss", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) { return nil, d.Dismiss(ctx) }, nil
	})
	return b.done()
}
