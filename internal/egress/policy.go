package egress

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Decision is the proxy's verdict on one request. It is made before any
// upstream connection: Allowed means the policy admitted the request and
// the proxy went on to dial Addr; a dial that then fails is answered with
// 502 Bad Gateway but is not reported again.
type Decision struct {
	Time    time.Time
	Allowed bool
	Method  string // "CONNECT", "GET", … ("" if the request line did not parse)
	Target  string // what was asked for: "https://host:443" for CONNECT, the absolute URL for plain HTTP
	Addr    string // the ip:port dialed (allowed) or considered (denied), "" if none
	Reason  string // for denials: "link-local address", "port 22 not allowed", "not in the allow-list", …
}

// String renders a denial as
// "blocked http://169.254.169.254/latest: link-local address" and an allowed
// request as "allowed GET http://example.com/ (93.184.215.14:80)".
func (d Decision) String() string {
	if d.Allowed {
		return "allowed " + d.Method + " " + d.Target + " (" + d.Addr + ")"
	}
	t := d.Target
	if t == "" {
		t = d.Method
	}
	if t == "" {
		t = "request"
	}
	return "blocked " + t + ": " + d.Reason
}

const (
	defaultMaxRequests = 10_000
	defaultMaxBytes    = 1 << 30
	resolveTimeout     = 10 * time.Second
)

// policy is Policy with defaults applied and AllowHosts canonicalised.
type policy struct {
	allow       map[string]bool // canonical "host:port"
	deny        map[string]bool // canonical host names
	ports       map[int]bool
	public      bool
	maxRequests int64
	maxBytes    int64
}

func newPolicy(p Policy) policy {
	pol := policy{
		allow:       map[string]bool{},
		deny:        map[string]bool{},
		ports:       map[int]bool{},
		public:      p.Public,
		maxRequests: int64(p.MaxRequests),
		maxBytes:    p.MaxBytes,
	}
	for _, e := range p.AllowHosts {
		if k, err := canonicalHostPort(e); err == nil {
			pol.allow[k] = true
		}
	}
	for _, h := range p.DenyHosts {
		pol.deny[strings.TrimSuffix(strings.ToLower(h), ".")] = true
	}
	for _, port := range p.Ports {
		pol.ports[port] = true
	}
	if len(p.Ports) == 0 {
		pol.ports[80], pol.ports[443] = true, true
	}
	if pol.maxRequests <= 0 {
		pol.maxRequests = defaultMaxRequests
	}
	if pol.maxBytes <= 0 {
		pol.maxBytes = defaultMaxBytes
	}
	return pol
}

// canonicalHostPort parses an AllowHosts entry into the key that requests
// are matched against.
func canonicalHostPort(s string) (string, error) {
	hs, port, err := splitHostPort(s, 0)
	if err != nil {
		return "", err
	}
	h, err := parseHost(hs)
	if err != nil {
		return "", err
	}
	if h.ip.Zone() != "" {
		return "", errors.New("IPv6 zone identifiers are not allowed")
	}
	return h.canonical() + ":" + strconv.Itoa(port), nil
}

// verdict is the outcome of vetting one host:port.
type verdict struct {
	addr   netip.AddrPort // to dial if allowed; the address considered if denied (may be invalid)
	reason string         // "" if allowed
	status int            // HTTP status for a denial
}

func deny(status int, reason string) verdict { return verdict{reason: reason, status: status} }

// vet applies the policy to h:port. It resolves at most once, and only an
// allow-listed name or, with Public, a name that is not localhost.
func (p *Proxy) vet(h host, port int) verdict {
	if h.ip.Zone() != "" {
		return deny(http.StatusForbidden, "IPv6 zone identifier")
	}
	if p.pol.deny[h.canonical()] {
		return deny(http.StatusForbidden, "browser background service")
	}
	allowListed := p.pol.allow[h.canonical()+":"+strconv.Itoa(port)]
	if !allowListed && !p.pol.ports[port] {
		return deny(http.StatusForbidden, "port "+strconv.Itoa(port)+" not allowed")
	}
	pin := func(ip netip.Addr) verdict {
		return verdict{addr: netip.AddrPortFrom(ip.Unmap(), uint16(port))}
	}
	switch {
	case allowListed && h.literal():
		return pin(h.ip)
	case allowListed && h.localhost():
		return pin(netip.AddrFrom4([4]byte{127, 0, 0, 1}))
	case allowListed:
		ips, v := p.resolve(h.name)
		if v.reason != "" {
			return v
		}
		return pin(ips[0])
	case h.literal():
		if reason, denied := Denied(h.ip); denied {
			v := pin(h.ip)
			v.reason, v.status = reason, http.StatusForbidden
			return v
		}
		if !p.pol.public {
			return deny(http.StatusForbidden, "not in the allow-list")
		}
		return pin(h.ip)
	case h.localhost():
		return deny(http.StatusForbidden, "localhost is a loopback name")
	case !p.pol.public:
		return deny(http.StatusForbidden, "not in the allow-list")
	}
	ips, v := p.resolve(h.name)
	if v.reason != "" {
		return v
	}
	for _, ip := range ips { // any internal answer denies: mixed answers are a rebinding tell
		if reason, denied := Denied(ip); denied {
			v := pin(ip)
			v.reason, v.status = reason, http.StatusForbidden
			return v
		}
	}
	return pin(ips[0])
}

// resolve looks name up once.
func (p *Proxy) resolve(name string) ([]netip.Addr, verdict) {
	ctx, cancel := context.WithTimeout(p.ctx, resolveTimeout)
	defer cancel()
	ips, err := p.resolver.LookupNetIP(ctx, "ip", name)
	if err != nil {
		return nil, deny(http.StatusBadGateway, "cannot resolve: "+err.Error())
	}
	for _, ip := range ips {
		if !ip.IsValid() {
			return nil, deny(http.StatusBadGateway, "cannot resolve: invalid answer")
		}
	}
	if len(ips) == 0 {
		return nil, deny(http.StatusBadGateway, "cannot resolve: no addresses")
	}
	return ips, verdict{}
}
