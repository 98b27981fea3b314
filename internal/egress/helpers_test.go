package egress

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeResolver answers from a map and records every name it is asked. It
// never touches real DNS.
type fakeResolver struct {
	m     map[string][]netip.Addr
	mu    sync.Mutex
	asked []string
}

func newResolver(m map[string]string) *fakeResolver {
	r := &fakeResolver{m: map[string][]netip.Addr{}}
	for name, addrs := range m {
		for a := range strings.SplitSeq(addrs, ",") {
			r.m[name] = append(r.m[name], netip.MustParseAddr(a))
		}
	}
	return r
}

func (r *fakeResolver) LookupNetIP(_ context.Context, network, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	r.asked = append(r.asked, host)
	r.mu.Unlock()
	if network != "ip" {
		return nil, errors.New("fake resolver: unexpected network " + network)
	}
	if a, ok := r.m[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (r *fakeResolver) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.asked)
}

// recordingDialer records every address it is asked for. It connects only
// to in-memory upstreams registered with handle and, if loopback is set, to
// real loopback addresses; anything else gets an error and no packet.
type recordingDialer struct {
	loopback bool
	mu       sync.Mutex
	dialed   []string
	pipes    map[string]*pipeListener
}

func (d *recordingDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	d.dialed = append(d.dialed, address)
	pl := d.pipes[address]
	d.mu.Unlock()
	if network != "tcp" {
		return nil, errors.New("recording dialer: unexpected network " + network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return nil, errors.New("recording dialer: not an ip:port: " + address)
	}
	switch {
	case pl != nil:
		return pl.dial()
	case d.loopback && ap.Addr().IsLoopback():
		var nd net.Dialer
		return nd.DialContext(ctx, network, address)
	}
	return nil, errors.New("recording dialer: not dialing " + address)
}

func (d *recordingDialer) addrs() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.dialed)
}

// handle serves h, in memory, to connections dialed to address.
func (d *recordingDialer) handle(t *testing.T, address string, h http.Handler) {
	pl := &pipeListener{ch: make(chan net.Conn), done: make(chan struct{})}
	srv := &http.Server{Handler: h}
	go srv.Serve(pl)
	t.Cleanup(func() { srv.Close() })
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pipes == nil {
		d.pipes = map[string]*pipeListener{}
	}
	d.pipes[address] = pl
}

// pipeListener hands net.Pipe ends to an http.Server.
type pipeListener struct {
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func (l *pipeListener) dial() (net.Conn, error) {
	a, b := net.Pipe()
	select {
	case l.ch <- b:
		return a, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// harness is a Proxy on 127.0.0.1 with a fake resolver and a recording
// dialer, collecting its decisions.
type harness struct {
	p    *Proxy
	addr string
	res  *fakeResolver
	dial *recordingDialer
	mu   sync.Mutex
	decs []Decision
}

func newHarness(t *testing.T, pol Policy, names map[string]string) *harness {
	t.Helper()
	h := &harness{res: newResolver(names), dial: &recordingDialer{}}
	h.p = New(pol, Options{Resolver: h.res, Dialer: h.dial, OnDecision: func(d Decision) {
		h.mu.Lock()
		h.decs = append(h.decs, d)
		h.mu.Unlock()
	}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.addr = l.Addr().String()
	served := make(chan error, 1)
	go func() { served <- h.p.Serve(l) }()
	t.Cleanup(func() {
		h.p.Close()
		if err := <-served; err != nil {
			t.Errorf("Serve after Close: %v", err)
		}
	})
	return h
}

func (h *harness) decisions() []Decision {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.decs)
}

// connect opens a client connection to the proxy.
func (h *harness) connect(t *testing.T) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c, bufio.NewReader(c)
}

// do sends one raw request on a fresh connection and reads the response.
func (h *harness) do(t *testing.T, raw string) (*http.Response, string) {
	t.Helper()
	c, br := h.connect(t)
	return send(t, c, br, raw)
}

func send(t *testing.T, c net.Conn, br *bufio.Reader, raw string) (*http.Response, string) {
	t.Helper()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading response to %q: %v", firstLine(raw), err)
	}
	if strings.HasPrefix(raw, "CONNECT ") && resp.StatusCode == http.StatusOK {
		return resp, ""
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body of response to %q: %v", firstLine(raw), err)
	}
	return resp, string(body)
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\r\n"); return l }

// req builds a raw request from a request line.
func req(line string) string {
	if strings.HasPrefix(line, "CONNECT ") {
		hostport := strings.Fields(line)[1]
		return line + " HTTP/1.1\r\nHost: " + hostport + "\r\n\r\n"
	}
	return line + " HTTP/1.1\r\nHost: ignored.example\r\n\r\n"
}

// only returns the one decision made so far.
func (h *harness) only(t *testing.T) Decision {
	t.Helper()
	ds := h.decisions()
	if len(ds) != 1 {
		t.Fatalf("got %d decisions, want 1: %v", len(ds), ds)
	}
	return ds[0]
}
