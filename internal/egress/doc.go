// Package egress is the only way out of a run's sandbox: an HTTP proxy that
// the trusted launcher serves on a unix socket bind-mounted into the sandbox,
// plus the Bridge that the in-sandbox runner uses to expose that socket to
// Chromium as a TCP proxy on 127.0.0.1 (Chromium has no unix-socket proxy
// scheme).
//
// The proxy accepts CONNECT host:port and absolute-form plain HTTP, nothing
// else. For every request it decides, in this order:
//
//  1. the per-proxy request and byte limits;
//  2. the port (Policy.Ports, or an exact Policy.AllowHosts entry);
//  3. an exact AllowHosts "host:port" match is admitted, even into a denied
//     range (that is what the allow-list is for);
//  4. otherwise, unless Policy.Public, the request is denied ("not in the
//     allow-list") without any name being resolved; an IP literal in a
//     denied range, or localhost, is reported with that more telling reason;
//  5. otherwise the name is resolved once, the request is denied if any
//     answer is in a denied range (see Denied; mixed answers are a
//     DNS-rebinding tell), and the first answer is dialed as "ip:port": the
//     connection is pinned to the vetted address, so no second lookup can
//     differ.
//
// Hosts are parsed the way a browser parses them: anything that ends in a
// number is an IPv4 address in one of the legacy forms (2130706433,
// 0177.0.0.1, 0x7f.1, 127.1) and never a name, IPv6 only in brackets and
// without zone, and localhost and *.localhost are loopback without a lookup.
//
// Each plain HTTP request gets its own upstream connection with
// "Connection: close", so an upstream chosen for one target never serves
// another; redirects are returned to the browser, whose next request is
// vetted again. Chromium must run with --proxy-bypass-list=<-loopback>, or it
// fetches loopback and link-local (metadata) addresses directly, bypassing
// the proxy (design note os-sandbox.md §4.3).
package egress
