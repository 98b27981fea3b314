package egress

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Policy decides what one run may reach. The zero Policy admits nothing.
type Policy struct {
	// AllowHosts are exact "host:port" entries admitted even if they
	// resolve into a denied range ("127.0.0.1:8080", "intranet.example:443",
	// "[::1]:8080"). Hosts compare case-insensitively and without a trailing
	// dot; IP literals compare as addresses, so "0x7f.1:8080" matches
	// "127.0.0.1:8080". Entries that do not parse never match (see Validate).
	AllowHosts []string
	// Ports are the ports allowed for everything not in AllowHosts
	// (default 80 and 443).
	Ports []int
	// Public makes public internet addresses on allowed ports reachable.
	// When false only AllowHosts are reachable, and no other name is even
	// resolved, so no DNS query leaves the machine.
	Public bool
	// MaxRequests caps the requests per proxy (default 10 000); beyond it
	// every request is refused.
	MaxRequests int
	// MaxBytes caps the bytes per proxy, both directions summed (default
	// 1 GiB); a tunnel or response that would exceed it is cut.
	MaxBytes int64
	// DenyHosts are host names refused on any port, before anything else
	// (even AllowHosts): Chromium's own background services, which no
	// script needs and which should not leave the sandbox.
	DenyHosts []string
}

// Validate reports AllowHosts entries that are not "host:port" with a valid
// host and port, and Ports outside 1..65535. New accepts such a Policy, but
// those entries never match anything.
func (p Policy) Validate() error {
	var errs []error
	for _, e := range p.AllowHosts {
		if _, err := canonicalHostPort(e); err != nil {
			errs = append(errs, errors.New("egress: allow-host "+strconv.Quote(e)+": "+err.Error()))
		}
	}
	for _, port := range p.Ports {
		if port < 1 || port > 65535 {
			errs = append(errs, errors.New("egress: port "+strconv.Itoa(port)+" out of range"))
		}
	}
	return errors.Join(errs...)
}

// Resolver looks names up; *net.Resolver implements it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Dialer opens upstream connections; *net.Dialer implements it. The proxy
// only ever passes "tcp" and a literal "ip:port".
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Options are the proxy's collaborators. The zero Options use the host's
// resolver and a plain dialer.
type Options struct {
	Resolver   Resolver       // default net.DefaultResolver
	Dialer     Dialer         // default &net.Dialer{Timeout: 10 * time.Second}
	OnDecision func(Decision) // called for every request, one at a time, in order; must not block long
}

// Proxy is an egress proxy enforcing one Policy. Its methods are safe for
// concurrent use.
type Proxy struct {
	pol      policy
	resolver Resolver
	dialer   Dialer
	onDec    func(Decision)

	ctx    context.Context // cancelled by Close: aborts lookups and dials
	cancel context.CancelFunc

	requests atomic.Int64
	bytes    atomic.Int64

	decMu sync.Mutex // serialises OnDecision

	mu        sync.Mutex
	closed    bool
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]struct{}
}

// New returns a proxy for p; it serves nothing until Serve.
func New(p Policy, o Options) *Proxy {
	px := &Proxy{
		pol:       newPolicy(p),
		resolver:  o.Resolver,
		dialer:    o.Dialer,
		onDec:     o.OnDecision,
		listeners: map[net.Listener]struct{}{},
		conns:     map[net.Conn]struct{}{},
	}
	if px.resolver == nil {
		px.resolver = net.DefaultResolver
	}
	if px.dialer == nil {
		px.dialer = &net.Dialer{Timeout: 10 * time.Second}
	}
	px.ctx, px.cancel = context.WithCancel(context.Background())
	return px
}

// Serve accepts connections on l and serves each in its own goroutine. It
// returns nil once Close is called, or the accept error once l fails (for
// example because the caller closed it). Serve closes l when it returns.
func (p *Proxy) Serve(l net.Listener) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		l.Close()
		return nil
	}
	p.listeners[l] = struct{}{}
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.listeners, l)
		p.mu.Unlock()
		l.Close()
	}()
	backoff := 5 * time.Millisecond
	for {
		c, err := l.Accept()
		if err != nil {
			if p.isClosed() {
				return nil
			}
			if temporaryAcceptError(err) {
				time.Sleep(backoff)
				backoff = min(2*backoff, time.Second)
				continue
			}
			return err
		}
		backoff = 5 * time.Millisecond
		if !p.track(c) {
			continue
		}
		go p.serveConn(c)
	}
}

// temporaryAcceptError reports accept errors worth retrying (out of file
// descriptors, a connection aborted before it was accepted).
func temporaryAcceptError(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ECONNABORTED, syscall.ENOBUFS, syscall.ENOMEM} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Close closes every listener passed to Serve and every open client and
// upstream connection, which ends all tunnels, and aborts pending lookups and
// dials. It is idempotent and always returns nil.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	ls, cs := p.listeners, p.conns
	p.listeners, p.conns = map[net.Listener]struct{}{}, map[net.Conn]struct{}{}
	p.mu.Unlock()
	p.cancel()
	for l := range ls {
		l.Close()
	}
	for c := range cs {
		c.Close()
	}
	return nil
}

// Stats returns the number of requests seen so far (including refused and
// malformed ones) and the bytes carried to and from upstreams.
func (p *Proxy) Stats() (requests int, bytes int64) {
	return int(p.requests.Load()), p.bytes.Load()
}

func (p *Proxy) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// track registers c so Close can close it. It closes c and returns false if
// the proxy is already closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

// untrack closes c and forgets it.
func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// reserve takes up to n bytes from the byte budget and returns how many it
// took: fewer than n once the budget runs out.
func (p *Proxy) reserve(n int) int {
	for {
		cur := p.bytes.Load()
		k := min(int64(n), p.pol.maxBytes-cur)
		if k <= 0 {
			return 0
		}
		if p.bytes.CompareAndSwap(cur, cur+k) {
			return int(k)
		}
	}
}

// remaining is what is left of the byte budget.
func (p *Proxy) remaining() int64 { return p.pol.maxBytes - p.bytes.Load() }

// decide stamps d and hands it to OnDecision.
func (p *Proxy) decide(d Decision) {
	p.decMu.Lock()
	defer p.decMu.Unlock()
	d.Time = time.Now()
	if p.onDec != nil {
		p.onDec(d)
	}
}
