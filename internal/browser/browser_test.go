package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/cdp"
	"github.com/skriptable/skriptable/internal/chrome"
	"github.com/skriptable/skriptable/internal/fixture"
)

// One browser and one fixture site per test binary; each test opens its
// own page (chromedp's speed-up: starting Chromium is the slow part).
var (
	shared     *Browser
	site       *fixture.Server
	sharedOnce sync.Once
	sharedErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		_ = shared.Close()
	}
	if site != nil {
		_ = site.Close()
	}
	os.Exit(code)
}

func launch(t testing.TB) (*Browser, string) {
	t.Helper()
	sharedOnce.Do(func() {
		site, sharedErr = fixture.Start("127.0.0.1:0")
		if sharedErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// 127.0.0.2 is the cross-site origin of the OOPIF tests (oopif_test.go).
		opts := Options{Chrome: chrome.Options{ExtraFlags: []string{chrome.LoopbackResolverFlag + " , EXCLUDE 127.0.0.2"}}}
		if os.Getenv("SKRIPTABLE_CHROME_STDERR") != "" {
			opts.Chrome.Stderr = os.Stderr
		}
		if os.Getenv("SKRIPTABLE_CDP_TRACE") != "" {
			opts.Trace = func(out bool, msg []byte) {
				dir := "<-"
				if out {
					dir = "->"
				}
				if len(msg) > 400 {
					msg = msg[:400]
				}
				fmt.Fprintf(os.Stderr, "%s %s\n", dir, msg)
			}
		}
		shared, sharedErr = Launch(ctx, opts)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared, site.URL()
}

func newTestPage(t *testing.T) (*Page, string, context.Context) {
	t.Helper()
	b, base := launch(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	p, err := b.NewPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p, base, ctx
}

func TestLoginFlow(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	resp, err := p.MainFrame().Goto(ctx, base+"/login", NavigateOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if resp == nil || resp.Status != 200 || !resp.OK() || resp.URL != base+"/login" {
		t.Fatalf("response %+v", resp)
	}
	f := p.MainFrame()
	if err := f.Type(ctx, "#username", "ada", 0); err != nil {
		t.Fatal(err)
	}
	if err := f.Type(ctx, "#password", "lovelace", 0); err != nil {
		t.Fatal(err)
	}
	nav := make(chan error, 1)
	go func() {
		_, err := f.WaitForNavigation(ctx, NavigateOptions{Timeout: 10 * time.Second})
		nav <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the watcher start before the click
	if err := f.Click(ctx, "#login", ClickOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := <-nav; err != nil {
		t.Fatal(err)
	}
	v, err := f.EvalOnSelector(ctx, "#welcome", "e => e.textContent", nil)
	if err != nil || string(v.JSON) != `"Welcome, ada"` {
		t.Fatalf("welcome: %s %v", v.JSON, err)
	}
	title, err := f.Title(ctx)
	if err != nil || title != "Dashboard" {
		t.Fatalf("title %q %v", title, err)
	}
	img, err := p.Screenshot(ctx, ScreenshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil || cfg.Width != 800 || cfg.Height != 600 {
		t.Fatalf("png %dx%d %v", cfg.Width, cfg.Height, err)
	}
}

func TestWaitForSelectorAcrossStates(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	f := p.MainFrame()
	if _, err := f.Goto(ctx, base+"/delayed?ms=200", NavigateOptions{}); err != nil {
		t.Fatal(err)
	}
	h, err := f.WaitForSelector(ctx, nil, "#late", WaitOptions{Visible: true, Timeout: 5 * time.Second})
	if err != nil || h == nil || !h.IsElement() {
		t.Fatalf("late: %v %v", h, err)
	}
	// Puppeteer resolves hidden:true with the element when it still exists
	// (display:none) and with null once it is gone.
	h2, err := f.WaitForSelector(ctx, nil, "#spinner", WaitOptions{Hidden: true, Timeout: 5 * time.Second})
	if err != nil || h2 == nil {
		t.Fatalf("hidden spinner: %v %v", h2, err)
	}
	h3, err := f.WaitForSelector(ctx, nil, "#absent", WaitOptions{Hidden: true, Timeout: 5 * time.Second})
	if err != nil || h3 != nil {
		t.Fatalf("hidden absent: %v %v", h3, err)
	}
	start := time.Now()
	_, err = f.WaitForSelector(ctx, nil, "#never", WaitOptions{Timeout: 300 * time.Millisecond})
	var te *TimeoutError
	if !errors.As(err, &te) || err.Error() != "Waiting for selector `#never` failed" {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("timeout took %v", d)
	}
}

// A waitForSelector that is pending across a navigation finds the element
// in the new document.
func TestWaitSurvivesNavigation(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	f := p.MainFrame()
	if _, err := f.Goto(ctx, base+"/search", NavigateOptions{}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := f.WaitForSelector(ctx, nil, "#count", WaitOptions{Timeout: 10 * time.Second})
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	if _, err := f.Goto(ctx, base+"/results?q=x", NavigateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestGotoTimeoutNamesURLAndWaitUntil(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	_, err := p.MainFrame().Goto(ctx, base+"/never", NavigateOptions{Timeout: 500 * time.Millisecond})
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %T %v", err, err)
	}
	want := `Navigation timeout of 500 ms exceeded (waiting for "load" of ` + base + `/never)`
	if err.Error() != want {
		t.Fatalf("err = %q, want %q", err, want)
	}
	_, err = p.MainFrame().Goto(ctx, base+"/never", NavigateOptions{Timeout: 5 * time.Second, WaitUntil: []string{"domcontentloaded"}})
	if err != nil {
		t.Fatalf("domcontentloaded: %v", err)
	}
}

func TestEvaluateValuesAndErrors(t *testing.T) {
	t.Parallel()
	p, _, ctx := newTestPage(t)
	f := p.MainFrame()
	cases := []struct {
		fn   string
		args []Arg
		want string
	}{
		{"(a, b) => a + b", []Arg{{JSON: []byte("1")}, {JSON: []byte("2")}}, "3"},
		{"(s) => s.length", []Arg{{JSON: []byte(`""`)}}, "0"},
		{"(v) => v === null", []Arg{{JSON: []byte("null")}}, "true"},
		{"(o) => o.a.length", []Arg{{JSON: []byte(`{"a":[]}`)}}, "0"},
		{"async () => { await new Promise(r => setTimeout(r, 10)); return {x: [1, 'two']}; }", nil, `{"x":[1,"two"]}`},
	}
	for _, c := range cases {
		v, err := f.Evaluate(ctx, c.fn, c.args)
		if err != nil || string(v.JSON) != c.want {
			t.Errorf("%s: %s %v", c.fn, v.JSON, err)
		}
	}
	v, err := f.Evaluate(ctx, "() => NaN", nil)
	if err != nil || v.Unserializable != "NaN" {
		t.Errorf("NaN: %+v %v", v, err)
	}
	v, err = f.Evaluate(ctx, "() => undefined", nil)
	if err != nil || !v.Undefined() {
		t.Errorf("undefined: %+v %v", v, err)
	}
	_, err = f.Evaluate(ctx, "() => { throw new TypeError('bad thing') }", nil)
	var ee *EvaluationError
	if !errors.As(err, &ee) || ee.Name != "TypeError" || ee.Message != "bad thing" {
		t.Errorf("throw: %#v", err)
	}
	_, err = f.EvalOnSelector(ctx, "#nope", "e => e", nil)
	if err == nil || err.Error() != `Error: failed to find element matching selector "#nope"` {
		t.Errorf("$eval miss: %v", err)
	}
	err = f.Click(ctx, "#nope", ClickOptions{})
	if err == nil || err.Error() != "No element found for selector: #nope" {
		t.Errorf("click miss: %v", err)
	}
}

// A renderer crash while a call is pending ends that call promptly with
// Puppeteer's "Page crashed!".
func TestRendererCrashFailsPendingCall(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	f := p.MainFrame()
	if _, err := f.Goto(ctx, base+"/", NavigateOptions{}); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := f.WaitForSelector(ctx, nil, "#never", WaitOptions{Timeout: 20 * time.Second})
		errc <- err
	}()
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	go func() { _ = p.session.Call(ctx, "Page.crash", nil, nil) }()
	select {
	case err := <-errc:
		if !errors.Is(err, cdp.ErrPageCrashed) || !strings.Contains(err.Error(), "Page crashed!") {
			t.Fatalf("err = %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("pending wait did not end after the crash")
	}
}

func TestPDFAndFullPageScreenshot(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	if _, err := p.MainFrame().Goto(ctx, base+"/screenshot", NavigateOptions{}); err != nil {
		t.Fatal(err)
	}
	img, err := p.Screenshot(ctx, ScreenshotOptions{FullPage: true})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := png.DecodeConfig(bytes.NewReader(img))
	if cfg.Width != 800 || cfg.Height != 1200 {
		t.Fatalf("full page %dx%d", cfg.Width, cfg.Height)
	}
	pdf, err := p.PDF(ctx, PDFOptions{Format: "A4"})
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("pdf: %d bytes %v", len(pdf), err)
	}
	q := 101
	if _, err := p.Screenshot(ctx, ScreenshotOptions{Type: "jpeg", Quality: &q}); err == nil ||
		err.Error() != "Expected 'quality' (101) to be between 0 and 100, inclusive." {
		t.Fatalf("quality: %v", err)
	}
}
