package browser

import (
	"errors"
	"strings"
	"sync"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/network"

	cdpconn "github.com/skriptable/skriptable/internal/cdp"
)

// networkManager turns Network and Fetch events into Requests and
// Responses and emits Puppeteer's page events for them, in Puppeteer's
// order: request → response → requestfinished | requestfailed, and for a
// redirect the hop's response and requestfinished before the next hop's
// request.
type networkManager struct {
	page *Page

	mu       sync.Mutex
	requests map[string]*Request // by network request id, live ones
	watchers map[int]func(*Request)
	nextW    int

	// Events kept until their partner arrives (see intercept.go for the
	// Fetch side).
	willBeSent   map[string]*network.EventRequestWillBeSent // interception on: waiting for Fetch.requestPaused
	paused       map[string]*fetchPaused                    // Fetch.requestPaused waiting for requestWillBeSent
	reqExtra     map[string][]network.Headers
	respExtra    map[string][]*network.EventResponseReceivedExtraInfo
	groups       map[string]*queuedResponse
	redirects    map[string][]*queuedRedirect // FIFO: hops waiting for extra info
	inflight     map[*Request]bool            // for waitForNetworkIdle: emitted, not yet answered
	seq          uint64
	sessions     []*cdpconn.Session // followed: the page's, then OOPIFs' (see applySettings)
	settings     netSettings
	attemptedAut map[string]bool
}

func newNetworkManager(p *Page) *networkManager {
	return &networkManager{
		page: p, requests: map[string]*Request{}, watchers: map[int]func(*Request){},
		willBeSent: map[string]*network.EventRequestWillBeSent{}, paused: map[string]*fetchPaused{},
		reqExtra: map[string][]network.Headers{}, respExtra: map[string][]*network.EventResponseReceivedExtraInfo{},
		groups: map[string]*queuedResponse{}, redirects: map[string][]*queuedRedirect{},
		inflight: map[*Request]bool{}, attemptedAut: map[string]bool{},
	}
}

// watch calls fn (on the dispatcher goroutine) whenever a request is
// created, answered, finished or failed.
func (n *networkManager) watch(fn func(*Request)) (unwatch func()) {
	n.mu.Lock()
	id := n.nextW
	n.nextW++
	n.watchers[id] = fn
	n.mu.Unlock()
	return func() {
		n.mu.Lock()
		delete(n.watchers, id)
		n.mu.Unlock()
	}
}

func (n *networkManager) notify(r *Request) {
	n.mu.Lock()
	ws := make([]func(*Request), 0, len(n.watchers))
	for _, w := range n.watchers {
		ws = append(ws, w)
	}
	n.mu.Unlock()
	for _, w := range ws {
		w(r)
	}
}

// emit reports a request event to watchers and page listeners and keeps
// the in-flight count that waitForNetworkIdle follows.
func (n *networkManager) emit(name string, r *Request, resp *Response) {
	n.mu.Lock()
	if name == "request" {
		n.inflight[r] = true
	} else {
		delete(n.inflight, r)
	}
	n.mu.Unlock()
	n.notify(r)
	n.page.events.emit(Event{Name: name, Request: r, Response: resp})
}

func (n *networkManager) subscribe(s *cdpconn.Session) {
	n.mu.Lock()
	n.sessions = append(n.sessions, s)
	n.mu.Unlock()
	on := func(method string, fn func(jsonv2.Value)) { s.On(method, fn) }
	on("Network.requestWillBeSent", func(p jsonv2.Value) {
		var ev network.EventRequestWillBeSent
		if jsonv2.Unmarshal(p, &ev) != nil || ev.Request == nil {
			return
		}
		if len(ev.Request.PostDataEntries) == 0 {
			// cdproto dropped the deprecated request.postData; Chromium
			// still sends it when there are no entries.
			var raw struct {
				Request struct {
					PostData string `json:"postData"`
				} `json:"request"`
			}
			if jsonv2.Unmarshal(p, &raw) == nil && raw.Request.PostData != "" {
				ev.Request.PostDataEntries = []*network.PostDataEntry{{Bytes: []byte(raw.Request.PostData)}}
			}
		}
		n.onRequestWillBeSent(s, &ev)
	})
	on("Network.requestWillBeSentExtraInfo", func(p jsonv2.Value) {
		var ev network.EventRequestWillBeSentExtraInfo
		if jsonv2.Unmarshal(p, &ev) != nil {
			return
		}
		id := string(ev.RequestID)
		if r := n.request(id); r != nil {
			r.updateHeaders(ev.Headers)
			return
		}
		n.mu.Lock()
		n.reqExtra[id] = append(n.reqExtra[id], ev.Headers)
		n.mu.Unlock()
	})
	on("Network.requestServedFromCache", func(p jsonv2.Value) {
		var ev network.EventRequestServedFromCache
		if jsonv2.Unmarshal(p, &ev) != nil {
			return
		}
		id := string(ev.RequestID)
		r := n.request(id)
		if r == nil {
			// Interception was on and no Fetch.requestPaused will come:
			// memory-cache hits are not intercepted.
			n.mu.Lock()
			wbs := n.willBeSent[id]
			delete(n.willBeSent, id)
			n.mu.Unlock()
			if wbs != nil {
				r = n.onRequest(s, wbs, "", true)
			}
		}
		if r != nil {
			r.mu.Lock()
			r.fromMemory = true
			r.mu.Unlock()
			n.page.events.emit(Event{Name: "requestservedfromcache", Request: r})
		}
	})
	on("Network.responseReceived", func(p jsonv2.Value) {
		var ev network.EventResponseReceived
		if jsonv2.Unmarshal(p, &ev) != nil || ev.Response == nil {
			return
		}
		var raw struct {
			Response struct {
				Timing jsonv2.Value `json:"timing"`
			} `json:"response"`
		}
		_ = jsonv2.Unmarshal(p, &raw)
		n.onResponseReceived(&queuedResponse{ev: &ev, timing: raw.Response.Timing})
	})
	on("Network.responseReceivedExtraInfo", func(p jsonv2.Value) {
		var ev network.EventResponseReceivedExtraInfo
		if jsonv2.Unmarshal(p, &ev) != nil {
			return
		}
		n.onResponseExtraInfo(s, &ev)
	})
	on("Network.loadingFinished", func(p jsonv2.Value) {
		var ev network.EventLoadingFinished
		if jsonv2.Unmarshal(p, &ev) != nil {
			return
		}
		id := string(ev.RequestID)
		n.mu.Lock()
		if g := n.groups[id]; g != nil {
			g.finished = true
			n.mu.Unlock()
			return
		}
		n.mu.Unlock()
		n.emitLoadingEnd(id, "")
	})
	on("Network.loadingFailed", func(p jsonv2.Value) {
		var ev network.EventLoadingFailed
		if jsonv2.Unmarshal(p, &ev) != nil {
			return
		}
		id := string(ev.RequestID)
		text := ev.ErrorText
		if text == "" {
			text = "net::ERR_FAILED"
		}
		n.mu.Lock()
		if g := n.groups[id]; g != nil {
			g.failed = text
			n.mu.Unlock()
			return
		}
		n.mu.Unlock()
		n.emitLoadingEnd(id, text)
	})
	n.subscribeFetch(s)
}

// queuedResponse is a responseReceived event waiting, like the loading
// events after it, for its responseReceivedExtraInfo (as Puppeteer waits,
// so that the response carries the raw headers and status).
type queuedResponse struct {
	ev       *network.EventResponseReceived
	timing   jsonv2.Value
	finished bool
	failed   string
}

type queuedRedirect struct {
	ev      *network.EventRequestWillBeSent
	fetchID string
}

func (n *networkManager) onResponseReceived(q *queuedResponse) {
	id := string(q.ev.RequestID)
	r := n.request(id)
	var extra *network.EventResponseReceivedExtraInfo
	if r != nil && !r.FromMemoryCache() && q.ev.HasExtraInfo {
		extra = n.takeRespExtra(id)
		if extra == nil {
			n.mu.Lock()
			n.groups[id] = q
			n.mu.Unlock()
			return
		}
	}
	n.emitResponse(q, extra)
}

func (n *networkManager) emitResponse(q *queuedResponse, extra *network.EventResponseReceivedExtraInfo) {
	r := n.request(string(q.ev.RequestID))
	if r == nil {
		return
	}
	if q.ev.Response.FromDiskCache {
		extra = nil // Chromium's extra info is wrong for cached responses
	}
	resp := newResponse(r, q.ev.Response, extra)
	if len(q.timing) > 0 {
		resp.Timing = q.timing
	}
	r.mu.Lock()
	r.response = resp
	r.mu.Unlock()
	n.emit("response", r, resp)
}

func (n *networkManager) onResponseExtraInfo(s *cdpconn.Session, ev *network.EventResponseReceivedExtraInfo) {
	id := string(ev.RequestID)
	n.mu.Lock()
	if qs := n.redirects[id]; len(qs) > 0 {
		q := qs[0]
		if len(qs) == 1 {
			delete(n.redirects, id)
		} else {
			n.redirects[id] = qs[1:]
		}
		n.respExtra[id] = append(n.respExtra[id], ev)
		n.mu.Unlock()
		n.onRequest(s, q.ev, q.fetchID, false)
		return
	}
	if g := n.groups[id]; g != nil {
		delete(n.groups, id)
		n.mu.Unlock()
		n.emitResponse(g, ev)
		switch {
		case g.finished:
			n.emitLoadingEnd(id, "")
		case g.failed != "":
			n.emitLoadingEnd(id, g.failed)
		}
		return
	}
	n.respExtra[id] = append(n.respExtra[id], ev)
	n.mu.Unlock()
}

// emitLoadingEnd ends a request: "requestfinished", or "requestfailed"
// with failure set.
func (n *networkManager) emitLoadingEnd(id, failure string) {
	r := n.forget(id)
	// Nothing more comes for this id: drop whatever still waits for a
	// partner, so unpaired events cannot pile up over a long run.
	n.mu.Lock()
	delete(n.respExtra, id)
	delete(n.reqExtra, id)
	delete(n.willBeSent, id)
	delete(n.paused, id)
	delete(n.redirects, id)
	n.mu.Unlock()
	if r == nil {
		return
	}
	r.mu.Lock()
	r.finished = true
	r.failure = failure
	resp := r.response
	r.mu.Unlock()
	if resp != nil {
		resp.resolveBody(nil)
	}
	if failure != "" {
		n.emit("requestfailed", r, nil)
		return
	}
	n.emit("requestfinished", r, nil)
}

func (n *networkManager) onRequestWillBeSent(s *cdpconn.Session, ev *network.EventRequestWillBeSent) {
	if n.userIntercepting() && !strings.HasPrefix(ev.Request.URL, "data:") {
		id := string(ev.RequestID)
		n.mu.Lock()
		n.willBeSent[id] = ev
		fp := n.paused[id]
		if fp != nil {
			delete(n.paused, id)
			delete(n.willBeSent, id)
		}
		n.mu.Unlock()
		if fp != nil {
			patchHeaders(ev, fp)
			n.onRequest(s, ev, fp.RequestID, false)
		}
		return
	}
	n.onRequest(s, ev, "", false)
}

// onRequest creates the Request for ev (ending the previous hop first when
// ev is a redirect) and emits "request".
func (n *networkManager) onRequest(s *cdpconn.Session, ev *network.EventRequestWillBeSent, fetchID string, fromMemory bool) *Request {
	id := string(ev.RequestID)
	chain := &redirectChain{}
	if ev.RedirectResponse != nil {
		var extra *network.EventResponseReceivedExtraInfo
		if ev.RedirectHasExtraInfo {
			// The hop's response and requestfinished must come first, and
			// they wait for the hop's extra info; so does this request.
			if extra = n.takeRespExtra(id); extra == nil {
				n.mu.Lock()
				n.redirects[id] = append(n.redirects[id], &queuedRedirect{ev: ev, fetchID: fetchID})
				n.mu.Unlock()
				return nil
			}
		}
		if prev := n.request(id); prev != nil {
			resp := newResponse(prev, ev.RedirectResponse, extra)
			resp.resolveBody(errors.New("Response body is unavailable for redirect responses"))
			prev.mu.Lock()
			prev.response = resp
			prev.finished = true
			prev.mu.Unlock()
			prev.chain.mu.Lock()
			prev.chain.hops = append(prev.chain.hops, prev)
			prev.chain.mu.Unlock()
			chain = prev.chain
			n.forget(id)
			n.emit("response", prev, resp)
			n.emit("requestfinished", prev, nil)
		}
	}
	r := &Request{
		ID:           id,
		URL:          ev.Request.URL + ev.Request.URLFragment,
		Method:       ev.Request.Method,
		ResourceType: strings.ToLower(string(ev.Type)),
		FrameID:      string(ev.FrameID),
		Navigation:   id == string(ev.LoaderID) && ev.Type == network.ResourceTypeDocument,
		PostData:     postData(ev.Request),
		HasPostData:  ev.Request.HasPostData,
		page:         n.page,
		session:      s,
		chain:        chain,
		headers:      lowerHeaders(ev.Request.Headers),
		fromMemory:   fromMemory,
	}
	if r.ResourceType == "" {
		r.ResourceType = "other"
	}
	if ev.Initiator != nil {
		r.Initiator, _ = jsonv2.Marshal(ev.Initiator)
	}
	r.intercept.init(fetchID, n.userIntercepting())
	n.mu.Lock()
	n.seq++
	r.seq = n.seq
	extras := n.reqExtra[id]
	delete(n.reqExtra, id)
	n.requests[id] = r
	n.mu.Unlock()
	for _, h := range extras {
		r.updateHeaders(h)
	}
	n.emit("request", r, nil)
	return r
}

func (n *networkManager) takeRespExtra(id string) *network.EventResponseReceivedExtraInfo {
	n.mu.Lock()
	defer n.mu.Unlock()
	q := n.respExtra[id]
	if len(q) == 0 {
		return nil
	}
	n.respExtra[id] = q[1:]
	if len(q) == 1 {
		delete(n.respExtra, id)
	}
	return q[0]
}

func (n *networkManager) request(id string) *Request {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.requests[id]
}

func (n *networkManager) forget(id string) *Request {
	n.mu.Lock()
	defer n.mu.Unlock()
	r := n.requests[id]
	delete(n.requests, id)
	return r
}
