package browser

import (
	"testing"
	"time"
)

// TestTargetsFollowPagesAndPopups checks the registry against a real
// browser: the browser's own target, a page's target, a popup's target
// with its opener reported by "targetcreated", and "targetdestroyed" when
// the popup closes.
func TestTargetsFollowPagesAndPopups(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	b := p.Browser()
	if bt := b.BrowserTarget(); bt == nil || bt.Type() != "browser" || bt.Page() != nil {
		t.Fatalf("browser target: %+v", bt)
	}
	pt := p.Target()
	if pt.Type() != "page" || pt.Page() != p || pt.Context() != b.DefaultContext() {
		t.Fatalf("page target: type %q page %v", pt.Type(), pt.Page() == p)
	}
	listed := func(x *Target) bool {
		for _, y := range b.Targets() {
			if y == x {
				return true
			}
		}
		return false
	}
	if !listed(pt) {
		t.Fatal("the page's target is not listed")
	}
	if _, err := p.MainFrame().Goto(ctx, base+"/compat/frames-files.html", NavigateOptions{Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if pt.URL() != base+"/compat/frames-files.html" {
		t.Fatalf("page target url %q", pt.URL())
	}
	created := make(chan *Target, 8)
	destroyed := make(chan *Target, 8)
	// Listeners must not block the dispatcher, and other tests share the
	// browser: keep only this page's popups, never wait to send.
	offC := b.TargetEvents().On("targetcreated", func(ev Event) {
		if ev.Target.Type() == "page" && ev.Target.Opener() == pt {
			select {
			case created <- ev.Target:
			default:
			}
		}
	})
	defer offC()
	offD := b.TargetEvents().On("targetdestroyed", func(ev Event) {
		if ev.Target.Opener() == pt {
			select {
			case destroyed <- ev.Target:
			default:
			}
		}
	})
	defer offD()
	if err := p.MainFrame().Click(ctx, "#open", ClickOptions{}); err != nil {
		t.Fatal(err)
	}
	var pop *Target
	for pop == nil {
		select {
		case x := <-created:
			pop = x
		case <-time.After(10 * time.Second):
			t.Fatal("no targetcreated for the popup")
		}
	}
	if pop.Page() == nil || !listed(pop) || pop.Context() != p.BrowserContext() {
		t.Fatalf("popup target: page %v listed %v", pop.Page() != nil, listed(pop))
	}
	if err := pop.Page().Close(ctx); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case x := <-destroyed:
			if x == pop {
				if listed(pop) {
					t.Fatal("a destroyed target is still listed")
				}
				return
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no targetdestroyed for the closed popup")
		}
	}
}
