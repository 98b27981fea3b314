package egress

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// names the fake resolver knows in TestVet. Nothing here is ever dialed:
// the recording dialer refuses every address.
var vetNames = map[string]string{
	"metadata.test": "169.254.169.254",
	"rebind.test":   "93.184.216.34,10.0.0.5",
	"rebind6.test":  "2606:2800:220:1:248:1893:25c8:1946,fd00::1",
	"public.test":   "93.184.216.34",
	"public6.test":  "2606:2800:220:1:248:1893:25c8:1946",
	"mapped.test":   "::ffff:169.254.169.254",
}

func TestVet(t *testing.T) {
	t.Parallel()
	cases := []struct {
		line   string // request line; req() adds the rest
		public bool
		status int
		reason string // "" means allowed
		addr   string // Decision.Addr
		asked  []string
	}{
		// The metadata address, literally and through names.
		{"GET http://169.254.169.254/latest", true, 403, "link-local address", "169.254.169.254:80", nil},
		{"CONNECT 169.254.169.254:443", true, 403, "link-local address", "169.254.169.254:443", nil},
		{"GET http://metadata.test/latest", true, 403, "link-local address", "169.254.169.254:80", []string{"metadata.test"}},
		{"GET http://mapped.test/", true, 403, "link-local address", "169.254.169.254:80", []string{"mapped.test"}},
		{"GET http://[::ffff:a9fe:a9fe]/latest", true, 403, "link-local address", "169.254.169.254:80", nil},
		{"GET http://[fd00:ec2::254]/latest", true, 403, "IPv6 unique local address", "[fd00:ec2::254]:80", nil},
		{"GET http://2852039166/", true, 403, "link-local address", "169.254.169.254:80", nil},
		{"GET http://0251.0376.0251.0376/", true, 403, "link-local address", "169.254.169.254:80", nil},
		{"GET http://0xa9fea9fe/", true, 403, "link-local address", "169.254.169.254:80", nil},
		{"GET http://169.254.43518/", true, 403, "link-local address", "169.254.169.254:80", nil},
		// Private, CGNAT, loopback.
		{"GET http://10.0.0.1/", true, 403, "private address", "10.0.0.1:80", nil},
		{"GET http://172.16.0.1/", true, 403, "private address", "172.16.0.1:80", nil},
		{"GET http://172.31.255.254/", true, 403, "private address", "172.31.255.254:80", nil},
		{"GET http://192.168.1.1/", true, 403, "private address", "192.168.1.1:80", nil},
		{"GET http://100.64.0.1/", true, 403, "carrier-grade NAT address", "100.64.0.1:80", nil},
		{"GET http://127.0.0.2/", true, 403, "loopback address", "127.0.0.2:80", nil},
		{"GET http://2130706433/", true, 403, "loopback address", "127.0.0.1:80", nil},
		{"GET http://0177.0.0.1/", true, 403, "loopback address", "127.0.0.1:80", nil},
		{"GET http://0x7f.1/", true, 403, "loopback address", "127.0.0.1:80", nil},
		{"GET http://0X7F.0.0.1./", true, 403, "loopback address", "127.0.0.1:80", nil},
		{"GET http://127.1/", true, 403, "loopback address", "127.0.0.1:80", nil},
		{"GET http://10.1/", true, 403, "private address", "10.0.0.1:80", nil},
		{"CONNECT 0x7f000001:443", true, 403, "loopback address", "127.0.0.1:443", nil},
		{"GET http://[::ffff:7f00:2]/", true, 403, "loopback address", "127.0.0.2:80", nil},
		{"GET http://[::1]/", true, 403, "loopback address", "[::1]:80", nil},
		{"CONNECT [::1]:443", true, 403, "loopback address", "[::1]:443", nil},
		{"GET http://[0:0:0:0:0:ffff:127.0.0.1]/", true, 403, "loopback address", "127.0.0.1:80", nil},
		{"GET http://[fe80::1%25eth0]/", true, 403, "IPv6 zone identifier", "", nil},
		{"CONNECT [fe80::1%25lo]:443", true, 403, "IPv6 zone identifier", "", nil},
		{"GET http://[64:ff9b::a9fe:a9fe]/", true, 403, "NAT64 address", "[64:ff9b::a9fe:a9fe]:80", nil},
		{"GET http://localhost/", true, 403, "localhost is a loopback name", "", nil},
		{"GET http://LOCALHOST./", true, 403, "localhost is a loopback name", "", nil},
		{"CONNECT api.LocalHost:443", true, 403, "localhost is a loopback name", "", nil},
		// DNS rebinding: any internal answer denies, whatever its position.
		{"GET http://rebind.test/", true, 403, "private address", "10.0.0.5:80", []string{"rebind.test"}},
		{"CONNECT rebind6.test:443", true, 403, "IPv6 unique local address", "[fd00::1]:443", []string{"rebind6.test"}},
		// Ports.
		{"GET http://93.184.216.34:22/", true, 403, "port 22 not allowed", "", nil},
		{"CONNECT public.test:22", true, 403, "port 22 not allowed", "", nil},
		{"CONNECT 169.254.169.254:22", true, 403, "port 22 not allowed", "", nil},
		// Public addresses: allowed, pinned; the recording dialer refuses (502).
		{"CONNECT 93.184.216.34:443", true, 502, "", "93.184.216.34:443", nil},
		{"GET http://public.test/x", true, 502, "", "93.184.216.34:80", []string{"public.test"}},
		{"GET http://PUBLIC.test.:443/x", true, 502, "", "93.184.216.34:443", []string{"public.test"}},
		{"CONNECT public6.test:443", true, 502, "", "[2606:2800:220:1:248:1893:25c8:1946]:443", []string{"public6.test"}},
		{"GET http://nx.test/", true, 502, "cannot resolve: lookup nx.test: no such host", "", []string{"nx.test"}},
		// Public=false: nothing outside the allow-list, and nothing resolved.
		{"GET http://public.test/", false, 403, "not in the allow-list", "", nil},
		{"CONNECT public.test:443", false, 403, "not in the allow-list", "", nil},
		{"CONNECT 93.184.216.34:443", false, 403, "not in the allow-list", "", nil},
		{"GET http://metadata.test/", false, 403, "not in the allow-list", "", nil},
		{"GET http://169.254.169.254/", false, 403, "link-local address", "169.254.169.254:80", nil},
		// Not a host at all; never resolved.
		{"GET http://foo.123/", true, 400, "invalid host", "", nil},
		{"GET http://1.2.3.4.5/", true, 400, "invalid host", "", nil},
		{"GET http://256.256.256.256/", true, 400, "invalid host", "", nil},
		{"GET http://0x100000000/", true, 400, "invalid host", "", nil},
		{"GET http://a..b/", true, 400, "invalid host", "", nil},
		{"CONNECT public.test", true, 400, "invalid port", "", nil},
		{"CONNECT public.test:0", true, 400, "invalid port", "", nil},
		{"CONNECT public.test:65536", true, 400, "invalid port", "", nil},
		{"CONNECT ::1:443", true, 400, "malformed request", "", nil},
		{"CONNECT [127.0.0.1]:443", true, 400, "malformed request", "", nil},
		{"CONNECT /foo", true, 400, "CONNECT needs host:port", "", nil},
		// Not absolute-form plain HTTP.
		{"GET /x", true, 400, "not an absolute-form request", "", nil},
		{"OPTIONS *", true, 400, "not an absolute-form request", "", nil},
		{"GET https://public.test/", true, 400, `scheme "https" not supported (use CONNECT)`, "", nil},
		{"GET ftp://public.test/", true, 400, `scheme "ftp" not supported (use CONNECT)`, "", nil},
		{"GET http://user@public.test/", true, 400, "malformed URL", "", nil},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.line, "/", "_"), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Policy{Public: tc.public}, vetNames)
			resp, body := h.do(t, req(tc.line))
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d (%s)", resp.StatusCode, tc.status, body)
			}
			d := h.only(t)
			if d.Allowed != (tc.reason == "") || d.Reason != tc.reason || d.Addr != tc.addr {
				t.Errorf("decision %+v, want reason %q addr %q", d, tc.reason, tc.addr)
			}
			if got := h.res.names(); !slices.Equal(got, tc.asked) {
				t.Errorf("resolver asked %q, want %q", got, tc.asked)
			}
			var wantDialed []string
			if d.Allowed {
				wantDialed = []string{tc.addr}
			}
			if got := h.dial.addrs(); !slices.Equal(got, wantDialed) {
				t.Errorf("dialed %q, want %q", got, wantDialed)
			}
			if !d.Allowed && !strings.Contains(body, d.String()) {
				t.Errorf("body %q does not explain %q", body, d.String())
			}
		})
	}
}

func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"FOO\r\n\r\n",
		"GET http://public.test/ HTTP/1.1\r\nBad Header\r\n\r\n",
		"GET http://public.test/ HTTP/9.9\r\n\r\n",
		"CONNECT http://[::1 HTTP/1.1\r\n\r\n",
	} {
		t.Run(firstLine(raw), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Policy{Public: true}, vetNames)
			resp, _ := h.do(t, raw)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
			if d := h.only(t); d.Allowed || d.Reason == "" {
				t.Errorf("decision %+v", d)
			}
			if n := len(h.res.names()) + len(h.dial.addrs()); n != 0 {
				t.Errorf("%d lookups or dials", n)
			}
		})
	}
}

func TestHeaderTooLarge(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Policy{Public: true}, vetNames)
	raw := "GET http://public.test/ HTTP/1.1\r\nX-Big: " + strings.Repeat("a", 70<<10) + "\r\n\r\n"
	resp, _ := h.do(t, raw)
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("status %d, want 431", resp.StatusCode)
	}
	if d := h.only(t); d.Reason != "request header too large" {
		t.Errorf("decision %+v", d)
	}
}

func TestDecisionString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    Decision
		want string
	}{
		{Decision{Method: "GET", Target: "http://169.254.169.254/latest", Addr: "169.254.169.254:80", Reason: "link-local address"},
			"blocked http://169.254.169.254/latest: link-local address"},
		{Decision{Method: "CONNECT", Target: "https://example.test:22", Reason: "port 22 not allowed"},
			"blocked https://example.test:22: port 22 not allowed"},
		{Decision{Allowed: true, Method: "GET", Target: "http://example.test/x", Addr: "93.184.216.34:80"},
			"allowed GET http://example.test/x (93.184.216.34:80)"},
		{Decision{Allowed: true, Method: "CONNECT", Target: "https://example.test:443", Addr: "[2606:2800::1]:443"},
			"allowed CONNECT https://example.test:443 ([2606:2800::1]:443)"},
		{Decision{Reason: "malformed request"}, "blocked request: malformed request"},
	} {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

// TestDecisionsFromProxy checks the rendered form of real decisions.
func TestDecisionsFromProxy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Policy{Public: true}, vetNames)
	h.do(t, req("GET http://169.254.169.254/latest"))
	h.do(t, req("CONNECT public.test:22"))
	h.do(t, req("GET http://public.test/x"))
	var got []string
	for _, d := range h.decisions() {
		if d.Time.IsZero() {
			t.Errorf("decision %v has no time", d)
		}
		got = append(got, d.String())
	}
	want := []string{
		"blocked http://169.254.169.254/latest: link-local address",
		"blocked https://public.test:22: port 22 not allowed",
		"allowed GET http://public.test/x (93.184.216.34:80)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("decisions\n%q\nwant\n%q", got, want)
	}
}

// TestNotPublicResolvesNothing: with Public false, no request that is not
// allow-listed makes the proxy resolve or dial anything.
func TestNotPublicResolvesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Policy{AllowHosts: []string{"allowed.test:8080"}}, vetNames)
	for _, line := range []string{
		"GET http://public.test/", "CONNECT public.test:443", "GET http://metadata.test/latest",
		"GET http://allowed.test/", "CONNECT allowed.test:443", "GET http://allowed.test:8081/",
		"CONNECT 93.184.216.34:443", "GET http://example.com/", "GET http://localhost:8080/",
	} {
		if resp, _ := h.do(t, req(line)); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %s", line, resp.Status)
		}
	}
	if n := h.res.names(); len(n) != 0 {
		t.Errorf("resolver asked %q", n)
	}
	if d := h.dial.addrs(); len(d) != 0 {
		t.Errorf("dialed %q", d)
	}
	for _, d := range h.decisions() {
		if d.Allowed {
			t.Errorf("allowed: %v", d)
		}
	}
}

func TestDenyHostsComeFirst(t *testing.T) {
	t.Parallel()
	p := New(Policy{Public: true, DenyHosts: []string{"Update.GoogleAPIs.com."}, AllowHosts: []string{"update.googleapis.com:443"}}, Options{Resolver: &fakeResolver{}, Dialer: &recordingDialer{}})
	v := p.vet(host{name: "update.googleapis.com"}, 443)
	if v.reason != "browser background service" {
		t.Fatalf("verdict %+v", v)
	}
}
