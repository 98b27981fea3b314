// Command service measures `skriptable serve` on this machine: runs per
// minute of a trivial script (goto a local page, read its title) with
// --workers 1, 2 and 4; how much CPU the serve process itself used against
// the sandboxes (runner + Chromium); and API latency (p50/p99) under a
// steady load from this, a second, process while runs execute.
//
//	go build -o bin/skriptable ./cmd/skriptable && go run ./bench/service -runs 20
//
// Everything stays on 127.0.0.1: the fixture site is served by
// `skriptable dev-site` and runs use --loopback-only.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const script = `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  console.log(await page.title());
  await browser.close();
})();`

func main() {
	bin := flag.String("bin", "bin/skriptable", "the skriptable binary")
	runs := flag.Int("runs", 20, "runs per worker setting")
	rps := flag.Int("rps", 20, "API load, requests per second, during the latency measurement")
	flag.Parse()

	site := startSite(*bin)
	defer site.Process.Kill()
	siteURL := readLine(site)
	fmt.Printf("machine: %d CPUs; fixture site %s; %d runs per setting\n\n", numCPU(), siteURL, *runs)

	for _, workers := range []int{1, 2, 4} {
		s := startServe(*bin, workers, siteURL)
		sid := s.upload(siteURL)
		cpu0 := procCPU(s.cmd.Process.Pid)
		start := time.Now()
		ids := make([]string, *runs)
		for i := range ids {
			ids[i] = s.runNow(sid)
		}
		var sandboxCPU float64
		var lat []time.Duration
		var loadDone chan struct{}
		if workers == 2 {
			loadDone = make(chan struct{})
			go func() { lat = s.load(*rps, loadDone) }()
		}
		for _, id := range ids {
			sandboxCPU += s.waitCPU(id)
		}
		elapsed := time.Since(start)
		if loadDone != nil {
			close(loadDone)
			time.Sleep(100 * time.Millisecond)
		}
		serveCPU := procCPU(s.cmd.Process.Pid) - cpu0
		fmt.Printf("--workers %d: %d runs in %.1f s = %.1f runs/min; CPU: serve %.1f s, sandboxes (runner+Chromium) %.1f s → serve share %.1f%%\n",
			workers, *runs, elapsed.Seconds(), float64(*runs)/elapsed.Minutes(), serveCPU, sandboxCPU, 100*serveCPU/(serveCPU+sandboxCPU))
		if len(lat) > 0 {
			fmt.Printf("  API latency while runs execute (GET /api/v1/runs?limit=20 and GET /api/v1/scripts, %d req/s, %d requests): p50 %.1f ms, p99 %.1f ms\n",
				*rps, len(lat), ms(pct(lat, 50)), ms(pct(lat, 99)))
		}
		s.stop()
	}
}

type serve struct {
	cmd  *exec.Cmd
	dir  string
	base string
	key  string
}

func startSite(bin string) *exec.Cmd {
	cmd := exec.Command(bin, "dev-site", "--listen", "127.0.0.1:0")
	cmd.Stderr = os.Stderr
	out, _ := cmd.StdoutPipe()
	must(cmd.Start())
	cmd.Stdout = nil
	sitePipe = bufio.NewReader(out)
	return cmd
}

var sitePipe *bufio.Reader

func readLine(*exec.Cmd) string {
	l, err := sitePipe.ReadString('\n')
	must(err)
	return strings.TrimSpace(l)
}

func startServe(bin string, workers int, siteURL string) *serve {
	dir, err := os.MkdirTemp("", "skriptable-bench-")
	must(err)
	must(os.Chmod(dir, 0o711))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--data-dir", filepath.Join(dir, "data"), "--listen", addr,
		"--workers", strconv.Itoa(workers), "--loopback-only", "--allow-host", strings.TrimPrefix(siteURL, "http://"),
		"--rate-per-key", "1000000", "--rate-per-ip", "1000000", "--rate-runs", "1000000")
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	must(cmd.Start())
	s := &serve{cmd: cmd, dir: dir, base: "http://" + addr}
	for i := 0; i < 200; i++ {
		if resp, err := http.Get(s.base + "/readyz"); err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			key, err := os.ReadFile(filepath.Join(dir, "data", "admin-key"))
			must(err)
			s.key = strings.TrimSpace(string(key))
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	panic("serve did not start")
}

func (s *serve) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	_ = s.cmd.Wait()
	_ = os.RemoveAll(s.dir)
}

func (s *serve) call(method, path string, body, out any) (int, time.Duration) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+"/api/v1"+path, r)
	req.Header.Set("Authorization", "Bearer "+s.key)
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

func (s *serve) upload(siteURL string) string {
	var sc struct{ ID string }
	s.call("POST", "/scripts", map[string]any{"name": "title", "source": script}, &sc)
	s.call("PUT", "/scripts/"+sc.ID+"/params/BASE_URL", map[string]string{"value": siteURL}, nil)
	return sc.ID
}

func (s *serve) runNow(sid string) string {
	var r struct{ ID string }
	if st, _ := s.call("POST", "/scripts/"+sid+"/runs", map[string]any{}, &r); st != 202 {
		panic(fmt.Sprintf("enqueue: %d", st))
	}
	return r.ID
}

// waitCPU waits for the run to pass and returns the sandbox CPU seconds
// its "resources:" notice reports.
func (s *serve) waitCPU(id string) float64 {
	for {
		var r struct{ Status, Error string }
		s.call("GET", "/runs/"+id, nil, &r)
		switch r.Status {
		case "queued", "running":
			time.Sleep(100 * time.Millisecond)
			continue
		case "passed":
		default:
			panic(fmt.Sprintf("run %s %s: %s", id, r.Status, r.Error))
		}
		var logs struct{ Events []struct{ Text string } }
		s.call("GET", "/runs/"+id+"/logs", nil, &logs)
		for _, e := range logs.Events {
			if rest, ok := strings.CutPrefix(e.Text, "resources: "); ok {
				f, _ := strconv.ParseFloat(strings.Fields(rest)[0], 64)
				return f
			}
		}
		return 0
	}
}

// load sends GETs at a steady rate until done, returning the latencies.
func (s *serve) load(rps int, done chan struct{}) []time.Duration {
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
			_, d := s.call("GET", path, nil, nil)
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		}()
	}
}

// procCPU is the user+system CPU seconds of a process (not its children).
func procCPU(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	must(err)
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ
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
