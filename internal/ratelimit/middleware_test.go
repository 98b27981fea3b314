package ratelimit

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// serve runs one request for key through h and returns the recorder and
// whether the wrapped handler ran.
func serve(h func(http.Handler) http.Handler, key string) (*httptest.ResponseRecorder, bool) {
	called := false
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called = true
		w.WriteHeader(http.StatusNoContent)
	})
	req := httptest.NewRequest(http.MethodGet, "/v1/runs", nil)
	req.Header.Set("X-Key", key)
	rec := httptest.NewRecorder()
	h(next).ServeHTTP(rec, req)
	return rec, called
}

func byHeader(r *http.Request) string { return r.Header.Get("X-Key") }

func TestMiddleware429(t *testing.T) {
	t.Parallel()
	c := newClock()
	mw := Middleware(newLimiter(t, c, 60, 2, nil), byHeader)

	for i := range 2 {
		rec, called := serve(mw, "k")
		if !called || rec.Code != http.StatusNoContent {
			t.Fatalf("request %d: code %d, handler called %v; want passed through", i, rec.Code, called)
		}
		if h := rec.Header().Get("Retry-After"); h != "" {
			t.Fatalf("allowed request has Retry-After %q", h)
		}
	}

	rec, called := serve(mw, "k")
	if called {
		t.Fatal("handler ran for a limited request")
	}
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("code = %d, want 429", rec.Code)
	}
	const body = `{"error":{"code":"rate_limited","message":"too many requests: limit is 60 per minute; retry after 1 s"}}`
	want := http.Header{
		"Content-Type":   {"application/json"},
		"Retry-After":    {"1"},
		"Content-Length": {strconv.Itoa(len(body))},
	}
	if got := rec.Header(); len(got) != len(want) {
		t.Fatalf("headers = %v, want %v", got, want)
	}
	for k, v := range want {
		if got := rec.Header().Values(k); len(got) != 1 || got[0] != v[0] {
			t.Fatalf("header %s = %q, want %q", k, got, v)
		}
	}
	if got := rec.Body.String(); got != body {
		t.Fatalf("body =\n%s\nwant\n%s", got, body)
	}
	if !json.Valid(rec.Body.Bytes()) {
		t.Fatal("body is not valid JSON")
	}

	// Another key is unaffected; after the wait the key passes again.
	if _, called := serve(mw, "other"); !called {
		t.Fatal("other key limited")
	}
	c.Advance(time.Second)
	if _, called := serve(mw, "k"); !called {
		t.Fatal("still limited after Retry-After")
	}
}

func TestMiddlewareRetryAfterRounding(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		perMinute  float64
		advance    time.Duration // after the one allowed request
		header     string
		perMinText string
	}{
		{1, 0, "60", "1"},
		{1, 59500 * time.Millisecond, "1", "1"},      // 0.5 s left: at least 1
		{1, 30200 * time.Millisecond, "30", "1"},     // 29.8 s left: rounded up
		{1, 59999999999 * time.Nanosecond, "1", "1"}, // 1 ns left
		{0.5, 0, "120", "0.5"},                       // fractional rate
		{6000, 0, "1", "6000"},                       // 10 ms: at least 1
		{2.25, 0, "27", "2.25"},                      // 26.67 s: rounded up
		{1e9, 0, "1", "1000000000"},                  // no exponent
	} {
		c := newClock()
		mw := Middleware(newLimiter(t, c, tc.perMinute, 1, nil), byHeader)
		if _, called := serve(mw, "k"); !called {
			t.Fatalf("%v: first request limited", tc.perMinute)
		}
		c.Advance(tc.advance)
		rec, _ := serve(mw, "k")
		if rec.Code != http.StatusTooManyRequests {
			t.Fatalf("%v after %v: code %d, want 429", tc.perMinute, tc.advance, rec.Code)
		}
		if got := rec.Header().Get("Retry-After"); got != tc.header {
			t.Errorf("%v after %v: Retry-After %q, want %q", tc.perMinute, tc.advance, got, tc.header)
		}
		var body struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		want := "too many requests: limit is " + tc.perMinText + " per minute; retry after " + tc.header + " s"
		if body.Error.Code != "rate_limited" || body.Error.Message != want {
			t.Errorf("%v: body %+v, want message %q", tc.perMinute, body.Error, want)
		}
	}
}

func TestMiddlewareEmptyKeySkips(t *testing.T) {
	t.Parallel()
	l := newLimiter(t, newClock(), 60, 1, nil)
	mw := Middleware(l, byHeader)
	for i := range 10 {
		if rec, called := serve(mw, ""); !called || rec.Code != http.StatusNoContent {
			t.Fatalf("request %d without key: code %d, called %v", i, rec.Code, called)
		}
	}
	if n := l.Len(); n != 0 {
		t.Fatalf("Len = %d, want 0", n)
	}
}

func TestMiddlewarePanicsOnNil(t *testing.T) {
	t.Parallel()
	l := newLimiter(t, newClock(), 60, 1, nil)
	for name, f := range map[string]func(){
		"nil limiter": func() { Middleware(nil, byHeader) },
		"nil keyFunc": func() { Middleware(l, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestMiddlewareWithClientIP(t *testing.T) {
	t.Parallel()
	mw := Middleware(newLimiter(t, newClock(), 60, 1, nil), func(r *http.Request) string { return ClientIP(r, false) })
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	do := func(remote, xff string) int {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = remote
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		rec := httptest.NewRecorder()
		mw(next).ServeHTTP(rec, req)
		return rec.Code
	}
	if code := do("203.0.113.7:5000", ""); code != http.StatusOK {
		t.Fatalf("first: %d", code)
	}
	// Same IP from another port, with a forged X-Forwarded-For: still limited.
	if code := do("203.0.113.7:5001", "198.51.100.1"); code != http.StatusTooManyRequests {
		t.Fatalf("spoofed: %d, want 429", code)
	}
	if code := do("203.0.113.8:5000", ""); code != http.StatusOK {
		t.Fatalf("other IP: %d", code)
	}
}

func TestClientIP(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		remote     string
		xff        []string
		trustProxy bool
		want       string
	}{
		{"ipv4", "192.0.2.1:1234", nil, false, "192.0.2.1"},
		{"ipv6", "[2001:db8::1]:443", nil, false, "2001:db8::1"},
		{"ipv6 zone", "[fe80::1%eth0]:443", nil, false, "fe80::1"},
		{"ipv4-mapped", "[::ffff:192.0.2.1]:80", nil, false, "192.0.2.1"},
		{"no port", "192.0.2.1", nil, false, "192.0.2.1"},
		{"ipv6 no port", "2001:db8::1", nil, false, "2001:db8::1"},
		{"not an IP", "@", nil, false, "@"},
		{"empty", "", nil, false, ""},
		{"xff ignored without proxy", "192.0.2.1:1", []string{"198.51.100.9"}, false, "192.0.2.1"},
		{"xff single", "10.0.0.1:1", []string{"198.51.100.9"}, true, "198.51.100.9"},
		{"xff last hop", "10.0.0.1:1", []string{"1.1.1.1, 198.51.100.9"}, true, "198.51.100.9"},
		{"xff spoofed left part", "10.0.0.1:1", []string{"6.6.6.6, 7.7.7.7,198.51.100.9"}, true, "198.51.100.9"},
		{"xff repeated headers", "10.0.0.1:1", []string{"1.1.1.1", "2.2.2.2, 198.51.100.9"}, true, "198.51.100.9"},
		{"xff ipv6", "10.0.0.1:1", []string{"2001:db8::2"}, true, "2001:db8::2"},
		{"xff with port", "10.0.0.1:1", []string{"198.51.100.9:4711"}, true, "198.51.100.9"},
		{"xff bracketed ipv6 port", "10.0.0.1:1", []string{"[2001:db8::2]:4711"}, true, "2001:db8::2"},
		{"xff bracketed ipv6", "10.0.0.1:1", []string{"[2001:db8::2]"}, true, "2001:db8::2"},
		{"xff absent", "10.0.0.1:1", nil, true, "10.0.0.1"},
		{"xff garbage", "10.0.0.1:1", []string{"unknown"}, true, "10.0.0.1"},
		{"xff trailing comma", "10.0.0.1:1", []string{"198.51.100.9,"}, true, "10.0.0.1"},
		{"xff empty", "10.0.0.1:1", []string{""}, true, "10.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientIP(r, tc.trustProxy); got != tc.want {
				t.Fatalf("ClientIP = %q, want %q", got, tc.want)
			}
		})
	}
}
