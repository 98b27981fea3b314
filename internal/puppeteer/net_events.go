package puppeteer

import (
	"strings"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
)

// The page's network and console events.
func init() {
	pageEventArgs["request"] = func(m *mapper, p *browser.Page, ev browser.Event) []sobek.Value {
		r := ev.Request
		// Listeners run right after this returns; the actions they queue
		// (Puppeteer wraps every 'request' listener as one) and the votes
		// they cast are carried out right after them, before any other
		// event is delivered, as Puppeteer finalizes in the same tick.
		m.afterFire = append(m.afterFire, func() { m.finalizeInterception(r) })
		return []sobek.Value{m.wrapRequest(p, r)}
	}
	pageEventArgs["response"] = func(m *mapper, p *browser.Page, ev browser.Event) []sobek.Value {
		return []sobek.Value{m.wrapResponse(p, ev.Response)}
	}
	pageEventArgs["requestfinished"] = func(m *mapper, p *browser.Page, ev browser.Event) []sobek.Value {
		return []sobek.Value{m.wrapRequest(p, ev.Request)}
	}
	pageEventArgs["requestfailed"] = pageEventArgs["requestfinished"]
	pageEventArgs["requestservedfromcache"] = pageEventArgs["requestfinished"]
	pageEventArgs["console"] = func(m *mapper, _ *browser.Page, ev browser.Event) []sobek.Value {
		return []sobek.Value{m.wrapConsoleMessage(ev.Console)}
	}
	pageEventArgs["pageerror"] = func(m *mapper, _ *browser.Page, ev browser.Event) []sobek.Value {
		return []sobek.Value{m.pageErrorValue(ev.PageError)}
	}
}

// wrapConsoleMessage builds a ConsoleMessage object.
func (m *mapper) wrapConsoleMessage(c *browser.ConsoleMessage) *sobek.Object {
	b := m.object(consoleMessageAPI)
	var args *sobek.Object
	b.method("type", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(c.Type) })
	b.method("text", func(sobek.FunctionCall) sobek.Value { return m.vm.ToValue(c.Text) })
	b.method("args", func(sobek.FunctionCall) sobek.Value {
		if args == nil {
			args = m.vm.NewArray()
			for i, h := range c.Args {
				_ = args.Set(itoa(i), m.wrapHandle(h))
			}
		}
		return args
	})
	location := func(l browser.ConsoleLocation) *sobek.Object {
		o := m.vm.NewObject()
		val := func(ok bool, v any) sobek.Value {
			if !ok {
				return sobek.Undefined()
			}
			return m.vm.ToValue(v)
		}
		_ = o.Set("url", val(l.HasURL, l.URL))
		_ = o.Set("lineNumber", val(l.HasLine, l.LineNumber))
		if !l.Short {
			_ = o.Set("columnNumber", l.ColumnNumber)
		}
		return o
	}
	b.method("location", func(sobek.FunctionCall) sobek.Value {
		if len(c.Locations) == 0 {
			return m.vm.NewObject()
		}
		return location(c.Locations[0])
	})
	b.method("stackTrace", func(sobek.FunctionCall) sobek.Value {
		arr := m.vm.NewArray()
		for i, l := range c.Locations {
			_ = arr.Set(itoa(i), location(l))
		}
		return arr
	})
	return b.done()
}

// pageErrorValue is what Puppeteer's createClientError gives a
// "pageerror" listener: the thrown primitive itself, or an Error named as
// the page's error whose stack lists the page's frames.
func (m *mapper) pageErrorValue(pe *browser.PageError) sobek.Value {
	if pe.Thrown != nil {
		return fromValue(m.vm, *pe.Thrown)
	}
	obj, err := m.vm.New(m.vm.Get("Error"), m.vm.ToValue(pe.Message))
	if err != nil {
		return m.rt.NewError(pe.Message)
	}
	_ = obj.Set("name", pe.Name)
	// V8 formats the stack lazily, so its head uses the name set above.
	head := pe.Name
	switch {
	case head == "":
		head = pe.Message
	case pe.Message != "":
		head += ": " + pe.Message
	}
	lines := []string{head}
	for _, f := range pe.Frames {
		if len(lines) > 10 { // Error.stackTraceLimit
			break
		}
		fn := f.FunctionName
		if fn == "" {
			fn = "<anonymous>"
		}
		lines = append(lines, "    at "+fn+" ("+f.URL+":"+itoa(int(f.LineNumber)+1)+":"+itoa(int(f.ColumnNumber)+1)+")")
	}
	_ = obj.DefineDataProperty("stack", m.vm.ToValue(strings.Join(lines, "\n")), sobek.FLAG_TRUE, sobek.FLAG_TRUE, sobek.FLAG_FALSE)
	return obj
}
