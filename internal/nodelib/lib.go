package nodelib

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"sync"
	"time"
	"weak"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/js"
)

// The library's JavaScript, in parts numbered in load order.
//
//go:embed js/*.js
var scripts embed.FS

// The parts are concatenated into the body of one function expression that
// takes the host functions and returns the library's API, so nothing is
// declared in the runtime's global scope and only the library sees the
// host functions.
const (
	scriptName     = js.InternalPrefix + "nodelib.js"
	scriptPrologue = "(function (host) {\n'use strict';\n"
	scriptEpilogue = "\nreturn api;\n})"
)

var (
	programOnce sync.Once
	program     *sobek.Program
	programErr  error
)

func compiled() (*sobek.Program, error) {
	programOnce.Do(func() {
		entries, err := fs.ReadDir(scripts, "js") // sorted by name
		if err != nil {
			programErr = err
			return
		}
		var b strings.Builder
		b.WriteString(scriptPrologue)
		for _, e := range entries {
			data, err := scripts.ReadFile("js/" + e.Name())
			if err != nil {
				programErr = err
				return
			}
			b.Write(data)
			b.WriteString("\n")
		}
		b.WriteString(scriptEpilogue)
		program, programErr = sobek.Compile(scriptName, b.String(), true)
		if programErr != nil {
			programErr = fmt.Errorf("nodelib: compiling the library: %w", programErr)
		}
	})
	return program, programErr
}

// lib is the library loaded into one runtime.
type lib struct {
	rt    *js.Runtime
	vm    *sobek.Runtime
	cfg   Config
	api   *sobek.Object
	start time.Time // origin of host.now (performance.now)

	globalsInstalled bool
}

// registry finds a runtime's lib, so that Modules and InstallGlobals share
// one Buffer class, one test runner and one set of exports. Keys and values
// are weak: the lib is kept alive by the host functions the runtime holds,
// and the entry goes when the runtime does.
var registry = struct {
	mu sync.Mutex
	m  map[weak.Pointer[sobek.Runtime]]weak.Pointer[lib]
}{m: map[weak.Pointer[sobek.Runtime]]weak.Pointer[lib]{}}

// libFor returns rt's lib, loading it on first use. It runs on the
// goroutine that owns rt.
func libFor(rt *js.Runtime, cfg Config) (*lib, error) {
	vm := rt.VM()
	key := weak.Make(vm)
	registry.mu.Lock()
	if wl, ok := registry.m[key]; ok {
		if l := wl.Value(); l != nil {
			registry.mu.Unlock()
			return l, nil
		}
	}
	registry.mu.Unlock()
	l, err := load(rt, cfg)
	if err != nil {
		return nil, err
	}
	registry.mu.Lock()
	registry.m[key] = weak.Make(l)
	registry.mu.Unlock()
	runtime.AddCleanup(vm, func(k weak.Pointer[sobek.Runtime]) {
		registry.mu.Lock()
		delete(registry.m, k)
		registry.mu.Unlock()
	}, key)
	return l, nil
}

func load(rt *js.Runtime, cfg Config) (*lib, error) {
	prg, err := compiled()
	if err != nil {
		return nil, err
	}
	l := &lib{rt: rt, vm: rt.VM(), cfg: cfg, start: time.Now()}
	factoryValue, err := l.vm.RunProgram(prg)
	if err != nil {
		return nil, fmt.Errorf("nodelib: loading the library: %w", err)
	}
	factory, ok := sobek.AssertFunction(factoryValue)
	if !ok {
		return nil, errors.New("nodelib: the library did not evaluate to a function")
	}
	apiValue, err := factory(sobek.Undefined(), l.hostObject())
	if err != nil {
		return nil, fmt.Errorf("nodelib: initialising the library: %w", err)
	}
	api, ok := apiValue.(*sobek.Object)
	if !ok {
		return nil, errors.New("nodelib: the library returned no API object")
	}
	l.api = api
	return l, nil
}

// module returns the exports of one module (cached by the library, so
// aliases share their object).
func (l *lib) module(name string) (*sobek.Object, error) {
	fn, ok := sobek.AssertFunction(l.api.Get("module"))
	if !ok {
		return nil, errors.New("nodelib: the library has no module function")
	}
	v, err := fn(sobek.Undefined(), l.vm.ToValue(name))
	if err != nil {
		return nil, err
	}
	obj, ok := v.(*sobek.Object)
	if !ok {
		return nil, fmt.Errorf("nodelib: no module %q", name)
	}
	return obj, nil
}

func (l *lib) installGlobals() error {
	if l.globalsInstalled {
		return nil
	}
	fn, ok := sobek.AssertFunction(l.api.Get("installGlobals"))
	if !ok {
		return errors.New("nodelib: the library has no installGlobals function")
	}
	if _, err := fn(sobek.Undefined(), l.vm.GlobalObject()); err != nil {
		return fmt.Errorf("nodelib: installing globals: %w", err)
	}
	l.globalsInstalled = true
	return nil
}
