package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"

	"github.com/skriptable/skriptable/internal/cdp"
)

// Limits of exposed functions.
const (
	// MaxPendingBindingCalls caps the exposed-function calls of one page
	// that wait for the script at a time; further calls reject in the
	// page, so a page cannot pile up work on the script's loop.
	MaxPendingBindingCalls = 100
	// bindingPrefix names the CDP binding behind an exposed function
	// (Puppeteer's CDP_BINDING_PREFIX, so pages see the same globals).
	bindingPrefix = "puppeteer_"
)

// EvaluateOnNewDocument adds a script that runs in every new document of
// the page before its own scripts; it returns the script's identifier.
func (p *Page) EvaluateOnNewDocument(ctx context.Context, source string) (string, error) {
	var res struct {
		Identifier string `json:"identifier"`
	}
	if err := p.session.Call(ctx, "Page.addScriptToEvaluateOnNewDocument", map[string]any{"source": source}, &res); err != nil {
		return "", p.wrapErr(ctx, err)
	}
	p.state.mu.Lock()
	if p.state.scripts == nil {
		p.state.scripts = map[string]bool{}
	}
	p.state.scripts[res.Identifier] = true
	sc := newDocScript{id: res.Identifier, source: source}
	p.state.emu.scripts = append(p.state.emu.scripts, sc)
	p.state.mu.Unlock()
	for _, s := range p.childSessions() { // see oopif_emulation.go
		p.addChildScript(ctx, s, sc)
	}
	return res.Identifier, nil
}

// RemoveScriptToEvaluateOnNewDocument removes a script EvaluateOnNewDocument
// added.
func (p *Page) RemoveScriptToEvaluateOnNewDocument(ctx context.Context, id string) error {
	p.state.mu.Lock()
	known := p.state.scripts[id]
	delete(p.state.scripts, id)
	p.state.mu.Unlock()
	if !known {
		return fmt.Errorf("Script to evaluate on new document with id %s not found", id)
	}
	p.removeChildScripts(ctx, id)
	return p.wrapErr(ctx, p.session.Call(ctx, "Page.removeScriptToEvaluateOnNewDocument", map[string]any{"identifier": id}, nil))
}

// BindingFunc runs an exposed function for the page: args is the JSON
// array of the page's arguments; nodes maps the index of each argument
// that is a DOM node to a handle of it (its JSON is then {}), as
// Puppeteer passes nodes as ElementHandles. The handles are disposed once
// the call is answered. It returns the result for the page, or an error:
// a *BindingError to reject with a given message and stack (or thrown
// value), any other error to reject with its message. It runs on its own
// goroutine and must honour ctx (the page closing ends it).
type BindingFunc func(ctx context.Context, args []byte, nodes map[int]*Handle) (Arg, error)

// BindingError is how an exposed function failed.
type BindingError struct {
	Message string
	Stack   string
	Thrown  *Arg // set when the function threw something that is not an Error
}

func (e *BindingError) Error() string { return e.Message }

type binding struct {
	name    string
	fn      BindingFunc
	pending chan struct{} // a token per running call (capacity MaxPendingBindingCalls)
}

// pageBindingSource is Puppeteer's addPageBinding in the page: window[name]
// returns a promise and sends the call through the CDP binding; the reply
// comes back through window[name].callbacks.
const pageBindingSource = `function addPageBinding(type, name, prefix) {
  if (globalThis[name]) {
    return;
  }
  Object.assign(globalThis, {
    [name](...args) {
      const callPuppeteer = globalThis[name];
      callPuppeteer.args ??= new Map();
      callPuppeteer.callbacks ??= new Map();
      const seq = (callPuppeteer.lastSeq ?? 0) + 1;
      callPuppeteer.lastSeq = seq;
      callPuppeteer.args.set(seq, args);
      globalThis[prefix + name](JSON.stringify({type, name, seq, args, isTrivial: !args.some(value => value instanceof Node)}));
      return new Promise((resolve, reject) => {
        callPuppeteer.callbacks.set(seq, {
          resolve(value) { callPuppeteer.args.delete(seq); resolve(value); },
          reject(value) { callPuppeteer.args.delete(seq); reject(value); },
        });
      });
    },
  });
}`

func bindingInit(name string) string {
	q, _ := json.Marshal(name)
	pq, _ := json.Marshal(bindingPrefix)
	return "(" + pageBindingSource + ")(\"exposedFun\", " + string(q) + ", " + string(pq) + ")"
}

// ExposeFunction makes window[name] in every frame of the page, now and
// after navigations, call fn and resolve with its result (Puppeteer's
// page.exposeFunction).
func (p *Page) ExposeFunction(ctx context.Context, name string, fn BindingFunc) error {
	st := &p.state
	st.mu.Lock()
	if _, dup := st.bindings[name]; dup {
		st.mu.Unlock()
		return fmt.Errorf("Failed to add page binding with name %s: window['%s'] already exists!", name, name)
	}
	if st.bindings == nil {
		st.bindings, st.exposedIDs = map[string]*binding{}, map[string]string{}
	}
	st.bindings[name] = &binding{name: name, fn: fn, pending: make(chan struct{}, MaxPendingBindingCalls)}
	st.mu.Unlock()
	st.bindingsOnce.Do(func() {
		p.session.On("Runtime.bindingCalled", func(raw jsonv2.Value) { p.onBindingCalled(p.session, raw) })
	})

	src := bindingInit(name)
	if err := p.emuCall(ctx, "Runtime.addBinding", map[string]any{"name": bindingPrefix + name}, func(*pageState) any {
		return map[string]any{"name": bindingPrefix + name}
	}); err != nil {
		return p.wrapErr(ctx, err)
	}
	id, err := p.EvaluateOnNewDocument(ctx, src)
	if err != nil {
		return err
	}
	st.mu.Lock()
	st.exposedIDs[name] = id
	st.mu.Unlock()
	for _, f := range p.bindingFrames() {
		_, _ = f.EvaluateExpression(ctx, src) // a frame that is loading gets it from the new-document script
	}
	return nil
}

// RemoveExposedFunction undoes ExposeFunction.
func (p *Page) RemoveExposedFunction(ctx context.Context, name string) error {
	st := &p.state
	st.mu.Lock()
	id, ok := st.exposedIDs[name]
	delete(st.exposedIDs, name)
	delete(st.bindings, name)
	st.mu.Unlock()
	if !ok {
		return fmt.Errorf("Function with name %q does not exist", name)
	}
	if err := p.RemoveScriptToEvaluateOnNewDocument(ctx, id); err != nil {
		return err
	}
	if err := p.emuCall(ctx, "Runtime.removeBinding", map[string]any{"name": bindingPrefix + name}, func(*pageState) any {
		return map[string]any{"name": bindingPrefix + name}
	}); err != nil {
		return p.wrapErr(ctx, err)
	}
	for _, f := range p.bindingFrames() {
		_, _ = f.Evaluate(ctx, "name => { globalThis[name] = undefined; }", []Arg{{JSON: mustJSON(name)}})
	}
	return nil
}

// bindingFrames are the frames an exposed function is added to or removed
// from at once: as in Puppeteer, the main frame and the child frames that
// started loading (one that never does might never get a context, and
// would hold the call; the new-document script covers it if it loads).
func (p *Page) bindingFrames() []*Frame {
	var out []*Frame
	main := p.MainFrame()
	for _, f := range p.Frames() {
		f.mu.Lock()
		started := f.hasStartedLoading
		f.mu.Unlock()
		if f == main || started {
			out = append(out, f)
		}
	}
	return out
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// onBindingCalled runs on the dispatcher of session s (the page's or an
// OOPIF's): the call is handed to a goroutine at once (the script may take
// as long as it likes), and answered through the same session.
func (p *Page) onBindingCalled(s *cdp.Session, raw jsonv2.Value) {
	var ev struct {
		Name      string `json:"name"`
		Payload   string `json:"payload"`
		ContextID int64  `json:"executionContextId"`
	}
	if jsonv2.Unmarshal(raw, &ev) != nil || !strings.HasPrefix(ev.Name, bindingPrefix) {
		return
	}
	var call struct {
		Type    string          `json:"type"`
		Name    string          `json:"name"`
		Seq     int64           `json:"seq"`
		Args    json.RawMessage `json:"args"`
		Trivial bool            `json:"isTrivial"`
	}
	if json.Unmarshal([]byte(ev.Payload), &call) != nil || call.Type != "exposedFun" || bindingPrefix+call.Name != ev.Name {
		return
	}
	p.state.mu.Lock()
	b := p.state.bindings[call.Name]
	p.state.mu.Unlock()
	if b == nil {
		return
	}
	go p.runBinding(s, b, ev.ContextID, call.Seq, call.Args, !call.Trivial)
}

func (p *Page) runBinding(s *cdp.Session, b *binding, ctxID, seq int64, args []byte, hasNodes bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-p.session.Done():
			cancel()
		case <-ctx.Done():
		}
	}()
	name := mustJSON(b.name)
	seqArg := mustJSON(seq)
	deliver := func(fn string, args ...Arg) {
		dctx, dcancel := context.WithTimeout(ctx, 30*time.Second)
		defer dcancel()
		all := append([]Arg{{JSON: name}, {JSON: seqArg}}, args...)
		_ = p.callInContext(dctx, s, ctxID, fn, all)
	}
	select {
	case b.pending <- struct{}{}:
		defer func() { <-b.pending }()
	default:
		deliver(deliverError, Arg{JSON: mustJSON(fmt.Sprintf("too many pending calls of exposed function %s (at most %d)", b.name, MaxPendingBindingCalls))}, Arg{JSON: mustJSON("")})
		return
	}
	var nodes map[int]*Handle
	if hasNodes {
		nodes = p.bindingNodes(ctx, s, ctxID, name, seqArg)
		defer func() {
			for _, h := range nodes {
				h.Dispose(context.Background())
			}
		}()
	}
	res, err := b.fn(ctx, args, nodes)
	if err == nil {
		deliver(`(name, seq, result) => { const callbacks = globalThis[name].callbacks; callbacks.get(seq).resolve(result); callbacks.delete(seq); }`, res)
		return
	}
	var be *BindingError
	if errors.As(err, &be) && be.Thrown != nil {
		deliver(`(name, seq, error) => { const callbacks = globalThis[name].callbacks; callbacks.get(seq).reject(error); callbacks.delete(seq); }`, *be.Thrown)
		return
	}
	msg, stack := err.Error(), "Error: "+err.Error()
	if be != nil {
		msg, stack = be.Message, be.Stack
	}
	deliver(deliverError, Arg{JSON: mustJSON(msg)}, Arg{JSON: mustJSON(stack)})
}

// bindingNodes fetches handles to the DOM nodes among a call's arguments
// (kept by the page in window[name].args). On any failure the call goes
// on with the nodes as plain JSON objects.
func (p *Page) bindingNodes(ctx context.Context, s *cdp.Session, ctxID int64, name, seq []byte) map[int]*Handle {
	w := p.worldForContext(s, ctxID)
	if w == nil {
		return nil
	}
	o, err := w.call(ctx, "(name, seq) => globalThis[name].args.get(seq)", []Arg{{JSON: name}, {JSON: seq}}, false)
	if err != nil {
		return nil
	}
	arr := newHandle(w, p, o)
	defer arr.Dispose(context.Background())
	props, err := arr.Properties(ctx)
	if err != nil {
		return nil
	}
	nodes := map[int]*Handle{}
	for _, pr := range props {
		i, err := strconv.Atoi(pr.Name)
		if err == nil && isIndex(pr.Name) && pr.Handle.IsElement() {
			nodes[i] = pr.Handle
			continue
		}
		pr.Handle.Dispose(context.Background())
	}
	return nodes
}

const deliverError = `(name, seq, message, stack) => { const error = new Error(message); error.stack = stack; const callbacks = globalThis[name].callbacks; callbacks.get(seq).reject(error); callbacks.delete(seq); }`

// callInContext calls fn in one execution context of session s, by id.
func (p *Page) callInContext(ctx context.Context, s *cdp.Session, ctxID int64, fn string, args []Arg) error {
	cargs := make([]callArg, len(args))
	for i, a := range args {
		if a.Unserializable != "" {
			cargs[i] = callArg{UnserializableValue: a.Unserializable}
		} else {
			cargs[i] = callArg{Value: a.JSON}
		}
	}
	return s.Call(ctx, "Runtime.callFunctionOn", callFunctionOnParams{
		FunctionDeclaration: fn, Arguments: cargs, AwaitPromise: true, ExecutionContextID: ctxID,
	}, nil)
}

// SetContent replaces the frame's document with html and waits for the
// lifecycle events in opts.WaitUntil (Puppeteer's setContent).
func (f *Frame) SetContent(ctx context.Context, html string, opts NavigateOptions) error {
	events, err := ParseWaitUntil(opts.WaitUntil)
	if err != nil {
		return err
	}
	ctx, cancel := navTimeout(ctx, opts.Timeout, "")
	defer cancel()
	if _, err := f.Evaluate(ctx, "html => { document.open(); document.write(html); document.close(); }", []Arg{{JSON: mustJSON(html)}}); err != nil {
		return f.page.wrapErr(ctx, err)
	}
	w := f.page.watchNavigation(f, events)
	defer w.close()
	return f.page.wrapErr(ctx, w.wait(ctx, w.lifecycleDone))
}

// TagOptions are the options of addScriptTag and addStyleTag; exactly one
// of URL and Content is set (a path option is read by the caller).
type TagOptions struct {
	URL     string
	Content string
	Type    string // script type; "" is text/javascript
	ID      string // script id
}

// AddScriptTag adds a <script> to the frame's head and returns it, once
// loaded when it has a URL.
func (f *Frame) AddScriptTag(ctx context.Context, o TagOptions) (*Handle, error) {
	if o.Type == "" {
		o.Type = "text/javascript"
	}
	arg := mustJSON(map[string]string{"url": o.URL, "id": o.ID, "type": o.Type, "content": o.Content})
	return f.EvaluateHandle(ctx, `async ({url, id, type, content}) => {
  return await new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.type = type;
    script.text = content;
    script.addEventListener('error', event => { reject(new Error(event.message ?? 'Could not load script')); }, {once: true});
    if (id) { script.id = id; }
    if (url) {
      script.src = url;
      script.addEventListener('load', () => { resolve(script); }, {once: true});
      document.head.appendChild(script);
    } else {
      document.head.appendChild(script);
      resolve(script);
    }
  });
}`, []Arg{{JSON: arg}})
}

// AddStyleTag adds a <style> (content) or <link rel=stylesheet> (URL) to
// the frame's head and returns it once loaded.
func (f *Frame) AddStyleTag(ctx context.Context, o TagOptions) (*Handle, error) {
	arg := mustJSON(map[string]string{"url": o.URL, "content": o.Content})
	return f.EvaluateHandle(ctx, `async ({url, content}) => {
  return await new Promise((resolve, reject) => {
    let element;
    if (!url) {
      element = document.createElement('style');
      element.appendChild(document.createTextNode(content));
    } else {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = url;
      element = link;
    }
    element.addEventListener('load', () => { resolve(element); }, {once: true});
    element.addEventListener('error', event => { reject(new Error(event.message ?? 'Could not load style')); }, {once: true});
    document.head.appendChild(element);
    return element;
  });
}`, []Arg{{JSON: arg}})
}
