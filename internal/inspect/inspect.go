// Package inspect formats JavaScript values the way Node.js 20 prints them:
// util.format (what console.log writes) and util.inspect, for scripts run in
// a sobek runtime.
//
// The formatter itself is JavaScript (the js/ directory, embedded), because
// it has to walk arbitrary values — getters, prototypes, symbols, circular
// references — with the language's own semantics. It is a separate
// implementation of the algorithm in Node's lib/internal/util/inspect.js,
// kept in step with Node 20's output by the golden tests in testdata/.
//
// The few facts plain JavaScript cannot observe (an object's internal class,
// whether it is a Proxy and what its target is, a Promise's state and result)
// come from small Go functions handed to the script when it is loaded.
package inspect

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/grafana/sobek"
)

// Inspector formats values of one sobek runtime. Use it only on the goroutine that owns that runtime.
type Inspector struct {
	vm            *sobek.Runtime
	format        sobek.Callable
	inspectFromGo sobek.Callable
	formatFn      sobek.Value
	inspectFn     sobek.Value
}

// Special values of Options fields. The zero Options means Node's defaults,
// so the values Node spells 0, Infinity or false need names of their own.
const (
	// DepthUnlimited as Options.Depth recurses into nested objects without
	// limit (Node's depth: Infinity); so does any other negative Depth but
	// DepthTopOnly. Each level copies the text of the levels below it, so
	// the cost grows with depth times output size: bound untrusted values.
	DepthUnlimited = -1
	// DepthTopOnly as Options.Depth shows the value's own entries but
	// nothing nested in them (Node's depth: 0).
	DepthTopOnly = -2
	// BreakLengthInfinite as Options.BreakLength never breaks a line for
	// length (Node's breakLength: Infinity).
	BreakLengthInfinite = -1
	// CompactOff as Options.Compact puts every entry on a line of its own
	// (Node's compact: false).
	CompactOff = -1
)

// Options are the util.inspect options Inspect supports. The zero value
// means Node's defaults; see the constants above for 0, Infinity and false.
type Options struct {
	// Depth is how many levels of nesting are shown before an object is
	// abbreviated to [Object] or [Array]; 0 means the default, 2.
	Depth int
	// ShowHidden also lists non-enumerable properties, as [key]: value.
	ShowHidden bool
	// BreakLength is the line width above which entries are split onto
	// several lines; 0 means the default, 80.
	BreakLength int
	// Compact is how many of the innermost nesting levels may be joined on
	// a single line; 0 means the default, 3.
	Compact int
}

// New loads the formatter into vm. The script is compiled once per process
// and run once per runtime; it adds nothing to the runtime's global object.
// It keeps its own references to the builtins it uses (Object.keys,
// Array.prototype.join, ...), taken now, so call New before running user
// code: later changes to those globals then do not affect the output.
func New(vm *sobek.Runtime) (*Inspector, error) {
	prg, err := compiled()
	if err != nil {
		return nil, err
	}
	factoryValue, err := vm.RunProgram(prg)
	if err != nil {
		return nil, fmt.Errorf("inspect: loading the formatter: %w", err)
	}
	factory, ok := sobek.AssertFunction(factoryValue)
	if !ok {
		return nil, errors.New("inspect: the formatter script did not evaluate to a function")
	}
	h := hooks{vm: vm}
	apiValue, err := factory(sobek.Undefined(),
		h.wrap(h.classOf),
		h.wrap(h.proxyTarget),
		h.wrap(h.proxyHandler),
		h.wrap(h.promiseState),
		h.wrap(h.promiseResult),
	)
	if err != nil {
		return nil, fmt.Errorf("inspect: initialising the formatter: %w", err)
	}
	api := apiValue.ToObject(vm)
	i := &Inspector{
		vm:        vm,
		formatFn:  api.Get("format"),
		inspectFn: api.Get("inspect"),
	}
	var ok1, ok2 bool
	i.format, ok1 = sobek.AssertFunction(i.formatFn)
	i.inspectFromGo, ok2 = sobek.AssertFunction(api.Get("inspectFromGo"))
	if !ok1 || !ok2 {
		return nil, errors.New("inspect: the formatter script is missing a function")
	}
	return i, nil
}

// Format returns util.format(...args): the text console.log prints for
// these arguments (without the trailing newline). Format never fails: if
// user code run while formatting throws — a custom inspect method, a
// toString used by %s, a Proxy trap — the text names the exception
// instead. Use TryFormat to get the exception, for example to rethrow it
// into the script as Node's console.log would.
func (i *Inspector) Format(args []sobek.Value) string {
	s, err := i.TryFormat(args)
	if err != nil {
		return failureText(err)
	}
	return s
}

// TryFormat is Format, returning what the formatting threw (a
// *sobek.Exception, or *sobek.InterruptedError if the runtime was
// interrupted) instead of describing it in the text.
func (i *Inspector) TryFormat(args []sobek.Value) (string, error) {
	if s, ok := plainStrings(args); ok {
		return s, nil
	}
	for n, a := range args {
		if a == nil {
			// A nil Value is undefined; copy so the caller's slice is kept.
			args = append([]sobek.Value(nil), args...)
			for m := n; m < len(args); m++ {
				if args[m] == nil {
					args[m] = sobek.Undefined()
				}
			}
			break
		}
	}
	v, err := i.format(sobek.Undefined(), args...)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

// plainStrings is the common console.log("text", ...) case done without
// entering the runtime: when every argument is a string and the first has
// no % directive, util.format just joins them with spaces.
func plainStrings(args []sobek.Value) (string, bool) {
	if len(args) == 0 {
		return "", true
	}
	var b strings.Builder
	for n, a := range args {
		s, ok := a.(sobek.String)
		if !ok {
			return "", false
		}
		text := s.String()
		if n == 0 && len(args) > 1 && strings.Contains(text, "%") {
			return "", false
		}
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(text)
	}
	return b.String(), true
}

// Inspect returns util.inspect(v, opts). Like Format it never fails; see
// TryInspect.
func (i *Inspector) Inspect(v sobek.Value, opts Options) string {
	s, err := i.TryInspect(v, opts)
	if err != nil {
		return failureText(err)
	}
	return s
}

// TryInspect is Inspect, returning what the formatting threw instead of
// describing it in the text.
func (i *Inspector) TryInspect(v sobek.Value, opts Options) (string, error) {
	if v == nil {
		v = sobek.Undefined()
	}
	depth := sobek.Value(i.vm.ToValue(2))
	switch {
	case opts.Depth == DepthTopOnly:
		depth = i.vm.ToValue(0)
	case opts.Depth < 0:
		depth = sobek.Null()
	case opts.Depth > 0:
		depth = i.vm.ToValue(opts.Depth)
	}
	breakLength := i.vm.ToValue(80)
	switch {
	case opts.BreakLength < 0:
		breakLength = i.vm.ToValue(math.Inf(1))
	case opts.BreakLength > 0:
		breakLength = i.vm.ToValue(opts.BreakLength)
	}
	compact := i.vm.ToValue(3)
	switch {
	case opts.Compact < 0:
		compact = i.vm.ToValue(false)
	case opts.Compact > 0:
		compact = i.vm.ToValue(opts.Compact)
	}
	res, err := i.inspectFromGo(sobek.Undefined(), v, depth, i.vm.ToValue(opts.ShowHidden), breakLength, compact)
	if err != nil {
		return "", err
	}
	return res.String(), nil
}

// FormatFunc returns the JavaScript function util.format, for the runtime's
// `util` module. Exceptions from user code propagate to the caller, as in
// Node.
func (i *Inspector) FormatFunc() sobek.Value {
	return i.formatFn
}

// InspectFunc returns the JavaScript function util.inspect(value, options),
// with Node's options object (and legacy arguments), util.inspect.custom,
// util.inspect.defaultOptions, .colors and .styles.
func (i *Inspector) InspectFunc() sobek.Value {
	return i.inspectFn
}

// failureText describes an exception thrown while formatting, in place of
// the output.
func failureText(err error) string {
	var ex *sobek.Exception
	if errors.As(err, &ex) {
		return "[Inspection threw: " + safeString(ex.Value()) + "]"
	}
	return "[Inspection failed: " + err.Error() + "]"
}

// safeString converts a thrown value to text. Converting an object runs its
// toString, which may throw again (a sobek panic); that must not escape.
func safeString(v sobek.Value) (s string) {
	defer func() {
		if recover() != nil {
			s = "exception"
		}
	}()
	if v == nil {
		return "undefined"
	}
	return v.String()
}
