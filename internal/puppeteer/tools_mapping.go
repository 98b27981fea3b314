package puppeteer

import (
	"context"
	"fmt"
	"path"
	"strconv"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// toolObjects caches the script objects of the frames and tools area, one
// per page (or worker), so that page.tracing === page.tracing.
type toolObjects struct {
	tracing       map[*browser.Page]*sobek.Object
	coverage      map[*browser.Page]*sobek.Object
	accessibility map[*browser.Frame]*sobek.Object
	workers       map[*browser.Worker]*sobek.Object
	waitForFrame  sobek.Callable
}

func (m *mapper) toolsCache() *toolObjects {
	if m.tools == nil {
		m.tools = &toolObjects{}
	}
	t := m.tools
	if t.tracing == nil {
		t.tracing = map[*browser.Page]*sobek.Object{}
		t.coverage = map[*browser.Page]*sobek.Object{}
		t.accessibility = map[*browser.Frame]*sobek.Object{}
		t.workers = map[*browser.Worker]*sobek.Object{}
	}
	return t
}

var (
	tracingAPI       = class("Tracing", "tracing", "start S\nstop S")
	coverageAPI      = class("Coverage", "coverage", "startCSSCoverage S\nstartJSCoverage S\nstopCSSCoverage S\nstopJSCoverage S")
	accessibilityAPI = class("Accessibility", "accessibility", "snapshot S")
	fileChooserAPI   = class("FileChooser", "fileChooser", "accept S\ncancel S\nisMultiple S")
	webWorkerAPI     = cdpClass("WebWorker", "webWorker", emitterSpec+`
url S
evaluate S
evaluateHandle S
close S
client@ U
`)
)

// wrapTracing is page.tracing.
func (m *mapper) wrapTracing(p *browser.Page) sobek.Value {
	t := m.toolsCache()
	if o, ok := t.tracing[p]; ok {
		return o
	}
	b := m.object(tracingAPI)
	var tracePath string
	b.async("start", func(call sobek.FunctionCall) (work, error) {
		o, err := m.options(call.Argument(0), "options")
		if err != nil {
			return nil, err
		}
		var to browser.TraceOptions
		pth, _, err := o.str("path")
		if err != nil {
			return nil, err
		}
		if to.Screenshots, err = o.boolean("screenshots"); err != nil {
			return nil, err
		}
		if o.has("categories") {
			if to.Categories, err = o.strs("categories"); err != nil {
				return nil, err
			}
			if to.Categories == nil {
				to.Categories = []string{}
			}
		}
		return func(ctx context.Context) (js.Builder, error) {
			if err := p.StartTracing(ctx, to); err != nil {
				return nil, err
			}
			return func(*sobek.Runtime) sobek.Value {
				tracePath = pth // read by stop on the loop
				return sobek.Undefined()
			}, nil
		}, nil
	})
	b.async("stop", func(sobek.FunctionCall) (work, error) {
		pth := tracePath
		files := m.mod.cfg.Files
		return func(ctx context.Context) (js.Builder, error) {
			data, err := p.StopTracing(ctx)
			if err != nil {
				return nil, err
			}
			if pth != "" {
				if err := files.WriteFile(pth, data); err != nil {
					return nil, err
				}
			}
			if len(data) == 0 {
				return nil, nil
			}
			return bytesResult(data), nil
		}, nil
	})
	obj := b.done()
	t.tracing[p] = obj
	return obj
}

// coverageOptions reads start*Coverage options with Puppeteer's defaults.
func (m *mapper) coverageOptions(v sobek.Value) (browser.CoverageOptions, error) {
	co := browser.CoverageOptions{ResetOnNavigation: true, UseBlockCoverage: true}
	o, err := m.options(v, "options")
	if err != nil {
		return co, err
	}
	for key, dst := range map[string]*bool{"resetOnNavigation": &co.ResetOnNavigation, "useBlockCoverage": &co.UseBlockCoverage} {
		if o.has(key) {
			*dst, _ = o.boolean(key)
		}
	}
	if co.ReportAnonymousScripts, err = o.boolean("reportAnonymousScripts"); err != nil {
		return co, err
	}
	if co.IncludeRawScriptCoverage, err = o.boolean("includeRawScriptCoverage"); err != nil {
		return co, err
	}
	return co, nil
}

func coverageResult(entries []browser.Coverage) js.Builder {
	return func(vm *sobek.Runtime) sobek.Value {
		items := make([]any, 0, len(entries))
		for _, e := range entries {
			o := vm.NewObject()
			_ = o.Set("url", e.URL)
			ranges := make([]any, 0, len(e.Ranges))
			for _, r := range e.Ranges {
				ro := vm.NewObject()
				_ = ro.Set("start", r.Start)
				_ = ro.Set("end", r.End)
				ranges = append(ranges, ro)
			}
			_ = o.Set("ranges", vm.NewArray(ranges...))
			_ = o.Set("text", e.Text)
			items = append(items, o)
		}
		return vm.NewArray(items...)
	}
}

// wrapCoverage is page.coverage.
func (m *mapper) wrapCoverage(p *browser.Page) sobek.Value {
	t := m.toolsCache()
	if o, ok := t.coverage[p]; ok {
		return o
	}
	b := m.object(coverageAPI)
	start := func(css bool) func(call sobek.FunctionCall) (work, error) {
		return func(call sobek.FunctionCall) (work, error) {
			co, err := m.coverageOptions(call.Argument(0))
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) (js.Builder, error) {
				if css {
					return nil, p.StartCSSCoverage(ctx, co)
				}
				return nil, p.StartJSCoverage(ctx, co)
			}, nil
		}
	}
	stop := func(css bool) func(call sobek.FunctionCall) (work, error) {
		return func(sobek.FunctionCall) (work, error) {
			return func(ctx context.Context) (js.Builder, error) {
				var (
					entries []browser.Coverage
					err     error
				)
				if css {
					entries, err = p.StopCSSCoverage(ctx)
				} else {
					entries, err = p.StopJSCoverage(ctx)
				}
				if err != nil {
					return nil, err
				}
				return coverageResult(entries), nil
			}, nil
		}
	}
	b.async("startJSCoverage", start(false))
	b.async("stopJSCoverage", stop(false))
	b.async("startCSSCoverage", start(true))
	b.async("stopCSSCoverage", stop(true))
	obj := b.done()
	t.coverage[p] = obj
	return obj
}

// wrapAccessibility is page.accessibility (of the main frame at call time).
func (m *mapper) wrapAccessibility(frame func() *browser.Frame) sobek.Value {
	t := m.toolsCache()
	key := frame()
	if o, ok := t.accessibility[key]; ok {
		return o
	}
	b := m.object(accessibilityAPI)
	b.async("snapshot", func(call sobek.FunctionCall) (work, error) {
		o, err := m.options(call.Argument(0), "options")
		if err != nil {
			return nil, err
		}
		so := browser.SnapshotOptions{InterestingOnly: true}
		if o.has("interestingOnly") {
			so.InterestingOnly, _ = o.boolean("interestingOnly")
		}
		if so.IncludeIframes, err = o.boolean("includeIframes"); err != nil {
			return nil, err
		}
		if r := o.get("root"); r != nil && !sobek.IsNull(r) {
			ro, _ := r.(*sobek.Object)
			h := m.handles[ro]
			if ro == nil || h == nil || !h.IsElement() {
				return nil, argErrorf("options.root must be an ElementHandle")
			}
			so.Root = h
		}
		return func(ctx context.Context) (js.Builder, error) {
			n, err := frame().AccessibilitySnapshot(ctx, so)
			if err != nil {
				return nil, err
			}
			return func(*sobek.Runtime) sobek.Value {
				if n == nil {
					return sobek.Null()
				}
				return m.axNodeValue(n)
			}, nil
		}, nil
	})
	obj := b.done()
	t.accessibility[key] = obj
	return obj
}

// axNodeValue builds Puppeteer's SerializedAXNode.
func (m *mapper) axNodeValue(n *browser.AXNode) sobek.Value {
	o := m.vm.NewObject()
	_ = o.Set("role", n.Role)
	_ = o.Set("elementHandle", m.rt.Func("elementHandle", func(sobek.FunctionCall) sobek.Value {
		return m.run(m.rt.CallSite(), func(ctx context.Context) (js.Builder, error) {
			h, err := n.ElementHandle(ctx)
			return m.handleResult(h), err
		})
	}))
	if n.BackendNodeID != 0 {
		_ = o.Set("backendNodeId", n.BackendNodeID)
	} else {
		_ = o.Set("backendNodeId", sobek.Undefined())
	}
	_ = o.Set("loaderId", n.LoaderID)
	for _, pr := range n.Props {
		_ = o.Set(pr.Name, fromValue(m.vm, pr.Value))
	}
	if len(n.Children) > 0 {
		items := make([]any, 0, len(n.Children))
		for _, c := range n.Children {
			items = append(items, m.axNodeValue(c))
		}
		_ = o.Set("children", m.vm.NewArray(items...))
	}
	return o
}

// uploadFiles reads the files for uploadFile/accept: only files the run
// wrote can be uploaded (the script has no other file system).
func (m *mapper) uploadFiles(args []sobek.Value, what string) ([]browser.UploadFile, error) {
	reader, ok := m.mod.cfg.Files.(interface {
		ReadFile(string) ([]byte, error)
	})
	out := make([]browser.UploadFile, 0, len(args))
	for i, a := range args {
		p, err := argString(a, fmt.Sprintf("%s path %d", what, i+1))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("%s: %s cannot be read: this run has no files", what, p)
		}
		data, err := reader.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %s is not a file this run wrote (scripts can upload only files they wrote first, e.g. with fs.writeFileSync): %v", what, p, err)
		}
		out = append(out, browser.UploadFile{Name: path.Base(p), Data: data})
	}
	return out, nil
}

// wrapFileChooser builds a FileChooser.
func (m *mapper) wrapFileChooser(fc *browser.FileChooser) sobek.Value {
	b := m.object(fileChooserAPI)
	b.method("isMultiple", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(fc.Multiple) })
	b.async("accept", func(call sobek.FunctionCall) (work, error) {
		// Puppeteer's accept(paths) spreads its one argument into
		// uploadFile; only an array makes sense.
		arr, ok := call.Argument(0).(*sobek.Object)
		if !ok || arr.ClassName() != "Array" {
			return nil, argErrorf("fileChooser.accept(paths) takes an array of paths, got %s", typeName(call.Argument(0)))
		}
		var paths []sobek.Value
		for i := int64(0); i < arr.Get("length").ToInteger(); i++ {
			paths = append(paths, arr.Get(strconv.FormatInt(i, 10)))
		}
		files, err := m.uploadFiles(paths, "fileChooser.accept")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, fc.Accept(ctx, files) }, nil
	})
	b.async("cancel", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) { return nil, fc.Cancel(ctx) }, nil
	})
	return b.done()
}

// elementFrameMethods adds the ElementHandle members of this area.
func (m *mapper) elementFrameMethods(b *builder, h *browser.Handle) {
	b.async("contentFrame", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) {
			f, err := h.ContentFrame(ctx)
			return func(*sobek.Runtime) sobek.Value {
				if f == nil {
					return sobek.Null()
				}
				return m.wrapFrame(f)
			}, err
		}, nil
	})
	b.async("uploadFile", func(call sobek.FunctionCall) (work, error) {
		files, err := m.uploadFiles(call.Arguments, "elementHandle.uploadFile")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, h.UploadFiles(ctx, files) }, nil
	})
}

// wrapWorker builds the script's WebWorker for w (one per worker).
func (m *mapper) wrapWorker(w *browser.Worker) sobek.Value {
	t := m.toolsCache()
	if o, ok := t.workers[w]; ok {
		return o
	}
	b := m.object(webWorkerAPI)
	m.emitter(b, nil, nil)
	frame := func() *browser.Frame { return w.Frame() }
	b.method("url", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(w.URL()) })
	b.async("evaluate", func(call sobek.FunctionCall) (work, error) {
		return m.evaluate(frame, call.Argument(0), call.Arguments[min(1, len(call.Arguments)):], false)
	})
	b.async("evaluateHandle", func(call sobek.FunctionCall) (work, error) {
		return m.evaluate(frame, call.Argument(0), call.Arguments[min(1, len(call.Arguments)):], true)
	})
	b.async("close", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) { return nil, w.Close(ctx) }, nil
	})
	obj := b.done()
	t.workers[w] = obj
	return obj
}
