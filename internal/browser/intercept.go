package browser

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/network"

	cdpconn "github.com/skriptable/skriptable/internal/cdp"
)

// Request interception with Puppeteer's semantics (api/HTTPRequest.ts):
// a paused request is resolved once, by continue, abort or respond. Called
// without a priority these act at once ("legacy" mode); with a priority
// they only vote, and Finalize — run after the page's "request" listeners —
// applies the winning vote ("cooperative" mode).
//
// The state changes happen synchronously when the script calls (so
// isInterceptResolutionHandled() is true right after continue()); the
// returned func does the CDP call and may run off the loop.

// Intercept resolution actions, as Puppeteer names them.
const (
	ActionAbort          = "abort"
	ActionRespond        = "respond"
	ActionContinue       = "continue"
	ActionDisabled       = "disabled"
	ActionNone           = "none"
	ActionAlreadyHandled = "already-handled"
)

// ContinueOverrides are continue()'s overrides. Set says which were given.
type ContinueOverrides struct {
	URL, Method string
	PostData    string
	HasPostData bool
	Headers     []HeaderEntry // nil: not given
}

// HeaderEntry is one header with its value(s), in the order the script
// gave them.
type HeaderEntry struct {
	Name   string
	Values []string
}

// FulfillResponse is respond()'s response.
type FulfillResponse struct {
	Status      int // 0: 200
	Headers     []HeaderEntry
	ContentType string
	Body        []byte
	HasBody     bool
}

type interception struct {
	mu          sync.Mutex
	fetchID     string
	enabled     bool
	handled     bool
	action      string
	priority    float64
	hasPriority bool
	overrides   *ContinueOverrides
	response    *FulfillResponse
	abortReason string
}

func (i *interception) init(fetchID string, enabled bool) {
	i.fetchID, i.enabled, i.action = fetchID, enabled, ActionNone
}

// InterceptResolutionState is Puppeteer's interceptResolutionState():
// the action and, when one was voted with a priority, that priority.
func (r *Request) InterceptResolutionState() (action string, priority float64, hasPriority bool) {
	i := &r.intercept
	i.mu.Lock()
	defer i.mu.Unlock()
	switch {
	case !i.enabled:
		return ActionDisabled, 0, false
	case i.handled:
		return ActionAlreadyHandled, 0, false
	}
	return i.action, i.priority, i.hasPriority
}

// IsInterceptResolutionHandled reports whether continue, abort or respond
// has already been carried out.
func (r *Request) IsInterceptResolutionHandled() bool {
	r.intercept.mu.Lock()
	defer r.intercept.mu.Unlock()
	return r.intercept.handled
}

// ContinueRequestOverrides, ResponseForRequest and AbortErrorReason are the
// votes recorded in cooperative mode (nil / "" when none).
func (r *Request) ContinueRequestOverrides() *ContinueOverrides {
	r.intercept.mu.Lock()
	defer r.intercept.mu.Unlock()
	return r.intercept.overrides
}

func (r *Request) ResponseForRequest() *FulfillResponse {
	r.intercept.mu.Lock()
	defer r.intercept.mu.Unlock()
	return r.intercept.response
}

func (r *Request) AbortErrorReason() string {
	r.intercept.mu.Lock()
	defer r.intercept.mu.Unlock()
	return r.intercept.abortReason
}

// verify is Puppeteer's verifyInterception; the caller holds i.mu.
func (i *interception) verify() error {
	if !i.enabled {
		return errors.New("Request Interception is not enabled!")
	}
	if i.handled {
		return errors.New("Request is already handled!")
	}
	return nil
}

func (r *Request) canBeIntercepted() bool {
	return !strings.HasPrefix(r.URL, "data:") && !r.FromMemoryCache()
}

// Continue is request.continue(overrides, priority). A nil func with a nil
// error means there is nothing to send (a vote, or a request that cannot be
// intercepted).
func (r *Request) Continue(o ContinueOverrides, priority *float64) (func(context.Context) error, error) {
	i := &r.intercept
	i.mu.Lock()
	defer i.mu.Unlock()
	if err := i.verify(); err != nil {
		return nil, err
	}
	if !r.canBeIntercepted() {
		return nil, nil
	}
	if priority == nil {
		i.handled = true
		return func(ctx context.Context) error { return r.sendContinue(ctx, o) }, nil
	}
	i.overrides = &o
	switch {
	case !i.hasPriority || *priority > i.priority:
		i.action, i.priority, i.hasPriority = ActionContinue, *priority, true
	case *priority == i.priority && i.action != ActionAbort && i.action != ActionRespond:
		i.action = ActionContinue
	}
	return nil, nil
}

// Respond is request.respond(response, priority).
func (r *Request) Respond(resp FulfillResponse, priority *float64) (func(context.Context) error, error) {
	i := &r.intercept
	i.mu.Lock()
	defer i.mu.Unlock()
	if err := i.verify(); err != nil {
		return nil, err
	}
	if !r.canBeIntercepted() {
		return nil, nil
	}
	if priority == nil {
		i.handled = true
		return func(ctx context.Context) error { return r.sendRespond(ctx, resp) }, nil
	}
	i.response = &resp
	switch {
	case !i.hasPriority || *priority > i.priority:
		i.action, i.priority, i.hasPriority = ActionRespond, *priority, true
	case *priority == i.priority && i.action != ActionAbort:
		i.action = ActionRespond
	}
	return nil, nil
}

// abortReasons maps Puppeteer's error codes to Fetch.failRequest reasons.
var abortReasons = map[string]string{
	"aborted": "Aborted", "accessdenied": "AccessDenied", "addressunreachable": "AddressUnreachable",
	"blockedbyclient": "BlockedByClient", "blockedbyresponse": "BlockedByResponse",
	"connectionaborted": "ConnectionAborted", "connectionclosed": "ConnectionClosed",
	"connectionfailed": "ConnectionFailed", "connectionrefused": "ConnectionRefused",
	"connectionreset": "ConnectionReset", "internetdisconnected": "InternetDisconnected",
	"namenotresolved": "NameNotResolved", "timedout": "TimedOut", "failed": "Failed",
}

// Abort is request.abort(errorCode, priority); code "" means "failed".
func (r *Request) Abort(code string, priority *float64) (func(context.Context) error, error) {
	i := &r.intercept
	i.mu.Lock()
	defer i.mu.Unlock()
	if err := i.verify(); err != nil {
		return nil, err
	}
	if !r.canBeIntercepted() {
		return nil, nil
	}
	if code == "" {
		code = "failed"
	}
	reason, ok := abortReasons[code]
	if !ok {
		return nil, errors.New("Unknown error code: " + code)
	}
	if priority == nil {
		i.handled = true
		return func(ctx context.Context) error { return r.sendAbort(ctx, reason) }, nil
	}
	i.abortReason = reason
	if !i.hasPriority || *priority >= i.priority {
		i.action, i.priority, i.hasPriority = ActionAbort, *priority, true
	}
	return nil, nil
}

// Finalize carries out the winning cooperative vote, if any (Puppeteer's
// finalizeInterceptions). It returns nil when there is nothing to do.
func (r *Request) Finalize() func(context.Context) error {
	action, _, _ := r.InterceptResolutionState()
	i := &r.intercept
	i.mu.Lock()
	defer i.mu.Unlock()
	switch action {
	case ActionAbort:
		i.handled = true
		reason := i.abortReason
		return func(ctx context.Context) error { return r.sendAbort(ctx, reason) }
	case ActionRespond:
		i.handled = true
		resp := *i.response
		return func(ctx context.Context) error { return r.sendRespond(ctx, resp) }
	case ActionContinue:
		i.handled = true
		var o ContinueOverrides
		if i.overrides != nil {
			o = *i.overrides
		}
		return func(ctx context.Context) error { return r.sendContinue(ctx, o) }
	}
	return nil
}

type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func headersArray(hs []HeaderEntry) []nameValue {
	out := []nameValue{}
	for _, h := range hs {
		for _, v := range h.Values {
			out = append(out, nameValue{Name: h.Name, Value: v})
		}
	}
	return out
}

func (r *Request) fetchID() (string, error) {
	if r.intercept.fetchID == "" {
		return "", errors.New("HTTPRequest is missing _interceptionId needed for Fetch.continueRequest")
	}
	return r.intercept.fetchID, nil
}

func (r *Request) unhandle() {
	r.intercept.mu.Lock()
	r.intercept.handled = false
	r.intercept.mu.Unlock()
}

// interceptError is Puppeteer's handleError: bad headers or arguments
// reach the script; anything else (the request went away) is ignored.
func interceptError(err error) error {
	var pe *cdpconn.ProtocolError
	if !errors.As(err, &pe) {
		return nil
	}
	for _, s := range []string{"Invalid header", "Unsafe header", `Expected "header"`, "invalid argument"} {
		if strings.Contains(pe.Message, s) {
			return err
		}
	}
	return nil
}

func (r *Request) sendContinue(ctx context.Context, o ContinueOverrides) error {
	id, err := r.fetchID()
	if err != nil {
		return err
	}
	params := map[string]any{"requestId": id}
	if o.URL != "" {
		params["url"] = o.URL
	}
	if o.Method != "" {
		params["method"] = o.Method
	}
	if o.PostData != "" {
		params["postData"] = base64.StdEncoding.EncodeToString([]byte(o.PostData))
	}
	if o.Headers != nil {
		params["headers"] = headersArray(o.Headers)
	}
	if err := r.session.Call(ctx, "Fetch.continueRequest", params, nil); err != nil {
		r.unhandle()
		return interceptError(err)
	}
	return nil
}

func (r *Request) sendRespond(ctx context.Context, resp FulfillResponse) error {
	var hs []HeaderEntry
	seen := map[string]int{}
	set := func(name string, values []string) {
		if i, ok := seen[name]; ok {
			hs[i].Values = values
			return
		}
		seen[name] = len(hs)
		hs = append(hs, HeaderEntry{Name: name, Values: values})
	}
	for _, h := range resp.Headers {
		set(strings.ToLower(h.Name), h.Values)
	}
	if resp.ContentType != "" {
		set("content-type", []string{resp.ContentType})
	}
	if resp.HasBody && len(resp.Body) > 0 {
		if _, ok := seen["content-length"]; !ok {
			set("content-length", []string{fmt.Sprint(len(resp.Body))})
		}
	}
	status := resp.Status
	if status == 0 {
		status = 200
	}
	id := r.intercept.fetchID
	if id == "" {
		return errors.New("HTTPRequest is missing _interceptionId needed for Fetch.fulfillRequest")
	}
	params := map[string]any{
		"requestId":       id,
		"responseCode":    status,
		"responseHeaders": headersArray(hs),
	}
	if t, ok := statusTexts[status]; ok {
		params["responsePhrase"] = t
	}
	if resp.HasBody && len(resp.Body) > 0 {
		params["body"] = base64.StdEncoding.EncodeToString(resp.Body)
	}
	if err := r.session.Call(ctx, "Fetch.fulfillRequest", params, nil); err != nil {
		r.unhandle()
		return interceptError(err)
	}
	return nil
}

func (r *Request) sendAbort(ctx context.Context, reason string) error {
	id := r.intercept.fetchID
	if id == "" {
		return errors.New("HTTPRequest is missing _interceptionId needed for Fetch.failRequest")
	}
	err := r.session.Call(ctx, "Fetch.failRequest", map[string]any{"requestId": id, "errorReason": reason}, nil)
	return interceptError(err)
}

// fetchPaused is the part of Fetch.requestPaused that we use.
type fetchPaused struct {
	RequestID    string           `json:"requestId"`
	NetworkID    string           `json:"networkId"`
	FrameID      string           `json:"frameId"`
	ResourceType string           `json:"resourceType"`
	Request      *network.Request `json:"request"`
}

// patchHeaders adds the paused request's headers (Accept, Origin, …) to
// the requestWillBeSent event's.
func patchHeaders(ev *network.EventRequestWillBeSent, fp *fetchPaused) {
	if fp.Request == nil {
		return
	}
	h := network.Headers{}
	for k, v := range ev.Request.Headers {
		h[k] = v
	}
	for k, v := range fp.Request.Headers {
		h[k] = v
	}
	ev.Request.Headers = h
}

// background runs a CDP call that a dispatcher handler must not wait for.
func background(s *cdpconn.Session, method string, params any) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Call(ctx, method, params, nil)
	}()
}

func (n *networkManager) subscribeFetch(s *cdpconn.Session) {
	s.On("Fetch.requestPaused", func(p jsonv2.Value) {
		var fp fetchPaused
		if jsonv2.Unmarshal(p, &fp) != nil || fp.Request == nil {
			return
		}
		if !n.userIntercepting() {
			// Interception is on only for authenticate().
			background(s, "Fetch.continueRequest", map[string]string{"requestId": fp.RequestID})
			return
		}
		if fp.NetworkID == "" {
			// No Network events will come (e.g. some service-worker
			// loads): report it for the script to resolve anyway.
			ev := &network.EventRequestWillBeSent{
				RequestID: network.RequestID(fp.RequestID), Request: fp.Request,
				Type: network.ResourceType(fp.ResourceType),
			}
			ev.FrameID = cdp.FrameID(fp.FrameID)
			n.onRequest(s, ev, fp.RequestID, false)
			return
		}
		n.mu.Lock()
		wbs := n.willBeSent[fp.NetworkID]
		if wbs != nil && (wbs.Request.URL != fp.Request.URL || wbs.Request.Method != fp.Request.Method) {
			wbs = nil // a stale hop of a redirect chain
		}
		delete(n.willBeSent, fp.NetworkID)
		if wbs == nil {
			n.paused[fp.NetworkID] = &fp
		}
		n.mu.Unlock()
		if wbs != nil {
			patchHeaders(wbs, &fp)
			n.onRequest(s, wbs, fp.RequestID, false)
		}
	})
	s.On("Fetch.authRequired", func(p jsonv2.Value) {
		var ev struct {
			RequestID string `json:"requestId"`
		}
		if jsonv2.Unmarshal(p, &ev) != nil {
			return
		}
		n.mu.Lock()
		resp := map[string]string{"response": "Default"}
		switch c := n.settings.credentials; {
		case n.attemptedAut[ev.RequestID]:
			resp["response"] = "CancelAuth"
		case c != nil:
			resp = map[string]string{"response": "ProvideCredentials", "username": c.Username, "password": c.Password}
			n.attemptedAut[ev.RequestID] = true
		}
		n.mu.Unlock()
		background(s, "Fetch.continueWithAuth", map[string]any{"requestId": ev.RequestID, "authChallengeResponse": resp})
	})
}

// PendingInterceptions describes the intercepted requests that the script
// has neither continued, aborted nor answered ("GET http://…"), oldest
// first, so that a run that hangs on one can say which.
func (p *Page) PendingInterceptions() []string {
	n := p.network
	n.mu.Lock()
	reqs := make([]*Request, 0, len(n.requests))
	for _, r := range n.requests {
		reqs = append(reqs, r)
	}
	n.mu.Unlock()
	sort.Slice(reqs, func(i, j int) bool { return reqs[i].seq < reqs[j].seq })
	var out []string
	for _, r := range reqs {
		r.intercept.mu.Lock()
		pending := r.intercept.enabled && r.intercept.fetchID != "" && !r.intercept.handled
		r.intercept.mu.Unlock()
		if pending {
			out = append(out, r.Method+" "+r.URL)
		}
	}
	return out
}

// statusTexts are the reason phrases Puppeteer sends with respond().
var statusTexts = map[int]string{
	100: "Continue", 101: "Switching Protocols", 102: "Processing", 103: "Early Hints",
	200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content",
	205: "Reset Content", 206: "Partial Content", 207: "Multi-Status", 208: "Already Reported", 226: "IM Used",
	300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
	305: "Use Proxy", 306: "Switch Proxy", 307: "Temporary Redirect", 308: "Permanent Redirect",
	400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
	405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Timeout",
	409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed", 413: "Payload Too Large",
	414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed",
	418: "I'm a teapot", 421: "Misdirected Request", 422: "Unprocessable Entity", 423: "Locked",
	424: "Failed Dependency", 425: "Too Early", 426: "Upgrade Required", 428: "Precondition Required",
	429: "Too Many Requests", 431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
	500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
	504: "Gateway Timeout", 505: "HTTP Version Not Supported", 506: "Variant Also Negotiates",
	507: "Insufficient Storage", 508: "Loop Detected", 510: "Not Extended", 511: "Network Authentication Required",
}
