package browser

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// ids names each handle by its id (or tag and class) for assertions.
func ids(t *testing.T, ctx context.Context, hs []*Handle) string {
	t.Helper()
	var out []string
	for _, h := range hs {
		v, err := h.Evaluate(ctx, `function(e) { return e.id || (e.nodeName.toLowerCase() + '.' + e.className); }`, nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, decodeString(v))
	}
	return strings.Join(out, " ")
}

func openSelectorsPage(t *testing.T) (*Page, context.Context) {
	t.Helper()
	p, base, ctx := newTestPage(t)
	if _, err := p.MainFrame().Goto(ctx, base+"/compat/select-selectors.html", NavigateOptions{Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	return p, ctx
}

func TestSelectorFormsFindTheRightElements(t *testing.T) {
	t.Parallel()
	p, ctx := openSelectorsPage(t)
	f := p.MainFrame()
	for _, c := range []struct{ selector, want string }{
		{"pierce/button", "submit cancel button.shadow-button button.deep-button"},
		{"text/Deep shadow", "span.deep"},
		{"text/ada", "user"},                           // an input's value counts as text
		{"text/from a script", ""},                     // <head> content never matches
		{"xpath///th", "th. th."},                      // document order
		{"aria/Cancel sign in", "cancel"},              // aria-label
		{`aria/[role="link"]`, "home-link about-link"}, // role only
		{"#host >>>> .deep", ""},                       // >>>> goes one shadow root deep
		{"#host >>> .deep", "span.deep"},
		{"#closed-host >>> span", ""}, // closed shadow roots stay closed
		{"form ::-p-text(button)", "b."},
		{`#list li.hidden::-p-text(three), #title`, "title li.hidden"},
	} {
		hs, err := f.QuerySelectorAll(ctx, c.selector)
		if err != nil {
			t.Errorf("%s: %v", c.selector, err)
			continue
		}
		if got := ids(t, ctx, hs); got != c.want {
			t.Errorf("%s: got %q, want %q", c.selector, got, c.want)
		}
	}
}

func TestARIABindingIgnoresCallsFromThePage(t *testing.T) {
	t.Parallel()
	p, ctx := openSelectorsPage(t)
	f := p.MainFrame()
	if h, err := f.QuerySelector(ctx, "aria/Sign in"); err != nil || h == nil {
		t.Fatalf("aria/Sign in: %v %v", h, err)
	}
	// The binding is visible to the page; junk and stale sequence numbers
	// must be ignored without breaking later queries.
	if _, err := f.EvaluateExpression(ctx, `__skriptable_aria('junk'); __skriptable_aria('424242'); __skriptable_aria('-1')`); err != nil {
		t.Fatal(err)
	}
	hs, err := f.QuerySelectorAll(ctx, `aria/[role="button"]`)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(t, ctx, hs); got != "submit cancel fake-button button.shadow-button button.deep-button" {
		t.Fatalf("after page calls: %q", got)
	}
}

func TestWaitForSelectorWithAnInvalidSelectorFailsAtOnce(t *testing.T) {
	t.Parallel()
	p, ctx := openSelectorsPage(t)
	start := time.Now()
	_, err := p.MainFrame().WaitForSelector(ctx, nil, "xpath/!!", WaitOptions{Timeout: 20 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "Waiting for selector `!!` failed: DOMException: SyntaxError") {
		t.Fatalf("got %v", err)
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		t.Fatalf("a broken selector is not a timeout: %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("took %v: the wait should not run to its timeout", time.Since(start))
	}
}

func TestWaitForSelectorTimeoutKeepsItsCause(t *testing.T) {
	t.Parallel()
	p, ctx := openSelectorsPage(t)
	_, err := p.MainFrame().WaitForSelector(ctx, nil, "text/never there", WaitOptions{Timeout: 100 * time.Millisecond})
	var te *TimeoutError
	if !errors.As(err, &te) || te.Msg != "Waiting for selector `never there` failed" || te.Cause == nil || te.Cause.Error() != "Waiting failed: 100ms exceeded" {
		t.Fatalf("got %#v", err)
	}
}

func TestCustomQueryHandlersRunInThePage(t *testing.T) {
	t.Parallel()
	p, ctx := openSelectorsPage(t)
	var reg QueryHandlers
	if err := reg.Register("byN", CustomQueryHandler{QueryAll: `(root, n) => root.querySelectorAll('[data-n="' + n + '"]')`}); err != nil {
		t.Fatal(err)
	}
	// A second browser of the run would share reg; here the test's own
	// browser uses it and drops it again afterwards.
	p.Browser().SetQueryHandlers(&reg)
	defer p.Browser().SetQueryHandlers(nil)
	h, err := p.MainFrame().QuerySelector(ctx, "byN/4")
	if err != nil || h == nil {
		t.Fatalf("byN/4: %v %v", h, err)
	}
	v, err := h.Evaluate(ctx, `function(e) { return e.textContent; }`, nil)
	if err != nil || decodeString(v) != "Item four" {
		t.Fatalf("byN/4 text %s %v", v.JSON, err)
	}
	for _, c := range []struct {
		name string
		h    CustomQueryHandler
		want string
	}{
		{"byN", CustomQueryHandler{QueryOne: "x => x"}, "Cannot register over existing handler: byN"},
		{"by-n", CustomQueryHandler{QueryOne: "x => x"}, "Custom query handler names may only contain [a-zA-Z]"},
		{"empty", CustomQueryHandler{}, "At least one query method must be implemented."},
	} {
		if err := reg.Register(c.name, c.h); err == nil || err.Error() != c.want {
			t.Errorf("Register(%s): %v, want %q", c.name, err, c.want)
		}
	}
	if err := reg.Unregister("nope"); err == nil || err.Error() != "Cannot unregister unknown handler: nope" {
		t.Errorf("Unregister: %v", err)
	}
}

func TestTouchscreenNeedsAStartedTouch(t *testing.T) {
	t.Parallel()
	p, ctx := openSelectorsPage(t)
	ts := p.Touchscreen()
	var te *TouchError
	if err := ts.TouchEnd(ctx); !errors.As(err, &te) || te.Msg != "Must start a new Touch first" {
		t.Fatalf("TouchEnd: %v", err)
	}
	h, err := ts.TouchStart(ctx, 10, 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.TouchMove(ctx, 20, 20); err != nil {
		t.Fatal(err)
	}
	if err := h.End(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ts.TouchMove(ctx, 1, 1); !errors.As(err, &te) {
		t.Fatalf("TouchMove after the touch ended: %v", err)
	}
}

func TestQueriesOnADisposedHandleFail(t *testing.T) {
	t.Parallel()
	p, ctx := openSelectorsPage(t)
	form, err := p.MainFrame().QuerySelector(ctx, "#form")
	if err != nil || form == nil {
		t.Fatal(err)
	}
	form.Dispose(ctx)
	if _, err := form.QuerySelector(ctx, "button"); err == nil || err.Error() != "JSHandle is disposed!" {
		t.Fatalf("got %v", err)
	}
}

func TestARIABindingDropsCallsBeyondItsCap(t *testing.T) {
	t.Parallel()
	p, ctx := openSelectorsPage(t)
	f := p.MainFrame()
	if _, err := f.QuerySelector(ctx, "aria/Sign in"); err != nil {
		t.Fatal(err)
	}
	p.aria.mu.Lock()
	p.aria.limit = 5
	p.aria.mu.Unlock()
	// The page floods the binding with calls that look like requests.
	if _, err := f.EvaluateExpression(ctx, `for (let i = 1; i <= 2000; i++) __skriptable_aria(String(100000 + i))`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		p.aria.mu.Lock()
		dropped, pending := p.aria.dropped, p.aria.pending
		p.aria.mu.Unlock()
		if dropped > 0 && pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dropped %d, pending %d", dropped, pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.aria.mu.Lock()
	p.aria.limit = 0
	p.aria.mu.Unlock()
	if h, err := f.QuerySelector(ctx, "aria/Remember me"); err != nil || h == nil {
		t.Fatalf("a query after the flood: %v %v", h, err)
	}
}

// BenchmarkQuerySelector measures one page.$ round trip per selector kind
// (plain CSS ships a small function, the others the whole engine).
func BenchmarkQuerySelector(b *testing.B) {
	br, base := launch(b)
	ctx := context.Background()
	p, err := br.NewPage(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close(ctx)
	if _, err := p.MainFrame().Goto(ctx, base+"/compat/select-selectors.html", NavigateOptions{Timeout: 10 * time.Second}); err != nil {
		b.Fatal(err)
	}
	for _, sel := range []string{"#title", "text/Inner", "#host >>> .deep", "aria/Sign in"} {
		b.Run(sel, func(b *testing.B) {
			for b.Loop() {
				h, err := p.MainFrame().QuerySelector(ctx, sel)
				if err != nil || h == nil {
					b.Fatal(h, err)
				}
				h.Dispose(ctx)
			}
		})
	}
}

func TestElementWaitForSelectorEndsWhenItsDocumentGoes(t *testing.T) {
	t.Parallel()
	p, ctx := openSelectorsPage(t)
	f := p.MainFrame()
	list, err := f.QuerySelector(ctx, "#list")
	if err != nil || list == nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := f.WaitForSelector(ctx, list, "text/never", WaitOptions{Timeout: 20 * time.Second})
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	if _, err := p.Reload(ctx, NavigateOptions{Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the wait succeeded on a gone element")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the wait on an element of a replaced document kept polling")
	}
}
