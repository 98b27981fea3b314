package browser

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// eventLog records network events of a page as "name url" lines.
type eventLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *eventLog) attach(p *Page, base string) {
	for _, name := range []string{"request", "response", "requestfinished", "requestfailed"} {
		p.Events().On(name, func(ev Event) {
			u := strings.TrimPrefix(ev.Request.URL, base)
			if ev.Response != nil {
				u = strings.TrimPrefix(ev.Response.URL, base)
			}
			if strings.Contains(u, "favicon") {
				return
			}
			l.mu.Lock()
			l.lines = append(l.lines, name+" "+u)
			l.mu.Unlock()
		})
	}
}

func (l *eventLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// A redirect chain reports each hop's response and requestfinished before
// the next hop's request, as Puppeteer does.
func TestRedirectEventOrder(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	var log eventLog
	log.attach(p, base)
	resp, err := p.MainFrame().Goto(ctx, base+"/net/redirect/2", NavigateOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"request /net/redirect/2", "response /net/redirect/2", "requestfinished /net/redirect/2",
		"request /net/redirect/1", "response /net/redirect/1", "requestfinished /net/redirect/1",
		"request /net/redirect/0", "response /net/redirect/0", "requestfinished /net/redirect/0",
	}
	got := log.get()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	chain := resp.Request.RedirectChain()
	if resp.Status != 200 || len(chain) != 2 || chain[0].Response().Status != 302 || chain[1].URL != base+"/net/redirect/1" {
		t.Fatalf("final %d, chain %v", resp.Status, chain)
	}
	if _, err := chain[0].Response().Body(ctx); err == nil || !strings.Contains(err.Error(), "unavailable for redirect") {
		t.Fatalf("redirect body: %v", err)
	}
}

// An intercepted request that nobody resolves holds the navigation (as in
// Puppeteer) and is listed as pending; resolving it lets the page load.
func TestUnresolvedInterceptionIsPending(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	if err := p.SetRequestInterception(ctx, true); err != nil {
		t.Fatal(err)
	}
	held := make(chan *Request, 8)
	p.Events().On("request", func(ev Event) { held <- ev.Request })
	_, err := p.MainFrame().Goto(ctx, base+"/echo", NavigateOptions{Timeout: 700 * time.Millisecond})
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("goto: %v, want a timeout", err)
	}
	pending := p.PendingInterceptions()
	if len(pending) != 1 || pending[0] != "GET "+base+"/echo" {
		t.Fatalf("pending %q", pending)
	}
	r := <-held
	send, err := r.Continue(ContinueOverrides{}, nil)
	if err != nil || send == nil {
		t.Fatalf("continue: %v", err)
	}
	if err := send(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Continue(ContinueOverrides{}, nil); err == nil || err.Error() != "Request is already handled!" {
		t.Fatalf("second continue: %v", err)
	}
	if got := p.PendingInterceptions(); len(got) != 0 {
		t.Fatalf("still pending after continue: %q", got)
	}
	// The favicon request comes next; abort it so nothing stays held.
	go func() {
		for r := range held {
			if send, err := r.Abort("", nil); err == nil && send != nil {
				_ = send(context.Background())
			}
		}
	}()
	if err := p.WaitForNetworkIdle(ctx, NetworkIdleOptions{IdleTime: 100 * time.Millisecond, Timeout: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
}

// Cooperative votes: the highest priority wins, abort wins ties.
func TestCooperativeInterceptionVotes(t *testing.T) {
	t.Parallel()
	r := &Request{URL: "http://127.0.0.1/x", chain: &redirectChain{}}
	r.intercept.init("fetch-1", true)
	one, two := 1.0, 2.0
	for _, step := range []func() (func(context.Context) error, error){
		func() (func(context.Context) error, error) { return r.Continue(ContinueOverrides{}, &one) },
		func() (func(context.Context) error, error) { return r.Respond(FulfillResponse{Status: 204}, &two) },
		func() (func(context.Context) error, error) { return r.Continue(ContinueOverrides{}, &two) },
		func() (func(context.Context) error, error) { return r.Abort("timedout", &two) },
		func() (func(context.Context) error, error) { return r.Respond(FulfillResponse{}, &two) },
	} {
		if send, err := step(); err != nil || send != nil {
			t.Fatalf("vote: %v %v", send != nil, err)
		}
	}
	if a, pr, ok := r.InterceptResolutionState(); a != ActionAbort || pr != 2 || !ok || r.AbortErrorReason() != "TimedOut" {
		t.Fatalf("state %s %v %v %q", a, pr, ok, r.AbortErrorReason())
	}
	if _, err := r.Abort("nope", nil); err == nil || err.Error() != "Unknown error code: nope" {
		t.Fatalf("bad code: %v", err)
	}
	if r.Finalize() == nil || !r.IsInterceptResolutionHandled() {
		t.Fatal("finalize did nothing")
	}
	if a, _, _ := r.InterceptResolutionState(); a != ActionAlreadyHandled {
		t.Fatalf("after finalize: %s", a)
	}
}

// Overrides reach the server, and replaying them on a session (what an
// out-of-process frame's session gets when it attaches) is accepted.
func TestNetworkOverridesReplay(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	if err := p.SetExtraHTTPHeaders(ctx, map[string]string{"X-Extra": "one"}); err != nil {
		t.Fatal(err)
	}
	if err := p.SetUserAgent(ctx, "NetTest/1.0", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := p.SetCacheEnabled(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := p.Authenticate(ctx, &Credentials{Username: "grace", Password: "hopper"}); err != nil {
		t.Fatal(err)
	}
	if err := p.network.applySettings(ctx, p.session); err != nil {
		t.Fatal(err)
	}
	resp, err := p.MainFrame().Goto(ctx, base+"/echo", NavigateOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	body, err := resp.Body(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"X-Extra": [`, `"one"`, `"NetTest/1.0"`} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("echo lacks %s:\n%s", want, body)
		}
	}
	auth, err := p.MainFrame().Goto(ctx, base+"/net/auth", NavigateOptions{Timeout: 10 * time.Second})
	if err != nil || auth.Status != 200 {
		t.Fatalf("auth: %v %v", auth, err)
	}
}
