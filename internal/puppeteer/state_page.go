package puppeteer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// fileReader is implemented by a Files that can read back the files the
// run wrote (the runner's); addScriptTag/addStyleTag `path:` options use it.
type fileReader interface {
	ReadFile(path string) ([]byte, error)
}

// pageStateMethods defines the page's cookie, emulation and script
// members.
func (m *mapper) pageStateMethods(b *builder, p *browser.Page) {
	m.pageCookieMethods(b, p)
	m.pageEmulationMethods(b, p)
	m.pageScriptMethods(b, p)
}

// boolArg reads the first argument as a boolean, as JS would.
func boolArg(call sobek.FunctionCall) bool { return call.Argument(0).ToBoolean() }

func (m *mapper) pageEmulationMethods(b *builder, p *browser.Page) {
	b.async("emulate", func(call sobek.FunctionCall) (work, error) {
		o, err := m.options(call.Argument(0), "device")
		if err != nil {
			return nil, err
		}
		ua, _, err := o.str("userAgent")
		if err != nil {
			return nil, err
		}
		vp, err := m.viewport(o.get("viewport"), "device.viewport")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.Emulate(ctx, ua, vp) }, nil
	})
	b.async("emulateMediaType", func(call sobek.FunctionCall) (work, error) {
		t := ""
		if v := call.Argument(0); !sobek.IsUndefined(v) && !sobek.IsNull(v) {
			t = v.String()
			if !sobek.IsString(v) || t == "" {
				return nil, fmt.Errorf("Unsupported media type: %s", t)
			}
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.EmulateMediaType(ctx, t) }, nil
	})
	b.async("emulateMediaFeatures", func(call sobek.FunctionCall) (work, error) {
		v := call.Argument(0)
		var fs []browser.MediaFeature
		if !sobek.IsUndefined(v) && !sobek.IsNull(v) {
			arr, ok := v.(*sobek.Object)
			if !ok || arr.ClassName() != "Array" {
				return nil, argErrorf("features must be an array, got %s", typeName(v))
			}
			n := int(arr.Get("length").ToInteger())
			if n > 100 {
				return nil, argErrorf("features: at most 100 media features")
			}
			fs = make([]browser.MediaFeature, 0, n)
			for i := 0; i < n; i++ {
				o, err := m.options(arr.Get(fmt.Sprint(i)), fmt.Sprintf("features[%d]", i))
				if err != nil {
					return nil, err
				}
				name, _, err := o.str("name")
				if err != nil {
					return nil, err
				}
				val, _, err := o.str("value")
				if err != nil {
					return nil, err
				}
				fs = append(fs, browser.MediaFeature{Name: name, Value: val})
			}
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.EmulateMediaFeatures(ctx, fs) }, nil
	})
	b.async("emulateTimezone", func(call sobek.FunctionCall) (work, error) {
		id := ""
		if v := call.Argument(0); !sobek.IsUndefined(v) && !sobek.IsNull(v) {
			id = v.String()
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.EmulateTimezone(ctx, id) }, nil
	})
	b.async("emulateVisionDeficiency", func(call sobek.FunctionCall) (work, error) {
		t := ""
		if v := call.Argument(0); !sobek.IsUndefined(v) && !sobek.IsNull(v) {
			t = v.String()
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.EmulateVisionDeficiency(ctx, t) }, nil
	})
	b.async("emulateCPUThrottling", func(call sobek.FunctionCall) (work, error) {
		v := call.Argument(0)
		var f float64
		switch {
		case sobek.IsNull(v):
		case sobek.IsNumber(v) && v.ToFloat() >= 1:
			f = v.ToFloat()
		default:
			return nil, errors.New("Throttling rate should be greater or equal to 1")
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.EmulateCPUThrottling(ctx, f) }, nil
	})
	b.async("emulateNetworkConditions", func(call sobek.FunctionCall) (work, error) {
		v := call.Argument(0)
		var nc *browser.NetworkConditions
		if !sobek.IsUndefined(v) && !sobek.IsNull(v) {
			o, err := m.options(v, "networkConditions")
			if err != nil {
				return nil, err
			}
			c := browser.NetworkConditions{Download: -1, Upload: -1}
			for key, dst := range map[string]*float64{"download": &c.Download, "upload": &c.Upload, "latency": &c.Latency} {
				if f, ok, err := o.num(key); err != nil {
					return nil, err
				} else if ok {
					*dst = f
				}
			}
			if c.Offline, err = o.boolean("offline"); err != nil {
				return nil, err
			}
			nc = &c
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.EmulateNetworkConditions(ctx, nc) }, nil
	})
	b.async("emulateIdleState", func(call sobek.FunctionCall) (work, error) {
		v := call.Argument(0)
		var s *browser.IdleState
		if !sobek.IsUndefined(v) && !sobek.IsNull(v) {
			o, err := m.options(v, "overrides")
			if err != nil {
				return nil, err
			}
			s = &browser.IdleState{}
			s.IsUserActive, _ = o.boolean("isUserActive")
			s.IsScreenUnlocked, _ = o.boolean("isScreenUnlocked")
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.EmulateIdleState(ctx, s) }, nil
	})
	b.async("setGeolocation", func(call sobek.FunctionCall) (work, error) {
		o, err := m.options(call.Argument(0), "options")
		if err != nil {
			return nil, err
		}
		lon, _, err := o.num("longitude")
		if err != nil {
			return nil, err
		}
		lat, _, err := o.num("latitude")
		if err != nil {
			return nil, err
		}
		acc, _, err := o.num("accuracy")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, p.SetGeolocation(ctx, lon, lat, acc) }, nil
	})
	b.async("setJavaScriptEnabled", func(call sobek.FunctionCall) (work, error) {
		on := boolArg(call)
		return func(ctx context.Context) (js.Builder, error) { return nil, p.SetJavaScriptEnabled(ctx, on) }, nil
	})
	b.async("emulateFocusedPage", func(call sobek.FunctionCall) (work, error) {
		on := boolArg(call)
		return func(ctx context.Context) (js.Builder, error) { return nil, p.EmulateFocusedPage(ctx, on) }, nil
	})
	b.method("isJavaScriptEnabled", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(p.JavaScriptEnabled()) })
	b.async("setBypassCSP", func(call sobek.FunctionCall) (work, error) {
		on := boolArg(call)
		return func(ctx context.Context) (js.Builder, error) { return nil, p.SetBypassCSP(ctx, on) }, nil
	})
}

func (m *mapper) pageScriptMethods(b *builder, p *browser.Page) {
	b.async("evaluateOnNewDocument", func(call sobek.FunctionCall) (work, error) {
		src, err := m.evaluationString(call.Argument(0), call.Arguments[min(1, len(call.Arguments)):])
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) {
			id, err := p.EvaluateOnNewDocument(ctx, src)
			return func(vm *sobek.Runtime) sobek.Value {
				o := vm.NewObject()
				_ = o.Set("identifier", id)
				return o
			}, err
		}, nil
	})
	b.async("removeScriptToEvaluateOnNewDocument", func(call sobek.FunctionCall) (work, error) {
		id := call.Argument(0).String()
		return func(ctx context.Context) (js.Builder, error) {
			return nil, p.RemoveScriptToEvaluateOnNewDocument(ctx, id)
		}, nil
	})
	b.async("exposeFunction", func(call sobek.FunctionCall) (work, error) {
		name, err := argString(call.Argument(0), "name")
		if err != nil {
			return nil, err
		}
		fnv := call.Argument(1)
		if o, ok := fnv.(*sobek.Object); ok {
			if _, isFn := sobek.AssertFunction(o); !isFn {
				fnv = o.Get("default") // Puppeteer accepts {default: fn}
			}
		}
		fn, ok := sobek.AssertFunction(fnv)
		if !ok {
			return nil, argErrorf("exposeFunction: the second argument must be a function, got %s", typeName(fnv))
		}
		handler := m.bindingHandler(fn)
		return func(ctx context.Context) (js.Builder, error) { return nil, p.ExposeFunction(ctx, name, handler) }, nil
	})
	b.async("removeExposedFunction", func(call sobek.FunctionCall) (work, error) {
		name := call.Argument(0).String()
		return func(ctx context.Context) (js.Builder, error) { return nil, p.RemoveExposedFunction(ctx, name) }, nil
	})
	m.contentMethods(b, p, p.MainFrame) // setContent, addScriptTag, addStyleTag: frame_content.go
}

// evaluationString is Puppeteer's evaluationString: a string as it is, or
// "(fn)(args…)" with the arguments as JSON.
func (m *mapper) evaluationString(fn sobek.Value, args []sobek.Value) (string, error) {
	if sobek.IsString(fn) {
		if len(args) > 0 {
			return "", errors.New("Cannot evaluate a string with arguments")
		}
		return fn.String(), nil
	}
	src, err := m.pageFunction(fn, "pageFunction")
	if err != nil {
		return "", err
	}
	parts := make([]string, len(args))
	for i, a := range args {
		if a == nil || sobek.IsUndefined(a) {
			parts[i] = "undefined"
			continue
		}
		s, err := m.stringify(sobek.Undefined(), a)
		if err != nil {
			return "", err
		}
		parts[i] = s.String()
	}
	return "(" + src + ")(" + strings.Join(parts, ",") + ")", nil
}

// tagOptions reads addScriptTag/addStyleTag options; path is returned
// separately, read when the work runs.
func (m *mapper) tagOptions(v sobek.Value, style bool) (browser.TagOptions, string, error) {
	var to browser.TagOptions
	o, err := m.options(v, "options")
	if err != nil {
		return to, "", err
	}
	get := func(key string) (string, error) {
		v := o.get(key)
		if v == nil || sobek.IsNull(v) {
			return "", nil
		}
		return v.String(), nil
	}
	if to.URL, err = get("url"); err != nil {
		return to, "", err
	}
	path, err := get("path")
	if err != nil {
		return to, "", err
	}
	if to.Content, err = get("content"); err != nil {
		return to, "", err
	}
	n := 0
	for _, s := range []string{to.URL, path, to.Content} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return to, "", errors.New("Exactly one of `url`, `path`, or `content` must be specified.")
	}
	if !style {
		if to.Type, err = get("type"); err != nil {
			return to, "", err
		}
		if to.ID, err = get("id"); err != nil {
			return to, "", err
		}
	}
	return to, path, nil
}

// readRunFile reads a `path:` option: only files the run itself wrote
// can be read, never the host's.
func (m *mapper) readRunFile(path string, style bool) (string, error) {
	r, ok := m.mod.cfg.Files.(fileReader)
	if !ok {
		return "", fmt.Errorf("cannot read %q: this run has no files", path)
	}
	data, err := r.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("ENOENT: no such file or directory, open '%s' (Skriptable reads only files this run wrote)", path)
	case err != nil:
		return "", fmt.Errorf("cannot read %q: Skriptable reads only files this run wrote (%v)", path, err)
	}
	content := string(data)
	clean := strings.ReplaceAll(path, "\n", "")
	if style {
		return content + "/*# sourceURL=" + clean + "*/", nil
	}
	return content + "//# sourceURL=" + clean, nil
}
