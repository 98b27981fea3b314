// Package browser is Skriptable's Go object model of a browser with
// Puppeteer's semantics: Browser, Context, Page, Frame, Handle, Keyboard
// and Mouse, built on the cdp connection layer and a chrome process.
//
// It knows nothing of JavaScript engines: the puppeteer package maps these
// types to the script's objects. Methods take a context (the run's, plus
// the operation's own timeout) and return Go values; page-side JS travels
// as source text and JSON, never as engine objects.
package browser

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"

	"github.com/skriptable/skriptable/internal/cdp"
	"github.com/skriptable/skriptable/internal/chrome"
)

// Options configures Launch.
type Options struct {
	Chrome chrome.Options
	// Viewport of new pages; nil means DefaultViewport. NoViewport leaves
	// the window size alone (Puppeteer's defaultViewport: null).
	Viewport   *Viewport
	NoViewport bool
	// CallTimeout bounds each CDP call made without its own deadline.
	CallTimeout time.Duration
	// Trace, if set, sees every CDP message (debugging only).
	Trace func(out bool, msg []byte)
}

// Browser is one launched Chromium.
type Browser struct {
	proc     *chrome.Process
	conn     *cdp.Conn
	viewport *Viewport
	def      *Context

	mu       sync.Mutex
	pages    map[string]*Page      // by target id, once initialised
	order    []string              // target ids in the order pages were attached
	waiting  map[string]chan *Page // newPage callers waiting for a target
	contexts map[string]*Context   // by browser context id ("" = default)
	created  []*Context            // contexts made by CreateContext, in order (see context.go)
	initErrs map[string]error      // targets whose set-up failed
	closed   bool
	queries  *QueryHandlers // custom query handlers; see SetQueryHandlers
	targets  targetSet      // exposed targets and their events; see targets_api.go
}

// Launch starts Chromium and connects to it over the debugging pipe.
func Launch(ctx context.Context, opts Options) (*Browser, error) {
	proc, err := chrome.Start(ctx, opts.Chrome)
	if err != nil {
		return nil, err
	}
	r, w := proc.Pipe()
	conn := cdp.New(r, w, cdp.Options{
		CallTimeout: opts.CallTimeout,
		Trace:       opts.Trace,
		ExitReason: func() string {
			select {
			case <-proc.Done():
			case <-time.After(2 * time.Second):
				return "browser closed the connection"
			}
			if e := proc.ExitError(); e != nil {
				return e.Error()
			}
			return ""
		},
	})
	b := &Browser{
		proc:     proc,
		conn:     conn,
		pages:    map[string]*Page{},
		waiting:  map[string]chan *Page{},
		contexts: map[string]*Context{},
		initErrs: map[string]error{},
	}
	switch {
	case opts.NoViewport:
	case opts.Viewport != nil:
		v := *opts.Viewport
		b.viewport = &v
	default:
		v := DefaultViewport
		b.viewport = &v
	}
	b.def = &Context{browser: b}
	b.contexts[""] = b.def
	if err := b.connect(ctx); err != nil {
		_ = b.Close()
		return nil, err
	}
	// Puppeteer's browser starts with one about:blank tab (Chromium opens
	// it for the URL argument), and scripts rely on it:
	// const [page] = await browser.pages(). Wait until it is set up.
	if err := b.waitInitialPage(ctx); err != nil {
		_ = b.Close()
		return nil, fmt.Errorf("open the initial page: %w", err)
	}
	return b, nil
}

// connect sets up target discovery: every page target (ours or opened by a
// page) is auto-attached paused, initialised, then resumed.
func (b *Browser) connect(ctx context.Context) error {
	root := b.conn.Root()
	root.On("Target.attachedToTarget", b.onAttached)
	root.On("Target.detachedFromTarget", func(raw jsonv2.Value) {
		var ev struct {
			TargetID string `json:"targetId"`
		}
		if jsonv2.Unmarshal(raw, &ev) == nil {
			b.dropPage(ev.TargetID)
		}
	})
	root.On("Target.targetDestroyed", func(raw jsonv2.Value) {
		var ev struct {
			TargetID string `json:"targetId"`
		}
		if jsonv2.Unmarshal(raw, &ev) == nil {
			b.dropPage(ev.TargetID)
		}
	})
	if err := b.discoverTargets(ctx); err != nil {
		return err
	}
	if err := root.Call(ctx, "Target.setDiscoverTargets", map[string]any{"discover": true}, nil); err != nil {
		return err
	}
	return root.Call(ctx, "Target.setAutoAttach", map[string]any{
		"autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true,
	}, nil)
}

// waitInitialPage waits until the tab Chromium opened at start is
// attached and initialised; if Chromium opened none (a browser started
// without a URL), it creates one.
func (b *Browser) waitInitialPage(ctx context.Context) error {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		b.mu.Lock()
		n := len(b.pages)
		var initErr error
		for _, err := range b.initErrs {
			initErr = err
		}
		b.mu.Unlock()
		if n > 0 {
			return nil
		}
		if initErr != nil {
			return initErr
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-b.conn.Done():
			return b.conn.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	_, err := b.newPageIn(ctx, "")
	return err
}

type attachedEvent struct {
	SessionID  string `json:"sessionId"`
	TargetInfo struct {
		TargetID         string `json:"targetId"`
		Type             string `json:"type"`
		BrowserContextID string `json:"browserContextId"`
		OpenerID         string `json:"openerId"`
	} `json:"targetInfo"`
}

// onAttached runs on the root dispatcher; set-up work goes to a goroutine.
func (b *Browser) onAttached(raw jsonv2.Value) {
	var ev attachedEvent
	if jsonv2.Unmarshal(raw, &ev) != nil {
		return
	}
	s := b.conn.Session(targetSession(ev.SessionID))
	if s == nil {
		return
	}
	if ev.TargetInfo.Type != "page" {
		// Workers and others: let them run, we do not drive them (yet).
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = s.Call(ctx, "Runtime.runIfWaitingForDebugger", nil, nil)
			_ = b.conn.Root().Call(ctx, "Target.detachFromTarget", map[string]string{"sessionId": ev.SessionID}, nil)
		}()
		return
	}
	bctx := b.context(ev.TargetInfo.BrowserContextID)
	p := newPage(b, bctx, s, ev.TargetInfo.TargetID)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := p.init(ctx, b.viewport)
		if err == nil && ev.TargetInfo.OpenerID != "" {
			defer b.emitPopup(ev.TargetInfo.OpenerID, p) // after p is listed
		}
		listed := false
		defer func() {
			if listed {
				b.exposePage(p) // after b.mu is released, before the popup event
			}
		}()
		b.mu.Lock()
		defer b.mu.Unlock()
		if err != nil {
			b.initErrs[p.targetID] = err
		} else if s.Err() == nil {
			b.pages[p.targetID] = p
			b.order = append(b.order, p.targetID)
			listed = true
		}
		if ch, ok := b.waiting[p.targetID]; ok {
			ch <- p
			delete(b.waiting, p.targetID)
		}
	}()
}

func (b *Browser) context(id string) *Context {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.contexts[id]; ok {
		return c
	}
	return b.def
}

func (b *Browser) dropPage(targetID string) {
	b.mu.Lock()
	p := b.pages[targetID]
	delete(b.pages, targetID)
	for i, id := range b.order {
		if id == targetID {
			b.order = append(b.order[:i], b.order[i+1:]...)
			break
		}
	}
	b.mu.Unlock()
	if p != nil {
		p.markClosed()
		b.targetGone(targetID)
	}
}

// newPageIn creates a tab in a browser context ("" is the default one)
// and waits until it is initialised.
func (b *Browser) newPageIn(ctx context.Context, contextID string) (*Page, error) {
	params := map[string]any{"url": "about:blank"}
	if contextID != "" {
		params["browserContextId"] = contextID
	}
	// Register interest before creating, keyed once the id is known; the
	// attach can race the createTarget response, so check both ways.
	var res struct {
		TargetID string `json:"targetId"`
	}
	if err := b.conn.Root().Call(ctx, "Target.createTarget", params, &res); err != nil {
		return nil, err
	}
	ch := make(chan *Page, 1)
	b.mu.Lock()
	if p, ok := b.pages[res.TargetID]; ok {
		b.mu.Unlock()
		return p, nil
	}
	if err, ok := b.initErrs[res.TargetID]; ok {
		b.mu.Unlock()
		return nil, fmt.Errorf("set up new page: %w", err)
	}
	b.waiting[res.TargetID] = ch
	b.mu.Unlock()
	select {
	case p := <-ch:
		b.mu.Lock()
		err := b.initErrs[res.TargetID]
		b.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("set up new page: %w", err)
		}
		return p, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	case <-b.conn.Done():
		return nil, b.conn.Err()
	}
}

// NewPage opens a tab in the default browser context.
func (b *Browser) NewPage(ctx context.Context) (*Page, error) { return b.newPageIn(ctx, "") }

// Pages lists the open, initialised pages.
func (b *Browser) Pages() []*Page {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]*Page, 0, len(b.pages))
	for _, id := range b.order {
		if p, ok := b.pages[id]; ok {
			out = append(out, p)
		}
	}
	return out
}

// DefaultContext is the browser's default context.
func (b *Browser) DefaultContext() *Context { return b.def }

// Version is the browser's product string ("HeadlessChrome/156.0.…").
func (b *Browser) Version(ctx context.Context) (string, error) {
	var v struct {
		Product string `json:"product"`
	}
	err := b.conn.Root().Call(ctx, "Browser.getVersion", nil, &v)
	return v.Product, err
}

// UserAgent is the browser's default user agent.
func (b *Browser) UserAgent(ctx context.Context) (string, error) {
	var v struct {
		UserAgent string `json:"userAgent"`
	}
	err := b.conn.Root().Call(ctx, "Browser.getVersion", nil, &v)
	return v.UserAgent, err
}

// Connected reports whether the connection to the browser is alive.
func (b *Browser) Connected() bool { return b.conn.Err() == nil }

// Done is closed when the browser connection has ended.
func (b *Browser) Done() <-chan struct{} { return b.conn.Done() }

// Close closes the browser: a graceful Browser.close, then the process
// group is killed and the profile removed. Safe to call more than once.
func (b *Browser) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	err := b.proc.Close(func(ctx context.Context) error {
		if b.conn.Err() != nil {
			return nil
		}
		return b.conn.Root().Call(ctx, "Browser.close", nil, nil)
	})
	_ = b.conn.Close()
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// Context is a browser context (an incognito-like profile partition).
type Context struct {
	browser *Browser
	id      string
}

// ID is the DevTools browser context id ("" for the default context).
func (c *Context) ID() string { return c.id }

// NewPage opens a tab in this context.
func (c *Context) NewPage(ctx context.Context) (*Page, error) { return c.browser.newPageIn(ctx, c.id) }
