package browser

import (
	"context"
	"errors"
	"sync"
	"time"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/page"

	"github.com/skriptable/skriptable/internal/cdp"
)

// Puppeteer's default timeouts and viewport.
const (
	DefaultTimeout = 30 * time.Second
)

// Viewport is the page's emulated screen (Puppeteer's setViewport options).
type Viewport struct {
	Width             int
	Height            int
	DeviceScaleFactor float64 // 0 means 1
	IsMobile          bool
	HasTouch          bool
	IsLandscape       bool
	// Given names the fields the script set, in its order: Puppeteer's
	// page.viewport() returns exactly the object it was given.
	Given []string
}

// DefaultViewport is Puppeteer's default: 800×600 at scale 1.
var DefaultViewport = Viewport{Width: 800, Height: 600, DeviceScaleFactor: 1, Given: []string{"width", "height"}}

// Page is one browser tab with Puppeteer's semantics.
type Page struct {
	browser  *Browser
	bctx     *Context
	session  *cdp.Session
	targetID string
	frames   *frameManager
	network  *networkManager
	Keyboard *Keyboard
	Mouse    *Mouse

	mu            sync.Mutex
	viewport      *Viewport
	timeout       time.Duration
	navTimeout    time.Duration // 0: use timeout
	navTimeoutSet bool
	closed        bool
	crashed       bool
	events        *emitter

	aria    ariaBindings // see aria.go
	workers workerSet    // see workers.go
	tools   pageTools    // see tracing.go, coverage.go, filechooser.go
	touch   *Touchscreen // see Touchscreen
	drag    dragState    // see drag.go
	state   pageState    // see emulate.go and scripts.go
}

func newPage(b *Browser, bctx *Context, s *cdp.Session, targetID string) *Page {
	p := &Page{browser: b, bctx: bctx, session: s, targetID: targetID, timeout: DefaultTimeout, events: newEmitter()}
	p.frames = newFrameManager(p, s)
	p.network = newNetworkManager(p)
	p.Keyboard = &Keyboard{page: p, pressed: map[string]bool{}}
	p.Mouse = &Mouse{page: p, keyboard: p.Keyboard}
	return p
}

// init enables the domains Puppeteer relies on while the target is paused
// (waitForDebuggerOnStart), then lets it run.
func (p *Page) init(ctx context.Context, viewport *Viewport) error {
	s := p.session
	p.frames.subscribe()
	p.network.subscribe(s)
	s.On("Inspector.targetCrashed", func(jsonv2.Value) {
		p.mu.Lock()
		p.crashed = true
		p.mu.Unlock()
		p.events.emit(Event{Name: "error", Err: cdp.ErrPageCrashed})
	})
	s.On("Page.javascriptDialogOpening", func(raw jsonv2.Value) { p.onDialog(raw) })
	s.On("Page.loadEventFired", func(jsonv2.Value) { p.events.emit(Event{Name: "load"}) })
	s.On("Page.domContentEventFired", func(jsonv2.Value) { p.events.emit(Event{Name: "domcontentloaded"}) })

	// The frame tree first: the target is paused, so nothing changes under
	// us, and the events that the enables below trigger (contexts,
	// lifecycle) then find their frames.
	var tree page.GetFrameTreeResult
	if err := s.Call(ctx, "Page.getFrameTree", nil, &tree); err != nil {
		return err
	}
	p.frames.load(s, tree.FrameTree, "")
	errs := make(chan error, 8)
	calls := []func() error{
		func() error { return s.Call(ctx, "Page.enable", nil, nil) },
		func() error {
			return s.Call(ctx, "Page.setLifecycleEventsEnabled", map[string]bool{"enabled": true}, nil)
		},
		func() error { return s.Call(ctx, "Runtime.enable", nil, nil) },
		func() error { return s.Call(ctx, "Network.enable", nil, nil) },
		func() error { return s.Call(ctx, "Inspector.enable", nil, nil) },
		func() error { return p.autoAttach(ctx, s) },     // see oopif.go
		func() error { return p.enablePerformance(ctx) }, // see tracing.go
		func() error { return p.enableFileChooser(ctx) }, // see filechooser.go
	}
	if viewport != nil {
		calls = append(calls, func() error { return p.emulateViewport(ctx, *viewport) })
	}
	for _, c := range calls {
		go func() { errs <- c() }()
	}
	var first error
	for range calls {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return first
	}
	return s.Call(ctx, "Runtime.runIfWaitingForDebugger", nil, nil)
}

// onDialog runs on the dispatcher: with no "dialog" listener a dialog is
// dismissed, so a script that never expected one does not hang (Puppeteer
// would leave the page blocked until the run times out).
func (p *Page) onDialog(raw jsonv2.Value) {
	var ev page.EventJavascriptDialogOpening
	if jsonv2.Unmarshal(raw, &ev) != nil {
		return
	}
	d := &Dialog{page: p, Type: string(ev.Type), Message: ev.Message, DefaultValue: ev.DefaultPrompt}
	if p.events.emit(Event{Name: "dialog", Dialog: d}) == 0 {
		go func() { _ = d.Dismiss(context.Background()) }()
	}
}

// TargetID is the DevTools target id.
func (p *Page) TargetID() string { return p.targetID }

// Browser is the browser the page belongs to.
func (p *Page) Browser() *Browser { return p.browser }

// BrowserContext is the context the page belongs to.
func (p *Page) BrowserContext() *Context { return p.bctx }

// Events is the page's event emitter (console, dialog, load, …).
func (p *Page) Events() *emitter { return p.events }

// MainFrame is the top frame.
func (p *Page) MainFrame() *Frame { return p.frames.mainFrame() }

// Frames lists every frame of the page, main frame first.
func (p *Page) Frames() []*Frame { return p.frames.all() }

// IsClosed reports whether the page was closed.
func (p *Page) IsClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// SetDefaultTimeout sets the timeout of waits (and of navigations, unless
// SetDefaultNavigationTimeout was called).
func (p *Page) SetDefaultTimeout(d time.Duration) {
	p.mu.Lock()
	p.timeout = d
	p.mu.Unlock()
}

// SetDefaultNavigationTimeout sets the timeout of navigations.
func (p *Page) SetDefaultNavigationTimeout(d time.Duration) {
	p.mu.Lock()
	p.navTimeout = d
	p.navTimeoutSet = true
	p.mu.Unlock()
}

// Timeout is the current default timeout of waits.
func (p *Page) Timeout() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.timeout
}

// NavigationTimeout is the current default timeout of navigations.
func (p *Page) NavigationTimeout() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.navTimeoutSet {
		return p.navTimeout
	}
	return p.timeout
}

// Viewport is the current viewport, or nil if none is emulated.
func (p *Page) Viewport() *Viewport {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.viewport == nil {
		return nil
	}
	v := *p.viewport
	v.Given = append([]string(nil), v.Given...)
	return &v
}

// SetViewport emulates a screen size, like Puppeteer's page.setViewport.
// It reloads the page when switching touch or mobile emulation, as
// Puppeteer does.
func (p *Page) SetViewport(ctx context.Context, v Viewport) error {
	var old Viewport // no emulation yet: neither mobile nor touch
	if o := p.Viewport(); o != nil {
		old = *o
	}
	if err := p.emulateViewport(ctx, v); err != nil {
		return p.wrapErr(ctx, err)
	}
	if old.IsMobile != v.IsMobile || old.HasTouch != v.HasTouch {
		_, err := p.Reload(ctx, NavigateOptions{Timeout: p.NavigationTimeout()})
		return err
	}
	return nil
}

func (p *Page) emulateViewport(ctx context.Context, v Viewport) error {
	if v.DeviceScaleFactor == 0 {
		v.DeviceScaleFactor = 1
	}
	orientation := map[string]any{"angle": 0, "type": "portraitPrimary"}
	if v.IsLandscape {
		orientation = map[string]any{"angle": 90, "type": "landscapePrimary"}
	}
	err := p.session.Call(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{
		"mobile":            v.IsMobile,
		"width":             v.Width,
		"height":            v.Height,
		"deviceScaleFactor": v.DeviceScaleFactor,
		"screenOrientation": orientation,
	}, nil)
	if err != nil {
		return err
	}
	if err := p.session.Call(ctx, "Emulation.setTouchEmulationEnabled", map[string]any{"enabled": v.HasTouch}, nil); err != nil {
		return err
	}
	p.mu.Lock()
	p.viewport = &v
	p.mu.Unlock()
	return nil
}

// Close closes the tab and waits until the browser confirms it.
func (p *Page) Close(ctx context.Context) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.mu.Unlock()
	err := p.browser.conn.Root().Call(ctx, "Target.closeTarget", map[string]string{"targetId": p.targetID}, nil)
	if err != nil && p.session.Err() == nil {
		return err
	}
	select {
	case <-p.session.Done():
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	// Drop it from browser.pages() now rather than when the root session
	// gets around to Target.targetDestroyed: pages() right after close()
	// must not list it.
	p.browser.dropPage(p.targetID)
	p.markClosed()
	return nil
}

func (p *Page) markClosed() {
	p.mu.Lock()
	already := p.closed
	p.closed = true
	p.mu.Unlock()
	if !already {
		p.events.emit(Event{Name: "close"})
	}
}

// closedErr explains why the page's session ended.
func (p *Page) closedErr() error {
	if err := p.session.Err(); err != nil {
		return err
	}
	return errors.New("Target closed")
}

// wrapErr turns a failed operation into the error a script should see: a
// TimeoutError when the operation's own deadline fired, "Page crashed!"
// when the renderer died, otherwise err itself.
func (p *Page) wrapErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var te *TimeoutError
	if errors.As(context.Cause(ctx), &te) && ctx.Err() != nil {
		return te
	}
	if errors.Is(err, cdp.ErrPageCrashed) {
		return cdp.ErrPageCrashed
	}
	return err
}

// BringToFront activates the tab.
func (p *Page) BringToFront(ctx context.Context) error {
	return p.wrapErr(ctx, p.session.Call(ctx, "Page.bringToFront", nil, nil))
}
