package puppeteer

import (
	"context"
	"errors"
	"sort"

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

// jsonValue turns raw DevTools JSON into a JS value (undefined if none).
func (m *mapper) jsonValue(raw []byte) sobek.Value {
	if len(raw) == 0 {
		return sobek.Undefined()
	}
	return fromValue(m.vm, browser.Value{JSON: raw})
}

// wrapResponse returns the HTTPResponse object for r (one per response, so
// req.response() === res).
func (m *mapper) wrapResponse(p *browser.Page, r *browser.Response) *sobek.Object {
	if obj := m.responses.get(r); obj != nil {
		return obj
	}
	b := m.object(responseAPI)
	b.method("status", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.Status) })
	b.method("statusText", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.StatusText) })
	b.method("ok", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.OK()) })
	b.method("url", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.URL) })
	b.method("headers", func(sobek.FunctionCall) sobek.Value { return m.headersObject(r.Headers()) })
	b.method("fromCache", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.FromCache()) })
	b.method("fromServiceWorker", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.FromServiceWorker) })
	b.method("remoteAddress", func(sobek.FunctionCall) sobek.Value {
		o := m.vm.NewObject()
		_ = o.Set("ip", r.RemoteIP)
		_ = o.Set("port", r.RemotePort)
		return o
	})
	b.method("securityDetails", func(sobek.FunctionCall) sobek.Value {
		sd := r.Security
		if sd == nil {
			return sobek.Null()
		}
		sb := m.object(securityDetailsAPI)
		sb.method("subjectName", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(sd.SubjectName) })
		sb.method("issuer", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(sd.Issuer) })
		sb.method("protocol", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(sd.Protocol) })
		sb.method("validFrom", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(sd.ValidFrom) })
		sb.method("validTo", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(sd.ValidTo) })
		sb.method("subjectAlternativeNames", func(sobek.FunctionCall) sobek.Value {
			arr := m.vm.NewArray()
			for i, n := range sd.SubjectAlternativeNames {
				_ = arr.Set(itoa(i), n)
			}
			return arr
		})
		return sb.done()
	})
	b.method("timing", func(sobek.FunctionCall) sobek.Value {
		if len(r.Timing) == 0 {
			return sobek.Null()
		}
		return m.jsonValue(r.Timing)
	})
	b.method("request", func(sobek.FunctionCall) sobek.Value { return m.wrapRequest(p, r.Request) })
	b.method("frame", func(sobek.FunctionCall) sobek.Value { return m.frameOf(p, r.Request.FrameID) })
	body := func(conv func(data []byte) js.Builder) func(sobek.FunctionCall) (work, error) {
		return func(sobek.FunctionCall) (work, error) {
			return func(ctx context.Context) (js.Builder, error) {
				data, err := r.Body(ctx)
				if err != nil {
					return nil, err
				}
				return conv(data), nil
			}, nil
		}
	}
	b.async("content", body(bytesResult))
	b.async("buffer", body(bufferResult))
	b.async("text", body(func(data []byte) js.Builder {
		return func(vm *sobek.Runtime) sobek.Value {
			s, err := decodeUTF8(data)
			if err != nil {
				panic(vm.NewTypeError(err.Error()))
			}
			return vm.ToValue(s)
		}
	}))
	b.async("json", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			data, err := r.Body(ctx)
			if err != nil {
				return nil, err
			}
			s, err := decodeUTF8(data)
			if err != nil {
				return nil, argErrorf("%s", err.Error())
			}
			return func(vm *sobek.Runtime) sobek.Value {
				parse, _ := sobek.AssertFunction(vm.Get("JSON").ToObject(vm).Get("parse"))
				v, err := parse(sobek.Undefined(), vm.ToValue(s))
				if err != nil {
					panic(err)
				}
				return v
			}, nil
		}, nil
	})
	obj := b.done()
	m.responses.put(r, obj)
	return obj
}

// decodeUTF8 is TextDecoder('utf-8', {fatal: true}).decode.
func decodeUTF8(data []byte) (string, error) {
	if !utf8Valid(data) {
		return "", errors.New("The encoded data was not valid for encoding utf-8")
	}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		data = data[3:]
	}
	return string(data), nil
}

// bufferResult builds a Node Buffer (what response.buffer() returns),
// falling back to a Uint8Array where no Buffer global exists.
func bufferResult(data []byte) js.Builder {
	return func(vm *sobek.Runtime) sobek.Value {
		ab := vm.ToValue(vm.NewArrayBuffer(data))
		if buf, ok := vm.Get("Buffer").(*sobek.Object); ok {
			if from, ok := sobek.AssertFunction(buf.Get("from")); ok {
				if v, err := from(buf, ab); err == nil {
					return v
				}
			}
		}
		return bytesResult(data)(vm)
	}
}

// wrapRequest returns the HTTPRequest object for r.
func (m *mapper) wrapRequest(p *browser.Page, r *browser.Request) *sobek.Object {
	if obj := m.requests.get(r); obj != nil {
		return obj
	}
	b := m.object(requestAPI)
	b.method("url", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.URL) })
	b.method("method", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.Method) })
	b.method("headers", func(sobek.FunctionCall) sobek.Value { return m.headersObject(r.Headers()) })
	b.method("resourceType", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.ResourceType) })
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
	b.method("hasPostData", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(r.HasPostData) })
	b.method("initiator", func(sobek.FunctionCall) sobek.Value { return m.jsonValue(r.Initiator) })
	b.method("redirectChain", func(sobek.FunctionCall) sobek.Value {
		arr := m.vm.NewArray()
		for i, hop := range r.RedirectChain() {
			_ = arr.Set(itoa(i), m.wrapRequest(p, hop))
		}
		return arr
	})
	m.interceptMethods(b, r)
	obj := b.done()
	m.requests.put(r, obj)
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
