package egress

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
)

// host is a parsed request host: exactly one of ip and name is set.
type host struct {
	ip   netip.Addr // an IP literal, as written (not unmapped; may carry a zone)
	name string     // a DNS name: lower case ASCII, no trailing dot
}

// literal reports whether h is an IP literal.
func (h host) literal() bool { return h.ip.IsValid() }

// localhost reports whether h is the name localhost or a name under it,
// which browsers treat as loopback without asking DNS.
func (h host) localhost() bool {
	return h.name == "localhost" || strings.HasSuffix(h.name, ".localhost")
}

// canonical is the form used to match AllowHosts: the unmapped IP
// (bracketed if IPv6) or the name.
func (h host) canonical() string {
	if h.literal() {
		ip := h.ip.Unmap()
		if ip.Is6() {
			return "[" + ip.String() + "]"
		}
		return ip.String()
	}
	return h.name
}

var (
	errEmptyHost   = errors.New("empty host")
	errInvalidHost = errors.New("invalid host")
	errBadPort     = errors.New("invalid port")
)

// parseHost parses the host part of a request target the way a browser's
// URL parser would (WHATWG host parsing, minus IDNA: non-ASCII is refused
// because browsers send punycode). Anything that ends in a number is an IPv4
// address in one of the legacy forms (2130706433, 0177.0.0.1, 0x7f.1, 127.1)
// or invalid; it is never a name, so it never reaches a resolver.
func parseHost(s string) (host, error) {
	if s == "" {
		return host{}, errEmptyHost
	}
	if s[0] == '[' {
		if len(s) < 3 || s[len(s)-1] != ']' {
			return host{}, errInvalidHost
		}
		ip, err := netip.ParseAddr(s[1 : len(s)-1])
		if err != nil || !ip.Is6() {
			return host{}, errInvalidHost
		}
		return host{ip: ip}, nil
	}
	if len(s) > 253+1 {
		return host{}, errInvalidHost
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			b[i] = c + ('a' - 'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '.', c == '_':
		default:
			// Non-ASCII, '%', ':', '[', '@', spaces, controls, … are
			// forbidden host code points or would need IDNA.
			return host{}, errInvalidHost
		}
	}
	s = string(b)
	if endsInNumber(s) {
		ip, ok := parseIPv4(s)
		if !ok {
			return host{}, errInvalidHost
		}
		return host{ip: ip}, nil
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return host{}, errInvalidHost
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 {
			return host{}, errInvalidHost
		}
	}
	return host{name: s}, nil
}

// endsInNumber is the WHATWG "ends in a number" checker.
func endsInNumber(s string) bool {
	parts := strings.Split(s, ".")
	if parts[len(parts)-1] == "" {
		if len(parts) == 1 {
			return false
		}
		parts = parts[:len(parts)-1]
	}
	last := parts[len(parts)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	_, ok := parseIPv4Number(last)
	return ok
}

// parseIPv4 is the WHATWG IPv4 parser: one to four dot-separated numbers,
// each decimal, octal (leading 0) or hex (leading 0x); the last one fills
// the remaining bytes.
func parseIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, ok := parseIPv4Number(p)
		if !ok {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 && n > 255 {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, false
	}
	v := uint32(last)
	for i, n := range nums[:len(nums)-1] {
		v |= uint32(n) << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// parseIPv4Number is the WHATWG IPv4 number parser. Values beyond 2^32 are
// clamped to 2^32, which every caller rejects.
func parseIPv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	base := uint64(10)
	switch {
	case len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X"):
		s, base = s[2:], 16
	case len(s) >= 2 && s[0] == '0':
		s, base = s[1:], 8
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		var d uint64
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false
		}
		if d >= base {
			return 0, false
		}
		if n = n*base + d; n > 1<<32 {
			n = 1 << 32
		}
	}
	return n, true
}

// splitHostPort splits "host:port", "[v6]:port", and, when defPort is not
// zero, "host" or "[v6]" alone (absolute-form URLs may omit the port). An
// empty port after the colon also means defPort. The port must be decimal
// and in 1..65535.
func splitHostPort(s string, defPort int) (string, int, error) {
	var h, p string
	hasPort := false
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", 0, errInvalidHost
		}
		h, p = s[:end+1], s[end+1:]
		if p != "" {
			if p[0] != ':' {
				return "", 0, errInvalidHost
			}
			p, hasPort = p[1:], true
		}
	} else {
		i := strings.LastIndexByte(s, ':')
		if i < 0 {
			h = s
		} else {
			h, p, hasPort = s[:i], s[i+1:], true
		}
		if strings.ContainsAny(h, ":[]") {
			return "", 0, errInvalidHost // an unbracketed IPv6 literal or worse
		}
	}
	if h == "" {
		return "", 0, errEmptyHost
	}
	if !hasPort || p == "" {
		if defPort == 0 {
			return "", 0, errBadPort
		}
		return h, defPort, nil
	}
	if len(p) > 10 || strings.Trim(p, "0123456789") != "" {
		return "", 0, errBadPort
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 1 || port > 65535 {
		return "", 0, errBadPort
	}
	return h, port, nil
}
