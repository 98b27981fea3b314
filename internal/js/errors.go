package js

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/grafana/sobek"
)

// InternalPrefix starts the file names of Skriptable's own JS code, whose
// frames are hidden from the stacks users see.
const InternalPrefix = "skriptable:internal/"

// ScriptError is an exception the script threw and did not catch, or a
// promise rejection it never handled. Text is what Node would print: the
// stack (or the inspected value), with file:line:column of the script.
type ScriptError struct {
	Name    string // "Error", "TypeError", "TimeoutError", … ("" for non-errors)
	Message string
	Text    string
}

func (e *ScriptError) Error() string { return e.Text }

// ExitError is process.exit(code) called by the script.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("process.exit(%d)", e.Code) }

// classify turns what the loop returned into the package's error types.
func (r *Runtime) classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var ie *sobek.InterruptedError
	if errors.As(err, &ie) {
		if ee, ok := ie.Value().(*ExitError); ok {
			return ee
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return fmt.Errorf("script interrupted: %v", ie.Value())
	}
	var so *sobek.StackOverflowError
	if errors.As(err, &so) {
		// Uncatchable in sobek (catchable in Node): the run ends here.
		text := "RangeError: Maximum call stack size exceeded"
		if frames := formatFrames(so.Stack()); frames != "" {
			text += "\n" + frames
		}
		return &ScriptError{Name: "RangeError", Message: "Maximum call stack size exceeded", Text: text}
	}
	var ex *sobek.Exception
	if errors.As(err, &ex) {
		return r.scriptError(ex.Value(), ex.Stack())
	}
	var mnf *ModuleNotFoundError
	if errors.As(err, &mnf) {
		return &ScriptError{Name: "Error", Message: mnf.Error(), Text: "Error: " + mnf.Error()}
	}
	var ur *UnhandledRejectionError
	if errors.As(err, &ur) {
		return r.scriptError(ur.Value, nil)
	}
	return err
}

// scriptError formats an uncaught value the way Node prints it.
func (r *Runtime) scriptError(v sobek.Value, stack []sobek.StackFrame) *ScriptError {
	// Rejections from sobek's module machinery arrive as a wrapped Go
	// *Exception; show the JS value inside.
	if v != nil {
		if ex, ok := v.Export().(*sobek.Exception); ok && ex != nil {
			v, stack = ex.Value(), ex.Stack()
		}
	}
	se := &ScriptError{}
	if obj, ok := v.(*sobek.Object); ok && isErrorObject(r.vm, obj) {
		se.Name = safeString(obj.Get("name"))
		se.Message = safeString(obj.Get("message"))
	}
	text := ""
	func() {
		defer func() {
			if recover() != nil {
				text = safeString(v)
			}
		}()
		text = r.inspect.Inspect(v, inspectDefaults)
	}()
	if se.Name == "" {
		text = "Uncaught " + text
		if s := formatFrames(stack); s != "" {
			text += "\n" + s
		}
	}
	se.Text = NodeStack(text)
	return se
}

func isErrorObject(vm *sobek.Runtime, obj *sobek.Object) bool {
	errCtor := vm.Get("Error")
	if errCtor == nil {
		return false
	}
	ok := false
	func() {
		defer func() { _ = recover() }()
		ok = obj.ClassName() == "Error" || vm.InstanceOf(obj, errCtor.ToObject(vm))
	}()
	return ok
}

var pcSuffixRe = regexp.MustCompile(`:(\d+):(\d+)\(\d+\)`)

// NodeStack rewrites sobek's stack lines ("\tat f (s.js:1:2(3))") into
// Node's ("    at f (s.js:1:2)") and drops frames of Skriptable's own JS.
func NodeStack(text string) string {
	if !strings.Contains(text, "\tat ") {
		return text
	}
	lines := strings.Split(text, "\n")
	out := lines[:0]
	for _, l := range lines {
		if strings.HasPrefix(l, "\tat ") || strings.HasPrefix(strings.TrimLeft(l, " "), "\tat ") {
			if strings.Contains(l, InternalPrefix) || isGoFrame(l) {
				continue
			}
			indent := l[:strings.Index(l, "\tat ")]
			l = indent + "    at " + pcSuffixRe.ReplaceAllString(l[len(indent)+4:], ":$1:$2")
		}
		out = append(out, l)
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n")
}

// isGoFrame recognises frames of Go host functions ("at github.com/…
// (native)"), which mean nothing to a script's author.
func isGoFrame(line string) bool {
	return strings.HasSuffix(line, "(native)") && strings.Contains(line, "/")
}

// CallSite captures the script's current call stack. Host functions that
// return promises capture it when called, so that a later rejection can
// point at the script line that made the call (Node shows that line too).
func (r *Runtime) CallSite() []sobek.StackFrame {
	return r.vm.CaptureCallStack(0, nil)
}

// formatFrames renders frames in Node's style, without internal ones.
func formatFrames(frames []sobek.StackFrame) string {
	var b strings.Builder
	for _, f := range frames {
		pos := f.Position()
		if pos.Filename == "" || strings.HasPrefix(pos.Filename, InternalPrefix) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		if name := f.FuncName(); name != "" && name != "<anonymous>" {
			fmt.Fprintf(&b, "    at %s (%s:%d:%d)", name, pos.Filename, pos.Line, pos.Column)
		} else {
			fmt.Fprintf(&b, "    at %s:%d:%d", pos.Filename, pos.Line, pos.Column)
		}
	}
	return b.String()
}

// NewErrorAt constructs an error with ctor (Error, TypeError or a class
// such as Puppeteer's TimeoutError) and gives it a stack pointing at site.
// It must run on the loop goroutine.
func (r *Runtime) NewErrorAt(ctor sobek.Value, msg string, site []sobek.StackFrame) *sobek.Object {
	obj, err := r.vm.New(ctor, r.vm.ToValue(msg))
	if err != nil {
		obj = r.newError(msg)
	}
	name := safeString(obj.Get("name"))
	stack := name + ": " + msg
	if frames := formatFrames(site); frames != "" {
		stack += "\n" + frames
	}
	_ = obj.Set("stack", stack)
	return obj
}

// newError creates a plain Error on the loop goroutine.
func (r *Runtime) newError(msg string) *sobek.Object {
	obj, err := r.vm.New(r.vm.Get("Error"), r.vm.ToValue(msg))
	if err != nil {
		panic(err)
	}
	return obj
}

func (r *Runtime) newTypeError(msg string) *sobek.Object {
	return r.vm.NewTypeError(msg)
}

// NewError creates a plain Error (for host code throwing with panic).
func (r *Runtime) NewError(msg string) *sobek.Object { return r.newError(msg) }

// NewTypeError creates a TypeError (for host code throwing with panic).
func (r *Runtime) NewTypeError(msg string) *sobek.Object { return r.newTypeError(msg) }

// safeString converts a value for messages without running script code
// that could throw (toString of a hostile object).
func safeString(v sobek.Value) (s string) {
	if v == nil {
		return ""
	}
	defer func() {
		if recover() != nil {
			s = "[object]"
		}
	}()
	return v.String()
}

func valueString(v sobek.Value) string { return safeString(v) }

// describeType names a value's type the way Node's argument errors do.
func describeType(v sobek.Value) string {
	switch {
	case v == nil || sobek.IsUndefined(v):
		return "undefined"
	case sobek.IsNull(v):
		return "null"
	case sobek.IsString(v):
		return fmt.Sprintf("type string ('%s')", safeString(v))
	case sobek.IsNumber(v):
		return fmt.Sprintf("type number (%s)", safeString(v))
	}
	if obj, ok := v.(*sobek.Object); ok {
		if _, ok := sobek.AssertFunction(obj); ok {
			return "function"
		}
		return "an instance of " + obj.ClassName()
	}
	return "type " + v.ExportType().Kind().String()
}
