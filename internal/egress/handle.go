package egress

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

const (
	maxHeaderBytes    = 64 << 10
	readHeaderTimeout = 30 * time.Second // also the idle time allowed between requests
	dialTimeout       = 30 * time.Second // on top of the Dialer's own
)

// serveConn serves one client connection: any number of plain HTTP
// requests, each vetted and forwarded on its own upstream connection, or
// one CONNECT, after which the connection is a tunnel.
func (p *Proxy) serveConn(c net.Conn) {
	defer p.untrack(c)
	lr := &io.LimitedReader{R: c, N: maxHeaderBytes}
	br := bufio.NewReader(lr)
	bw := bufio.NewWriter(c)
	for {
		lr.N = maxHeaderBytes
		c.SetReadDeadline(time.Now().Add(readHeaderTimeout))
		if _, err := br.Peek(1); err != nil {
			return // closed, idle or cut before a request began: nothing to decide
		}
		req, err := http.ReadRequest(br)
		c.SetReadDeadline(time.Time{})
		tooLarge := lr.N == 0
		lr.N = math.MaxInt64
		if err == nil && req.ProtoMajor != 1 {
			err = errors.New("unsupported protocol " + req.Proto)
		}
		if err != nil {
			var d Decision
			var status int
			switch {
			case tooLarge:
				status = p.refuse(&d, http.StatusRequestHeaderFieldsTooLarge, "request header too large")
			case errors.Is(err, os.ErrDeadlineExceeded):
				status = p.refuse(&d, http.StatusRequestTimeout, "request header timeout")
			default:
				status = p.refuse(&d, http.StatusBadRequest, "malformed request")
			}
			p.decide(d)
			writeError(bw, status, d, true)
			return
		}
		if req.Method == http.MethodConnect {
			p.serveConnect(c, br, bw, req)
			return
		}
		if !p.serveHTTP(c, bw, req) {
			return
		}
	}
}

// begin counts a request and checks the per-proxy limits.
func (p *Proxy) begin() (reason string, status int) {
	if p.requests.Add(1) > p.pol.maxRequests {
		return "request limit reached", http.StatusTooManyRequests
	}
	if p.bytes.Load() >= p.pol.maxBytes {
		return "byte limit reached", http.StatusTooManyRequests
	}
	return "", 0
}

// refuse counts a request that is refused before vetting, and fills d
// with reason, unless a limit was reached first.
func (p *Proxy) refuse(d *Decision, status int, reason string) int {
	if r, s := p.begin(); r != "" {
		d.Reason = r
		return s
	}
	d.Reason = reason
	return status
}

// target parses hostport and vets it, filling d. It returns the address to
// dial, or a status for the refusal.
func (p *Proxy) target(d *Decision, hostport string, defPort int) (netip.AddrPort, int) {
	if r, s := p.begin(); r != "" {
		d.Reason = r
		return netip.AddrPort{}, s
	}
	hs, port, err := splitHostPort(hostport, defPort)
	if err == nil {
		var h host
		if h, err = parseHost(hs); err == nil {
			v := p.vet(h, port)
			if v.addr.IsValid() {
				d.Addr = v.addr.String()
			}
			if v.reason != "" {
				d.Reason = v.reason
				return netip.AddrPort{}, v.status
			}
			d.Allowed = true
			return v.addr, 0
		}
	}
	d.Reason = err.Error()
	return netip.AddrPort{}, http.StatusBadRequest
}

// serveConnect vets a CONNECT, dials the pinned address and splices.
func (p *Proxy) serveConnect(c net.Conn, br *bufio.Reader, bw *bufio.Writer, req *http.Request) {
	d := Decision{Method: http.MethodConnect, Target: "https://" + req.RequestURI}
	authority := req.RequestURI
	if strings.HasPrefix(authority, "/") || req.URL.User != nil {
		authority = "" // origin-form CONNECT (Go accepts it) or user@host
	}
	addr, status := p.target(&d, authority, 0)
	if d.Reason == errEmptyHost.Error() {
		d.Reason = "CONNECT needs host:port"
	}
	p.decide(d)
	if status != 0 {
		writeError(bw, status, d, true)
		return
	}
	up, err := p.dial(addr)
	if err != nil {
		writeGatewayError(bw, err, true)
		return
	}
	defer p.untrack(up)
	if _, err := io.WriteString(bw, "HTTP/1.1 200 Connection Established\r\n\r\n"); err != nil || bw.Flush() != nil {
		return
	}
	splice(c, br, &countedConn{Conn: up, p: p})
}

// serveHTTP vets and forwards one absolute-form request. It reports whether
// the client connection may carry another request.
func (p *Proxy) serveHTTP(c net.Conn, bw *bufio.Writer, req *http.Request) bool {
	d := Decision{Method: req.Method, Target: req.RequestURI}
	var addr netip.AddrPort
	var status int
	switch u := req.URL; {
	case !u.IsAbs():
		status = p.refuse(&d, http.StatusBadRequest, "not an absolute-form request")
	case u.Scheme != "http":
		status = p.refuse(&d, http.StatusBadRequest, "scheme "+strconv.Quote(u.Scheme)+" not supported (use CONNECT)")
	case u.User != nil || u.Opaque != "":
		status = p.refuse(&d, http.StatusBadRequest, "malformed URL")
	default:
		addr, status = p.target(&d, u.Host, 80)
	}
	p.decide(d)
	reusable := !req.Close && req.Body == http.NoBody
	if status != 0 {
		writeError(bw, status, d, !reusable)
		return reusable
	}
	up, err := p.dial(addr)
	if err != nil {
		writeGatewayError(bw, err, !reusable)
		return reusable
	}
	defer p.untrack(up)
	return p.forward(c, bw, req, &countedConn{Conn: up, p: p})
}

// dial connects to the vetted address: the Dialer gets the literal
// "ip:port", never a name, so nothing can re-resolve it.
func (p *Proxy) dial(addr netip.AddrPort) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(p.ctx, dialTimeout)
	defer cancel()
	up, err := p.dialer.DialContext(ctx, "tcp", addr.String())
	if err != nil {
		return nil, err
	}
	if !p.track(up) {
		return nil, net.ErrClosed
	}
	return up, nil
}

// outgoing builds the upstream request: origin-form, hop-by-hop and Proxy-*
// headers removed, "Connection: close".
func outgoing(req *http.Request) *http.Request {
	h := req.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	removeHopHeaders(h)
	h.Del("Expect") // answered by the proxy itself, see forward
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = nil // present but empty: Request.Write adds none
	}
	return &http.Request{
		Method:           req.Method,
		URL:              &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery},
		Proto:            "HTTP/1.1",
		ProtoMajor:       1,
		ProtoMinor:       1,
		Header:           h,
		Body:             req.Body,
		ContentLength:    req.ContentLength,
		TransferEncoding: req.TransferEncoding,
		Trailer:          req.Trailer,
		Host:             req.URL.Host,
		Close:            true,
	}
}

// hopHeaders are removed in both directions, with every header that
// Connection names and every Proxy-* header.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"}

func removeHopHeaders(h http.Header) {
	for _, v := range h.Values("Connection") {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				h.Del(f)
			}
		}
	}
	for _, k := range hopHeaders {
		h.Del(k)
	}
	for k := range h {
		if len(k) >= 6 && strings.EqualFold(k[:6], "proxy-") {
			delete(h, k)
		}
	}
}

// writeError answers a refused request with a short text body.
func writeError(bw *bufio.Writer, status int, d Decision, closeConn bool) {
	writeText(bw, status, d.String(), closeConn)
}

func writeGatewayError(bw *bufio.Writer, err error, closeConn bool) {
	writeText(bw, http.StatusBadGateway, "egress: "+err.Error(), closeConn)
}

func writeText(bw *bufio.Writer, status int, msg string, closeConn bool) {
	body := msg + "\n"
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	fmt.Fprintf(bw, "Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nContent-Length: %d\r\n", len(body))
	if closeConn {
		io.WriteString(bw, "Connection: close\r\n")
	}
	io.WriteString(bw, "\r\n"+body)
	bw.Flush()
}
