package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/ratelimit"
	"github.com/skriptable/skriptable/internal/store"
)

// unlimited disables a rate limit in tests that do not test limits.
var unlimited = ratelimit.Limit{PerMinute: math.Inf(1), Burst: 1}

// global records what every env saw, for the checks in TestMain.
var global struct {
	mu        sync.Mutex
	secrets   []string        // every secret value a test stored
	exchanges []exchange      // every response of every env
	hit       map[string]bool // patterns answered with a 2xx
}

// exchange is one request/response as the server saw it.
type exchange struct {
	method, pattern, path string
	status                int
	ctype                 string
	body                  []byte
}

// tenantKey is a tenant and the plaintext of one of its keys.
type tenantKey struct {
	tenant store.Tenant
	keyID  string
	key    string
}

// env is one test's server: a fresh store, the API with fake Runs and
// Notifier, and an httptest server in front of it that records every
// response.
type env struct {
	t        *testing.T
	ctx      context.Context
	store    *store.Store
	api      *API
	srv      *httptest.Server
	runs     *fakeRuns
	notifier *fakeNotifier
	logs     *syncBuffer

	admin, alice, bob tenantKey

	mu        sync.Mutex
	exchanges []exchange
}

// envOption adjusts the Config (and the API before it serves).
type envOption func(*Config, *API)

// newEnv opens a store on cfg and serves the API over real HTTP.
func newEnv(t *testing.T, cfg store.Config, opts ...envOption) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	e := &env{t: t, ctx: ctx, store: s, runs: &fakeRuns{s: s}, notifier: newFakeNotifier(), logs: &syncBuffer{}}
	c := Config{
		Store:    s,
		Runs:     e.runs,
		Notifier: e.notifier,
		Logger:   slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Limits:   Limits{PerIP: unlimited, PerKey: unlimited, Enqueue: unlimited},
	}
	var late []envOption
	for _, o := range opts {
		o(&c, nil)
		late = append(late, o)
	}
	e.api, err = New(c)
	if err != nil {
		t.Fatalf("api.New: %v", err)
	}
	for _, o := range late {
		o(nil, e.api)
	}
	h := e.api.Handler()
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recordingWriter{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		x := exchange{method: r.Method, pattern: r.Pattern, path: r.URL.Path, status: rec.status,
			ctype: rec.Header().Get("Content-Type"), body: rec.body.Bytes()}
		e.mu.Lock()
		e.exchanges = append(e.exchanges, x)
		e.mu.Unlock()
		global.mu.Lock()
		global.exchanges = append(global.exchanges, x)
		if x.status >= 200 && x.status < 300 && x.pattern != "" {
			global.hit[x.pattern] = true
		}
		global.mu.Unlock()
	}))
	t.Cleanup(e.srv.Close)

	e.admin = e.mkTenant("root", true)
	e.alice = e.mkTenant("alice", false)
	e.bob = e.mkTenant("bob", false)
	t.Cleanup(e.checkResponses)
	return e
}

// withLimits sets the rate limits.
func withLimits(l Limits) envOption {
	return func(c *Config, _ *API) {
		if c != nil {
			c.Limits = l
		}
	}
}

// withConfig edits the Config.
func withConfig(f func(*Config)) envOption {
	return func(c *Config, _ *API) {
		if c != nil {
			f(c)
		}
	}
}

// withSSE sets the stream's poll and heartbeat intervals.
func withSSE(poll, heartbeat time.Duration) envOption {
	return func(_ *Config, a *API) {
		if a != nil {
			a.ssePoll, a.sseHeartbeat = poll, heartbeat
		}
	}
}

func (e *env) mkTenant(name string, admin bool) tenantKey {
	e.t.Helper()
	tn, err := e.store.CreateTenant(e.ctx, name, admin)
	if err != nil {
		e.t.Fatal(err)
	}
	k, plain, err := e.store.CreateAPIKey(e.ctx, tn.ID, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return tenantKey{tenant: tn, keyID: k.ID, key: plain}
}

// secret remembers a secret value: no response may ever contain it.
func (e *env) secret(v string) string {
	global.mu.Lock()
	global.secrets = append(global.secrets, v)
	global.mu.Unlock()
	return v
}

// checkResponses runs when the test ends: every JSON response must match
// the OpenAPI document, and no response or log line may contain a secret.
func (e *env) checkResponses() {
	e.mu.Lock()
	xs := slices.Clone(e.exchanges)
	e.mu.Unlock()
	global.mu.Lock()
	secrets := slices.Clone(global.secrets)
	global.mu.Unlock()
	logs := e.logs.String()
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			e.t.Errorf("the log contains a secret value")
		}
	}
	doc := openAPIDoc(e.t)
	for _, x := range xs {
		for _, s := range secrets {
			if bytes.Contains(x.body, []byte(s)) {
				e.t.Errorf("%s %s: response contains a secret value", x.method, x.path)
			}
		}
		if problems := checkAgainstDoc(doc, x); len(problems) > 0 {
			e.t.Errorf("%s %s (%s) → %d does not match the OpenAPI document:\n  %s\n  body: %.300s",
				x.method, x.path, x.pattern, x.status, strings.Join(problems, "\n  "), x.body)
		}
	}
}

func slices_clone[T any](s []T) []T { return append([]T(nil), s...) }

// recordingWriter tees the body and keeps the status; it supports
// flushing (Server-Sent Events) through Unwrap.
type recordingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	mu     sync.Mutex
}

func (w *recordingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.mu.Lock()
	w.body.Write(b)
	w.mu.Unlock()
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// response is what the client got.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// do sends a request with the given key ("" for none). body is nil (no
// body), a string or []byte (sent as is, as JSON), or a value to marshal.
// hdr are header name/value pairs (a Content-Type there wins).
func (e *env) do(method, path, key string, body any, hdr ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(e.ctx, method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// must sends a request and fails the test unless the status is want; it
// decodes a JSON body into out (when not nil), rejecting unknown fields.
func (e *env) must(want int, out any, method, path, key string, body any, hdr ...string) response {
	e.t.Helper()
	r := e.do(method, path, key, body, hdr...)
	if r.status != want {
		e.t.Fatalf("%s %s: got %s, want status %d", method, path, r, want)
	}
	if out != nil {
		dec := json.NewDecoder(bytes.NewReader(r.body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(out); err != nil {
			e.t.Fatalf("%s %s: decode %T: %v\n%s", method, path, out, err, r.body)
		}
	}
	return r
}

// apiErr decodes an error response and checks its status and code.
func (e *env) apiErr(r response, status int, code string) Error {
	e.t.Helper()
	var body struct {
		Error Error `json:"error"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		e.t.Fatalf("error body %q: %v", r.body, err)
	}
	if r.status != status || body.Error.Code != code {
		e.t.Fatalf("got %s, want %d %s", r, status, code)
	}
	if body.Error.Message == "" {
		e.t.Fatalf("error without message: %s", r.body)
	}
	return body.Error
}

// wantErr sends a request and checks the error status and code.
func (e *env) wantErr(status int, code, method, path, key string, body any, hdr ...string) Error {
	e.t.Helper()
	return e.apiErr(e.do(method, path, key, body, hdr...), status, code)
}

// mkScript creates a script through the API.
func (e *env) mkScript(key, name string) ScriptView {
	e.t.Helper()
	var sc ScriptView
	e.must(201, &sc, "POST", "/api/v1/scripts", key, obj{"name": name, "source": "console.log('" + name + "')"})
	return sc
}

// mkRun enqueues a run through the API.
func (e *env) mkRun(key, scriptID string) RunView {
	e.t.Helper()
	var run RunView
	e.must(202, &run, "POST", "/api/v1/scripts/"+scriptID+"/runs", key, nil)
	return run
}

// appendEvents stores events of a run directly.
func (e *env) appendEvents(tk tenantKey, runID string, evs ...store.RunEvent) {
	e.t.Helper()
	if _, err := e.store.AppendRunEvents(e.ctx, tk.tenant.ID, runID, evs); err != nil {
		e.t.Fatal(err)
	}
}

// fakeRuns implements Runs on the store as the real server would (run
// row in a transaction with the script's params merged under the
// overrides), recording calls. fail, when set, is returned instead.
type fakeRuns struct {
	s     *store.Store
	mu    sync.Mutex
	calls []runCall
	fail  error
}

type runCall struct {
	op, tenantID, id, trigger string
	params                    map[string]string
}

func (f *fakeRuns) record(c runCall) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
	return f.fail
}

func (f *fakeRuns) Calls() []runCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeRuns) Enqueue(ctx context.Context, tenantID, scriptID, trigger string, params map[string]string) (store.Run, error) {
	if err := f.record(runCall{op: "enqueue", tenantID: tenantID, id: scriptID, trigger: trigger, params: params}); err != nil {
		return store.Run{}, err
	}
	var run store.Run
	err := f.s.InTx(ctx, func(tx *store.Tx) error {
		merged, err := tx.ListParams(ctx, tenantID, scriptID)
		if err != nil {
			return err
		}
		maps.Copy(merged, params)
		run, err = tx.CreateRun(ctx, tenantID, store.NewRun{ScriptID: scriptID, Trigger: trigger, Params: merged})
		return err
	})
	return run, err
}

func (f *fakeRuns) Cancel(ctx context.Context, tenantID, runID string) (store.Run, error) {
	if err := f.record(runCall{op: "cancel", tenantID: tenantID, id: runID}); err != nil {
		return store.Run{}, err
	}
	run, err := f.s.GetRun(ctx, tenantID, runID)
	if err != nil {
		return store.Run{}, err
	}
	if store.IsTerminal(run.Status) {
		return store.Run{}, fmt.Errorf("cancel run %s: already %s: %w", runID, run.Status, store.ErrConflict)
	}
	if _, err := f.s.RequestCancel(ctx, tenantID, runID); err != nil {
		return store.Run{}, err
	}
	if run.Status == store.StatusQueued {
		if _, err := f.s.Finish(ctx, tenantID, runID, store.RunResult{Status: store.StatusCancelled, Error: "cancelled"}); err != nil {
			return store.Run{}, err
		}
	}
	return f.s.GetRun(ctx, tenantID, runID)
}

// fakeNotifier is a Notifier the test wakes by hand.
type fakeNotifier struct {
	mu       sync.Mutex
	watchers map[string]map[chan struct{}]bool
}

func newFakeNotifier() *fakeNotifier {
	return &fakeNotifier{watchers: map[string]map[chan struct{}]bool{}}
}

func (n *fakeNotifier) Watch(runID string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	n.mu.Lock()
	if n.watchers[runID] == nil {
		n.watchers[runID] = map[chan struct{}]bool{}
	}
	n.watchers[runID][ch] = true
	n.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			n.mu.Lock()
			delete(n.watchers[runID], ch)
			n.mu.Unlock()
		})
	}
}

// Wake wakes every watcher of the run (best effort, like the real one).
func (n *fakeNotifier) Wake(runID string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for ch := range n.watchers[runID] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Watching is the number of live watchers of the run.
func (n *fakeNotifier) Watching(runID string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.watchers[runID])
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eventually polls cond until it holds or 10 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
