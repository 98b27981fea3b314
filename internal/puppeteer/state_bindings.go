package puppeteer

import (
	"context"
	"errors"
	"fmt"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
)

// bindingHandler turns the script's exposed function into a
// browser.BindingFunc: each page call is posted to the loop, the function
// runs there with the page's arguments (JSON values, DOM nodes as
// ElementHandles), and its value
// (awaited if it is a promise) or its error goes back to the page.
func (m *mapper) bindingHandler(fn sobek.Callable) browser.BindingFunc {
	return func(ctx context.Context, args []byte, nodes map[int]*browser.Handle) (browser.Arg, error) {
		type result struct {
			arg browser.Arg
			err error
		}
		done := make(chan result, 1)
		settle := func(a browser.Arg, err error) {
			select {
			case done <- result{a, err}:
			default: // settled already
			}
		}
		m.rt.Loop().Post(func() error {
			m.callExposed(fn, args, nodes, settle)
			return nil
		})
		select {
		case r := <-done:
			return r.arg, r.err
		case <-ctx.Done():
			return browser.Arg{}, context.Cause(ctx)
		case <-m.rt.Context().Done():
			return browser.Arg{}, errors.New("the script has ended")
		}
	}
}

// callExposed runs on the loop.
func (m *mapper) callExposed(fn sobek.Callable, args []byte, nodes map[int]*browser.Handle, settle func(browser.Arg, error)) {
	var argv []sobek.Value
	if arr, ok := fromValue(m.vm, browser.Value{JSON: args}).(*sobek.Object); ok {
		n := int(arr.Get("length").ToInteger())
		for i := 0; i < n; i++ {
			argv = append(argv, arr.Get(fmt.Sprint(i)))
		}
	}
	for i, h := range nodes { // DOM nodes arrive as ElementHandles, as in Puppeteer
		if i < len(argv) {
			argv[i] = m.wrapHandle(h)
		}
	}
	fulfil := func(v sobek.Value) {
		a, err := m.toArg(v)
		if err != nil {
			settle(browser.Arg{}, &browser.BindingError{Message: err.Error(), Stack: "Error: " + err.Error()})
			return
		}
		settle(a, nil)
	}
	reject := func(v sobek.Value) { settle(browser.Arg{}, m.bindingError(v)) }
	ret, err := fn(sobek.Undefined(), argv...)
	if err != nil {
		var ex *sobek.Exception
		if errors.As(err, &ex) {
			reject(ex.Value())
			return
		}
		settle(browser.Arg{}, err)
		return
	}
	// A thenable: wait for it through its own then.
	if obj, ok := ret.(*sobek.Object); ok {
		if then, ok := sobek.AssertFunction(obj.Get("then")); ok {
			onOK := m.rt.Func("onFulfilled", func(call sobek.FunctionCall) sobek.Value { fulfil(call.Argument(0)); return sobek.Undefined() })
			onErr := m.rt.Func("onRejected", func(call sobek.FunctionCall) sobek.Value { reject(call.Argument(0)); return sobek.Undefined() })
			if _, err := then(obj, onOK, onErr); err != nil {
				settle(browser.Arg{}, err)
			}
			return
		}
	}
	fulfil(ret)
}

// bindingError is how a thrown value reaches the page: an error-like
// object (Puppeteer's isErrorLike: has name and message) as a new Error
// with its message and stack, anything else as the value itself.
func (m *mapper) bindingError(v sobek.Value) error {
	if obj, ok := v.(*sobek.Object); ok {
		msg, name := obj.Get("message"), obj.Get("name")
		if msg != nil && name != nil {
			stack := ""
			if s := obj.Get("stack"); s != nil && !sobek.IsUndefined(s) {
				stack = s.String()
			}
			return &browser.BindingError{Message: msg.String(), Stack: stack}
		}
	}
	a, err := m.toArg(v)
	if err != nil {
		return &browser.BindingError{Message: err.Error()}
	}
	return &browser.BindingError{Message: "exposed function threw", Thrown: &a}
}
