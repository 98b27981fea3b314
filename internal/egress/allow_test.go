package egress

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// loopbackServer is a real HTTP server on 127.0.0.1 that counts its hits.
func loopbackServer(t *testing.T) (hostport string, hits *atomic.Int64) {
	t.Helper()
	hits = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprintf(w, "hello %s", r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), hits
}

// echoServer is a raw TCP echo server on 127.0.0.1.
func echoServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	return l.Addr().String()
}

func port(t *testing.T, hostport string) int {
	_, p, _ := net.SplitHostPort(hostport)
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAllowHostsLoopback(t *testing.T) {
	t.Parallel()
	srv, hits := loopbackServer(t)
	h := newHarness(t, Policy{AllowHosts: []string{srv}}, nil)
	h.dial.loopback = true

	resp, body := h.do(t, req("GET http://"+srv+"/get"))
	if resp.StatusCode != 200 || body != "hello /get" {
		t.Errorf("GET: %d %q", resp.StatusCode, body)
	}
	// The same address in another spelling is the same allow-list entry.
	alias := "0x7f.1:" + strconv.Itoa(port(t, srv))
	if resp, body := h.do(t, req("GET http://"+alias+"/alias")); resp.StatusCode != 200 || body != "hello /alias" {
		t.Errorf("GET alias: %d %q", resp.StatusCode, body)
	}

	c, br := h.connect(t)
	if resp, _ := send(t, c, br, req("CONNECT "+srv)); resp.StatusCode != 200 || resp.Status != "200 Connection Established" {
		t.Fatalf("CONNECT: %s", resp.Status)
	}
	resp, body = send(t, c, br, "GET /tunnel HTTP/1.1\r\nHost: "+srv+"\r\n\r\n")
	if resp.StatusCode != 200 || body != "hello /tunnel" {
		t.Errorf("through the tunnel: %d %q", resp.StatusCode, body)
	}

	if n := hits.Load(); n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}
	var got []string
	for _, d := range h.decisions() {
		got = append(got, d.String())
	}
	want := []string{
		"allowed GET http://" + srv + "/get (" + srv + ")",
		"allowed GET http://" + alias + "/alias (" + srv + ")",
		"allowed CONNECT https://" + srv + " (" + srv + ")",
	}
	if !slices.Equal(got, want) {
		t.Errorf("decisions\n%q\nwant\n%q", got, want)
	}
	if n := h.res.names(); len(n) != 0 {
		t.Errorf("resolver asked %q", n)
	}
}

func TestAllowHostsExactPort(t *testing.T) {
	t.Parallel()
	srv, hits := loopbackServer(t)
	other := strconv.Itoa(port(t, srv) + 1)
	h := newHarness(t, Policy{AllowHosts: []string{srv}, Ports: []int{80, 443, port(t, srv) + 1}}, nil)
	h.dial.loopback = true
	h.do(t, req("GET http://127.0.0.1:"+other+"/"))
	h.do(t, req("CONNECT 127.0.0.1:"+other))
	h.do(t, req("GET http://127.0.0.1:8/"))
	h.do(t, req("GET http://127.0.0.2:"+strconv.Itoa(port(t, srv))+"/"))
	var got []string
	for _, d := range h.decisions() {
		got = append(got, d.Reason)
	}
	want := []string{"loopback address", "loopback address", "port 8 not allowed", "port " + strconv.Itoa(port(t, srv)) + " not allowed"}
	if !slices.Equal(got, want) {
		t.Errorf("reasons %q, want %q", got, want)
	}
	if d := h.dial.addrs(); len(d) != 0 || hits.Load() != 0 {
		t.Errorf("dialed %q, %d hits", d, hits.Load())
	}
}

func TestAllowHostsNames(t *testing.T) {
	t.Parallel()
	srv, _ := loopbackServer(t)
	p := strconv.Itoa(port(t, srv))
	h := newHarness(t, Policy{AllowHosts: []string{"allowed.test:" + p, "localhost:" + p}},
		map[string]string{"allowed.test": "127.0.0.1", "other.test": "127.0.0.1"})
	h.dial.loopback = true
	for _, u := range []string{"http://ALLOWED.test.:" + p + "/a", "http://localhost:" + p + "/b"} {
		if resp, body := h.do(t, req("GET "+u)); resp.StatusCode != 200 || !strings.HasPrefix(body, "hello") {
			t.Errorf("GET %s: %d %q", u, resp.StatusCode, body)
		}
	}
	if resp, _ := h.do(t, req("GET http://other.test:"+p+"/")); resp.StatusCode != 403 {
		t.Errorf("other.test: %s", resp.Status)
	}
	if got := h.res.names(); !slices.Equal(got, []string{"allowed.test"}) {
		t.Errorf("resolver asked %q, want only allowed.test", got)
	}
	if got := h.dial.addrs(); !slices.Equal(got, []string{srv, srv}) {
		t.Errorf("dialed %q", got)
	}
}

func TestMaxRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Policy{Public: true, MaxRequests: 2}, nil)
	for range 4 {
		h.do(t, req("GET http://10.0.0.1/"))
	}
	var got []string
	for _, d := range h.decisions() {
		got = append(got, d.Reason)
	}
	want := []string{"private address", "private address", "request limit reached", "request limit reached"}
	if !slices.Equal(got, want) {
		t.Errorf("reasons %q, want %q", got, want)
	}
	if n, _ := h.p.Stats(); n != 4 {
		t.Errorf("Stats requests = %d, want 4", n)
	}
}

func TestMaxBytesCutsTunnel(t *testing.T) {
	t.Parallel()
	echo := echoServer(t)
	h := newHarness(t, Policy{AllowHosts: []string{echo}, MaxBytes: 1000}, nil)
	h.dial.loopback = true
	c, br := h.connect(t)
	if resp, _ := send(t, c, br, req("CONNECT "+echo)); resp.StatusCode != 200 {
		t.Fatalf("CONNECT: %s", resp.Status)
	}
	if _, err := io.WriteString(c, strings.Repeat("a", 300)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(br, make([]byte, 300)); err != nil {
		t.Fatalf("echo within budget: %v", err)
	}
	go io.WriteString(c, strings.Repeat("b", 4000))
	n, err := io.Copy(io.Discard, br)
	if err != nil && !isClosedErr(err) {
		t.Fatalf("tunnel ended with %v, want a cut", err)
	}
	if n > 400 {
		t.Errorf("%d bytes echoed past the budget", n)
	}
	if _, b := h.p.Stats(); b != 1000 {
		t.Errorf("Stats bytes = %d, want exactly the budget, 1000", b)
	}
	resp, _ := h.do(t, req("CONNECT "+echo))
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("after the budget: %s", resp.Status)
	}
	if ds := h.decisions(); ds[len(ds)-1].Reason != "byte limit reached" {
		t.Errorf("last decision %v", ds[len(ds)-1])
	}
}

func isClosedErr(err error) bool {
	s := err.Error()
	return strings.Contains(s, "reset") || strings.Contains(s, "closed") || strings.Contains(s, "EOF")
}

func TestCloseEndsTunnels(t *testing.T) {
	t.Parallel()
	echo := echoServer(t)
	h := newHarness(t, Policy{AllowHosts: []string{echo}}, nil)
	h.dial.loopback = true
	c, br := h.connect(t)
	if resp, _ := send(t, c, br, req("CONNECT "+echo)); resp.StatusCode != 200 {
		t.Fatalf("CONNECT: %s", resp.Status)
	}
	idle, _ := h.connect(t) // a client that never sends a request
	h.p.Close()
	h.p.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err == nil {
		t.Error("tunnel still open after Close")
	}
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := idle.Read(make([]byte, 1)); err == nil || strings.Contains(err.Error(), "timeout") {
		t.Errorf("idle connection after Close: %v", err)
	}
	if _, err := net.DialTimeout("tcp", h.addr, time.Second); err == nil {
		t.Error("listener still accepting after Close")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.p.Serve(l); err != nil {
		t.Errorf("Serve after Close = %v, want nil", err)
	}
}

// TestServeReturnsWhenListenerCloses: closing the listener from outside
// ends Serve with the accept error.
func TestServeReturnsWhenListenerCloses(t *testing.T) {
	t.Parallel()
	p := New(Policy{}, Options{Resolver: newResolver(nil), Dialer: &recordingDialer{}})
	defer p.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- p.Serve(l) }()
	time.Sleep(10 * time.Millisecond)
	l.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Serve = nil after the listener was closed")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}
