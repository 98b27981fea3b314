package puppeteer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// Puppeteer's Locator API. A locator describes how to find a handle (a
// selector, a handle, a page function, or another locator filtered,
// mapped or raced) plus the preconditions of acting on it. Every action
// retries the whole find-check-act sequence every 100 ms until it
// succeeds or the locator's timeout ends it with "Timed out after waiting
// Nms", as Puppeteer 24's RxJS pipelines do. Locators are immutable: the
// set* methods return changed copies.

type locatorKind int

const (
	locNode     locatorKind = iota // a selector, or a handle (asLocator)
	locFunction                    // page.locator(fn): waitForFunction
	locFiltered                    // locator.filter(predicate)
	locMapped                      // locator.map(mapper)
	locRace                        // Locator.race([...])
)

var locatorClassNames = map[locatorKind]string{
	locNode: "NodeLocator", locFunction: "FunctionLocator", locFiltered: "FilteredLocator",
	locMapped: "MappedLocator", locRace: "RaceLocator",
}

// locatorRetryDelay is Puppeteer's RETRY_DELAY.
const locatorRetryDelay = 100 * time.Millisecond

type locator struct {
	kind     locatorKind
	frame    func() *browser.Frame
	selector string
	handle   *browser.Handle
	fn       string // page function: the function, predicate or mapper
	badFn    bool   // page.locator(x) with x neither string nor function
	delegate *locator
	races    []*locator
	// filterTimeout is the timeout of the locator filter() was called on,
	// which bounds the predicate's waitForFunction.
	filterTimeout time.Duration

	timeout          time.Duration // 0: no timeout
	visibility       string        // "", "visible" or "hidden"
	waitForEnabled   bool
	ensureInViewport bool
	stableBox        bool
}

func (l *locator) clone() *locator {
	c := *l
	if l.delegate != nil {
		c.delegate = l.delegate.clone()
	}
	if l.races != nil {
		c.races = make([]*locator, len(l.races))
		for i, r := range l.races {
			c.races[i] = r.clone()
		}
	}
	return &c
}

// with returns a copy changed by set; filtered and mapped locators pass
// the change on to the locator they delegate to, as Puppeteer's
// DelegatedLocator does.
func (l *locator) with(set func(*locator)) *locator {
	c := l.clone()
	set(c)
	if c.delegate != nil {
		c.delegate = c.delegate.with(set)
	}
	return c
}

// find is one attempt at Puppeteer's _wait: the located handle.
func (l *locator) find(ctx context.Context) (*browser.Handle, error) {
	switch l.kind {
	case locNode:
		h := l.handle
		if h == nil {
			var err error
			h, err = l.frame().WaitForSelector(ctx, nil, l.selector, browser.WaitOptions{Timeout: l.timeout})
			if err != nil {
				return nil, err
			}
			if h == nil {
				return nil, errors.New("no elements in sequence")
			}
		}
		if l.visibility != "" {
			fn := browser.JSIsVisible
			if l.visibility == "hidden" {
				fn = browser.JSIsHidden
			}
			if err := pollTrue(ctx, func() (bool, error) {
				v, err := h.Evaluate(ctx, fn, nil)
				return string(v.JSON) == "true", err
			}); err != nil {
				return nil, err
			}
		}
		return h, nil
	case locFunction:
		if l.badFn {
			return nil, errors.New("pageFunction is not a function")
		}
		return l.frame().WaitForFunction(ctx, l.fn, nil, browser.WaitOptions{Timeout: l.timeout})
	case locFiltered:
		h, err := l.delegate.find(ctx)
		if err != nil {
			return nil, err
		}
		if _, err := h.Frame().WaitForFunction(ctx, l.fn, []browser.Arg{{Handle: h}}, browser.WaitOptions{Timeout: l.filterTimeout}); err != nil {
			return nil, err
		}
		return h, nil
	case locMapped:
		h, err := l.delegate.find(ctx)
		if err != nil {
			return nil, err
		}
		return h.EvaluateHandle(ctx, l.fn, nil)
	case locRace:
		return raceFind(ctx, l.races)
	}
	return nil, fmt.Errorf("unknown locator kind %d", l.kind)
}

// raceFind runs the candidates' finds at once: the first handle wins,
// the first error before any handle fails the attempt (RxJS race).
func raceFind(ctx context.Context, races []*locator) (*browser.Handle, error) {
	if len(races) == 0 {
		return nil, errors.New("no elements in sequence")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		h   *browser.Handle
		err error
	}
	ch := make(chan result, len(races))
	for _, r := range races {
		go func() {
			h, err := r.find(ctx)
			ch <- result{h, err}
		}()
	}
	first := <-ch
	cancel()
	go func() { // dispose of handles that lost the race
		for range len(races) - 1 {
			if r := <-ch; r.h != nil && r.h != first.h {
				r.h.Dispose(context.Background())
			}
		}
	}()
	return first.h, first.err
}

// pollTrue calls check every retry delay until it reports true.
func pollTrue(ctx context.Context, check func() (bool, error)) error {
	for {
		ok, err := check()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if err := sleepCtx(ctx, locatorRetryDelay); err != nil {
			return err
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Page-side checks of the action preconditions.
const (
	jsLocatorEnabled = `function(element) {
  if (!(element instanceof HTMLElement)) return true;
  const formControl = ['BUTTON', 'INPUT', 'SELECT', 'TEXTAREA', 'OPTION', 'OPTGROUP'].includes(element.nodeName);
  return !formControl || !element.hasAttribute('disabled');
}`
	jsLocatorStable = `function(element) {
  return new Promise(resolve => {
    requestAnimationFrame(() => {
      const a = element.getBoundingClientRect();
      requestAnimationFrame(() => {
        const b = element.getBoundingClientRect();
        resolve(a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height);
      });
    });
  });
}`
)

type condition func(ctx context.Context, l *locator, h *browser.Handle) error

func condViewport(ctx context.Context, l *locator, h *browser.Handle) error {
	if !l.ensureInViewport {
		return nil
	}
	in, err := h.IsIntersectingViewport(ctx, 0)
	if err != nil || in {
		return err
	}
	if err := h.ScrollIntoView(ctx); err != nil {
		return err
	}
	return pollTrue(ctx, func() (bool, error) { return h.IsIntersectingViewport(ctx, 0) })
}

func condStable(ctx context.Context, l *locator, h *browser.Handle) error {
	if !l.stableBox {
		return nil
	}
	return pollTrue(ctx, func() (bool, error) {
		v, err := h.Evaluate(ctx, jsLocatorStable, nil)
		return string(v.JSON) == "true", err
	})
}

func condEnabled(ctx context.Context, l *locator, h *browser.Handle) error {
	if !l.waitForEnabled {
		return nil
	}
	_, err := h.Frame().WaitForFunction(ctx, jsLocatorEnabled, []browser.Arg{{Handle: h}}, browser.WaitOptions{Timeout: l.timeout})
	return err
}

// checkAll runs the conditions at once; the first failure wins.
func checkAll(ctx context.Context, l *locator, h *browser.Handle, conds []condition) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(conds))
	for _, c := range conds {
		go func() { errs <- c(ctx, l, h) }()
	}
	var first error
	for range conds {
		if err := <-errs; err != nil && first == nil {
			first = err
			cancel()
		}
	}
	return first
}

// run retries find → conditions → act until it succeeds or the locator's
// timeout passes. cause names the operation ("Locator.click").
func (l *locator) run(ctx context.Context, cause string, conds []condition, beforeAct func(), act func(ctx context.Context, h *browser.Handle) error) (*browser.Handle, error) {
	if l.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, l.timeout, &browser.TimeoutError{
			Msg: fmt.Sprintf("Timed out after waiting %dms", l.timeout.Milliseconds()), Cause: errors.New(cause),
		})
		defer cancel()
	}
	for {
		h, err := l.find(ctx)
		if err == nil && len(conds) > 0 {
			err = checkAll(ctx, l, h, conds)
		}
		if err == nil && act != nil {
			if beforeAct != nil {
				beforeAct()
			}
			if err = act(ctx, h); err != nil {
				h.Dispose(context.Background())
			}
		}
		if err == nil {
			return h, nil
		}
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		if err := sleepCtx(ctx, locatorRetryDelay); err != nil {
			return nil, err
		}
	}
}

// wrapLocator builds the script's object for l.
func (m *mapper) wrapLocator(l *locator) *sobek.Object {
	b := m.object(locatorAPI)
	_ = b.obj.SetPrototype(m.locatorPrototype(l.kind))
	em := m.emitter(b, []string{"action"}, nil)
	emitAction := func() { em.post("action", nil) }
	set := func(name string, apply func(l *locator, v sobek.Value)) {
		b.method(name, func(call sobek.FunctionCall) sobek.Value {
			v := call.Argument(0)
			return m.wrapLocator(l.with(func(c *locator) { apply(c, v) }))
		})
	}
	set("setTimeout", func(c *locator, v sobek.Value) { c.timeout = millisArg(v) })
	set("setVisibility", func(c *locator, v sobek.Value) {
		c.visibility = ""
		if s := v.String(); !sobek.IsNull(v) && !sobek.IsUndefined(v) && (s == "visible" || s == "hidden") {
			c.visibility = s
		}
	})
	set("setWaitForEnabled", func(c *locator, v sobek.Value) { c.waitForEnabled = v.ToBoolean() })
	set("setEnsureElementIsInTheViewport", func(c *locator, v sobek.Value) { c.ensureInViewport = v.ToBoolean() })
	set("setWaitForStableBoundingBox", func(c *locator, v sobek.Value) { c.stableBox = v.ToBoolean() })
	b.method("clone", func(sobek.FunctionCall) sobek.Value { return m.wrapLocator(l.clone()) })
	b.getter("timeout", func() sobek.Value { return m.vm.ToValue(l.timeout.Milliseconds()) })
	b.method("filter", func(call sobek.FunctionCall) sobek.Value {
		src, err := m.pageFunction(call.Argument(0), "predicate")
		if err != nil {
			panic(m.jsError(err, m.rt.CallSite()))
		}
		f := &locator{kind: locFiltered, delegate: l.clone(), fn: src, filterTimeout: l.timeout, frame: l.frame}
		f.copyOptions(l)
		return m.wrapLocator(f)
	})
	b.method("map", func(call sobek.FunctionCall) sobek.Value {
		src, err := m.pageFunction(call.Argument(0), "mapper")
		if err != nil {
			panic(m.jsError(err, m.rt.CallSite()))
		}
		f := &locator{kind: locMapped, delegate: l.clone(), fn: src, frame: l.frame}
		f.copyOptions(l)
		return m.wrapLocator(f)
	})
	b.async("waitHandle", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			h, err := l.run(ctx, "Locator.waitHandle", nil, nil, nil)
			return m.handleResult(h), err
		}, nil
	})
	b.async("wait", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			h, err := l.run(ctx, "Locator.waitHandle", nil, nil, nil)
			if err != nil {
				return nil, err
			}
			defer h.Dispose(context.Background())
			v, err := h.JSONValue(ctx)
			return valueResult(v), err
		}, nil
	})
	b.async("click", func(call sobek.FunctionCall) (work, error) {
		co, err := m.clickOptions(call.Argument(0))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			_, err := l.run(ctx, "Locator.click", []condition{condViewport, condStable, condEnabled}, emitAction,
				func(ctx context.Context, h *browser.Handle) error { return h.Click(ctx, co) })
			return nil, err
		}, nil
	})
	b.async("hover", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			_, err := l.run(ctx, "Locator.hover", []condition{condViewport, condStable}, emitAction,
				func(ctx context.Context, h *browser.Handle) error { return h.Hover(ctx) })
			return nil, err
		}, nil
	})
	b.async("scroll", func(call sobek.FunctionCall) (work, error) {
		o, err := m.options(call.Argument(0), "options")
		if err != nil {
			return nil, err
		}
		top, err := m.toArg(nilToUndefined(o.get("scrollTop")))
		if err != nil {
			return nil, err
		}
		left, err := m.toArg(nilToUndefined(o.get("scrollLeft")))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			_, err := l.run(ctx, "Locator.scroll", []condition{condViewport, condStable}, emitAction,
				func(ctx context.Context, h *browser.Handle) error {
					_, err := h.Evaluate(ctx, `function(el, scrollTop, scrollLeft) {
  if (scrollTop !== undefined) el.scrollTop = scrollTop;
  if (scrollLeft !== undefined) el.scrollLeft = scrollLeft;
}`, []browser.Arg{top, left})
					return err
				})
			return nil, err
		}, nil
	})
	b.async("fill", func(call sobek.FunctionCall) (work, error) {
		f, err := m.fillValue(call.Argument(0), call.Argument(1))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			_, err := l.run(ctx, "Locator.fill", []condition{condViewport, condStable, condEnabled}, emitAction, f.fill)
			return nil, err
		}, nil
	})
	obj := b.done()
	m.locators[obj] = l
	return obj
}

func nilToUndefined(v sobek.Value) sobek.Value {
	if v == nil {
		return sobek.Undefined()
	}
	return v
}

func (l *locator) copyOptions(from *locator) {
	l.timeout, l.visibility = from.timeout, from.visibility
	l.waitForEnabled, l.ensureInViewport, l.stableBox = from.waitForEnabled, from.ensureInViewport, from.stableBox
}

// locatorPrototype is the prototype of one kind of locator, named as
// Puppeteer's class (NodeLocator, …) and inheriting from Locator's, so that
// instanceof puppeteer.Locator holds.
func (m *mapper) locatorPrototype(kind locatorKind) *sobek.Object {
	if m.locatorProtos == nil {
		m.locatorProtos = map[locatorKind]*sobek.Object{}
	}
	if p, ok := m.locatorProtos[kind]; ok {
		return p
	}
	name := locatorClassNames[kind]
	ctor := m.rt.Func(name, func(sobek.FunctionCall) sobek.Value {
		panic(m.rt.NewTypeError("Illegal constructor: locators come from page.locator()"))
	}).(*sobek.Object)
	p := m.vm.NewObject()
	_ = p.SetPrototype(m.prototype(locatorAPI))
	_ = p.DefineDataProperty("constructor", ctor, sobek.FLAG_TRUE, sobek.FLAG_TRUE, sobek.FLAG_FALSE)
	_ = ctor.DefineDataProperty("prototype", p, sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_FALSE)
	m.locatorProtos[kind] = p
	return p
}

// locatorClass is the Locator export: the class, with the static race.
func (m *mapper) locatorClass() sobek.Value {
	proto := m.prototype(locatorAPI)
	ctor := proto.Get("constructor").(*sobek.Object)
	race := m.rt.Func("race", func(call sobek.FunctionCall) sobek.Value {
		arr, ok := call.Argument(0).(*sobek.Object)
		if !ok {
			panic(m.rt.NewTypeError("locators is not iterable"))
		}
		var races []*locator
		n := int(arr.Get("length").ToInteger())
		for i := 0; i < n; i++ {
			obj, _ := arr.Get(fmt.Sprint(i)).(*sobek.Object)
			l := m.locators[obj]
			if l == nil {
				panic(m.rt.NewError("Unknown locator for race candidate"))
			}
			races = append(races, l)
		}
		r := &locator{kind: locRace, races: races, timeout: 30 * time.Second, waitForEnabled: true, ensureInViewport: true, stableBox: true}
		return m.wrapLocator(r)
	})
	_ = ctor.DefineDataProperty("race", race, sobek.FLAG_TRUE, sobek.FLAG_TRUE, sobek.FLAG_FALSE)
	return ctor
}
