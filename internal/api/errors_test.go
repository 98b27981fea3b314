package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/ratelimit"
	"github.com/skriptable/skriptable/internal/store"
	"github.com/skriptable/skriptable/internal/store/storetest"
)

func testDecodeErrors(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	const path = "/api/v1/scripts"
	for _, tc := range []struct {
		body        string
		status      int
		code, field string
		msg         string
	}{
		{`{"name": "x", "source": `, 400, "invalid_json", "", "body is not valid JSON: unexpected end of input"},
		{`{"name": "x",, }`, 400, "invalid_json", "", "body is not valid JSON: invalid character"},
		{`not json`, 400, "invalid_json", "", "body is not valid JSON: invalid character 'o'"},
		{`[1, 2]`, 400, "invalid_json", "", "body must be a JSON object"},
		{`null`, 400, "invalid_json", "", "body must be a JSON object"},
		{`"string"`, 400, "invalid_json", "", "body must be a JSON object"},
		{`{"name": "x", "source": "1"} {"name": "y"}`, 400, "invalid_json", "", "exactly one JSON value"},
		{`{"name": "x", "source": "1"} trailing`, 400, "invalid_json", "", "exactly one JSON value"},
		{`{"name": "x", "source": "1", "foo": 1}`, 400, "unknown_field", "foo", `unknown field "foo"`},
		{`{"NAME": "x", "source": "1"}`, 400, "unknown_field", "NAME", `unknown field "NAME"`},
		{`{"name": "x", "name": "y", "source": "1"}`, 400, "duplicate_field", "name", `field "name" appears more than once`},
		{`{"name": 5, "source": "1"}`, 422, "invalid_type", "name", "name: must be a string, not number"},
		{`{"name": "x", "source": "1", "retries": "3"}`, 422, "invalid_type", "retries", "retries: must be an integer, not string"},
		{`{"name": "x", "source": "1", "retries": 1.5}`, 422, "invalid_type", "retries", "retries: must be an integer"},
		{`{"name": "x", "source": "1", "timeout_ms": true}`, 422, "invalid_type", "timeout_ms", "timeout_ms: must be an integer, not bool"},
		{`{"name": "x", "source": ["1"]}`, 422, "invalid_type", "source", "source: must be a string, not array"},
		{`{"name": "", "source": "1"}`, 422, "invalid", "name", "name: must be 1 to 100 characters"},
	} {
		er := e.wantErr(tc.status, tc.code, "POST", path, a, tc.body)
		if er.Field != tc.field || !strings.Contains(er.Message, tc.msg) {
			t.Errorf("%s: got %+v, want field %q and message %q", tc.body, er, tc.field, tc.msg)
		}
	}
	// Nested type errors name the nested field.
	sc := e.mkScript(a, "s")
	er := e.wantErr(422, "invalid_type", "POST", "/api/v1/scripts/"+sc.ID+"/runs", a, `{"params": {"A": 1}}`)
	if er.Field != "params.A" {
		t.Errorf("nested type error = %+v", er)
	}
	e.wantErr(422, "invalid_type", "POST", "/api/v1/scripts/"+sc.ID+"/runs", a, `{"params": ["A"]}`)

	// Content types: JSON (with parameters or a +json suffix) only.
	e.must(201, nil, "POST", path, a, `{"name": "ct1", "source": "1"}`, "Content-Type", "application/json; charset=utf-8")
	e.must(201, nil, "POST", path, a, `{"name": "ct2", "source": "1"}`, "Content-Type", "application/merge-patch+json")
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "bogus"} {
		e.wantErr(415, "unsupported_media_type", "POST", path, a, `{"name": "x", "source": "1"}`, "Content-Type", ct)
	}
	e.wantErr(415, "unsupported_media_type", "POST", path, a, `{"name": "x", "source": "1"}`, "Content-Type", "")

	// Bodies over 2 MiB: 413, whatever they contain.
	big := append([]byte(`{"name": "x", "source": "`), bytes.Repeat([]byte("a"), 3<<20)...)
	big = append(big, `"}`...)
	e.wantErr(413, "body_too_large", "POST", path, a, big)
	e.wantErr(413, "body_too_large", "PUT", "/api/v1/scripts/"+sc.ID+"/params/P", a, big)
}

func testRoutingErrors(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	for _, tc := range []struct {
		method, path, allow string
	}{
		{"DELETE", "/api/v1/scripts", "GET, HEAD, POST"},
		{"POST", "/api/v1/runs/x", "GET, HEAD"},
		{"PUT", "/api/v1/keys", "GET, HEAD, POST"},
		{"POST", "/healthz", "GET, HEAD"},
		{"GET", "/api/v1/runs/x/cancel", "POST"},
	} {
		r := e.do(tc.method, tc.path, a, nil)
		e.apiErr(r, 405, "method_not_allowed")
		if got := r.header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
	for _, p := range []string{"/", "/api/v1", "/api/v1/", "/api/v2/scripts", "/api/v1/nope", "/api/v1/scripts/x/y/z"} {
		e.wantErr(404, "not_found", "GET", p, a, nil)
	}
}

// errDatabaseOnFire is an internal error with details a client must not see.
var errDatabaseOnFire = errors.New("pq: database on fire at 10.0.0.7:5432")

func testInternalErrors(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	sc := e.mkScript(a, "s")
	e.runs.mu.Lock()
	e.runs.fail = errDatabaseOnFire
	e.runs.mu.Unlock()
	er := e.wantErr(500, "internal", "POST", "/api/v1/scripts/"+sc.ID+"/runs", a, nil)
	if strings.Contains(er.Message, "fire") || strings.Contains(er.Message, "10.0.0.7") {
		t.Errorf("500 leaks internals: %q", er.Message)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(er.Message, "internal error (request id "), ")")
	logs := e.logs.String()
	if !strings.Contains(logs, id) || !strings.Contains(logs, "database on fire") {
		t.Errorf("the log lacks the request id %s or the cause:\n%s", id, logs)
	}
	e.wantErr(500, "internal", "POST", "/api/v1/runs/x/cancel", a, nil)
}

// testRateLimits: per key, the stricter enqueue bucket, and per IP
// before authentication. The clock is frozen so no bucket refills.
func testRateLimits(t *testing.T, newConfig func(*testing.T) store.Config) {
	frozen := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := withConfig(func(c *Config) { c.Now = func() time.Time { return frozen } })
	t.Run("per key", func(t *testing.T) {
		e := newEnv(t, newConfig(t), clock, withLimits(Limits{PerIP: unlimited, Enqueue: unlimited,
			PerKey: ratelimit.Limit{PerMinute: 60, Burst: 10}}))
		var statuses []int
		var wg sync.WaitGroup
		var mu sync.Mutex
		for range 30 { // a concurrent flood
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.do("GET", "/api/v1/scripts", e.alice.key, nil)
				mu.Lock()
				statuses = append(statuses, r.status)
				mu.Unlock()
				if r.status == 429 {
					if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 {
						t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
					}
				}
			}()
		}
		wg.Wait()
		ok, limited := count(statuses, 200), count(statuses, 429)
		if ok != 10 || limited != 20 {
			t.Errorf("flood: %d ok, %d limited (%v)", ok, limited, statuses)
		}
		er := e.wantErr(429, "rate_limited", "GET", "/api/v1/scripts", e.alice.key, nil)
		if !strings.Contains(er.Message, "60 per minute") {
			t.Errorf("message %q", er.Message)
		}
		// Another key has its own bucket.
		e.must(200, nil, "GET", "/api/v1/scripts", e.bob.key, nil)
	})
	t.Run("enqueue", func(t *testing.T) {
		e := newEnv(t, newConfig(t), clock, withLimits(Limits{PerIP: unlimited, PerKey: unlimited,
			Enqueue: ratelimit.Limit{PerMinute: 20, Burst: 3}}))
		sc := e.mkScript(e.alice.key, "s")
		for range 3 {
			e.mkRun(e.alice.key, sc.ID)
		}
		r := e.do("POST", "/api/v1/scripts/"+sc.ID+"/runs", e.alice.key, nil)
		e.apiErr(r, 429, "rate_limited")
		if r.header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		if n := len(e.runs.Calls()); n != 3 {
			t.Errorf("Runs.Enqueue called %d times", n)
		}
		// Other routes of the same key are not limited by it.
		e.must(200, nil, "GET", "/api/v1/scripts/"+sc.ID, e.alice.key, nil)
		e.mkRun(e.bob.key, e.mkScript(e.bob.key, "b").ID) // bob's bucket is his own
	})
	t.Run("per IP before authentication", func(t *testing.T) {
		e := newEnv(t, newConfig(t), clock, withLimits(Limits{PerKey: unlimited, Enqueue: unlimited,
			PerIP: ratelimit.Limit{PerMinute: 60, Burst: 5}}))
		for range 5 {
			e.wantErr(401, "unauthorized", "GET", "/api/v1/scripts", "sk_wrong", nil)
		}
		e.wantErr(429, "rate_limited", "GET", "/api/v1/scripts", e.alice.key, nil)
		e.wantErr(429, "rate_limited", "GET", "/api/v1/openapi.json", "", nil)
		// Probes are never limited.
		e.must(200, nil, "GET", "/healthz", "", nil)
		e.must(200, nil, "GET", "/readyz", "", nil)
	})
}

func count(xs []int, v int) int {
	n := 0
	for _, x := range xs {
		if x == v {
			n++
		}
	}
	return n
}

func testHealth(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	for _, p := range []string{"/healthz", "/readyz"} {
		r := e.must(200, nil, "GET", p, "", nil)
		if string(r.body) != "ok\n" {
			t.Errorf("%s = %q", p, r.body)
		}
	}
	r := e.must(200, nil, "GET", "/api/v1/openapi.json", "", nil)
	if !bytes.Equal(r.body, e.api.openapi) || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("openapi.json served wrongly")
	}

	var mu sync.Mutex
	var readyErr error
	e2 := newEnv(t, newConfig(t), withConfig(func(c *Config) {
		c.Ready = func(ctx context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			return readyErr
		}
	}))
	e2.must(200, nil, "GET", "/readyz", "", nil)
	mu.Lock()
	readyErr = errors.New("queue: not connected to 10.1.2.3")
	mu.Unlock()
	er := e2.wantErr(503, "not_ready", "GET", "/readyz", "", nil)
	if strings.Contains(er.Message, "10.1.2.3") {
		t.Errorf("readyz leaks its cause: %q", er.Message)
	}
	e2.must(200, nil, "GET", "/healthz", "", nil)

	// The default check pings the store.
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	e.wantErr(503, "not_ready", "GET", "/readyz", "", nil)
	e.must(200, nil, "GET", "/healthz", "", nil)
}

func TestNewChecksConfig(t *testing.T) {
	t.Parallel()
	if _, err := New(Config{}); err == nil {
		t.Error("New without a store succeeded")
	}
	a := newBareAPI(t)
	if a.perKey.Limit() != DefaultPerKey || a.perIP.Limit() != DefaultPerIP || a.enqueue.Limit() != DefaultEnqueue {
		t.Errorf("default limits: %+v %+v %+v", a.perKey.Limit(), a.perIP.Limit(), a.enqueue.Limit())
	}
	_, err := New(Config{Store: a.store, Runs: a.runs, Limits: Limits{PerKey: ratelimit.Limit{PerMinute: 10}}})
	if err == nil {
		t.Error("a limit without a burst was accepted")
	}
	_, err = New(Config{Store: a.store, Runs: a.runs, Limits: Limits{PerKey: ratelimit.Limit{PerMinute: math.Inf(1)}}})
	if err != nil {
		t.Errorf("an unlimited limit was refused: %v", err)
	}
}

func TestContentDisposition(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"a.png":         `attachment; filename="a.png"`,
		`we"ird\.txt`:   `attachment; filename="we_ird_.txt"`,
		"naïve;x=1.txt": `attachment; filename="na_ve;x=1.txt"; filename*=UTF-8''na%C3%AFve%3Bx%3D1.txt`,
	} {
		if got := ContentDisposition(in); got != want {
			t.Errorf("ContentDisposition(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPrefersText(t *testing.T) {
	t.Parallel()
	for accept, want := range map[string]bool{
		"":                                false,
		"text/plain":                      true,
		"text/plain; q=0.9, */*; q=0.1":   true,
		"application/json, text/plain":    false,
		"*/*":                             false,
		"text/html, text/plain":           true,
		"application/xml;q=0.9, nonsense": false,
	} {
		if got := prefersText(accept); got != want {
			t.Errorf("prefersText(%q) = %v", accept, got)
		}
	}
}

// TestPanicIsA500: a handler panic is answered with a JSON 500 and logged.
func TestPanicIsA500(t *testing.T) {
	t.Parallel()
	s, err := store.Open(t.Context(), storetest.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	logs := &syncBuffer{}
	a, err := New(Config{Store: s, Runs: &fakeRuns{s: s}, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	a.mux.HandleFunc("GET /api/v1/boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/boom", nil))
	var body ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 500 || body.Error.Code != "internal" {
		t.Fatalf("panic answered %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(body.Error.Message, "kaboom") || !strings.Contains(logs.String(), "kaboom") {
		t.Errorf("panic: %+v; log:\n%s", body.Error, logs.String())
	}
}
