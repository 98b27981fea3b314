package cdp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
)

// fakeBrowser speaks the pipe protocol to a Conn. Its reply func sees each
// command and returns raw messages to send back (without the NUL).
type fakeBrowser struct {
	t     *testing.T
	toC   *io.PipeWriter
	fromC *io.PipeReader
	mu    sync.Mutex
	reply func(m outbound) []string
}

func newFake(t *testing.T, opts Options, reply func(m outbound) []string) (*Conn, *fakeBrowser) {
	t.Helper()
	cr, bw := io.Pipe() // browser writes, conn reads
	br, cw := io.Pipe() // conn writes, browser reads
	fb := &fakeBrowser{t: t, toC: bw, fromC: br, reply: reply}
	c := New(cr, cw, opts)
	go fb.serve()
	t.Cleanup(func() {
		_ = c.Close()
		_ = bw.Close()
		_ = br.Close()
	})
	return c, fb
}

func (f *fakeBrowser) serve() {
	r := bufio.NewReader(f.fromC)
	for {
		b, err := r.ReadBytes(0)
		if err != nil {
			return
		}
		var m outbound
		if err := jsonv2.Unmarshal(b[:len(b)-1], &m); err != nil {
			f.t.Errorf("fake browser: bad message %q: %v", b, err)
			return
		}
		if f.reply == nil {
			continue
		}
		for _, out := range f.reply(m) {
			f.send(out)
		}
	}
}

func (f *fakeBrowser) send(raw string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, _ = f.toC.Write(append([]byte(raw), 0))
}

func resp(m outbound, result string) string {
	sid := ""
	if m.SessionID != "" {
		sid = fmt.Sprintf(`,"sessionId":%q`, m.SessionID)
	}
	return fmt.Sprintf(`{"id":%d%s,"result":%s}`, m.ID, sid, result)
}

func event(sid target.SessionID, method, params string) string {
	s := ""
	if sid != "" {
		s = fmt.Sprintf(`,"sessionId":%q`, sid)
	}
	return fmt.Sprintf(`{"method":%q%s,"params":%s}`, method, s, params)
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestTypedCallRoundTrip(t *testing.T) {
	t.Parallel()
	c, _ := newFake(t, Options{}, func(m outbound) []string {
		if m.Method != "Browser.getVersion" {
			return []string{fmt.Sprintf(`{"id":%d,"error":{"code":-32601,"message":"'%s' wasn't found"}}`, m.ID, m.Method)}
		}
		return []string{resp(m, `{"protocolVersion":"1.3","product":"HeadlessChrome/156","revision":"r","userAgent":"UA","jsVersion":"15"}`)}
	})
	v, err := cdp.Call(ctxT(t, 5*time.Second), c.Root(), browser.GetVersion, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Product != "HeadlessChrome/156" {
		t.Fatalf("product = %q", v.Product)
	}
	_, err = cdp.Call(ctxT(t, 5*time.Second), c.Root(), page.BringToFront, cdp.Empty{})
	var pe *ProtocolError
	if !errors.As(err, &pe) || err.Error() != "Protocol error (Page.bringToFront): 'Page.bringToFront' wasn't found" {
		t.Fatalf("err = %v", err)
	}
}

func TestEventsBeforeResponseAreDeliveredFirst(t *testing.T) {
	t.Parallel()
	c, _ := newFake(t, Options{}, func(m outbound) []string {
		var out []string
		for i := range 50 {
			out = append(out, event("", "Test.tick", fmt.Sprintf(`{"n":%d}`, i)))
		}
		return append(out, resp(m, `{}`))
	})
	var mu sync.Mutex
	var got []int
	c.Root().On("Test.tick", func(p jsonv2.Value) {
		var ev struct {
			N int `json:"n"`
		}
		_ = jsonv2.Unmarshal(p, &ev)
		mu.Lock()
		got = append(got, ev.N)
		mu.Unlock()
	})
	if err := c.Root().Call(ctxT(t, 5*time.Second), "Test.go", nil, nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 50 {
		t.Fatalf("saw %d events before the response, want 50", len(got))
	}
	for i, n := range got {
		if n != i {
			t.Fatalf("event %d arrived as %d: order lost", i, n)
		}
	}
}

func TestCallHonoursDeadline(t *testing.T) {
	t.Parallel()
	c, _ := newFake(t, Options{CallTimeout: 50 * time.Millisecond}, nil) // never answers
	start := time.Now()
	err := c.Root().Call(ctxT(t, 100*time.Millisecond), "Slow.call", nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("call returned after %v", d)
	}
	// No deadline on the context: the connection's default applies.
	err = c.Root().Call(context.Background(), "Slow.call", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "Slow.call timed out after 50ms") {
		t.Fatalf("err = %v", err)
	}
}

// attach sets up a fake with one attached page session "S1" for target "T1".
func attach(t *testing.T, opts Options, extra func(m outbound) []string) (*Conn, *Session, *fakeBrowser) {
	t.Helper()
	c, fb := newFake(t, opts, func(m outbound) []string {
		if m.Method == "Target.attachToTarget" {
			return []string{
				event("", "Target.attachedToTarget", `{"sessionId":"S1","targetInfo":{"targetId":"T1","type":"page","title":"","url":"about:blank","attached":true,"canAccessOpener":false},"waitingForDebugger":false}`),
				resp(m, `{"sessionId":"S1"}`),
			}
		}
		if extra != nil {
			return extra(m)
		}
		return nil
	})
	res, err := cdp.Call(ctxT(t, 5*time.Second), c.Root(), target.AttachToTarget, target.AttachToTargetParams{TargetID: "T1", Flatten: new(true)})
	if err != nil {
		t.Fatal(err)
	}
	s := c.Session(res.SessionID)
	if s == nil || s.TargetID() != "T1" || s.Parent() != c.Root() {
		t.Fatalf("session for %q not registered: %+v", res.SessionID, s)
	}
	return c, s, fb
}

func pendingCall(t *testing.T, s *Session) <-chan error {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		errc <- s.Call(ctxT(t, 10*time.Second), "Runtime.evaluate", map[string]any{"expression": "1"}, nil)
	}()
	time.Sleep(20 * time.Millisecond) // let the call register before the failure arrives
	return errc
}

func waitErr(t *testing.T, errc <-chan error) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(3 * time.Second):
		t.Fatal("pending call did not fail promptly")
		return nil
	}
}

func TestPendingCallsFailWhenTargetDetaches(t *testing.T) {
	t.Parallel()
	c, s, fb := attach(t, Options{}, nil)
	errc := pendingCall(t, s)
	fb.send(event("", "Target.detachedFromTarget", `{"sessionId":"S1","targetId":"T1"}`))
	err := waitErr(t, errc)
	if !errors.Is(err, ErrTargetClosed) || err.Error() != "Protocol error (Runtime.evaluate): Target closed" {
		t.Fatalf("err = %v", err)
	}
	if c.Session("S1") != nil {
		t.Fatal("detached session still registered")
	}
	if err := s.Call(ctxT(t, time.Second), "Page.enable", nil, nil); !errors.Is(err, ErrTargetClosed) {
		t.Fatalf("call after detach: %v", err)
	}
}

func TestPendingCallsFailWhenPageCrashes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, raw string }{
		{"Inspector.targetCrashed", event("S1", "Inspector.targetCrashed", `{}`)},
		{"Target.targetCrashed", event("", "Target.targetCrashed", `{"targetId":"T1","status":"crashed","errorCode":139}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, s, fb := attach(t, Options{}, nil)
			crashSeen := make(chan struct{}, 1)
			s.On("Inspector.targetCrashed", func(jsonv2.Value) { crashSeen <- struct{}{} })
			errc := pendingCall(t, s)
			fb.send(tc.raw)
			err := waitErr(t, errc)
			if !errors.Is(err, ErrPageCrashed) || !strings.Contains(err.Error(), "Page crashed!") {
				t.Fatalf("err = %v", err)
			}
			if tc.name == "Inspector.targetCrashed" {
				select {
				case <-crashSeen:
				case <-time.After(2 * time.Second):
					t.Fatal("crash event not delivered to handlers")
				}
			}
		})
	}
}

func TestConnectionLossSaysHowTheBrowserExited(t *testing.T) {
	t.Parallel()
	cr, bw := io.Pipe()
	br, cw := io.Pipe()
	go func() { _, _ = io.Copy(io.Discard, br) }()
	c := New(cr, cw, Options{ExitReason: func() string { return "browser process exited: signal: killed" }})
	t.Cleanup(func() { _ = c.Close() })
	errc := pendingCall(t, c.Root())
	_ = bw.Close()
	err := waitErr(t, errc)
	var ce *ClosedError
	if !errors.As(err, &ce) || err.Error() != "browser connection closed: browser process exited: signal: killed" {
		t.Fatalf("err = %v", err)
	}
	<-c.Done()
	if c.Err() == nil {
		t.Fatal("Err is nil after close")
	}
}

func TestOversizedMessageClosesConnection(t *testing.T) {
	t.Parallel()
	c, fb := newFake(t, Options{MaxMessageSize: 1 << 10}, nil)
	fb.send(event("", "Big.event", `{"x":"`+strings.Repeat("a", 4<<10)+`"}`))
	select {
	case <-c.Done():
	case <-time.After(3 * time.Second):
		t.Fatal("connection stayed open")
	}
	if !strings.Contains(c.Err().Error(), "exceeds 1024 bytes") {
		t.Fatalf("err = %v", c.Err())
	}
}

func TestMalformedMessageClosesConnection(t *testing.T) {
	t.Parallel()
	c, fb := newFake(t, Options{}, nil)
	fb.send(`{"id": nope}`)
	select {
	case <-c.Done():
	case <-time.After(3 * time.Second):
		t.Fatal("connection stayed open")
	}
	if !strings.Contains(c.Err().Error(), "malformed message from browser") {
		t.Fatalf("err = %v", c.Err())
	}
}

// A slow handler on one session must neither block the reader nor other
// sessions, and its backlog is bounded.
func TestBlockedHandlerIsBoundedAndIsolated(t *testing.T) {
	t.Parallel()
	c, s, fb := attach(t, Options{EventQueueLimit: 100}, func(m outbound) []string { return []string{resp(m, `{"ok":true}`)} })
	release := make(chan struct{})
	s.On("Flood.event", func(jsonv2.Value) { <-release })
	for range 500 {
		fb.send(event("S1", "Flood.event", `{}`))
	}
	// The root session still answers while S1's dispatcher is stuck.
	var out struct {
		OK bool `json:"ok"`
	}
	if err := c.Root().Call(ctxT(t, 3*time.Second), "Other.call", nil, &out); err != nil || !out.OK {
		t.Fatalf("root call while S1 blocked: %v %+v", err, out)
	}
	close(release)
	deadline := time.Now().Add(3 * time.Second)
	for s.Dropped() < 399 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if d := s.Dropped(); d < 399 || d > 400 {
		t.Fatalf("dropped %d events, want about 400 (500 sent, limit 100)", d)
	}
}

func TestEventsIterator(t *testing.T) {
	t.Parallel()
	c, fb := newFake(t, Options{}, nil)
	ctx := ctxT(t, 5*time.Second)
	it := cdp.Events(ctx, c.Root(), page.LoadEventFired)
	go fb.send(event("", "Page.loadEventFired", `{"timestamp":12.5}`))
	for ev, err := range it {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Timestamp != 12.5 {
			t.Fatal("no timestamp decoded")
		}
		break
	}
}

func BenchmarkCallRoundTrip(b *testing.B) {
	cr, bw := io.Pipe()
	br, cw := io.Pipe()
	c := New(cr, cw, Options{})
	defer c.Close()
	go func() {
		r := bufio.NewReader(br)
		for {
			raw, err := r.ReadBytes(0)
			if err != nil {
				return
			}
			var m outbound
			_ = jsonv2.Unmarshal(raw[:len(raw)-1], &m)
			_, _ = bw.Write(append([]byte(resp(m, `{"result":{"type":"string","value":"Example Domain"}}`)), 0))
		}
	}()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var out struct {
			Result struct{ Value string }
		}
		if err := c.Root().Call(ctx, "Runtime.evaluate", map[string]any{"expression": "document.title", "returnByValue": true}, &out); err != nil {
			b.Fatal(err)
		}
	}
}
