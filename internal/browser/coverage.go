package browser

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// Coverage is one entry of page.coverage's results: a script or style
// sheet with the byte ranges that ran (or were used).
type Coverage struct {
	URL    string
	Ranges []Range
	Text   string
}

// Range is a [Start, End) offset range in Coverage.Text.
type Range struct{ Start, End int }

// CoverageOptions are startJSCoverage/startCSSCoverage's options.
type CoverageOptions struct {
	ResetOnNavigation        bool // Puppeteer's default is true
	ReportAnonymousScripts   bool
	IncludeRawScriptCoverage bool // accepted; raw coverage is not returned
	UseBlockCoverage         bool // Puppeteer's default is true
}

// defaultCoverageBytes caps the script and style sheet text one coverage
// run keeps (a page can load any amount of script); entries beyond it are
// left out of the result.
const defaultCoverageBytes = 64 << 20

type jsCoverage struct {
	opts    CoverageOptions
	offs    []func()
	fetches sync.WaitGroup

	mu      sync.Mutex
	urls    map[string]string
	sources map[string]string
	order   []string
	budget  textBudget
}

// textBudget counts kept source text against a cap.
type textBudget struct {
	limit, used, dropped int
}

// take reserves n bytes; false means the text must be dropped.
func (b *textBudget) take(n int) bool {
	limit := b.limit
	if limit <= 0 {
		limit = defaultCoverageBytes
	}
	if b.used+n > limit {
		b.dropped++
		return false
	}
	b.used += n
	return true
}

// StartJSCoverage starts collecting which JS ran, as Puppeteer's
// JSCoverage.start.
func (p *Page) StartJSCoverage(ctx context.Context, o CoverageOptions) error {
	p.tools.mu.Lock()
	if p.tools.js != nil {
		p.tools.mu.Unlock()
		return errors.New("JSCoverage is already enabled")
	}
	c := &jsCoverage{opts: o, urls: map[string]string{}, sources: map[string]string{}, budget: textBudget{limit: p.tools.coverageLimit}}
	p.tools.js = c
	p.tools.mu.Unlock()
	s := p.session
	c.offs = append(c.offs, s.On("Debugger.scriptParsed", func(raw jsonv2.Value) {
		var ev struct {
			ScriptID string `json:"scriptId"`
			URL      string `json:"url"`
		}
		if jsonv2.Unmarshal(raw, &ev) != nil || isEvaluationScript(ev.URL) {
			return
		}
		if ev.URL == "" && !c.opts.ReportAnonymousScripts {
			return
		}
		c.fetches.Add(1)
		go func() {
			defer c.fetches.Done()
			var res struct {
				ScriptSource string `json:"scriptSource"`
			}
			if s.Call(context.Background(), "Debugger.getScriptSource", map[string]string{"scriptId": ev.ScriptID}, &res) != nil {
				return
			}
			c.mu.Lock()
			defer c.mu.Unlock()
			if !c.budget.take(len(res.ScriptSource)) {
				return
			}
			if _, seen := c.urls[ev.ScriptID]; !seen {
				c.order = append(c.order, ev.ScriptID)
			}
			c.urls[ev.ScriptID] = ev.URL
			c.sources[ev.ScriptID] = res.ScriptSource
		}()
	}), s.On("Runtime.executionContextsCleared", func(jsonv2.Value) {
		if !c.opts.ResetOnNavigation {
			return
		}
		c.mu.Lock()
		c.urls, c.sources, c.order = map[string]string{}, map[string]string{}, nil
		c.budget.used = 0
		c.mu.Unlock()
	}))
	for _, call := range []struct {
		method string
		params any
	}{
		{"Profiler.enable", nil},
		{"Profiler.startPreciseCoverage", map[string]bool{"callCount": o.IncludeRawScriptCoverage, "detailed": o.UseBlockCoverage}},
		{"Debugger.enable", nil},
		{"Debugger.setSkipAllPauses", map[string]bool{"skip": true}},
	} {
		if err := s.Call(ctx, call.method, call.params, nil); err != nil {
			return p.wrapErr(ctx, err)
		}
	}
	return nil
}

// isEvaluationScript reports scripts Skriptable itself evaluated.
func isEvaluationScript(url string) bool {
	return strings.HasPrefix(url, "__skriptable_") || strings.HasPrefix(url, "pptr:")
}

// StopJSCoverage ends JS coverage and returns it.
func (p *Page) StopJSCoverage(ctx context.Context) ([]Coverage, error) {
	p.tools.mu.Lock()
	c := p.tools.js
	p.tools.js = nil
	p.tools.mu.Unlock()
	if c == nil {
		return nil, errors.New("JSCoverage is not enabled")
	}
	s := p.session
	var res struct {
		Result []struct {
			ScriptID  string `json:"scriptId"`
			Functions []struct {
				Ranges []rawRange `json:"ranges"`
			} `json:"functions"`
		} `json:"result"`
	}
	err := s.Call(ctx, "Profiler.takePreciseCoverage", nil, &res)
	for _, m := range []string{"Profiler.stopPreciseCoverage", "Profiler.disable", "Debugger.disable"} {
		if e := s.Call(ctx, m, nil, nil); err == nil {
			err = e
		}
	}
	for _, off := range c.offs {
		off()
	}
	if err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	c.fetches.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []Coverage{}
	for _, e := range res.Result {
		url, ok := c.urls[e.ScriptID]
		text, ok2 := c.sources[e.ScriptID]
		if !ok || !ok2 {
			continue
		}
		var flat []rawRange
		for _, f := range e.Functions {
			flat = append(flat, f.Ranges...)
		}
		out = append(out, Coverage{URL: url, Ranges: disjointRanges(flat), Text: text})
	}
	return out, nil
}

type rawRange struct {
	Start int `json:"startOffset"`
	End   int `json:"endOffset"`
	Count int `json:"count"`
}

type cssCoverage struct {
	opts CoverageOptions
	offs []func()
	wg   sync.WaitGroup

	mu     sync.Mutex
	urls   map[string]string
	texts  map[string]string
	order  []string
	budget textBudget
}

// StartCSSCoverage starts collecting which CSS rules were used.
func (p *Page) StartCSSCoverage(ctx context.Context, o CoverageOptions) error {
	p.tools.mu.Lock()
	if p.tools.css != nil {
		p.tools.mu.Unlock()
		return errors.New("CSSCoverage is already enabled")
	}
	c := &cssCoverage{opts: o, urls: map[string]string{}, texts: map[string]string{}, budget: textBudget{limit: p.tools.coverageLimit}}
	p.tools.css = c
	p.tools.mu.Unlock()
	s := p.session
	c.offs = append(c.offs, s.On("CSS.styleSheetAdded", func(raw jsonv2.Value) {
		var ev struct {
			Header struct {
				StyleSheetID string `json:"styleSheetId"`
				SourceURL    string `json:"sourceURL"`
			} `json:"header"`
		}
		if jsonv2.Unmarshal(raw, &ev) != nil || ev.Header.SourceURL == "" || isEvaluationScript(ev.Header.SourceURL) {
			return
		}
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			var res struct {
				Text string `json:"text"`
			}
			if s.Call(context.Background(), "CSS.getStyleSheetText", map[string]string{"styleSheetId": ev.Header.StyleSheetID}, &res) != nil {
				return
			}
			c.mu.Lock()
			defer c.mu.Unlock()
			if !c.budget.take(len(res.Text)) {
				return
			}
			if _, seen := c.urls[ev.Header.StyleSheetID]; !seen {
				c.order = append(c.order, ev.Header.StyleSheetID)
			}
			c.urls[ev.Header.StyleSheetID] = ev.Header.SourceURL
			c.texts[ev.Header.StyleSheetID] = res.Text
		}()
	}), s.On("Runtime.executionContextsCleared", func(jsonv2.Value) {
		if !c.opts.ResetOnNavigation {
			return
		}
		c.mu.Lock()
		c.urls, c.texts, c.order = map[string]string{}, map[string]string{}, nil
		c.budget.used = 0
		c.mu.Unlock()
	}))
	for _, m := range []string{"DOM.enable", "CSS.enable", "CSS.startRuleUsageTracking"} {
		if err := s.Call(ctx, m, nil, nil); err != nil {
			return p.wrapErr(ctx, err)
		}
	}
	return nil
}

// StopCSSCoverage ends CSS coverage and returns it.
func (p *Page) StopCSSCoverage(ctx context.Context) ([]Coverage, error) {
	p.tools.mu.Lock()
	c := p.tools.css
	p.tools.css = nil
	p.tools.mu.Unlock()
	if c == nil {
		return nil, errors.New("CSSCoverage is not enabled")
	}
	s := p.session
	var res struct {
		RuleUsage []struct {
			StyleSheetID string  `json:"styleSheetId"`
			Start        float64 `json:"startOffset"`
			End          float64 `json:"endOffset"`
			Used         bool    `json:"used"`
		} `json:"ruleUsage"`
	}
	err := s.Call(ctx, "CSS.stopRuleUsageTracking", nil, &res)
	for _, m := range []string{"CSS.disable", "DOM.disable"} {
		if e := s.Call(ctx, m, nil, nil); err == nil {
			err = e
		}
	}
	for _, off := range c.offs {
		off()
	}
	if err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	c.wg.Wait()
	byID := map[string][]rawRange{}
	for _, u := range res.RuleUsage {
		n := 0
		if u.Used {
			n = 1
		}
		byID[u.StyleSheetID] = append(byID[u.StyleSheetID], rawRange{Start: int(u.Start), End: int(u.End), Count: n})
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []Coverage{}
	for _, id := range c.order {
		out = append(out, Coverage{URL: c.urls[id], Ranges: disjointRanges(byID[id]), Text: c.texts[id]})
	}
	return out, nil
}

// disjointRanges flattens nested coverage ranges into disjoint covered
// ranges, as Puppeteer's convertToDisjointRanges: a scan over range
// boundaries where the innermost range's count decides.
func disjointRanges(nested []rawRange) []Range {
	type point struct {
		off int
		end bool
		r   rawRange
	}
	pts := make([]point, 0, 2*len(nested))
	for _, r := range nested {
		pts = append(pts, point{r.Start, false, r}, point{r.End, true, r})
	}
	sort.SliceStable(pts, func(i, j int) bool {
		a, b := pts[i], pts[j]
		if a.off != b.off {
			return a.off < b.off
		}
		if a.end != b.end {
			return a.end // ends before starts
		}
		la, lb := a.r.End-a.r.Start, b.r.End-b.r.Start
		if !a.end {
			return la > lb // longer start first
		}
		return la < lb // shorter end first
	})
	var stack []int
	out := []Range{}
	last := 0
	for _, pt := range pts {
		if len(stack) > 0 && last < pt.off && stack[len(stack)-1] > 0 {
			if n := len(out); n > 0 && out[n-1].End == last {
				out[n-1].End = pt.off
			} else {
				out = append(out, Range{last, pt.off})
			}
		}
		last = pt.off
		if !pt.end {
			stack = append(stack, pt.r.Count)
		} else if len(stack) > 0 {
			stack = stack[:len(stack)-1]
		}
	}
	kept := out[:0]
	for _, r := range out {
		if r.End-r.Start > 0 {
			kept = append(kept, r)
		}
	}
	return kept
}
