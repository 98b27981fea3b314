package server_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serveProc is `skriptable serve` as a child process (this test binary,
// see TestMain), so that the test can SIGTERM and SIGKILL it.
type serveProc struct {
	t    *testing.T
	dir  string
	addr string
	cmd  *exec.Cmd
	out  *strings.Builder
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func (p *serveProc) start() {
	p.t.Helper()
	self, _ := os.Executable()
	p.cmd = exec.Command(self, "serve", "--data-dir", p.dir, "--listen", p.addr, "--loopback-only",
		"--allow-host", strings.TrimPrefix(site.URL(), "http://"), "--workers", "1",
		"--job-timeout", "6s", "--rescue-after", "8s", "--stop-grace", "1s")
	p.cmd.Env = append(os.Environ(), "SKRIPTABLE_RUNNER_BINARY="+self)
	p.out = &strings.Builder{}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + p.addr + "/healthz"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("serve did not come up:\n%s", p.out)
}

func (p *serveProc) signal(sig syscall.Signal) error {
	_ = p.cmd.Process.Signal(sig)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		p.t.Fatalf("serve did not exit after %v:\n%s", sig, p.out)
		return nil
	}
}

func (p *serveProc) client() *testServer {
	key, err := os.ReadFile(filepath.Join(p.dir, "admin-key"))
	if err != nil {
		p.t.Fatal(err)
	}
	return &testServer{key: strings.TrimSpace(string(key)), t: p.t, url: "http://" + p.addr}
}

// TestStopAndCrashRecovery stops a server with SIGTERM while a run is in
// progress (the run is cancelled and re-queued after the grace period),
// then SIGKILLs the next server mid-run, and checks that after each
// restart the run is picked up again and ends in exactly one terminal
// status, with nothing of the killed attempts left on the machine.
func TestStopAndCrashRecovery(t *testing.T) {
	requireRoot(t)
	fixtureSite(t)
	p := &serveProc{t: t, dir: dataDir(t), addr: freeAddr(t)}
	p.start()
	ts := p.client()
	id := ts.script("slow", slowScript, nil)
	if st := ts.do("PUT", "/scripts/"+id+"/params/MS", map[string]string{"value": "3000"}, nil); st != http.StatusOK {
		t.Fatalf("param: %d", st)
	}
	r := ts.run(id)
	ts.wait(r.ID, func(x runJSON) bool { return x.Status == "running" }, 30*time.Second)

	// 1. SIGTERM: the 3 s run outlives the 1 s grace; serve exits cleanly.
	start := time.Now()
	if err := p.signal(syscall.SIGTERM); err != nil {
		t.Fatalf("serve exited with %v after SIGTERM:\n%s", err, p.out)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("SIGTERM took %v", d)
	}
	p.start()
	ts = p.client()
	defer func() {
		if t.Failed() {
			t.Logf("serve output:\n%s", p.out)
		}
	}()
	ts.wait(r.ID, func(x runJSON) bool { return x.Status == "running" && x.Attempt == 2 }, 30*time.Second)

	// 2. SIGKILL mid-run: River's rescuer re-queues the job once its
	// worker is presumed dead (--rescue-after 8s); the new server reaps the
	// orphaned sandbox at start.
	attempt2 := time.Now()
	if err := p.signal(syscall.SIGKILL); err == nil {
		t.Fatal("serve survived SIGKILL")
	}
	time.Sleep(time.Until(attempt2.Add(9 * time.Second)))
	p.start()
	ts = p.client()
	final := ts.wait(r.ID, terminal, 60*time.Second)
	if final.Status != "passed" || final.Attempt != 3 {
		t.Fatalf("after the restarts: %+v\n%s", final, p.out)
	}
	var logs struct {
		Events []struct {
			Text string `json:"text"`
		} `json:"events"`
	}
	ts.do("GET", "/runs/"+r.ID+"/logs", nil, &logs)
	var texts []string
	for _, e := range logs.Events {
		texts = append(texts, e.Text)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"attempt 1 started", "attempt 2 started", "attempt 3 started", "done"} {
		if !strings.Contains(all, want) {
			t.Errorf("log lacks %q:\n%s", want, all)
		}
	}
	_ = p.signal(syscall.SIGTERM)
	for a := 1; a <= 3; a++ {
		sandboxID := fmt.Sprintf("skriptable-r%s-%d", strings.ToLower(r.ID), a)
		if left := processesMentioning(sandboxID); len(left) > 0 {
			t.Errorf("attempt %d left processes: %v", a, left)
		}
	}
}

func processesMentioning(s string) []string {
	var out []string
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		b, err := os.ReadFile("/proc/" + d.Name() + "/cmdline")
		if err == nil && strings.Contains(string(b), s) {
			out = append(out, d.Name())
		}
	}
	return out
}
