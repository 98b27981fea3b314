package browser

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/runtime"

	"github.com/skriptable/skriptable/internal/cdp"
)

// Value is a JS value copied out of the page (Puppeteer's returnByValue).
type Value struct {
	// JSON is the value as JSON; nil means undefined.
	JSON []byte
	// Unserializable is set for values JSON cannot carry: "NaN", "-0",
	// "Infinity", "-Infinity" or a bigint such as "12n".
	Unserializable string
}

// Undefined reports whether the value is undefined.
func (v Value) Undefined() bool { return v.JSON == nil && v.Unserializable == "" }

// Arg is one argument to a function evaluated in the page: a JSON value, an
// unserializable primitive, or a handle to a page object.
type Arg struct {
	JSON           []byte // nil with no other field set means undefined
	Unserializable string
	Handle         *Handle
}

// EvaluationError is an exception thrown by code evaluated in the page.
// Name and Message are the page error's; Puppeteer rethrows it as an Error
// with that name and message.
type EvaluationError struct {
	Name    string
	Message string
	// Thrown is set when the page threw a primitive (throw 'x'); Puppeteer
	// rethrows the primitive itself.
	Thrown *Value
}

func (e *EvaluationError) Error() string {
	if e.Thrown != nil {
		return "Evaluation failed: " + string(e.Thrown.JSON)
	}
	if e.Name == "" || e.Name == "Error" {
		return e.Message
	}
	return e.Name + ": " + e.Message
}

// ErrContextDestroyed is Puppeteer's error when a navigation destroys the
// context an evaluation ran in.
var ErrContextDestroyed = errors.New("Execution context was destroyed, most likely because of a navigation.")

// callArg mirrors Runtime.CallArgument but keeps JSON null, "" and empty
// containers: cdproto's type marks Value omitempty, which silently turns
// those arguments into undefined.
type callArg struct {
	Value               jsonv2.Value `json:"value,omitzero"`
	UnserializableValue string       `json:"unserializableValue,omitzero"`
	ObjectID            string       `json:"objectId,omitzero"`
}

type callFunctionOnParams struct {
	FunctionDeclaration string    `json:"functionDeclaration"`
	ObjectID            string    `json:"objectId,omitzero"`
	Arguments           []callArg `json:"arguments,omitzero"`
	ReturnByValue       bool      `json:"returnByValue"`
	AwaitPromise        bool      `json:"awaitPromise"`
	UserGesture         bool      `json:"userGesture"`
	ExecutionContextID  int64     `json:"executionContextId,omitzero"`
}

type evaluateParams struct {
	Expression    string `json:"expression"`
	ContextID     int64  `json:"contextId,omitzero"`
	ReturnByValue bool   `json:"returnByValue"`
	AwaitPromise  bool   `json:"awaitPromise"`
	UserGesture   bool   `json:"userGesture"`
}

// world is one JS world (realm) of a frame: its current execution context,
// which navigations replace.
type world struct {
	mu      sync.Mutex
	ctxID   int64
	ready   chan struct{} // closed while ctxID != 0
	session *cdp.Session
	frame   *Frame
}

func newWorld(s *cdp.Session, f *Frame) *world {
	return &world{ready: make(chan struct{}), session: s, frame: f}
}

func (w *world) setContext(id int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ctxID != 0 && id == 0 {
		w.ready = make(chan struct{})
	}
	if w.ctxID == 0 && id != 0 {
		close(w.ready)
	}
	w.ctxID = id
}

// sess is the session that drives the world's frame: the page's, or that
// of the out-of-process iframe the frame moved into.
func (w *world) sess() *cdp.Session {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.session
}

// setSession moves the world to session s (the frame changed process);
// its execution context, if any, belonged to the old process.
func (w *world) setSession(s *cdp.Session) {
	w.mu.Lock()
	if w.session == s {
		w.mu.Unlock()
		return
	}
	w.session = s
	w.mu.Unlock()
	w.setContext(0)
}

func (w *world) current() (int64, <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ctxID, w.ready
}

// context waits until the world has an execution context.
func (w *world) context(ctx context.Context) (int64, error) {
	for {
		id, ready := w.current()
		if id != 0 {
			return id, nil
		}
		s := w.sess()
		select {
		case <-ready:
		case <-ctx.Done():
			return 0, context.Cause(ctx)
		case <-s.Done():
			if w.sess() == s {
				return 0, s.Err()
			}
		}
	}
}

// call runs fn (a JS function's source) with args in the world and returns
// the raw remote result. It retries once if the context vanished before the
// call started (the normal race with a navigation that just committed).
func (w *world) call(ctx context.Context, fn string, args []Arg, byValue bool) (*runtime.RemoteObject, error) {
	cargs := make([]callArg, len(args))
	for i, a := range args {
		switch {
		case a.Handle != nil:
			if err := a.Handle.usable(); err != nil {
				return nil, err
			}
			if a.Handle.world != w {
				return nil, errors.New("JSHandles can be evaluated only in the context they were created!")
			}
			cargs[i] = callArg{ObjectID: a.Handle.id}
			if a.Handle.id == "" {
				cargs[i] = callArg{Value: a.Handle.remote.Value, UnserializableValue: string(a.Handle.remote.UnserializableValue)}
			}
		case a.Unserializable != "":
			cargs[i] = callArg{UnserializableValue: a.Unserializable}
		default:
			cargs[i] = callArg{Value: a.JSON}
		}
	}
	id, err := w.context(ctx)
	if err != nil {
		return nil, err
	}
	var res runtime.CallFunctionOnResult
	err = w.sess().Call(ctx, "Runtime.callFunctionOn", callFunctionOnParams{
		FunctionDeclaration: fn + "\n//# sourceURL=__skriptable_evaluation_script__\n",
		Arguments:           cargs,
		ReturnByValue:       byValue,
		AwaitPromise:        true,
		UserGesture:         true,
		ExecutionContextID:  id,
	}, &res)
	return w.result(&res, err)
}

// eval evaluates an expression string (page.evaluate('document.title')).
func (w *world) eval(ctx context.Context, expr string, byValue bool) (*runtime.RemoteObject, error) {
	id, err := w.context(ctx)
	if err != nil {
		return nil, err
	}
	var res runtime.EvaluateResult
	err = w.sess().Call(ctx, "Runtime.evaluate", evaluateParams{
		Expression:    expr + "\n//# sourceURL=__skriptable_evaluation_script__\n",
		ContextID:     id,
		ReturnByValue: byValue,
		AwaitPromise:  true,
		UserGesture:   true,
	}, &res)
	return w.result(&runtime.CallFunctionOnResult{Result: res.Result, ExceptionDetails: res.ExceptionDetails}, err)
}

func (w *world) result(res *runtime.CallFunctionOnResult, err error) (*runtime.RemoteObject, error) {
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "Object reference chain is too long"),
			strings.Contains(msg, "Object couldn't be returned by value"):
			return &runtime.RemoteObject{Type: runtime.RemoteObjectTypeUndefined}, nil
		case strings.HasSuffix(msg, "Cannot find context with specified id"),
			strings.HasSuffix(msg, "Inspected target navigated or closed"):
			return nil, ErrContextDestroyed
		}
		return nil, err
	}
	if d := res.ExceptionDetails; d != nil {
		return nil, evaluationError(d)
	}
	if res.Result == nil {
		return &runtime.RemoteObject{Type: runtime.RemoteObjectTypeUndefined}, nil
	}
	return res.Result, nil
}

// evaluationError mirrors Puppeteer's createEvaluationError.
func evaluationError(d *runtime.ExceptionDetails) error {
	ex := d.Exception
	if ex == nil {
		return &EvaluationError{Name: "Error", Message: d.Text}
	}
	if (ex.Type != runtime.RemoteObjectTypeObject || ex.Subtype != runtime.RemoteObjectSubtypeError) && ex.ObjectID == "" {
		v := valueOf(ex)
		return &EvaluationError{Thrown: &v}
	}
	// As Puppeteer's getErrorDetails: the description is the error's
	// stack; drop as many trailing "at" lines as there are call frames,
	// name the error after its class, and strip "Name: " from the message.
	lines := strings.Split(ex.Description, "\n    at ")
	if ex.Description == "" {
		lines = nil
	}
	frames := 0
	if d.StackTrace != nil {
		frames = len(d.StackTrace.CallFrames)
	}
	if size := min(frames, len(lines)-1); size > 0 {
		lines = lines[:len(lines)-size]
	}
	name := ex.ClassName
	message := strings.Join(lines, "\n")
	if name != "" && strings.HasPrefix(message, name+": ") {
		message = message[len(name)+2:]
	}
	return &EvaluationError{Name: name, Message: message}
}

// valueOf copies a by-value remote object.
func valueOf(o *runtime.RemoteObject) Value {
	if o == nil || o.Type == runtime.RemoteObjectTypeUndefined {
		return Value{}
	}
	if o.UnserializableValue != "" {
		return Value{Unserializable: string(o.UnserializableValue)}
	}
	if len(o.Value) == 0 {
		if o.Type == runtime.RemoteObjectTypeObject && o.Subtype == runtime.RemoteObjectSubtypeNull {
			return Value{JSON: []byte("null")}
		}
		return Value{}
	}
	return Value{JSON: []byte(o.Value)}
}

// releaseObject frees a page object; errors are irrelevant (the page may
// have navigated away already).
func releaseObject(ctx context.Context, s *cdp.Session, id string) {
	if id == "" {
		return
	}
	_ = s.Call(ctx, "Runtime.releaseObject", map[string]string{"objectId": id}, nil)
}

func describeRemote(o *runtime.RemoteObject) string {
	if o == nil {
		return "undefined"
	}
	if o.Description != "" {
		return o.Description
	}
	return fmt.Sprintf("%s %s", o.Type, o.Subtype)
}
