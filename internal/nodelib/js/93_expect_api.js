// Part 9d: the expect function: .not, .resolves, .rejects, asymmetric
// matchers and expect.extend.

function makeExpect() {
  const custom = {};
  const allMatchers = () => ({ ...matchers, ...custom });

  const fail = (message, pass) => {
    const err = new ErrorCtor(message);
    err.matcherResult = { pass, message };
    return setStack(err, `Error: ${message}`);
  };

  const utils = {
    printReceived: pretty,
    printExpected: pretty,
    stringify: pretty,
    matcherHint: (name, received = 'received', expected = 'expected') => `expect(${received}).${name}(${expected})`,
  };

  // apply runs one matcher and throws when its result is not what .not
  // asks for.
  const apply = (fn, name, received, args, isNot, promise) => {
    const ctx = { isNot, promise, equals: (a, b) => equals(a, b, false), utils };
    const res = ReflectApply(fn, ctx, [received, ...args]);
    const check = (r) => {
      if (r === null || typeof r !== 'object' || typeof r.pass !== 'boolean') {
        throw fail(`${hint(ctx, name)}\n\nMatcher error: the matcher did not return an object with a boolean "pass"`, false);
      }
      if (r.pass === isNot) {
        const m = typeof r.message === 'function' ? r.message() : r.message;
        throw fail(m === undefined ? `${hint(ctx, name)}` : `${m}`, r.pass);
      }
    };
    if (res !== null && typeof res === 'object' && typeof res.then === 'function') return PromiseThen(res, check);
    check(res);
    return undefined;
  };

  const syncMatchers = (received, isNot) => {
    const out = {};
    const all = allMatchers();
    for (const name of ObjectKeys(all)) {
      out[name] = (...args) => apply(all[name], name, received, args, isNot, '');
    }
    return out;
  };

  const promiseMatchers = (received, isNot, promise) => {
    const out = {};
    const all = allMatchers();
    for (const name of ObjectKeys(all)) {
      out[name] = async (...args) => {
        const ctx = { isNot, promise };
        const arg = args.length === 0 ? '' : 'expected';
        if (received === null || (typeof received !== 'object' && typeof received !== 'function') || typeof received.then !== 'function') {
          throw fail(`${hint(ctx, name, arg)}\n\nMatcher error: received value must be a promise\n\nReceived has value: ${pretty(received)}`, false);
        }
        let value;
        let rejected = false;
        try {
          value = await received;
        } catch (e) {
          rejected = true;
          value = e;
        }
        if (promise === 'resolves' && rejected) {
          throw fail(`${hint(ctx, name, arg)}\n\nReceived promise rejected instead of resolved\nRejected to value: ${pretty(value)}`, false);
        }
        if (promise === 'rejects' && !rejected) {
          throw fail(`${hint(ctx, name, arg)}\n\nReceived promise resolved instead of rejected\nResolved to value: ${pretty(value)}`, false);
        }
        return apply(all[name], name, value, args, isNot, promise);
      };
    }
    return out;
  };

  function expect(received, ...extra) {
    if (extra.length > 0) throw new ErrorCtor('Expect takes at most one argument.');
    const m = syncMatchers(received, false);
    m.not = syncMatchers(received, true);
    m.resolves = promiseMatchers(received, false, 'resolves');
    m.resolves.not = promiseMatchers(received, true, 'resolves');
    m.rejects = promiseMatchers(received, false, 'rejects');
    m.rejects.not = promiseMatchers(received, true, 'rejects');
    return m;
  }

  const typeOfCtor = (Ctor) => {
    if (Ctor === Number) return 'number';
    if (Ctor === String) return 'string';
    if (Ctor === Boolean) return 'boolean';
    if (Ctor === Function) return 'function';
    if (Ctor === BigInt) return 'bigint';
    if (Ctor === Symbol) return 'symbol';
    return undefined;
  };
  const any = (Ctor) => {
    if (typeof Ctor !== 'function') {
      throw new TypeErrorCtor('any() expects to be passed a constructor function. Please pass one or use anything() to match any object.');
    }
    const m = new AsymmetricMatcher(Ctor);
    m.asymmetricMatch = (other) => {
      const t = typeOfCtor(Ctor);
      if (t !== undefined && typeof other === t) return true;
      if (Ctor === Object) return typeof other === 'object' && other !== null;
      return other instanceof Ctor;
    };
    m.toAsymmetricMatcher = () => `Any<${Ctor.name}>`;
    return m;
  };
  const anything = () => {
    const m = new AsymmetricMatcher(undefined);
    m.asymmetricMatch = (other) => other !== null && other !== undefined;
    m.toAsymmetricMatcher = () => 'Anything';
    return m;
  };
  const containing = {
    objectContaining: asymmetric('ObjectContaining', (sample, other) => other !== null && typeof other === 'object' &&
      ObjectKeys(sample).every((k) => hasOwn(Object(other), k) || k in Object(other) ? equals(other[k], sample[k], false) : false),
    (sample) => `ObjectContaining ${pretty(sample)}`),
    arrayContaining: asymmetric('ArrayContaining', (sample, other) => ArrayIsArray(other) &&
      sample.every((s) => other.some((o) => equals(o, s, false))), (sample) => `ArrayContaining ${pretty(sample)}`),
    stringContaining: asymmetric('StringContaining', (sample, other) => typeof other === 'string' && other.includes(sample),
      (sample) => `StringContaining ${pretty(sample)}`),
    stringMatching: asymmetric('StringMatching', (sample, other) => typeof other === 'string' &&
      (types.isRegExp(sample) ? RegExpPrototypeExec(sample, other) !== null : other.includes(sample)),
    (sample) => `StringMatching ${types.isRegExp(sample) ? `${sample}` : pretty(sample)}`),
    closeTo: (n, precision = 2) => asymmetric('NumberCloseTo', (sample, other) => typeof other === 'number' &&
      Math.abs(other - sample) < 10 ** -precision / 2, (sample) => `NumberCloseTo ${sample} (${precision} digits)`)(false)(n),
  };
  expect.any = any;
  expect.anything = anything;
  expect.not = {};
  for (const name of ['objectContaining', 'arrayContaining', 'stringContaining', 'stringMatching']) {
    expect[name] = containing[name](false);
    expect.not[name] = containing[name](true);
  }
  expect.closeTo = containing.closeTo;
  expect.extend = (more) => {
    validateObject(more, 'matchers');
    for (const name of ObjectKeys(more)) {
      validateFunction(more[name], `matchers.${name}`);
      custom[name] = more[name];
    }
  };
  expect.assertions = () => {};
  expect.hasAssertions = () => {};
  expect.getState = () => ({});
  expect.setState = () => {};
  return expect;
}
