package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/store/storetest"
)

// node is `skriptable serve` or `skriptable worker` as a child process
// (this test binary, see TestMain) that the test can SIGKILL and restart
// on the same data directory, as a pod restart would.
type node struct {
	t    *testing.T
	name string
	args []string
	dir  string
	addr string
	env  []string
	cmd  *exec.Cmd
	log  *os.File
}

func newNode(t *testing.T, name string, env []string, args ...string) *node {
	n := &node{t: t, name: name, args: args, dir: dataDir(t), addr: freeAddr(t), env: env}
	f, err := os.Create(filepath.Join(filepath.Dir(n.dir), name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	n.log = f
	t.Cleanup(func() {
		if n.cmd != nil && n.cmd.ProcessState == nil {
			_ = n.cmd.Process.Kill()
			_ = n.cmd.Wait()
		}
		if t.Failed() {
			b, _ := os.ReadFile(f.Name())
			if len(b) > 6000 {
				b = b[len(b)-6000:]
			}
			t.Logf("--- %s log (tail) ---\n%s", name, b)
		}
		f.Close()
	})
	return n
}

func (n *node) url() string { return "http://" + n.addr }

func (n *node) start() {
	n.t.Helper()
	self, _ := os.Executable()
	args := append(append([]string{}, n.args...), "--data-dir", n.dir, "--listen", n.addr)
	n.cmd = exec.Command(self, args...)
	n.cmd.Env = append(append(os.Environ(), "SKRIPTABLE_RUNNER_BINARY="+self), n.env...)
	fmt.Fprintf(n.log, "=== start %s\n", time.Now().Format(time.RFC3339Nano))
	n.cmd.Stdout, n.cmd.Stderr = n.log, n.log
	if err := n.cmd.Start(); err != nil {
		n.t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(n.url() + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	n.t.Fatalf("%s did not come up", n.name)
}

func (n *node) kill() {
	n.t.Helper()
	fmt.Fprintf(n.log, "=== SIGKILL %s\n", time.Now().Format(time.RFC3339Nano))
	_ = n.cmd.Process.Signal(syscall.SIGKILL)
	_ = n.cmd.Wait()
}

func (n *node) stop() {
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = n.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		n.t.Errorf("%s ignored SIGTERM", n.name)
		n.kill()
	}
}

// hitCounter is the fixture the runs' script visits: it counts requests
// per run token and per attempt nonce (a random value each attempt of
// the script draws).
type hitCounter struct {
	mu   sync.Mutex
	hits map[string]map[string]int
	srv  *httptest.Server
}

func newHitCounter(t *testing.T) *hitCounter {
	c := &hitCounter{hits: map[string]map[string]int{}}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/hit" {
			http.NotFound(w, r)
			return
		}
		tok, nonce := r.URL.Query().Get("token"), r.URL.Query().Get("nonce")
		c.mu.Lock()
		if c.hits[tok] == nil {
			c.hits[tok] = map[string]int{}
		}
		c.hits[tok][nonce]++
		c.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<title>counted</title>")
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// attempts returns the distinct attempts (nonces) seen for a token.
func (c *hitCounter) attempts(token string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.hits[token])
}

// apiClient talks to whichever API node is up, retrying while none is.
type apiClient struct {
	t    *testing.T
	base string
	key  string
}

func (c *apiClient) do(method, path string, body, out any) int {
	c.t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		req, _ := http.NewRequest(method, c.base+"/api/v1"+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+c.key)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			// While Postgres restarts the API may answer 5xx; GETs are
			// safe to repeat, a POST never is (it could create a run
			// twice).
			if resp.StatusCode < 500 || method != "GET" || time.Now().After(deadline) {
				if out != nil && len(data) > 0 {
					if err := json.Unmarshal(data, out); err != nil {
						c.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
					}
				}
				return resp.StatusCode
			}
		} else if method != "GET" || time.Now().After(deadline) {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// followRun follows a run's event stream to its end, reconnecting with
// Last-Event-ID whenever the connection breaks (the API node dies).
type followResult struct {
	ids        []int64
	texts      []string
	reconnects int
	end        string
	err        error
}

func followRun(ctx context.Context, c *apiClient, runID string, progress chan<- string) followResult {
	var res followResult
	last := ""
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, "GET", c.base+"/api/v1/runs/"+runID+"/events", nil)
		req.Header.Set("Authorization", "Bearer "+c.key)
		if last != "" {
			req.Header.Set("Last-Event-ID", last)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			if resp != nil {
				resp.Body.Close()
			}
			time.Sleep(200 * time.Millisecond)
			continue
		}
		sc := bufio.NewScanner(resp.Body)
		var id, name, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				id = line[4:]
			case strings.HasPrefix(line, "event: "):
				name = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = line[6:]
			case line == "" && name != "":
				if id != "" {
					n, _ := strconv.ParseInt(id, 10, 64)
					res.ids = append(res.ids, n)
					var ev struct {
						Text string `json:"text"`
					}
					_ = json.Unmarshal([]byte(data), &ev)
					res.texts = append(res.texts, ev.Text)
					last = id
					select {
					case progress <- ev.Text:
					default:
					}
				}
				if name == "end" {
					resp.Body.Close()
					res.end = data
					return res
				}
				id, name, data = "", "", ""
			}
		}
		resp.Body.Close()
		res.reconnects++
	}
	res.err = ctx.Err()
	return res
}

// faultScript visits the counter once per attempt with a fresh nonce;
// SLEEP_MS keeps a run executing for a while afterwards.
const faultScript = `const puppeteer = require('puppeteer');
(async () => {
  const nonce = Math.random().toString(36).slice(2);
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.COUNTER + '/hit?token=' + process.env.TOKEN + '&nonce=' + nonce);
  const title = await page.title();
  await browser.close();
  if (title !== 'counted') throw new Error('counter answered ' + title);
  console.log('counted', process.env.TOKEN);
  const ms = Number(process.env.SLEEP_MS || 0);
  if (ms > 0) {
    console.log('sleeping');
    await new Promise(r => setTimeout(r, ms / 2));
    console.log('half way');
    await new Promise(r => setTimeout(r, ms / 2));
    console.log('woke');
  }
})();`

// requirePostgresRestart skips (or fails, in CI) when this machine's
// Postgres cannot be restarted by the test.
func requirePostgresRestart(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pg_ctlcluster"); err == nil {
		if v, _ := filepath.Glob("/etc/postgresql/*/main"); len(v) == 1 {
			return
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("the fault-injection test restarts the local Postgres cluster: pg_ctlcluster and exactly one /etc/postgresql/*/main are required in CI")
	}
	t.Skip("the fault-injection test restarts a local Postgres cluster (Debian's pg_ctlcluster, one /etc/postgresql/*/main, root); " +
		"install postgresql and run as root to include it")
}

func restartPostgres(t *testing.T) {
	t.Helper()
	dirs, _ := filepath.Glob("/etc/postgresql/*/main")
	version := filepath.Base(filepath.Dir(dirs[0]))
	out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart").CombinedOutput()
	if err != nil {
		t.Fatalf("pg_ctlcluster restart: %v\n%s", err, out)
	}
}

// workerBusy reports whether a worker node executes a run now (its
// skriptable_runs_in_progress gauge).
func workerBusy(n *node) bool {
	resp, err := http.Get(n.url() + "/metrics")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	v := metricValue(string(b), "skriptable_runs_in_progress")
	return v != "" && v != "0"
}

func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestFaultInjection runs one API node and three worker processes on a
// fresh Postgres database and 100 short runs, each visiting a counter on
// 127.0.0.1. While they run it SIGKILLs the API node and restarts it (a
// client following a run that executes meanwhile reconnects with
// Last-Event-ID), SIGKILLs a busy worker and starts a replacement, and
// restarts Postgres. Then: every run ended in exactly one terminal status,
// none is missing or recorded twice (one run row and one River job per
// token), every attempt the counter saw is an attempt the run recorded,
// and no sandbox process of these runs is left on the machine.
func TestFaultInjection(t *testing.T) {
	requireRoot(t)
	requirePostgresRestart(t)
	storetest.LockPostgresExclusive(t)
	u, err := url.Parse(storetest.Postgres(t)(t).DSN)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("pool_max_conns", "10")
	u.RawQuery = q.Encode()
	dsn := u.String()
	counter := newHitCounter(t)
	env := []string{"SKRIPTABLE_SECRET_KEY=" + base64.StdEncoding.EncodeToString(storetest.NewSecretKey())}
	common := []string{"--database", dsn, "--loopback-only", "--allow-host", strings.TrimPrefix(counter.srv.URL, "http://"),
		"--job-timeout", "40s", "--rescue-after", "45s", "--stop-grace", "2s"}
	api := newNode(t, "api", env, append([]string{"serve", "--api-only",
		"--rate-per-key", "1e6", "--rate-per-ip", "1e6", "--rate-runs", "1e6"}, common...)...)
	api.start()
	key, err := os.ReadFile(filepath.Join(api.dir, "admin-key"))
	if err != nil {
		t.Fatal(err)
	}
	c := &apiClient{t: t, base: api.url(), key: strings.TrimSpace(string(key))}
	var workers []*node
	for i := range 3 {
		w := newNode(t, fmt.Sprintf("worker-%d", i), env, append([]string{"worker", "--workers", "1"}, common...)...)
		w.start()
		workers = append(workers, w)
	}

	var sc struct {
		ID string `json:"id"`
	}
	if st := c.do("POST", "/scripts", map[string]any{"name": "counter", "source": faultScript, "filename": "counter.js"}, &sc); st != 201 {
		t.Fatalf("upload: %d", st)
	}
	if st := c.do("PUT", "/scripts/"+sc.ID+"/params/COUNTER", map[string]string{"value": counter.srv.URL}, nil); st != 200 {
		t.Fatalf("param: %d", st)
	}
	const runs = 100
	tokens := map[string]string{} // run id → token
	var order []string
	for i := range runs {
		params := map[string]string{"TOKEN": fmt.Sprintf("t%03d", i)}
		if i == 0 {
			params["SLEEP_MS"] = "12000" // the run followed across the API restart
		}
		var r runJSON
		if st := c.do("POST", "/scripts/"+sc.ID+"/runs", map[string]any{"params": params}, &r); st != 202 {
			t.Fatalf("enqueue %d: %d", i, st)
		}
		tokens[r.ID] = params["TOKEN"]
		order = append(order, r.ID)
	}

	// 1. The API node dies while a client follows run 0, which executes.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	progress := make(chan string, 64)
	followed := make(chan followResult, 1)
	go func() { followed <- followRun(ctx, c, order[0], progress) }()
	for sleeping := false; !sleeping; {
		select {
		case txt := <-progress:
			sleeping = txt == "sleeping"
		case <-time.After(3 * time.Minute):
			t.Fatal("run 0 never started sleeping")
		}
	}
	api.kill()
	api.start()

	// 2. A busy worker dies; a replacement starts on its data directory
	// (and reaps the sandbox the dead one left).
	waitFor(t, "worker 0 to be busy", 2*time.Minute, func() bool { return workerBusy(workers[0]) })
	workers[0].kill()
	workers[0].start()

	// 3. Postgres restarts while runs execute.
	waitFor(t, "a busy worker", 2*time.Minute, func() bool { return workerBusy(workers[1]) || workers[2] != nil && workerBusy(workers[2]) })
	restartPostgres(t)

	// Every run ends.
	final := map[string]runJSON{}
	waitFor(t, "all runs to end", 6*time.Minute, func() bool {
		var list struct {
			Items []runJSON `json:"items"`
		}
		if st := c.do("GET", "/runs?script="+sc.ID+"&limit=200", nil, &list); st != 200 {
			t.Fatalf("list runs: %d", st)
		}
		clear(final)
		done := 0
		for _, r := range list.Items {
			final[r.ID] = r
			if terminal(r) {
				done++
			}
		}
		return done == len(list.Items) && len(list.Items) >= runs
	})

	// None missing, none twice: exactly the runs created, one River job
	// per run.
	if len(final) != runs {
		t.Errorf("%d runs listed, %d created", len(final), runs)
	}
	statuses := map[string]int{}
	for _, id := range order {
		r, ok := final[id]
		if !ok {
			t.Errorf("run %s (%s) missing", id, tokens[id])
			continue
		}
		statuses[r.Status]++
	}
	t.Logf("final statuses: %v", statuses)
	if pgCount(t, dsn, `SELECT COUNT(*) FROM river_job`) != runs ||
		pgCount(t, dsn, `SELECT COUNT(DISTINCT args->>'run_id') FROM river_job`) != runs {
		t.Errorf("River jobs: %d for %d distinct runs, want %d and %d",
			pgCount(t, dsn, `SELECT COUNT(*) FROM river_job`), pgCount(t, dsn, `SELECT COUNT(DISTINCT args->>'run_id') FROM river_job`), runs, runs)
	}
	// A job whose completion was lost (Postgres restarted as its run
	// ended) stays "running" until River rescues it (--rescue-after); the
	// redelivery finds its run ended and completes it without running it
	// again (checked below: no extra attempt).
	waitFor(t, "every River job to be finalized", 2*time.Minute, func() bool {
		return pgCount(t, dsn, `SELECT COUNT(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded')`) == 0
	})

	// Exactly one terminal status, and every attempt the counter saw was
	// recorded ("attempt N started" is committed before the sandbox
	// starts, so even a killed worker's attempt is on record).
	started := regexp.MustCompile(`^attempt (\d+) started`)
	for _, id := range order {
		r := final[id]
		if !terminal(r) {
			t.Errorf("run %s still %s", id, r.Status)
			continue
		}
		var logs struct {
			Events []struct {
				Kind string `json:"kind"`
				Text string `json:"text"`
			} `json:"events"`
		}
		c.do("GET", "/runs/"+id+"/logs?limit=1000", nil, &logs)
		seen := map[int]bool{}
		for _, e := range logs.Events {
			if m := started.FindStringSubmatch(e.Text); m != nil {
				n, _ := strconv.Atoi(m[1])
				if seen[n] {
					t.Errorf("run %s: attempt %d recorded twice", id, n)
				}
				seen[n] = true
			}
		}
		if len(seen) != r.Attempt {
			t.Errorf("run %s: %d attempts started in the log, attempt counter %d", id, len(seen), r.Attempt)
		}
		hits := counter.attempts(tokens[id])
		if hits > len(seen) {
			t.Errorf("run %s (%s): the counter saw %d attempts, the run recorded %d", id, tokens[id], hits, len(seen))
		}
		if r.Status == "passed" && hits == 0 {
			t.Errorf("run %s passed without visiting the counter", id)
		}
	}

	retried, hits := 0, 0
	for _, id := range order {
		if final[id].Attempt > 1 {
			retried++
		}
		hits += counter.attempts(tokens[id])
	}
	t.Logf("%d runs needed more than one attempt; the counter saw %d attempts in all", retried, hits)
	if retried == 0 {
		t.Error("no run was retried, but a worker was killed in the middle of one")
	}

	// The followed stream reconnected across the API restart, resumed
	// without repeating or losing an event, and saw the run end.
	fr := <-followed
	if fr.err != nil || fr.end == "" {
		t.Fatalf("stream of run 0 did not end: %v after %d reconnects; texts %q", fr.err, fr.reconnects, fr.texts)
	}
	if fr.reconnects < 1 {
		t.Errorf("the stream of run 0 never reconnected (the API node was killed while it ran)")
	}
	if !sort.SliceIsSorted(fr.ids, func(i, j int) bool { return fr.ids[i] < fr.ids[j] }) {
		t.Errorf("event ids out of order: %v", fr.ids)
	}
	for i := 1; i < len(fr.ids); i++ {
		if fr.ids[i] == fr.ids[i-1] {
			t.Errorf("event %d delivered twice across the reconnect", fr.ids[i])
		}
	}
	t.Logf("the stream of run 0 reconnected %d times and got %d events", fr.reconnects, len(fr.ids))
	all := strings.Join(fr.texts, "\n")
	if !strings.Contains(all, "woke") && final[order[0]].Status == "passed" {
		t.Errorf("the stream of run 0 lost events:\n%s", all)
	}
	if !strings.Contains(fr.end, `"status":"`+final[order[0]].Status+`"`) {
		t.Errorf("stream end %s, run %+v", fr.end, final[order[0]])
	}

	// Nothing of any attempt is left running.
	api.stop()
	for _, w := range workers {
		w.stop()
	}
	for _, id := range order {
		if left := sandboxProcesses("r" + strings.ToLower(id) + "-"); len(left) > 0 {
			t.Errorf("run %s left processes: %v", id, left)
		}
	}
}

// sandboxProcesses lists processes whose command line or cgroup names a
// sandbox id with the prefix (crun's "skriptable-<id>" argument; every
// process inside a sandbox, Chromium included, is in /skriptable/<id>).
func sandboxProcesses(prefix string) []string {
	var out []string
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		if _, err := strconv.Atoi(d.Name()); err != nil {
			continue
		}
		cmd, _ := os.ReadFile("/proc/" + d.Name() + "/cmdline")
		cg, _ := os.ReadFile("/proc/" + d.Name() + "/cgroup")
		if bytes.Contains(cmd, []byte(prefix)) || bytes.Contains(cg, []byte("/skriptable/"+prefix)) {
			out = append(out, d.Name()+" "+strings.ReplaceAll(string(cmd), "\x00", " "))
		}
	}
	return out
}
