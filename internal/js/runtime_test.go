package js

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/sobek"
)

// harness runs scripts and collects their console output.
type harness struct {
	mu   sync.Mutex
	logs []Log
}

func (h *harness) log(l Log) {
	h.mu.Lock()
	h.logs = append(h.logs, l)
	h.mu.Unlock()
}

func (h *harness) out() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, l := range h.logs {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// fakePuppeteer is a host module whose launch() resolves from a goroutine.
func fakePuppeteer(rt *Runtime) (*sobek.Object, error) {
	vm := rt.VM()
	m := vm.NewObject()
	err := m.Set("launch", rt.Func("launch", func(sobek.FunctionCall) sobek.Value {
		p, resolve, _ := rt.Loop().NewPromise()
		go func() {
			time.Sleep(5 * time.Millisecond)
			resolve(Builder(func(vm *sobek.Runtime) sobek.Value {
				b := vm.NewObject()
				_ = b.Set("version", "HeadlessChrome/156")
				return b
			}))
		}()
		return vm.ToValue(p)
	}))
	return m, err
}

func run(t *testing.T, name, src string, opts ...func(*Options)) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return runCtx(ctx, t, name, src, opts...)
}

func runCtx(ctx context.Context, t *testing.T, name, src string, opts ...func(*Options)) (string, error) {
	t.Helper()
	h := &harness{}
	o := Options{Filename: name, Log: h.log, Modules: map[string]ModuleFunc{"puppeteer": fakePuppeteer}}
	for _, f := range opts {
		f(&o)
	}
	prog, err := Compile(name, []byte(src), o.Limits)
	if err != nil {
		return "", err
	}
	rt, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	err = rt.Run(ctx, prog)
	return h.out(), err
}

func TestCommonJSScriptWithTimersAndPromises(t *testing.T) {
	t.Parallel()
	out, err := run(t, "script.js", `
const puppeteer = require('puppeteer');
setTimeout(() => console.log('timeout 20'), 20);
setTimeout(() => console.log('timeout 1'), 1);
const id = setTimeout(() => console.log('never'), 5);
clearTimeout(id);
let n = 0;
const iv = setInterval(() => { n++; if (n === 3) { clearInterval(iv); console.log('interval x3'); } }, 2);
(async () => {
  const browser = await puppeteer.launch({ headless: false });
  console.log('launched', browser.version, typeof require, __filename);
  x = 42; // sloppy mode, as in Node's CommonJS
  console.log('x', globalThis.x);
})();
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"timeout 1\n", "timeout 20\n", "interval x3\n", "launched HeadlessChrome/156 function script.js\n", "x 42\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "never") {
		t.Error("cleared timeout fired")
	}
}

func TestESModuleWithTopLevelAwait(t *testing.T) {
	t.Parallel()
	out, err := run(t, "search.mjs", `
import puppeteer from 'puppeteer';
import { launch } from 'puppeteer';
const browser = await puppeteer.launch();
console.log(browser.version, launch === puppeteer.launch);
`)
	if err != nil {
		t.Fatal(err)
	}
	if out != "HeadlessChrome/156 true\n" {
		t.Fatalf("output %q", out)
	}
}

func TestDynamicImportOfHostModules(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"a.mjs", "b.js"} {
		out, err := run(t, name, "(async () => { const p = await import('puppeteer'); const q = await import('puppeteer'); console.log(typeof p.default.launch, typeof p.launch, p === q) })()")
		if err != nil || out != "function function true\n" {
			t.Errorf("%s: %q %v", name, out, err)
		}
	}
}

func TestUnknownModules(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		`require('child_process')`,
		`import cp from 'child_process'`,
		`await import('fs')`,
		`(async () => { await import('fs') })()`,
	} {
		_, err := run(t, "script.js", src)
		var se *ScriptError
		if !errors.As(err, &se) || !strings.Contains(se.Text, "Error: module '") || !strings.Contains(se.Text, "' is not available in Skriptable") {
			t.Errorf("%s: err = %v", src, err)
		}
	}
}

func TestUncaughtErrorsPointAtTheScript(t *testing.T) {
	t.Parallel()
	_, err := run(t, "login-check.js", "function check() {\n  throw new Error('no welcome');\n}\ncheck();\n")
	var se *ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("err = %T %v", err, err)
	}
	want := "Error: no welcome\n    at check (login-check.js:2:9)\n    at login-check.js:4:6"
	if se.Text != want || se.Name != "Error" || se.Message != "no welcome" {
		t.Fatalf("text:\n%s\nwant:\n%s", se.Text, want)
	}
	_, err = run(t, "a.js", "(async () => {\n  await null;\n  null.x;\n})();\n")
	if !errors.As(err, &se) || !strings.HasPrefix(se.Text, "TypeError: ") || !strings.Contains(se.Text, "at a.js:3:") {
		t.Fatalf("unhandled rejection: %v", err)
	}
	_, err = run(t, "b.js", "throw 'plain string'")
	if !errors.As(err, &se) || !strings.HasPrefix(se.Text, "Uncaught 'plain string'") {
		t.Fatalf("non-error throw: %v", err)
	}
}

func TestProcessGlobals(t *testing.T) {
	t.Parallel()
	out, err := run(t, "env.js", `console.log(process.env.USER_NAME, process.env.NOPE, process.argv.slice(2), process.cwd()); process.exit(3); console.log('after')`,
		func(o *Options) {
			o.Env = map[string]string{"USER_NAME": "ada"}
			o.Args = []string{"--flag"}
			o.Dirname = "/out"
		})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 3 {
		t.Fatalf("err = %v", err)
	}
	if out != "ada undefined [ '--flag' ] /out\n" {
		t.Fatalf("out = %q", out)
	}
}

func TestContextEndInterruptsBusyLoop(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeoutCause(context.Background(), 200*time.Millisecond, errors.New("timed out after 200ms"))
	defer cancel()
	start := time.Now()
	_, err := runCtx(ctx, t, "mine.js", "while (true) {}")
	if err == nil || err.Error() != "timed out after 200ms" {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v", d)
	}
	// A script waiting on a promise that never settles ends too.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	h := &harness{}
	rt, _ := New(Options{Filename: "w.js", Log: h.log})
	prog, _ := Compile("w.js", []byte("1"), Limits{})
	err = rt.Run(ctx2, &Program{Name: "w.js", script: prog.script})
	if err != nil {
		t.Fatalf("trivial run: %v", err)
	}
	rt.Loop().RegisterCallback() // reserved, never filled
	err = rt.Loop().Run(ctx2, func() error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hung reservation: %v", err)
	}
}

func TestHostileInputsFailCleanly(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"recursion":        "function f(){ return f() + 1 } f()",
		"redos":            "/^(a+)+(?=c)b/.test('a'.repeat(32) + 'x'); console.log('regex done')",
		"sourcemap file":   "eval('null.x\\n//# sourceMappingURL=file:///etc/passwd')",
		"sourcemap zero":   "eval('1\\n//# sourceMappingURL=file:///dev/zero'); console.log('no map read')",
		"host func panics": "process.exit({ valueOf() { throw new Error('from valueOf') } })",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			out, err := run(t, "hostile.js", src)
			if time.Since(start) > 5*time.Second {
				t.Fatalf("took %v", time.Since(start))
			}
			switch name {
			case "recursion":
				if err == nil || !strings.Contains(err.Error(), "RangeError") {
					t.Fatalf("err = %v", err)
				}
			case "redos", "sourcemap zero":
				if err != nil || out == "" {
					t.Fatalf("err = %v out = %q", err, out)
				}
			case "sourcemap file":
				if err == nil || strings.Contains(err.Error(), "root:") || strings.Contains(err.Error(), "passwd") && !strings.Contains(err.Error(), "TypeError") {
					t.Fatalf("err = %v", err)
				}
			case "host func panics":
				if err == nil || !strings.Contains(err.Error(), "from valueOf") {
					t.Fatalf("err = %v", err)
				}
			}
		})
	}
}

// Even a Go struct that reached the runtime by mistake shows nothing.
func TestGoValuesAreOpaque(t *testing.T) {
	t.Parallel()
	h := &harness{}
	rt, err := New(Options{Filename: "x.js", Log: h.log})
	if err != nil {
		t.Fatal(err)
	}
	type secret struct {
		sync.Mutex
		Token string
	}
	s := &secret{Token: "TOPSECRET"}
	_ = rt.VM().Set("leak", s)
	prog, _ := Compile("x.js", []byte(`console.log(JSON.stringify(Object.keys(leak)), typeof leak.Lock, typeof leak.Token, String(leak.token))`), Limits{})
	if err := rt.Run(context.Background(), prog); err != nil {
		t.Fatal(err)
	}
	if got := h.out(); got != "[] undefined undefined undefined\n" {
		t.Fatalf("out = %q", got)
	}
	if !s.TryLock() {
		t.Fatal("JS locked the host mutex")
	}
}
