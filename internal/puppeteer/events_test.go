package puppeteer

import (
	"context"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/chrome"
	"github.com/skriptable/skriptable/internal/js"
)

// TestLastListenerUnsubscribesTheFeed drives a real page's emitter from
// JS and checks the Go side: the browser-side "console" subscription
// exists only while the script listens (off, removeAllListeners, a once
// listener firing each end it), so an unheard console message's
// arguments are released instead of becoming handles.
func TestLastListenerUnsubscribesTheFeed(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	br, err := browser.Launch(ctx, browser.Options{Chrome: chrome.Options{ExtraFlags: []string{chrome.LoopbackResolverFlag}}})
	if err != nil {
		t.Fatal(err)
	}
	defer br.Close()
	p, err := br.NewPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := js.New(js.Options{Filename: "events.js", Log: func(js.Log) {}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := newMapper(rt, New(Config{}))
	if err != nil {
		t.Fatal(err)
	}
	m.wrapBrowser(br)
	if err := rt.VM().Set("page", m.wrapPage(p)); err != nil {
		t.Fatal(err)
	}
	count := func() int { return p.Events().Count("console") }
	steps := []struct {
		src  string
		want int
	}{
		{"var a = () => {}, b = () => {}; page.on('console', a); page.on('console', b)", 1},
		{"page.off('console', a)", 1},
		{"page.off('console', b)", 0},
		{"page.on('console', a)", 1},
		{"page.removeAllListeners('console')", 0},
		{"page.on('console', a); page.on('request', a)", 1},
		{"page.removeAllListeners()", 0},
		{"page.once('console', a); page.emit('console', 1)", 0},
	}
	for _, s := range steps {
		if _, err := rt.VM().RunString(s.src); err != nil {
			t.Fatalf("%s: %v", s.src, err)
		}
		if got := count(); got != s.want {
			t.Fatalf("after %s: %d Go-side console subscriptions, want %d", s.src, got, s.want)
		}
	}
	if n := p.Events().Count("request"); n != 0 {
		t.Fatalf("request feed still subscribed after removeAllListeners(): %d", n)
	}
}
