// Part 9: the test framework globals (mocha and jest style). Suites and
// tests are registered while the script's top level runs; the host
// schedules the run as a new loop task after it, and each test's outcome
// becomes a step of the run.

class Pending {}

const kNoTimeout = 0;

class Suite {
  constructor(title, parent, skip) {
    this.title = title;
    this.parent = parent;
    this.skip = skip || (parent !== null && parent.skip);
    this.children = [];
    this.next = 0; // children before this index have run
    this.hooks = { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
    this.timeout = undefined;
    this.started = false;
  }
  titles() {
    const out = [];
    for (let s = this; s !== null; s = s.parent) if (s.title !== '') out.unshift(s.title);
    return out;
  }
  getTimeout() {
    for (let s = this; s !== null; s = s.parent) if (s.timeout !== undefined) return s.timeout;
    return kNoTimeout;
  }
}

class Test {
  constructor(title, fn, parent, skip, timeout) {
    this.title = title;
    this.fn = fn;
    this.parent = parent;
    this.skip = skip || parent.skip || typeof fn !== 'function';
    this.timeout = timeout;
  }
  fullTitle() {
    return [...this.parent.titles(), this.title].join(' ');
  }
}

const rootSuite = new Suite('', null, false);
let currentSuite = rootSuite;
let runScheduled = false;
let runStats = { passed: 0, failed: 0, skipped: 0 };

// registrationStack is where the script first registered a test: the
// frame the "N of M tests failed" error points at.
let registrationStack = '';

function scheduleTests() {
  if (runScheduled) return;
  runScheduled = true;
  registrationStack = ownFrames(new ErrorCtor().stack);
  host.scheduleRun(runAllTests);
}

function titleOf(title) {
  if (typeof title === 'function') return title.name || '';
  return `${title}`;
}

function makeSuiteContext(suite) {
  return {
    timeout(ms) {
      if (ms === undefined) return suite.getTimeout();
      suite.timeout = parseTimeout(ms);
      return this;
    },
    slow() { return this; },
    retries() { return this; },
  };
}

function parseTimeout(ms) {
  const n = typeof ms === 'string' ? parseFloat(ms) * (ms.endsWith('s') && !ms.endsWith('ms') ? 1000 : 1) : Number(ms);
  if (!(n > 0) || n >= 2 ** 31) return kNoTimeout;
  return n;
}

function describeImpl(title, fn, skip) {
  if (typeof title === 'function' && fn === undefined) {
    fn = title;
    title = fn.name || '';
  }
  const suite = new Suite(titleOf(title), currentSuite, skip);
  currentSuite.children.push(suite);
  scheduleTests();
  if (typeof fn === 'function') {
    const saved = currentSuite;
    currentSuite = suite;
    try {
      ReflectApply(fn, makeSuiteContext(suite), []);
    } finally {
      currentSuite = saved;
    }
  }
  scheduleTests();
  return suite;
}

function itImpl(title, fn, timeout, skip) {
  if (typeof title === 'function' && fn === undefined) {
    fn = title;
    title = fn.name || '';
  }
  const test = new Test(titleOf(title), fn, currentSuite, skip, timeout === undefined ? undefined : parseTimeout(timeout));
  currentSuite.children.push(test);
  scheduleTests();
  return test;
}

function hookImpl(kind, title, fn, timeout) {
  if (typeof title === 'function') {
    timeout = fn;
    fn = title;
  }
  validateFunction(fn, 'fn');
  currentSuite.hooks[kind].push({ fn, timeout: timeout === undefined ? undefined : parseTimeout(timeout) });
}

// eachTitle formats a jest .each title for one row.
function eachTitle(title, row, index) {
  if (row !== null && typeof row === 'object' && !ArrayIsArray(row)) {
    return title.replace(/\$([A-Za-z_$][\w$]*(?:\.[\w$]+)*)/g, (m, keyPath) => {
      let v = row;
      for (const k of keyPath.split('.')) v = v == null ? undefined : v[k];
      return inspect(v, { depth: 1 });
    }).replace(/%#/g, `${index}`);
  }
  const args = ArrayIsArray(row) ? row : [row];
  const count = (title.match(/%[sdifjoOp]/g) || []).length;
  let t = title.replace(/%#/g, `${index}`).replace(/%p/g, '%O');
  return count > 0 ? ReflectApply(format, undefined, [t, ...args.slice(0, count)]) : t;
}

function makeEach(register) {
  return (table, ...values) => {
    let rows = table;
    if (ArrayIsArray(table) && ArrayIsArray(table.raw)) {
      // tagged template: header row of names, then values
      const names = table.join('').split('|').map((s) => s.trim()).filter(Boolean);
      rows = [];
      for (let i = 0; i + names.length <= values.length; i += names.length) {
        const row = {};
        names.forEach((n, j) => { row[n] = values[i + j]; });
        rows.push(row);
      }
    }
    return (title, fn, timeout) => {
      rows.forEach((row, i) => {
        const args = ArrayIsArray(row) ? row : [row];
        register(eachTitle(`${title}`, row, i), function (...rest) {
          return ReflectApply(fn, this, [...args, ...rest]);
        }, timeout);
      });
    };
  };
}

function makeTestGlobals() {
  const describe = (title, fn) => { describeImpl(title, fn, false); };
  describe.skip = (title, fn) => { describeImpl(title, fn, true); };
  describe.only = describe;
  describe.each = makeEach((t, fn) => describe(t, fn));
  describe.skip.each = makeEach((t, fn) => describe.skip(t, fn));
  const it = (title, fn, timeout) => { itImpl(title, fn, timeout, false); };
  it.skip = (title, fn, timeout) => { itImpl(title, fn, timeout, true); };
  it.only = it;
  it.todo = (title) => { itImpl(title, undefined, undefined, true); };
  it.each = makeEach((t, fn, timeout) => it(t, fn, timeout));
  it.skip.each = makeEach((t, fn, timeout) => it.skip(t, fn, timeout));
  it.concurrent = it;
  const hook = (kind) => (title, fn, timeout) => { hookImpl(kind, title, fn, timeout); };
  return {
    describe,
    context: describe,
    xdescribe: describe.skip,
    xcontext: describe.skip,
    suite: describe,
    it,
    test: it,
    specify: it,
    xit: it.skip,
    xtest: it.skip,
    xspecify: it.skip,
    before: hook('beforeAll'),
    beforeAll: hook('beforeAll'),
    after: hook('afterAll'),
    afterAll: hook('afterAll'),
    beforeEach: hook('beforeEach'),
    afterEach: hook('afterEach'),
    expect: makeExpect(),
  };
}

// ---- running ----

function timeoutError(ms) {
  const message = `Timeout of ${ms}ms exceeded. For async tests and hooks, ensure "done()" is called; ` +
    'if returning a Promise, ensure it resolves.';
  return setStack(new ErrorCtor(message), `Error: ${message}`);
}

// callWithTimeout runs one test or hook function in mocha's three styles
// (sync, promise, done callback) and settles when it has finished.
function callWithTimeout(fn, ctx, timeout) {
  return new PromiseCtor((resolve, reject) => {
    let settled = false;
    let timer;
    const finish = (err, pending) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) globalClearTimeout(timer);
      if (pending || err instanceof Pending) resolve('skipped');
      else if (err !== undefined) reject(err);
      else resolve('passed');
    };
    const arm = (ms) => {
      if (timer !== undefined) globalClearTimeout(timer);
      timer = undefined;
      if (ms > 0 && !settled) timer = globalSetTimeout(() => finish(timeoutError(ms)), ms);
    };
    ctx.timeout = function (ms) {
      if (ms === undefined) return timeout;
      timeout = parseTimeout(ms);
      arm(timeout);
      return this;
    };
    ctx.skip = () => {
      finish(undefined, true);
      throw new Pending();
    };
    arm(timeout);
    try {
      if (fn.length > 0) {
        const done = (err) => {
          if (err === undefined || err === null) finish();
          else if (isError(err)) finish(err);
          else {
            const message = `done() invoked with non-Error: ${JSONStringify(err) ?? inspect(err)}`;
            finish(setStack(new ErrorCtor(message), `Error: ${message}`));
          }
        };
        done.fail = (err) => finish(isError(err) ? err : new ErrorCtor(`${err}`));
        const r = ReflectApply(fn, ctx, [done]);
        if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
          // As in mocha: waiting for both would hang when done() is never
          // called because the author relied on the promise.
          const message = 'Resolution method is overspecified. Specify a callback *or* return a Promise; not both.';
          finish(setStack(new ErrorCtor(message), `Error: ${message}`));
          r.then(undefined, () => {});
        }
      } else {
        const r = ReflectApply(fn, ctx, []);
        if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
          r.then(() => finish(), (e) => finish(e || new ErrorCtor('Promise rejected with no or falsy reason')));
        } else {
          finish();
        }
      }
    } catch (e) {
      finish(e === undefined ? new ErrorCtor('undefined thrown') : e);
    }
  });
}

function errorText(e) {
  try {
    if (isError(e)) {
      const stack = e.stack;
      if (typeof stack === 'string' && stack !== '') return host.nodeStack(cleanStack(stack));
      return `${e.name}: ${e.message}`;
    }
    return inspect(e);
  } catch (err) {
    return 'an exception that cannot be shown';
  }
}

function report(test, status, started, error) {
  if (status === 'passed') runStats.passed++;
  else if (status === 'failed') runStats.failed++;
  else runStats.skipped++;
  const ms = started === undefined ? 0 : host.now() - started;
  host.step(test.fullTitle(), status, ms, error === undefined ? '' : errorText(error));
}

function prefixed(prefix, e) {
  const err = new ErrorCtor(`${prefix}: ${isError(e) ? e.message : inspect(e)}`);
  if (isError(e) && typeof e.stack === 'string') {
    err.stack = `${prefix}: ${e.stack}`;
  }
  return err;
}

async function runHooks(suite, kind, test) {
  for (const h of suite.hooks[kind]) {
    const ctx = { currentTest: test ? { title: test.title, fullTitle: () => test.fullTitle() } : undefined };
    await callWithTimeout(h.fn, ctx, h.timeout !== undefined ? h.timeout : suite.getTimeout());
  }
}

function ancestors(suite) {
  const out = [];
  for (let s = suite; s !== null; s = s.parent) out.unshift(s);
  return out;
}

function hasTests(suite) {
  for (const c of suite.children) {
    if (c instanceof Test ? !c.skip : hasTests(c)) return true;
  }
  return false;
}

function skipAll(suite) {
  for (const c of suite.children) {
    if (c instanceof Test) report(c, 'skipped');
    else skipAll(c);
  }
}

function failAll(suite, error) {
  for (const c of suite.children) {
    if (c instanceof Test) {
      if (c.skip) report(c, 'skipped');
      else report(c, 'failed', undefined, error);
    } else {
      failAll(c, error);
    }
  }
}

async function runTest(test) {
  if (test.skip) {
    report(test, 'skipped');
    return;
  }
  const started = host.now();
  const chain = ancestors(test.parent);
  let error;
  let status = 'passed';
  let ranBefore = 0;
  for (const s of chain) {
    try {
      await runHooks(s, 'beforeEach', test);
      ranBefore++;
    } catch (e) {
      error = prefixed('"before each" hook failed', e);
      status = 'failed';
      break;
    }
  }
  if (status === 'passed') {
    const ctx = { test: { title: test.title, fullTitle: () => test.fullTitle() } };
    try {
      status = await callWithTimeout(test.fn, ctx, test.timeout !== undefined ? test.timeout : test.parent.getTimeout());
    } catch (e) {
      status = 'failed';
      error = e;
    }
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    try {
      await runHooks(chain[i], 'afterEach', test);
    } catch (e) {
      if (status !== 'failed') {
        status = 'failed';
        error = prefixed('"after each" hook failed', e);
      }
    }
  }
  report(test, status, started, error);
}

async function runSuite(suite) {
  if (suite.skip) {
    skipAll(suite);
    return;
  }
  const run = hasTests(suite);
  let beforeError;
  if (run && suite.next === 0) {
    try {
      await runHooks(suite, 'beforeAll');
    } catch (e) {
      beforeError = prefixed('"before all" hook failed', e);
    }
  }
  while (suite.next < suite.children.length) {
    const child = suite.children[suite.next++];
    if (beforeError !== undefined) {
      if (child instanceof Test) report(child, child.skip ? 'skipped' : 'failed', undefined, child.skip ? undefined : beforeError);
      else failAll(child, beforeError);
    } else if (child instanceof Test) {
      await runTest(child);
    } else {
      await runSuite(child);
    }
  }
  if (run) {
    try {
      await runHooks(suite, 'afterAll');
    } catch (e) {
      runStats.failed++;
      host.step([...suite.titles(), '"after all" hook'].join(' '), 'failed', 0, errorText(prefixed('"after all" hook failed', e)));
    }
  }
}

async function runAllTests(release) {
  runStats = { passed: 0, failed: 0, skipped: 0 };
  let stats;
  try {
    await runSuite(rootSuite);
  } finally {
    stats = runStats;
    runScheduled = false;
    release();
  }
  if (stats.failed > 0) {
    const message = `${stats.failed} of ${stats.failed + stats.passed} tests failed`;
    const err = new ErrorCtor(message);
    ObjectDefineProperty(err, 'stack', { value: `Error: ${message}${registrationStack}`, writable: true, configurable: true });
    throw err;
  }
}
