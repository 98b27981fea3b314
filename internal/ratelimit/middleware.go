package ratelimit

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Middleware returns an http.Handler middleware that limits by the key
// that keyFunc extracts from the request (e.g. the API key's id, or the
// client IP) using l. When over the limit it answers 429 with a
// Retry-After header (whole seconds, rounded up, at least 1) and the JSON
// body
//
//	{"error":{"code":"rate_limited","message":"too many requests: limit is N per minute; retry after S s"}}
//
// with Content-Type application/json, and does not call the next handler.
// keyFunc returning "" skips limiting. It panics if l or keyFunc is nil.
func Middleware(l *Limiter, keyFunc func(*http.Request) string) func(http.Handler) http.Handler {
	if l == nil || keyFunc == nil {
		panic("ratelimit: Middleware needs a Limiter and a keyFunc")
	}
	perMinute := strconv.FormatFloat(l.Limit().PerMinute, 'f', -1, 64)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := keyFunc(r)
			if key == "" {
				next.ServeHTTP(w, r)
				return
			}
			ok, retryAfter := l.Allow(key)
			if ok {
				next.ServeHTTP(w, r)
				return
			}
			writeLimited(w, perMinute, retrySeconds(retryAfter))
		})
	}
}

// retrySeconds rounds d up to whole seconds, at least 1.
func retrySeconds(d time.Duration) int64 {
	s := int64(d / time.Second)
	if d%time.Second != 0 {
		s++
	}
	return max(s, 1)
}

// errorBody is the API's JSON error envelope.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeLimited answers 429 Too Many Requests.
func writeLimited(w http.ResponseWriter, perMinute string, seconds int64) {
	var body errorBody
	body.Error.Code = "rate_limited"
	body.Error.Message = fmt.Sprintf("too many requests: limit is %s per minute; retry after %d s", perMinute, seconds)
	b, err := json.Marshal(body)
	if err != nil { // cannot happen: two plain strings
		panic(err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Retry-After", strconv.FormatInt(seconds, 10))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write(b)
}

// ClientIP returns the client's IP address for r, normalised (IPv4-mapped
// IPv6 addresses as IPv4, no zone, no port).
//
// It uses r.RemoteAddr, the peer of the connection, unless trustProxy is
// true: then it uses the last hop of X-Forwarded-For, the address that the
// trusted proxy in front of the server appended, which a client cannot
// forge. Only set trustProxy when every request reaches the server through
// such a proxy; otherwise clients choose their own key. If the header is
// absent or its last hop is not an IP address, it falls back to
// r.RemoteAddr. If RemoteAddr is not an IP address either (e.g. a Unix
// socket), it is returned unchanged.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if ip, ok := lastForwarded(r.Header.Values("X-Forwarded-For")); ok {
			return ip
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip, ok := parseIP(host); ok {
		return ip
	}
	return r.RemoteAddr
}

// lastForwarded returns the last hop of the X-Forwarded-For header values
// (repeated headers form one list, in order).
func lastForwarded(values []string) (string, bool) {
	if len(values) == 0 {
		return "", false
	}
	v := values[len(values)-1]
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return parseIP(strings.TrimSpace(v))
}

// parseIP parses s as an IP address, optionally bracketed and with a port
// ("1.2.3.4", "1.2.3.4:80", "::1", "[::1]", "[::1]:80"), and returns it in
// canonical form.
func parseIP(s string) (string, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err2 := netip.ParseAddrPort(s)
		if err2 != nil {
			if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
				return "", false
			}
			if a, err = netip.ParseAddr(s[1 : len(s)-1]); err != nil {
				return "", false
			}
		} else {
			a = ap.Addr()
		}
	}
	return a.Unmap().WithZone("").String(), true
}
