package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeScript puts a script in a temp dir and returns its path.
func writeScript(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSyntaxErrorIsAnInputError(t *testing.T) {
	t.Parallel()
	p := writeScript(t, "script.js", "const a = 1;\nconst b = 2;\nconst c = a +* b;\n")
	_, stderr, code := runCLI(t, "run", p)
	if code != ExitUsage {
		t.Fatalf("exit %d", code)
	}
	if want := "SyntaxError: Unexpected token * (" + p + ":3:14)\n"; stderr != want {
		t.Fatalf("stderr %q, want %q", stderr, want)
	}
}

func TestOversizedAndDeeplyNestedScriptsAreRefused(t *testing.T) {
	t.Parallel()
	big := writeScript(t, "big.js", "// "+strings.Repeat("x", 1<<20))
	_, stderr, code := runCLI(t, "run", big)
	if code != ExitUsage || !strings.Contains(stderr, "over the limit of 1048576 bytes (1 MiB)") {
		t.Fatalf("big: exit %d, %q", code, stderr)
	}
	deep := writeScript(t, "deep.js", "x = "+strings.Repeat("[", 5000)+strings.Repeat("]", 5000))
	_, stderr, code = runCLI(t, "run", deep)
	if code != ExitUsage || !strings.Contains(stderr, "over the limit of 1000 levels") {
		t.Fatalf("deep: exit %d, %q", code, stderr)
	}
}

func TestUnsupportedAndUnknownMembersExplainThemselves(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"await page.screencast()":             "Error: page.screencast is not supported by Skriptable yet",
		"await browser.installExtension('x')": "Error: browser.installExtension is not supported by Skriptable yet",
		"await page.foo()":                    "TypeError: page.foo is not supported by Skriptable",
		"await browser.wsEndpoint()":          "Error: browser.wsEndpoint is not supported by Skriptable yet (Skriptable drives the browser over a pipe, never a debugging port)",
		"require('child_process')":            "Error: module 'child_process' is not available in Skriptable",
		"await page.click('#missing')":        "Error: No element found for selector: #missing",
	}
	for line, want := range cases {
		src := "const puppeteer = require('puppeteer');\n(async () => {\n  const browser = await puppeteer.launch();\n  const page = await browser.newPage();\n  " + line + ";\n})();\n"
		p := writeScript(t, "members.js", src)
		_, stderr, code := runCLI(t, "run", p)
		if code != ExitFailed || !strings.HasPrefix(stderr, want+"\n") {
			t.Errorf("%s: exit %d, stderr %q, want prefix %q", line, code, stderr, want)
		}
		if !strings.Contains(stderr, "members.js:5:") {
			t.Errorf("%s: stderr does not point at line 5: %q", line, stderr)
		}
	}
}

func TestPageThatNeverLoadsTimesOutNamingURLAndWaitUntil(t *testing.T) {
	t.Parallel()
	p := writeScript(t, "never.js", `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  try {
    await page.goto(process.env.BASE_URL + '/never', { timeout: 700, waitUntil: 'networkidle0' });
  } catch (e) {
    console.log(e.name, e instanceof puppeteer.TimeoutError, e.message.replace(process.env.BASE_URL, 'BASE'));
  }
  await browser.close();
})();
`)
	stdout, stderr, code := runCLI(t, append([]string{"run", p}, siteArgs(t)...)...)
	want := `TimeoutError true Navigation timeout of 700 ms exceeded (waiting for "networkidle0" of BASE/never)` + "\n"
	if code != ExitOK || stdout != want {
		t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %s", code, stdout, want, stderr)
	}
}

func TestRunTimeoutIsALimit(t *testing.T) {
	t.Parallel()
	p := writeScript(t, "spin.js", "while (true) {}")
	stdout, stderr, code := runCLI(t, "run", p, "--timeout", "500ms", "--json")
	if code != ExitLimit || !strings.Contains(stderr, "timed out after 500ms") {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
	var s summary
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &s); err != nil {
		t.Fatalf("json line %q: %v", stdout, err)
	}
	if s.Status != "timed_out" || s.Limit != "timeout" || s.Error == nil || *s.Error != "timed out after 500ms" {
		t.Fatalf("summary %+v", s)
	}
}

func TestJSONSummaryAndParams(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	p := writeScript(t, "shot.js", `const puppeteer = require('puppeteer');
(async () => {
  console.log('user is', process.env.USER_NAME);
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/screenshot');
  await page.screenshot({ path: 'shots/a.png' });
  await page.pdf({ path: 'a.pdf' });
  await browser.close();
})();
`)
	stdout, stderr, code := runCLI(t, append([]string{"run", p, "--param", "USER_NAME=ada", "--out", out, "--json"}, siteArgs(t)...)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if lines[0] != "user is ada" {
		t.Fatalf("stdout %q", stdout)
	}
	var s summary
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &s); err != nil {
		t.Fatal(err)
	}
	if s.Status != "passed" || s.Error != nil || strings.Join(s.Artifacts, ",") != "shots/a.png,a.pdf" || s.DurationMS <= 0 {
		t.Fatalf("summary %+v", s)
	}
	for _, f := range []string{"shots/a.png", "a.pdf"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
}

func TestPathsOutsideTheOutputDirectoryAreRefused(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	for _, path := range []string{"../escape.png", "/tmp/escape.png", "a/../../escape.png"} {
		p := writeScript(t, "escape.js", `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  await page.screenshot({ path: process.env.SHOT });
})();
`)
		_, stderr, code := runCLI(t, append([]string{"run", p, "--param", "SHOT=" + path, "--out", out}, siteArgs(t)...)...)
		if code != ExitFailed || (!strings.Contains(stderr, "escapes the output directory") && !strings.Contains(stderr, "is outside the output directory")) {
			t.Errorf("%s: exit %d stderr %q", path, code, stderr)
		}
		entries, _ := os.ReadDir(parent)
		if len(entries) != 1 {
			t.Errorf("%s: something was written next to the output directory: %v", path, entries)
		}
	}
}

func TestMissingChromiumSaysHowToInstall(t *testing.T) {
	t.Parallel()
	p := writeScript(t, "launch.js", "require('puppeteer').launch().then(b => b.close());")
	_, stderr, code := runCLI(t, "run", p, "--sandbox", "none", "--chromium", "/nonexistent/chromium")
	if code != ExitErrored || !strings.Contains(stderr, "apt-get install -y chromium") {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"run"}, {"run", "/nonexistent.js"}, {"run", "--param", "bad", "x.js"}, {"nope"}, {}} {
		_, _, code := runCLI(t, args...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
}

// A renderer crash while a wait is pending ends the run promptly with
// Puppeteer's "Page crashed!" instead of waiting for the wait's timeout.
func TestRendererCrashEndsTheRunPromptly(t *testing.T) {
	t.Parallel()
	p := writeScript(t, "crash.js", `const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  const waiting = page.waitForSelector('#never', { timeout: 60000 });
  await page.goto('chrome://crash').catch(() => {});
  await waiting;
})();
`)
	start := time.Now()
	_, stderr, code := runCLI(t, append([]string{"run", p, "--timeout", "90s"}, siteArgs(t)...)...)
	if code != ExitFailed || !strings.HasPrefix(stderr, "Error: Page crashed!\n") || !strings.Contains(stderr, "crash.js:6:") {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("the run took %v after the crash", d)
	}
}

// TestSandboxLimitFlags runs the seed's limits on the command line:
// --memory=512m with --cpus 0.5 runs the screenshot example, and a heap
// hog under the same flags ends with exit code 3 naming the limit.
func TestSandboxLimitFlags(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("the oci sandbox needs root")
	}
	out := t.TempDir()
	script := filepath.Join("..", "..", "examples", "screenshot.js")
	args := append([]string{"run", script, "--sandbox", "oci", "--memory=512m", "--cpus", "0.5", "--out", out}, siteArgs(t)...)
	if _, stderr, code := runCLI(t, args...); code != ExitOK {
		t.Fatalf("screenshot under 512m / 0.5 CPUs: exit %d\n%s", code, stderr)
	}
	if shots, _ := filepath.Glob(filepath.Join(out, "*.png")); len(shots) == 0 {
		t.Error("no screenshot written")
	}
	hog := writeScript(t, "hog.js", "const a = []; while (true) a.push('x'.repeat(1 << 20) + a.length);")
	_, stderr, code := runCLI(t, "run", hog, "--sandbox", "oci", "--memory=512m", "--cpus", "0.5")
	if code != ExitLimit || !strings.Contains(stderr, "memory limit of 512 MiB exceeded") {
		t.Fatalf("heap hog: exit %d, stderr %q", code, stderr)
	}
}
