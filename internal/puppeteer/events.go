package puppeteer

import (
	"fmt"

	"github.com/grafana/sobek"
)

// jsEmitter is Node's EventEmitter surface (on, once, off, emit, …) for one
// Puppeteer object. Listeners are JS functions kept on the Go side and only
// touched on the loop goroutine. subscribe is called when the first
// listener for an event is added, to start the Go-side feed, and the feed
// is stopped when the last one goes (off, removeAllListeners, a once
// listener firing), so the browser side stops preparing the event (a
// console message's arguments are then released, not made into handles);
// events in supported are the ones that feed exists for.
type jsEmitter struct {
	m         *mapper
	varName   string
	supported map[string]bool
	subscribe func(event string) (unsubscribe func())

	listeners map[string][]listenerEntry
	unsubs    map[string]func()
}

type listenerEntry struct {
	fn   sobek.Value
	once bool
}

func (m *mapper) emitter(b *builder, supported []string, subscribe func(string) func()) *jsEmitter {
	e := &jsEmitter{
		m: m, varName: b.api.Var, supported: map[string]bool{}, subscribe: subscribe,
		listeners: map[string][]listenerEntry{}, unsubs: map[string]func(){},
	}
	for _, s := range supported {
		e.supported[s] = true
	}
	add := func(once bool) func(call sobek.FunctionCall) sobek.Value {
		return func(call sobek.FunctionCall) sobek.Value {
			event := call.Argument(0).String()
			fn := call.Argument(1)
			if _, ok := sobek.AssertFunction(fn); !ok {
				panic(m.rt.NewTypeError(fmt.Sprintf(`The "listener" argument must be of type function. Received %s`, typeName(fn))))
			}
			if !e.supported[event] {
				panic(m.rt.NewError(fmt.Sprintf("%s.on('%s') is not supported by Skriptable yet", e.varName, event)))
			}
			e.listeners[event] = append(e.listeners[event], listenerEntry{fn: fn, once: once})
			e.counted(1)
			if _, ok := e.unsubs[event]; !ok && e.subscribe != nil {
				e.unsubs[event] = e.subscribe(event)
			}
			return b.this()
		}
	}
	remove := func(call sobek.FunctionCall) sobek.Value {
		event := call.Argument(0).String()
		fn := call.Argument(1)
		ls := e.listeners[event]
		for i, l := range ls {
			if l.fn.SameAs(fn) {
				e.listeners[event] = append(ls[:i:i], ls[i+1:]...)
				e.counted(-1)
				e.unsubscribeIfUnused(event)
				break
			}
		}
		return b.this()
	}
	b.method("on", add(false))
	b.method("addListener", add(false))
	b.method("once", add(true))
	b.method("off", remove)
	b.method("removeListener", remove)
	b.method("removeAllListeners", func(call sobek.FunctionCall) sobek.Value {
		if ev := call.Argument(0); sobek.IsUndefined(ev) {
			n := 0
			for _, ls := range e.listeners {
				n += len(ls)
			}
			e.counted(-n)
			e.listeners = map[string][]listenerEntry{}
			for event := range e.unsubs {
				e.unsubscribeIfUnused(event)
			}
		} else {
			e.counted(-len(e.listeners[ev.String()]))
			delete(e.listeners, ev.String())
			e.unsubscribeIfUnused(ev.String())
		}
		return b.this()
	})
	b.method("listenerCount", func(call sobek.FunctionCall) sobek.Value {
		return m.vm.ToValue(len(e.listeners[call.Argument(0).String()]))
	})
	b.method("emit", func(call sobek.FunctionCall) sobek.Value {
		n := len(e.listeners[call.Argument(0).String()])
		if err := e.fire(call.Argument(0).String(), call.Arguments[min(1, len(call.Arguments)):]...); err != nil {
			panic(err)
		}
		return m.vm.ToValue(n > 0)
	})
	return e
}

// counted reports a change in the number of listeners to the mapper's
// keep-alive (see keepalive.go), for emitters fed by the browser only:
// others (Locator's 'action') fire synchronously inside script calls.
func (e *jsEmitter) counted(delta int) {
	if e.subscribe != nil && delta != 0 {
		e.m.listening(delta)
	}
}

// unsubscribeIfUnused stops the Go-side feed of event once it has no
// listener; the next listener added subscribes again.
func (e *jsEmitter) unsubscribeIfUnused(event string) {
	if len(e.listeners[event]) > 0 {
		return
	}
	delete(e.listeners, event)
	if unsub, ok := e.unsubs[event]; ok {
		delete(e.unsubs, event)
		if unsub != nil {
			unsub()
		}
	}
}

// fire calls the listeners of event on the loop goroutine. An exception in
// a listener is returned, ending the run, as an uncaught exception in an
// event handler ends a Node process.
func (e *jsEmitter) fire(event string, args ...sobek.Value) error {
	ls := e.listeners[event]
	if len(ls) == 0 {
		return nil
	}
	kept := ls[:0:0]
	for _, l := range ls {
		if !l.once {
			kept = append(kept, l)
		}
	}
	e.listeners[event] = kept
	e.counted(len(kept) - len(ls))
	e.unsubscribeIfUnused(event)
	for _, l := range ls {
		fn, _ := sobek.AssertFunction(l.fn)
		if _, err := fn(sobek.Undefined(), args...); err != nil {
			return err
		}
	}
	return nil
}

// post delivers an event from any goroutine. The arguments are built on
// the loop; delivery does not keep a finished script alive.
func (e *jsEmitter) post(event string, build func() []sobek.Value) {
	e.m.rt.Loop().Post(func() error {
		if len(e.listeners[event]) == 0 {
			return nil
		}
		var args []sobek.Value
		if build != nil {
			args = build()
		}
		err := e.fire(event, args...)
		// Work the builder deferred until after the listeners (network.go's
		// interception finalizing), before any other event is delivered.
		after := e.m.afterFire
		e.m.afterFire = nil
		for _, f := range after {
			f()
		}
		return err
	})
}
