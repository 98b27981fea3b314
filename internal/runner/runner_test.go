package runner

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/chrome"
	"github.com/skriptable/skriptable/internal/fixture"
	"github.com/skriptable/skriptable/internal/js"
)

func TestArtifactName(t *testing.T) {
	t.Parallel()
	ok := map[string]string{
		"shot.png":            "shot.png",
		"./shots/a.png":       "shots/a.png",
		"a/b/../c.png":        "a/c.png",
		"/out/run/x.png":      "x.png",
		"/out/run/deep/y.png": "deep/y.png",
	}
	for in, want := range ok {
		got, err := ArtifactName(in, "/out/run")
		if err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "..", "../x.png", "a/../../x.png", "/tmp/x.png", "/out/runner/x.png", "/out/run", "x\x00.png"} {
		if got, err := ArtifactName(bad, "/out/run"); err == nil {
			t.Errorf("%q accepted as %q", bad, got)
		}
	}
}

type memSink struct {
	mu    sync.Mutex
	logs  []string
	files map[string]int
}

func (s *memSink) Log(l js.Log) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logs = append(s.logs, l.Text)
}

func (s *memSink) Step(Step) {}

func (s *memSink) Artifact(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[string]int{}
	}
	s.files[name] = len(data)
	return nil
}

func job(src string, params map[string]string) Job {
	return Job{Filename: "t.js", Source: []byte(src), Params: params, Dir: "/out", Timeout: 30 * time.Second,
		Chrome: chrome.Options{ExtraFlags: []string{chrome.LoopbackResolverFlag}}}
}

func TestArtifactCountLimit(t *testing.T) {
	t.Parallel()
	site, err := fixture.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	src := `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  for (let i = 0; i < 10; i++) await page.screenshot({ path: 'shot-' + i + '.png', clip: { x: 0, y: 0, width: 10, height: 10 } });
})();`
	j := job(src, map[string]string{"BASE_URL": site.URL()})
	j.Limits.ArtifactCount = 4
	sink := &memSink{}
	res := Run(context.Background(), j, sink)
	if res.Status != Failed || !strings.Contains(res.Error, "a run may write at most 4 files") {
		t.Fatalf("%s: %s", res.Status, res.Error)
	}
	if len(sink.files) != 4 || len(res.Artifacts) != 4 {
		t.Fatalf("files %v artifacts %v", sink.files, res.Artifacts)
	}
}

// A script that never closes its browser still leaves no Chromium behind.
func TestForgottenBrowserIsClosed(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	j := job(`require('puppeteer').launch().then(b => b.newPage()).then(() => console.log('left open'))`, nil)
	j.Chrome.TempDir = tmp
	sink := &memSink{}
	res := Run(context.Background(), j, sink)
	if res.Status != Passed || strings.Join(sink.logs, "") != "left open" {
		t.Fatalf("%s %s %v", res.Status, res.Error, sink.logs)
	}
	entries, _ := os.ReadDir(tmp)
	if len(entries) != 0 {
		t.Fatalf("profile dirs left behind: %v", entries)
	}
	if pids := processesMentioning(tmp); len(pids) != 0 {
		t.Fatalf("Chromium processes left: %v", pids)
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

func TestStatuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		src    string
		status Status
		errHas string
	}{
		{"console.log('ok')", Passed, ""},
		{"process.exit(0)", Passed, ""},
		{"process.exit(7)", Failed, "process.exit(7)"},
		{"throw new Error('boom')", Failed, "Error: boom"},
		{"Promise.reject(new TypeError('late'))", Failed, "TypeError: late"},
		{"let x = ;", Invalid, "SyntaxError"},
		{"setTimeout(() => {}, 60000)", TimedOut, "timed out after 300ms"},
	}
	for _, c := range cases {
		j := job(c.src, nil)
		j.Timeout = 300 * time.Millisecond
		res := Run(context.Background(), j, &memSink{})
		if res.Status != c.status || !strings.Contains(res.Error, c.errHas) {
			t.Errorf("%q: %s %q, want %s containing %q", c.src, res.Status, res.Error, c.status, c.errHas)
		}
	}
}

func TestNodeModulesAndTestSteps(t *testing.T) {
	t.Parallel()
	src := `const assert = require('assert');
const fs = require('fs');
const path = require('path');
fs.writeFileSync(path.join(__dirname, 'report.json'), JSON.stringify({ ok: true }));
console.log(fs.readFileSync('report.json', 'utf8'), Buffer.from('hi').toString('base64'));
describe('checkout', () => {
  it('adds up', () => { assert.strictEqual(1 + 1, 2); });
  it('fails', () => { expect(1).toBe(2); });
});`
	sink := &stepSink{}
	res := Run(context.Background(), job(src, nil), sink)
	if res.Status != Failed || !strings.Contains(res.Error, "1 of 2 tests failed") {
		t.Fatalf("%s: %s", res.Status, res.Error)
	}
	if strings.Join(sink.logs, "|") != `{"ok":true} aGk=` {
		t.Fatalf("logs %q", sink.logs)
	}
	if len(sink.steps) != 2 || sink.steps[0].Name != "checkout adds up" || sink.steps[0].Status != "passed" || sink.steps[1].Status != "failed" {
		t.Fatalf("steps %+v", sink.steps)
	}
	if sink.files["report.json"] != 11 {
		t.Fatalf("files %v", sink.files)
	}
}

type stepSink struct {
	memSink
	steps []Step
}

func (s *stepSink) Step(st Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.steps = append(s.steps, st)
}
