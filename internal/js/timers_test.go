package js

import (
	"strings"
	"testing"
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
