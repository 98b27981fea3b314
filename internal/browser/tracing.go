package browser

import (
	"context"
	"errors"
	"sync"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// pageTools is the state of a page's tracing, coverage and file chooser
// interception (Puppeteer's page.tracing, page.coverage,
// page.waitForFileChooser).
type pageTools struct {
	mu        sync.Mutex
	tracing   bool
	js        *jsCoverage
	css       *cssCoverage
	choosers  []chan *FileChooser // waitForFileChooser callers
	intercept bool                // Page.setInterceptFileChooserDialog is on
	// coverageLimit caps kept coverage text per run (0: the default,
	// defaultCoverageBytes); tests lower it.
	coverageLimit int
}

// defaultTraceCategories are Puppeteer's default trace categories.
var defaultTraceCategories = []string{
	"-*", "devtools.timeline", "v8.execute", "disabled-by-default-devtools.timeline",
	"disabled-by-default-devtools.timeline.frame", "toplevel", "blink.console",
	"blink.user_timing", "latencyInfo", "disabled-by-default-devtools.timeline.stack",
	"disabled-by-default-v8.cpu_profiler",
}

// TraceOptions are page.tracing.start's options (path is the mapper's).
type TraceOptions struct {
	Screenshots bool
	Categories  []string // nil: Puppeteer's defaults
}

// StartTracing starts a performance trace of the page.
func (p *Page) StartTracing(ctx context.Context, o TraceOptions) error {
	p.tools.mu.Lock()
	if p.tools.tracing {
		p.tools.mu.Unlock()
		return errors.New("Cannot start recording trace while already recording trace.")
	}
	p.tools.tracing = true
	p.tools.mu.Unlock()
	cats := o.Categories
	if cats == nil {
		cats = append([]string(nil), defaultTraceCategories...)
	}
	if o.Screenshots {
		cats = append(cats, "disabled-by-default-devtools.screenshot")
	}
	included, excluded := []string{}, []string{}
	for _, c := range cats {
		if len(c) > 0 && c[0] == '-' {
			excluded = append(excluded, c[1:])
		} else {
			included = append(included, c)
		}
	}
	err := p.session.Call(ctx, "Tracing.start", map[string]any{
		"transferMode": "ReturnAsStream",
		"traceConfig":  map[string]any{"excludedCategories": excluded, "includedCategories": included},
	}, nil)
	if err != nil {
		p.tools.mu.Lock()
		p.tools.tracing = false
		p.tools.mu.Unlock()
	}
	return p.wrapErr(ctx, err)
}

// StopTracing ends the trace and returns it (Chromium's trace JSON).
func (p *Page) StopTracing(ctx context.Context) ([]byte, error) {
	complete, off := p.session.Subscribe("Tracing.tracingComplete")
	defer off()
	if err := p.session.Call(ctx, "Tracing.end", nil, nil); err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	p.tools.mu.Lock()
	p.tools.tracing = false
	p.tools.mu.Unlock()
	var raw jsonv2.Value
	select {
	case raw = <-complete:
	case <-ctx.Done():
		return nil, p.wrapErr(ctx, context.Cause(ctx))
	case <-p.session.Done():
		return nil, p.closedErr()
	}
	var ev struct {
		Stream string `json:"stream"`
	}
	if err := jsonv2.Unmarshal(raw, &ev); err != nil || ev.Stream == "" {
		return nil, errors.New(`Missing "stream"`)
	}
	return p.readStream(ctx, ev.Stream)
}

// Metric is one of Puppeteer's page metrics, in the order Chromium sent it.
type Metric struct {
	Name  string
	Value float64
}

// Metrics is Puppeteer's metrics object; Title is set for the "metrics"
// event (console.timeStamp's label).
type Metrics struct {
	Title   string
	Metrics []Metric
}

// supportedMetrics are the metric names Puppeteer reports.
var supportedMetrics = map[string]bool{
	"Timestamp": true, "Documents": true, "Frames": true, "JSEventListeners": true,
	"Nodes": true, "LayoutCount": true, "RecalcStyleCount": true, "LayoutDuration": true,
	"RecalcStyleDuration": true, "ScriptDuration": true, "TaskDuration": true,
	"JSHeapUsedSize": true, "JSHeapTotalSize": true,
}

type rawMetric struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

func buildMetrics(ms []rawMetric) []Metric {
	out := []Metric{}
	for _, m := range ms {
		if supportedMetrics[m.Name] {
			out = append(out, Metric(m))
		}
	}
	return out
}

// GetMetrics is page.metrics().
func (p *Page) GetMetrics(ctx context.Context) (*Metrics, error) {
	var res struct {
		Metrics []rawMetric `json:"metrics"`
	}
	if err := p.session.Call(ctx, "Performance.getMetrics", nil, &res); err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	return &Metrics{Metrics: buildMetrics(res.Metrics)}, nil
}

// enablePerformance turns on the Performance domain at page set-up, as
// Puppeteer does, so that console.timeStamp reaches "metrics" listeners.
func (p *Page) enablePerformance(ctx context.Context) error {
	p.session.On("Performance.metrics", func(raw jsonv2.Value) {
		var ev struct {
			Title   string      `json:"title"`
			Metrics []rawMetric `json:"metrics"`
		}
		if jsonv2.Unmarshal(raw, &ev) == nil {
			p.events.emit(Event{Name: "metrics", Metrics: &Metrics{Title: ev.Title, Metrics: buildMetrics(ev.Metrics)}})
		}
	})
	return p.session.Call(ctx, "Performance.enable", nil, nil)
}
