package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/api"
	"github.com/skriptable/skriptable/internal/cli"
	"github.com/skriptable/skriptable/internal/fixture"
	"github.com/skriptable/skriptable/internal/ratelimit"
	"github.com/skriptable/skriptable/internal/sandbox"
	"github.com/skriptable/skriptable/internal/server"
	"github.com/skriptable/skriptable/internal/store/storetest"
)

// TestMain lets this test binary be the sandboxed runner and, for the
// crash and fault tests, `skriptable serve` and `skriptable worker`.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == "runner" || os.Args[1] == "serve" || os.Args[1] == "worker") {
		os.Exit(cli.Main(os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	os.Exit(m.Run())
}

var (
	siteOnce sync.Once
	site     *fixture.Server
)

func fixtureSite(t *testing.T) *fixture.Server {
	t.Helper()
	siteOnce.Do(func() {
		var err error
		if site, err = fixture.Start("127.0.0.1:0"); err != nil {
			panic(err)
		}
	})
	return site
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the service tests run sandboxes and need root in CI")
		}
		t.Skip("the service tests run sandboxes and need root")
	}
}

var generous = ratelimit.Limit{PerMinute: 1e6, Burst: 1e4}

// dataDir is a data directory whose parents the sandbox's unprivileged
// uid can pass through (t.TempDir's parent is 0700).
func dataDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "skriptable-server-test-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(d, 0o711)
	t.Cleanup(func() { _ = os.RemoveAll(d) })
	return filepath.Join(d, "data")
}

// testServer is a running server and an admin client for it.
type testServer struct {
	*server.Server
	key string
	t   *testing.T
	url string // set for servers running in a child process
}

// URL is the server's base URL.
func (ts *testServer) URL() string {
	if ts.url != "" {
		return ts.url
	}
	return ts.Server.URL()
}

// backends runs f on SQLite and, when available, on Postgres.
func backends(t *testing.T, f func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); f(t, "") })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); f(t, storetest.Postgres(t)(t).DSN) })
}

func start(t *testing.T, dsn string, mod func(*server.Config)) *testServer {
	t.Helper()
	requireRoot(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	s := fixtureSite(t)
	var key string
	cfg := server.Config{
		DataDir:      dataDir(t),
		Database:     dsn,
		Listen:       "127.0.0.1:0",
		Workers:      2,
		AllowHosts:   []string{strings.TrimPrefix(s.URL(), "http://")},
		RunnerBinary: self,
		StopGrace:    5 * time.Second,
		AdminKeyOut:  func(k string) { key = k },
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		// The tests poll the API far more than a user would.
		APILimits: api.Limits{PerIP: generous, PerKey: generous, Enqueue: generous},
	}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := server.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop(context.Background()) })
	if key == "" {
		t.Fatal("no admin key was created")
	}
	return &testServer{Server: srv, key: key, t: t}
}

// do sends a JSON request and decodes the JSON answer into out.
func (ts *testServer) do(method, path string, body, out any) int {
	ts.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, ts.URL()+"/api/v1"+path, r)
	req.Header.Set("Authorization", "Bearer "+ts.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			ts.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, data, err)
		}
	}
	return resp.StatusCode
}

type runJSON struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Attempt int    `json:"attempt"`
	Error   string `json:"error"`
	Limit   string `json:"limit"`
}

// script uploads src and returns its id.
func (ts *testServer) script(name, src string, extra map[string]any) string {
	ts.t.Helper()
	body := map[string]any{"name": name, "source": src, "filename": name + ".js"}
	for k, v := range extra {
		body[k] = v
	}
	var sc struct {
		ID string `json:"id"`
	}
	if st := ts.do("POST", "/scripts", body, &sc); st != http.StatusCreated {
		ts.t.Fatalf("upload %s: status %d", name, st)
	}
	if st := ts.do("PUT", "/scripts/"+sc.ID+"/params/BASE_URL", map[string]string{"value": site.URL()}, nil); st != http.StatusOK {
		ts.t.Fatalf("param: %d", st)
	}
	return sc.ID
}

func (ts *testServer) run(scriptID string) runJSON {
	ts.t.Helper()
	var r runJSON
	if st := ts.do("POST", "/scripts/"+scriptID+"/runs", map[string]any{}, &r); st != http.StatusAccepted {
		ts.t.Fatalf("run: status %d", st)
	}
	return r
}

func (ts *testServer) wait(runID string, done func(runJSON) bool, within time.Duration) runJSON {
	ts.t.Helper()
	deadline := time.Now().Add(within)
	var r runJSON
	for time.Now().Before(deadline) {
		ts.do("GET", "/runs/"+runID, nil, &r)
		if done(r) {
			return r
		}
		if ts.url != "" {
			time.Sleep(700 * time.Millisecond) // a child server has the default rate limits
		} else {
			time.Sleep(100 * time.Millisecond)
		}
	}
	ts.t.Fatalf("run %s still %s after %v", runID, r.Status, within)
	return r
}

func terminal(r runJSON) bool { return r.Status != "queued" && r.Status != "running" }

const loginScript = `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/login');
  console.log('password is', process.env.PASSWORD);
  await page.type('#username', 'ada');
  await page.type('#password', process.env.PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('#login')]);
  console.log(await page.$eval('#welcome', e => e.textContent));
  await page.screenshot({ path: 'shots/welcome.png' });
  await browser.close();
})();`

// TestRunLifecycle uploads a script with a secret, runs it through the
// API, follows it live over Server-Sent Events, and checks its logs
// (secret masked) and screenshot.
func TestRunLifecycle(t *testing.T) {
	backends(t, func(t *testing.T, dsn string) {
		ts := start(t, dsn, nil)
		id := ts.script("login", loginScript, nil)
		if st := ts.do("PUT", "/scripts/"+id+"/secrets/PASSWORD", map[string]string{"value": "lovelace"}, nil); st != http.StatusNoContent {
			t.Fatalf("secret: %d", st)
		}
		r := ts.run(id)

		req, _ := http.NewRequest("GET", ts.URL()+"/api/v1/runs/"+r.ID+"/events", nil)
		req.Header.Set("Authorization", "Bearer "+ts.key)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		resp, err := http.DefaultClient.Do(req.WithContext(ctx))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var events []string
		sc := bufio.NewScanner(resp.Body)
		var ended bool
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "data: ") {
				events = append(events, line)
			}
			if line == "event: end" {
				ended = true
			}
			if ended && line == "" {
				break
			}
		}
		all := strings.Join(events, "\n")
		if !ended || !strings.Contains(all, "Welcome, ada") {
			t.Fatalf("SSE stream (ended %v):\n%s", ended, all)
		}
		if strings.Contains(all, "lovelace") || !strings.Contains(all, "password is [secret]") {
			t.Fatalf("the secret was not masked:\n%s", all)
		}
		final := ts.wait(r.ID, terminal, 10*time.Second)
		if final.Status != "passed" {
			t.Fatalf("run %+v", final)
		}
		dl, err := http.NewRequest("GET", ts.URL()+"/api/v1/runs/"+r.ID+"/artifacts/shots/welcome.png", nil)
		if err != nil {
			t.Fatal(err)
		}
		dl.Header.Set("Authorization", "Bearer "+ts.key)
		img, err := http.DefaultClient.Do(dl)
		if err != nil {
			t.Fatal(err)
		}
		defer img.Body.Close()
		head := make([]byte, 8)
		_, _ = io.ReadFull(img.Body, head)
		if img.StatusCode != 200 || string(head[1:4]) != "PNG" {
			t.Fatalf("artifact: %d %q", img.StatusCode, head)
		}
	})
}

const slowScript = `console.log('working'); setTimeout(() => console.log('done'), Number(process.env.MS || 20000));`

func TestCancelQueuedAndRunning(t *testing.T) {
	ts := start(t, "", func(c *server.Config) { c.Workers = 1 })
	id := ts.script("slow", slowScript, nil)
	running := ts.run(id)
	ts.wait(running.ID, func(r runJSON) bool { return r.Status == "running" }, 20*time.Second)
	queued := ts.run(id) // the only worker is busy
	var r runJSON
	if st := ts.do("POST", "/runs/"+queued.ID+"/cancel", nil, &r); st != http.StatusAccepted || r.Status != "cancelled" {
		t.Fatalf("cancel queued: %d %+v", st, r)
	}
	if st := ts.do("POST", "/runs/"+running.ID+"/cancel", nil, &r); st != http.StatusAccepted {
		t.Fatalf("cancel running: %d", st)
	}
	final := ts.wait(running.ID, terminal, 20*time.Second)
	if final.Status != "cancelled" {
		t.Fatalf("running run ended %+v", final)
	}
	if st := ts.do("POST", "/runs/"+running.ID+"/cancel", nil, nil); st != http.StatusConflict {
		t.Fatalf("cancel again: %d", st)
	}
}

func TestScriptRetriesOnlyWhenAsked(t *testing.T) {
	ts := start(t, "", nil)
	failing := "console.log('attempt'); throw new Error('flaky check')"
	once := ts.script("no-retry", failing, nil)
	twice := ts.script("retry-once", failing, map[string]any{"retries": 1})
	a, b := ts.run(once), ts.run(twice)
	ra := ts.wait(a.ID, terminal, 30*time.Second)
	rb := ts.wait(b.ID, terminal, 60*time.Second)
	if ra.Status != "failed" || ra.Attempt != 1 || !strings.Contains(ra.Error, "flaky check") {
		t.Errorf("without retries: %+v", ra)
	}
	if rb.Status != "failed" || rb.Attempt != 2 {
		t.Errorf("with retries: 1: %+v", rb)
	}
}

// TestEveryRunEndsOnce floods the workers with runs and checks that each
// reaches exactly one terminal status with its result.
func TestManyRunsEachEndOnce(t *testing.T) {
	ts := start(t, "", func(c *server.Config) { c.Workers = 2 })
	id := ts.script("quick", "console.log('hello from', process.env.BASE_URL ? 'skriptable' : '?')", nil)
	var ids []string
	for range 8 {
		ids = append(ids, ts.run(id).ID)
	}
	for _, rid := range ids {
		r := ts.wait(rid, terminal, 60*time.Second)
		if r.Status != "passed" || r.Attempt != 1 {
			t.Errorf("%s: %+v", rid, r)
		}
	}
	var list struct {
		Items []runJSON `json:"items"`
	}
	ts.do("GET", "/runs?script="+id+"&limit=50", nil, &list)
	if len(list.Items) != len(ids) {
		t.Fatalf("%d runs listed, %d started", len(list.Items), len(ids))
	}
}

// TestScriptLimits checks that a script's memory and CPU settings reach
// its sandbox: the same allocation passes under the operator's default
// and hits the memory limit a script asked for; asking for more than the
// operator's maximum is refused.
func TestScriptLimits(t *testing.T) {
	ts := start(t, "", func(c *server.Config) {
		c.MaxLimits = sandbox.Limits{Memory: 2 << 30, CPUs: 2}
	})
	const hog = `const a = []; for (let i = 0; i < 160; i++) a.push('x'.repeat(1 << 20) + i); console.log('holding', a.length, 'MiB');`
	roomy := ts.script("roomy", hog, map[string]any{"memory_mb": 1536, "cpus": 2})
	tight := ts.script("tight", hog, map[string]any{"memory_mb": 128, "cpus": 0.5})
	var e struct {
		Error struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if st := ts.do("PATCH", "/scripts/"+tight, map[string]any{"memory_mb": 4096}, &e); st != http.StatusUnprocessableEntity ||
		!strings.Contains(e.Error.Message, "from 128 to 2048") {
		t.Fatalf("above the maximum: %d %+v", st, e)
	}
	a, b := ts.run(roomy), ts.run(tight)
	ra, rb := ts.wait(a.ID, terminal, 60*time.Second), ts.wait(b.ID, terminal, 60*time.Second)
	if ra.Status != "passed" {
		t.Errorf("roomy: %+v", ra)
	}
	if rb.Status != "failed" || rb.Limit != "memory" || !strings.Contains(rb.Error, "memory limit of 128 MiB exceeded") {
		t.Errorf("tight: %+v", rb)
	}
	var ev struct {
		Items []struct {
			Text string `json:"text"`
		} `json:"events"`
	}
	for id, want := range map[string]string{a.ID: "attempt 1 started (memory 1536 MiB, 2 CPUs)", b.ID: "attempt 1 started (memory 128 MiB, 0.5 CPUs)"} {
		ts.do("GET", "/runs/"+id+"/logs", nil, &ev)
		var texts []string
		for _, it := range ev.Items {
			texts = append(texts, it.Text)
		}
		if !slices.Contains(texts, want) {
			t.Errorf("run %s events %q lack %q", id, texts, want)
		}
	}
}

var _ = fmt.Sprintf
