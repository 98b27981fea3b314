package puppeteer_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/chrome"
	"github.com/skriptable/skriptable/internal/fixture"
	"github.com/skriptable/skriptable/internal/runner"
)

// TestUploadOnlyWrittenFiles checks that uploadFile and FileChooser.accept
// take only files the run wrote, with an error that says so, and that
// page.tracing and page.coverage are one object per page.
func TestUploadOnlyWrittenFiles(t *testing.T) {
	t.Parallel()
	site, err := fixture.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	src := `
const puppeteer = require('puppeteer');
const fs = require('fs');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/frames-files.html');
  const input = await page.$('#single');
  for (const p of ['/etc/passwd', 'never-written.txt', '../escape.txt']) {
    try { await input.uploadFile(p); console.log('uploaded ' + p); } catch (e) { console.log(e.message); }
  }
  fs.writeFileSync('ok.txt', 'fine');
  await input.uploadFile('ok.txt');
  console.log('files ' + await input.evaluate(e => e.files[0].name + ':' + e.files[0].size));
  const [chooser] = await Promise.all([page.waitForFileChooser(), page.click('#single')]);
  try { await chooser.accept('ok.txt'); } catch (e) { console.log(e.name + ': ' + e.message); }
  await chooser.accept(['ok.txt']);
  console.log('same tracing ' + (page.tracing === page.tracing) + ' coverage ' + (page.coverage === page.coverage));
  await browser.close();
})();`
	sink := &logSink{}
	res := runner.Run(context.Background(), runner.Job{Filename: "upload.js", Source: []byte(src), Dir: t.TempDir(),
		Params: map[string]string{"BASE_URL": site.URL()}, Timeout: 60 * time.Second,
		Chrome: chrome.Options{ExtraFlags: []string{chrome.LoopbackResolverFlag}}}, sink)
	if res.Status != runner.Passed {
		t.Fatalf("%s: %s\n%s", res.Status, res.Error, strings.Join(sink.logs, "\n"))
	}
	logs := sink.logs
	if len(logs) != 6 {
		t.Fatalf("logs: %q", logs)
	}
	for i, p := range []string{"/etc/passwd", "never-written.txt", "../escape.txt"} {
		want := "elementHandle.uploadFile: " + p + " is not a file this run wrote"
		if !strings.HasPrefix(logs[i], want) {
			t.Errorf("upload %s: got %q, want prefix %q", p, logs[i], want)
		}
	}
	if logs[3] != "files ok.txt:4" {
		t.Errorf("written file: %q", logs[3])
	}
	if logs[4] != "TypeError: fileChooser.accept(paths) takes an array of paths, got string" {
		t.Errorf("accept with a string: %q", logs[4])
	}
	if logs[5] != "same tracing true coverage true" {
		t.Errorf("%q", logs[5])
	}
}
