package nodelib

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/js"
)

func stepNames(steps []Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Status+" "+s.Name)
	}
	return out
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestNestedSuitesAndHookOrder(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
const log = [];
before(() => log.push('before root'));
after(() => { log.push('after root'); console.log(log.join('\n')); });
describe('Outer', () => {
  beforeAll(() => log.push('beforeAll outer'));
  afterAll(() => log.push('afterAll outer'));
  beforeEach(() => log.push('beforeEach outer'));
  afterEach(() => log.push('afterEach outer'));
  it('first', () => log.push('test first'));
  context('Inner', function () {
    before(() => log.push('before inner'));
    after(() => log.push('after inner'));
    beforeEach(() => log.push('beforeEach inner'));
    afterEach(() => log.push('afterEach inner'));
    test('second', () => log.push('test second'));
  });
  it('third', () => log.push('test third'));
});
log.push('top level done');
`, runOpts{})
	if res.err != nil {
		t.Fatalf("run failed: %v\n%s", res.err, res.out)
	}
	want := `top level done
before root
beforeAll outer
beforeEach outer
test first
afterEach outer
before inner
beforeEach outer
beforeEach inner
test second
afterEach inner
afterEach outer
after inner
beforeEach outer
test third
afterEach outer
afterAll outer
after root
`
	if res.out != want {
		t.Errorf("hook order:\n%s\nwant:\n%s", res.out, want)
	}
	names := stepNames(res.steps)
	wantSteps := []string{"passed Outer first", "passed Outer Inner second", "passed Outer third"}
	if !sameStrings(names, wantSteps) {
		t.Errorf("steps %q, want %q", names, wantSteps)
	}
}

func TestAsyncAndDoneTests(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
const assert = require('assert');
describe('async', () => {
  it('awaits', async () => {
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(true);
  });
  it('done callback', (done) => {
    setTimeout(() => done(), 10);
  });
  it('done with error', (done) => {
    setTimeout(() => done(new Error('via done')), 5);
  });
  it('rejects', async () => {
    await Promise.reject(new TypeError('rejected here'));
  });
  it('done with non-error', (done) => { done('nope'); });
  it('done and a promise', async (done) => { await null; done(); });
});
`, runOpts{})
	var se *js.ScriptError
	if !errors.As(res.err, &se) || se.Message != "4 of 6 tests failed" {
		t.Fatalf("err = %v, want 4 of 6 tests failed\n%s", res.err, res.out)
	}
	want := []string{"passed async awaits", "passed async done callback", "failed async done with error",
		"failed async rejects", "failed async done with non-error", "failed async done and a promise"}
	if got := stepNames(res.steps); !sameStrings(got, want) {
		t.Fatalf("steps %q, want %q", got, want)
	}
	if res.steps[0].Duration < 25*time.Millisecond {
		t.Errorf("duration %v of a 30ms test", res.steps[0].Duration)
	}
	if !strings.HasPrefix(res.steps[2].Error, "Error: via done") {
		t.Errorf("error %q", res.steps[2].Error)
	}
	if !strings.HasPrefix(res.steps[3].Error, "TypeError: rejected here\n    at script.js:") {
		t.Errorf("error %q", res.steps[3].Error)
	}
	if !strings.HasPrefix(res.steps[4].Error, `Error: done() invoked with non-Error: "nope"`+"\n    at script.js:17:") {
		t.Errorf("error %q", res.steps[4].Error)
	}
	if !strings.HasPrefix(res.steps[5].Error, "Error: Resolution method is overspecified.") {
		t.Errorf("error %q", res.steps[5].Error)
	}
}

func TestFailingTestsFailTheRun(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
const assert = require('assert');
describe('Math', () => {
  it('adds', () => assert.strictEqual(1 + 1, 2));
  it('fails', () => assert.strictEqual(1 + 1, 3));
  it('still runs', () => {});
});
`, runOpts{})
	var se *js.ScriptError
	if !errors.As(res.err, &se) {
		t.Fatalf("err = %v (%T), want a ScriptError", res.err, res.err)
	}
	if se.Message != "1 of 3 tests failed" || se.Text != "Error: 1 of 3 tests failed\n    at script.js:3:9" {
		t.Errorf("error %q / %q", se.Message, se.Text)
	}
	want := []string{"passed Math adds", "failed Math fails", "passed Math still runs"}
	if got := stepNames(res.steps); !sameStrings(got, want) {
		t.Fatalf("steps %q, want %q", got, want)
	}
	wantErr := "AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n2 !== 3\n\n    at script.js:5:"
	if !strings.HasPrefix(res.steps[1].Error, wantErr) {
		t.Errorf("step error %q, want prefix %q", res.steps[1].Error, wantErr)
	}
}

func TestSkipAndOnly(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
describe.skip('skipped suite', () => {
  it('inner', () => { throw new Error('must not run'); });
});
describe('suite', () => {
  it.skip('skipped test', () => { throw new Error('must not run'); });
  xit('x test', () => {});
  it.only('only is normal', () => {});
  it('pending without fn');
  test.todo('later');
  it('this.skip', function () { this.skip(); throw new Error('unreachable'); });
});
`, runOpts{})
	if res.err != nil {
		t.Fatalf("run failed: %v", res.err)
	}
	want := []string{"skipped skipped suite inner", "skipped suite skipped test", "skipped suite x test",
		"passed suite only is normal", "skipped suite pending without fn", "skipped suite later", "skipped suite this.skip"}
	if got := stepNames(res.steps); !sameStrings(got, want) {
		t.Fatalf("steps %q, want %q", got, want)
	}
}

func TestFailingBeforeAllFailsTheSuite(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
const log = [];
describe('broken', () => {
  before(() => { throw new Error('setup failed'); });
  after(() => console.log('after still runs'));
  it('a', () => log.push('a'));
  describe('nested', () => { it('b', () => log.push('b')); });
});
describe('fine', () => { it('c', () => console.log('ran', log.length)); });
`, runOpts{})
	var se *js.ScriptError
	if !errors.As(res.err, &se) || se.Message != "2 of 3 tests failed" {
		t.Fatalf("err = %v", res.err)
	}
	want := []string{"failed broken a", "failed broken nested b", "passed fine c"}
	if got := stepNames(res.steps); !sameStrings(got, want) {
		t.Fatalf("steps %q, want %q", got, want)
	}
	if !strings.HasPrefix(res.steps[0].Error, `"before all" hook failed: Error: setup failed`) {
		t.Errorf("error %q", res.steps[0].Error)
	}
	if res.out != "after still runs\nran 0\n" {
		t.Errorf("output %q", res.out)
	}
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
describe('timeouts', function () {
  it('mocha this.timeout', function (done) {
    this.timeout(50);
  });
  test('jest third argument', () => new Promise(() => {}), 30);
  it('fast enough', async () => { await new Promise((r) => setTimeout(r, 5)); }, 1000);
});
`, runOpts{})
	var se *js.ScriptError
	if !errors.As(res.err, &se) || se.Message != "2 of 3 tests failed" {
		t.Fatalf("err = %v", res.err)
	}
	if got := res.steps[0].Error; !strings.HasPrefix(got, "Error: Timeout of 50ms exceeded.") {
		t.Errorf("error %q", got)
	}
	if got := res.steps[1].Error; !strings.HasPrefix(got, "Error: Timeout of 30ms exceeded.") {
		t.Errorf("error %q", got)
	}
}

func TestHangingTestHoldsTheRun(t *testing.T) {
	t.Parallel()
	// A done() that never comes, with no timeout: the run waits (until its
	// own deadline) instead of ending as if all tests passed.
	res := runScript(t, `it('hangs', (done) => {});`, runOpts{timeout: 200 * time.Millisecond})
	if res.err == nil || len(res.steps) != 0 {
		t.Fatalf("err = %v, steps %v", res.err, res.steps)
	}
}

func TestExpectMatchers(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
const fails = [];
function check(name, fn) {
  try { fn(); fails.push(name + ': passed'); } catch (e) { fails.push(name + ': ' + e.message); }
}
check('toBe', () => expect(1).toBe(2));
check('toBe same', () => expect({ a: 1 }).toBe({ a: 1 }));
check('not.toBe', () => expect(1).not.toBe(1));
check('toEqual', () => expect({ a: 1, b: undefined }).toEqual({ a: 1 }));
check('toEqual fail', () => expect({ a: [1, 2] }).toEqual({ a: [1, 3] }));
check('toStrictEqual', () => expect({ a: 1, b: undefined }).toStrictEqual({ a: 1 }));
check('toBeTruthy', () => expect(0).toBeTruthy());
check('toBeFalsy', () => expect('').toBeFalsy());
check('toBeDefined', () => expect(undefined).toBeDefined());
check('toBeUndefined', () => expect(undefined).toBeUndefined());
check('toBeNull', () => expect(null).toBeNull());
check('toBeNaN', () => expect(NaN).toBeNaN());
check('toContain', () => expect([1, 2]).toContain(3));
check('toContain string', () => expect('hello').toContain('ell'));
check('toContainEqual', () => expect([{ a: 1 }]).toContainEqual({ a: 1 }));
check('toHaveLength', () => expect([1, 2]).toHaveLength(3));
check('toHaveProperty', () => expect({ a: { b: [5] } }).toHaveProperty('a.b[0]', 5));
check('toHaveProperty missing', () => expect({ a: 1 }).toHaveProperty('x'));
check('toMatch', () => expect('Example Domain').toMatch(/Domain$/));
check('toMatch fail', () => expect('abc').toMatch('x'));
check('toMatchObject', () => expect({ a: 1, b: { c: 2, d: 3 } }).toMatchObject({ b: { c: 2 } }));
check('toBeGreaterThan', () => expect(3).toBeGreaterThan(5));
check('toBeLessThanOrEqual', () => expect(3).toBeLessThanOrEqual(3));
check('toBeCloseTo', () => expect(0.1 + 0.2).toBeCloseTo(0.3));
check('toBeInstanceOf', () => expect(new TypeError('x')).toBeInstanceOf(RangeError));
check('toThrow', () => expect(() => { throw new Error('boom'); }).toThrow('boo'));
check('toThrow regex', () => expect(() => { throw new Error('boom'); }).toThrow(/bam/));
check('toThrow class', () => expect(() => { throw new TypeError('t'); }).toThrow(TypeError));
check('toThrow none', () => expect(() => {}).toThrow());
check('any', () => expect({ id: 5, name: 'x' }).toEqual({ id: expect.any(Number), name: expect.stringContaining('x') }));
check('arrayContaining', () => expect([1, 2, 3]).toEqual(expect.arrayContaining([3, 1])));
check('objectContaining', () => expect({ a: 1, b: 2 }).toEqual(expect.objectContaining({ c: 1 })));
expect.extend({ toBeEven(r) { return { pass: r % 2 === 0, message: () => 'expected ' + r + ' to be even' }; } });
check('extend', () => expect(3).toBeEven());
(async () => {
  try { await expect(Promise.resolve(1)).resolves.toBe(1); fails.push('resolves: passed'); } catch (e) { fails.push('resolves: ' + e.message); }
  try { await expect(Promise.reject(new Error('no'))).rejects.toThrow('no'); fails.push('rejects: passed'); } catch (e) { fails.push('rejects: ' + e.message); }
  try { await expect(Promise.resolve(2)).rejects.toThrow(); fails.push('rejects2: passed'); } catch (e) { fails.push('rejects2: ' + e.message); }
  console.log(fails.join('\n---\n'));
})();
`, runOpts{})
	if res.err != nil {
		t.Fatalf("run failed: %v", res.err)
	}
	for _, want := range []string{
		"toBe: expect(received).toBe(expected) // Object.is equality\n\nExpected: 2\nReceived: 1",
		"toBe same: expect(received).toBe(expected) // Object.is equality\n\nExpected: {\"a\": 1}\nReceived: serializes to the same string",
		"not.toBe: expect(received).not.toBe(expected) // Object.is equality\n\nExpected: not 1",
		"toEqual: passed",
		"toEqual fail: expect(received).toEqual(expected) // deep equality\n\nExpected: {\"a\": [1, 3]}\nReceived: {\"a\": [1, 2]}",
		"toStrictEqual: expect(received).toStrictEqual(expected)",
		"toBeTruthy: expect(received).toBeTruthy()\n\nReceived: 0",
		"toBeFalsy: passed", "toBeDefined: expect(received).toBeDefined()", "toBeUndefined: passed",
		"toBeNull: passed", "toBeNaN: passed",
		"toContain: expect(received).toContain(expected) // indexOf\n\nExpected value: 3\nReceived array: [1, 2]",
		"toContain string: passed", "toContainEqual: passed",
		"toHaveLength: expect(received).toHaveLength(expected)\n\nExpected length: 3\nReceived length: 2\nReceived array:  [1, 2]",
		"toHaveProperty: passed", "toHaveProperty missing: expect(received).toHaveProperty(path)\n\nExpected path: \"x\"",
		"toMatch: passed", "toMatch fail: expect(received).toMatch(expected)\n\nExpected substring: \"x\"\nReceived string:    \"abc\"",
		"toMatchObject: passed",
		"toBeGreaterThan: expect(received).toBeGreaterThan(expected)\n\nExpected: > 5\nReceived:   3",
		"toBeLessThanOrEqual: passed", "toBeCloseTo: passed",
		"toBeInstanceOf: expect(received).toBeInstanceOf(expected)\n\nExpected constructor: RangeError\nReceived constructor: TypeError",
		"toThrow: passed",
		"toThrow regex: expect(received).toThrow(expected)\n\nExpected pattern: /bam/\nReceived message: \"boom\"",
		"toThrow class: passed", "toThrow none: expect(received).toThrow()\n\nReceived function did not throw",
		"any: passed", "arrayContaining: passed", "objectContaining: expect(received).toEqual(expected) // deep equality",
		"extend: expected 3 to be even",
		"resolves: passed", "rejects: passed",
		"rejects2: expect(received).rejects.toThrow()\n\nReceived promise resolved instead of rejected\nResolved to value: 2",
	} {
		if !strings.Contains(res.out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", res.out)
	}
}

func TestTestsRegisteredAfterTopLevelAwait(t *testing.T) {
	t.Parallel()
	// An ES module registering tests after an await still gets them run.
	res := runScript(t, `
await new Promise((r) => setTimeout(r, 10));
describe('late', () => { it('runs', () => {}); });
`, runOpts{name: "late.mjs"})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if got := stepNames(res.steps); !sameStrings(got, []string{"passed late runs"}) {
		t.Fatalf("steps %q", got)
	}
}

func TestEachTables(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
test.each([[1, 1, 2], [2, 3, 5]])('add(%i, %i) = %i', (a, b, sum) => { expect(a + b).toBe(sum); });
describe.each([{ name: 'x' }])('suite $name', ({ name }) => { it('works', () => expect(name).toBe('x')); });
`, runOpts{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	want := []string{"passed add(1, 1) = 2", "passed add(2, 3) = 5", "passed suite 'x' works"}
	if got := stepNames(res.steps); !sameStrings(got, want) {
		t.Fatalf("steps %q, want %q", got, want)
	}
}
