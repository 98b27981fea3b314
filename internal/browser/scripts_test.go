package browser

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestExposeFunctionRoundTrip(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	double := func(_ context.Context, args []byte, _ map[int]*Handle) (Arg, error) {
		var xs []float64
		if err := json.Unmarshal(args, &xs); err != nil || len(xs) != 1 {
			return Arg{}, errors.New("want one number")
		}
		return Arg{JSON: mustJSON(xs[0] * 2)}, nil
	}
	fail := func(context.Context, []byte, map[int]*Handle) (Arg, error) {
		return Arg{}, &BindingError{Message: "no luck", Stack: "Error: no luck\n    at script.js:1:1"}
	}
	if err := p.ExposeFunction(ctx, "double", double); err != nil {
		t.Fatal(err)
	}
	if err := p.ExposeFunction(ctx, "fail", fail); err != nil {
		t.Fatal(err)
	}
	if err := p.ExposeFunction(ctx, "double", double); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second expose: %v", err)
	}
	f := p.MainFrame()
	check := func(when string) {
		t.Helper()
		v, err := f.EvaluateExpression(ctx, `(async () => [await double(21), await fail().catch(e => e.message + '|' + e.stack.split('\n')[1].trim())])()`)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if got := string(v.JSON); got != `[42,"no luck|at script.js:1:1"]` {
			t.Fatalf("%s: got %s", when, got)
		}
	}
	check("on about:blank")
	if _, err := f.Goto(ctx, base+"/products", NavigateOptions{}); err != nil {
		t.Fatal(err)
	}
	check("after a navigation")
	if err := p.RemoveExposedFunction(ctx, "double"); err != nil {
		t.Fatal(err)
	}
	v, err := f.EvaluateExpression(ctx, "typeof window.double")
	if err != nil || string(v.JSON) != `"undefined"` {
		t.Fatalf("after remove: %s %v", v.JSON, err)
	}
	if err := p.RemoveExposedFunction(ctx, "double"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("second remove: %v", err)
	}
}

// A page cannot queue more than MaxPendingBindingCalls calls of an exposed
// function: the extra calls reject in the page at once.
func TestExposeFunctionPendingCallsAreCapped(t *testing.T) {
	t.Parallel()
	p, _, ctx := newTestPage(t)
	release := make(chan struct{})
	var entered atomic.Int32
	block := func(ctx context.Context, _ []byte, _ map[int]*Handle) (Arg, error) {
		entered.Add(1)
		select {
		case <-release:
			return Arg{JSON: []byte(`"ok"`)}, nil
		case <-ctx.Done():
			return Arg{}, ctx.Err()
		}
	}
	if err := p.ExposeFunction(ctx, "block", block); err != nil {
		t.Fatal(err)
	}
	f := p.MainFrame()
	const extra = 5
	_, err := f.EvaluateExpression(ctx, `window.__all = Promise.all(Array.from({length: `+itoa(MaxPendingBindingCalls+extra)+`}, () => block().catch(e => e.message))); 0`)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for entered.Load() < MaxPendingBindingCalls && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := entered.Load(); n != MaxPendingBindingCalls {
		t.Fatalf("%d calls reached the function, want %d", n, MaxPendingBindingCalls)
	}
	close(release)
	v, err := f.EvaluateExpression(ctx, `window.__all.then(rs => [rs.filter(r => r === 'ok').length, rs.filter(r => r.startsWith('too many pending')).length])`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "[" + itoa(MaxPendingBindingCalls) + "," + itoa(extra) + "]"; string(v.JSON) != want {
		t.Fatalf("results %s, want %s", v.JSON, want)
	}
}

func TestEvaluateOnNewDocumentRunsBeforePageScripts(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	id, err := p.EvaluateOnNewDocument(ctx, "window.__seen = document.documentElement === null || document.body === null")
	if err != nil {
		t.Fatal(err)
	}
	f := p.MainFrame()
	if _, err := f.Goto(ctx, base+"/products", NavigateOptions{}); err != nil {
		t.Fatal(err)
	}
	if v, err := f.EvaluateExpression(ctx, "window.__seen"); err != nil || string(v.JSON) != "true" {
		t.Fatalf("__seen %s %v", v.JSON, err)
	}
	if err := p.RemoveScriptToEvaluateOnNewDocument(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := p.RemoveScriptToEvaluateOnNewDocument(ctx, id); err == nil {
		t.Fatal("removing twice succeeded")
	}
	if _, err := p.Reload(ctx, NavigateOptions{}); err != nil {
		t.Fatal(err)
	}
	if v, err := f.EvaluateExpression(ctx, "typeof window.__seen"); err != nil || string(v.JSON) != `"undefined"` {
		t.Fatalf("after remove: %s %v", v.JSON, err)
	}
}

// DOM nodes passed to an exposed function arrive as element handles.
func TestExposeFunctionReceivesNodes(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	if _, err := p.MainFrame().Goto(ctx, base+"/products", NavigateOptions{}); err != nil {
		t.Fatal(err)
	}
	describe := func(ctx context.Context, args []byte, nodes map[int]*Handle) (Arg, error) {
		h := nodes[0]
		if h == nil || len(nodes) != 1 {
			return Arg{}, errors.New("want one node, at index 0; args " + string(args))
		}
		v, err := h.Evaluate(ctx, "(e, n) => e.tagName + n", []Arg{{JSON: []byte("7")}})
		if err != nil {
			return Arg{}, err
		}
		return Arg{JSON: v.JSON}, nil
	}
	if err := p.ExposeFunction(ctx, "describe", describe); err != nil {
		t.Fatal(err)
	}
	v, err := p.MainFrame().EvaluateExpression(ctx, "describe(document.body, 'x')")
	if err != nil || string(v.JSON) != `"BODY7"` {
		t.Fatalf("got %s %v", v.JSON, err)
	}
}
