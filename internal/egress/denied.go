package egress

import "net/netip"

// deniedRange is one entry of the deny list.
type deniedRange struct {
	prefix netip.Prefix
	reason string
}

// denyList is checked in order, so more specific prefixes come first. It is
// the list measured in the design note os-sandbox.md §4.1 plus a few newer
// special-purpose blocks; IPv6 outside 2000::/3 (not global unicast) is
// denied as a whole at the end.
var denyList = func() []deniedRange {
	list := []struct{ cidr, reason string }{
		// IPv4
		{"0.0.0.0/32", "unspecified address"},
		{"0.0.0.0/8", "this-network address"},
		{"10.0.0.0/8", "private address"},
		{"100.64.0.0/10", "carrier-grade NAT address"},
		{"127.0.0.0/8", "loopback address"},
		{"169.254.0.0/16", "link-local address"},
		{"172.16.0.0/12", "private address"},
		{"192.0.0.0/24", "reserved address"},
		{"192.0.2.0/24", "documentation address"},
		{"192.88.99.0/24", "6to4 relay anycast address"},
		{"192.168.0.0/16", "private address"},
		{"198.18.0.0/15", "benchmarking address"},
		{"198.51.100.0/24", "documentation address"},
		{"203.0.113.0/24", "documentation address"},
		{"224.0.0.0/4", "multicast address"},
		{"255.255.255.255/32", "broadcast address"},
		{"240.0.0.0/4", "reserved address"},
		// IPv6 (IPv4-mapped forms are unmapped before this list is consulted)
		{"::/128", "unspecified address"},
		{"::1/128", "loopback address"},
		{"::/96", "IPv4-compatible address"},
		{"::ffff:0:0:0/96", "IPv4-translated address"},
		{"64:ff9b::/96", "NAT64 address"},
		{"64:ff9b:1::/48", "NAT64 address"},
		{"100::/64", "discard-only address"},
		{"2001::/32", "Teredo address"},
		{"2001:db8::/32", "documentation address"},
		{"2001::/23", "reserved address"},
		{"2002::/16", "6to4 address"},
		{"3fff::/20", "documentation address"},
		{"5f00::/16", "reserved address"},
		{"fd00:ec2::254/128", "IPv6 unique local address"}, // the AWS IMDS IPv6 endpoint
		{"fc00::/7", "IPv6 unique local address"},
		{"fe80::/10", "link-local address"},
		{"fec0::/10", "site-local address"},
		{"ff00::/8", "multicast address"},
	}
	out := make([]deniedRange, len(list))
	for i, e := range list {
		out[i] = deniedRange{netip.MustParsePrefix(e.cidr), e.reason}
	}
	return out
}()

// globalUnicast6 is the only IPv6 block with public unicast addresses.
var globalUnicast6 = netip.MustParsePrefix("2000::/3")

// Denied reports whether ip is in a denied range and names the range
// ("loopback address", "private address", "link-local address",
// "carrier-grade NAT address", "multicast address", "documentation address",
// "reserved address", "unspecified address", "IPv6 unique local address",
// "NAT64 address", "6to4 address", "Teredo address", …).
//
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are judged as the IPv4 address
// they carry. Addresses with an IPv6 zone are always denied, as is the
// invalid zero Addr. IPv6 outside 2000::/3 is denied as reserved even where
// no more specific range names it.
func Denied(ip netip.Addr) (reason string, denied bool) {
	if !ip.IsValid() {
		return "invalid address", true
	}
	if ip.Zone() != "" {
		return "IPv6 zone identifier", true
	}
	ip = ip.Unmap()
	for _, r := range denyList {
		if r.prefix.Contains(ip) {
			return r.reason, true
		}
	}
	if ip.Is6() && !globalUnicast6.Contains(ip) {
		return "reserved address", true
	}
	return "", false
}
