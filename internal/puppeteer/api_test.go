package puppeteer_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/chrome"
	"github.com/skriptable/skriptable/internal/fixture"
	"github.com/skriptable/skriptable/internal/js"
	"github.com/skriptable/skriptable/internal/puppeteer"
	"github.com/skriptable/skriptable/internal/runner"
)

type logSink struct {
	mu   sync.Mutex
	logs []string
}

func (s *logSink) Log(l js.Log) {
	s.mu.Lock()
	s.logs = append(s.logs, l.Text)
	s.mu.Unlock()
}
func (s *logSink) Artifact(string, []byte) error { return nil }
func (s *logSink) Step(runner.Step)              {}

// mappingScript builds one object of every class and reports, for each
// member in the compatibility table, whether the object agrees with it.
const mappingScript = `
const puppeteer = require('puppeteer');
(async () => {
  const table = JSON.parse(process.env.TABLE);
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  const response = await page.goto(process.env.BASE_URL + '/login');
  const objects = {
    puppeteer, Browser: browser, BrowserContext: browser.defaultBrowserContext(), Page: page,
    Frame: page.mainFrame(), ElementHandle: await page.$('#username'),
    JSHandle: await page.evaluateHandle(() => ({})), Keyboard: page.keyboard, Mouse: page.mouse,
    HTTPResponse: response, HTTPRequest: response.request(), Touchscreen: page.touchscreen,
    Tracing: page.tracing, Coverage: page.coverage, Accessibility: page.accessibility,
    Target: page.target(),
  };
  // Last: while a dialog is open the page runs no script.
  let dialog;
  page.on('dialog', d => { dialog = d; });
  await page.evaluate(() => setTimeout(() => alert('hi'), 0));
  while (!dialog) await new Promise(r => setTimeout(r, 10));
  objects.Dialog = dialog;
  const problems = [];
  for (const row of table) {
    const [cls, name] = [row.member.slice(0, row.member.indexOf('.')), row.member.slice(row.member.indexOf('.') + 1)];
    const obj = objects[cls];
    if (!obj) continue; // classes we cannot build yet (Tracing, Coverage, …) are all unsupported
    const own = Object.getOwnPropertyNames(obj).includes(name);
    if (!own) { problems.push(row.member + ': not defined'); continue; }
    let threw = '';
    const desc = Object.getOwnPropertyDescriptor(obj, name);
    try {
      if (desc.get) desc.get.call(obj);
      else if (row.status === 'unsupported') desc.value.call(obj);
    } catch (e) { threw = e.message; }
    const stub = threw.includes('is not supported by Skriptable yet');
    if (row.status === 'unsupported' && !stub) problems.push(row.member + ': listed unsupported but defined');
    if (row.status !== 'unsupported' && stub) problems.push(row.member + ': listed ' + row.status + ' but is a stub');
  }
  await dialog.dismiss();
  console.log(JSON.stringify(problems));
  await browser.close();
})();
`

func TestMappingsMatchTheCompatibilityTable(t *testing.T) {
	t.Parallel()
	site, err := fixture.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	table, _ := json.Marshal(puppeteer.Members())
	sink := &logSink{}
	res := runner.Run(context.Background(), runner.Job{
		Filename: "mapping.js",
		Source:   []byte(mappingScript),
		Params:   map[string]string{"TABLE": string(table), "BASE_URL": site.URL()},
		Dir:      t.TempDir(),
		Timeout:  60 * time.Second,
		Chrome:   chrome.Options{ExtraFlags: []string{chrome.LoopbackResolverFlag}},
	}, sink)
	if res.Status != runner.Passed {
		t.Fatalf("%s: %s\n%s", res.Status, res.Error, strings.Join(sink.logs, "\n"))
	}
	var problems []string
	if len(sink.logs) == 0 || json.Unmarshal([]byte(sink.logs[len(sink.logs)-1]), &problems) != nil {
		t.Fatalf("no result line: %q", sink.logs)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

func TestMembersTableIsWellFormed(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	count := map[puppeteer.Status]int{}
	for _, m := range puppeteer.Members() {
		if seen[m.Member] {
			t.Errorf("%s listed twice", m.Member)
		}
		seen[m.Member] = true
		count[m.Status]++
		if !strings.Contains(m.Member, ".") {
			t.Errorf("%s is not Class.member", m.Member)
		}
	}
	for _, must := range []string{"puppeteer.launch", "Page.goto", "Page.$eval", "Page.keyboard", "Browser.createIncognitoBrowserContext", "Page.waitForTimeout", "Page.tracing"} {
		if !seen[must] {
			t.Errorf("%s missing from the table", must)
		}
	}
	t.Logf("supported %d, partial %d, unsupported %d", count[puppeteer.Supported], count[puppeteer.Partial], count[puppeteer.Unsupported])
}

// sobek returns "x => (x + 1" for x => (x + 1); page functions must
// still reach the page whole.
func TestArrowFunctionsWithParenthesisedBodies(t *testing.T) {
	t.Parallel()
	src := `
(async () => {
  const browser = await require('puppeteer').launch();
  const page = await browser.newPage();
  console.log(JSON.stringify(await page.evaluate(() => ({ a: 1 }))));
  console.log(await page.evaluate((x, y) => ((x) + (y)), 2, 3));
  console.log(await page.evaluate(x => (((x))), 'deep'));
  console.log(await page.evaluate(async x => (await Promise.resolve(x * 2)), 21));
  await browser.close();
})();`
	sink := &logSink{}
	res := runner.Run(context.Background(), runner.Job{Filename: "arrows.js", Source: []byte(src), Dir: t.TempDir(),
		Chrome: chrome.Options{ExtraFlags: []string{chrome.LoopbackResolverFlag}}}, sink)
	if res.Status != runner.Passed {
		t.Fatalf("%s: %s", res.Status, res.Error)
	}
	if got := strings.Join(sink.logs, "|"); got != `{"a":1}|5|deep|42` {
		t.Fatalf("got %q", got)
	}
}
