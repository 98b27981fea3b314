package puppeteer

import (
	"context"
	"encoding/base64"
	"strings"
	"time"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// pageEventArgs lists the page events a script can listen to, each with
// the function building its listener arguments from the browser event (nil:
// no arguments). Each area registers its own events from an init function
// in its own file (network, frames, …), so adding an event touches one
// place.
var pageEventArgs = map[string]func(m *mapper, p *browser.Page, ev browser.Event) []sobek.Value{
	"load":             nil,
	"domcontentloaded": nil,
	"close":            nil,
	"error": func(m *mapper, _ *browser.Page, ev browser.Event) []sobek.Value {
		return []sobek.Value{m.rt.NewError(ev.Err.Error())}
	},
	"dialog": func(m *mapper, _ *browser.Page, ev browser.Event) []sobek.Value {
		return []sobek.Value{m.wrapDialog(ev.Dialog)}
	},
}

// pageEvents are the names in pageEventArgs.
func pageEvents() []string {
	names := make([]string, 0, len(pageEventArgs))
	for n := range pageEventArgs {
		names = append(names, n)
	}
	return names
}

// wrapPage returns the script's Page object for p (one per page, so that
// browser.pages()[0] === page holds as in Puppeteer).
func (m *mapper) wrapPage(p *browser.Page) *sobek.Object {
	if obj, ok := m.pages[p]; ok {
		return obj
	}
	b := m.object(pageAPI)
	var em *jsEmitter
	em = m.emitter(b, pageEvents(), func(event string) func() {
		args := pageEventArgs[event]
		return p.Events().On(event, func(ev browser.Event) {
			em.post(event, func() []sobek.Value {
				if args == nil {
					return nil
				}
				return args(m, p, ev)
			})
		})
	})
	m.frameMethods(b, p, p.MainFrame)
	b.method("mainFrame", func(sobek.FunctionCall) sobek.Value { return m.wrapFrame(p.MainFrame()) })
	b.method("frames", func(sobek.FunctionCall) sobek.Value { return m.frameArray(p.Frames()) })
	b.method("browser", func(sobek.FunctionCall) sobek.Value { return m.browsers[p.Browser()] })
	b.method("target", func(sobek.FunctionCall) sobek.Value { return m.wrapTarget(p.Target()) })
	b.method("browserContext", func(sobek.FunctionCall) sobek.Value { return m.wrapContext(p.Browser(), p.BrowserContext()) })
	b.method("isClosed", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(p.IsClosed()) })
	b.method("setDefaultTimeout", func(call sobek.FunctionCall) sobek.Value {
		p.SetDefaultTimeout(millisArg(call.Argument(0)))
		return sobek.Undefined()
	})
	b.method("setDefaultNavigationTimeout", func(call sobek.FunctionCall) sobek.Value {
		p.SetDefaultNavigationTimeout(millisArg(call.Argument(0)))
		return sobek.Undefined()
	})
	b.method("getDefaultTimeout", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(p.Timeout().Milliseconds()) })
	b.method("getDefaultNavigationTimeout", func(sobek.FunctionCall) sobek.Value {
		return m.vm.ToValue(p.NavigationTimeout().Milliseconds())
	})
	b.async("setViewport", func(call sobek.FunctionCall) (work, error) {
		if v := call.Argument(0); sobek.IsNull(v) {
			return func(context.Context) (js.Builder, error) { return nil, nil }, nil
		}
		vp, err := m.viewport(call.Argument(0), "viewport")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.SetViewport(ctx, vp) }, nil
	})
	b.method("viewport", func(sobek.FunctionCall) sobek.Value {
		vp := p.Viewport()
		if vp == nil {
			return sobek.Null()
		}
		o := m.vm.NewObject()
		for _, k := range vp.Given {
			switch k {
			case "width":
				_ = o.Set(k, vp.Width)
			case "height":
				_ = o.Set(k, vp.Height)
			case "deviceScaleFactor":
				_ = o.Set(k, vp.DeviceScaleFactor)
			case "isMobile":
				_ = o.Set(k, vp.IsMobile)
			case "hasTouch":
				_ = o.Set(k, vp.HasTouch)
			case "isLandscape":
				_ = o.Set(k, vp.IsLandscape)
			}
		}
		return o
	})
	b.async("screenshot", func(call sobek.FunctionCall) (work, error) { return m.screenshot(p, nil, call.Argument(0)) })
	b.async("pdf", func(call sobek.FunctionCall) (work, error) { return m.pdf(p, call.Argument(0)) })
	b.async("close", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) { return nil, p.Close(ctx) }, nil
	})
	b.async("bringToFront", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) { return nil, p.BringToFront(ctx) }, nil
	})
	history := func(delta int) func(call sobek.FunctionCall) (work, error) {
		return func(call sobek.FunctionCall) (work, error) {
			o, err := m.options(call.Argument(0), "options")
			if err != nil {
				return nil, err
			}
			no := browser.NavigateOptions{Timeout: p.NavigationTimeout()}
			if no.WaitUntil, err = o.strs("waitUntil"); err != nil {
				return nil, err
			}
			if d, ok, err := o.millis("timeout"); err != nil {
				return nil, err
			} else if ok {
				no.Timeout = d
			}
			return func(ctx context.Context) (js.Builder, error) {
				var r *browser.Response
				var err error
				if delta == 0 {
					r, err = p.Reload(ctx, no)
				} else {
					r, err = p.GoHistory(ctx, delta, no)
				}
				return func(*sobek.Runtime) sobek.Value {
					if r == nil {
						return sobek.Null()
					}
					return m.wrapResponse(p, r)
				}, err
			}, nil
		}
	}
	b.async("reload", history(0))
	b.async("goBack", history(-1))
	b.async("goForward", history(1))
	b.getter("keyboard", func() sobek.Value { return m.wrapKeyboard(p) })
	b.getter("mouse", func() sobek.Value { return m.wrapMouse(p) })
	m.pageSelectMethods(b, p)
	m.pageStateMethods(b, p) // cookies, emulation, scripts: state_*.go
	m.pageFrameMethods(b, p) // frame_events.go
	m.pageNetMethods(b, p)
	obj := b.done()
	m.pages[p] = obj
	return obj
}

func millisArg(v sobek.Value) time.Duration {
	if !sobek.IsNumber(v) || v.ToFloat() < 0 {
		return 0
	}
	return time.Duration(v.ToFloat() * float64(time.Millisecond))
}

// screenshot implements page.screenshot and elementHandle.screenshot (el
// non-nil: the element's bounding box becomes the clip).
func (m *mapper) screenshot(p *browser.Page, el *browser.Handle, v sobek.Value) (work, error) {
	o, err := m.options(v, "options")
	if err != nil {
		return nil, err
	}
	var so browser.ScreenshotOptions
	path, _, err := o.str("path")
	if err != nil {
		return nil, err
	}
	if so.Type, _, err = o.str("type"); err != nil {
		return nil, err
	}
	if so.Type == "" && path != "" {
		switch ext := strings.ToLower(path[strings.LastIndex(path, ".")+1:]); ext {
		case "png", "webp":
			so.Type = ext
		case "jpg", "jpeg":
			so.Type = "jpeg"
		}
	}
	if q, ok, err := o.num("quality"); err != nil {
		return nil, err
	} else if ok {
		qi := int(q + 0.5)
		so.Quality = &qi
	}
	if so.FullPage, err = o.boolean("fullPage"); err != nil {
		return nil, err
	}
	if so.OmitBackground, err = o.boolean("omitBackground"); err != nil {
		return nil, err
	}
	if so.OptimizeForSpeed, err = o.boolean("optimizeForSpeed"); err != nil {
		return nil, err
	}
	if o.has("captureBeyondViewport") {
		c, _ := o.boolean("captureBeyondViewport")
		so.CaptureBeyondViewport = &c
	}
	if c := o.get("clip"); c != nil {
		co, err := m.options(c, "options.clip")
		if err != nil {
			return nil, err
		}
		var clip browser.Clip
		for key, dst := range map[string]*float64{"x": &clip.X, "y": &clip.Y, "width": &clip.Width, "height": &clip.Height, "scale": &clip.Scale} {
			if *dst, _, err = co.num(key); err != nil {
				return nil, err
			}
		}
		so.Clip = &clip
	}
	encoding, _, err := o.str("encoding")
	if err != nil {
		return nil, err
	}
	if err := browser.ValidateScreenshot(&so); err != nil {
		return nil, err
	}
	files := m.mod.cfg.Files
	return func(ctx context.Context) (js.Builder, error) {
		if el != nil {
			box, err := el.BoundingBox(ctx)
			if err != nil {
				return nil, err
			}
			if box == nil {
				return nil, argErrorf("Node is either not visible or not an HTMLElement")
			}
			so.Clip, so.FullPage = box, false
		}
		data, err := p.Screenshot(ctx, so)
		if err != nil {
			return nil, err
		}
		if path != "" {
			if err := files.WriteFile(path, data); err != nil {
				return nil, err
			}
		}
		if encoding == "base64" {
			return str(base64.StdEncoding.EncodeToString(data)), nil
		}
		return bytesResult(data), nil
	}, nil
}

// bytesResult builds a Uint8Array (what Puppeteer 22+ returns for images
// and PDFs; Node prints it as a Buffer-like array).
func bytesResult(data []byte) js.Builder {
	return func(vm *sobek.Runtime) sobek.Value {
		ab := vm.NewArrayBuffer(data)
		arr, err := vm.New(vm.Get("Uint8Array"), vm.ToValue(ab))
		if err != nil {
			return vm.ToValue(ab)
		}
		return arr
	}
}

// pdf implements page.pdf.
func (m *mapper) pdf(p *browser.Page, v sobek.Value) (work, error) {
	o, err := m.options(v, "options")
	if err != nil {
		return nil, err
	}
	var po browser.PDFOptions
	path, _, err := o.str("path")
	if err != nil {
		return nil, err
	}
	if po.Scale, _, err = o.num("scale"); err != nil {
		return nil, err
	}
	for key, dst := range map[string]*bool{"displayHeaderFooter": &po.DisplayHeaderFooter, "printBackground": &po.PrintBackground,
		"landscape": &po.Landscape, "preferCSSPageSize": &po.PreferCSSPageSize, "omitBackground": &po.OmitBackground, "outline": &po.Outline} {
		if *dst, err = o.boolean(key); err != nil {
			return nil, err
		}
	}
	if o.has("tagged") {
		t, _ := o.boolean("tagged")
		po.Tagged = &t
	}
	for key, dst := range map[string]*string{"headerTemplate": &po.HeaderTemplate, "footerTemplate": &po.FooterTemplate,
		"pageRanges": &po.PageRanges, "format": &po.Format} {
		if *dst, _, err = o.str(key); err != nil {
			return nil, err
		}
	}
	length := func(oo *opts, key string) (string, error) {
		v := oo.get(key)
		switch {
		case v == nil:
			return "", nil
		case sobek.IsNumber(v) || sobek.IsString(v):
			return v.String(), nil
		}
		return "", argErrorf("page.pdf() Cannot handle parameter type: %s", typeName(v))
	}
	if po.Width, err = length(o, "width"); err != nil {
		return nil, err
	}
	if po.Height, err = length(o, "height"); err != nil {
		return nil, err
	}
	mo, err := o.sub(m, "margin")
	if err != nil {
		return nil, err
	}
	for i, key := range []string{"top", "right", "bottom", "left"} {
		if po.Margin[i], err = length(mo, key); err != nil {
			return nil, err
		}
	}
	if d, ok, err := o.millis("timeout"); err != nil {
		return nil, err
	} else if ok {
		po.Timeout = d
	} else {
		po.Timeout = p.Timeout()
	}
	files := m.mod.cfg.Files
	return func(ctx context.Context) (js.Builder, error) {
		data, err := p.PDF(ctx, po)
		if err != nil {
			return nil, err
		}
		if path != "" {
			if err := files.WriteFile(path, data); err != nil {
				return nil, err
			}
		}
		return bytesResult(data), nil
	}, nil
}
