package api

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"time"

	"github.com/skriptable/skriptable/internal/ratelimit"
	"github.com/skriptable/skriptable/internal/store"
)

// Config configures [New].
type Config struct {
	// Store is the persistence layer (required).
	Store *store.Store
	// Runs enqueues and cancels runs (required).
	Runs Runs
	// Notifier wakes Server-Sent Event streams when a run has news. Nil
	// means streams only poll the store (every second).
	Notifier Notifier
	// Logger receives internal errors (and debug access logs); nil means
	// slog.Default().
	Logger *slog.Logger
	// Ready, when set, is checked by GET /readyz after the store's
	// database answered a ping (e.g. the queue is connected).
	Ready func(context.Context) error
	// Limits are the rate limits; zero fields take the defaults.
	Limits Limits
	// TrustProxy makes the per-IP limit key on the last X-Forwarded-For
	// hop instead of the connection's peer; set it only behind a proxy
	// that appends that header.
	TrustProxy bool
	// Now is the clock (default time.Now): rate limiters and the next
	// slots of schedules use it.
	Now func() time.Time
	// MaxMemory and MaxCPUs are the most a script's settings may ask for
	// (default 4 GiB and 4 cores). Workers clamp again when they run.
	MaxMemory int64
	MaxCPUs   float64
	// SessionKey (32 bytes) seals the dashboard's session cookies; derive
	// it with [SessionKey] from the secret key all API nodes share. Nil
	// means a random key: sessions then end when the process does.
	SessionKey []byte
}

// Limits are the API's rate limits. A zero Limit takes its default; a
// PerMinute of +Inf disables that limit.
type Limits struct {
	// PerIP limits each client IP before authentication, on every /api/v1
	// route. Default 300 per minute, burst 60.
	PerIP ratelimit.Limit
	// PerKey limits each API key on every authenticated route. Default
	// 100 per minute, burst 20.
	PerKey ratelimit.Limit
	// Enqueue limits each API key on POST /api/v1/scripts/{id}/runs, on
	// top of PerKey. Default 20 per minute, burst 5.
	Enqueue ratelimit.Limit
}

// Default rate limits.
var (
	DefaultPerIP   = ratelimit.Limit{PerMinute: 300, Burst: 60}
	DefaultPerKey  = ratelimit.Limit{PerMinute: 100, Burst: 20}
	DefaultEnqueue = ratelimit.Limit{PerMinute: 20, Burst: 5}
)

// API serves the REST API. Create it with [New]; it is safe for
// concurrent use.
type API struct {
	store      *store.Store
	runs       Runs
	notifier   Notifier
	log        *slog.Logger
	ready      func(context.Context) error // nil: the store ping only
	now        func() time.Time
	trustProxy bool
	maxMemory  int64
	maxCPUs    float64
	sealer     cipher.AEAD // seals session cookies

	perIP, perKey, enqueue *ratelimit.Limiter

	mux      *http.ServeMux
	handler  http.Handler
	patterns []string // the mux patterns registered, "METHOD /path"
	openapi  []byte   // the OpenAPI document, rendered once

	// Server-Sent Events timing; tests shorten them.
	ssePoll      time.Duration // fallback poll when no wake-up arrives
	sseHeartbeat time.Duration // comment line keeping proxies from timing out
}

// New checks cfg and builds the API.
func New(cfg Config) (*API, error) {
	if cfg.Store == nil {
		return nil, errors.New("api: Config.Store is nil")
	}
	if cfg.Runs == nil {
		return nil, errors.New("api: Config.Runs is nil")
	}
	a := &API{
		store:        cfg.Store,
		runs:         cfg.Runs,
		notifier:     cfg.Notifier,
		log:          cfg.Logger,
		ready:        cfg.Ready,
		now:          cfg.Now,
		trustProxy:   cfg.TrustProxy,
		maxMemory:    cfg.MaxMemory,
		maxCPUs:      cfg.MaxCPUs,
		ssePoll:      time.Second,
		sseHeartbeat: 15 * time.Second,
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.maxMemory <= 0 {
		a.maxMemory = 4 << 30
	}
	if a.maxCPUs <= 0 {
		a.maxCPUs = 4
	}
	sk := cfg.SessionKey
	if sk == nil {
		sk = make([]byte, 32)
		if _, err := rand.Read(sk); err != nil {
			return nil, err
		}
	}
	var err error
	if a.sealer, err = newSealer(sk); err != nil {
		return nil, fmt.Errorf("api: Config.SessionKey: %w", err)
	}
	if a.perIP, err = a.limiter("PerIP", cfg.Limits.PerIP, DefaultPerIP); err != nil {
		return nil, err
	}
	if a.perKey, err = a.limiter("PerKey", cfg.Limits.PerKey, DefaultPerKey); err != nil {
		return nil, err
	}
	if a.enqueue, err = a.limiter("Enqueue", cfg.Limits.Enqueue, DefaultEnqueue); err != nil {
		return nil, err
	}
	a.mux = http.NewServeMux()
	for _, rt := range a.routes() {
		pattern := rt.method + " " + rt.path
		a.mux.Handle(pattern, a.wrap(rt))
		a.patterns = append(a.patterns, pattern)
	}
	if a.openapi, err = renderOpenAPI(); err != nil {
		return nil, fmt.Errorf("api: openapi document: %w", err)
	}
	a.handler = http.HandlerFunc(a.serve)
	return a, nil
}

// limiter builds one rate limiter, applying the default to a zero limit.
func (a *API) limiter(name string, l, def ratelimit.Limit) (*ratelimit.Limiter, error) {
	if l == (ratelimit.Limit{}) {
		l = def
	}
	if math.IsInf(l.PerMinute, 1) && l.Burst < 1 {
		l.Burst = 1 // unlimited: the burst does not matter
	}
	if math.IsNaN(l.PerMinute) || l.PerMinute <= 0 || l.Burst < 1 {
		return nil, fmt.Errorf("api: Limits.%s = %+v: want PerMinute > 0 and Burst ≥ 1", name, l)
	}
	return ratelimit.New(ratelimit.Config{Limit: l, Now: a.now}), nil
}

// Handler returns the HTTP handler serving /api/v1/…, /healthz and
// /readyz. Requests for other paths get a JSON 404.
func (a *API) Handler() http.Handler { return a.handler }

// access is who may call a route and which limits apply.
type access int

const (
	probe  access = iota // no key, no rate limit (health probes)
	public               // no key; per-IP limit
	member               // a valid key; per-IP and per-key limits
	admin                // a valid key of an admin tenant
)

// handlerFunc is a route's handler: it writes a success response or
// returns the error to answer with.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one registered endpoint.
type route struct {
	method, path string
	access       access
	h            handlerFunc
	enqueue      bool // the extra Enqueue bucket applies
}

// routes is the routing table. The OpenAPI document (openapi.go) lists
// the same endpoints independently; TestOpenAPIMatchesRoutes compares them.
func (a *API) routes() []route {
	const v1 = "/api/v1"
	return []route{
		{method: "GET", path: "/healthz", access: probe, h: a.healthz},
		{method: "GET", path: "/readyz", access: probe, h: a.readyz},
		{method: "GET", path: v1 + "/openapi.json", access: public, h: a.openAPI},

		{method: "POST", path: v1 + "/session", access: public, h: a.createSession},
		{method: "GET", path: v1 + "/session", access: member, h: a.getSession},
		{method: "DELETE", path: v1 + "/session", access: public, h: a.deleteSession},
		{method: "GET", path: v1 + "/overview", access: member, h: a.overview},
		{method: "GET", path: v1 + "/schedule-preview", access: member, h: a.previewSchedule},

		{method: "POST", path: v1 + "/scripts", access: member, h: a.createScript},
		{method: "GET", path: v1 + "/scripts", access: member, h: a.listScripts},
		{method: "GET", path: v1 + "/scripts/{id}", access: member, h: a.getScript},
		{method: "PUT", path: v1 + "/scripts/{id}", access: member, h: a.putScript},
		{method: "PATCH", path: v1 + "/scripts/{id}", access: member, h: a.patchScript},
		{method: "DELETE", path: v1 + "/scripts/{id}", access: member, h: a.deleteScript},
		{method: "GET", path: v1 + "/scripts/{id}/versions", access: member, h: a.listVersions},
		{method: "GET", path: v1 + "/scripts/{id}/versions/{n}", access: member, h: a.getVersion},
		{method: "GET", path: v1 + "/scripts/{id}/diff", access: member, h: a.diffVersions},

		{method: "POST", path: v1 + "/scripts/{id}/runs", access: member, h: a.enqueueRun, enqueue: true},
		{method: "GET", path: v1 + "/runs", access: member, h: a.listRuns},
		{method: "GET", path: v1 + "/runs/{id}", access: member, h: a.getRun},
		{method: "POST", path: v1 + "/runs/{id}/cancel", access: member, h: a.cancelRun},
		{method: "GET", path: v1 + "/runs/{id}/logs", access: member, h: a.runLogs},
		{method: "GET", path: v1 + "/runs/{id}/events", access: member, h: a.runEvents},
		{method: "GET", path: v1 + "/runs/{id}/artifacts", access: member, h: a.listArtifacts},
		{method: "GET", path: v1 + "/runs/{id}/artifacts/{name...}", access: member, h: a.getArtifact},

		{method: "GET", path: v1 + "/scripts/{id}/params", access: member, h: a.listParams},
		{method: "GET", path: v1 + "/scripts/{id}/params/{name}", access: member, h: a.getParam},
		{method: "PUT", path: v1 + "/scripts/{id}/params/{name}", access: member, h: a.putParam},
		{method: "DELETE", path: v1 + "/scripts/{id}/params/{name}", access: member, h: a.deleteParam},
		{method: "GET", path: v1 + "/scripts/{id}/secrets", access: member, h: a.listSecrets},
		{method: "PUT", path: v1 + "/scripts/{id}/secrets/{name}", access: member, h: a.putSecret},
		{method: "DELETE", path: v1 + "/scripts/{id}/secrets/{name}", access: member, h: a.deleteSecret},

		{method: "POST", path: v1 + "/scripts/{id}/schedules", access: member, h: a.createSchedule},
		{method: "GET", path: v1 + "/scripts/{id}/schedules", access: member, h: a.listSchedules},
		{method: "GET", path: v1 + "/scripts/{id}/schedules/{sid}", access: member, h: a.getSchedule},
		{method: "PATCH", path: v1 + "/scripts/{id}/schedules/{sid}", access: member, h: a.patchSchedule},
		{method: "DELETE", path: v1 + "/scripts/{id}/schedules/{sid}", access: member, h: a.deleteSchedule},

		{method: "POST", path: v1 + "/keys", access: member, h: a.createKey},
		{method: "GET", path: v1 + "/keys", access: member, h: a.listKeys},
		{method: "DELETE", path: v1 + "/keys/{id}", access: member, h: a.revokeKey},
		{method: "POST", path: v1 + "/tenants", access: admin, h: a.createTenant},
		{method: "GET", path: v1 + "/tenants", access: admin, h: a.listTenants},
	}
}

// wrap puts a route's handler behind its limits and authentication, in
// this order: per-IP limit, authentication, per-key limit, admin check,
// enqueue limit.
func (a *API) wrap(rt route) http.Handler {
	var h http.Handler = a.adapt(rt.h)
	if rt.enqueue {
		h = ratelimit.Middleware(a.enqueue, keyID)(h)
	}
	if rt.access == admin {
		h = a.requireAdmin(h)
	}
	if rt.access >= member {
		h = ratelimit.Middleware(a.perKey, keyID)(h)
		h = a.requireKey(h)
	}
	if rt.access >= public {
		h = ratelimit.Middleware(a.perIP, func(r *http.Request) string {
			return ratelimit.ClientIP(r, a.trustProxy)
		})(h)
	}
	return h
}

// adapt turns a handlerFunc into an http.Handler that answers its error.
func (a *API) adapt(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			a.writeError(w, r, err)
		}
	})
}

// serve is the top-level handler: it recovers panics and answers
// requests no route matches with JSON 404 or 405 (with Allow).
func (a *API) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			if !sw.wrote {
				a.writeError(sw, r, fmt.Errorf("panic: %v", p))
			} else {
				a.log.Error("api: panic after the response started", "method", r.Method, "path", r.URL.Path, "panic", p)
			}
		}
		a.log.Debug("api: request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"duration_ms", time.Since(start).Milliseconds())
	}()
	h, pattern := a.mux.Handler(r)
	if pattern != "" {
		a.mux.ServeHTTP(sw, r)
		return
	}
	// No route. Let the mux's own handler decide between 404 and 405 (it
	// computes Allow), then answer in the API's error format.
	rec := &headerRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	if rec.status == http.StatusMethodNotAllowed {
		sw.Header().Set("Allow", rec.header.Get("Allow"))
		a.writeError(sw, r, &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Message: fmt.Sprintf("method %s is not allowed here; allowed: %s", r.Method, rec.header.Get("Allow"))})
		return
	}
	a.writeError(sw, r, &Error{Status: http.StatusNotFound, Code: "not_found",
		Message: fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path)})
}

// statusWriter records whether and with which status a response started.
// Unwrap lets http.ResponseController reach the connection (flushing,
// deadlines) for Server-Sent Events.
type statusWriter struct {
	http.ResponseWriter
	wrote  bool
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote, w.status = true, code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.wrote, w.status = true, http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if !w.wrote {
		w.wrote, w.status = true, http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// headerRecorder captures the status and headers of the mux's
// not-found/not-allowed handler and discards its plain-text body.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header         { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerRecorder) WriteHeader(code int)        { h.status = code }

// pingStore is the default readiness check: the database answers.
func (a *API) pingStore(ctx context.Context) error {
	if db := a.store.SQLDB(); db != nil {
		return db.PingContext(ctx)
	}
	if pool := a.store.PGXPool(); pool != nil {
		return pool.Ping(ctx)
	}
	return errors.New("store has no database")
}

// requestID returns a short random id tying a 500 response to its log.
func requestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
