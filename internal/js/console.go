package js

import (
	"fmt"
	"strings"
	"time"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/inspect"
)

var inspectDefaults = inspect.Options{} // Node's defaults

// consoleState holds console.count/time/group bookkeeping.
type consoleState struct {
	counts map[string]int
	timers map[string]time.Time
	indent string
}

// installConsole builds the console global. Every message becomes a Log
// (level, text, time) handed to Options.Log; formatting follows Node's
// util.format, so output matches `node script.js` line for line.
func (r *Runtime) installConsole() error {
	r.console = consoleState{counts: map[string]int{}, timers: map[string]time.Time{}}
	c := r.vm.NewObject()
	emit := func(level, text string) {
		if r.console.indent != "" {
			text = r.console.indent + strings.ReplaceAll(text, "\n", "\n"+r.console.indent)
		}
		r.opts.Log(Log{Level: level, Text: NodeStack(text), Time: r.opts.Now()})
	}
	logger := func(level string) sobek.Value {
		return r.Func("console."+level, func(call sobek.FunctionCall) sobek.Value {
			emit(level, r.inspect.Format(call.Arguments))
			return sobek.Undefined()
		})
	}
	for _, level := range []string{"log", "info", "debug", "warn", "error"} {
		if err := c.Set(level, logger(level)); err != nil {
			return err
		}
	}
	set := func(name string, fn func(call sobek.FunctionCall) sobek.Value) {
		_ = c.Set(name, r.Func("console."+name, fn))
	}
	_ = c.Set("dirxml", c.Get("log"))
	set("trace", func(call sobek.FunctionCall) sobek.Value {
		text := "Trace"
		if len(call.Arguments) > 0 {
			text += ": " + r.inspect.Format(call.Arguments)
		}
		if frames := formatFrames(r.CallSite()); frames != "" {
			text += "\n" + frames
		}
		emit("trace", text)
		return sobek.Undefined()
	})
	set("dir", func(call sobek.FunctionCall) sobek.Value {
		opts := inspectDefaults
		if o, ok := call.Argument(1).(*sobek.Object); ok {
			switch d := o.Get("depth"); {
			case d == nil || sobek.IsUndefined(d):
			case sobek.IsNull(d) || sobek.IsInfinity(d):
				opts.Depth = inspect.DepthUnlimited
			case sobek.IsNumber(d) && d.ToInteger() <= 0:
				opts.Depth = inspect.DepthTopOnly
			case sobek.IsNumber(d):
				opts.Depth = int(d.ToInteger())
			}
		}
		emit("log", r.inspect.Inspect(call.Argument(0), opts))
		return sobek.Undefined()
	})
	set("assert", func(call sobek.FunctionCall) sobek.Value {
		if call.Argument(0).ToBoolean() {
			return sobek.Undefined()
		}
		text := "Assertion failed"
		if len(call.Arguments) > 1 {
			text += ": " + r.inspect.Format(call.Arguments[1:])
		}
		emit("error", text)
		return sobek.Undefined()
	})
	set("count", func(call sobek.FunctionCall) sobek.Value {
		label := labelOf(call)
		r.console.counts[label]++
		emit("info", fmt.Sprintf("%s: %d", label, r.console.counts[label]))
		return sobek.Undefined()
	})
	set("countReset", func(call sobek.FunctionCall) sobek.Value {
		delete(r.console.counts, labelOf(call))
		return sobek.Undefined()
	})
	set("time", func(call sobek.FunctionCall) sobek.Value {
		r.console.timers[labelOf(call)] = time.Now()
		return sobek.Undefined()
	})
	timeLog := func(end bool) func(call sobek.FunctionCall) sobek.Value {
		return func(call sobek.FunctionCall) sobek.Value {
			label := labelOf(call)
			start, ok := r.console.timers[label]
			if !ok {
				emit("warn", fmt.Sprintf("Warning: No such label '%s' for console.time%s()", label, map[bool]string{true: "End", false: "Log"}[end]))
				return sobek.Undefined()
			}
			if end {
				delete(r.console.timers, label)
			}
			text := fmt.Sprintf("%s: %s", label, formatDuration(time.Since(start)))
			if !end && len(call.Arguments) > 1 {
				text += " " + r.inspect.Format(call.Arguments[1:])
			}
			emit("info", text)
			return sobek.Undefined()
		}
	}
	set("timeEnd", timeLog(true))
	set("timeLog", timeLog(false))
	group := func(call sobek.FunctionCall) sobek.Value {
		if len(call.Arguments) > 0 {
			emit("log", r.inspect.Format(call.Arguments))
		}
		r.console.indent += "  "
		return sobek.Undefined()
	}
	set("group", group)
	set("groupCollapsed", group)
	set("groupEnd", func(sobek.FunctionCall) sobek.Value {
		if len(r.console.indent) >= 2 {
			r.console.indent = r.console.indent[2:]
		}
		return sobek.Undefined()
	})
	set("table", func(call sobek.FunctionCall) sobek.Value {
		emit("log", r.inspect.Format(call.Arguments[:min(1, len(call.Arguments))]))
		return sobek.Undefined()
	})
	set("clear", func(sobek.FunctionCall) sobek.Value { return sobek.Undefined() })
	return r.vm.Set("console", c)
}

func labelOf(call sobek.FunctionCall) string {
	if v := call.Argument(0); !sobek.IsUndefined(v) {
		return safeString(v)
	}
	return "default"
}

// formatDuration prints like Node's console.timeEnd ("12.345ms", "1.002s").
func formatDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	if ms >= 1000 {
		return fmt.Sprintf("%.3fs", ms/1000)
	}
	return fmt.Sprintf("%.3fms", ms)
}
