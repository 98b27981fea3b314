// Command scaleout measures a Skriptable cluster on one Postgres database
// on this machine: one API node (`serve --api-only`) and 1, 2 and 3
// `skriptable worker` processes (each --workers 1). It prints runs per
// minute of a short Chromium script (goto a local page, read its title)
// with 1, 2 and 3 worker processes, with the machine's CPU utilisation
// over each phase (is it CPU-bound?); the queue overhead per job, enqueue
// to claimed (River's created_at to attempted_at), p50/p99, for single
// runs submitted to idle workers; and API latency (GET /runs, GET
// /scripts) p50/p99 while 3 workers are busy. Run it with
//
//	go build -o bin/skriptable ./cmd/skriptable && go run ./bench/scaleout -runs 30
//
// It creates a fresh database (skriptable_bench_<random>) on -postgres
// and drops it at the end. Everything stays on 127.0.0.1: the fixture site
// is `skriptable dev-site` and runs use --loopback-only.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const titleScript = `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  console.log(await page.title());
  await browser.close();
})();`

const trivialScript = `console.log('hi')`

func main() {
	bin := flag.String("bin", "bin/skriptable", "the skriptable binary")
	pg := flag.String("postgres", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "a Postgres user allowed to create databases")
	runs := flag.Int("runs", 30, "runs per worker setting")
	probes := flag.Int("probes", 40, "single runs for the queue-overhead measurement")
	rps := flag.Int("rps", 20, "API requests per second during the latency measurement")
	flag.Parse()
	abs, err := filepath.Abs(*bin)
	must(err)
	*bin = abs

	dsn, drop := createDatabase(*pg)
	defer drop()
	site, siteURL := startSite(*bin)
	defer func() { _ = site.Process.Kill(); _ = site.Wait() }()
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	env := []string{"SKRIPTABLE_SECRET_KEY=" + base64.StdEncoding.EncodeToString(secret)}
	common := []string{"--database", dsn, "--loopback-only", "--allow-host", strings.TrimPrefix(siteURL, "http://")}

	api := start(*bin, env, append([]string{"serve", "--api-only", "--rate-per-key", "1e6", "--rate-per-ip", "1e6", "--rate-runs", "1e6"}, common...))
	defer api.stop()
	key, err := os.ReadFile(filepath.Join(api.dir, "data", "admin-key"))
	must(err)
	c := &client{base: api.base, key: strings.TrimSpace(string(key))}
	title := c.upload("title", titleScript, siteURL)
	trivial := c.upload("trivial", trivialScript, siteURL)
	fmt.Printf("machine: %d CPUs; Postgres %s; %d runs per setting\n\n", numCPU(), redact(*pg), *runs)

	var workers []*proc
	defer func() {
		for _, w := range workers {
			w.stop()
		}
	}()
	for n := 1; n <= 3; n++ {
		workers = append(workers, start(*bin, env, append([]string{"worker", "--workers", "1"}, common...)))
		c.waitAll([]string{c.run(title)}) // warm-up, unmeasured
		cpu0 := cpuTimes()
		t0 := time.Now()
		ids := make([]string, *runs)
		for i := range ids {
			ids[i] = c.run(title)
		}
		var lat []time.Duration
		var loadDone chan struct{}
		var loadWG sync.WaitGroup
		if n == 3 {
			loadDone = make(chan struct{})
			loadWG.Add(1)
			go func() { defer loadWG.Done(); lat = c.load(*rps, loadDone) }()
		}
		c.waitAll(ids)
		elapsed := time.Since(t0)
		busy := cpuTimes().busySince(cpu0)
		if loadDone != nil {
			close(loadDone)
			loadWG.Wait()
		}
		fmt.Printf("%d worker process(es): %d runs in %.1f s = %.1f runs/min; machine CPU busy %.0f%% of %d cores over the phase\n",
			n, *runs, elapsed.Seconds(), float64(*runs)/elapsed.Minutes(), 100*busy, numCPU())
		if len(lat) > 0 {
			fmt.Printf("  API latency while 3 workers are busy (GET /api/v1/runs?limit=20 and GET /api/v1/scripts, %d req/s, %d requests): p50 %.1f ms, p99 %.1f ms\n",
				*rps, len(lat), ms(pct(lat, 50)), ms(pct(lat, 99)))
		}
	}

	// Queue overhead: one trivial run at a time, to 3 idle workers.
	pool, err := pgxpool.New(context.Background(), dsn)
	must(err)
	defer pool.Close()
	var waits []time.Duration
	for range *probes {
		id := c.run(trivial)
		c.waitAll([]string{id})
		waits = append(waits, claimWait(pool, id))
	}
	fmt.Printf("\nqueue overhead, enqueue → claimed by an idle worker (River created_at → attempted_at), %d single runs: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
		len(waits), ms(pct(waits, 50)), ms(pct(waits, 99)), ms(pct(waits, 100)))
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "?"
	}
	return u.Redacted()
}

// createDatabase makes a fresh database and returns its DSN and a drop.
func createDatabase(admin string) (string, func()) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	must(err)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "skriptable_bench_" + hex.EncodeToString(b)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+name)
	must(err)
	conn.Close(ctx)
	u, err := url.Parse(admin)
	must(err)
	u.Path = "/" + name
	q := u.Query()
	q.Set("pool_max_conns", "10")
	u.RawQuery = q.Encode()
	return u.String(), func() {
		conn, err := pgx.Connect(ctx, admin)
		if err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	}
}

// claimWait reads the run's job: how long it waited from insert to its
// first claim.
func claimWait(pool *pgxpool.Pool, runID string) time.Duration {
	var secs float64
	must(pool.QueryRow(context.Background(), `SELECT EXTRACT(EPOCH FROM attempted_at - created_at) FROM river_job WHERE args->>'run_id' = $1`, runID).Scan(&secs))
	return time.Duration(secs * float64(time.Second))
}

type proc struct {
	cmd  *exec.Cmd
	dir  string
	base string
}

func start(bin string, env, args []string) *proc {
	dir, err := os.MkdirTemp("", "skriptable-scaleout-")
	must(err)
	must(os.Chmod(dir, 0o711))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, append(args, "--data-dir", filepath.Join(dir, "data"), "--listen", addr)...)
	cmd.Env = append(os.Environ(), env...)
	logf, err := os.Create(filepath.Join(dir, "node.log")) // read it if a run fails
	must(err)
	cmd.Stdout, cmd.Stderr = logf, logf
	must(cmd.Start())
	p := &proc{cmd: cmd, dir: dir, base: "http://" + addr}
	for range 600 {
		if resp, err := http.Get(p.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	panic("node did not start: " + strings.Join(args, " "))
}

func (p *proc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	_ = p.cmd.Wait()
	_ = os.RemoveAll(p.dir)
}

func startSite(bin string) (*exec.Cmd, string) {
	cmd := exec.Command(bin, "dev-site", "--listen", "127.0.0.1:0")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	must(err)
	must(cmd.Start())
	l, err := bufio.NewReader(out).ReadString('\n')
	must(err)
	return cmd, strings.TrimSpace(l)
}

type client struct{ base, key string }

func (c *client) call(method, path string, body, out any) (int, time.Duration) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+"/api/v1"+path, r)
	req.Header.Set("Authorization", "Bearer "+c.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	t := time.Now()
	resp, err := http.DefaultClient.Do(req)
	must(err)
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	d := time.Since(t)
	if out != nil {
		must(json.Unmarshal(data, out))
	}
	return resp.StatusCode, d
}

func (c *client) upload(name, src, siteURL string) string {
	var sc struct{ ID string }
	if st, _ := c.call("POST", "/scripts", map[string]any{"name": name, "source": src}, &sc); st != 201 {
		panic(fmt.Sprintf("upload: %d", st))
	}
	c.call("PUT", "/scripts/"+sc.ID+"/params/BASE_URL", map[string]string{"value": siteURL}, nil)
	return sc.ID
}

func (c *client) run(sid string) string {
	var r struct{ ID string }
	if st, _ := c.call("POST", "/scripts/"+sid+"/runs", map[string]any{}, &r); st != 202 {
		panic(fmt.Sprintf("enqueue: %d", st))
	}
	return r.ID
}

// waitAll waits until every run passed (anything else stops the bench).
func (c *client) waitAll(ids []string) {
	for _, id := range ids {
		for {
			var r struct{ Status, Error string }
			c.call("GET", "/runs/"+id, nil, &r)
			if r.Status == "queued" || r.Status == "running" {
				time.Sleep(20 * time.Millisecond)
				continue
			}
			if r.Status != "passed" {
				panic(fmt.Sprintf("run %s %s: %s", id, r.Status, r.Error))
			}
			break
		}
	}
}

// load sends GETs at a steady rate until done, returning the latencies.
func (c *client) load(rps int, done chan struct{}) []time.Duration {
	var mu sync.Mutex
	var lat []time.Duration
	t := time.NewTicker(time.Second / time.Duration(rps))
	defer t.Stop()
	var wg sync.WaitGroup
	for i := 0; ; i++ {
		select {
		case <-done:
			wg.Wait()
			return lat
		case <-t.C:
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := "/runs?limit=20"
			if i%2 == 1 {
				path = "/scripts"
			}
			_, d := c.call("GET", path, nil, nil)
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		}()
	}
}

// cpu is a /proc/stat snapshot of the whole machine.
type cpu struct{ busy, total float64 }

func cpuTimes() cpu {
	b, err := os.ReadFile("/proc/stat")
	must(err)
	line := strings.SplitN(string(b), "\n", 2)[0]
	var c cpu
	for i, f := range strings.Fields(line)[1:] {
		v, _ := strconv.ParseFloat(f, 64)
		c.total += v
		if i != 3 && i != 4 { // idle, iowait
			c.busy += v
		}
	}
	return c
}

func (c cpu) busySince(before cpu) float64 {
	return (c.busy - before.busy) / (c.total - before.total)
}

func pct(d []time.Duration, p int) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	i := (len(d)*p + 99) / 100
	if i < 1 {
		i = 1
	}
	return d[i-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "processor\t:")
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
