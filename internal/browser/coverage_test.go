package browser

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestDisjointRanges checks the flattening of nested coverage ranges
// against cases worked out by hand from Puppeteer's convertToDisjointRanges.
func TestDisjointRanges(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   []rawRange
		want []Range
	}{
		{"empty", nil, []Range{}},
		{"one covered", []rawRange{{0, 10, 1}}, []Range{{0, 10}}},
		{"one uncovered", []rawRange{{0, 10, 0}}, []Range{}},
		{"hole", []rawRange{{0, 10, 1}, {3, 5, 0}}, []Range{{0, 3}, {5, 10}}},
		{"covered inside uncovered", []rawRange{{0, 10, 0}, {2, 4, 1}}, []Range{{2, 4}}},
		{"adjacent merge", []rawRange{{0, 5, 1}, {5, 9, 1}}, []Range{{0, 9}}},
		{"nested three", []rawRange{{0, 20, 1}, {5, 15, 0}, {8, 10, 2}}, []Range{{0, 5}, {8, 10}, {15, 20}}},
		{"empty range dropped", []rawRange{{4, 4, 1}}, []Range{}},
	}
	for _, c := range cases {
		if got := disjointRanges(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

// TestCoverageTextLimit loads a page with a script and a style sheet under
// a text cap that admits only the smaller of them.
func TestCoverageTextLimit(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	p.tools.mu.Lock()
	p.tools.coverageLimit = 120 // frames-tools.css is 107 bytes, frames-tools.js 146
	p.tools.mu.Unlock()
	if err := p.StartJSCoverage(ctx, CoverageOptions{ResetOnNavigation: true, UseBlockCoverage: true}); err != nil {
		t.Fatal(err)
	}
	if err := p.StartCSSCoverage(ctx, CoverageOptions{ResetOnNavigation: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.MainFrame().Goto(ctx, base+"/compat/frames-tools.html", NavigateOptions{Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	js, err := p.StopJSCoverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	css, err := p.StopCSSCoverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(js) != 0 {
		t.Errorf("JS coverage kept %d entries over the cap", len(js))
	}
	if len(css) != 1 || !strings.HasSuffix(css[0].URL, "/compat/frames-tools.css") || len(css[0].Ranges) == 0 {
		t.Errorf("CSS coverage under the cap: %+v", css)
	}
	if _, err := p.StopJSCoverage(ctx); err == nil || err.Error() != "JSCoverage is not enabled" {
		t.Errorf("second stop: %v", err)
	}
}
