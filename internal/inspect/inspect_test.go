package inspect

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/sobek"
)

func mustRead(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func newInspector(t testing.TB) (*sobek.Runtime, *Inspector) {
	t.Helper()
	vm := sobek.New()
	insp, err := New(vm)
	if err != nil {
		t.Fatal(err)
	}
	return vm, insp
}

func run(t testing.TB, vm *sobek.Runtime, src string) sobek.Value {
	t.Helper()
	v, err := vm.RunScript("test.js", src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return v
}

func TestFormatBasics(t *testing.T) {
	vm, insp := newInspector(t)
	tests := []struct {
		src  string // evaluates to the argument array
		want string
	}{
		{`[]`, ``},
		{`['plain']`, `plain`},
		{`['%s=%d', 'a', 1, 'extra']`, `a=1 extra`},
		{`[{ a: 1, b: [1, 2] }]`, `{ a: 1, b: [ 1, 2 ] }`},
		{`[1, 'two', null]`, `1 two null`},
	}
	if got := insp.Format([]sobek.Value{vm.ToValue("%s|%s"), nil, sobek.Null()}); got != "undefined|null" {
		t.Errorf("Format with a nil Value = %q", got)
	}
	for _, tc := range tests {
		got := insp.Format(arrayValues(vm, run(t, vm, tc.src)))
		if got != tc.want {
			t.Errorf("Format(%s) = %q, want %q", tc.src, got, tc.want)
		}
	}
}

// TestPlainStringsFastPath checks that the Go shortcut for string-only
// arguments agrees with the JavaScript util.format.
func TestPlainStringsFastPath(t *testing.T) {
	vm, insp := newInspector(t)
	formatFn, _ := sobek.AssertFunction(insp.FormatFunc())
	for _, src := range []string{
		`[]`, `['']`, `['a']`, `['a', 'b', '']`, `['100%']`, `['%s']`, `['%s', 'x']`,
		`['50% off', 'now']`, `['a', '%s', 'b']`, `['\u00e9\u65e5', 'x\ny']`, `['a', 1]`,
	} {
		args := arrayValues(vm, run(t, vm, src))
		want, err := formatFn(sobek.Undefined(), args...)
		if err != nil {
			t.Fatal(err)
		}
		if got := insp.Format(args); got != want.String() {
			t.Errorf("Format(%s) = %q, util.format gives %q", src, got, want.String())
		}
	}
}

func TestInspectOptions(t *testing.T) {
	vm, insp := newInspector(t)
	deep := run(t, vm, `({ a: { b: { c: { d: {} } } }, list: [1, 2, 3] })`)
	tests := []struct {
		name string
		v    sobek.Value
		opts Options
		want string
	}{
		{"zero value is Node's defaults", deep, Options{}, "{ a: { b: { c: [Object] } }, list: [ 1, 2, 3 ] }"},
		{"depth 1", deep, Options{Depth: 1}, "{ a: { b: [Object] }, list: [ 1, 2, 3 ] }"},
		{"top only", deep, Options{Depth: DepthTopOnly}, "{ a: [Object], list: [Array] }"},
		{"unlimited", deep, Options{Depth: DepthUnlimited}, "{ a: { b: { c: { d: {} } } }, list: [ 1, 2, 3 ] }"},
		{"break length", deep, Options{BreakLength: 30}, "{\n  a: {\n    b: { c: [Object] }\n  },\n  list: [ 1, 2, 3 ]\n}"},
		{"break length infinite", run(t, vm, `var o = {}; for (var i = 0; i < 20; i++) o['key' + i] = i; o`),
			Options{BreakLength: BreakLengthInfinite},
			"{ key0: 0, key1: 1, key2: 2, key3: 3, key4: 4, key5: 5, key6: 6, key7: 7, key8: 8, key9: 9, key10: 10, key11: 11, key12: 12, key13: 13, key14: 14, key15: 15, key16: 16, key17: 17, key18: 18, key19: 19 }"},
		{"compact off", run(t, vm, `({ a: 1 })`), Options{Compact: CompactOff}, "{\n  a: 1\n}"},
		{"compact 1", run(t, vm, `({ a: { b: 1 }, c: 2 })`), Options{Compact: 1}, "{\n  a: { b: 1 },\n  c: 2\n}"},
		{"show hidden", run(t, vm, `[1]`), Options{ShowHidden: true}, "[ 1, [length]: 1 ]"},
		{"string is quoted", run(t, vm, `"it's"`), Options{}, `"it's"`},
		{"nil value", nil, Options{}, "undefined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := insp.Inspect(tc.v, tc.opts); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestErrorsExact checks the complete output for errors, frames included:
// the golden tests compare errors without frames, since V8's differ.
func TestErrorsExact(t *testing.T) {
	vm, insp := newInspector(t)
	const script = `function make(m) { return new Error(m); }
var plain = make('boom');
var withProps = make('x'); withProps.code = 'E_X';
var renamed = make('r'); renamed.name = 'Custom';
class MyError extends Error {}
var sub = new MyError('sub');
var caused = new Error('outer', { cause: make('inner') });
var thrown; try { null.x; } catch (e) { thrown = e; }
var agg = new AggregateError([make('a')], 'many');
var rejected = Promise.reject(make('no'));
`
	if _, err := vm.RunScript("errors.js", script); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ src, want string }{
		{`[plain]`, "Error: boom\n    at make (errors.js:1:27)\n    at errors.js:2:17"},
		{`[withProps]`, "Error: x\n    at make (errors.js:1:27)\n    at errors.js:3:21 {\n  code: 'E_X'\n}"},
		{`[{ err: plain, n: 1 }]`, "{\n  err: Error: boom\n      at make (errors.js:1:27)\n      at errors.js:2:17,\n  n: 1\n}"},
		// The stack is built when first read, so it already has the new name
		// (as in V8), and the name property is then not repeated.
		{`[renamed]`, "Custom: r\n    at make (errors.js:1:27)\n    at errors.js:4:19"},
		{`[sub]`, "MyError: sub\n    at errors.js:6:11"},
		{`[caused]`, "Error: outer\n    at errors.js:7:14 {\n  [cause]: Error: inner\n      at make (errors.js:1:27)\n      at errors.js:7:46\n}"},
		// The message is sobek's own wording.
		{`[thrown]`, "TypeError: Cannot read property 'x' of undefined\n    at errors.js:8:24"},
		{`[agg]`, "AggregateError: many\n    at errors.js:9:11 {\n  [errors]: [\n    Error: a\n        at make (errors.js:1:27)\n        at errors.js:9:35\n  ]\n}"},
		{`[rejected]`, "Promise {\n  <rejected> Error: no\n      at make (errors.js:1:27)\n      at errors.js:10:35\n}"},
		{`['%s', plain]`, "Error: boom\n    at make (errors.js:1:27)\n    at errors.js:2:17"},
	}
	for _, tc := range tests {
		got := insp.Format(arrayValues(vm, run(t, vm, tc.src)))
		if got != tc.want {
			t.Errorf("Format(%s):\ngot\n%s\nwant\n%s\n%q", tc.src, got, tc.want, got)
		}
	}
	// The error's own stack property keeps the engine's format.
	if s := run(t, vm, `plain.stack`).String(); !strings.Contains(s, "\tat make (errors.js:1:27(") {
		t.Errorf("plain.stack changed: %q", s)
	}
}

func TestNoGlobalsAdded(t *testing.T) {
	vm := sobek.New()
	const names = `Object.getOwnPropertyNames(globalThis).concat(Object.getOwnPropertySymbols(globalThis).map(String)).sort().join()`
	before := run(t, vm, names).String()
	insp, err := New(vm)
	if err != nil {
		t.Fatal(err)
	}
	insp.Format(arrayValues(vm, run(t, vm, `[{ a: [new Map([[1, new Set([2])]])] }, new Error('x'), '%s', 1]`)))
	if after := run(t, vm, names).String(); after != before {
		t.Errorf("globals changed:\nbefore %s\nafter  %s", before, after)
	}
}

// TestTamperedIntrinsics formats every golden case after the script has
// broken the builtins the formatter uses; the output must not change.
func TestTamperedIntrinsics(t *testing.T) {
	golden := loadGolden(t)
	vm, insp := newInspector(t)
	inspectFn, _ := sobek.AssertFunction(insp.InspectFunc())
	type prepared struct {
		name    string
		stack   bool
		args    []sobek.Value
		inspect bool
	}
	var all []prepared
	src := mustRead(t, "testdata/cases.js")
	run(t, vm, src)
	list := vm.Get("cases").ToObject(vm)
	for i := 0; i < int(list.Get("length").ToInteger()); i++ {
		c := list.Get(strconv.Itoa(i)).ToObject(vm)
		p := prepared{name: c.Get("name").String(), stack: c.Get("stack") != nil && c.Get("stack").ToBoolean()}
		fn, ok := sobek.AssertFunction(c.Get("args"))
		if !ok {
			fn, _ = sobek.AssertFunction(c.Get("inspect"))
			p.inspect = true
		}
		v, err := fn(sobek.Undefined())
		if err != nil {
			t.Fatal(err)
		}
		p.args = arrayValues(vm, v)
		all = append(all, p)
	}
	run(t, vm, `(function () {
  var ownKeys = Reflect.ownKeys, getDesc = Object.getOwnPropertyDescriptor, define = Object.defineProperty;
  var skip = ['constructor', 'prototype', 'length', 'name', '__proto__', Symbol.hasInstance, Symbol.toStringTag];
  function boom() { throw new Error('tampered'); }
  function skipped(k) { for (var s = 0; s < skip.length; s++) if (skip[s] === k) return true; return false; }
  var targets = [Object, Array, Array.prototype, String, String.prototype, RegExp.prototype,
    Function.prototype, Map.prototype, Set.prototype, WeakMap.prototype, WeakSet.prototype,
    Number.prototype, Symbol.prototype, Date.prototype, Error.prototype, Math, JSON, Reflect,
    Object.prototype, BigInt.prototype, Boolean.prototype, Promise.prototype, Symbol,
    Object.getPrototypeOf(Uint8Array.prototype), ArrayBuffer.prototype, DataView.prototype];
  for (var i = 0; i < targets.length; i++) {
    var keys = ownKeys(targets[i]);
    for (var j = 0; j < keys.length; j++) {
      if (skipped(keys[j])) continue;
      var d = getDesc(targets[i], keys[j]);
      if (!d.configurable) continue;
      if (typeof d.value === 'function') define(targets[i], keys[j], { value: boom });
      if (d.get) define(targets[i], keys[j], { get: boom });
    }
  }
  globalThis.String = boom; globalThis.Number = boom; globalThis.parseInt = boom;
  globalThis.Map = boom; globalThis.Set = boom; globalThis.RegExp = boom;
})()`)
	// These convert the argument itself with String() or Number(), which
	// runs its (here broken) toString/valueOf, in Node as well.
	convertsValue := map[string]bool{"format-s-function": true, "format-d": true, "format-d-number-object": true}
	for _, p := range all {
		if convertsValue[p.name] {
			continue
		}
		var got string
		var err error
		if p.inspect {
			var v sobek.Value
			v, err = inspectFn(sobek.Undefined(), p.args...)
			if err == nil {
				got = v.String()
			}
		} else {
			got, err = insp.TryFormat(p.args)
		}
		if err != nil {
			var ex *sobek.Exception
			if errors.As(err, &ex) {
				t.Errorf("%s: threw %s", p.name, ex.Value().ToObject(vm).Get("stack"))
			} else {
				t.Errorf("%s: %v", p.name, err)
			}
			continue
		}
		want := golden.Cases[p.name]
		if d, ok := acceptedDiffs[p.name]; ok {
			want = d.want
		}
		if p.stack {
			got, want = stripFrames(got), stripFrames(want)
		}
		if got != want {
			t.Errorf("%s: got\n%s\nwant\n%s", p.name, got, want)
		}
	}
}

func TestRobustness(t *testing.T) {
	vm, insp := newInspector(t)
	format := func(src string) (string, error) {
		return insp.TryFormat(arrayValues(vm, run(t, vm, src)))
	}

	t.Run("throwing getter is not called", func(t *testing.T) {
		got, err := format(`[{ get g() { throw new Error('called'); } }]`)
		if err != nil || got != "{ g: [Getter] }" {
			t.Errorf("got %q, %v", got, err)
		}
	})

	t.Run("throwing proxy traps are not run", func(t *testing.T) {
		got, err := format(`var bad = function () { throw new Error('trap'); };
			var h = { get: bad, has: bad, ownKeys: bad, getOwnPropertyDescriptor: bad, getPrototypeOf: bad, apply: bad };
			[new Proxy({ a: 1 }, h), new Proxy(function f() {}, h), '%s', new Proxy({}, h)]`)
		if err != nil || got != "{ a: 1 } [Function: f] %s {}" {
			t.Errorf("got %q, %v", got, err)
		}
	})

	t.Run("trap that runs anyway reports its exception", func(t *testing.T) {
		// The outer proxy is unwrapped without traps, but its target is
		// itself a proxy, whose traps Node (and we) do run.
		src := `var bad = function () { throw new Error('trap'); };
			[new Proxy(new Proxy({}, { get: bad, ownKeys: bad, getPrototypeOf: bad, getOwnPropertyDescriptor: bad }), {})]`
		_, err := format(src)
		var ex *sobek.Exception
		if !errors.As(err, &ex) || !strings.Contains(ex.Value().String(), "trap") {
			t.Fatalf("TryFormat error = %v, want the trap's exception", err)
		}
		if got := insp.Format(arrayValues(vm, run(t, vm, src))); got != "[Inspection threw: Error: trap]" {
			t.Errorf("Format = %q", got)
		}
	})

	t.Run("custom inspect that throws", func(t *testing.T) {
		_, err := format(`var o = {}; o[Symbol.for('nodejs.util.inspect.custom')] = function () { throw new RangeError('custom'); }; [o]`)
		if err == nil || !strings.Contains(err.Error(), "custom") {
			t.Errorf("err = %v", err)
		}
		// Thrown into the script through FormatFunc, it is catchable there.
		vm.Set("__fmt", insp.FormatFunc())
		defer vm.GlobalObject().Delete("__fmt")
		if got := run(t, vm, `try { __fmt(o); 'no' } catch (e) { e.name }`).String(); got != "RangeError" {
			t.Errorf("caught %q", got)
		}
	})

	t.Run("custom inspect throwing a non-error", func(t *testing.T) {
		got := insp.Format(arrayValues(vm, run(t, vm, `var o = {}; o[Symbol.for('nodejs.util.inspect.custom')] = function () { throw { toString: function () { throw 1; } }; }; [o]`)))
		if got != "[Inspection threw: exception]" {
			t.Errorf("got %q", got)
		}
	})

	// Its speed is measured by BenchmarkFormat10kKeys, not asserted here.
	t.Run("10k keys prints all", func(t *testing.T) {
		v := arrayValues(vm, run(t, vm, `var o = {}; for (var i = 0; i < 1e4; i++) o['k' + i] = i; [o]`))
		got := insp.Format(v)
		if !strings.HasPrefix(got, "{\n  k0: 0,\n  k1: 1,") || !strings.HasSuffix(got, "  k9999: 9999\n}") {
			t.Errorf("unexpected output %.80q...", got)
		}
	})

	t.Run("100k keys prints all", func(t *testing.T) {
		if testing.Short() || raceEnabled {
			t.Skip("slow: 1e5 keys take seconds to build under -race")
		}
		v := arrayValues(vm, run(t, vm, `var o = {}; for (var i = 0; i < 1e5; i++) o['k' + i] = i; [o]`))
		start := time.Now()
		got := insp.Format(v)
		t.Logf("1e5 keys: %v, %d bytes", time.Since(start), len(got))
		if strings.Count(got, "\n") != 1e5+1 {
			t.Errorf("got %d lines", strings.Count(got, "\n")+1)
		}
	})

	t.Run("huge array shows 100 items", func(t *testing.T) {
		v := arrayValues(vm, run(t, vm, `var a = []; for (var i = 0; i < 2e5; i++) a[i] = i; a.extra = 1; [a]`))
		got := insp.Format(v)
		if !strings.Contains(got, " 99, ... 199900 more items,\n  extra: 1\n]") {
			t.Errorf("unexpected tail %q", got[len(got)-60:])
		}
	})

	t.Run("10k deep nesting", func(t *testing.T) {
		v := arrayValues(vm, run(t, vm, `var o = {}; var c = o; for (var i = 0; i < 1e4; i++) { c.n = {}; c = c.n; } [o]`))
		got := insp.Format(v)
		if got != "{ n: { n: { n: [Object] } } }" {
			t.Errorf("got %q", got)
		}
		// Unlimited depth is quadratic in the nesting (each level copies the
		// text below it), so only a moderate depth is checked.
		v200 := run(t, vm, `var o2 = {}; var c2 = o2; for (var i = 0; i < 200; i++) { c2.n = {}; c2 = c2.n; } o2`)
		full := insp.Inspect(v200, Options{Depth: DepthUnlimited})
		if strings.Count(full, "n: ") != 200 {
			t.Errorf("unlimited depth printed %d levels", strings.Count(full, "n: "))
		}
	})

	t.Run("1 MB strings", func(t *testing.T) {
		v := arrayValues(vm, run(t, vm, `var big = 'x'.repeat(1 << 20); [big]`))
		if got := insp.Format(v); len(got) != 1<<20 {
			t.Errorf("top-level length %d", len(got))
		}
		nested := insp.Format(arrayValues(vm, run(t, vm, `[[big]]`)))
		if !strings.HasSuffix(nested, "'... 1038576 more characters\n]") {
			t.Errorf("nested tail %q", nested[len(nested)-40:])
		}
		// Quoting and escaping a 1 MB string in full: one native scan when
		// nothing needs escaping, work per escape otherwise.
		inspectFn, _ := sobek.AssertFunction(insp.InspectFunc())
		unlimited := run(t, vm, `({ maxStringLength: Infinity })`)
		for _, tc := range []struct{ src, prefix, suffix string }{
			{`"it's".repeat(1 << 18)`, `"it's`, `it's"`},
			{`('x'.repeat(1023) + '\t').repeat(1 << 10)`, `'xxx`, `x\t'`},
		} {
			start := time.Now()
			res, err := inspectFn(sobek.Undefined(), run(t, vm, tc.src), unlimited)
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("%s: escaping took %v", tc.src, d)
			}
			if s := res.String(); len(s) < 1<<20 || !strings.HasPrefix(s, tc.prefix) || !strings.HasSuffix(s, tc.suffix) {
				t.Errorf("%s: got %d bytes %.20q...%q", tc.src, len(s), s, s[len(s)-10:])
			}
		}
	})

	t.Run("revoked proxy", func(t *testing.T) {
		got, err := format(`var r = Proxy.revocable({}, {}); r.revoke(); ['%s %o', r.proxy, r.proxy, { p: r.proxy }]`)
		if err != nil || got != "<Revoked Proxy> <Revoked Proxy> { p: <Revoked Proxy> }" {
			t.Errorf("got %q, %v", got, err)
		}
	})

	t.Run("interrupted runtime", func(t *testing.T) {
		v := arrayValues(vm, run(t, vm, `[{ a: 1 }]`))
		vm.Interrupt("stop")
		defer vm.ClearInterrupt()
		_, err := insp.TryFormat(v)
		var ie *sobek.InterruptedError
		if !errors.As(err, &ie) {
			t.Errorf("err = %v, want *sobek.InterruptedError", err)
		}
	})
}

func TestHooksRecoverPanics(t *testing.T) {
	vm := sobek.New()
	h := hooks{vm: vm}
	vm.Set("panicky", h.wrap(func(sobek.FunctionCall) sobek.Value { panic("boom") }))
	vm.Set("classOf", h.wrap(h.classOf))
	got := run(t, vm, `var r = Proxy.revocable({}, {}); r.revoke();
		[typeof panicky(), typeof classOf(r.proxy), classOf([]), classOf(new Error()), typeof classOf(1)].join()`).String()
	if got != "undefined,undefined,Array,Error,undefined" {
		t.Errorf("got %q", got)
	}
}

func TestJSFunctions(t *testing.T) {
	vm, insp := newInspector(t)
	vm.Set("util", vm.NewObject())
	util := vm.Get("util").ToObject(vm)
	_ = util.Set("format", insp.FormatFunc())
	_ = util.Set("inspect", insp.InspectFunc())
	tests := []struct{ src, want string }{
		{`util.format('%s:%i', 'n', 42.5)`, `n:42`},
		{`util.inspect({ a: [1] })`, `{ a: [ 1 ] }`},
		{`util.inspect('str')`, `'str'`},
		{`util.inspect.custom === Symbol.for('nodejs.util.inspect.custom')`, `true`},
		{`util.inspect({ a: { b: { c: {} } } }, false, 0)`, `{ a: [Object] }`},
		{`typeof util.inspect.colors.red + util.inspect.styles.number`, `objectyellow`},
		{`util.inspect.defaultOptions.depth`, `2`},
		{`util.inspect.defaultOptions = { depth: 0 }; var r = util.inspect({ a: { b: 1 } }); util.inspect.defaultOptions = { depth: 2 }; r`, `{ a: [Object] }`},
		{`var o = { x: 1 }; o[util.inspect.custom] = function (d, opts, insp) { return insp === util.inspect ? 'same' : 'other'; }; util.format(o)`, `same`},
	}
	for _, tc := range tests {
		if got := run(t, vm, tc.src).String(); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.src, got, tc.want)
		}
	}
	// Default options are per runtime.
	vm2, insp2 := newInspector(t)
	_ = vm2
	if got := insp2.Inspect(run(t, vm, `({ a: { b: { c: { d: 1 } } } })`), Options{}); got != "{ a: { b: { c: [Object] } } }" {
		t.Errorf("second runtime: %q", got)
	}
}

func TestConcurrentRuntimes(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vm := sobek.New()
			insp, err := New(vm)
			if err != nil {
				t.Error(err)
				return
			}
			v, _ := vm.RunString(`[{ a: [1, 2, new Map([['k', 'v']])] }]`)
			for i := 0; i < 20; i++ {
				if got := insp.Format(arrayValues(vm, v)); got != "{ a: [ 1, 2, Map(1) { 'k' => 'v' } ] }" {
					t.Errorf("got %q", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkFormatSmallObject(b *testing.B) {
	vm, insp := newInspector(b)
	args := arrayValues(vm, run(b, vm, `[{ id: 42, name: 'widget', tags: ['a', 'b'], nested: { ok: true, ratio: 0.5 }, missing: null }]`))
	b.ReportAllocs()
	for b.Loop() {
		insp.Format(args)
	}
}

func BenchmarkFormatString(b *testing.B) {
	vm, insp := newInspector(b)
	b.Run("plain", func(b *testing.B) {
		args := arrayValues(vm, run(b, vm, `['request finished']`))
		b.ReportAllocs()
		for b.Loop() {
			insp.Format(args)
		}
	})
	b.Run("directives", func(b *testing.B) {
		args := arrayValues(vm, run(b, vm, `['%s took %d ms (%s)', 'GET /index.html', 42, 'ok']`))
		b.ReportAllocs()
		for b.Loop() {
			insp.Format(args)
		}
	})
}

// BenchmarkFormatLarge measures what TestRobustness only checks for
// correctness: wide objects, huge arrays and deep nesting.
func BenchmarkFormatLarge(b *testing.B) {
	vm, insp := newInspector(b)
	for _, c := range []struct{ name, src string }{
		{"10k-keys", `var o = {}; for (var i = 0; i < 1e4; i++) o['k' + i] = i; [o]`},
		{"200k-array", `var a = []; for (var i = 0; i < 2e5; i++) a[i] = i; [a]`},
		{"10k-deep", `var o = {}; var c = o; for (var i = 0; i < 1e4; i++) { c.n = {}; c = c.n; } [o]`},
	} {
		v := arrayValues(vm, run(b, vm, c.src))
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				_ = insp.Format(v)
			}
		})
	}
}
