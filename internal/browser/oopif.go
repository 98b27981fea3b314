package browser

import (
	"context"
	"time"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/page"

	"github.com/skriptable/skriptable/internal/cdp"
)

// Out-of-process iframes (OOPIF) and workers. With site isolation (always
// on for untrusted scripts) a cross-site iframe runs in its own renderer,
// reachable only through a child session that the page's session
// auto-attaches (Target.setAutoAttach with flatten). The child session's
// frames join the page's frame tree; the frame's world moves to the child
// session, so every Frame member (query, evaluate, click, type, waits)
// works unchanged. Dedicated workers arrive the same way (see workers.go).

// childAttachTimeout bounds the set-up of one child target.
const childAttachTimeout = 30 * time.Second

// autoAttach makes s (the page's session or an OOPIF's) attach its child
// targets paused, so that they are set up before they run.
func (p *Page) autoAttach(ctx context.Context, s *cdp.Session) error {
	s.On("Target.attachedToTarget", func(raw jsonv2.Value) { p.onChildAttached(raw) })
	s.On("Target.detachedFromTarget", func(raw jsonv2.Value) { p.onChildDetached(raw) })
	return s.Call(ctx, "Target.setAutoAttach", map[string]any{
		"autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true,
	}, nil)
}

type childTarget struct {
	SessionID  string `json:"sessionId"`
	TargetInfo struct {
		TargetID string `json:"targetId"`
		Type     string `json:"type"`
		URL      string `json:"url"`
	} `json:"targetInfo"`
}

// onChildAttached runs on the parent's dispatcher; set-up runs in a
// goroutine because it calls the child session.
func (p *Page) onChildAttached(raw jsonv2.Value) {
	var ev childTarget
	if jsonv2.Unmarshal(raw, &ev) != nil {
		return
	}
	child := p.browser.conn.Session(targetSession(ev.SessionID))
	if child == nil {
		return
	}
	switch ev.TargetInfo.Type {
	case "iframe":
		// Move the frame now, before any later event of the parent can
		// use the old process's context.
		if f := p.frames.frame(ev.TargetInfo.TargetID); f != nil {
			f.main.setSession(child)
		}
		p.frames.subscribeSession(child)
		p.network.subscribe(child)
		go p.initChildFrame(child, ev.TargetInfo.TargetID)
	case "worker":
		p.attachWorker(child, ev.TargetInfo.TargetID, ev.TargetInfo.URL)
	default:
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), childAttachTimeout)
			defer cancel()
			_ = child.Call(ctx, "Runtime.runIfWaitingForDebugger", nil, nil)
		}()
	}
}

// initChildFrame enables on an OOPIF's session what Page.init enables on
// the page's, then lets it run. A failure leaves the frame without a
// context; calls into it then fail or time out with the usual errors.
func (p *Page) initChildFrame(s *cdp.Session, frameID string) {
	ctx, cancel := context.WithTimeout(context.Background(), childAttachTimeout)
	defer cancel()
	var tree page.GetFrameTreeResult
	if err := s.Call(ctx, "Page.getFrameTree", nil, &tree); err != nil {
		return
	}
	if tree.FrameTree != nil && tree.FrameTree.Frame != nil {
		root := tree.FrameTree.Frame
		if f := p.frames.frame(string(root.ID)); f != nil {
			f.main.setSession(s)
		}
		p.frames.load(s, tree.FrameTree, string(root.ParentID))
		if f := p.frames.frame(frameID); f != nil {
			f.main.setSession(s)
		}
	}
	calls := []func() error{
		func() error { return s.Call(ctx, "Page.enable", nil, nil) },
		func() error {
			return s.Call(ctx, "Page.setLifecycleEventsEnabled", map[string]bool{"enabled": true}, nil)
		},
		func() error { return s.Call(ctx, "Runtime.enable", nil, nil) },
		func() error { return s.Call(ctx, "Network.enable", nil, nil) },
		func() error { return p.autoAttach(ctx, s) },
	}
	errs := make(chan error, len(calls))
	for _, c := range calls {
		go func() { errs <- c() }()
	}
	for range calls {
		<-errs
	}
	// The page's overrides, before the frame runs a line or sends a
	// request: interception, extra headers, user agent, … (as Puppeteer's
	// NetworkManager.addClient) and the emulation state (emulate.go).
	_ = p.network.applySettings(ctx, s)
	p.applyEmulation(ctx, s)
	_ = s.Call(ctx, "Runtime.runIfWaitingForDebugger", nil, nil)
}

// onChildDetached reports worker ends. An OOPIF's frame is not dropped
// when its target detaches, as in Puppeteer: the parent reports a removed
// iframe with Page.frameDetached, and a frame that navigates back to its
// parent's site detaches its target first and is then re-attached to the
// parent (Page.frameAttached moves its world back).
func (p *Page) onChildDetached(raw jsonv2.Value) {
	var ev struct {
		SessionID string `json:"sessionId"`
	}
	if jsonv2.Unmarshal(raw, &ev) == nil {
		p.detachWorker(ev.SessionID)
	}
}

// jsAwaitPaint resolves after the frame has painted (two animation
// frames). A hidden document (a background page) gets no animation frames,
// so it resolves at once; the 1 s cap only bounds a stalled renderer. The
// cap is generous on purpose: a busy machine can take well over 100 ms for
// two frames, and input sent before the paint lands in the parent.
const jsAwaitPaint = `() => new Promise(resolve => {
  if (document.visibilityState === 'hidden') { resolve(); return; }
  requestAnimationFrame(() => requestAnimationFrame(resolve));
  setTimeout(resolve, 1000);
})`

// awaitPaint lets an out-of-process frame paint before input is aimed at
// it: Chromium routes mouse events by hit-testing rendered frames, so a
// click at a fresh OOPIF's coordinates would land in its parent. A page in
// the background produces no frames at all, so it is brought to the front
// first (Puppeteer's click would silently hit the parent there). Frames in
// the page's own process need no wait.
func (f *Frame) awaitPaint(ctx context.Context) error {
	oop := false
	for cur := f; cur != nil && cur.ParentFrame() != nil; cur = cur.ParentFrame() {
		if cur.main.sess() != f.page.session {
			oop = true
			break
		}
	}
	if !oop {
		return nil
	}
	top := f.page.MainFrame().main
	vis, err := top.call(ctx, `() => document.visibilityState`, nil, true)
	if err != nil {
		return err
	}
	if string(valueOf(vis).JSON) == `"hidden"` {
		if err := f.page.BringToFront(ctx); err != nil {
			return err
		}
	}
	if _, err := f.main.call(ctx, jsAwaitPaint, nil, true); err != nil {
		return err
	}
	// Then the top frame: the browser hit-tests against the root
	// compositor frame, which must include the child's new surface.
	_, err = top.call(ctx, jsAwaitPaint, nil, true)
	return err
}
