package browser

import (
	"context"
	"sync"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// Targets with Puppeteer 24's semantics (browser.targets(), target
// events). The registry is fed by target discovery on the root session
// (Target.targetCreated / targetInfoChanged / targetDestroyed). As in
// Puppeteer, a target is exposed (listed, reported by "targetcreated")
// once it is usable: a page target when its Page is set up, others at
// once; tab targets and typed sub-targets (prerender) never are. The
// browser's own target comes first.

// Target is one DevTools target: the browser, a page, an out-of-process
// iframe, a worker.
type Target struct {
	b  *Browser
	id string

	mu        sync.Mutex
	typ       string // CDP type: "page", "iframe", "worker", "service_worker", …
	subtype   string
	url       string
	openerID  string
	contextID string
	page      *Page // page targets, once set up
	exposed   bool
	gone      bool
}

// targetSet is the browser's registry (see Browser.targets).
type targetSet struct {
	mu     sync.Mutex
	byID   map[string]*Target
	order  []*Target // exposed targets, in exposure order
	events *emitter  // "targetcreated", "targetchanged", "targetdestroyed"
}

type targetInfo struct {
	TargetID         string `json:"targetId"`
	Type             string `json:"type"`
	Subtype          string `json:"subtype"`
	URL              string `json:"url"`
	OpenerID         string `json:"openerId"`
	BrowserContextID string `json:"browserContextId"`
}

// TargetEvents is the emitter of the browser's target events; each
// Event has Target set. Listeners run on the CDP dispatcher.
func (b *Browser) TargetEvents() *emitter {
	b.targets.mu.Lock()
	defer b.targets.mu.Unlock()
	if b.targets.events == nil {
		b.targets.events = newEmitter()
	}
	return b.targets.events
}

// discoverTargets subscribes the registry to the root session's discovery
// events and records the browser's own target. Call before
// Target.setDiscoverTargets.
func (b *Browser) discoverTargets(ctx context.Context) error {
	root := b.conn.Root()
	b.TargetEvents()
	on := func(method string, fn func(targetInfo)) {
		root.On(method, func(raw jsonv2.Value) {
			var ev struct {
				TargetInfo targetInfo `json:"targetInfo"`
			}
			if jsonv2.Unmarshal(raw, &ev) == nil {
				fn(ev.TargetInfo)
			}
		})
	}
	on("Target.targetCreated", b.onTargetCreated)
	on("Target.targetInfoChanged", b.onTargetInfoChanged)
	root.On("Target.targetDestroyed", func(raw jsonv2.Value) {
		var ev struct {
			TargetID string `json:"targetId"`
		}
		if jsonv2.Unmarshal(raw, &ev) == nil {
			b.targetGone(ev.TargetID)
		}
	})
	var self struct {
		TargetInfo targetInfo `json:"targetInfo"`
	}
	if err := root.Call(ctx, "Target.getTargetInfo", nil, &self); err != nil {
		return err
	}
	b.onTargetCreated(self.TargetInfo)
	return nil
}

func (b *Browser) onTargetCreated(info targetInfo) {
	if info.TargetID == "" {
		return
	}
	ts := &b.targets
	ts.mu.Lock()
	t, ok := ts.byID[info.TargetID]
	if !ok {
		if ts.byID == nil {
			ts.byID = map[string]*Target{}
		}
		t = &Target{b: b, id: info.TargetID}
		ts.byID[info.TargetID] = t
	}
	ts.mu.Unlock()
	t.update(info)
	// Pages are exposed when set up (exposePage); hidden kinds never.
	if info.Type != "page" && info.Type != "tab" && info.Subtype == "" {
		b.exposeTarget(t)
	}
}

func (t *Target) update(info targetInfo) (urlChanged bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	urlChanged = t.url != info.URL
	t.typ, t.subtype, t.url, t.openerID = info.Type, info.Subtype, info.URL, info.OpenerID
	t.contextID = info.BrowserContextID
	return urlChanged
}

func (b *Browser) onTargetInfoChanged(info targetInfo) {
	b.targets.mu.Lock()
	t := b.targets.byID[info.TargetID]
	b.targets.mu.Unlock()
	if t == nil {
		b.onTargetCreated(info)
		return
	}
	changed := t.update(info)
	t.mu.Lock()
	exposed := t.exposed && !t.gone
	t.mu.Unlock()
	if changed && exposed {
		b.targets.events.emit(Event{Name: "targetchanged", Target: t})
	}
}

// exposePage lists a set-up page's target and reports it.
func (b *Browser) exposePage(p *Page) {
	b.targets.mu.Lock()
	t := b.targets.byID[p.targetID]
	if t == nil && p.IsClosed() {
		b.targets.mu.Unlock()
		return // destroyed while it was being set up
	}
	if t == nil {
		// Set up before its discovery event was handled: make it now.
		if b.targets.byID == nil {
			b.targets.byID = map[string]*Target{}
		}
		t = &Target{b: b, id: p.targetID, typ: "page", contextID: p.bctx.id}
		b.targets.byID[p.targetID] = t
	}
	b.targets.mu.Unlock()
	t.mu.Lock()
	t.page = p
	t.mu.Unlock()
	b.exposeTarget(t)
}

func (b *Browser) exposeTarget(t *Target) {
	t.mu.Lock()
	if t.exposed || t.gone {
		t.mu.Unlock()
		return
	}
	t.exposed = true
	t.mu.Unlock()
	b.targets.mu.Lock()
	b.targets.order = append(b.targets.order, t)
	b.targets.mu.Unlock()
	b.targets.events.emit(Event{Name: "targetcreated", Target: t})
}

// targetGone drops a target (destroyed, or its page detached) and reports
// it if it was exposed.
func (b *Browser) targetGone(id string) {
	ts := &b.targets
	ts.mu.Lock()
	t := ts.byID[id]
	delete(ts.byID, id)
	for i, x := range ts.order {
		if x.id == id {
			ts.order = append(ts.order[:i:i], ts.order[i+1:]...)
			break
		}
	}
	ts.mu.Unlock()
	if t == nil {
		return
	}
	t.mu.Lock()
	was := t.exposed && !t.gone
	t.gone = true
	t.mu.Unlock()
	if was {
		ts.events.emit(Event{Name: "targetdestroyed", Target: t})
	}
}

// Targets lists the exposed targets: the browser's first, then in the
// order they became available.
func (b *Browser) Targets() []*Target {
	b.targets.mu.Lock()
	defer b.targets.mu.Unlock()
	return append([]*Target(nil), b.targets.order...)
}

// BrowserTarget is the browser's own target (nil if unknown).
func (b *Browser) BrowserTarget() *Target {
	for _, t := range b.Targets() {
		if t.Type() == "browser" {
			return t
		}
	}
	return nil
}

// Targets lists the context's exposed targets.
func (c *Context) Targets() []*Target {
	var out []*Target
	for _, t := range c.browser.Targets() {
		if t.Context() == c {
			out = append(out, t)
		}
	}
	return out
}

// Target is the page's target.
func (p *Page) Target() *Target {
	p.browser.targets.mu.Lock()
	t := p.browser.targets.byID[p.targetID]
	p.browser.targets.mu.Unlock()
	if t == nil {
		// Already dropped: a detached shell that still answers.
		t = &Target{b: p.browser, id: p.targetID, typ: "page", page: p, contextID: p.bctx.id, gone: true}
	}
	return t
}

// ID is the DevTools target id.
func (t *Target) ID() string { return t.id }

// Type is Puppeteer's TargetType: page, background_page, service_worker,
// shared_worker, browser, webview, tab or other (iframes and dedicated
// workers are "other", as in Puppeteer).
func (t *Target) Type() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch t.typ {
	case "page", "background_page", "service_worker", "shared_worker", "browser", "webview", "tab":
		return t.typ
	}
	return "other"
}

// URL is the target's current URL.
func (t *Target) URL() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.url
}

// Page is the page of a page target (nil for other kinds, or before the
// page is set up).
func (t *Target) Page() *Page {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.page
}

// Opener is the target that opened this one (window.open), if it is
// still listed.
func (t *Target) Opener() *Target {
	t.mu.Lock()
	id := t.openerID
	t.mu.Unlock()
	if id == "" {
		return nil
	}
	for _, o := range t.b.Targets() {
		if o.id == id {
			return o
		}
	}
	return nil
}

// Browser is the browser the target belongs to.
func (t *Target) Browser() *Browser { return t.b }

// Context is the target's browser context (the default one for the
// browser's own target).
func (t *Target) Context() *Context {
	t.mu.Lock()
	id := t.contextID
	p := t.page
	t.mu.Unlock()
	if p != nil {
		return p.bctx
	}
	return t.b.context(id)
}
