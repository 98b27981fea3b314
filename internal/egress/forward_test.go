package egress

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestForwardRewrite checks what the upstream receives and that redirects
// are passed back untouched.
func TestForwardRewrite(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Policy{Public: true}, map[string]string{"public.test": "93.184.216.34"})
	got := make(chan *http.Request, 1)
	h.dial.handle(t, "93.184.216.34:80", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r
		// Raw, because net/http rewrites Connection on a closing response.
		// (A Connection header that says "close" is consumed by
		// http.ReadResponse, so the proxy cannot see the names it lists.)
		c, bw, _ := w.(http.Hijacker).Hijack()
		defer c.Close()
		bw.WriteString("HTTP/1.1 302 Found\r\nConnection: X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n" +
			"Proxy-Authenticate: Basic\r\nLocation: http://169.254.169.254/latest\r\nContent-Length: 0\r\n\r\n")
		bw.Flush()
	}))
	resp, _ := h.do(t, "GET http://public.test/p%20q?x=1 HTTP/1.1\r\nHost: evil.example\r\n"+
		"Proxy-Authorization: Basic Zm9vOmJhcg==\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive, X-Secret\r\n"+
		"X-Secret: s\r\nX-Keep: k\r\nKeep-Alive: 300\r\nTE: trailers\r\nUpgrade: websocket\r\n\r\n")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "http://169.254.169.254/latest" {
		t.Errorf("response %s, Location %q", resp.Status, resp.Header.Get("Location"))
	}
	for _, k := range []string{"X-Hop", "Keep-Alive", "Proxy-Authenticate", "Connection"} {
		if v, ok := resp.Header[k]; ok {
			t.Errorf("hop-by-hop response header %s: %q was relayed", k, v)
		}
	}
	r := <-got
	if r.Host != "public.test" || r.RequestURI != "/p%20q?x=1" || !r.Close {
		t.Errorf("upstream got Host %q, URI %q, Close %v", r.Host, r.RequestURI, r.Close)
	}
	if r.Header.Get("X-Keep") != "k" {
		t.Error("X-Keep was dropped")
	}
	for _, k := range []string{"Proxy-Authorization", "Proxy-Connection", "X-Secret", "Keep-Alive", "Te", "Upgrade", "User-Agent"} {
		if v, ok := r.Header[k]; ok {
			t.Errorf("upstream got %s: %q", k, v)
		}
	}
}

// TestKeepAliveVetsEachRequest sends two requests on one client
// connection: each is vetted on its own, and gets its own upstream.
func TestKeepAliveVetsEachRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Policy{Public: true}, map[string]string{"public.test": "93.184.216.34", "rebind.test": "10.0.0.1"})
	var hits atomic.Int64
	h.dial.handle(t, "93.184.216.34:80", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "ok")
	}))
	c, br := h.connect(t)
	for i, tc := range []struct {
		line   string
		status int
	}{
		{"GET http://public.test/1", 200},
		{"GET http://rebind.test/2", 403},
		{"GET http://public.test/3", 200},
		{"POST http://public.test/4", 200},
	} {
		raw := req(tc.line)
		if strings.HasPrefix(tc.line, "POST") {
			raw = tc.line + " HTTP/1.1\r\nHost: public.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
		}
		if resp, _ := send(t, c, br, raw); resp.StatusCode != tc.status {
			t.Errorf("request %d: %s", i, resp.Status)
		}
	}
	if n := hits.Load(); n != 3 {
		t.Errorf("%d upstream hits, want 3", n)
	}
	if d := h.dial.addrs(); len(d) != 3 {
		t.Errorf("dialed %q, want one upstream per request", d)
	}
	if n := len(h.decisions()); n != 4 {
		t.Errorf("%d decisions, want 4", n)
	}
}

func TestMaxBytesCutsResponse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Policy{Public: true, MaxBytes: 2000}, map[string]string{"public.test": "93.184.216.34"})
	h.dial.handle(t, "93.184.216.34:80", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10000")
		w.Write([]byte(strings.Repeat("x", 10000)))
	}))
	c, br := h.connect(t)
	io.WriteString(c, req("GET http://public.test/big"))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %s: %s", resp.Status, b)
	}
	if n, err := io.Copy(io.Discard, resp.Body); err == nil || n >= 2000 {
		t.Errorf("read %d bytes, %v: want a response cut within the budget", n, err)
	}
	if _, b := h.p.Stats(); b != 2000 {
		t.Errorf("Stats bytes = %d, want exactly the budget, 2000", b)
	}
}

// TestExpectContinue: the proxy answers Expect: 100-continue itself.
func TestExpectContinue(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Policy{Public: true}, map[string]string{"public.test": "93.184.216.34"})
	h.dial.handle(t, "93.184.216.34:80", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "got %s expect=%q", b, r.Header.Get("Expect"))
	}))
	c, br := h.connect(t)
	io.WriteString(c, "PUT http://public.test/ HTTP/1.1\r\nHost: public.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusContinue {
		t.Fatalf("want 100 Continue first: %v %v", resp, err)
	}
	io.WriteString(c, "hello")
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != `got hello expect=""` {
		t.Errorf("body %q", b)
	}
}

// TestHTTP10ClientGetsNoChunks: a chunked upstream response is relayed to
// an HTTP/1.0 client delimited by close instead.
func TestHTTP10ClientGetsNoChunks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Policy{Public: true}, map[string]string{"public.test": "93.184.216.34"})
	h.dial.handle(t, "93.184.216.34:80", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "one ")
		w.(http.Flusher).Flush() // forces chunking towards the proxy
		io.WriteString(w, "two")
	}))
	c, br := h.connect(t)
	io.WriteString(c, "GET http://public.test/ HTTP/1.0\r\n\r\n")
	raw, err := io.ReadAll(br)
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := strings.Cut(string(raw), "\r\n\r\n")
	if strings.Contains(strings.ToLower(head), "chunked") || body != "one two" {
		t.Errorf("response to an HTTP/1.0 client:\n%s", raw)
	}
}

// TestEarlyUpstreamAnswer: an upstream that answers before the client has
// sent its whole body gets its answer relayed; the client connection is
// then closed, since the rest of the body is unread (about a second).
func TestEarlyUpstreamAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Policy{Public: true}, map[string]string{"public.test": "93.184.216.34"})
	h.dial.handle(t, "93.184.216.34:80", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, bw, _ := w.(http.Hijacker).Hijack()
		defer c.Close()
		bw.WriteString("HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\n\r\ntoo big\n")
		bw.Flush()
	}))
	c, br := h.connect(t)
	io.WriteString(c, "POST http://public.test/ HTTP/1.1\r\nHost: public.test\r\nContent-Length: 100000\r\n\r\n0123456789")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 413 || string(b) != "too big\n" {
		t.Errorf("%s %q", resp.Status, b)
	}
	if _, err := br.ReadByte(); err == nil {
		t.Error("client connection still open with its body half read")
	}
}

// TestForwardStreamsBodiesOfUnknownLength: a streamed response (Server-
// Sent Events) reaches the client piece by piece, not when it ends.
func TestForwardStreamsBodiesOfUnknownLength(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Policy{Public: true}, map[string]string{"public.test": "93.184.216.34"})
	release := make(chan struct{})
	h.dial.handle(t, "93.184.216.34:80", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		<-release // the stream stays open until the client saw the first event
		io.WriteString(w, "data: second\n\n")
	}))
	c, br := h.connect(t)
	defer c.Close()
	if _, err := io.WriteString(c, "GET http://public.test/events HTTP/1.1\r\nHost: public.test\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, len("data: first\n\n"))
	if _, err := io.ReadFull(resp.Body, first); err != nil || string(first) != "data: first\n\n" {
		t.Fatalf("first event %q, %v", first, err)
	}
	close(release)
	rest, _ := io.ReadAll(resp.Body)
	if string(rest) != "data: second\n\n" {
		t.Errorf("rest %q", rest)
	}
}
