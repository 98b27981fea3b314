package browser

import (
	"context"
	"sync"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"

	"github.com/skriptable/skriptable/internal/cdp"
)

// Worker is a dedicated web worker of a page (Puppeteer's WebWorker). Its
// JS runs in one execution context reached through the worker's own
// session; evaluation goes through a frame-like shell that is not part of
// the page's frame tree.
type Worker struct {
	page    *Page
	session *cdp.Session
	id      string
	url     string
	shell   *Frame
}

// URL is the worker script's URL.
func (w *Worker) URL() string { return w.url }

// Frame is the evaluation shell: Evaluate and EvaluateHandle on it run in
// the worker.
func (w *Worker) Frame() *Frame { return w.shell }

// Page is the page that started the worker.
func (w *Worker) Page() *Page { return w.page }

// Close ends a dedicated worker from inside (self.close()), as Puppeteer's
// WebWorker.close does; dedicated workers cannot be closed as targets.
func (w *Worker) Close(ctx context.Context) error {
	_, err := w.shell.Evaluate(ctx, `() => { self.close(); }`, nil)
	return err
}

// workerSet tracks a page's live workers by session id, in start order.
type workerSet struct {
	mu    sync.Mutex
	order []*Worker
}

// Workers lists the page's live dedicated workers.
func (p *Page) Workers() []*Worker {
	p.workers.mu.Lock()
	defer p.workers.mu.Unlock()
	return append([]*Worker(nil), p.workers.order...)
}

// attachWorker sets up a worker session: its one execution context is
// recorded, then the worker runs and "workercreated" is emitted.
func (p *Page) attachWorker(s *cdp.Session, targetID, url string) {
	w := &Worker{page: p, session: s, id: targetID, url: url}
	w.shell = &Frame{page: p, id: "worker:" + targetID, lifecycle: map[string]bool{}}
	w.shell.main = newWorld(s, w.shell)
	s.On("Runtime.executionContextCreated", func(raw jsonv2.Value) {
		var ev struct {
			Context struct {
				ID int64 `json:"id"`
			} `json:"context"`
		}
		if jsonv2.Unmarshal(raw, &ev) == nil {
			w.shell.main.setContext(ev.Context.ID)
		}
	})
	p.workers.mu.Lock()
	p.workers.order = append(p.workers.order, w)
	p.workers.mu.Unlock()
	p.events.emit(Event{Name: "workercreated", Worker: w})
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), childAttachTimeout)
		defer cancel()
		_ = s.Call(ctx, "Runtime.enable", nil, nil)
		_ = s.Call(ctx, "Runtime.runIfWaitingForDebugger", nil, nil)
	}()
}

// detachWorker reports whether the session was a worker's; if so the
// worker is dropped and "workerdestroyed" emitted.
func (p *Page) detachWorker(sessionID string) bool {
	p.workers.mu.Lock()
	var w *Worker
	for i, x := range p.workers.order {
		if string(x.session.ID()) == sessionID {
			w = x
			p.workers.order = append(p.workers.order[:i:i], p.workers.order[i+1:]...)
			break
		}
	}
	p.workers.mu.Unlock()
	if w == nil {
		return false
	}
	w.shell.mu.Lock()
	w.shell.detached = true
	w.shell.mu.Unlock()
	p.events.emit(Event{Name: "workerdestroyed", Worker: w})
	return true
}
