// Package puppeteer maps Skriptable's Go browser model (package browser) to
// the Puppeteer API that scripts call: the `puppeteer` module, Browser,
// Page, Frame, ElementHandle and friends, with Puppeteer's names, option
// handling, promises and error types.
//
// Rules that keep the script sandboxed: every JS object here is built with
// NewObject and closures; no Go struct, map or slice is ever handed to the
// runtime. Options are read as own properties and converted once, on the
// loop goroutine, before any work starts. Browser work then runs in a
// goroutine that touches only Go values, and its result is turned into JS
// back on the loop (js.Builder).
package puppeteer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/cdp"
	"github.com/skriptable/skriptable/internal/js"
)

// mapper holds one runtime's Puppeteer objects. It is used only on the
// runtime's loop goroutine, except where noted.
type mapper struct {
	rt   *js.Runtime
	vm   *sobek.Runtime
	mod  *Module
	errs map[string]sobek.Value // Puppeteer's error classes by name

	pages     map[*browser.Page]*sobek.Object
	frames    map[*browser.Frame]*sobek.Object
	handles   map[*sobek.Object]*browser.Handle
	browsers  map[*browser.Browser]*sobek.Object
	contexts  map[*browser.Context]*sobek.Object
	keyboards map[*browser.Page]*sobek.Object
	mice      map[*browser.Page]*sobek.Object
	requests  *wrapperCache[*browser.Request] // see wrappers.go
	responses *wrapperCache[*browser.Response]
	netWaits  []*netWait // pending waitForRequest/Response timeouts (net_page.go)
	votes     map[*browser.Request]*interceptVotes
	afterFire []func() // run by jsEmitter.post right after the listeners

	// Selector-area objects (select_mapping.go, locator_mapping.go).
	touchscreens  map[*browser.Page]*sobek.Object
	touches       map[*sobek.Object]*browser.TouchHandle
	locators      map[*sobek.Object]*locator
	locatorProtos map[locatorKind]*sobek.Object

	protos map[*classAPI]*sobek.Object // see prototype
	alive  keepAlive                   // see keepalive.go

	tools *toolObjects // frames and tools area (tools_mapping.go)

	targets       map[string]*sobek.Object // Target objects by target id (target_mapping.go)
	waitForTarget sobek.Callable           // compiled waitForTargetSource

	lastBrowser *sobek.Object
	// Intrinsics captured when the module loads, so a script that later
	// replaces JSON.stringify or Function.prototype.toString cannot change
	// what we send to the page.
	stringify  func(this, v sobek.Value) (sobek.Value, error)
	fnToString func(fn *sobek.Object) (sobek.Value, error)
}

// builder adds members to one JS object that stands for a Puppeteer class
// instance.
type builder struct {
	m    *mapper
	api  *classAPI
	obj  *sobek.Object
	self *sobek.Object // what done returned: the object scripts hold
}

// this is the object scripts hold (the guarded proxy once done has run),
// for methods that return this for chaining (page.on(...) === page).
func (b *builder) this() *sobek.Object {
	if b.self != nil {
		return b.self
	}
	return b.obj
}

func (m *mapper) object(api *classAPI) *builder {
	obj := m.vm.NewObject()
	if api != puppeteerAPI {
		_ = obj.SetPrototype(m.prototype(api))
	}
	return &builder{m: m, api: api, obj: obj}
}

// prototype is the shared prototype of one class's objects. It carries
// only a constructor named as Puppeteer's implementation class
// ("CdpPage"), so console.log(page) prints "CdpPage {…}" as under Node.
func (m *mapper) prototype(api *classAPI) *sobek.Object {
	if p, ok := m.protos[api]; ok {
		return p
	}
	if m.protos == nil {
		m.protos = map[*classAPI]*sobek.Object{}
	}
	name := api.Name
	if api.Cdp {
		name = "Cdp" + name
	}
	ctor := m.rt.Func(name, func(sobek.FunctionCall) sobek.Value {
		panic(m.rt.NewTypeError("Illegal constructor: " + api.Name + " objects come from Puppeteer calls"))
	}).(*sobek.Object)
	p := m.vm.NewObject()
	_ = p.DefineDataProperty("constructor", ctor, sobek.FLAG_TRUE, sobek.FLAG_TRUE, sobek.FLAG_FALSE)
	_ = ctor.DefineDataProperty("prototype", p, sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_FALSE)
	m.protos[api] = p
	return p
}

// enumerable reports whether the object's members should be enumerable:
// only the module's (its exports), not the methods of instances, which
// Node keeps on prototypes.
func (b *builder) enumerable() sobek.Flag {
	if b.api == puppeteerAPI {
		return sobek.FLAG_TRUE
	}
	return sobek.FLAG_FALSE
}

// method defines a synchronous method.
func (b *builder) method(name string, fn func(call sobek.FunctionCall) sobek.Value) {
	b.api.mustKnow(name)
	_ = b.obj.DefineDataProperty(name, b.m.rt.Func(b.api.Var+"."+name, fn), sobek.FLAG_TRUE, sobek.FLAG_TRUE, b.enumerable())
}

// async defines a method that returns a promise. parse runs on the loop
// with the call's arguments and returns the work to run off the loop; an
// error from parse rejects the promise (Puppeteer's methods are async, so
// bad arguments reject rather than throw).
func (b *builder) async(name string, parse func(call sobek.FunctionCall) (work, error)) {
	b.method(name, func(call sobek.FunctionCall) sobek.Value {
		site := b.m.rt.CallSite()
		w, err := parse(call)
		if err != nil {
			return b.m.rejected(err, site)
		}
		return b.m.run(site, w)
	})
}

// getter defines a read-only property computed on each read.
func (b *builder) getter(name string, fn func() sobek.Value) {
	b.api.mustKnow(name)
	_ = b.obj.DefineAccessorProperty(name, b.m.rt.Func(b.api.Var+"."+name, func(sobek.FunctionCall) sobek.Value {
		return fn()
	}), nil, sobek.FLAG_TRUE, b.enumerable())
}

// value defines a constant property.
func (b *builder) value(name string, v any) {
	b.api.mustKnow(name)
	_ = b.obj.Set(name, v)
}

// done adds "not supported yet" stubs for the class's known members that
// were not defined, and wraps the object so that unknown members explain
// themselves instead of surfacing as "undefined is not a function".
func (b *builder) done() *sobek.Object {
	defined := map[string]bool{}
	for _, k := range b.obj.GetOwnPropertyNames() {
		defined[k] = true
	}
	for _, mem := range b.api.Members {
		if defined[mem.Name] || mem.Status != Unsupported {
			continue
		}
		msg := fmt.Sprintf("%s.%s is not supported by Skriptable yet", b.api.Var, mem.Name)
		if mem.Note != "" {
			msg += " (" + mem.Note + ")"
		}
		thrower := b.m.rt.Func(b.api.Var+"."+mem.Name, func(sobek.FunctionCall) sobek.Value {
			panic(b.m.rt.NewError(msg))
		})
		if mem.Prop {
			_ = b.obj.DefineAccessorProperty(mem.Name, thrower, nil, sobek.FLAG_TRUE, sobek.FLAG_FALSE)
		} else {
			_ = b.obj.DefineDataProperty(mem.Name, thrower, sobek.FLAG_TRUE, sobek.FLAG_TRUE, sobek.FLAG_FALSE)
		}
	}
	b.self = b.m.guard(b.obj, b.api.Var)
	return b.self
}

// probes are property names that generic code (await, JSON, inspection,
// test frameworks) reads on any object; they must stay plain undefined.
var probes = map[string]bool{
	"then": true, "toJSON": true, "constructor": true, "inspect": true, "nodeType": true,
	"asymmetricMatch": true, "$$typeof": true, "@@__IMMUTABLE_ITERABLE__@@": true,
	"@@__IMMUTABLE_RECORD__@@": true, "toString": true, "valueOf": true, "length": true,
}

// guard wraps obj in a Proxy whose get trap throws "<var>.<name> is not
// supported by Skriptable" for names that the object does not have.
func (m *mapper) guard(obj *sobek.Object, varName string) *sobek.Object {
	p := m.vm.NewProxy(obj, &sobek.ProxyTrapConfig{
		Get: func(target *sobek.Object, name string, receiver sobek.Value) sobek.Value {
			if v := target.Get(name); v != nil {
				return v
			}
			if probes[name] || strings.HasPrefix(name, "_") {
				return sobek.Undefined()
			}
			panic(m.rt.NewTypeError(fmt.Sprintf("%s.%s is not supported by Skriptable", varName, name)))
		},
	})
	return m.vm.ToValue(p).ToObject(m.vm)
}

// work runs off the loop with plain Go values and returns a builder of the
// promise's value (nil means undefined).
type work func(ctx context.Context) (js.Builder, error)

// run starts w in a goroutine and returns a promise for its result.
func (m *mapper) run(site []sobek.StackFrame, w work) sobek.Value {
	p, resolve, reject := m.rt.Loop().NewPromise()
	ctx := m.rt.Context()
	go func() {
		var (
			b   js.Builder
			err error
		)
		func() {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("internal error: %v", r)
				}
			}()
			b, err = w(ctx)
		}()
		if err != nil {
			reject(js.Builder(func(*sobek.Runtime) sobek.Value { return m.jsError(err, site) }))
			return
		}
		if b == nil {
			b = undefined
		}
		resolve(b)
	}()
	return m.vm.ToValue(p)
}

func undefined(*sobek.Runtime) sobek.Value { return sobek.Undefined() }

// rejected returns an already rejected promise.
func (m *mapper) rejected(err error, site []sobek.StackFrame) sobek.Value {
	p, _, reject := m.vm.NewPromise()
	_ = reject(m.jsError(err, site))
	return m.vm.ToValue(p)
}

// jsError converts a Go error into the JS error Puppeteer would throw,
// with a stack pointing at the script line that made the call.
func (m *mapper) jsError(err error, site []sobek.StackFrame) sobek.Value {
	var (
		te  *browser.TimeoutError
		tch *browser.TouchError
		ee  *browser.EvaluationError
		ae  *argError
	)
	switch {
	case errors.As(err, &te):
		obj := m.rt.NewErrorAt(m.errs["TimeoutError"], te.Msg, site)
		if te.Cause != nil {
			_ = obj.DefineDataProperty("cause", m.jsError(te.Cause, site), sobek.FLAG_TRUE, sobek.FLAG_TRUE, sobek.FLAG_FALSE)
		}
		return obj
	case errors.As(err, &tch):
		return m.rt.NewErrorAt(m.errs["TouchError"], tch.Msg, site)
	case errors.As(err, &ee) && ee.Thrown != nil:
		return fromValue(m.vm, *ee.Thrown)
	case errors.As(err, &ee):
		obj := m.rt.NewErrorAt(m.vm.Get("Error"), ee.Message, site)
		switch ee.Name {
		case "Error":
		case "": // an error without a class: Puppeteer sets name '' too
			_ = obj.Set("name", "")
			_ = obj.Set("stack", strings.Replace(obj.Get("stack").String(), "Error: ", "", 1))
		default:
			_ = obj.Set("name", ee.Name)
			_ = obj.Set("stack", strings.Replace(obj.Get("stack").String(), "Error", ee.Name, 1))
		}
		return obj
	case errors.As(err, &ae):
		return m.rt.NewErrorAt(m.vm.Get("TypeError"), ae.msg, site)
	case errors.Is(err, cdp.ErrTargetClosed):
		return m.rt.NewErrorAt(m.errs["TargetCloseError"], err.Error(), site)
	}
	var pe *cdp.ProtocolError
	if errors.As(err, &pe) {
		return m.rt.NewErrorAt(m.errs["ProtocolError"], err.Error(), site)
	}
	return m.rt.NewErrorAt(m.vm.Get("Error"), err.Error(), site)
}

// argError is a bad argument: rejected as a TypeError.
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

func argErrorf(format string, args ...any) error { return &argError{msg: fmt.Sprintf(format, args...)} }
