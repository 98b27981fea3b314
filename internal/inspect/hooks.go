package inspect

import (
	"reflect"

	"github.com/grafana/sobek"
)

// hooks are the Go functions the formatter script receives at load time,
// for what plain JavaScript cannot observe without side effects. They only
// read engine state, take and return sobek values, and never run JS.
type hooks struct {
	vm *sobek.Runtime
}

var (
	proxyType   = reflect.TypeOf(sobek.Proxy{})
	promiseType = reflect.TypeOf((*sobek.Promise)(nil))
)

// wrap turns a hook into a JS function that cannot panic into the script:
// an engine panic inside a hook (for example asking a revoked proxy for its
// class) yields undefined, which the script treats as "no information".
func (h hooks) wrap(fn func(sobek.FunctionCall) sobek.Value) sobek.Value {
	return h.vm.ToValue(func(call sobek.FunctionCall) (ret sobek.Value) {
		defer func() {
			if recover() != nil {
				ret = sobek.Undefined()
			}
		}()
		return fn(call)
	})
}

// classOf returns the object's internal class name ("Object", "Array",
// "Function", "Error", "Date", "RegExp", "Arguments", "Number", "String",
// "Boolean", ...), or undefined for a primitive.
func (h hooks) classOf(call sobek.FunctionCall) sobek.Value {
	o, ok := call.Argument(0).(*sobek.Object)
	if !ok {
		return sobek.Undefined()
	}
	return h.vm.ToValue(o.ClassName())
}

// proxy returns the Proxy behind v, if v is one. Neither the type test nor
// the export runs any trap.
func proxy(v sobek.Value) (sobek.Proxy, bool) {
	o, ok := v.(*sobek.Object)
	if !ok || o.ExportType() != proxyType {
		return sobek.Proxy{}, false
	}
	p, ok := o.Export().(sobek.Proxy)
	return p, ok
}

// proxyTarget returns undefined for anything but a Proxy, null for a
// revoked Proxy, and the target object otherwise.
func (h hooks) proxyTarget(call sobek.FunctionCall) sobek.Value {
	p, ok := proxy(call.Argument(0))
	if !ok {
		return sobek.Undefined()
	}
	if t := p.Target(); t != nil {
		return t
	}
	return sobek.Null()
}

// proxyHandler returns a Proxy's handler object (null once revoked).
func (h hooks) proxyHandler(call sobek.FunctionCall) sobek.Value {
	p, ok := proxy(call.Argument(0))
	if !ok {
		return sobek.Undefined()
	}
	if handler := p.Handler(); handler != nil {
		return handler
	}
	return sobek.Null()
}

func promise(v sobek.Value) (*sobek.Promise, bool) {
	o, ok := v.(*sobek.Object)
	if !ok || o.ExportType() != promiseType {
		return nil, false
	}
	p, ok := o.Export().(*sobek.Promise)
	return p, ok && p != nil
}

// promiseState returns -1 for anything but a Promise, else 0 (pending),
// 1 (fulfilled) or 2 (rejected).
func (h hooks) promiseState(call sobek.FunctionCall) sobek.Value {
	p, ok := promise(call.Argument(0))
	if !ok {
		return h.vm.ToValue(-1)
	}
	switch p.State() {
	case sobek.PromiseStateFulfilled:
		return h.vm.ToValue(1)
	case sobek.PromiseStateRejected:
		return h.vm.ToValue(2)
	default:
		return h.vm.ToValue(0)
	}
}

// promiseResult returns a settled Promise's value or reason.
func (h hooks) promiseResult(call sobek.FunctionCall) sobek.Value {
	p, ok := promise(call.Argument(0))
	if !ok {
		return sobek.Undefined()
	}
	if r := p.Result(); r != nil {
		return r
	}
	return sobek.Undefined()
}
