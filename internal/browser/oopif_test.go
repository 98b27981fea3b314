package browser

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/cdp"
	"github.com/skriptable/skriptable/internal/fixture"
)

// crossSite serves the fixture on 127.0.0.2: another site than 127.0.0.1,
// so its iframes run in their own renderer (site isolation).
func crossSite(t testing.TB) string {
	t.Helper()
	s, err := fixture.Start("127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s.URL()
}

// frameByName finds a frame of p by its name attribute.
func frameByName(p *Page, name string) *Frame {
	for _, f := range p.Frames() {
		if f.Name() == name {
			return f
		}
	}
	return nil
}

// openOOPIF loads the host page with a same-origin and a cross-origin
// iframe and returns the cross-origin frame.
func openOOPIF(t *testing.T) (*Page, *Frame, context.Context) {
	t.Helper()
	p, base, ctx := newTestPage(t)
	cross := crossSite(t)
	_, err := p.MainFrame().Goto(ctx, base+"/compat/frames-oopif.html?child="+cross+"/compat/frames-child.html%3Fn%3Dcross", NavigateOptions{Timeout: 15 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	f := frameByName(p, "cross")
	if f == nil {
		t.Fatalf("no cross frame among %d frames", len(p.Frames()))
	}
	if f.main.sess() == p.session {
		t.Fatal("the cross-origin frame is driven through the page's session: not out of process")
	}
	return p, f, ctx
}

func TestOOPIFAttachQueryClickDetach(t *testing.T) {
	t.Parallel()
	p, f, ctx := openOOPIF(t)
	if n := len(p.Frames()); n != 3 {
		t.Fatalf("frames: %d, want 3", n)
	}
	if f.ParentFrame() != p.MainFrame() {
		t.Fatal("the cross frame's parent is not the main frame")
	}
	v, err := f.EvalOnSelector(ctx, "#label", "e => e.textContent", nil)
	if err != nil || string(v.JSON) != `"child cross"` {
		t.Fatalf("label: %s %v", v.JSON, err)
	}
	origin, err := f.EvaluateExpression(ctx, "location.hostname")
	if err != nil || string(origin.JSON) != `"127.0.0.2"` {
		t.Fatalf("origin: %s %v", origin.JSON, err)
	}
	if _, err := f.WaitForSelector(ctx, nil, "#late", WaitOptions{Timeout: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
	// Clicks go through the page's input pipeline at main-frame
	// coordinates; the OOPIF must receive them (see awaitPaint).
	if err := f.Click(ctx, "#btn", ClickOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := f.Type(ctx, "#field", "typed", 0); err != nil {
		t.Fatal(err)
	}
	v, err = f.Evaluate(ctx, `() => document.getElementById('count').textContent + ' ' + document.getElementById('field').value`, nil)
	if err != nil || string(v.JSON) != `"1 typed"` {
		t.Fatalf("after click and type: %s %v", v.JSON, err)
	}
	el, err := f.FrameElement(ctx)
	if err != nil || el == nil {
		t.Fatalf("frameElement: %v %v", el, err)
	}
	if cf, err := el.ContentFrame(ctx); err != nil || cf != f {
		t.Fatalf("contentFrame: %v %v", cf, err)
	}

	var mu sync.Mutex
	var detached []*Frame
	off := p.Events().On("framedetached", func(ev Event) {
		mu.Lock()
		detached = append(detached, ev.Frame)
		mu.Unlock()
	})
	defer off()
	if _, err := p.MainFrame().EvaluateExpression(ctx, "document.getElementById('cross').remove()"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !f.Detached() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !f.Detached() || len(p.Frames()) != 2 {
		t.Fatalf("after removing the iframe: detached=%v frames=%d", f.Detached(), len(p.Frames()))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(detached) != 1 || detached[0] != f {
		t.Fatalf("framedetached events: %v", detached)
	}
}

// TestOOPIFChildCrash is not parallel: pages of one browser context share
// the cross site's renderer, so the crash would hit other tests' frames.
func TestOOPIFChildCrash(t *testing.T) {
	p, f, ctx := openOOPIF(t)
	child := f.main.sess()
	// Page.crash on the child session kills only the iframe's renderer.
	crashCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	_ = child.Call(crashCtx, "Page.crash", nil, nil)
	cancel()
	select {
	case <-child.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the child session did not end after its renderer crashed")
	}
	if err := child.Err(); !errors.Is(err, cdp.ErrPageCrashed) && !errors.Is(err, cdp.ErrTargetClosed) {
		t.Fatalf("child session error: %v", err)
	}
	// Calls into the dead frame fail promptly instead of hanging...
	callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := f.EvaluateExpression(callCtx, "1 + 1")
	if err == nil {
		t.Fatal("evaluate in the crashed frame succeeded")
	}
	if callCtx.Err() != nil {
		t.Fatalf("evaluate in the crashed frame waited for its deadline (%s): %v", time.Since(start), err)
	}
	// ...while the page itself keeps working.
	v, err := p.MainFrame().EvaluateExpression(ctx, "document.getElementById('top').textContent")
	if err != nil || string(v.JSON) != `"Host"` {
		t.Fatalf("main frame after child crash: %s %v", v.JSON, err)
	}
	same := frameByName(p, "same")
	if same == nil {
		t.Fatal("same-origin frame gone")
	}
	v, err = same.EvalOnSelector(ctx, "#label", "e => e.textContent", nil)
	if err != nil || !strings.Contains(string(v.JSON), "child same") {
		t.Fatalf("same-origin frame after child crash: %s %v", v.JSON, err)
	}
}

// TestOOPIFBackInProcess navigates a cross-site iframe to the parent's
// site: Chromium moves it back into the page's renderer and detaches the
// child target; the frame must survive and be driven through the page's
// session again.
func TestOOPIFBackInProcess(t *testing.T) {
	t.Parallel()
	p, f, ctx := openOOPIF(t)
	base := strings.Split(p.MainFrame().URL(), "/compat/")[0]
	if _, err := f.Goto(ctx, base+"/compat/frames-child.html?n=home", NavigateOptions{Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for f.main.sess() != p.session && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if f.Detached() || f.main.sess() != p.session {
		t.Fatalf("after returning to the parent's site: detached=%v in page session=%v", f.Detached(), f.main.sess() == p.session)
	}
	v, err := f.EvalOnSelector(ctx, "#label", "e => e.textContent", nil)
	if err != nil || string(v.JSON) != `"child home"` {
		t.Fatalf("label: %s %v", v.JSON, err)
	}
	if n := len(p.Frames()); n != 3 {
		t.Fatalf("frames: %d", n)
	}
}

// BenchmarkGotoWithOOPIF measures a load of a page with one same-origin
// and one cross-site iframe (child target attach and set-up included),
// against the same page without the cross-site iframe.
func BenchmarkGotoWithOOPIF(b *testing.B) {
	br, base := launch(b)
	cross := crossSite(b)
	for _, c := range []struct{ name, url string }{
		{"in-process", base + "/compat/frames-oopif.html"},
		{"with-oopif", base + "/compat/frames-oopif.html?child=" + cross + "/compat/frames-child.html%3Fn%3Dcross"},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			p, err := br.NewPage(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close(ctx)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := p.MainFrame().Goto(ctx, c.url, NavigateOptions{Timeout: 30 * time.Second}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
