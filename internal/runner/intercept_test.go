package runner

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/fixture"
)

// A request-interception handler that never resolves the request leaves
// the run hanging, as in Puppeteer; the timeout error then names the
// request that is still held.
func TestTimeoutNamesPendingInterceptedRequest(t *testing.T) {
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
  await page.setRequestInterception(true);
  page.on('request', req => { /* forgot req.continue() */ });
  await page.goto(process.env.BASE_URL + '/net/page', { timeout: 0 });
})();`
	j := job(src, map[string]string{"BASE_URL": site.URL()})
	j.Timeout = 3 * time.Second
	res := Run(context.Background(), j, &memSink{})
	want := "GET " + site.URL() + "/net/page"
	if res.Status != TimedOut || !strings.Contains(res.Error, "timed out after 3s") || !strings.Contains(res.Error, want) ||
		!strings.Contains(res.Error, "never called continue(), abort() or respond()") {
		t.Fatalf("%s: %q, want a timeout naming %q", res.Status, res.Error, want)
	}
}
