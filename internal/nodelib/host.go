package nodelib

import (
	"crypto/rand"
	"reflect"
	"time"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/js"
)

var (
	arrayBufferType = reflect.TypeOf(sobek.ArrayBuffer{})
	proxyType       = reflect.TypeOf(sobek.Proxy{})
	promiseType     = reflect.TypeOf((*sobek.Promise)(nil))
)

// hostObject builds the object of Go functions the library's JavaScript
// receives. Every function reads its arguments strictly and returns only
// primitives, ArrayBuffers or objects built here.
func (l *lib) hostObject() *sobek.Object {
	h := l.vm.NewObject()
	ins := l.rt.Inspector()
	set := func(name string, fn func(sobek.FunctionCall) sobek.Value) {
		_ = h.Set(name, l.rt.Func(name, fn))
	}
	_ = h.Set("inspect", ins.InspectFunc())
	_ = h.Set("format", ins.FormatFunc())
	_ = h.Set("filename", l.rt.Filename())
	_ = h.Set("hasFS", l.cfg.FS != nil)

	set("classOf", func(c sobek.FunctionCall) (ret sobek.Value) {
		// Asking a revoked proxy for its class panics in the engine: that
		// is "no class", not an error.
		defer func() {
			if recover() != nil {
				ret = sobek.Undefined()
			}
		}()
		if o, ok := c.Argument(0).(*sobek.Object); ok {
			return l.vm.ToValue(o.ClassName())
		}
		return sobek.Undefined()
	})
	set("isProxy", func(c sobek.FunctionCall) sobek.Value {
		o, ok := c.Argument(0).(*sobek.Object)
		return l.vm.ToValue(ok && o.ExportType() == proxyType)
	})
	set("isPromise", func(c sobek.FunctionCall) sobek.Value {
		o, ok := c.Argument(0).(*sobek.Object)
		return l.vm.ToValue(ok && o.ExportType() == promiseType)
	})
	set("now", func(sobek.FunctionCall) sobek.Value {
		return l.vm.ToValue(float64(time.Since(l.start)) / float64(time.Millisecond))
	})
	set("nodeStack", func(c sobek.FunctionCall) sobek.Value {
		return l.vm.ToValue(js.NodeStack(l.str(c, 0)))
	})
	set("callSiteExpression", func(sobek.FunctionCall) sobek.Value {
		if s, ok := l.callSiteExpression(); ok {
			return l.vm.ToValue(s)
		}
		return sobek.Undefined()
	})

	// Bytes.
	set("encode", func(c sobek.FunctionCall) sobek.Value {
		return l.arrayBuffer(encodeString(l.jsString(c, 0), l.str(c, 1)))
	})
	set("decode", func(c sobek.FunctionCall) sobek.Value {
		return decodeBytes(l.bytes(c, 0), l.str(c, 3))
	})
	set("compare", func(c sobek.FunctionCall) sobek.Value {
		return l.vm.ToValue(compareBytes(l.bytes(c, 0), l.bytes(c, 3)))
	})
	set("indexOf", func(c sobek.FunctionCall) sobek.Value {
		return l.vm.ToValue(indexOfBytes(l.bytes(c, 0), l.bytes(c, 3), l.int(c, 6), c.Argument(7).ToBoolean()))
	})
	set("atob", func(c sobek.FunctionCall) sobek.Value {
		s, code := atob(l.jsString(c, 0))
		if code != 0 {
			return l.vm.ToValue(code)
		}
		return s
	})
	set("btoa", func(c sobek.FunctionCall) sobek.Value {
		s, ok := btoa(l.jsString(c, 0))
		if !ok {
			return l.vm.ToValue(-1)
		}
		return l.vm.ToValue(s)
	})
	set("hash", func(c sobek.FunctionCall) sobek.Value {
		sum, ok := hashBytes(l.str(c, 0), l.bytes(c, 1), nil)
		if !ok {
			return sobek.Undefined()
		}
		return l.arrayBuffer(sum)
	})
	set("hmac", func(c sobek.FunctionCall) sobek.Value {
		key := append([]byte(nil), l.bytes(c, 4)...)
		sum, ok := hashBytes(l.str(c, 0), l.bytes(c, 1), key)
		if !ok {
			return sobek.Undefined()
		}
		return l.arrayBuffer(sum)
	})
	set("randomBytes", func(c sobek.FunctionCall) sobek.Value {
		n := l.int(c, 0)
		if n < 0 || n > 1<<16 {
			panic(l.vm.NewTypeError("randomBytes: bad size"))
		}
		b := make([]byte, n)
		_, _ = rand.Read(b)
		return l.arrayBuffer(b)
	})

	// The output directory.
	set("fsWrite", func(c sobek.FunctionCall) sobek.Value {
		data := append([]byte(nil), l.bytes(c, 1)...)
		if c.Argument(4).ToBoolean() {
			return l.fsResult(nil, l.fsCall(func(f FS) error { return f.AppendFile(l.str(c, 0), data) }))
		}
		return l.fsResult(nil, l.fsCall(func(f FS) error { return f.WriteFile(l.str(c, 0), data) }))
	})
	set("fsRead", func(c sobek.FunctionCall) sobek.Value {
		var data []byte
		err := l.fsCall(func(f FS) (err error) {
			data, err = f.ReadFile(l.str(c, 0))
			return err
		})
		if err != nil {
			return l.fsResult(nil, err)
		}
		return l.arrayBuffer(append([]byte(nil), data...))
	})
	set("fsExists", func(c sobek.FunctionCall) sobek.Value {
		p := l.str(c, 0)
		return l.vm.ToValue(l.cfg.FS != nil && l.cfg.FS.Exists(p))
	})
	set("fsReadDir", func(c sobek.FunctionCall) sobek.Value {
		var names []string
		err := l.fsCall(func(f FS) (err error) {
			names, err = f.ReadDir(l.str(c, 0))
			return err
		})
		if err != nil {
			return l.fsResult(nil, err)
		}
		items := make([]any, len(names))
		for i, n := range names {
			items[i] = n
		}
		return l.vm.NewArray(items...)
	})
	set("fsRemove", func(c sobek.FunctionCall) sobek.Value {
		return l.fsResult(nil, l.fsCall(func(f FS) error { return f.Remove(l.str(c, 0)) }))
	})
	set("fsMkdir", func(c sobek.FunctionCall) sobek.Value {
		return l.fsResult(nil, l.fsCall(func(f FS) error { return f.Mkdir(l.str(c, 0)) }))
	})

	// The test runner.
	set("scheduleRun", l.scheduleRun)
	set("step", func(c sobek.FunctionCall) sobek.Value {
		if l.cfg.OnStep == nil {
			return sobek.Undefined()
		}
		ms := 0.0
		if v := c.Argument(2); sobek.IsNumber(v) {
			ms = v.ToFloat()
		}
		if ms < 0 || ms != ms || ms > 1e12 {
			ms = 0
		}
		l.cfg.OnStep(Step{
			Name:     l.str(c, 0),
			Status:   l.str(c, 1),
			Duration: time.Duration(ms * float64(time.Millisecond)),
			Error:    l.str(c, 3),
		})
		return sobek.Undefined()
	})
	return h
}

// scheduleRun(fn) runs fn(release) as a new task of the loop, once the
// current one (the script's top level and its microtasks) has finished, and
// holds the loop open until fn's code calls release: a test waiting for a
// done() that never comes then hangs until the run's timeout instead of
// ending the run as if every test had passed.
func (l *lib) scheduleRun(c sobek.FunctionCall) sobek.Value {
	fn, ok := sobek.AssertFunction(c.Argument(0))
	if !ok {
		panic(l.vm.NewTypeError("scheduleRun needs a function"))
	}
	loop := l.rt.Loop()
	hold := loop.RegisterCallback()
	start := loop.RegisterCallback()
	release := l.rt.Func("release", func(sobek.FunctionCall) sobek.Value {
		hold(func() error { return nil })
		return sobek.Undefined()
	})
	start(func() error {
		_, err := fn(sobek.Undefined(), release)
		return err
	})
	return sobek.Undefined()
}

// str reads argument i, which must be a string.
func (l *lib) str(c sobek.FunctionCall, i int) string {
	v := c.Argument(i)
	if !sobek.IsString(v) {
		panic(l.vm.NewTypeError("expected a string argument"))
	}
	return v.String()
}

// jsString reads argument i, which must be a string, keeping its UTF-16
// code units.
func (l *lib) jsString(c sobek.FunctionCall, i int) sobek.String {
	v := c.Argument(i)
	s, ok := v.(sobek.String)
	if !ok || !sobek.IsString(v) {
		panic(l.vm.NewTypeError("expected a string argument"))
	}
	return s
}

// int reads argument i, which must be an integral number.
func (l *lib) int(c sobek.FunctionCall, i int) int {
	v := c.Argument(i)
	if !sobek.IsNumber(v) {
		panic(l.vm.NewTypeError("expected a number argument"))
	}
	f := v.ToFloat()
	if f != f || f < -1<<52 || f > 1<<52 {
		panic(l.vm.NewTypeError("number argument out of range"))
	}
	return int(f)
}

// bytes reads arguments i, i+1, i+2 as (ArrayBuffer, byteOffset,
// byteLength) and returns that window of the buffer's memory (not a copy:
// copy before keeping it).
func (l *lib) bytes(c sobek.FunctionCall, i int) []byte {
	o, ok := c.Argument(i).(*sobek.Object)
	if !ok || o.ExportType() != arrayBufferType {
		panic(l.vm.NewTypeError("expected an ArrayBuffer argument"))
	}
	ab, ok := o.Export().(sobek.ArrayBuffer)
	if !ok {
		panic(l.vm.NewTypeError("expected an ArrayBuffer argument"))
	}
	data := ab.Bytes()
	off, n := l.int(c, i+1), l.int(c, i+2)
	if off < 0 || n < 0 || off > len(data) || n > len(data)-off {
		panic(l.vm.NewTypeError("byte range out of bounds"))
	}
	return data[off : off+n]
}

// arrayBuffer hands data (which must not be used by Go afterwards) to JS.
func (l *lib) arrayBuffer(data []byte) sobek.Value {
	return l.vm.ToValue(l.vm.NewArrayBuffer(data))
}
