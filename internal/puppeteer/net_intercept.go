package puppeteer

import (
	"context"
	"strconv"
	"unicode/utf8"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

func itoa(i int) string { return strconv.Itoa(i) }

func utf8Valid(b []byte) bool { return utf8.Valid(b) }

// interceptVotes keeps, per request, the JS objects a cooperative handler
// passed (Puppeteer returns them as given from continueRequestOverrides()
// and responseForRequest()).
type interceptVotes struct {
	overrides sobek.Value
	response  sobek.Value
	handlers  []sobek.Value // enqueueInterceptAction's, run before finalizing
}

func (m *mapper) votesOf(r *browser.Request) *interceptVotes {
	if m.votes == nil {
		m.votes = map[*browser.Request]*interceptVotes{}
	}
	v := m.votes[r]
	if v == nil {
		v = &interceptVotes{}
		m.votes[r] = v
	}
	return v
}

// interceptMethods adds continue/abort/respond and the interception state
// getters to an HTTPRequest object.
func (m *mapper) interceptMethods(b *builder, r *browser.Request) {
	votes := m.votesOf(r)
	priority := func(v sobek.Value) (*float64, error) {
		if sobek.IsUndefined(v) {
			return nil, nil
		}
		f := v.ToFloat()
		return &f, nil
	}
	send := func(fn func(context.Context) error, err error) (work, error) {
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			if fn == nil {
				return nil, nil
			}
			return nil, fn(ctx)
		}, nil
	}
	b.async("continue", func(call sobek.FunctionCall) (work, error) {
		o, err := m.continueOverrides(call.Argument(0))
		if err != nil {
			return nil, err
		}
		pr, _ := priority(call.Argument(1))
		if pr != nil {
			votes.overrides = call.Argument(0)
			if sobek.IsUndefined(votes.overrides) {
				votes.overrides = m.vm.NewObject()
			}
		}
		return send(r.Continue(o, pr))
	})
	b.async("respond", func(call sobek.FunctionCall) (work, error) {
		resp, err := m.fulfillResponse(call.Argument(0))
		if err != nil {
			return nil, err
		}
		pr, _ := priority(call.Argument(1))
		if pr != nil {
			votes.response = call.Argument(0)
		}
		return send(r.Respond(resp, pr))
	})
	b.async("abort", func(call sobek.FunctionCall) (work, error) {
		code := ""
		if v := call.Argument(0); !sobek.IsUndefined(v) {
			code = v.String()
		}
		pr, _ := priority(call.Argument(1))
		return send(r.Abort(code, pr))
	})
	b.method("isInterceptResolutionHandled", func(sobek.FunctionCall) sobek.Value {
		return m.vm.ToValue(r.IsInterceptResolutionHandled())
	})
	b.method("interceptResolutionState", func(sobek.FunctionCall) sobek.Value {
		action, pr, has := r.InterceptResolutionState()
		o := m.vm.NewObject()
		_ = o.Set("action", action)
		if has {
			_ = o.Set("priority", pr)
		}
		return o
	})
	b.method("continueRequestOverrides", func(sobek.FunctionCall) sobek.Value {
		if votes.overrides == nil {
			return m.vm.NewObject()
		}
		return votes.overrides
	})
	b.method("responseForRequest", func(sobek.FunctionCall) sobek.Value {
		if votes.response == nil {
			return sobek.Null()
		}
		return votes.response
	})
	b.method("enqueueInterceptAction", func(call sobek.FunctionCall) sobek.Value {
		if _, ok := sobek.AssertFunction(call.Argument(0)); !ok {
			panic(m.rt.NewTypeError("pendingHandler is not a function"))
		}
		votes.handlers = append(votes.handlers, call.Argument(0))
		return sobek.Undefined()
	})
	b.method("finalizeInterceptions", func(sobek.FunctionCall) sobek.Value { return m.finalizeInterception(r) })
	b.async("fetchPostData", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			data, ok := r.FetchPostData(ctx)
			if !ok {
				return nil, nil
			}
			return str(data), nil
		}, nil
	})
	b.method("abortErrorReason", func(sobek.FunctionCall) sobek.Value {
		if s := r.AbortErrorReason(); s != "" {
			return m.vm.ToValue(s)
		}
		return sobek.Null()
	})
}

// finalizeInterception runs after the "request" listeners (and from
// finalizeInterceptions()): it awaits the actions queued with
// enqueueInterceptAction in order, then carries out the winning
// cooperative vote (Puppeteer's finalizeInterceptions). It returns the
// promise of all that; a failure nobody awaits ends the run as in Node.
func (m *mapper) finalizeInterception(r *browser.Request) sobek.Value {
	votes := m.votesOf(r)
	handlers := votes.handlers
	votes.handlers = nil
	p, resolve, _ := m.vm.NewPromise()
	_ = resolve(sobek.Undefined())
	chain := m.vm.ToValue(p)
	then := func(v sobek.Value, fn sobek.Value) sobek.Value {
		t, ok := sobek.AssertFunction(v.ToObject(m.vm).Get("then"))
		if !ok {
			return v
		}
		out, err := t(v, fn)
		if err != nil {
			panic(err)
		}
		return out
	}
	for _, h := range handlers {
		chain = then(chain, h)
	}
	return then(chain, m.vm.ToValue(func(sobek.FunctionCall) sobek.Value {
		fn := r.Finalize()
		if fn == nil {
			return sobek.Undefined()
		}
		return m.run(nil, func(ctx context.Context) (js.Builder, error) { return nil, fn(ctx) })
	}))
}

// headerEntries reads a headers object as Puppeteer's headersArray does:
// own enumerable keys in order, arrays as several values, undefined
// skipped, everything else converted with String().
func (m *mapper) headerEntries(v sobek.Value) []browser.HeaderEntry {
	out := []browser.HeaderEntry{}
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		return out
	}
	obj := v.ToObject(m.vm)
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		if val == nil || sobek.IsUndefined(val) {
			continue
		}
		e := browser.HeaderEntry{Name: k}
		if arr, ok := val.(*sobek.Object); ok && arr.ClassName() == "Array" {
			n := int(arr.Get("length").ToInteger())
			for i := 0; i < n; i++ {
				e.Values = append(e.Values, arr.Get(itoa(i)).String())
			}
		} else {
			e.Values = []string{val.String()}
		}
		out = append(out, e)
	}
	return out
}

func (m *mapper) continueOverrides(v sobek.Value) (browser.ContinueOverrides, error) {
	var o browser.ContinueOverrides
	opt, err := m.options(v, "overrides")
	if err != nil {
		return o, err
	}
	for key, dst := range map[string]*string{"url": &o.URL, "method": &o.Method, "postData": &o.PostData} {
		if x := opt.get(key); x != nil && !sobek.IsUndefined(x) && !sobek.IsNull(x) {
			*dst = x.String()
		}
	}
	if h := opt.get("headers"); h != nil && !sobek.IsUndefined(h) {
		o.Headers = m.headerEntries(h)
	}
	return o, nil
}

func (m *mapper) fulfillResponse(v sobek.Value) (browser.FulfillResponse, error) {
	var r browser.FulfillResponse
	opt, err := m.options(v, "response")
	if err != nil {
		return r, err
	}
	if s := opt.get("status"); s != nil && !sobek.IsUndefined(s) {
		r.Status = int(s.ToInteger())
	}
	if h := opt.get("headers"); h != nil {
		r.Headers = m.headerEntries(h)
	}
	if ct := opt.get("contentType"); ct != nil && !sobek.IsUndefined(ct) && !sobek.IsNull(ct) && ct.ToBoolean() {
		r.ContentType = ct.String()
	}
	if body := opt.get("body"); body != nil && body.ToBoolean() {
		r.HasBody = true
		if sobek.IsString(body) {
			r.Body = []byte(body.String())
		} else if data, ok := m.bytesOf(body); ok {
			r.Body = data
		} else {
			return r, argErrorf("The \"body\" of a response must be a string or a Uint8Array")
		}
	}
	return r, nil
}

// bytesOf copies the bytes of a typed array, Buffer or ArrayBuffer.
func (m *mapper) bytesOf(v sobek.Value) ([]byte, bool) {
	obj, ok := v.(*sobek.Object)
	if !ok {
		return nil, false
	}
	if ab, ok := obj.Export().(sobek.ArrayBuffer); ok {
		return append([]byte(nil), ab.Bytes()...), true
	}
	buf, ok := obj.Get("buffer").(*sobek.Object)
	if !ok {
		return nil, false
	}
	ab, ok := buf.Export().(sobek.ArrayBuffer)
	if !ok {
		return nil, false
	}
	off := int(obj.Get("byteOffset").ToInteger())
	n := int(obj.Get("byteLength").ToInteger())
	all := ab.Bytes()
	if off < 0 || n < 0 || off+n > len(all) {
		return nil, false
	}
	return append([]byte(nil), all[off:off+n]...), true
}
