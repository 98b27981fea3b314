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

// ctxKey finds a world by execution context id or unique id. Context ids
// are numbered per renderer process, so the session (one per process for
// out-of-process iframes) is part of the key.
type ctxKey struct {
	s      *cdpconn.Session
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

// ensure returns the frame with id, creating it (in session s) if needed.
// A new frame is announced as "frameattached".
func (m *frameManager) ensure(s *cdpconn.Session, id, parentID string) *Frame {
	m.mu.Lock()
	if f, ok := m.frames[id]; ok {
		m.mu.Unlock()
		return f
	}
	f := &Frame{page: m.page, id: id, parentID: parentID, lifecycle: map[string]bool{}}
	f.main = newWorld(s, f)
	m.frames[id] = f
	m.order = append(m.order, id)
	if parentID == "" {
		m.mainID = id
	}
	m.mu.Unlock()
	if parentID != "" {
		m.page.events.emit(Event{Name: "frameattached", Frame: f})
	}
	return f
}

// subscribe installs the CDP handlers on the page's own session. Call
// before Page.enable.
func (m *frameManager) subscribe() { m.subscribeSession(m.session) }

// subscribeSession installs the frame handlers on s: the page session or
// the session of an out-of-process iframe, whose frames join the same
// tree. Call before Page.enable on s.
func (m *frameManager) subscribeSession(s *cdpconn.Session) {
	on := func(method string, fn func(jsonv2.Value)) {
		s.On(method, func(p jsonv2.Value) { fn(p); m.notify() })
	}
	on("Page.frameAttached", func(p jsonv2.Value) {
		var ev page.EventFrameAttached
		if jsonv2.Unmarshal(p, &ev) == nil {
			f := m.ensure(s, string(ev.FrameID), string(ev.ParentFrameID))
			// A frame that comes back from another process (it navigated
			// to this session's site again) is driven through s again.
			f.main.setSession(s)
		}
	})
	on("Page.frameNavigated", func(p jsonv2.Value) {
		var ev page.EventFrameNavigated
		if jsonv2.Unmarshal(p, &ev) == nil && ev.Frame != nil {
			m.navigated(s, ev.Frame, ev.Type == page.NavigationTypeBackForwardCacheRestore)
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
				m.page.events.emit(Event{Name: "framenavigated", Frame: f})
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
		if f.main.sess() != s {
			return // the frame lives in another process now
		}
		f.main.setContext(ev.Context.ID)
		m.mu.Lock()
		m.contexts[ctxKey{s: s, id: ev.Context.ID}] = f.main
		if ev.Context.UniqueID != "" {
			m.contexts[ctxKey{s: s, unique: ev.Context.UniqueID}] = f.main
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
		w := m.contexts[ctxKey{s: s, id: ev.ID}]
		delete(m.contexts, ctxKey{s: s, id: ev.ID})
		if ev.UniqueID != "" {
			delete(m.contexts, ctxKey{s: s, unique: ev.UniqueID})
			delete(m.uniqueToID, ev.UniqueID)
		}
		m.mu.Unlock()
		if w != nil && w.sess() == s {
			if id, _ := w.current(); id == ev.ID {
				w.setContext(0)
			}
		}
	})
	on("Runtime.executionContextsCleared", func(jsonv2.Value) {
		m.mu.Lock()
		var ws []*world
		for k, w := range m.contexts {
			if k.s == s {
				ws = append(ws, w)
				delete(m.contexts, k)
			}
		}
		m.mu.Unlock()
		for _, w := range ws {
			if w.sess() == s {
				w.setContext(0)
			}
		}
	})
}

// load seeds the frame tree from Page.getFrameTree of session s. parent
// is the root's parent frame: "" for a page, the owner frame for an
// out-of-process iframe.
func (m *frameManager) load(s *cdpconn.Session, tree *page.FrameTree, parent string) {
	if tree == nil || tree.Frame == nil {
		return
	}
	f := m.ensure(s, string(tree.Frame.ID), parent)
	f.mu.Lock()
	f.url = tree.Frame.URL + tree.Frame.URLFragment
	f.name = tree.Frame.Name
	f.loaderID = string(tree.Frame.LoaderID)
	f.mu.Unlock()
	for _, c := range tree.ChildFrames {
		m.load(s, c, string(tree.Frame.ID))
	}
	m.notify()
}

// navigated records a committed navigation. A page restored from the
// back/forward cache fires no lifecycle events (its document had loaded
// long ago), so it counts as a new document that reached every event;
// Puppeteer answers such history navigations with a null response.
func (m *frameManager) navigated(s *cdpconn.Session, fr *cdp.Frame, fromCache bool) {
	f := m.ensure(s, string(fr.ID), string(fr.ParentID))
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
	m.page.events.emit(Event{Name: "framenavigated", Frame: f})
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
		m.page.events.emit(Event{Name: "framedetached", Frame: f})
	}
}
