package browser

import (
	"testing"
	"time"
)

func TestPopupEvent(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	if _, err := p.MainFrame().Goto(ctx, base+"/compat/frames-files.html", NavigateOptions{Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	popups := make(chan *Page, 2)
	p.Events().On("popup", func(ev Event) { popups <- ev.Page })
	if err := p.MainFrame().Click(ctx, "#open", ClickOptions{}); err != nil {
		t.Fatal(err)
	}
	var pop *Page
	select {
	case pop = <-popups:
	case <-time.After(10 * time.Second):
		t.Fatal("no popup event after window.open")
	}
	t.Cleanup(func() { _ = pop.Close(ctx) })
	listed := false
	for _, x := range p.Browser().Pages() {
		listed = listed || x == pop
	}
	if !listed {
		t.Fatal("the popup is not among browser pages when its event fires")
	}
	if pop.BrowserContext() != p.BrowserContext() {
		t.Fatal("the popup is in another browser context")
	}
	v, err := pop.MainFrame().EvaluateExpression(ctx, `new Promise(r => document.readyState === 'complete' ? r(location.search) : addEventListener('load', () => r(location.search)))`)
	if err != nil || string(v.JSON) != `"?n=popup-open"` {
		t.Fatalf("popup location: %s %v", v.JSON, err)
	}
	select {
	case extra := <-popups:
		t.Fatalf("a second popup event: %v", extra)
	default:
	}
}
