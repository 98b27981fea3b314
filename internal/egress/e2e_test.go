package egress

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestEndToEnd runs the production path on this machine only: an
// http.Client using Bridge on 127.0.0.1 as its proxy → unix socket → Proxy
// → loopback servers admitted through AllowHosts. A redirect to 127.0.0.2
// (a second local server) is followed by the client and denied by the
// proxy; that server must see nothing.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	var forbiddenHits atomic.Int64
	l2, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	forbidden := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		forbiddenHits.Add(1)
		io.WriteString(w, "secret")
	}))
	forbidden.Listener.Close()
	forbidden.Listener = l2
	forbidden.Start()
	defer forbidden.Close()

	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redir" {
			http.Redirect(w, r, forbidden.URL+"/latest/meta-data", http.StatusFound)
			return
		}
		io.WriteString(w, "plain "+r.URL.Path)
	}))
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "tls "+r.URL.Path)
	}))
	defer tlsSrv.Close()
	plainAddr := strings.TrimPrefix(plain.URL, "http://")
	tlsAddr := strings.TrimPrefix(tlsSrv.URL, "https://")

	// The launcher's side: the proxy on a unix socket.
	dir, err := os.MkdirTemp("", "egress") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "proxy.sock")
	ul, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	res := newResolver(nil)
	dialer := &recordingDialer{loopback: true}
	var (
		mu   sync.Mutex
		decs []string
	)
	// The 127.0.0.2 server's port is allowed, so only its address can deny it.
	pol := Policy{AllowHosts: []string{plainAddr, tlsAddr}, Ports: []int{80, 443, l2.Addr().(*net.TCPAddr).Port}}
	p := New(pol, Options{Resolver: res, Dialer: dialer,
		OnDecision: func(d Decision) { mu.Lock(); decs = append(decs, d.String()); mu.Unlock() }})
	served := make(chan error, 1)
	go func() { served <- p.Serve(ul) }()
	defer func() {
		p.Close()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()

	// The sandbox's side: the bridge, and a client configured like Chromium.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	baddr, err := Bridge(ctx, "127.0.0.1:0", sock)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(tlsSrv.Certificate())
	tr := &http.Transport{
		Proxy:           http.ProxyURL(&url.URL{Scheme: "http", Host: baddr.String()}),
		TLSClientConfig: &tls.Config{RootCAs: roots},
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	get := func(u string) (int, string) {
		t.Helper()
		resp, err := client.Get(u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(plain.URL + "/hello"); code != 200 || body != "plain /hello" {
		t.Errorf("plain GET: %d %q", code, body)
	}
	if code, body := get(tlsSrv.URL + "/secure"); code != 200 || body != "tls /secure" {
		t.Errorf("CONNECT + TLS: %d %q", code, body)
	}
	code, body := get(plain.URL + "/redir")
	if code != http.StatusForbidden || !strings.Contains(body, "loopback address") {
		t.Errorf("redirect to 127.0.0.2: %d %q", code, body)
	}
	if n := forbiddenHits.Load(); n != 0 {
		t.Errorf("the 127.0.0.2 server saw %d requests", n)
	}
	if n := res.names(); len(n) != 0 {
		t.Errorf("resolver asked %q", n)
	}

	mu.Lock()
	got := strings.Join(decs, "\n")
	mu.Unlock()
	want := strings.Join([]string{
		"allowed GET " + plain.URL + "/hello (" + plainAddr + ")",
		"allowed CONNECT https://" + tlsAddr + " (" + tlsAddr + ")",
		"allowed GET " + plain.URL + "/redir (" + plainAddr + ")",
		"blocked " + forbidden.URL + "/latest/meta-data: loopback address",
	}, "\n")
	if got != want {
		t.Errorf("decisions:\n%s\nwant:\n%s", got, want)
	}
	if reqs, bytes := p.Stats(); reqs != 4 || bytes == 0 {
		t.Errorf("Stats = %d, %d", reqs, bytes)
	}
}

// TestBridgeStopsWithContext: once ctx ends, the bridge stops listening
// and its open connections are closed.
func TestBridgeStopsWithContext(t *testing.T) {
	t.Parallel()
	dir, err := os.MkdirTemp("", "egress")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "s.sock")
	ul, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ul.Close()
	go func() { // a unix-side echo server
		for {
			c, err := ul.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	addr, err := Bridge(ctx, "127.0.0.1:0", sock)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "ping")
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo through the bridge: %q %v", buf, err)
	}
	cancel()
	if _, err := c.Read(buf); err == nil || strings.Contains(err.Error(), "timeout") {
		t.Errorf("bridged connection after cancel: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c2, err := net.DialTimeout("tcp", addr.String(), time.Second)
		if err != nil {
			break
		}
		c2.Close()
		if time.Now().After(deadline) {
			t.Fatal("bridge still listening after cancel")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := Bridge(context.Background(), "127.0.0.1:99999", sock); err == nil {
		t.Error("Bridge on a bad address did not fail")
	}
}
