package browser

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/skriptable/skriptable/internal/cdp"
)

// lifecycleNames maps Puppeteer's waitUntil values to CDP lifecycle events
// (the mapping of Puppeteer's own LifecycleWatcher).
var lifecycleNames = map[string]string{
	"load":             "load",
	"domcontentloaded": "DOMContentLoaded",
	"networkidle0":     "networkIdle",
	"networkidle2":     "networkAlmostIdle",
}

// ParseWaitUntil checks waitUntil values and maps them to CDP events. An
// empty list means "load".
func ParseWaitUntil(values []string) ([]string, error) {
	if len(values) == 0 {
		values = []string{"load"}
	}
	out := make([]string, 0, len(values))
	for _, v := range values {
		e, ok := lifecycleNames[v]
		if !ok {
			return nil, fmt.Errorf("Unknown value for options.waitUntil: %s", v)
		}
		out = append(out, e)
	}
	return out, nil
}

// navWatcher follows one frame while it navigates: whether the requested
// lifecycle events fired (for the frame and every child frame that started
// loading), whether a new document committed or a same-document navigation
// happened, and which request loaded the document.
type navWatcher struct {
	frame    *Frame
	events   []string
	initial  string // loader id when the watch began
	changed  chan struct{}
	unwatchF func()
	unwatchN func()

	initialSame int // frame.sameDocNavs when the watch began

	mu     sync.Mutex
	navReq *Request
}

func (p *Page) watchNavigation(f *Frame, events []string) *navWatcher {
	f.mu.Lock()
	initial, initialSame := f.loaderID, f.sameDocNavs
	f.mu.Unlock()
	w := &navWatcher{frame: f, events: events, initial: initial, initialSame: initialSame, changed: make(chan struct{}, 1)}
	w.unwatchF = p.frames.watch(w.poke)
	w.unwatchN = p.network.watch(func(r *Request) {
		if r.FrameID == f.id && r.Navigation {
			w.mu.Lock()
			w.navReq = r
			w.mu.Unlock()
		}
		w.poke()
	})
	return w
}

func (w *navWatcher) poke() {
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

func (w *navWatcher) close() {
	w.unwatchF()
	w.unwatchN()
}

// lifecycleDone reports whether the frame tree reached the events.
func (w *navWatcher) lifecycleDone() bool { return treeReached(w.frame, w.events) }

func treeReached(f *Frame, events []string) bool {
	if !f.hasLifecycle(events) {
		return false
	}
	for _, c := range f.ChildFrames() {
		c.mu.Lock()
		started := c.hasStartedLoading
		c.mu.Unlock()
		if started && !treeReached(c, events) {
			return false
		}
	}
	return true
}

func (w *navWatcher) newDocument() bool {
	w.frame.mu.Lock()
	defer w.frame.mu.Unlock()
	return w.frame.loaderID != w.initial
}

func (w *navWatcher) sameDocument() bool {
	w.frame.mu.Lock()
	defer w.frame.mu.Unlock()
	return w.frame.sameDocNavs != w.initialSame
}

// wait blocks until done() holds, the frame detaches, or ctx ends.
func (w *navWatcher) wait(ctx context.Context, done func() bool) error {
	for {
		if w.frame.Detached() {
			return errors.New("Navigating frame was detached")
		}
		if done() {
			return nil
		}
		select {
		case <-w.changed:
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-w.frame.page.session.Done():
			return w.frame.page.closedErr()
		}
	}
}

// response waits for the response of the document request, if there was
// one, and returns it (nil for about:blank, same-document or failed loads).
func (w *navWatcher) response(ctx context.Context) (*Response, error) {
	err := w.wait(ctx, func() bool {
		w.mu.Lock()
		r := w.navReq
		w.mu.Unlock()
		if r == nil {
			return true
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.response != nil || r.finished
	})
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.navReq == nil {
		return nil, nil
	}
	return w.navReq.Response(), nil
}

// NavigateOptions are the options of goto and waitForNavigation.
type NavigateOptions struct {
	WaitUntil []string      // Puppeteer names; empty means "load"
	Timeout   time.Duration // 0 waits forever
	Referer   string
}

// navTimeout wraps ctx with the navigation timeout; when it fires the
// cause is a TimeoutError in Puppeteer's words.
func navTimeout(ctx context.Context, d time.Duration, detail string) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	msg := fmt.Sprintf("Navigation timeout of %d ms exceeded", d.Milliseconds())
	if detail != "" {
		msg += " " + detail
	}
	return context.WithTimeoutCause(ctx, d, &TimeoutError{Msg: msg})
}

func describeWaitUntil(values []string) string {
	if len(values) == 0 {
		values = []string{"load"}
	}
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = `"` + v + `"`
	}
	return strings.Join(q, ", ")
}

// Goto navigates the frame and waits as Puppeteer's Frame.goto does.
func (f *Frame) Goto(ctx context.Context, url string, opts NavigateOptions) (*Response, error) {
	events, err := ParseWaitUntil(opts.WaitUntil)
	if err != nil {
		return nil, err
	}
	p := f.page
	ctx, cancel := navTimeout(ctx, opts.Timeout,
		fmt.Sprintf("(waiting for %s of %s)", describeWaitUntil(opts.WaitUntil), url))
	defer cancel()
	w := p.watchNavigation(f, events)
	defer w.close()

	var res struct {
		LoaderID  string `json:"loaderId"`
		ErrorText string `json:"errorText"`
	}
	params := map[string]any{"url": url, "frameId": f.id}
	if opts.Referer != "" {
		params["referrer"] = opts.Referer
	}
	navErr := f.main.sess().Call(ctx, "Page.navigate", params, &res)
	switch {
	case errors.Is(navErr, cdp.ErrTargetClosed) && f.ParentFrame() != nil:
		// An out-of-process iframe navigating back to its parent's site
		// loses its session before the answer; the navigation goes on
		// in the parent's process (Puppeteer ignores this error too).
		res.LoaderID = "moved"
	case navErr != nil:
		return nil, p.wrapErr(ctx, navErr)
	}
	if res.ErrorText != "" && res.ErrorText != "net::ERR_HTTP_RESPONSE_CODE_FAILURE" {
		return nil, fmt.Errorf("%s at %s", res.ErrorText, url)
	}
	newDoc := res.LoaderID != ""
	err = w.wait(ctx, func() bool {
		if !w.lifecycleDone() {
			return false
		}
		if newDoc {
			return w.newDocument()
		}
		return w.sameDocument()
	})
	if err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	resp, err := w.response(ctx)
	return resp, p.wrapErr(ctx, err)
}

// WaitForNavigation waits for the frame's next navigation to finish.
func (f *Frame) WaitForNavigation(ctx context.Context, opts NavigateOptions) (*Response, error) {
	events, err := ParseWaitUntil(opts.WaitUntil)
	if err != nil {
		return nil, err
	}
	p := f.page
	ctx, cancel := navTimeout(ctx, opts.Timeout, "")
	defer cancel()
	w := p.watchNavigation(f, events)
	defer w.close()
	err = w.wait(ctx, func() bool {
		return w.lifecycleDone() && (w.newDocument() || w.sameDocument())
	})
	if err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	resp, err := w.response(ctx)
	return resp, p.wrapErr(ctx, err)
}

// Reload reloads the page and waits like goto.
func (p *Page) Reload(ctx context.Context, opts NavigateOptions) (*Response, error) {
	return p.navigateBy(ctx, opts, func(ctx context.Context) error {
		return p.session.Call(ctx, "Page.reload", nil, nil)
	})
}

// GoHistory goes delta entries back (-1) or forward (1) in history. With
// no such entry it fails as Puppeteer 24 does (older versions returned
// null).
func (p *Page) GoHistory(ctx context.Context, delta int, opts NavigateOptions) (*Response, error) {
	var hist struct {
		CurrentIndex int `json:"currentIndex"`
		Entries      []struct {
			ID int64 `json:"id"`
		} `json:"entries"`
	}
	if err := p.session.Call(ctx, "Page.getNavigationHistory", nil, &hist); err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	i := hist.CurrentIndex + delta
	if i < 0 || i >= len(hist.Entries) {
		return nil, errors.New("History entry to navigate to not found.")
	}
	return p.navigateBy(ctx, opts, func(ctx context.Context) error {
		return p.session.Call(ctx, "Page.navigateToHistoryEntry", map[string]int64{"entryId": hist.Entries[i].ID}, nil)
	})
}

// navigateBy starts a navigation with start and waits for it like
// waitForNavigation (the watcher is in place before start runs).
func (p *Page) navigateBy(ctx context.Context, opts NavigateOptions, start func(context.Context) error) (*Response, error) {
	events, err := ParseWaitUntil(opts.WaitUntil)
	if err != nil {
		return nil, err
	}
	f := p.MainFrame()
	ctx, cancel := navTimeout(ctx, opts.Timeout, "")
	defer cancel()
	w := p.watchNavigation(f, events)
	defer w.close()
	if err := start(ctx); err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	err = w.wait(ctx, func() bool { return w.lifecycleDone() && (w.newDocument() || w.sameDocument()) })
	if err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	resp, err := w.response(ctx)
	return resp, p.wrapErr(ctx, err)
}
