package puppeteer

import (
	"context"
	"fmt"
	"sync"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/chrome"
	"github.com/skriptable/skriptable/internal/js"
)

// LaunchOptions are what a script's puppeteer.launch options may change.
// Everything else about the browser (binary, flags, sandbox) is decided by
// Skriptable, never by the script.
type LaunchOptions struct {
	Viewport   *browser.Viewport
	NoViewport bool // defaultViewport: null
}

// Files receives the files a script asks Puppeteer to write with `path:`
// options (screenshots, PDFs). path is exactly what the script passed; the
// implementation decides where it lands and refuses paths that escape the
// run's output. It is called from worker goroutines.
type Files interface {
	WriteFile(path string, data []byte) error
}

// Config connects the Puppeteer module to the run that hosts it.
type Config struct {
	// Launch starts a browser for puppeteer.launch.
	Launch func(ctx context.Context, o LaunchOptions) (*browser.Browser, error)
	Files  Files
	// Warn reports something the script should know but that does not
	// stop it ("launch option args is ignored").
	Warn func(msg string)
	// MaxBrowsers caps browsers launched per run (default 3).
	MaxBrowsers int
	// ExecPath is what puppeteer.executablePath() reports.
	ExecPath string
}

// Module is the `puppeteer` module of one run. Close it when the run ends:
// it closes every browser the script launched and did not close.
type Module struct {
	cfg Config

	mu       sync.Mutex
	browsers []*browser.Browser
	launched int
	closed   bool
	exports  *sobek.Object         // per runtime; a Module serves one runtime
	queries  browser.QueryHandlers // custom query handlers of the run
}

// New creates the module for one run.
func New(cfg Config) *Module {
	if cfg.MaxBrowsers <= 0 {
		cfg.MaxBrowsers = 3
	}
	if cfg.Warn == nil {
		cfg.Warn = func(string) {}
	}
	if cfg.ExecPath == "" {
		cfg.ExecPath = "/usr/lib/chromium/chromium"
	}
	return &Module{cfg: cfg}
}

// Func is the js.ModuleFunc to register as "puppeteer" and "puppeteer-core";
// both names give the same object, as they would in Node.
func (mod *Module) Func() js.ModuleFunc {
	return func(rt *js.Runtime) (*sobek.Object, error) {
		if mod.exports != nil {
			return mod.exports, nil
		}
		m, err := newMapper(rt, mod)
		if err != nil {
			return nil, err
		}
		mod.exports = m.puppeteer()
		return mod.exports, nil
	}
}

// Close closes every browser still open. Safe to call more than once.
func (mod *Module) Close() {
	mod.mu.Lock()
	mod.closed = true
	bs := mod.browsers
	mod.browsers = nil
	mod.mu.Unlock()
	var wg sync.WaitGroup
	for _, b := range bs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = b.Close()
		}()
	}
	wg.Wait()
}

func (mod *Module) track(b *browser.Browser) error {
	mod.mu.Lock()
	defer mod.mu.Unlock()
	if mod.closed {
		return fmt.Errorf("the run has ended")
	}
	mod.browsers = append(mod.browsers, b)
	return nil
}

func (mod *Module) forget(b *browser.Browser) {
	mod.mu.Lock()
	defer mod.mu.Unlock()
	for i, x := range mod.browsers {
		if x == b {
			mod.browsers = append(mod.browsers[:i], mod.browsers[i+1:]...)
			return
		}
	}
}

// errorsSource defines Puppeteer's error classes inside the runtime, so
// that `err instanceof TimeoutError` and `err.name` work as in Puppeteer.
const errorsSource = `(function () {
  class PuppeteerError extends Error {
    constructor(message, options) { super(message, options); this.name = this.constructor.name; }
  }
  class TimeoutError extends PuppeteerError {}
  class ProtocolError extends PuppeteerError {}
  class TargetCloseError extends ProtocolError {}
  class UnsupportedOperation extends PuppeteerError {}
  class TouchError extends PuppeteerError {}
  return { PuppeteerError, TimeoutError, ProtocolError, TargetCloseError, UnsupportedOperation, TouchError };
})()`

var (
	errorsOnce sync.Once
	errorsProg *sobek.Program
	errorsErr  error
)

func newMapper(rt *js.Runtime, mod *Module) (*mapper, error) {
	errorsOnce.Do(func() {
		errorsProg, errorsErr = sobek.Compile(js.InternalPrefix+"errors.js", errorsSource, true)
	})
	if errorsErr != nil {
		return nil, errorsErr
	}
	vm := rt.VM()
	v, err := vm.RunProgram(errorsProg)
	if err != nil {
		return nil, err
	}
	classesObj := v.ToObject(vm)
	m := &mapper{
		rt:        rt,
		vm:        vm,
		mod:       mod,
		errs:      map[string]sobek.Value{},
		pages:     map[*browser.Page]*sobek.Object{},
		frames:    map[*browser.Frame]*sobek.Object{},
		requests:  newWrapperCache[*browser.Request](),
		responses: newWrapperCache[*browser.Response](),
		handles:   map[*sobek.Object]*browser.Handle{},
		browsers:  map[*browser.Browser]*sobek.Object{},
		contexts:  map[*browser.Context]*sobek.Object{},
		keyboards: map[*browser.Page]*sobek.Object{},
		mice:      map[*browser.Page]*sobek.Object{},

		touchscreens: map[*browser.Page]*sobek.Object{},
		touches:      map[*sobek.Object]*browser.TouchHandle{},
		locators:     map[*sobek.Object]*locator{},
	}
	for _, name := range classesObj.Keys() {
		m.errs[name] = classesObj.Get(name)
	}
	// Intrinsics captured before the script can replace them.
	stringify, ok := sobek.AssertFunction(vm.Get("JSON").ToObject(vm).Get("stringify"))
	if !ok {
		return nil, fmt.Errorf("JSON.stringify is not a function")
	}
	m.stringify = func(this, v sobek.Value) (sobek.Value, error) { return stringify(this, v) }
	fnProto := vm.Get("Function").ToObject(vm).Get("prototype").ToObject(vm)
	toString, ok := sobek.AssertFunction(fnProto.Get("toString"))
	if !ok {
		return nil, fmt.Errorf("Function.prototype.toString is not a function")
	}
	m.fnToString = func(fn *sobek.Object) (sobek.Value, error) { return toString(fn) }
	return m, nil
}

// puppeteer builds the module's exports object.
func (m *mapper) puppeteer() *sobek.Object {
	b := m.object(puppeteerAPI)
	b.async("launch", m.launch)
	b.method("executablePath", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(m.mod.cfg.ExecPath) })
	b.method("defaultArgs", func(sobek.FunctionCall) sobek.Value {
		flags := chrome.DefaultFlags()
		items := make([]any, len(flags))
		for i, f := range flags {
			items[i] = f
		}
		return m.vm.NewArray(items...)
	})
	b.value("defaultBrowser", "chrome")
	b.value("product", "chrome")
	b.getter("lastLaunchedBrowser", func() sobek.Value {
		if m.lastBrowser == nil {
			return sobek.Undefined()
		}
		return m.lastBrowser
	})
	b.async("trimCache", func(sobek.FunctionCall) (work, error) {
		return func(context.Context) (js.Builder, error) { return nil, nil }, nil
	})
	errs := m.vm.NewObject()
	for name, ctor := range m.errs {
		_ = errs.Set(name, ctor)
	}
	b.value("errors", errs)
	b.value("TimeoutError", m.errs["TimeoutError"])
	b.value("ProtocolError", m.errs["ProtocolError"])
	b.value("TargetCloseError", m.errs["TargetCloseError"])
	m.queryHandlerMethods(b.method) // removed in Puppeteer 22: see Puppeteer
	b.value("Puppeteer", m.puppeteerClass())
	b.value("Locator", m.locatorClass())
	m.moduleStateValues(b) // KnownDevices, PredefinedNetworkConditions: state_module.go
	obj := b.done()
	_ = b.obj.Set("default", obj) // CommonJS interop: require('puppeteer').default
	return obj
}

// launch implements puppeteer.launch.
func (m *mapper) launch(call sobek.FunctionCall) (work, error) {
	o, err := m.options(call.Argument(0), "options")
	if err != nil {
		return nil, err
	}
	var lo LaunchOptions
	if v := o.get("defaultViewport"); v != nil {
		if sobek.IsNull(v) {
			lo.NoViewport = true
		} else {
			vp, err := m.viewport(v, "options.defaultViewport")
			if err != nil {
				return nil, err
			}
			lo.Viewport = &vp
		}
	} else if o.own["defaultViewport"] { // explicitly undefined → Puppeteer's default
	}
	for _, ignored := range []string{"args", "executablePath", "ignoreDefaultArgs", "userDataDir", "channel", "browser", "extensions", "pipe", "env", "dumpio"} {
		if o.has(ignored) {
			m.mod.cfg.Warn(fmt.Sprintf("puppeteer.launch: option %q is ignored: Skriptable chooses the browser and its flags", ignored))
		}
	}
	mod := m.mod
	mod.mu.Lock()
	mod.launched++
	over := mod.launched > mod.cfg.MaxBrowsers
	mod.mu.Unlock()
	if over {
		return nil, fmt.Errorf("puppeteer.launch: a run may launch at most %d browsers", mod.cfg.MaxBrowsers)
	}
	return func(ctx context.Context) (js.Builder, error) {
		b, err := mod.cfg.Launch(ctx, lo)
		if err != nil {
			return nil, err
		}
		if err := mod.track(b); err != nil {
			_ = b.Close()
			return nil, err
		}
		b.SetQueryHandlers(&mod.queries)
		return func(*sobek.Runtime) sobek.Value {
			obj := m.wrapBrowser(b)
			m.lastBrowser = obj
			return obj
		}, nil
	}, nil
}

// viewport parses Puppeteer's Viewport object.
func (m *mapper) viewport(v sobek.Value, what string) (browser.Viewport, error) {
	o, err := m.options(v, what)
	if err != nil {
		return browser.Viewport{}, err
	}
	var vp browser.Viewport
	w, okW, err := o.num("width")
	if err != nil {
		return vp, err
	}
	h, okH, err := o.num("height")
	if err != nil {
		return vp, err
	}
	if !okW || !okH {
		return vp, argErrorf("%s needs a width and a height", what)
	}
	// 0 is Chromium's "no override" (Puppeteer passes it through); the
	// upper bound keeps a script from asking for gigapixel surfaces.
	if w < 0 || h < 0 || w > 16384 || h > 16384 {
		return vp, argErrorf("%s: width and height must be between 0 and 16384", what)
	}
	vp.Width, vp.Height = int(w), int(h)
	if f, ok, err := o.num("deviceScaleFactor"); err != nil {
		return vp, err
	} else if ok {
		if f <= 0 || f > 10 {
			return vp, argErrorf("%s.deviceScaleFactor must be between 0 and 10", what)
		}
		vp.DeviceScaleFactor = f
	}
	if vp.IsMobile, err = o.boolean("isMobile"); err != nil {
		return vp, err
	}
	if vp.HasTouch, err = o.boolean("hasTouch"); err != nil {
		return vp, err
	}
	if vp.IsLandscape, err = o.boolean("isLandscape"); err != nil {
		return vp, err
	}
	// page.viewport() answers with the fields the script gave, as
	// Puppeteer returns the object it was passed.
	for _, k := range o.keys {
		switch k {
		case "width", "height", "deviceScaleFactor", "isMobile", "hasTouch", "isLandscape":
			if o.get(k) != nil {
				vp.Given = append(vp.Given, k)
			}
		}
	}
	return vp, nil
}
