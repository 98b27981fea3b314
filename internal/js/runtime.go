// Package js runs one user script in a hardened sobek runtime: compilation
// (size and nesting caps, TypeScript stripping, script-or-module detection),
// the event loop, console, timers, require/import of host modules, and
// Node-style error reports.
//
// Threat model: the script is hostile. The runtime exposes no Go struct,
// map or slice (a deny-all field mapper backs this up), never reads files
// for source maps, bounds regular-expression backtracking and call depth,
// and turns any panic in host code into a JS exception. Memory and CPU are
// bounded outside this package, by the process sandbox.
package js

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/grafana/sobek"
	"github.com/grafana/sobek/parser"

	"github.com/skriptable/skriptable/internal/inspect"
)

// regexTimeout bounds one regular-expression match on the backtracking
// engine, which ignores Interrupt; a timed-out match reports "no match".
const regexTimeout = time.Second

// The timeout is read when a regular expression is compiled, which for
// literals happens when the script is compiled, before any runtime exists:
// so it is set at package initialisation.
func init() { regexp2.DefaultMatchTimeout = regexTimeout }

// Log is one console message.
type Log struct {
	Level string    // the console method: "log", "info", "debug", "warn", "error", "trace"
	Text  string    // formatted like Node's util.format
	Time  time.Time // when the script logged it
}

// Stderr reports whether Node would print the message on standard error.
func (l Log) Stderr() bool {
	return l.Level == "warn" || l.Level == "error" || l.Level == "trace"
}

// Options configures a Runtime.
type Options struct {
	Filename string            // the script's name in stacks and errors ("login-check.js")
	Dirname  string            // __dirname and process.cwd()
	Env      map[string]string // process.env
	Args     []string          // process.argv after the runtime and script names
	Log      func(Log)         // receives console output; required
	Modules  map[string]ModuleFunc
	Limits   Limits
	Now      func() time.Time // clock for log times; default time.Now
}

// Runtime is one script's JS world. It is used by one goroutine at a time:
// the one inside Run, or before Run, the one that set it up.
type Runtime struct {
	vm      *sobek.Runtime
	loop    *Loop
	opts    Options
	inspect *inspect.Inspector
	ctx     context.Context

	moduleCache map[string]*sobek.Object
	records     map[string]sobek.ModuleRecord
	dynamic     map[string]sobek.ModuleRecord // import() wrappers, see importDynamically
	timers      timers
	console     consoleState
}

// denyAllMapper hides every Go field and method from JS: even if a Go value
// reached the runtime by mistake, nothing of it would be reachable.
type denyAllMapper struct{}

func (denyAllMapper) FieldName(reflect.Type, reflect.StructField) string { return "" }
func (denyAllMapper) MethodName(reflect.Type, reflect.Method) string     { return "" }

// New creates a hardened runtime with Node-like globals installed.
func New(opts Options) (*Runtime, error) {
	opts.Limits = opts.Limits.WithDefaults()
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		return nil, fmt.Errorf("js.Options.Log is required")
	}
	vm := sobek.New()
	vm.SetParserOptions(parser.WithDisableSourceMaps) // also covers eval() and Function()
	vm.SetMaxCallStackSize(opts.Limits.MaxCallStack)
	vm.SetFieldNameMapper(denyAllMapper{})
	r := &Runtime{
		vm:          vm,
		loop:        newLoop(vm),
		opts:        opts,
		ctx:         context.Background(),
		moduleCache: map[string]*sobek.Object{},
		records:     map[string]sobek.ModuleRecord{},
		dynamic:     map[string]sobek.ModuleRecord{},
	}
	r.timers.init()
	vm.SetImportModuleDynamically(r.importDynamically)
	in, err := inspect.New(vm)
	if err != nil {
		return nil, fmt.Errorf("set up console formatting: %w", err)
	}
	r.inspect = in
	if err := r.installGlobals(); err != nil {
		return nil, err
	}
	return r, nil
}

// VM is the underlying engine, for packages that map host APIs into JS.
func (r *Runtime) VM() *sobek.Runtime { return r.vm }

// Loop is the runtime's event loop.
func (r *Runtime) Loop() *Loop { return r.loop }

// Context is the context of the current Run (Background before Run). Host
// work started from JS should stop when it ends.
func (r *Runtime) Context() context.Context { return r.ctx }

// Filename is the script's name as shown to the user.
func (r *Runtime) Filename() string { return r.opts.Filename }

// Inspector formats values like Node's util.inspect.
func (r *Runtime) Inspector() *inspect.Inspector { return r.inspect }

// Run executes the program and its event loop until nothing is pending, the
// script throws, a promise rejection goes unhandled, process.exit is
// called, or ctx ends. Errors are *ScriptError, *ExitError or ctx's cause.
func (r *Runtime) Run(ctx context.Context, prog *Program) error {
	r.ctx = ctx
	defer r.timers.stopAll()
	var modPromise *sobek.Promise
	err := r.loop.Run(ctx, func() error {
		if !prog.Module {
			_, err := r.vm.RunProgram(prog.script)
			return err
		}
		rec, err := sobek.ModuleFromAST(prog.module, r.resolveModule)
		if err != nil {
			return syntaxError(prog.Name, err)
		}
		if err := rec.Link(); err != nil {
			return err
		}
		modPromise = r.vm.CyclicModuleRecordEvaluate(rec, r.resolveModule)
		return nil
	})
	if err == nil && modPromise != nil && modPromise.State() == sobek.PromiseStateRejected {
		err = &UnhandledRejectionError{Value: modPromise.Result()}
	}
	return r.classify(ctx, err)
}

// Func wraps a host function so that a Go panic inside it becomes a JS
// exception instead of killing the process. JS exceptions thrown with panic
// (sobek values, interrupts) pass through unchanged.
func (r *Runtime) Func(name string, fn func(call sobek.FunctionCall) sobek.Value) sobek.Value {
	f := r.vm.ToValue(func(call sobek.FunctionCall) (ret sobek.Value) {
		defer func() {
			if p := recover(); p != nil {
				switch p.(type) {
				case sobek.Value, *sobek.Exception, *sobek.InterruptedError:
					panic(p)
				}
				panic(r.newError(fmt.Sprintf("internal error in %s: %v", name, p)))
			}
		}()
		return fn(call)
	})
	// sobek names Go functions after their Go symbol
	// ("…/internal/js.(*Runtime).Func.func1"); scripts and stack traces
	// should see the member's own name ("click" for "page.click").
	short := name
	if i := strings.LastIndexByte(short, '.'); i >= 0 {
		short = short[i+1:]
	}
	_ = f.(*sobek.Object).DefineDataProperty("name", r.vm.ToValue(short), sobek.FLAG_FALSE, sobek.FLAG_TRUE, sobek.FLAG_FALSE)
	return f
}

// Close stops the runtime's timers. The runtime must not be used after.
func (r *Runtime) Close() { r.timers.stopAll() }
