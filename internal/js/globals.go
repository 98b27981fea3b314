package js

import (
	"path"
	"sort"

	"github.com/grafana/sobek"
)

// installGlobals adds the Node-like globals a pasted script expects. Each
// is built from fresh JS objects and closures; none exposes host state
// beyond the values in Options.
func (r *Runtime) installGlobals() error {
	if err := r.installConsole(); err != nil {
		return err
	}
	if err := r.installTimers(); err != nil {
		return err
	}
	if err := r.installURL(); err != nil {
		return err
	}
	g := r.vm.GlobalObject()
	filename := r.opts.Filename
	dirname := r.opts.Dirname
	if dirname == "" {
		dirname = path.Dir(filename)
	}
	module := r.vm.NewObject()
	exports := r.vm.NewObject()
	sets := []struct {
		name  string
		value any
	}{
		{"global", g},
		{"require", r.Func("require", r.require)},
		{"module", module},
		{"exports", exports},
		{"__filename", filename},
		{"__dirname", dirname},
		{"process", r.newProcess(dirname)},
		{"queueMicrotask", r.Func("queueMicrotask", r.queueMicrotask)},
	}
	for _, s := range sets {
		if err := g.Set(s.name, s.value); err != nil {
			return err
		}
	}
	return module.Set("exports", exports)
}

func (r *Runtime) newProcess(cwd string) *sobek.Object {
	p := r.vm.NewObject()
	env := r.vm.NewObject()
	keys := make([]string, 0, len(r.opts.Env))
	for k := range r.opts.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic enumeration order
	for _, k := range keys {
		_ = env.Set(k, r.opts.Env[k])
	}
	argv := []any{"/usr/local/bin/skriptable", r.opts.Filename}
	for _, a := range r.opts.Args {
		argv = append(argv, a)
	}
	_ = p.Set("env", env)
	_ = p.Set("argv", r.vm.NewArray(argv...))
	_ = p.Set("platform", "linux")
	_ = p.Set("pid", 1)
	_ = p.Set("exitCode", sobek.Undefined())
	_ = p.Set("binding", r.Func("process.binding", func(sobek.FunctionCall) sobek.Value {
		panic(r.newError("process.binding is not available in Skriptable"))
	}))
	_ = p.Set("cwd", r.Func("process.cwd", func(sobek.FunctionCall) sobek.Value { return r.vm.ToValue(cwd) }))
	_ = p.Set("exit", r.Func("process.exit", func(call sobek.FunctionCall) sobek.Value {
		code := 0
		if v := call.Argument(0); !sobek.IsUndefined(v) {
			code = int(v.ToInteger())
		} else if v := p.Get("exitCode"); v != nil && sobek.IsNumber(v) {
			code = int(v.ToInteger())
		}
		r.vm.Interrupt(&ExitError{Code: code})
		return sobek.Undefined()
	}))
	return p
}

func (r *Runtime) queueMicrotask(call sobek.FunctionCall) sobek.Value {
	fn, ok := sobek.AssertFunction(call.Argument(0))
	if !ok {
		panic(r.newTypeError(`The "callback" argument must be of type function. Received ` + describeType(call.Argument(0))))
	}
	p, resolve, _ := r.vm.NewPromise()
	then, _ := sobek.AssertFunction(r.vm.ToValue(p).ToObject(r.vm).Get("then"))
	_, _ = then(r.vm.ToValue(p), r.vm.ToValue(func(sobek.FunctionCall) sobek.Value {
		if _, err := fn(sobek.Undefined()); err != nil {
			panic(err)
		}
		return sobek.Undefined()
	}))
	_ = resolve(sobek.Undefined())
	return sobek.Undefined()
}
