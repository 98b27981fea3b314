package browser

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/cdproto/runtime"
)

// Evaluate runs a JS function (its source) with args in the frame's main
// world and returns the result by value.
func (f *Frame) Evaluate(ctx context.Context, fn string, args []Arg) (Value, error) {
	o, err := f.main.call(ctx, fn, args, true)
	if err != nil {
		return Value{}, f.page.wrapErr(ctx, err)
	}
	return valueOf(o), nil
}

// EvaluateExpression evaluates a JS expression string.
func (f *Frame) EvaluateExpression(ctx context.Context, expr string) (Value, error) {
	o, err := f.main.eval(ctx, expr, true)
	if err != nil {
		return Value{}, f.page.wrapErr(ctx, err)
	}
	return valueOf(o), nil
}

// EvaluateHandle is Evaluate returning a handle to the result.
func (f *Frame) EvaluateHandle(ctx context.Context, fn string, args []Arg) (*Handle, error) {
	o, err := f.main.call(ctx, fn, args, false)
	if err != nil {
		return nil, f.page.wrapErr(ctx, err)
	}
	return newHandle(f.main, f.page, o), nil
}

// EvaluateExpressionHandle evaluates an expression and returns a handle.
func (f *Frame) EvaluateExpressionHandle(ctx context.Context, expr string) (*Handle, error) {
	o, err := f.main.eval(ctx, expr, false)
	if err != nil {
		return nil, f.page.wrapErr(ctx, err)
	}
	return newHandle(f.main, f.page, o), nil
}

// rootArg is the query root argument: the handle's object, or null for
// the frame's document.
func rootArg(root *Handle) Arg {
	if root == nil {
		return Arg{JSON: []byte("null")}
	}
	return Arg{Handle: root}
}

// prepareQuery parses selector and returns the expression of the page-side
// query function (with the run's custom handlers) and its spec argument.
// It installs the ARIA binding first when the selector needs it.
func (f *Frame) prepareQuery(ctx context.Context, selector string) (selectorQuery, string, Arg, error) {
	custom := f.page.browser.customQueryHandlers()
	names := make([]string, len(custom))
	for i, h := range custom {
		names[i] = h.name
	}
	q := parseSelector(selector, names)
	if q.needsARIA() {
		if err := f.page.enableARIA(ctx, f.main.sess()); err != nil {
			return q, "", Arg{}, f.page.wrapErr(ctx, err)
		}
	}
	if q.Handler == handlerCSS {
		// Plain CSS, the common case: no need to ship the whole engine.
		return q, jsCSSQuery, Arg{JSON: q.spec()}, nil
	}
	return q, engine(custom), Arg{JSON: q.spec()}, nil
}

// jsCSSQuery is the engine's CSS handler on its own.
const jsCSSQuery = `(async (root, spec, one) => {
  root = root || document;
  return one ? root.querySelector(spec.s) : [...root.querySelectorAll(spec.s)];
})`

// query runs selector under root (the document when nil) in the frame's
// main world: the first match (nil when nothing matched or the match is
// not a DOM node), or with all, a handle to the array of matches.
func (f *Frame) query(ctx context.Context, root *Handle, selector string, all bool) (*Handle, error) {
	_, eng, spec, err := f.prepareQuery(ctx, selector)
	if err != nil {
		return nil, err
	}
	decl := "function(root, spec, one) {\n  return (" + eng + ")(root, spec, one);\n}"
	o, err := f.main.call(ctx, decl, []Arg{rootArg(root), spec, {JSON: []byte(fmt.Sprint(!all))}}, false)
	if err != nil {
		return nil, f.page.wrapErr(ctx, err)
	}
	if o.ObjectID == "" { // null: nothing matched
		return nil, nil
	}
	h := newHandle(f.main, f.page, o)
	if !all && !h.IsElement() {
		h.Dispose(ctx)
		return nil, nil
	}
	return h, nil
}

func (f *Frame) queryOne(ctx context.Context, root *Handle, selector string) (*Handle, error) {
	if root != nil {
		if err := root.usable(); err != nil {
			return nil, err
		}
	}
	return f.query(ctx, root, selector, false)
}

func (f *Frame) queryAll(ctx context.Context, root *Handle, selector string) ([]*Handle, error) {
	if root != nil {
		if err := root.usable(); err != nil {
			return nil, err
		}
	}
	arr, err := f.query(ctx, root, selector, true)
	if err != nil || arr == nil {
		return nil, err
	}
	defer arr.Dispose(ctx)
	return arr.elements(ctx)
}

// QuerySelector is Puppeteer's frame.$: the first match, or nil.
func (f *Frame) QuerySelector(ctx context.Context, selector string) (*Handle, error) {
	return f.queryOne(ctx, nil, selector)
}

// QuerySelectorAll is Puppeteer's frame.$$.
func (f *Frame) QuerySelectorAll(ctx context.Context, selector string) ([]*Handle, error) {
	return f.queryAll(ctx, nil, selector)
}

// QuerySelector is Puppeteer's elementHandle.$.
func (h *Handle) QuerySelector(ctx context.Context, selector string) (*Handle, error) {
	return h.world.frame.queryOne(ctx, h, selector)
}

// QuerySelectorAll is Puppeteer's elementHandle.$$.
func (h *Handle) QuerySelectorAll(ctx context.Context, selector string) ([]*Handle, error) {
	return h.world.frame.queryAll(ctx, h, selector)
}

// mustQuery is $ that fails with Puppeteer's message when nothing matches
// (the assertion of frame.click, focus, hover, select, tap, type).
func (f *Frame) mustQuery(ctx context.Context, selector string) (*Handle, error) {
	h, err := f.queryOne(ctx, nil, selector)
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, fmt.Errorf("No element found for selector: %s", selector)
	}
	return h, nil
}

// evalOn is $eval (all false) and $$eval under root: find the first match
// (or all matches) and call fn with it, as Puppeteer does, in two steps.
func (f *Frame) evalOn(ctx context.Context, root *Handle, selector, fn string, args []Arg, all bool) (Value, error) {
	if all {
		arr, err := f.query(ctx, root, selector, true)
		if err != nil {
			return Value{}, err
		}
		if arr == nil {
			return Value{}, errors.New("query returned no array")
		}
		defer arr.Dispose(ctx)
		v, err := arr.Evaluate(ctx, fn, args)
		return v, f.page.wrapErr(ctx, err)
	}
	el, err := f.queryOne(ctx, root, selector)
	if err != nil {
		return Value{}, err
	}
	if el == nil {
		return Value{}, fmt.Errorf("Error: failed to find element matching selector %q", selector)
	}
	defer el.Dispose(ctx)
	v, err := el.Evaluate(ctx, fn, args)
	return v, f.page.wrapErr(ctx, err)
}

// EvalOnSelector is Puppeteer's $eval: fn(first match, ...args).
func (f *Frame) EvalOnSelector(ctx context.Context, selector, fn string, args []Arg) (Value, error) {
	return f.evalOn(ctx, nil, selector, fn, args, false)
}

// EvalOnSelectorAll is Puppeteer's $$eval: fn(elements, ...args).
func (f *Frame) EvalOnSelectorAll(ctx context.Context, selector, fn string, args []Arg) (Value, error) {
	return f.evalOn(ctx, nil, selector, fn, args, true)
}

// EvalOnSelector is elementHandle.$eval: fn(first match under h, ...args).
func (h *Handle) EvalOnSelector(ctx context.Context, selector, fn string, args []Arg) (Value, error) {
	if err := h.usable(); err != nil {
		return Value{}, err
	}
	return h.world.frame.evalOn(ctx, h, selector, fn, args, false)
}

// EvalOnSelectorAll is elementHandle.$$eval: fn(all matches under h, ...args).
func (h *Handle) EvalOnSelectorAll(ctx context.Context, selector, fn string, args []Arg) (Value, error) {
	if err := h.usable(); err != nil {
		return Value{}, err
	}
	return h.world.frame.evalOn(ctx, h, selector, fn, args, true)
}

// Title is the document's title.
func (f *Frame) Title(ctx context.Context) (string, error) {
	v, err := f.Evaluate(ctx, "function() { return document.title; }", nil)
	if err != nil {
		return "", err
	}
	return decodeString(v), nil
}

// Content is the full HTML of the document, doctype included.
func (f *Frame) Content(ctx context.Context) (string, error) {
	v, err := f.Evaluate(ctx, `function() {
  let content = '';
  for (const node of document.childNodes) {
    switch (node) {
      case document.documentElement: content += document.documentElement.outerHTML; break;
      default: content += new XMLSerializer().serializeToString(node); break;
    }
  }
  return content;
}`, nil)
	if err != nil {
		return "", err
	}
	return decodeString(v), nil
}

// WaitOptions configure waitForSelector and waitForFunction.
type WaitOptions struct {
	Visible bool
	Hidden  bool
	Timeout time.Duration // 0 waits forever
	Polling string        // "raf", "mutation" or a number of ms as text; "" = default
}

func waitTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, d, &TimeoutError{Msg: fmt.Sprintf("Waiting failed: %dms exceeded", d.Milliseconds())})
}

// WaitForSelector waits for an element to appear (or become visible or
// hidden) and returns it, or nil when waiting for hidden succeeded. Polling
// defaults to the selector's (mutation, or raf for ARIA and pseudo-class
// selectors); visible and hidden poll on every frame.
func (f *Frame) WaitForSelector(ctx context.Context, root *Handle, selector string, opts WaitOptions) (*Handle, error) {
	if root != nil {
		if err := root.usable(); err != nil {
			return nil, err
		}
	}
	q, eng, spec, err := f.prepareQuery(ctx, selector)
	if err != nil {
		return nil, err
	}
	polling := opts.Polling
	if polling == "" {
		polling = q.Polling
	}
	if opts.Visible || opts.Hidden {
		polling = "raf" // as Puppeteer: visibility changes need every frame
	}
	visible := Arg{}
	if opts.Visible {
		visible = Arg{JSON: []byte("true")}
	} else if opts.Hidden {
		visible = Arg{JSON: []byte("false")}
	}
	decl := `function(polling, timeoutMs, root, spec, visible) {
  const query = ` + eng + `;
  const checkVisibility = ` + jsCheckVisibility + `;
  const poll = ` + jsPoll + `;
  return poll(async () => checkVisibility(await query(root, spec, true), visible), polling, timeoutMs, root);
}`
	h, err := f.waitFor(ctx, decl, polling, opts.Timeout, rootArg(root), []Arg{spec, visible}, false)
	if err != nil {
		var te *TimeoutError
		if errors.As(err, &te) {
			return nil, &TimeoutError{Msg: fmt.Sprintf("Waiting for selector `%s` failed", q.Selector), Cause: te}
		}
		if errors.Is(err, errDetachedWhileWaiting) || isCrash(err) {
			return nil, err
		}
		// The query itself failed (an invalid selector): Puppeteer's
		// poller would die and the wait time out; fail now instead, naming
		// the page's error without its page-side stack.
		var ee *EvaluationError
		if errors.As(err, &ee) && ee.Thrown == nil {
			msg, _, _ := strings.Cut(ee.Error(), "\n")
			return nil, fmt.Errorf("Waiting for selector `%s` failed: %s", q.Selector, msg)
		}
		return nil, fmt.Errorf("Waiting for selector `%s` failed: %w", q.Selector, err)
	}
	return h, nil
}

// WaitForFunction polls fn(...args) until it returns a truthy value and
// returns a handle to it. Polling defaults to "raf".
func (f *Frame) WaitForFunction(ctx context.Context, fn string, args []Arg, opts WaitOptions) (*Handle, error) {
	polling := opts.Polling
	if polling == "" {
		polling = "raf"
	}
	decl := `function(polling, timeoutMs, root, ...args) {
  const poll = ` + jsPoll + `;
  const predicate = (` + fn + `);
  return poll(() => predicate(...args), polling, timeoutMs, root);
}`
	return f.waitFor(ctx, decl, polling, opts.Timeout, Arg{JSON: []byte("null")}, args, true)
}

var errDetachedWhileWaiting = errors.New("Waiting failed: Frame detached")

// waitFor runs a page-side poller and re-runs it whenever a navigation
// destroys its execution context, until it resolves or the timeout fires.
// With anyValue the truthy result is returned as a handle even when it is
// a primitive (waitForFunction); otherwise only objects are (elements of
// waitForSelector) and anything else is nil.
func (f *Frame) waitFor(ctx context.Context, decl, polling string, timeout time.Duration, root Arg, args []Arg, anyValue bool) (*Handle, error) {
	ctx, cancel := waitTimeout(ctx, timeout)
	defer cancel()
	pollArg := Arg{JSON: jsonString(polling)}
	if polling != "raf" && polling != "mutation" {
		pollArg = Arg{JSON: []byte(polling)}
	}
	callArgs := append([]Arg{pollArg, {JSON: []byte(fmt.Sprint(timeout.Milliseconds()))}, root}, args...)
	for {
		if f.Detached() {
			return nil, errDetachedWhileWaiting
		}
		o, err := f.main.call(ctx, decl, callArgs, false)
		if err == nil {
			if anyValue || (o.Type == runtime.RemoteObjectTypeObject && o.ObjectID != "") {
				return newHandle(f.main, f.page, o), nil
			}
			return nil, nil
		}
		if ctx.Err() != nil {
			return nil, f.page.wrapErr(ctx, err)
		}
		if (errors.Is(err, ErrContextDestroyed) || isContextGone(err)) && root.Handle == nil {
			continue // a navigation replaced the document: poll again there
		}
		return nil, f.page.wrapErr(ctx, err)
	}
}
