package js

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestEqualDeadlineTimersFireInScheduleOrder: timeouts due at the same
// moment run in the order they were scheduled, as in Node, although their
// Go timers fire on separate goroutines in any order. Intervals and
// nested timeouts keep the same rule.
func TestEqualDeadlineTimersFireInScheduleOrder(t *testing.T) {
	t.Parallel()
	out, err := run(t, "order.js", `
const got = [];
const n = 500;
for (let i = 0; i < n; i++) setTimeout(() => got.push(i), 5);
for (let i = 0; i < n; i++) setTimeout(() => got.push(n + i), 5);
const late = [];
setTimeout(() => {
  let bad = got.length !== 2 * n ? 'count ' + got.length : '';
  for (let i = 0; i < got.length && !bad; i++) if (got[i] !== i) bad = 'at ' + i + ': ' + got[i];
  console.log(bad || 'ordered');
  for (let i = 0; i < 100; i++) setTimeout(() => late.push(i), 1);
  setTimeout(() => {
    console.log(late.every((v, i) => v === i) && late.length === 100 ? 'nested ordered' : 'nested ' + late.join(','));
  }, 1);
}, 30);
let ticks = 0;
const iv = setInterval(() => { ticks++; if (ticks === 3) { clearInterval(iv); console.log('interval 3'); } }, 2);
`)
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		lines[l] = true
	}
	for _, want := range []string{"ordered", "nested ordered", "interval 3"} {
		if !lines[want] {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestClearedTimersLeaveTheQueue: setting and clearing many long timers
// does not grow the due queue without bound.
func TestClearedTimersLeaveTheQueue(t *testing.T) {
	t.Parallel()
	h := &harness{}
	rt, err := New(Options{Filename: "clear.js", Log: h.log})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	prog, err := Compile("clear.js", []byte(`for (let i = 0; i < 20000; i++) clearTimeout(setTimeout(() => {}, 1e9));`), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := rt.Run(ctx, prog); err != nil {
		t.Fatal(err)
	}
	if n := len(rt.timers.queue); n > 2048 {
		t.Fatalf("%d queue entries left after clearing every timer", n)
	}
}

// BenchmarkManyTimers schedules b.N equal-delay timeouts and waits for
// them all.
func BenchmarkManyTimers(b *testing.B) {
	h := &harness{}
	rt, err := New(Options{Filename: "bench.js", Log: h.log, Env: map[string]string{"N": strconv.Itoa(b.N)}})
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close()
	prog, err := Compile("bench.js", []byte(`const n = Number(process.env.N); let c = 0; for (let i = 0; i < n; i++) setTimeout(() => c++, 1 + (i % 7));`), Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if err := rt.Run(context.Background(), prog); err != nil {
		b.Fatal(err)
	}
}

func TestPendingTimersAreCapped(t *testing.T) {
	t.Parallel()
	out, err := run(t, "many.js", `
const ids = [];
try {
  for (let i = 0; i < 200000; i++) ids.push(setTimeout(() => {}, 60000));
} catch (e) {
  console.log('stopped at', ids.length, e.message);
}
ids.forEach(clearTimeout);
setTimeout(() => console.log('timers work again'), 1);
`)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("stopped at %d too many pending timers: a run may schedule at most %d at once\ntimers work again\n", MaxPendingTimers, MaxPendingTimers)
	if out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
}
