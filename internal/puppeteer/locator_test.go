package puppeteer

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/browser"
)

func TestLocatorOptionsReachTheDelegate(t *testing.T) {
	t.Parallel()
	base := &locator{kind: locNode, selector: "a", timeout: time.Second, waitForEnabled: true, ensureInViewport: true, stableBox: true}
	filtered := &locator{kind: locFiltered, delegate: base.clone(), fn: "e => true", filterTimeout: base.timeout}
	filtered.copyOptions(base)
	changed := filtered.with(func(c *locator) { c.visibility = "visible"; c.timeout = 5 * time.Second })
	if changed.visibility != "visible" || changed.delegate.visibility != "visible" || changed.delegate.timeout != 5*time.Second {
		t.Fatalf("set* must reach the delegate: %+v / %+v", changed, changed.delegate)
	}
	if changed.filterTimeout != time.Second {
		t.Fatalf("the predicate keeps the timeout of the locator filter() was called on, got %v", changed.filterTimeout)
	}
	if filtered.visibility != "" || filtered.delegate.visibility != "" || base.visibility != "" {
		t.Fatal("locators are immutable: set* changed the original")
	}
	race := &locator{kind: locRace, races: []*locator{base}}
	c := race.clone()
	c.races[0].selector = "b"
	if base.selector != "a" {
		t.Fatal("clone shares race candidates")
	}
}

// TestLocatorRunRetriesUntilTimeout drives the retry loop with a race of
// no candidates, which never finds anything.
func TestLocatorRunRetriesUntilTimeout(t *testing.T) {
	t.Parallel()
	l := &locator{kind: locRace, timeout: 250 * time.Millisecond}
	start := time.Now()
	_, err := l.run(context.Background(), "Locator.click", nil, nil, nil)
	var te *browser.TimeoutError
	if !errors.As(err, &te) || te.Msg != "Timed out after waiting 250ms" || te.Cause == nil || te.Cause.Error() != "Locator.click" {
		t.Fatalf("got %#v", err)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Fatalf("gave up after %v", d)
	}
	// The run's own context ends the loop too (timeout 0 waits forever).
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	l.timeout = 0
	if _, err := l.run(ctx, "Locator.wait", nil, nil, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}
