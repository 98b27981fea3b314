package egress

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestDenied(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ ip, reason string }{
		{"169.254.169.254", "link-local address"},
		{"::ffff:169.254.169.254", "link-local address"},
		{"10.1.2.3", "private address"},
		{"172.16.0.0", "private address"},
		{"172.31.255.255", "private address"},
		{"192.168.0.1", "private address"},
		{"100.64.0.1", "carrier-grade NAT address"},
		{"100.127.255.255", "carrier-grade NAT address"},
		{"127.0.0.1", "loopback address"},
		{"127.255.255.254", "loopback address"},
		{"::ffff:127.0.0.2", "loopback address"},
		{"::1", "loopback address"},
		{"0.0.0.0", "unspecified address"},
		{"0.1.2.3", "this-network address"},
		{"::", "unspecified address"},
		{"224.0.0.1", "multicast address"},
		{"239.255.255.250", "multicast address"},
		{"ff02::1", "multicast address"},
		{"255.255.255.255", "broadcast address"},
		{"240.0.0.1", "reserved address"},
		{"192.0.0.170", "reserved address"},
		{"192.0.2.1", "documentation address"},
		{"198.51.100.7", "documentation address"},
		{"203.0.113.9", "documentation address"},
		{"2001:db8::1", "documentation address"},
		{"3fff::1", "documentation address"},
		{"198.18.0.1", "benchmarking address"},
		{"192.88.99.1", "6to4 relay anycast address"},
		{"fd00:ec2::254", "IPv6 unique local address"},
		{"fc00::1", "IPv6 unique local address"},
		{"fe80::1", "link-local address"},
		{"fe80::1%eth0", "IPv6 zone identifier"},
		{"fec0::1", "site-local address"},
		{"64:ff9b::a9fe:a9fe", "NAT64 address"},
		{"64:ff9b::808:808", "NAT64 address"},
		{"64:ff9b:1::1", "NAT64 address"},
		{"2002:a9fe:a9fe::", "6to4 address"},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo address"},
		{"2001:2::1", "reserved address"},
		{"100::1", "discard-only address"},
		{"::7f00:1", "IPv4-compatible address"},
		{"::ffff:0:7f00:1", "IPv4-translated address"},
		{"4000::1", "reserved address"},
		{"5f00::1", "reserved address"},
	} {
		reason, denied := Denied(netip.MustParseAddr(tc.ip))
		if !denied || reason != tc.reason {
			t.Errorf("Denied(%s) = %q, %v; want %q", tc.ip, reason, denied, tc.reason)
		}
	}
	for _, ip := range []string{"93.184.216.34", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0",
		"172.15.255.255", "172.32.0.0", "169.253.255.255", "::ffff:8.8.8.8", "2606:4700:4700::1111", "2a00:1450::1"} {
		if reason, denied := Denied(netip.MustParseAddr(ip)); denied {
			t.Errorf("Denied(%s) = %q, want allowed", ip, reason)
		}
	}
	if _, denied := Denied(netip.Addr{}); !denied {
		t.Error("the zero Addr is not denied")
	}
}

func TestParseHost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, ip, name string }{
		{"2130706433", "127.0.0.1", ""},
		{"0177.0.0.1", "127.0.0.1", ""},
		{"0x7f.1", "127.0.0.1", ""},
		{"0X7F.0X0.0.01", "127.0.0.1", ""},
		{"127.1", "127.0.0.1", ""},
		{"127.0.1", "127.0.0.1", ""},
		{"127.0.0.1.", "127.0.0.1", ""},
		{"0x", "0.0.0.0", ""},
		{"0xa9fea9fe", "169.254.169.254", ""},
		{"169.254.43518", "169.254.169.254", ""},
		{"169.16689662", "169.254.169.254", ""},
		{"4294967295", "255.255.255.255", ""},
		{"[::1]", "::1", ""},
		{"[::ffff:7f00:2]", "::ffff:127.0.0.2", ""},
		{"[fe80::1%eth0]", "fe80::1%eth0", ""},
		{"Example.COM.", "", "example.com"},
		{"localhost.", "", "localhost"},
		{"0xg.example", "", "0xg.example"},
		{"1.2.3.a", "", "1.2.3.a"},
		{"under_score.test", "", "under_score.test"},
	} {
		h, err := parseHost(tc.in)
		if err != nil {
			t.Errorf("parseHost(%q): %v", tc.in, err)
			continue
		}
		var want host
		if tc.ip != "" {
			want.ip = netip.MustParseAddr(tc.ip)
		}
		want.name = tc.name
		if h != want {
			t.Errorf("parseHost(%q) = %+v, want %+v", tc.in, h, want)
		}
	}
	for _, in := range []string{"", ".", "a..b", "foo.123", "1.2.3.4.5", "256.0.0.1", "1.256.0.1", "4294967296",
		"0x100000000", "08.0.0.1", "1.2.3.09", "[127.0.0.1]", "[::1", "::1", "ex ample.com", "a%2eb", "exämple.com",
		"ｅxample.com", "１２７.０.０.１", "a/b", "a@b", strings.Repeat("a", 64) + ".test", strings.Repeat("a.", 130) + "test"} {
		if h, err := parseHost(in); err == nil {
			t.Errorf("parseHost(%q) = %+v, want an error", in, h)
		}
	}
}

func TestCanonicalHostPort(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"127.0.0.1:8080":         "127.0.0.1:8080",
		"0x7f.1:8080":            "127.0.0.1:8080",
		"[::ffff:127.0.0.1]:80":  "127.0.0.1:80",
		"[::1]:8080":             "[::1]:8080",
		"Intranet.Example.:443":  "intranet.example:443",
		"LOCALHOST:3000":         "localhost:3000",
		"[2001:DB8::1]:0443":     "[2001:db8::1]:443",
		"allowed.test:65535":     "allowed.test:65535",
		"under_score.example:80": "under_score.example:80",
	} {
		if got, err := canonicalHostPort(in); err != nil || got != want {
			t.Errorf("canonicalHostPort(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{"127.0.0.1", "host:", ":80", "host:http", "[fe80::1%eth0]:80", "::1:80", "foo.123:80", "a:0"}
	for _, in := range bad {
		if got, err := canonicalHostPort(in); err == nil {
			t.Errorf("canonicalHostPort(%q) = %q, want an error", in, got)
		}
	}
	if err := (Policy{AllowHosts: bad[:3], Ports: []int{0}}).Validate(); err == nil || strings.Count(err.Error(), "\n") != 3 {
		t.Errorf("Validate = %v, want four errors", err)
	}
	if err := (Policy{AllowHosts: []string{"127.0.0.1:80"}, Ports: []int{8080}}).Validate(); err != nil {
		t.Errorf("Validate = %v", err)
	}
}

// looksNumeric is an oracle independent of parseHost: a host every label of
// which could be a C inet_aton number (decimal, 0-octal, 0x-hex), or whose
// last label is all digits. getaddrinfo would treat the first kind as an
// address without asking DNS; browsers treat both kinds as IPv4.
var numericLabel = regexp.MustCompile(`^(0[xX][0-9a-fA-F]*|[0-9]+)$`)

func looksNumeric(s string) bool {
	labels := strings.Split(strings.TrimSuffix(s, "."), ".")
	if last := labels[len(labels)-1]; last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	return !slices.ContainsFunc(labels, func(l string) bool { return !numericLabel.MatchString(l) })
}

// FuzzParseHost: parseHost never panics; a host that parses as a name is
// lower-case, has no trailing dot and does not look numeric; and vetting it
// asks the resolver for that name only, or for nothing at all.
func FuzzParseHost(f *testing.F) {
	for _, s := range []string{"2130706433", "0177.0.0.1", "0x7f.1", "127.1", "127.0.0.1.", "[::ffff:7f00:2]",
		"[fe80::1%eth0]", "localhost.", "LOCALHOST", "a.localhost", "example.com", "foo.123", "0x", "0xg", "1.2.3.4.5",
		"08", "0.0.0.0.", "..", "[::1]", "xn--nxasmq6b.test", "a..b", "4294967296", "1e1", "0x7F.0x00.0.1."} {
		f.Add(s)
	}
	res := newResolver(nil)
	p := New(Policy{Public: true, Ports: []int{80}}, Options{Resolver: res, Dialer: &recordingDialer{}})
	f.Cleanup(func() { p.Close() })
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseHost(s)
		if err != nil {
			return
		}
		if h.literal() == (h.name != "") {
			t.Fatalf("parseHost(%q) = %+v: want exactly one of ip and name", s, h)
		}
		if !h.literal() {
			if looksNumeric(h.name) || looksNumeric(s) {
				t.Fatalf("parseHost(%q) = name %q, but it looks numeric", s, h.name)
			}
			if h.name != strings.ToLower(h.name) || strings.HasSuffix(h.name, ".") {
				t.Fatalf("parseHost(%q) = name %q, not canonical", s, h.name)
			}
		}
		before := len(res.names())
		p.vet(h, 80)
		asked := res.names()[before:]
		switch {
		case h.literal() && len(asked) != 0:
			t.Fatalf("vetting literal %q asked the resolver for %q", s, asked)
		case !h.literal() && h.localhost() && len(asked) != 0:
			t.Fatalf("vetting localhost name %q asked the resolver for %q", s, asked)
		case len(asked) > 1 || len(asked) == 1 && asked[0] != h.name:
			t.Fatalf("vetting %q asked the resolver for %q", s, asked)
		}
	})
}
