package browser

import (
	"sync"

	"github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/page"

	cdpconn "github.com/skriptable/skriptable/internal/cdp"
)

// Frame is one frame of a page: the main frame or an iframe.
type Frame struct {
	page *Page
	id   string
	main *world

	mu                sync.Mutex
	parentID          string
	url               string
	name              string
	loaderID          string
	lifecycle         map[string]bool
	hasStartedLoading bool
	detached          bool
	sameDocNavs       int // count of navigatedWithinDocument events
}

// ID is the DevTools frame id.
func (f *Frame) ID() string { return f.id }

// Page is the page the frame belongs to.
func (f *Frame) Page() *Page { return f.page }

// URL is the frame's current URL.
func (f *Frame) URL() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.url
}

// Name is the frame's name attribute.
func (f *Frame) Name() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.name
}

// Detached reports whether the frame was removed from the page.
func (f *Frame) Detached() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.detached
}

// ParentFrame is the parent frame, or nil for the main frame.
func (f *Frame) ParentFrame() *Frame {
	f.mu.Lock()
	pid := f.parentID
	f.mu.Unlock()
	if pid == "" {
		return nil
	}
	return f.page.frames.frame(pid)
}

// ChildFrames lists the frame's child frames in attach order.
func (f *Frame) ChildFrames() []*Frame { return f.page.frames.children(f.id) }

func (f *Frame) hasLifecycle(events []string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range events {
		if !f.lifecycle[e] {
			return false
		}
	}
	return true
}

// ctxKey finds a world by execution context id or unique id.
type ctxKey struct {
	id     int64
	unique string
}

// frameManager tracks a page's frame tree, lifecycle events and execution
// contexts from CDP events. Its handlers run on the page session's
// dispatcher goroutine; watchers are notified after every change.
type frameManager struct {
	page    *Page
	session *cdpconn.Session

	mu         sync.Mutex
	frames     map[string]*Frame
	order      []string // attach order, for childFrames and frames()
	mainID     string
	contexts   map[ctxKey]*world
	uniqueToID map[string]int64
	watchers   map[int]func()
	nextW      int
}

func newFrameManager(p *Page, s *cdpconn.Session) *frameManager {
	return &frameManager{page: p, session: s, frames: map[string]*Frame{}, contexts: map[ctxKey]*world{}, uniqueToID: map[string]int64{}, watchers: map[int]func(){}}
}

// watch registers fn to run after every frame, lifecycle or context
// change. fn runs on the dispatcher goroutine and must not block.
func (m *frameManager) watch(fn func()) (unwatch func()) {
	m.mu.Lock()
	id := m.nextW
	m.nextW++
	m.watchers[id] = fn
	m.mu.Unlock()
	return func() {
		m.mu.Lock()
		delete(m.watchers, id)
		m.mu.Unlock()
	}
}

func (m *frameManager) notify() {
	m.mu.Lock()
	ws := make([]func(), 0, len(m.watchers))
	for _, w := range m.watchers {
		ws = append(ws, w)
	}
	m.mu.Unlock()
	for _, w := range ws {
		w()
	}
}

func (m *frameManager) frame(id string) *Frame {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.frames[id]
}

func (m *frameManager) mainFrame() *Frame {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.frames[m.mainID]
}

func (m *frameManager) all() []*Frame {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*Frame, 0, len(m.order))
	for _, id := range m.order {
		if f := m.frames[id]; f != nil {
			out = append(out, f)
		}
	}
	return out
}

func (m *frameManager) children(id string) []*Frame {
	var out []*Frame
	for _, f := range m.all() {
		f.mu.Lock()
		pid := f.parentID
		f.mu.Unlock()
		if pid == id {
			out = append(out, f)
		}
	}
	return out
}

// ensure returns the frame with id, creating it if needed.
func (m *frameManager) ensure(id, parentID string) *Frame {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f, ok := m.frames[id]; ok {
		return f
	}
	f := &Frame{page: m.page, id: id, parentID: parentID, lifecycle: map[string]bool{}}
	f.main = newWorld(m.session, f)
	m.frames[id] = f
	m.order = append(m.order, id)
	if parentID == "" {
		m.mainID = id
	}
	return f
}

// subscribe installs the CDP handlers. Call before Page.enable.
func (m *frameManager) subscribe() {
	s := m.session
	on := func(method string, fn func(jsonv2.Value)) {
		s.On(method, func(p jsonv2.Value) { fn(p); m.notify() })
	}
	on("Page.frameAttached", func(p jsonv2.Value) {
		var ev page.EventFrameAttached
		if jsonv2.Unmarshal(p, &ev) == nil {
			m.ensure(string(ev.FrameID), string(ev.ParentFrameID))
		}
	})
	on("Page.frameNavigated", func(p jsonv2.Value) {
		var ev page.EventFrameNavigated
		if jsonv2.Unmarshal(p, &ev) == nil && ev.Frame != nil {
			m.navigated(ev.Frame, ev.Type == page.NavigationTypeBackForwardCacheRestore)
		}
	})
	on("Page.navigatedWithinDocument", func(p jsonv2.Value) {
		var ev page.EventNavigatedWithinDocument
		if jsonv2.Unmarshal(p, &ev) == nil {
			if f := m.frame(string(ev.FrameID)); f != nil {
				f.mu.Lock()
				f.url = ev.URL
				f.sameDocNavs++
				f.mu.Unlock()
			}
		}
	})
	on("Page.frameDetached", func(p jsonv2.Value) {
		var ev page.EventFrameDetached
		if jsonv2.Unmarshal(p, &ev) == nil && ev.Reason != page.FrameDetachedReasonSwap {
			m.detach(string(ev.FrameID))
		}
	})
	on("Page.frameStartedLoading", func(p jsonv2.Value) {
		var ev page.EventFrameStartedLoading
		if jsonv2.Unmarshal(p, &ev) == nil {
			if f := m.frame(string(ev.FrameID)); f != nil {
				f.mu.Lock()
				f.hasStartedLoading = true
				f.mu.Unlock()
			}
		}
	})
	on("Page.frameStoppedLoading", func(p jsonv2.Value) {
		var ev page.EventFrameStoppedLoading
		if jsonv2.Unmarshal(p, &ev) == nil {
			if f := m.frame(string(ev.FrameID)); f != nil {
				f.mu.Lock()
				f.lifecycle["DOMContentLoaded"] = true
				f.lifecycle["load"] = true
				f.mu.Unlock()
			}
		}
	})
	on("Page.lifecycleEvent", func(p jsonv2.Value) {
		var ev page.EventLifecycleEvent
		if jsonv2.Unmarshal(p, &ev) != nil {
			return
		}
		f := m.frame(string(ev.FrameID))
		if f == nil {
			return
		}
		f.mu.Lock()
		if ev.Name == "init" {
			f.loaderID = string(ev.LoaderID)
			f.lifecycle = map[string]bool{}
		}
		f.lifecycle[ev.Name] = true
		f.mu.Unlock()
	})
	on("Runtime.executionContextCreated", func(p jsonv2.Value) {
		var ev struct {
			Context struct {
				ID       int64  `json:"id"`
				UniqueID string `json:"uniqueId"`
				AuxData  struct {
					FrameID   string `json:"frameId"`
					IsDefault bool   `json:"isDefault"`
				} `json:"auxData"`
			} `json:"context"`
		}
		if jsonv2.Unmarshal(p, &ev) != nil || !ev.Context.AuxData.IsDefault {
			return
		}
		f := m.frame(ev.Context.AuxData.FrameID)
		if f == nil {
			return
		}
		f.main.setContext(ev.Context.ID)
		m.mu.Lock()
		m.contexts[ctxKey{id: ev.Context.ID}] = f.main
		if ev.Context.UniqueID != "" {
			m.contexts[ctxKey{unique: ev.Context.UniqueID}] = f.main
			m.uniqueToID[ev.Context.UniqueID] = ev.Context.ID
		}
		m.mu.Unlock()
	})
	on("Runtime.executionContextDestroyed", func(p jsonv2.Value) {
		// Chromium sends executionContextId; newer protocols only the
		// unique id. Accept either.
		var ev struct {
			ID       int64  `json:"executionContextId"`
			UniqueID string `json:"executionContextUniqueId"`
		}
		if jsonv2.Unmarshal(p, &ev) != nil {
			return
		}
		m.mu.Lock()
		if ev.ID == 0 {
			ev.ID = m.uniqueToID[ev.UniqueID]
		}
		w := m.contexts[ctxKey{id: ev.ID}]
		delete(m.contexts, ctxKey{id: ev.ID})
		if ev.UniqueID != "" {
			delete(m.contexts, ctxKey{unique: ev.UniqueID})
			delete(m.uniqueToID, ev.UniqueID)
		}
		m.mu.Unlock()
		if w != nil {
			if id, _ := w.current(); id == ev.ID {
				w.setContext(0)
			}
		}
	})
	on("Runtime.executionContextsCleared", func(jsonv2.Value) {
		m.mu.Lock()
		ws := m.contexts
		m.contexts = map[ctxKey]*world{}
		m.uniqueToID = map[string]int64{}
		m.mu.Unlock()
		for _, w := range ws {
			w.setContext(0)
		}
	})
}

// load seeds the frame tree from Page.getFrameTree.
func (m *frameManager) load(tree *page.FrameTree, parent string) {
	if tree == nil || tree.Frame == nil {
		return
	}
	f := m.ensure(string(tree.Frame.ID), parent)
	f.mu.Lock()
	f.url = tree.Frame.URL + tree.Frame.URLFragment
	f.name = tree.Frame.Name
	f.loaderID = string(tree.Frame.LoaderID)
	f.mu.Unlock()
	for _, c := range tree.ChildFrames {
		m.load(c, string(tree.Frame.ID))
	}
	m.notify()
}

// navigated records a committed navigation. A page restored from the
// back/forward cache fires no lifecycle events (its document had loaded
// long ago), so it counts as a new document that reached every event;
// Puppeteer answers such history navigations with a null response.
func (m *frameManager) navigated(fr *cdp.Frame, fromCache bool) {
	f := m.ensure(string(fr.ID), string(fr.ParentID))
	// A navigation replaces the frame's subtree.
	for _, c := range m.children(f.id) {
		m.detach(c.id)
	}
	f.mu.Lock()
	f.url = fr.URL + fr.URLFragment
	f.name = fr.Name
	if fromCache {
		f.loaderID = string(fr.LoaderID)
		f.lifecycle = map[string]bool{}
		for _, e := range []string{"init", "commit", "DOMContentLoaded", "load", "networkAlmostIdle", "networkIdle"} {
			f.lifecycle[e] = true
		}
	}
	f.mu.Unlock()
}

func (m *frameManager) detach(id string) {
	for _, c := range m.children(id) {
		m.detach(c.id)
	}
	m.mu.Lock()
	f := m.frames[id]
	delete(m.frames, id)
	for i, o := range m.order {
		if o == id {
			m.order = append(m.order[:i], m.order[i+1:]...)
			break
		}
	}
	m.mu.Unlock()
	if f != nil {
		f.mu.Lock()
		f.detached = true
		f.mu.Unlock()
		f.main.setContext(0)
	}
}
