package js

import (
	"container/heap"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/grafana/sobek"
)

// timers implements setTimeout/setInterval/setImmediate. A pending timer
// holds a reserved loop callback, so like in Node the script does not end
// while one is scheduled; clearing it fills the reservation with a no-op.
//
// Firing order is Node's: by deadline, then by the order of scheduling.
// Go timers fire on their own goroutines in any order, so a firing Go
// timer does not run its own callback: it runs, on the loop, every timer
// that is due by then, sorted by (deadline, sequence). A timer run that
// way before its own Go timer fired has that Go timer stopped (or, if it
// fired too late to stop, its queued job finds nothing to do).
// The ordering deadline starts from the millisecond the timer was set, as
// Node's timer lists do, so timers set in the same millisecond with equal
// delays tie and keep their scheduling order; a timer never runs before
// its full delay has passed (due).
type timers struct {
	mu     sync.Mutex // guards live and nextID; the Go timer callbacks read them
	nextID int64
	live   map[int64]*timer
	epoch  time.Time // deadlines are durations since epoch (monotonic)
	queue  dueQueue  // armings by due time; loop goroutine only
	stale  int       // cleared entries still in queue; loop goroutine only
}

// dropStale counts one more cleared entry in the queue and, once they
// are the majority, rebuilds the queue without them, so a script that
// keeps setting and clearing long timers does not grow it without bound.
func (t *timers) dropStale() {
	t.stale++
	if t.stale < 1024 || t.stale*2 < len(t.queue) {
		return
	}
	kept := t.queue[:0]
	for _, e := range t.queue {
		if e.tm.pending && !e.tm.cleared && e.tm.armed == e.gen {
			kept = append(kept, e)
		}
	}
	clear(t.queue[len(kept):])
	t.queue = kept
	heap.Init(&t.queue)
	t.stale = 0
}

// dueQueue is a min-heap of armings by due time. Entries of cleared or
// re-armed timers stay until popped and are then skipped.
type dueQueue []dueEntry

type dueEntry struct {
	due time.Duration
	tm  *timer
	gen int64
}

func (q dueQueue) Len() int           { return len(q) }
func (q dueQueue) Less(i, j int) bool { return q[i].due < q[j].due }
func (q dueQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *dueQueue) Push(x any)        { *q = append(*q, x.(dueEntry)) }
func (q *dueQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

type timer struct {
	id       int64
	fn       sobek.Callable
	args     []sobek.Value
	repeat   bool
	delay    time.Duration
	deadline time.Duration // ordering key, since timers.epoch
	due      time.Duration // set time + delay, since timers.epoch: not run before
	goTimer  *time.Timer
	armed    int64 // arming generation; a job for an older one is stale
	pending  bool  // armed and not yet run; only touched on the loop goroutine
	cleared  bool  // only touched on the loop goroutine
	fill     func(func() error)
}

func (t *timers) init() {
	t.live = map[int64]*timer{}
	t.epoch = time.Now()
}

func (t *timers) stopAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, tm := range t.live {
		tm.goTimer.Stop()
		delete(t.live, id)
	}
}

// MaxPendingTimers caps the timers one run may have scheduled at once
// (each costs a Go timer and a reserved loop slot); scheduling one more
// throws an Error instead of letting a runaway loop exhaust memory.
const MaxPendingTimers = 100_000

// maxTimerDelay is Node's limit; longer delays become 1 ms, as in Node.
const maxTimerDelay = math.MaxInt32

func timerDelay(v sobek.Value) time.Duration {
	ms := v.ToFloat()
	if math.IsNaN(ms) || ms < 1 || ms > maxTimerDelay {
		ms = 1
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// arm schedules tm's next run: a new deadline, a loop reservation and a
// Go timer whose job runs what is due. Called on the loop goroutine.
func (r *Runtime) armTimer(tm *timer) {
	now := time.Since(r.timers.epoch)
	tm.deadline = now.Truncate(time.Millisecond) + tm.delay
	tm.due = now + tm.delay
	tm.armed++
	tm.pending = true
	gen := tm.armed
	heap.Push(&r.timers.queue, dueEntry{due: tm.due, tm: tm, gen: gen})
	fill := r.loop.RegisterCallback()
	tm.fill = fill
	tm.goTimer = time.AfterFunc(tm.delay, func() {
		fill(func() error {
			if tm.cleared || tm.armed != gen || !tm.pending {
				return nil // cleared, or already run with an earlier timer
			}
			return r.runDueTimers(tm.due)
		})
	})
}

// runDueTimers runs, on the loop, every pending timer due by now (at
// least those due by due, whose Go timer fired), in (deadline, sequence)
// order. Timers set by these callbacks wait for their own turn.
func (r *Runtime) runDueTimers(due time.Duration) error {
	if now := time.Since(r.timers.epoch); now > due {
		due = now
	}
	var batch []*timer
	q := &r.timers.queue
	for q.Len() > 0 && (*q)[0].due <= due {
		e := heap.Pop(q).(dueEntry)
		if e.tm.pending && !e.tm.cleared && e.tm.armed == e.gen {
			batch = append(batch, e.tm)
		}
	}
	sort.Slice(batch, func(i, j int) bool {
		if batch[i].deadline != batch[j].deadline {
			return batch[i].deadline < batch[j].deadline
		}
		return batch[i].id < batch[j].id
	})
	for _, tm := range batch {
		if tm.cleared || !tm.pending {
			continue // cleared by an earlier callback of this batch
		}
		tm.pending = false
		if tm.goTimer.Stop() {
			tm.fill(func() error { return nil }) // its own job will not come
		}
		if !tm.repeat {
			r.timers.forget(tm.id)
		}
		if _, err := tm.fn(sobek.Undefined(), tm.args...); err != nil {
			return err
		}
		if tm.repeat && !tm.cleared {
			r.armTimer(tm)
		}
	}
	return nil
}

func (r *Runtime) installTimers() error {
	schedule := func(call sobek.FunctionCall, repeat, immediate bool) sobek.Value {
		fn, ok := sobek.AssertFunction(call.Argument(0))
		if !ok {
			panic(r.newTypeError(`The "callback" argument must be of type function. Received ` + describeType(call.Argument(0))))
		}
		tm := &timer{fn: fn, repeat: repeat}
		if immediate {
			tm.args = append(tm.args, call.Arguments[min(1, len(call.Arguments)):]...)
		} else {
			tm.delay = timerDelay(call.Argument(1))
			tm.args = append(tm.args, call.Arguments[min(2, len(call.Arguments)):]...)
		}
		r.timers.mu.Lock()
		if len(r.timers.live) >= MaxPendingTimers {
			r.timers.mu.Unlock()
			panic(r.newError(tooManyTimers))
		}
		r.timers.nextID++
		tm.id = r.timers.nextID
		r.timers.live[tm.id] = tm
		r.timers.mu.Unlock()
		r.armTimer(tm)
		return r.vm.ToValue(tm.id)
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
			if tm.pending {
				r.timers.dropStale()
				if tm.goTimer.Stop() {
					tm.fill(func() error { return nil }) // release the reservation
				}
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

var tooManyTimers = fmt.Sprintf("too many pending timers: a run may schedule at most %d at once", MaxPendingTimers)

func (t *timers) forget(id int64) {
	t.mu.Lock()
	delete(t.live, id)
	t.mu.Unlock()
}
