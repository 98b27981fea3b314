package puppeteer

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
)

// fromValue builds the JS value of a page result on the loop goroutine. It
// walks the JSON itself (keeping key order) instead of calling JSON.parse,
// which the script may have replaced.
func fromValue(vm *sobek.Runtime, v browser.Value) sobek.Value {
	switch u := v.Unserializable; {
	case u == "NaN":
		return vm.ToValue(math.NaN())
	case u == "Infinity":
		return vm.ToValue(math.Inf(1))
	case u == "-Infinity":
		return vm.ToValue(math.Inf(-1))
	case u == "-0":
		return vm.ToValue(math.Copysign(0, -1))
	case strings.HasSuffix(u, "n"):
		if big, ok := sobek.AssertFunction(vm.Get("BigInt")); ok {
			if r, err := big(sobek.Undefined(), vm.ToValue(strings.TrimSuffix(u, "n"))); err == nil {
				return r
			}
		}
		return sobek.Undefined()
	}
	if v.JSON == nil {
		return sobek.Undefined()
	}
	dec := jsontext.NewDecoder(bytes.NewReader(v.JSON))
	out, err := decodeJSON(vm, dec)
	if err != nil {
		return sobek.Undefined()
	}
	return out
}

func decodeJSON(vm *sobek.Runtime, dec *jsontext.Decoder) (sobek.Value, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case 'n':
		return sobek.Null(), nil
	case 't', 'f':
		return vm.ToValue(tok.Bool()), nil
	case '"':
		return vm.ToValue(tok.String()), nil
	case '0':
		return vm.ToValue(tok.Float()), nil
	case '{':
		obj := vm.NewObject()
		for dec.PeekKind() != '}' {
			k, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			key := k.String() // read before the decoder moves on: tokens are voided
			val, err := decodeJSON(vm, dec)
			if err != nil {
				return nil, err
			}
			_ = obj.Set(key, val)
		}
		_, err := dec.ReadToken()
		return obj, err
	case '[':
		var items []any
		for dec.PeekKind() != ']' {
			val, err := decodeJSON(vm, dec)
			if err != nil {
				return nil, err
			}
			items = append(items, val)
		}
		_, err := dec.ReadToken()
		return vm.NewArray(items...), err
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// toArgs converts a script's arguments for a page function: handles by
// reference, special numbers as unserializable values, everything else
// as JSON (functions and symbols become undefined, like in Puppeteer).
func (m *mapper) toArgs(vals []sobek.Value) ([]browser.Arg, error) {
	out := make([]browser.Arg, len(vals))
	for i, v := range vals {
		a, err := m.toArg(v)
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

func (m *mapper) toArg(v sobek.Value) (browser.Arg, error) {
	if v == nil || sobek.IsUndefined(v) {
		return browser.Arg{}, nil
	}
	if obj, ok := v.(*sobek.Object); ok {
		if h := m.handles[obj]; h != nil {
			return browser.Arg{Handle: h}, nil
		}
	}
	if sobek.IsBigInt(v) {
		return browser.Arg{Unserializable: v.String() + "n"}, nil
	}
	if sobek.IsNumber(v) {
		f := v.ToFloat()
		switch {
		case math.IsNaN(f):
			return browser.Arg{Unserializable: "NaN"}, nil
		case math.IsInf(f, 1):
			return browser.Arg{Unserializable: "Infinity"}, nil
		case math.IsInf(f, -1):
			return browser.Arg{Unserializable: "-Infinity"}, nil
		case f == 0 && math.Signbit(f):
			return browser.Arg{Unserializable: "-0"}, nil
		}
	}
	s, err := m.stringify(sobek.Undefined(), v)
	if err != nil {
		if strings.Contains(err.Error(), "circular") || strings.Contains(err.Error(), "Circular") {
			return browser.Arg{}, fmt.Errorf("%v Recursive objects are not allowed.", err)
		}
		return browser.Arg{}, err
	}
	if sobek.IsUndefined(s) {
		return browser.Arg{}, nil
	}
	return browser.Arg{JSON: []byte(s.String())}, nil
}

// pageFunction returns the source of a function the script passes to run
// in the page (Puppeteer's stringifyFunction): its text, or with
// "function " prefixed for method shorthand ({ f(x) {…} }.f).
func (m *mapper) pageFunction(v sobek.Value, what string) (string, error) {
	fn, ok := v.(*sobek.Object)
	if !ok {
		return "", argErrorf("%s must be a function, got %s", what, typeName(v))
	}
	if _, ok := sobek.AssertFunction(fn); !ok {
		return "", argErrorf("%s must be a function, got %s", what, typeName(v))
	}
	r, err := m.fnToString(fn)
	if err != nil {
		return "", err
	}
	src := r.String()
	if isExpression("(" + src + ")") {
		return src, nil
	}
	if fixed, ok := restoreArrowParens(src); ok {
		return fixed, nil
	}
	prefix := "function "
	if strings.HasPrefix(src, "async ") {
		prefix, src = "async function ", strings.TrimPrefix(src, "async ")
	}
	if isExpression("(" + prefix + src + ")") {
		return prefix + src, nil
	}
	return "", fmt.Errorf("Passed function cannot be serialized!")
}

// restoreArrowParens works around a sobek bug: the source text of an arrow
// function whose body ends in a parenthesised expression loses the closing
// parentheses ("() => ({})" reads back as "() => ({}"). Only ")" are ever
// missing, so appending the fewest that make the text parse restores an
// equivalent function.
func restoreArrowParens(src string) (string, bool) {
	if !strings.Contains(src, "=>") {
		return "", false
	}
	open := strings.Count(src, "(") - strings.Count(src, ")")
	for n := 1; n <= max(open, 1) && n <= 64; n++ {
		candidate := src + strings.Repeat(")", n)
		if isExpression("(" + candidate + ")") {
			return candidate, true
		}
	}
	return "", false
}

func isExpression(src string) bool {
	_, err := sobek.Parse("fn.js", src)
	return err == nil
}

func typeName(v sobek.Value) string {
	switch {
	case v == nil || sobek.IsUndefined(v):
		return "undefined"
	case sobek.IsNull(v):
		return "null"
	case sobek.IsString(v):
		return "string"
	case sobek.IsNumber(v):
		return "number"
	}
	if o, ok := v.(*sobek.Object); ok {
		if _, ok := sobek.AssertFunction(o); ok {
			return "function"
		}
	}
	return strings.ToLower(v.ExportType().Kind().String())
}

// opts reads an options object: own properties only, each converted once
// with a strict type check (so prototype pollution and toString tricks
// cannot change what Go sees between reads).
type opts struct {
	obj  *sobek.Object
	own  map[string]bool
	keys []string // own keys in the object's order
	what string
}

func (m *mapper) options(v sobek.Value, what string) (*opts, error) {
	o := &opts{own: map[string]bool{}, what: what}
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		return o, nil
	}
	obj, ok := v.(*sobek.Object)
	if !ok {
		return nil, argErrorf("%s must be an object, got %s", what, typeName(v))
	}
	o.obj = obj
	for _, k := range obj.GetOwnPropertyNames() {
		o.own[k] = true
		o.keys = append(o.keys, k)
	}
	return o, nil
}

func (o *opts) get(key string) sobek.Value {
	if o.obj == nil || !o.own[key] {
		return nil
	}
	v := o.obj.Get(key)
	if v == nil || sobek.IsUndefined(v) {
		return nil
	}
	return v
}

func (o *opts) has(key string) bool { return o.get(key) != nil }

func (o *opts) str(key string) (string, bool, error) {
	v := o.get(key)
	if v == nil {
		return "", false, nil
	}
	if !sobek.IsString(v) {
		return "", false, argErrorf("%s.%s must be a string, got %s", o.what, key, typeName(v))
	}
	return v.String(), true, nil
}

func (o *opts) num(key string) (float64, bool, error) {
	v := o.get(key)
	if v == nil || sobek.IsNull(v) {
		return 0, false, nil
	}
	if !sobek.IsNumber(v) {
		return 0, false, argErrorf("%s.%s must be a number, got %s", o.what, key, typeName(v))
	}
	return v.ToFloat(), true, nil
}

func (o *opts) boolean(key string) (bool, error) {
	v := o.get(key)
	if v == nil {
		return false, nil
	}
	return v.ToBoolean(), nil
}

// millis reads a timeout in milliseconds; 0 means no timeout, as in
// Puppeteer.
func (o *opts) millis(key string) (time.Duration, bool, error) {
	f, ok, err := o.num(key)
	if err != nil || !ok {
		return 0, ok, err
	}
	if f < 0 || math.IsNaN(f) {
		return 0, false, argErrorf("%s.%s must be a non-negative number of milliseconds", o.what, key)
	}
	return time.Duration(f * float64(time.Millisecond)), true, nil
}

// strs reads a string or an array of strings.
func (o *opts) strs(key string) ([]string, error) {
	v := o.get(key)
	if v == nil {
		return nil, nil
	}
	if sobek.IsString(v) {
		return []string{v.String()}, nil
	}
	arr, ok := v.(*sobek.Object)
	if !ok || arr.ClassName() != "Array" {
		return nil, argErrorf("%s.%s must be a string or an array of strings", o.what, key)
	}
	n := int(arr.Get("length").ToInteger())
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		e := arr.Get(strconv.Itoa(i))
		if e == nil || !sobek.IsString(e) {
			return nil, argErrorf("%s.%s[%d] must be a string", o.what, key, i)
		}
		out = append(out, e.String())
	}
	return out, nil
}

// sub reads a nested options object.
func (o *opts) sub(m *mapper, key string) (*opts, error) {
	return m.options(o.get(key), o.what+"."+key)
}

// argString reads a required string argument.
func argString(v sobek.Value, what string) (string, error) {
	if v == nil || !sobek.IsString(v) {
		return "", argErrorf("%s must be a string, got %s", what, typeName(v))
	}
	return v.String(), nil
}

// argNumber reads a required number argument.
func argNumber(v sobek.Value, what string) (float64, error) {
	if v == nil || !sobek.IsNumber(v) {
		return 0, argErrorf("%s must be a number, got %s", what, typeName(v))
	}
	return v.ToFloat(), nil
}
