package browser

import (
	"sort"
	"strings"
	"sync"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/network"

	cdpconn "github.com/skriptable/skriptable/internal/cdp"
)

// Request is one network request made by a page.
type Request struct {
	ID           string
	URL          string
	Method       string
	ResourceType string
	FrameID      string
	Navigation   bool // the request that loads a frame's document
	Headers      map[string]string
	PostData     string

	mu       sync.Mutex
	response *Response
	failure  string
	finished bool
}

// Response returns the request's response, or nil.
func (r *Request) Response() *Response {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.response
}

// Failure is the network error text ("net::ERR_CONNECTION_REFUSED"), if any.
func (r *Request) Failure() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failure
}

// Response is an HTTP response to a Request.
type Response struct {
	Request    *Request
	URL        string
	Status     int
	StatusText string
	Headers    map[string]string
	FromCache  bool
	RemoteIP   string
	RemotePort int
}

// OK reports a status in 200–299 (or 0, for non-HTTP loads), as Puppeteer.
func (r *Response) OK() bool { return r.Status == 0 || (r.Status >= 200 && r.Status <= 299) }

// networkManager pairs Network events into Requests and Responses.
type networkManager struct {
	page *Page

	mu       sync.Mutex
	requests map[string]*Request
	watchers map[int]func(*Request)
	nextW    int
}

func newNetworkManager(p *Page) *networkManager {
	return &networkManager{page: p, requests: map[string]*Request{}, watchers: map[int]func(*Request){}}
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

func (n *networkManager) subscribe(s *cdpconn.Session) {
	s.On("Network.requestWillBeSent", func(p jsonv2.Value) {
		var ev network.EventRequestWillBeSent
		if jsonv2.Unmarshal(p, &ev) != nil || ev.Request == nil {
			return
		}
		id := string(ev.RequestID)
		n.mu.Lock()
		prev := n.requests[id]
		n.mu.Unlock()
		if prev != nil && ev.RedirectResponse != nil {
			// The previous hop of a redirect chain ends with its 3xx response.
			prev.mu.Lock()
			prev.response = newResponse(prev, ev.RedirectResponse)
			prev.finished = true
			prev.mu.Unlock()
			n.notify(prev)
		}
		r := &Request{
			ID:           id,
			URL:          ev.Request.URL + ev.Request.URLFragment,
			Method:       ev.Request.Method,
			ResourceType: string(ev.Type),
			FrameID:      string(ev.FrameID),
			Navigation:   id == string(ev.LoaderID) && ev.Type == network.ResourceTypeDocument,
			Headers:      headerMap(ev.Request.Headers),
		}
		n.mu.Lock()
		n.requests[id] = r
		n.mu.Unlock()
		n.notify(r)
	})
	s.On("Network.responseReceived", func(p jsonv2.Value) {
		var ev network.EventResponseReceived
		if jsonv2.Unmarshal(p, &ev) != nil || ev.Response == nil {
			return
		}
		if r := n.request(string(ev.RequestID)); r != nil {
			r.mu.Lock()
			r.response = newResponse(r, ev.Response)
			r.mu.Unlock()
			n.notify(r)
		}
	})
	s.On("Network.loadingFinished", func(p jsonv2.Value) {
		var ev network.EventLoadingFinished
		if jsonv2.Unmarshal(p, &ev) != nil {
			return
		}
		if r := n.forget(string(ev.RequestID)); r != nil {
			r.mu.Lock()
			r.finished = true
			r.mu.Unlock()
			n.notify(r)
		}
	})
	s.On("Network.loadingFailed", func(p jsonv2.Value) {
		var ev network.EventLoadingFailed
		if jsonv2.Unmarshal(p, &ev) != nil {
			return
		}
		if r := n.forget(string(ev.RequestID)); r != nil {
			r.mu.Lock()
			r.failure = ev.ErrorText
			r.finished = true
			r.mu.Unlock()
			n.notify(r)
		}
	})
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

func newResponse(r *Request, res *network.Response) *Response {
	return &Response{
		Request:    r,
		URL:        res.URL,
		Status:     int(res.Status),
		StatusText: res.StatusText,
		Headers:    headerMap(res.Headers),
		FromCache:  res.FromDiskCache || res.FromServiceWorker || res.FromPrefetchCache,
		RemoteIP:   res.RemoteIPAddress,
		RemotePort: int(res.RemotePort),
	}
}

// headerMap lower-cases header names, as Puppeteer does.
func headerMap(h network.Headers) map[string]string {
	out := map[string]string{}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if s, ok := h[k].(string); ok {
			out[strings.ToLower(k)] = s
		}
	}
	return out
}
