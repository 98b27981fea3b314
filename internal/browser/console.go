package browser

import (
	"math"
	"strconv"
	"strings"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/runtime"

	cdpconn "github.com/skriptable/skriptable/internal/cdp"
)

// ConsoleMessage is a console call in the page, or a browser log entry
// (Puppeteer's ConsoleMessage).
type ConsoleMessage struct {
	Type string // "log", "warn", "error", …: Puppeteer's names
	Text string
	Args []*Handle // nil for browser log entries
	// Locations is the call's stack, innermost first (Puppeteer's
	// stackTrace()); location() is its first entry.
	Locations []ConsoleLocation
}

// ConsoleLocation is one stack entry of a console message. Log entries
// carry only a URL and a line (Short), either possibly absent.
type ConsoleLocation struct {
	URL          string
	LineNumber   int64
	ColumnNumber int64
	Short        bool // only url and lineNumber, as Log.entryAdded gives
	HasURL       bool
	HasLine      bool
}

// PageError is an exception the page did not catch (Puppeteer's
// "pageerror" event): either an error (Name, Message, Frames) or a thrown
// primitive (Thrown).
type PageError struct {
	Name    string
	Message string
	Thrown  *Value
	Frames  []runtime.CallFrame
}

func (p *Page) subscribeConsole(s *cdpconn.Session) {
	s.On("Runtime.consoleAPICalled", func(raw jsonv2.Value) {
		var ev runtime.EventConsoleAPICalled
		if jsonv2.Unmarshal(raw, &ev) != nil {
			return
		}
		if p.events.Count("console") == 0 {
			for _, a := range ev.Args {
				if a != nil && a.ObjectID != "" {
					background(s, "Runtime.releaseObject", map[string]string{"objectId": string(a.ObjectID)})
				}
			}
			return
		}
		p.events.emit(Event{Name: "console", Console: p.consoleMessage(s, &ev)})
	})
	s.On("Runtime.exceptionThrown", func(raw jsonv2.Value) {
		var ev runtime.EventExceptionThrown
		if jsonv2.Unmarshal(raw, &ev) != nil || ev.ExceptionDetails == nil {
			return
		}
		p.events.emit(Event{Name: "pageerror", PageError: pageError(ev.ExceptionDetails)})
	})
	s.On("Log.entryAdded", func(raw jsonv2.Value) {
		var ev struct {
			Entry struct {
				Source     string  `json:"source"`
				Level      string  `json:"level"`
				Text       string  `json:"text"`
				URL        *string `json:"url"`
				LineNumber *int64  `json:"lineNumber"`
				Args       []struct {
					ObjectID string `json:"objectId"`
				} `json:"args"`
			} `json:"entry"`
		}
		if jsonv2.Unmarshal(raw, &ev) != nil {
			return
		}
		e := ev.Entry
		for _, a := range e.Args {
			if a.ObjectID != "" {
				background(s, "Runtime.releaseObject", map[string]string{"objectId": a.ObjectID})
			}
		}
		if e.Source == "worker" {
			return
		}
		loc := ConsoleLocation{Short: true}
		if e.URL != nil {
			loc.URL, loc.HasURL = *e.URL, true
		}
		if e.LineNumber != nil {
			loc.LineNumber, loc.HasLine = *e.LineNumber, true
		}
		p.events.emit(Event{Name: "console", Console: &ConsoleMessage{
			Type: consoleType(e.Level), Text: e.Text, Locations: []ConsoleLocation{loc},
		}})
	})
}

func consoleType(t string) string {
	if t == "warning" {
		return "warn"
	}
	return t
}

func (p *Page) consoleMessage(s *cdpconn.Session, ev *runtime.EventConsoleAPICalled) *ConsoleMessage {
	m := &ConsoleMessage{Type: consoleType(string(ev.Type))}
	w := p.frames.worldByContext(int64(ev.ExecutionContextID))
	tokens := make([]string, 0, len(ev.Args))
	for _, a := range ev.Args {
		if a == nil {
			continue
		}
		if w != nil {
			m.Args = append(m.Args, newHandle(w, p, a))
		}
		tokens = append(tokens, consoleToken(a))
	}
	m.Text = strings.Join(tokens, " ")
	if ev.StackTrace != nil {
		for _, f := range ev.StackTrace.CallFrames {
			if f != nil {
				m.Locations = append(m.Locations, ConsoleLocation{URL: f.URL, LineNumber: f.LineNumber, ColumnNumber: f.ColumnNumber, HasURL: true, HasLine: true})
			}
		}
	}
	return m
}

// worldByContext finds the world of an execution context, falling back to
// the main frame's (console calls from other worlds still get handles).
func (m *frameManager) worldByContext(id int64) *world {
	m.mu.Lock()
	w := m.contexts[ctxKey{id: id}]
	m.mu.Unlock()
	if w != nil {
		return w
	}
	if f := m.mainFrame(); f != nil {
		return f.main
	}
	return nil
}

// consoleToken is how Puppeteer renders one argument in text(): the
// primitive as String() would (undefined and null as ""), an error by the
// first line of its description, other objects as "[subtype Class]".
func consoleToken(o *runtime.RemoteObject) string {
	if o.ObjectID != "" {
		if o.Subtype == runtime.RemoteObjectSubtypeError && o.Description != "" {
			first, _, _ := strings.Cut(o.Description, "\n")
			return first
		}
		kind := string(o.Subtype)
		if kind == "" {
			kind = string(o.Type)
		}
		cls := o.ClassName
		if cls == "" {
			cls = "undefined"
		}
		return "[" + kind + " " + cls + "]"
	}
	if u := string(o.UnserializableValue); u != "" {
		switch {
		case o.Type == runtime.RemoteObjectTypeBigint:
			return strings.TrimSuffix(u, "n")
		case u == "-0":
			return "0"
		}
		return u
	}
	if len(o.Value) == 0 {
		return ""
	}
	var v any
	if jsonv2.Unmarshal(o.Value, &v) != nil {
		return ""
	}
	switch v := v.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return jsNumber(v)
	case nil:
		return ""
	}
	return string(o.Value)
}

// jsNumber formats f as JavaScript's Number#toString does.
func jsNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	abs := math.Abs(f)
	if abs >= 1e21 || abs < 1e-6 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		if exp[0] == '+' {
			return mant + "e+" + strings.TrimLeft(exp[1:], "0")
		}
		return mant + "e-" + strings.TrimLeft(exp[1:], "0")
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// pageError mirrors Puppeteer's createClientError.
func pageError(d *runtime.ExceptionDetails) *PageError {
	pe := &PageError{}
	if ee, ok := evaluationError(d).(*EvaluationError); ok {
		if ee.Thrown != nil {
			return &PageError{Thrown: ee.Thrown}
		}
		pe.Name, pe.Message = ee.Name, ee.Message
	}
	if d.Exception == nil {
		pe.Name, pe.Message = "Error", d.Text
	}
	if d.StackTrace != nil {
		for _, f := range d.StackTrace.CallFrames {
			if f != nil {
				pe.Frames = append(pe.Frames, *f)
			}
		}
	}
	return pe
}
