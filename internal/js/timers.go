package js

import (
	"math"
	"sync"
	"time"

	"github.com/grafana/sobek"
)

// timers implements setTimeout/setInterval/setImmediate. A pending timer
// holds a reserved loop callback, so like in Node the script does not end
// while one is scheduled; clearing it fills the reservation with a no-op.
type timers struct {
	mu     sync.Mutex // guards live; the Go timer callbacks read it
	nextID int64
	live   map[int64]*timer
}

type timer struct {
	goTimer *time.Timer
	cleared bool // only touched on the loop goroutine
	fill    func(func() error)
}

func (t *timers) init() { t.live = map[int64]*timer{} }

func (t *timers) stopAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, tm := range t.live {
		tm.goTimer.Stop()
		delete(t.live, id)
	}
}

// maxTimerDelay is Node's limit; longer delays become 1 ms, as in Node.
const maxTimerDelay = math.MaxInt32

func timerDelay(v sobek.Value) time.Duration {
	ms := v.ToFloat()
	if math.IsNaN(ms) || ms < 1 || ms > maxTimerDelay {
		ms = 1
	}
	return time.Duration(ms * float64(time.Millisecond))
}

func (r *Runtime) installTimers() error {
	schedule := func(call sobek.FunctionCall, repeat, immediate bool) sobek.Value {
		fn, ok := sobek.AssertFunction(call.Argument(0))
		if !ok {
			panic(r.newTypeError(`The "callback" argument must be of type function. Received ` + describeType(call.Argument(0))))
		}
		var delay time.Duration
		var args []sobek.Value
		if immediate {
			args = append(args, call.Arguments[min(1, len(call.Arguments)):]...)
		} else {
			delay = timerDelay(call.Argument(1))
			args = append(args, call.Arguments[min(2, len(call.Arguments)):]...)
		}
		r.timers.mu.Lock()
		r.timers.nextID++
		id := r.timers.nextID
		r.timers.mu.Unlock()
		tm := &timer{}
		var arm func()
		arm = func() {
			fill := r.loop.RegisterCallback()
			tm.fill = fill
			tm.goTimer = time.AfterFunc(delay, func() {
				fill(func() error {
					if tm.cleared {
						return nil
					}
					if !repeat {
						r.timers.forget(id)
					}
					if _, err := fn(sobek.Undefined(), args...); err != nil {
						return err
					}
					if repeat && !tm.cleared {
						arm()
					}
					return nil
				})
			})
		}
		r.timers.mu.Lock()
		r.timers.live[id] = tm
		r.timers.mu.Unlock()
		arm()
		return r.vm.ToValue(id)
	}
	clear := func(call sobek.FunctionCall) sobek.Value {
		v := call.Argument(0)
		if !sobek.IsNumber(v) {
			return sobek.Undefined()
		}
		id := v.ToInteger()
		r.timers.mu.Lock()
		tm := r.timers.live[id]
		delete(r.timers.live, id)
		r.timers.mu.Unlock()
		if tm != nil && !tm.cleared {
			tm.cleared = true
			if tm.goTimer.Stop() {
				tm.fill(func() error { return nil }) // release the reservation
			}
		}
		return sobek.Undefined()
	}
	g := r.vm.GlobalObject()
	for name, fn := range map[string]func(sobek.FunctionCall) sobek.Value{
		"setTimeout":     func(c sobek.FunctionCall) sobek.Value { return schedule(c, false, false) },
		"setInterval":    func(c sobek.FunctionCall) sobek.Value { return schedule(c, true, false) },
		"setImmediate":   func(c sobek.FunctionCall) sobek.Value { return schedule(c, false, true) },
		"clearTimeout":   clear,
		"clearInterval":  clear,
		"clearImmediate": clear,
	} {
		if err := g.Set(name, r.Func(name, fn)); err != nil {
			return err
		}
	}
	return nil
}

func (t *timers) forget(id int64) {
	t.mu.Lock()
	delete(t.live, id)
	t.mu.Unlock()
}
