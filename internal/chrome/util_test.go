package chrome

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// startBrowser starts the real Chromium with a per-test TempDir and registers
// a Close on cleanup.
func startBrowser(t *testing.T, opts Options) *Process {
	t.Helper()
	if opts.TempDir == "" {
		opts.TempDir = t.TempDir()
	}
	p, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { p.Close(nil) })
	return p
}

// cdpClient speaks just enough CDP for the tests: one request at a time,
// replies matched by id, events skipped.
type cdpClient struct {
	mu     sync.Mutex
	nextID int
	r      *bufio.Reader
	p      *Process
}

func newClient(p *Process) *cdpClient {
	r, _ := p.Pipe()
	return &cdpClient{p: p, r: bufio.NewReader(r)}
}

// send writes one NUL-terminated message and returns its id. params, if
// given, is the raw JSON of the params object.
func (c *cdpClient) send(method string, params ...string) (int, error) {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.mu.Unlock()
	_, w := c.p.Pipe()
	msg := fmt.Sprintf(`{"id":%d,"method":%q}`, id, method)
	if len(params) > 0 {
		msg = fmt.Sprintf(`{"id":%d,"method":%q,"params":%s}`, id, method, params[0])
	}
	_, err := w.Write(append([]byte(msg), 0))
	return id, err
}

// call sends method and waits up to timeout for the reply with its id. A CDP
// error reply is returned as an error.
func (c *cdpClient) call(method string, timeout time.Duration, params ...string) (map[string]any, error) {
	id, err := c.send(method, params...)
	if err != nil {
		return nil, err
	}
	type result struct {
		msg map[string]any
		err error
	}
	ch := make(chan result, 1)
	go func() {
		for {
			b, err := c.r.ReadBytes(0)
			if err != nil {
				ch <- result{err: err}
				return
			}
			var m map[string]any
			if err := json.Unmarshal(bytes.TrimSuffix(b, []byte{0}), &m); err != nil {
				ch <- result{err: fmt.Errorf("bad message %q: %v", b, err)}
				return
			}
			if got, ok := m["id"].(float64); ok && int(got) == id {
				if e, ok := m["error"]; ok {
					ch <- result{err: fmt.Errorf("%s: %v", method, e)}
					return
				}
				ch <- result{msg: m}
				return
			}
		}
	}()
	select {
	case res := <-ch:
		return res.msg, res.err
	case <-time.After(timeout):
		return nil, fmt.Errorf("no reply to %s within %v", method, timeout)
	}
}

// procsContaining returns pid -> cmdline of every live process other than
// this one whose command line contains s.
func procsContaining(s string) map[int]string {
	out := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		if cmd := string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})); strings.Contains(cmd, s) {
			out[pid] = cmd
		}
	}
	return out
}

// waitNoProcs polls until no process mentions s or the timeout passes, and
// returns the survivors.
func waitNoProcs(s string, timeout time.Duration) map[int]string {
	deadline := time.Now().Add(timeout)
	for {
		left := procsContaining(s)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// assertEmptyDir fails unless dir exists and has no entries.
func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	if len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s not empty: %v", dir, names)
	}
}

// lockedBuffer is an io.Writer safe for the concurrent use Options.Stderr gets.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
