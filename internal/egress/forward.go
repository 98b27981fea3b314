package egress

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// maxResponseHeaderBytes bounds what an upstream may make the proxy buffer.
const maxResponseHeaderBytes = 1 << 20

var errByteLimit = errors.New("byte limit reached")

// forward sends req to up (already dialed at the vetted address) and relays
// the response to the client. It reports whether the client connection may
// carry another request.
func (p *Proxy) forward(c net.Conn, bw *bufio.Writer, req *http.Request, up *countedConn) bool {
	out := outgoing(req)
	if req.Body != http.NoBody && req.ProtoAtLeast(1, 1) && strings.EqualFold(req.Header.Get("Expect"), "100-continue") {
		io.WriteString(bw, "HTTP/1.1 100 Continue\r\n\r\n")
		if bw.Flush() != nil {
			return false
		}
	}
	var body *eofReader
	if req.Body != http.NoBody {
		body = &eofReader{ReadCloser: req.Body}
		out.Body = body
	}
	written := make(chan error, 1)
	go func() {
		uw := &errWriter{w: up}
		ubw := bufio.NewWriter(uw)
		err := out.Write(ubw)
		if err == nil {
			err = ubw.Flush()
		}
		if err != nil && uw.err == nil {
			// Not the upstream's fault (the client's body broke off): it
			// would wait for the rest forever.
			up.Close()
		}
		written <- err
	}()

	lr := &io.LimitedReader{R: up, N: maxResponseHeaderBytes}
	resp, err := readFinalResponse(bufio.NewReader(lr), out, bw)
	tooLarge := lr.N == 0
	lr.N = math.MaxInt64
	keep := false
	if err != nil {
		if tooLarge {
			err = errors.New("upstream response header too large")
		}
		writeGatewayError(bw, err, true)
	} else {
		keep = relay(bw, resp, req) && !req.Close
	}
	up.Close() // unblocks the writer if it is stuck on the upstream
	select {
	case <-written:
	case <-time.After(time.Second):
		// Stuck reading a request body the client is still sending
		// although the upstream has answered: give up on the body.
		c.SetReadDeadline(time.Now())
		<-written
	}
	// Another request may follow only if this one's body was read to the end.
	return keep && (body == nil || body.eof.Load())
}

// errWriter records whether writing to w failed.
type errWriter struct {
	w   io.Writer
	err error
}

func (w *errWriter) Write(b []byte) (int, error) {
	n, err := w.w.Write(b)
	if err != nil {
		w.err = err
	}
	return n, err
}

// eofReader records whether a request body was read to its end.
type eofReader struct {
	io.ReadCloser
	eof atomic.Bool
}

func (r *eofReader) Read(b []byte) (int, error) {
	n, err := r.ReadCloser.Read(b)
	if err == io.EOF {
		r.eof.Store(true)
	}
	return n, err
}

// readFinalResponse reads the upstream's response, passing informational
// (1xx) responses on to the client.
func readFinalResponse(ubr *bufio.Reader, out *http.Request, bw *bufio.Writer) (*http.Response, error) {
	for {
		resp, err := http.ReadResponse(ubr, out)
		if err != nil {
			return nil, err
		}
		switch code := resp.StatusCode; {
		case code == http.StatusSwitchingProtocols:
			resp.Body.Close()
			return nil, errors.New("upstream switched protocols without being asked")
		case code == http.StatusContinue:
			// Expect was answered by the proxy and not forwarded.
		case code >= 100 && code < 200:
			removeHopHeaders(resp.Header)
			fmt.Fprintf(bw, "HTTP/1.1 %s\r\n", resp.Status)
			resp.Header.Write(bw)
			io.WriteString(bw, "\r\n")
			if err := bw.Flush(); err != nil {
				return nil, err
			}
		default:
			return resp, nil
		}
	}
}

// relay writes the upstream's final response to the client as is, minus
// hop-by-hop headers, and reports whether its framing lets the client
// connection carry another request.
func relay(bw *bufio.Writer, resp *http.Response, req *http.Request) bool {
	defer resp.Body.Close()
	removeHopHeaders(resp.Header)
	resp.Proto, resp.ProtoMajor, resp.ProtoMinor = "HTTP/1.1", 1, 1
	chunked := len(resp.TransferEncoding) > 0 && resp.TransferEncoding[0] == "chunked"
	if chunked && !req.ProtoAtLeast(1, 1) {
		// HTTP/1.0 clients do not know chunking: the body ends at close.
		resp.TransferEncoding, resp.ContentLength, chunked = nil, -1, false
	}
	// Without a length or chunking the body ends at close (Response.Write
	// does the same; mirrored here to know whether to keep the client).
	resp.Close = req.Close || (resp.ContentLength < 0 && !chunked) ||
		(resp.ContentLength == 0 && resp.Body != http.NoBody && !chunked)
	// A body of unknown length may be a stream (Server-Sent Events, long
	// polling): pass on each piece as it arrives instead of when the
	// response ends.
	var w io.Writer = bw
	if resp.ContentLength < 0 {
		w = flushingWriter{bw}
	}
	err := resp.Write(w)
	if ferr := bw.Flush(); err == nil { // a cut body still goes out, truncated
		err = ferr
	}
	return err == nil && !resp.Close
}

// flushingWriter flushes after every write.
type flushingWriter struct{ bw *bufio.Writer }

func (f flushingWriter) Write(p []byte) (int, error) {
	n, err := f.bw.Write(p)
	if err == nil {
		err = f.bw.Flush()
	}
	return n, err
}

// countedConn charges every byte read or written to the proxy's byte
// budget, and cuts the connection when the budget runs out.
type countedConn struct {
	net.Conn
	p *Proxy
}

func (c *countedConn) Read(b []byte) (int, error) {
	if rem := c.p.remaining(); rem <= 0 {
		c.Conn.Close()
		return 0, errByteLimit
	} else if int64(len(b)) > rem {
		b = b[:rem] // read no more than may be forwarded
	}
	n, err := c.Conn.Read(b)
	if k := c.p.reserve(n); k < n {
		// Another direction took part of the budget meanwhile: hand on
		// what is paid for, and the next Read fails.
		c.Conn.Close()
		if k == 0 {
			return 0, errByteLimit
		}
		return k, nil
	}
	return n, err
}

func (c *countedConn) Write(b []byte) (int, error) {
	k := c.p.reserve(len(b))
	if k == len(b) {
		return c.Conn.Write(b)
	}
	// Forward what the budget allows, then cut.
	n := 0
	if k > 0 {
		n, _ = c.Conn.Write(b[:k])
	}
	c.Conn.Close()
	return n, errByteLimit
}

// CloseWrite half-closes the connection if the underlying one can.
func (c *countedConn) CloseWrite() error {
	if cw, ok := c.Conn.(closeWriter); ok {
		return cw.CloseWrite()
	}
	return errNoHalfClose
}

type closeWriter interface{ CloseWrite() error }

var errNoHalfClose = errors.New("connection cannot half-close")

// splice copies ar→b and b→a until both directions have ended. A direction
// that ends cleanly half-closes its destination; an error, or a destination
// that cannot half-close, closes both connections at once.
func splice(a net.Conn, ar io.Reader, b net.Conn) {
	errc := make(chan error, 2)
	cp := func(dst net.Conn, src io.Reader) {
		_, err := io.Copy(dst, src)
		if err == nil {
			err = errNoHalfClose
			if cw, ok := dst.(closeWriter); ok {
				err = cw.CloseWrite()
			}
		}
		errc <- err
	}
	go cp(b, ar)
	go cp(a, b)
	for range 2 {
		if err := <-errc; err != nil {
			a.Close()
			b.Close()
		}
	}
}
