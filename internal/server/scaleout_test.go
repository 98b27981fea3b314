package server_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/skriptable/skriptable/internal/api"
	"github.com/skriptable/skriptable/internal/server"
	"github.com/skriptable/skriptable/internal/store/storetest"
)

// startNode starts one node of a cluster on a shared Postgres database.
// Nodes share the secret key (as they must in production, through
// SKRIPTABLE_SECRET_KEY) but not their data directories. The first API
// node returns the admin key; the others return "".
func startNode(t *testing.T, dsn, role string, secret []byte, mod func(*server.Config)) (*server.Server, string) {
	t.Helper()
	requireRoot(t)
	s := fixtureSite(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var key string
	cfg := server.Config{
		Role: role, DataDir: dataDir(t), Database: dsn, Listen: "127.0.0.1:0", Workers: 2,
		AllowHosts: []string{strings.TrimPrefix(s.URL(), "http://")}, RunnerBinary: self,
		StopGrace: 5 * time.Second, SecretKey: secret, AdminKeyOut: func(k string) { key = k },
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
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
	return srv, key
}

// sseEvent is one Server-Sent Event.
type sseEvent struct{ id, name, data string }

// openStream opens GET /runs/{id}/events on base with an optional
// Last-Event-ID and delivers its events on a channel, closed at the end.
func openStream(t *testing.T, ctx context.Context, base, key, runID, lastID string) (<-chan sseEvent, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/runs/"+runID+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		t.Fatalf("events: status %d", resp.StatusCode)
	}
	ch := make(chan sseEvent, 64)
	go func() {
		defer close(ch)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			case line == "" && ev.name != "":
				ch <- ev
				ev = sseEvent{}
			}
		}
	}()
	return ch, nil
}

// TestEventsCrossNodes runs a cluster of two API nodes and one worker
// node on one Postgres database. A client follows a run on API node A
// from before it starts: the run's first log line, written by the worker
// node, reaches it while the run is still running — through
// LISTEN/NOTIFY, since the streams' fallback poll (10 s on Postgres) is
// longer than the whole run. Then a second client resumes on API node B
// with Last-Event-ID and gets exactly the rest, up to "end".
func TestEventsCrossNodes(t *testing.T) {
	dsn := storetest.Postgres(t)(t).DSN
	secret := storetest.NewSecretKey()
	apiA, key := startNode(t, dsn, server.RoleAPI, secret, nil)
	if key == "" {
		t.Fatal("no admin key")
	}
	apiB, _ := startNode(t, dsn, server.RoleAPI, secret, nil)
	ts := &testServer{Server: apiA, key: key, t: t}
	id := ts.script("two-lines", `console.log('first line'); setTimeout(() => console.log('second line'), 5000);`, nil)
	r := ts.run(id) // queued: no worker exists yet

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	streamA, err := openStream(t, ctx, apiA.URL(), key, r.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	next := func(ch <-chan sseEvent) sseEvent {
		t.Helper()
		ev, ok := <-ch
		if !ok {
			t.Fatal("stream ended early")
		}
		return ev
	}
	if ev := next(streamA); ev.name != "status" || !strings.Contains(ev.data, `"queued"`) {
		t.Fatalf("first event %+v", ev)
	}
	startNode(t, dsn, server.RoleWorker, secret, nil)

	var firstID string
	for firstID == "" {
		ev := next(streamA)
		if ev.name == "end" {
			t.Fatalf("run ended before its first line arrived: %s", ev.data)
		}
		if strings.Contains(ev.data, "first line") {
			firstID = ev.id
		}
	}
	var now runJSON
	ts.do("GET", "/runs/"+r.ID, nil, &now)
	if now.Status != "running" {
		t.Fatalf("the first line arrived only when the run was %q, not live", now.Status)
	}

	streamB, err := openStream(t, ctx, apiB.URL(), key, r.ID, firstID)
	if err != nil {
		t.Fatal(err)
	}
	var rest []string
	for {
		ev := next(streamB)
		if ev.name == "end" {
			if !strings.Contains(ev.data, `"passed"`) {
				t.Fatalf("end: %s", ev.data)
			}
			break
		}
		if ev.id != "" {
			rest = append(rest, ev.data)
		}
	}
	all := strings.Join(rest, "\n")
	if strings.Contains(all, "first line") || !strings.Contains(all, "second line") {
		t.Fatalf("resumed stream on node B after Last-Event-ID %s:\n%s", firstID, all)
	}
	for ev := range streamA { // A finishes too
		if ev.name == "end" && !strings.Contains(ev.data, `"passed"`) {
			t.Fatalf("A end: %s", ev.data)
		}
	}
}

// scrape returns the metrics text of a node.
func scrape(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, b)
	}
	return string(b)
}

// metricValue finds one sample line "name{labels} value" (labels may be
// empty) and returns its value, or "" when absent.
func metricValue(text, series string) string {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	return ""
}

// TestMetricsAndWorkerEndpoints queues three runs on an API-only node
// (the queue depth, read from the database, shows 3 on every node), then
// starts a worker node: once the runs passed, the depth is 0 and the
// worker's counters and histogram show the three runs. A worker node
// serves only /healthz, /readyz and /metrics.
func TestMetricsAndWorkerEndpoints(t *testing.T) {
	dsn := storetest.Postgres(t)(t).DSN
	secret := storetest.NewSecretKey()
	apiNode, key := startNode(t, dsn, server.RoleAPI, secret, nil)
	ts := &testServer{Server: apiNode, key: key, t: t}
	id := ts.script("quick", `console.log('hi')`, nil)
	var ids []string
	for range 3 {
		ids = append(ids, ts.run(id).ID)
	}
	m := scrape(t, apiNode.URL())
	if v := metricValue(m, "skriptable_queue_depth"); v != "3" {
		t.Fatalf("queue depth %q with 3 queued runs:\n%s", v, m)
	}
	if v := metricValue(m, "skriptable_queue_running"); v != "0" {
		t.Fatalf("running %q", v)
	}
	workerNode, _ := startNode(t, dsn, server.RoleWorker, secret, nil)
	for _, rid := range ids {
		if r := ts.wait(rid, terminal, 60*time.Second); r.Status != "passed" {
			t.Fatalf("run %+v", r)
		}
	}
	// A run is terminal in the database a moment before its handler
	// returns and counts it.
	var w string
	waitFor(t, "the worker to count 3 runs", 30*time.Second, func() bool {
		w = scrape(t, workerNode.URL())
		return metricValue(w, `skriptable_runs_finished_total{status="passed"}`) == "3"
	})
	for series, want := range map[string]string{
		"skriptable_queue_depth":                                            "0",
		`skriptable_runs_finished_total{status="passed"}`:                   "3",
		`skriptable_run_duration_seconds_count{status="passed"}`:            "3",
		`skriptable_run_duration_seconds_bucket{status="passed",le="+Inf"}`: "3",
		"skriptable_runs_in_progress":                                       "0",
	} {
		if got := metricValue(w, series); got != want {
			t.Errorf("worker %s = %q, want %q", series, got, want)
		}
	}
	if v := metricValue(scrape(t, apiNode.URL()), `skriptable_runs_finished_total{status="passed"}`); v != "" {
		t.Errorf("the API node, which ran nothing, counts %s passed runs", v)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/api/v1/scripts": 404, "/": 404, "/openapi.json": 404} {
		resp, err := http.Get(workerNode.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("worker GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// TestArtifactsOnEveryNode: a run executed on a worker node writes a
// file; both API nodes serve its bytes — stored in Postgres by default,
// or in one directory every node mounts (--blob-dir).
func TestArtifactsOnEveryNode(t *testing.T) {
	for _, mode := range []string{"postgres", "shared-blob-dir"} {
		t.Run(mode, func(t *testing.T) {
			dsn := storetest.Postgres(t)(t).DSN
			secret := storetest.NewSecretKey()
			var mod func(*server.Config)
			shared := filepath.Join(filepath.Dir(dataDir(t)), "shared-blobs")
			if mode == "shared-blob-dir" {
				mod = func(c *server.Config) { c.BlobDir = shared }
			}
			a, key := startNode(t, dsn, server.RoleAPI, secret, mod)
			b, _ := startNode(t, dsn, server.RoleAPI, secret, mod)
			startNode(t, dsn, server.RoleWorker, secret, mod)
			ts := &testServer{Server: a, key: key, t: t}
			id := ts.script("writer", `require('fs').writeFileSync('report.txt', 'made on a worker node')`, nil)
			r := ts.run(id)
			if got := ts.wait(r.ID, terminal, 60*time.Second); got.Status != "passed" {
				t.Fatalf("run %+v", got)
			}
			for _, node := range []*server.Server{a, b} {
				req, _ := http.NewRequest("GET", node.URL()+"/api/v1/runs/"+r.ID+"/artifacts/report.txt", nil)
				req.Header.Set("Authorization", "Bearer "+key)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(body) != "made on a worker node" {
					t.Fatalf("artifact from %s: %d %q", node.URL(), resp.StatusCode, body)
				}
			}
			_, err := os.Stat(shared)
			if (mode == "shared-blob-dir") != (err == nil) {
				t.Fatalf("shared blob dir exists: %v", err)
			}
		})
	}
}

// TestWorkerRidesOutDatabaseOutage cuts the database off (no connection
// accepted, every open one terminated) while a run executes and ends, and
// lets it back a few seconds later: the worker keeps the run's last
// events and its result until it can store them, so the run passes on
// its first attempt with its whole log — nothing lost, nothing rerun.
func TestWorkerRidesOutDatabaseOutage(t *testing.T) {
	dsn := storetest.Postgres(t)(t).DSN
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	admin := os.Getenv(storetest.PostgresEnv)
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	ts := start(t, dsn, nil)
	id := ts.script("outage", `console.log('before'); setTimeout(() => console.log('during the outage'), 4000);`, nil)
	r := ts.run(id)
	var logs struct {
		Events []struct {
			Text string `json:"text"`
		} `json:"events"`
	}
	waitFor(t, "the first line", 60*time.Second, func() bool {
		ts.do("GET", "/runs/"+r.ID+"/logs", nil, &logs)
		return len(logs.Events) > 0 && logs.Events[len(logs.Events)-1].Text == "before"
	})
	adminExec := func(q string) {
		t.Helper()
		conn, err := pgx.Connect(context.Background(), admin)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	adminExec("ALTER DATABASE " + dbName + " WITH ALLOW_CONNECTIONS false")
	restored := false
	restore := func() {
		if !restored {
			restored = true
			adminExec("ALTER DATABASE " + dbName + " WITH ALLOW_CONNECTIONS true")
		}
	}
	defer restore()
	adminExec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + dbName + "' AND pid <> pg_backend_pid()")
	time.Sleep(8 * time.Second) // the run ends about 4 s into the outage
	restore()

	final := ts.wait(r.ID, terminal, 60*time.Second)
	if final.Status != "passed" || final.Attempt != 1 {
		t.Fatalf("after the outage: %+v", final)
	}
	ts.do("GET", "/runs/"+r.ID+"/logs", nil, &logs)
	var texts []string
	for _, e := range logs.Events {
		texts = append(texts, e.Text)
	}
	if !slices.Contains(texts, "during the outage") {
		t.Fatalf("the line logged during the outage was lost: %q", texts)
	}
}
