package browser

import (
	"context"
	"fmt"
	"time"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"

	cdpconn "github.com/skriptable/skriptable/internal/cdp"
)

// netSettings are the page's network overrides (Puppeteer's
// NetworkManager state). Each is nil/unset until the script sets it, so
// nothing is sent for settings a script never touched. They apply to every
// session the manager follows: the page's and its out-of-process frames'.
type netSettings struct {
	userIntercept     bool
	protocolIntercept *bool
	credentials       *Credentials
	cacheDisabled     *bool
	offline           *bool
	extraHeaders      map[string]string // nil: never set
	userAgent         *userAgentOverride
}

type userAgentOverride struct {
	ua       string
	metadata jsonv2.Value
	platform string
}

// Credentials are page.authenticate's HTTP credentials.
type Credentials struct{ Username, Password string }

func (n *networkManager) userIntercepting() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.settings.userIntercept
}

// live lists the followed sessions that are still attached.
func (n *networkManager) live() []*cdpconn.Session {
	n.mu.Lock()
	defer n.mu.Unlock()
	kept := n.sessions[:0]
	for _, s := range n.sessions {
		if s.Err() == nil {
			kept = append(kept, s)
		}
	}
	n.sessions = kept
	return append([]*cdpconn.Session(nil), kept...)
}

// applyAll runs apply on every live session, concurrently, and returns the
// first error.
func (n *networkManager) applyAll(ctx context.Context, apply func(context.Context, *cdpconn.Session) error) error {
	ss := n.live()
	errs := make(chan error, len(ss))
	for _, s := range ss {
		go func() { errs <- apply(ctx, s) }()
	}
	var first error
	for range ss {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// applySettings sends every override set so far to a newly followed
// session (an out-of-process frame's), as Puppeteer's addClient does; call
// it while the target is still paused.
func (n *networkManager) applySettings(ctx context.Context, s *cdpconn.Session) error {
	for _, apply := range []func(context.Context, *cdpconn.Session) error{
		n.applyExtraHeaders, n.applyOffline, n.applyCache, n.applyInterception, n.applyUserAgent,
	} {
		if err := apply(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// SetRequestInterception turns request interception on or off: every
// request then waits for continue, abort or respond.
func (p *Page) SetRequestInterception(ctx context.Context, on bool) error {
	return p.wrapErr(ctx, p.network.setProtocolInterception(ctx, func(st *netSettings) { st.userIntercept = on }))
}

// Authenticate sets (or, with nil, clears) the credentials answered to
// HTTP authentication challenges.
func (p *Page) Authenticate(ctx context.Context, c *Credentials) error {
	return p.wrapErr(ctx, p.network.setProtocolInterception(ctx, func(st *netSettings) { st.credentials = c }))
}

// setProtocolInterception updates the settings and enables the Fetch
// domain when the script intercepts or authenticates, as Puppeteer does,
// and disables it otherwise.
func (n *networkManager) setProtocolInterception(ctx context.Context, update func(*netSettings)) error {
	n.mu.Lock()
	update(&n.settings)
	enabled := n.settings.userIntercept || n.settings.credentials != nil
	if n.settings.protocolIntercept != nil && *n.settings.protocolIntercept == enabled {
		n.mu.Unlock()
		return nil
	}
	n.settings.protocolIntercept = &enabled
	if n.settings.cacheDisabled == nil {
		f := false
		n.settings.cacheDisabled = &f
	}
	n.mu.Unlock()
	return n.applyAll(ctx, n.applyInterception)
}

func (n *networkManager) applyInterception(ctx context.Context, s *cdpconn.Session) error {
	n.mu.Lock()
	pi := n.settings.protocolIntercept
	n.mu.Unlock()
	if pi == nil {
		return nil
	}
	if err := n.applyCache(ctx, s); err != nil {
		return err
	}
	if *pi {
		return s.Call(ctx, "Fetch.enable", map[string]any{
			"handleAuthRequests": true,
			"patterns":           []map[string]string{{"urlPattern": "*"}},
		}, nil)
	}
	return s.Call(ctx, "Fetch.disable", nil, nil)
}

func (n *networkManager) applyCache(ctx context.Context, s *cdpconn.Session) error {
	n.mu.Lock()
	d := n.settings.cacheDisabled
	n.mu.Unlock()
	if d == nil {
		return nil
	}
	return s.Call(ctx, "Network.setCacheDisabled", map[string]bool{"cacheDisabled": *d}, nil)
}

// SetExtraHTTPHeaders sends headers (names lower-cased) with every request.
func (p *Page) SetExtraHTTPHeaders(ctx context.Context, headers map[string]string) error {
	h := make(map[string]string, len(headers))
	for k, v := range headers {
		h[lower(k)] = v
	}
	n := p.network
	n.mu.Lock()
	n.settings.extraHeaders = h
	n.mu.Unlock()
	return p.wrapErr(ctx, n.applyAll(ctx, n.applyExtraHeaders))
}

func (n *networkManager) applyExtraHeaders(ctx context.Context, s *cdpconn.Session) error {
	n.mu.Lock()
	h := n.settings.extraHeaders
	n.mu.Unlock()
	if h == nil {
		return nil
	}
	return s.Call(ctx, "Network.setExtraHTTPHeaders", map[string]any{"headers": h}, nil)
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// SetUserAgent overrides the user agent; metadata is DevTools'
// UserAgentMetadata as JSON (nil: none) and platform may be "".
func (p *Page) SetUserAgent(ctx context.Context, ua string, metadata jsonv2.Value, platform string) error {
	n := p.network
	n.mu.Lock()
	n.settings.userAgent = &userAgentOverride{ua: ua, metadata: metadata, platform: platform}
	n.mu.Unlock()
	return p.wrapErr(ctx, n.applyAll(ctx, n.applyUserAgent))
}

func (n *networkManager) applyUserAgent(ctx context.Context, s *cdpconn.Session) error {
	n.mu.Lock()
	o := n.settings.userAgent
	n.mu.Unlock()
	if o == nil {
		return nil
	}
	params := map[string]any{"userAgent": o.ua}
	if len(o.metadata) > 0 {
		params["userAgentMetadata"] = o.metadata
	}
	if o.platform != "" {
		params["platform"] = o.platform
	}
	return s.Call(ctx, "Network.setUserAgentOverride", params, nil)
}

// SetCacheEnabled turns the HTTP cache on or off for the page.
func (p *Page) SetCacheEnabled(ctx context.Context, enabled bool) error {
	n := p.network
	n.mu.Lock()
	d := !enabled
	n.settings.cacheDisabled = &d
	n.mu.Unlock()
	return p.wrapErr(ctx, n.applyAll(ctx, n.applyCache))
}

// SetOfflineMode emulates a lost network connection.
func (p *Page) SetOfflineMode(ctx context.Context, offline bool) error {
	n := p.network
	n.mu.Lock()
	n.settings.offline = &offline
	n.mu.Unlock()
	return p.wrapErr(ctx, n.applyAll(ctx, n.applyOffline))
}

func (n *networkManager) applyOffline(ctx context.Context, s *cdpconn.Session) error {
	n.mu.Lock()
	o := n.settings.offline
	n.mu.Unlock()
	if o == nil {
		return nil
	}
	return s.Call(ctx, "Network.emulateNetworkConditions", map[string]any{
		"offline": *o, "latency": 0, "uploadThroughput": -1, "downloadThroughput": -1,
	}, nil)
}

// NetworkIdleOptions are waitForNetworkIdle's options.
type NetworkIdleOptions struct {
	IdleTime    time.Duration // Puppeteer's default is 500 ms
	Timeout     time.Duration // 0: no timeout
	Concurrency int           // requests allowed in flight while idle
}

// inflight counts requests reported to the script that have neither an
// answer nor an end yet (Puppeteer counts a request done at its response).
func (n *networkManager) inflightCount() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.inflight)
}

// WaitForNetworkIdle waits until no more than o.Concurrency requests have
// been in flight for o.IdleTime.
func (p *Page) WaitForNetworkIdle(ctx context.Context, o NetworkIdleOptions) error {
	changed := make(chan struct{}, 1)
	unwatch := p.network.watch(func(*Request) {
		select {
		case changed <- struct{}{}:
		default:
		}
	})
	defer unwatch()
	var deadline <-chan time.Time
	if o.Timeout > 0 {
		t := time.NewTimer(o.Timeout)
		defer t.Stop()
		deadline = t.C
	}
	idle := time.NewTimer(o.IdleTime)
	defer idle.Stop()
	busy := p.network.inflightCount() > o.Concurrency
	if busy {
		idle.Stop()
	}
	for {
		select {
		case <-changed:
			now := p.network.inflightCount() > o.Concurrency
			if now != busy {
				busy = now
				idle.Stop()
				if !busy {
					idle.Reset(o.IdleTime)
				}
			}
		case <-idle.C:
			return nil
		case <-deadline:
			return &TimeoutError{Msg: fmt.Sprintf("Timed out after waiting %dms", o.Timeout.Milliseconds())}
		case <-p.session.Done():
			return PageClosedError("Page closed!")
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// PageClosedError ends a wait because its page closed; it is a
// TargetCloseError for scripts.
type PageClosedError string

func (e PageClosedError) Error() string { return string(e) }

// Is makes errors.Is(err, cdp.ErrTargetClosed) hold.
func (e PageClosedError) Is(target error) bool { return target == cdpconn.ErrTargetClosed }
