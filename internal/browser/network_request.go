package browser

import (
	"context"
	"encoding/base64"
	"errors"
	"sort"
	"strings"
	"sync"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/network"

	cdpconn "github.com/skriptable/skriptable/internal/cdp"
)

// Request is one network request made by a page (Puppeteer's HTTPRequest).
// Each hop of a redirect chain is its own Request, as in Puppeteer; they
// share the DevTools request id.
type Request struct {
	ID           string
	URL          string
	Method       string
	ResourceType string // Puppeteer's lower-case name: "document", "xhr", …
	FrameID      string
	Navigation   bool // the request that loads a frame's document
	PostData     string
	HasPostData  bool
	// Initiator is DevTools' Network.Initiator object as JSON (nil if none).
	Initiator jsonv2.Value

	page      *Page
	seq       uint64 // creation order within the page
	session   *cdpconn.Session
	chain     *redirectChain
	intercept interception // see intercept.go

	mu         sync.Mutex
	headers    map[string]string
	response   *Response
	failure    string
	finished   bool
	fromMemory bool
}

// redirectChain is shared by every hop of one redirect chain, as
// Puppeteer shares one array between them.
type redirectChain struct {
	mu   sync.Mutex
	hops []*Request
}

// Headers returns a copy of the request headers (names lower-cased).
func (r *Request) Headers() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]string, len(r.headers))
	for k, v := range r.headers {
		out[k] = v
	}
	return out
}

func (r *Request) updateHeaders(h network.Headers) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, v := range h {
		if s, ok := v.(string); ok {
			r.headers[strings.ToLower(k)] = s
		}
	}
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

// RedirectChain lists the requests that redirected to this one (for the
// last hop) or, for an earlier hop, the hops recorded so far.
func (r *Request) RedirectChain() []*Request {
	r.chain.mu.Lock()
	defer r.chain.mu.Unlock()
	return append([]*Request(nil), r.chain.hops...)
}

// FetchPostData asks the browser for the request's body (for bodies too
// large to come with the request); ok is false when it has none.
func (r *Request) FetchPostData(ctx context.Context) (string, bool) {
	var res struct {
		PostData string `json:"postData"`
	}
	if err := r.session.Call(ctx, "Network.getRequestPostData", map[string]string{"requestId": r.ID}, &res); err != nil {
		return "", false
	}
	return res.PostData, true
}

// Frame is the frame that made the request, or nil when it is gone.
func (r *Request) Frame() *Frame { return r.page.frames.frame(r.FrameID) }

// FromMemoryCache reports whether the request was served from the memory
// cache (Network.requestServedFromCache).
func (r *Request) FromMemoryCache() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fromMemory
}

// Response is an HTTP response to a Request.
type Response struct {
	Request           *Request
	URL               string
	Status            int
	StatusText        string
	FromDiskCache     bool
	FromServiceWorker bool
	RemoteIP          string
	RemotePort        int
	// Security is the TLS summary for https responses, nil otherwise.
	Security *SecurityDetails
	// Timing is DevTools' ResourceTiming object as JSON (nil if none).
	Timing jsonv2.Value

	mu       sync.Mutex
	headers  map[string]string
	bodyDone chan struct{} // closed when the body is loaded (or never will be)
	bodyErr  error
}

// SecurityDetails is the TLS summary of an https response.
type SecurityDetails struct {
	SubjectName, Issuer, Protocol string
	ValidFrom, ValidTo            float64
	SubjectAlternativeNames       []string
}

// OK reports a status in 200–299 (or 0, for non-HTTP loads), as Puppeteer.
func (r *Response) OK() bool { return r.Status == 0 || (r.Status >= 200 && r.Status <= 299) }

// FromCache reports a response from the disk or memory cache.
func (r *Response) FromCache() bool { return r.FromDiskCache || r.Request.FromMemoryCache() }

// Headers returns a copy of the response headers (names lower-cased).
func (r *Response) Headers() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]string, len(r.headers))
	for k, v := range r.headers {
		out[k] = v
	}
	return out
}

func (r *Response) resolveBody(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case <-r.bodyDone:
	default:
		r.bodyErr = err
		close(r.bodyDone)
	}
}

// Body waits until the response has loaded and returns its bytes (what
// Puppeteer's response.content() resolves to).
func (r *Response) Body(ctx context.Context) ([]byte, error) {
	select {
	case <-r.bodyDone:
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	r.mu.Lock()
	err := r.bodyErr
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var res struct {
		Body          string `json:"body"`
		Base64Encoded bool   `json:"base64Encoded"`
	}
	err = r.Request.session.Call(ctx, "Network.getResponseBody", map[string]string{"requestId": r.Request.ID}, &res)
	if err != nil {
		var pe *cdpconn.ProtocolError
		if errors.As(err, &pe) && strings.Contains(pe.Message, "No resource with given identifier found") {
			return nil, errors.New("Could not load response body for this request. This might happen if the request is a preflight request.")
		}
		return nil, err
	}
	if res.Base64Encoded {
		return base64.StdEncoding.DecodeString(res.Body)
	}
	return []byte(res.Body), nil
}

func postData(req *network.Request) string {
	var b strings.Builder
	for _, e := range req.PostDataEntries {
		if e != nil {
			b.Write(e.Bytes)
		}
	}
	return b.String()
}

func newResponse(r *Request, res *network.Response, extra *network.EventResponseReceivedExtraInfo) *Response {
	resp := &Response{
		Request:           r,
		URL:               r.URL,
		Status:            int(res.Status),
		StatusText:        res.StatusText,
		FromDiskCache:     res.FromDiskCache,
		FromServiceWorker: res.FromServiceWorker,
		RemoteIP:          res.RemoteIPAddress,
		RemotePort:        int(res.RemotePort),
		headers:           lowerHeaders(res.Headers),
		bodyDone:          make(chan struct{}),
	}
	if extra != nil {
		resp.Status = int(extra.StatusCode)
		resp.headers = lowerHeaders(extra.Headers)
		if t := statusTextFromHeadersText(extra.HeadersText); t != "" {
			resp.StatusText = t
		}
	}
	if sd := res.SecurityDetails; sd != nil {
		resp.Security = &SecurityDetails{
			SubjectName: sd.SubjectName, Issuer: sd.Issuer, Protocol: sd.Protocol,
			SubjectAlternativeNames: append([]string(nil), sd.SanList...),
		}
		resp.Security.ValidFrom = float64(sd.ValidFrom)
		resp.Security.ValidTo = float64(sd.ValidTo)
	}
	return resp
}

// statusTextFromHeadersText takes "Not Found" from "HTTP/1.1 404 Not Found".
func statusTextFromHeadersText(s string) string {
	first, _, _ := strings.Cut(s, "\r")
	if first == "" || len(first) > 1000 {
		return ""
	}
	parts := strings.SplitN(first, " ", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}

// lowerHeaders lower-cases header names, as Puppeteer does.
func lowerHeaders(h network.Headers) map[string]string {
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
