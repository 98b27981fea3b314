package browser

import (
	"strings"
	"testing"
)

// Cookies set in one browser context are invisible to another, both to
// the protocol and to the server.
func TestContextCookieIsolation(t *testing.T) {
	t.Parallel()
	b, base := launch(t)
	_, _, ctx := newTestPage(t) // for the context with the test timeout
	a, err := b.CreateContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.CreateContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pa, err := a.NewPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := c.NewPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pa.BrowserContext() != a || pc.BrowserContext() != c {
		t.Fatal("pages in the wrong context")
	}
	if _, err := pa.MainFrame().Goto(ctx, base+"/set-cookie?who=a", NavigateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetCookies(ctx, []CookieParam{{Name: "who", Value: "c", URL: base + "/"}}); err != nil {
		t.Fatal(err)
	}
	body := func(p *Page) string {
		t.Helper()
		if _, err := p.MainFrame().Goto(ctx, base+"/cookies", NavigateOptions{}); err != nil {
			t.Fatal(err)
		}
		v, err := p.MainFrame().EvaluateExpression(ctx, "document.body.innerText.trim()")
		if err != nil {
			t.Fatal(err)
		}
		return string(v.JSON)
	}
	if got := body(pa); got != `"who=a"` {
		t.Errorf("context a's server view: %s", got)
	}
	if got := body(pc); got != `"who=c"` {
		t.Errorf("context c's server view: %s", got)
	}
	ca, err := a.Cookies(ctx)
	if err != nil || len(ca) != 1 || !strings.Contains(string(ca[0]), `"value":"a"`) {
		t.Errorf("context a cookies: %s %v", ca, err)
	}
	def, err := b.DefaultContext().Cookies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range def {
		if strings.Contains(string(ck), `"name":"who"`) {
			t.Errorf("default context sees %s", ck)
		}
	}
	n := len(b.Contexts())
	if err := a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if !a.Closed() || len(b.Contexts()) != n-1 {
		t.Errorf("after close: closed=%v contexts %d → %d", a.Closed(), n, len(b.Contexts()))
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.DefaultContext().Close(ctx); err == nil || err.Error() != "Default BrowserContext cannot be closed!" {
		t.Errorf("closing the default context: %v", err)
	}
}

func TestCreateContextLimit(t *testing.T) {
	// Not parallel: it fills the shared browser's context budget.
	b, _ := launch(t)
	_, _, ctx := newTestPage(t)
	var made []*Context
	defer func() {
		for _, c := range made {
			_ = c.Close(ctx)
		}
	}()
	for len(b.Contexts())-1 < MaxContexts {
		c, err := b.CreateContext(ctx)
		if err != nil {
			t.Fatalf("context %d: %v", len(made)+1, err)
		}
		made = append(made, c)
	}
	if _, err := b.CreateContext(ctx); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Fatalf("context beyond the limit: %v", err)
	}
	if err := made[0].Close(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := b.CreateContext(ctx)
	if err != nil {
		t.Fatalf("after closing one: %v", err)
	}
	made = append(made[1:], c)
}
