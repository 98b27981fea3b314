package browser

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestOOPIFGetsPageSettings: an out-of-process frame attached after the
// script set up the page gets its network overrides (interception, extra
// headers) and its emulation and script state (time zone, new-document
// script, exposed function, media) before it runs.
func TestOOPIFGetsPageSettings(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	cross := crossSite(t)
	if err := p.SetExtraHTTPHeaders(ctx, map[string]string{"X-Extra": "oopif"}); err != nil {
		t.Fatal(err)
	}
	if err := p.EmulateTimezone(ctx, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	if err := p.EmulateMediaType(ctx, "print"); err != nil {
		t.Fatal(err)
	}
	if err := p.EmulateMediaFeatures(ctx, []MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.EvaluateOnNewDocument(ctx, "window.__early = 'early ' + location.hostname"); err != nil {
		t.Fatal(err)
	}
	err := p.ExposeFunction(ctx, "hostAdd", func(_ context.Context, args []byte, _ map[int]*Handle) (Arg, error) {
		var xs []int
		_ = json.Unmarshal(args, &xs)
		return Arg{JSON: mustJSON(xs[0] + xs[1])}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetRequestInterception(ctx, true); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string // intercepted requests to the cross site's /echo, with their frame's name
	p.Events().On("request", func(ev Event) {
		r := ev.Request
		if strings.HasPrefix(r.URL, cross+"/echo") {
			name := ""
			if f := r.Frame(); f != nil {
				name = f.Name()
			}
			mu.Lock()
			seen = append(seen, name)
			mu.Unlock()
		}
		go func() {
			send, err := r.Continue(ContinueOverrides{}, nil)
			if err == nil && send != nil {
				_ = send(ctx)
			}
		}()
	})
	_, err = p.MainFrame().Goto(ctx, base+"/compat/frames-oopif.html?child="+cross+"/compat/frames-child.html%3Fn%3Dcross", NavigateOptions{Timeout: 15 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	f := frameByName(p, "cross")
	if f == nil || f.main.sess() == p.session {
		t.Fatal("no out-of-process cross frame")
	}
	// The fetch only completes if the OOPIF's request was intercepted and
	// then continued by the listener above.
	v, err := f.EvaluateExpression(ctx, `fetch('/echo?from=oopif').then(r => r.json()).then(e => e.headers['X-Extra'] || null)`)
	if err != nil || string(v.JSON) != `["oopif"]` {
		t.Fatalf("X-Extra seen by the server for the OOPIF's request: %s %v", v.JSON, err)
	}
	mu.Lock()
	got := append([]string(nil), seen...)
	mu.Unlock()
	if len(got) != 1 || got[0] != "cross" {
		t.Fatalf("intercepted OOPIF requests (by frame name): %q", got)
	}
	checks := map[string]string{
		"Intl.DateTimeFormat().resolvedOptions().timeZone": `"Asia/Tokyo"`,
		"window.__early": `"early 127.0.0.2"`,
		"hostAdd(2, 3)":  `5`,
	}
	for expr, want := range checks {
		v, err := f.EvaluateExpression(ctx, expr)
		if err != nil || string(v.JSON) != want {
			t.Errorf("%s in the OOPIF: %s %v, want %s", expr, v.JSON, err, want)
		}
	}
	// A setting changed after the frame attached reaches it too.
	if err := p.EmulateTimezone(ctx, "Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	v, err = f.EvaluateExpression(ctx, "Intl.DateTimeFormat().resolvedOptions().timeZone")
	if err != nil || string(v.JSON) != `"Europe/Berlin"` {
		t.Errorf("time zone after a later change: %s %v", v.JSON, err)
	}
}
