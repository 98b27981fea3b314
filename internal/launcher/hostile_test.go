package launcher_test

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/launcher"
	"github.com/skriptable/skriptable/internal/sandbox"
)

// benign runs a normal script beside each hostile one: the service must
// keep serving everyone else.
const benign = `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/login');
  console.log('title:', await page.title());
  await browser.close();
})();`

func withBenign(t *testing.T, e *env, hostile func()) {
	t.Helper()
	var wg sync.WaitGroup
	defer wg.Wait() // also when hostile stops the test early
	wg.Add(1)
	go func() {
		defer wg.Done()
		res, sink := e.run(t, benign, nil)
		if res.Status != "passed" || !strings.Contains(sink.text(), "title: Login") {
			t.Errorf("benign run beside a hostile one: %s %s\n%s", res.Status, res.Error, sink.text())
		}
	}()
	hostile()
}

func TestMiningLoopTimesOut(t *testing.T) {
	t.Parallel()
	e := setup(t)
	withBenign(t, e, func() {
		res, _ := e.run(t, "while (true) {}", func(r *launcher.Request, _ *launcher.Config) { r.Job.TimeoutMS = 2000 })
		if res.Status != "timed_out" || res.Limit != "timeout" || res.Error != "timed out after 2s" {
			t.Errorf("%+v", res)
		}
	})
}

func TestHostModulesAreUnavailable(t *testing.T) {
	t.Parallel()
	e := setup(t)
	withBenign(t, e, func() {
		for _, src := range []string{
			"require('child_process').execSync('id')",
			"process.binding('fs')",
			// fs exists, but only over the run's own files (issue 4): the host's
			// files stay out of reach.
			"(async () => { const fs = await import('fs'); fs.readFileSync('/etc/passwd'); })()",
		} {
			res, sink := e.run(t, src, nil)
			if res.Status != "failed" || !(strings.Contains(res.Error, "is not available in Skriptable") || strings.Contains(res.Error, "outside the run's output directory")) {
				t.Errorf("%s: %+v %s", src, res, sink.text())
			}
		}
	})
}

func TestMemoryLimits(t *testing.T) {
	t.Parallel()
	e := setup(t)
	withBenign(t, e, func() {
		for name, src := range map[string]string{
			"js heap": "const a = []; while (true) a.push('x'.repeat(1 << 20) + a.length);",
			"renderer": `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.evaluate(() => { const a = []; while (true) a.push(new Array(1 << 20).fill(Math.random())); });
})();`,
		} {
			res, sink := e.run(t, src, func(r *launcher.Request, _ *launcher.Config) {
				r.Limits.Memory = 512 << 20
				r.Job.TimeoutMS = 120_000 // filling 512 MiB on one CPU under -race can take a while
			})
			if res.Status != "failed" || res.Limit != "memory" || res.Error != "memory limit of 512 MiB exceeded" {
				t.Errorf("%s: %+v\n%s", name, res, sink.text())
			}
		}
	})
}

func TestHostFilesAreNotVisible(t *testing.T) {
	t.Parallel()
	e := setup(t)
	withBenign(t, e, func() {
		canary := t.TempDir() + "/launcher-canary.txt"
		writeFile(t, canary, "LAUNCHER-CANARY-7d1f")
		src := `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  for (const f of ['/etc/shadow', '/proc/1/environ', process.env.CANARY, '/etc/passwd']) {
    try {
      await page.goto('file://' + f);
      console.log(f, '=>', JSON.stringify(await page.evaluate(() => document.body ? document.body.innerText : '')));
    } catch (e) { console.log(f, 'error', e.message); }
  }
  await page.goto(process.env.BASE_URL + '/');
  console.log('fetch', await page.evaluate(async f => { try { return await (await fetch('file://' + f)).text(); } catch (e) { return 'blocked: ' + e.message; } }, process.env.CANARY));
  await browser.close();
})();`
		res, sink := e.run(t, src, func(r *launcher.Request, _ *launcher.Config) { r.Job.Params["CANARY"] = canary })
		out := sink.text()
		if res.Status != "passed" {
			t.Fatalf("%+v\n%s", res, out)
		}
		for _, leak := range []string{"LAUNCHER-CANARY", "root:*", "root:$", "SKRIPTABLE_TEST", "CI=", "GOPATH", "HOSTNAME="} {
			if strings.Contains(out, leak) {
				t.Errorf("the sandbox saw host data %q:\n%s", leak, out)
			}
		}
		if !strings.Contains(out, "/etc/passwd =>") || !strings.Contains(out, "nobody") {
			t.Errorf("expected the generated /etc/passwd to be readable:\n%s", out)
		}
	})
}

// SSRF: an internal server on 127.0.0.2 (not allow-listed) must see zero
// requests whatever form the script uses, and each attempt is reported.
func TestSSRFIsBlocked(t *testing.T) {
	t.Parallel()
	e := setup(t)
	withBenign(t, e, func() {
		_, port, _ := net.SplitHostPort(e.internal.addr)
		res := &fakeResolver{answers: map[string][]netip.Addr{
			"rebind.test": {netip.MustParseAddr("127.0.0.2")},
		}}
		targets := []string{
			"http://" + e.internal.addr + "/goto",
			"http://2130706434:" + port + "/decimal",
			"http://[::ffff:7f00:2]:" + port + "/mapped",
			"http://localhost:" + port + "/localhost",
			"http://rebind.test:" + port + "/rebind",
			e.site.URL() + "/redirect?to=" + "http://" + e.internal.addr + "/redirected",
		}
		src := `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  const targets = JSON.parse(process.env.TARGETS);
  for (const u of targets) {
    const r = await page.goto(u).then(r => 'loaded ' + (r && r.status()), e => 'error ' + e.message);
    console.log('goto', u, r);
  }
  await page.goto(process.env.BASE_URL + '/');
  await page.evaluate(async (targets) => {
    for (const u of targets) {
      const img = document.createElement('img'); img.src = u + '?img'; document.body.appendChild(img);
      const f = document.createElement('iframe'); f.src = u + '?iframe'; document.body.appendChild(f);
      try { await fetch(u + '?fetch', { mode: 'no-cors' }); } catch (e) {}
    }
    await new Promise(r => setTimeout(r, 1500));
  }, targets);
  await browser.close();
})();`
		r, sink := e.run(t, src, func(req *launcher.Request, cfg *launcher.Config) {
			req.Job.Params["TARGETS"] = jsonString(targets)
			req.Public = true // even with the internet open, internal ranges stay closed
			p, _ := strconv.Atoi(port)
			req.Ports = []int{p} // so that the address, not the port, is what denies
			cfg.Resolver = res
		})
		if hits := e.internal.hits.Load(); hits != 0 {
			t.Errorf("the internal server got %d requests", hits)
		}
		out := sink.text()
		if r.Status != "passed" {
			t.Fatalf("%+v\n%s", r, out)
		}
		for _, want := range []string{"blocked http://127.0.0.2:" + port + "/goto: loopback address", "/rebind: loopback address", "/mapped: loopback address", "/redirected: loopback address"} {
			if !strings.Contains(out, want) {
				t.Errorf("no event %q in:\n%s", want, out)
			}
		}
		if r.Blocked == 0 {
			t.Error("no blocked requests counted")
		}
	})
}

func TestWebRTCSendsNoPackets(t *testing.T) {
	t.Parallel()
	e := setup(t)
	withBenign(t, e, func() {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		var got sync.WaitGroup
		packets := 0
		got.Add(1)
		go func() {
			defer got.Done()
			buf := make([]byte, 1500)
			for {
				_ = pc.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
				if _, _, err := pc.ReadFrom(buf); err == nil {
					packets++
				} else if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
					return
				}
			}
		}()
		src := `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  console.log(await page.evaluate(async (stun) => {
    const pc = new RTCPeerConnection({ iceServers: [{ urls: stun }] });
    pc.createDataChannel('x');
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise(r => setTimeout(r, 2000));
    return 'ice ' + pc.iceGatheringState;
  }, 'stun:' + process.env.STUN));
  await browser.close();
})();`
		res, sink := e.run(t, src, func(r *launcher.Request, _ *launcher.Config) { r.Job.Params["STUN"] = pc.LocalAddr().String() })
		time.Sleep(300 * time.Millisecond)
		_ = pc.Close()
		got.Wait()
		if res.Status != "passed" || packets != 0 {
			t.Fatalf("%+v, %d STUN packets arrived\n%s", res, packets, sink.text())
		}
	})
}

func TestConsoleFloodIsCapped(t *testing.T) {
	t.Parallel()
	e := setup(t)
	withBenign(t, e, func() {
		res, sink := e.run(t, "const line = 'x'.repeat(1 << 20); for (let i = 0; i < 100; i++) console.log(line); console.log('done');", nil)
		total := len(sink.text())
		if res.Status != "passed" || !res.LogTruncated || total > 11<<20 || !strings.Contains(sink.text(), "[log output truncated") {
			t.Fatalf("%+v, %d bytes of log", res, total)
		}
	})
}

func TestScreenshotFloodHitsArtifactCap(t *testing.T) {
	t.Parallel()
	e := setup(t)
	withBenign(t, e, func() {
		src := `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  for (let i = 0; i < 10000; i++) await page.screenshot({ path: 'shot-' + i + '.png', clip: { x: 0, y: 0, width: 20, height: 20 } });
})();`
		res, sink := e.run(t, src, nil)
		if res.Status != "failed" || !strings.Contains(res.Error, "a run may write at most 50 files") || len(sink.artifacts) != 50 {
			t.Fatalf("%+v, %d artifacts", res, len(sink.artifacts))
		}
	})
}

func TestParserBombsFailCleanly(t *testing.T) {
	t.Parallel()
	e := setup(t)
	withBenign(t, e, func() {
		res, _ := e.run(t, "x = "+strings.Repeat("[", 300_000)+strings.Repeat("]", 300_000), nil)
		if res.Status != "invalid" || !strings.Contains(res.Error, "nests brackets") {
			t.Errorf("nesting: %+v", res)
		}
		res, sink := e.run(t, "for (;;) /^(a+)+(?=c)b/.test('a'.repeat(32) + 'x');", func(r *launcher.Request, _ *launcher.Config) { r.Job.TimeoutMS = 3000 })
		if res.Status != "timed_out" {
			t.Errorf("redos: %+v %s", res, sink.text())
		}
	})
}

func TestConcurrentRunsAreSeparated(t *testing.T) {
	t.Parallel()
	e := setup(t)
	src := `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  await page.screenshot({ path: process.env.NAME + '.png' });
  await new Promise(r => setTimeout(r, 1500));
  await page.goto('file:///tmp/');
  const listing = await page.evaluate(() => document.body.innerText);
  console.log('profiles', (listing.match(/skriptable-chrome-/g) || []).length);
  await browser.close();
})();`
	type out struct {
		res  launcher.Result
		sink *collector
	}
	results := make([]out, 2)
	var wg sync.WaitGroup
	for i, name := range []string{"alpha", "beta"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, s := e.run(t, src, func(req *launcher.Request, _ *launcher.Config) { req.Job.Params["NAME"] = name })
			results[i] = out{r, s}
		}()
	}
	wg.Wait()
	for i, name := range []string{"alpha", "beta"} {
		r := results[i]
		text := r.sink.text()
		if r.res.Status != "passed" || !strings.Contains(text, "profiles 1") {
			t.Errorf("%s: %+v\n%s", name, r.res, text)
		}
		if len(r.sink.artifacts) != 1 || r.sink.artifacts[name+".png"] == nil {
			t.Errorf("%s got artifacts %v", name, keys(r.sink.artifacts))
		}
	}
}

func TestMisbehavingRunnerIsKilled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	withBenign(t, e, func() {
		for _, mode := range []string{"garbage", "oversized", "unknown"} {
			start := time.Now()
			res, _ := e.run(t, "1", func(_ *launcher.Request, cfg *launcher.Config) {
				cfg.RunnerEnv = []string{"SKRIPTABLE_TEST_RUNNER=" + mode}
			})
			if res.Status != "errored" || !strings.HasPrefix(res.Error, "runner protocol violation: ") {
				t.Errorf("%s: %+v", mode, res)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("%s: took %v: the sandbox was not killed promptly", mode, d)
			}
		}
		res, _ := e.run(t, "1", func(r *launcher.Request, cfg *launcher.Config) {
			cfg.RunnerEnv = []string{"SKRIPTABLE_TEST_RUNNER=hang"}
			r.Job.TimeoutMS = 1000
		})
		if res.Status != "timed_out" {
			t.Errorf("hang: %+v", res)
		}
	})
}

func TestSecretsAreMasked(t *testing.T) {
	t.Parallel()
	e := setup(t)
	withBenign(t, e, func() {
		src := `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/login');
  console.log('the password is', process.env.PASSWORD);
  await page.type('#password', process.env.PASSWORD);
  console.log('typed:', await page.$eval('#password', el => el.value));
  throw new Error('failed with ' + process.env.PASSWORD);
})();`
		res, sink := e.run(t, src, func(r *launcher.Request, _ *launcher.Config) {
			r.Job.Params["PASSWORD"] = "hunter2-s3cret"
			r.Secrets = []string{"hunter2-s3cret"}
		})
		all := sink.text() + res.Error
		if strings.Contains(all, "hunter2") || strings.Count(all, "[secret]") < 3 {
			t.Fatalf("secret leaked or not masked:\n%s", all)
		}
	})
}

var _ = sandbox.Limits{}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func jsonString(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ",") + "]"
}
