package js

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/grafana/sobek"
	"github.com/grafana/sobek/parser"
)

// ModuleFunc builds the exports of a host module (such as "puppeteer") for
// one runtime. It runs on the loop goroutine the first time the module is
// required or imported, and must return a plain JS object built with the
// runtime's NewObject and closures (never a Go struct, map or slice).
type ModuleFunc func(rt *Runtime) (*sobek.Object, error)

// ModuleNotFoundError is the error a script gets for a module Skriptable
// does not provide.
type ModuleNotFoundError struct{ Name string }

func (e *ModuleNotFoundError) Error() string {
	return fmt.Sprintf("module '%s' is not available in Skriptable", e.Name)
}

// hostModule is a host module as seen by sobek's ES module machinery: a
// record whose exports are the own properties of one object, plus
// "default", which is the object itself (CommonJS interop, as Node does
// for `import puppeteer from 'puppeteer'`).
type hostModule struct {
	exports *sobek.Object
	names   []string
}

var _ sobek.ModuleRecord = (*hostModule)(nil)

func newHostModule(exports *sobek.Object) *hostModule {
	names := append([]string{"default"}, exports.Keys()...)
	sort.Strings(names[1:])
	return &hostModule{exports: exports, names: names}
}

func (m *hostModule) Link() error { return nil }

func (m *hostModule) GetExportedNames(callback func([]string), _ ...sobek.ModuleRecord) bool {
	callback(m.names)
	return true
}

func (m *hostModule) ResolveExport(name string, _ ...sobek.ResolveSetElement) (*sobek.ResolvedBinding, bool) {
	for _, n := range m.names {
		if n == name {
			return &sobek.ResolvedBinding{Module: m, BindingName: name}, false
		}
	}
	return nil, false
}

func (m *hostModule) Evaluate(rt *sobek.Runtime) *sobek.Promise {
	p, resolve, _ := rt.NewPromise()
	_ = resolve(&hostModuleInstance{m: m})
	return p
}

type hostModuleInstance struct{ m *hostModule }

func (i *hostModuleInstance) GetBindingValue(name string) sobek.Value {
	if name == "default" {
		return i.m.exports
	}
	return i.m.exports.Get(name)
}

// loadModule returns the exports object of a host module, building it once
// per runtime. Node's "node:" prefix is accepted for built-in names.
func (r *Runtime) loadModule(name string) (*sobek.Object, error) {
	if obj, ok := r.moduleCache[name]; ok {
		return obj, nil
	}
	fn, ok := r.opts.Modules[name]
	if !ok {
		if len(name) > 5 && name[:5] == "node:" {
			if fn2, ok2 := r.opts.Modules[name[5:]]; ok2 {
				fn, ok = fn2, true
			}
		}
	}
	if !ok {
		return nil, &ModuleNotFoundError{Name: name}
	}
	obj, err := fn(r)
	if err != nil {
		return nil, fmt.Errorf("load module '%s': %w", name, err)
	}
	r.moduleCache[name] = obj
	return obj, nil
}

// resolveModule is sobek's HostResolveImportedModuleFunc for static imports.
func (r *Runtime) resolveModule(_ any, specifier string) (sobek.ModuleRecord, error) {
	if rec, ok := r.records[specifier]; ok {
		return rec, nil
	}
	obj, err := r.loadModule(specifier)
	if err != nil {
		return nil, err
	}
	rec := newHostModule(obj)
	r.records[specifier] = rec
	return rec, nil
}

// require is the CommonJS require() given to scripts.
func (r *Runtime) require(call sobek.FunctionCall) sobek.Value {
	arg := call.Argument(0)
	name, ok := arg.Export().(string)
	if !ok {
		panic(r.newTypeError(fmt.Sprintf(
			"The \"id\" argument must be of type string. Received %s", describeType(arg))))
	}
	obj, err := r.loadModule(name)
	if err != nil {
		panic(r.newError(err.Error()))
	}
	return obj
}

// importDynamically serves import(): host modules load, anything else
// rejects with the same error as require().
//
// sobek only registers the instance of a non-source module when it is
// evaluated as a dependency of a source module (static imports); a
// dynamic import of our hostModule would leave its namespace without an
// instance. So import() gets a two-line source module that re-exports the
// host module. Its text is built from our registry's own name, which has
// just been looked up, never from anything else the script supplied.
func (r *Runtime) importDynamically(referrer any, specifierValue sobek.Value, payload any) {
	specifier := specifierValue.String()
	if _, err := r.resolveModule(referrer, specifier); err != nil {
		r.vm.FinishLoadingImportModule(referrer, specifierValue, payload, nil, r.newError(err.Error()))
		return
	}
	rec, ok := r.dynamic[specifier]
	if !ok {
		quoted, _ := json.Marshal(specifier) // a registry key: letters, digits, '/', '-', ':'
		src := "export * from " + string(quoted) + ";\nexport { default } from " + string(quoted) + ";\n"
		var err error
		rec, err = sobek.ParseModule(InternalPrefix+"import/"+specifier, src, r.resolveModule, parser.WithDisableSourceMaps)
		if err != nil {
			r.vm.FinishLoadingImportModule(referrer, specifierValue, payload, nil, r.newError(err.Error()))
			return
		}
		r.dynamic[specifier] = rec
	}
	r.vm.FinishLoadingImportModule(referrer, specifierValue, payload, rec, nil)
}
