// Part 3b: the assert module (and assert.strict), with Node 20's checks
// and messages.

const NO_EXCEPTION_SENTINEL = {};

function innerFail(obj) {
  if (obj.message instanceof ErrorCtor) throw obj.message;
  throw new AssertionError(obj);
}

function innerOk(fn, argLen, value, message) {
  if (value) return;
  let generatedMessage = false;
  if (argLen === 0) {
    generatedMessage = true;
    message = 'No value argument passed to `assert.ok()`';
  } else if (message == null) {
    generatedMessage = true;
    const expr = host.callSiteExpression();
    message = expr === undefined ? undefined : `The expression evaluated to a falsy value:\n\n  ${expr}\n`;
  } else if (isError(message)) {
    throw message;
  }
  const err = new AssertionError({ actual: value, expected: true, message, operator: '==', stackStartFn: fn });
  err.generatedMessage = generatedMessage;
  throw err;
}

function makeAssert() {
  function ok(...args) {
    innerOk(ok, args.length, ...args);
  }
  const assert = ok;

  function fail(actual, expected, message, operator, stackStartFn) {
    const argsLen = arguments.length;
    let internalMessage = false;
    if (actual == null && argsLen <= 1) {
      internalMessage = true;
      message = 'Failed';
    } else if (argsLen === 1) {
      message = actual;
      actual = undefined;
    } else {
      emitWarning('assert.fail() with more than one argument is deprecated. ' +
        'Please use assert.strictEqual() instead or only pass a message.', 'DeprecationWarning', 'DEP0094');
      if (argsLen === 2) operator = '!=';
    }
    if (message instanceof ErrorCtor) throw message;
    const err = new AssertionError({
      actual, expected, operator: operator === undefined ? 'fail' : operator, stackStartFn: stackStartFn || fail, message,
    });
    if (internalMessage) err.generatedMessage = true;
    throw err;
  }

  const twoArgs = (name, test, operator) => ({
    [name](actual, expected, message) {
      if (arguments.length < 2) throw ERR_MISSING_ARGS('actual', 'expected');
      if (!test(actual, expected)) innerFail({ actual, expected, message, operator });
    },
  })[name];

  assert.fail = fail;
  assert.AssertionError = AssertionError;
  assert.ok = ok;
  // eslint-disable-next-line eqeqeq
  assert.equal = twoArgs('equal', (a, b) => a == b || (NumberIsNaN(a) && NumberIsNaN(b)), '==');
  // eslint-disable-next-line eqeqeq
  assert.notEqual = twoArgs('notEqual', (a, b) => !(a == b || (NumberIsNaN(a) && NumberIsNaN(b))), '!=');
  assert.deepEqual = twoArgs('deepEqual', isDeepEqual, 'deepEqual');
  assert.notDeepEqual = twoArgs('notDeepEqual', (a, b) => !isDeepEqual(a, b), 'notDeepEqual');
  assert.deepStrictEqual = twoArgs('deepStrictEqual', isDeepStrictEqual, 'deepStrictEqual');
  assert.notDeepStrictEqual = twoArgs('notDeepStrictEqual', (a, b) => !isDeepStrictEqual(a, b), 'notDeepStrictEqual');
  assert.strictEqual = twoArgs('strictEqual', ObjectIs, 'strictEqual');
  assert.notStrictEqual = twoArgs('notStrictEqual', (a, b) => !ObjectIs(a, b), 'notStrictEqual');

  class Comparison {
    constructor(obj, keys, actual) {
      for (const key of keys) {
        if (key in obj) {
          if (actual !== undefined && typeof actual[key] === 'string' && types.isRegExp(obj[key]) &&
              RegExpPrototypeExec(obj[key], actual[key]) !== null) {
            this[key] = actual[key];
          } else {
            this[key] = obj[key];
          }
        }
      }
    }
  }

  function compareExceptionKey(actual, expected, key, message, keys, fn) {
    if (!(key in actual) || !isDeepStrictEqual(actual[key], expected[key])) {
      if (!message) {
        const a = new Comparison(actual, keys);
        const b = new Comparison(expected, keys, actual);
        const err = new AssertionError({ actual: a, expected: b, operator: 'deepStrictEqual', stackStartFn: fn });
        err.actual = actual;
        err.expected = expected;
        err.operator = fn.name;
        throw err;
      }
      innerFail({ actual, expected, message, operator: fn.name, stackStartFn: fn });
    }
  }

  function expectedException(actual, expected, message, fn) {
    let generatedMessage = false;
    let throwError = false;
    if (typeof expected !== 'function') {
      if (types.isRegExp(expected)) {
        const str = String(actual);
        if (RegExpPrototypeExec(expected, str) !== null) return;
        if (!message) {
          generatedMessage = true;
          message = 'The input did not match the regular expression ' +
            `${inspect(expected)}. Input:\n\n${inspect(str)}\n`;
        }
        throwError = true;
      } else if (typeof actual !== 'object' || actual === null) {
        const err = new AssertionError({ actual, expected, message, operator: 'deepStrictEqual', stackStartFn: fn });
        err.operator = fn.name;
        throw err;
      } else {
        const keys = ObjectKeys(expected);
        if (expected instanceof ErrorCtor) {
          keys.push('name', 'message');
        } else if (keys.length === 0) {
          throw ERR_INVALID_ARG_VALUE('error', expected, 'may not be an empty object');
        }
        for (const key of keys) {
          if (typeof actual[key] === 'string' && types.isRegExp(expected[key]) &&
              RegExpPrototypeExec(expected[key], actual[key]) !== null) {
            continue;
          }
          compareExceptionKey(actual, expected, key, message, keys, fn);
        }
        return;
      }
    } else if (expected.prototype !== undefined && actual instanceof expected) {
      return;
    } else if (isPrototypeOf(ErrorCtor, expected)) {
      if (!message) {
        generatedMessage = true;
        message = `The error is expected to be an instance of "${expected.name}". Received `;
        if (isError(actual)) {
          const name = (actual.constructor && actual.constructor.name) || actual.name;
          if (expected.name === name) {
            message += 'an error with identical name but a different prototype.';
          } else {
            message += `"${name}"`;
          }
          if (actual.message) message += `\n\nError message:\n\n${actual.message}`;
        } else {
          message += `"${inspect(actual, { depth: -1 })}"`;
        }
      }
      throwError = true;
    } else {
      const res = ReflectApply(expected, {}, [actual]);
      if (res !== true) {
        if (!message) {
          generatedMessage = true;
          const name = expected.name ? `"${expected.name}" ` : '';
          message = `The ${name}validation function is expected to return "true". Received ${inspect(res)}`;
          if (isError(actual)) message += `\n\nCaught error:\n\n${actual}`;
        }
        throwError = true;
      }
    }
    if (throwError) {
      const err = new AssertionError({ actual, expected, message, operator: fn.name, stackStartFn: fn });
      err.generatedMessage = generatedMessage;
      throw err;
    }
  }

  function getActual(fn) {
    validateFunction(fn, 'fn');
    try {
      fn();
    } catch (e) {
      return e;
    }
    return NO_EXCEPTION_SENTINEL;
  }

  function checkIsPromise(obj) {
    return types.isPromise(obj) ||
      (obj !== null && typeof obj === 'object' && typeof obj.then === 'function' && typeof obj.catch === 'function');
  }

  async function waitForActual(promiseFn) {
    let resultPromise;
    if (typeof promiseFn === 'function') {
      resultPromise = promiseFn();
      if (!checkIsPromise(resultPromise)) {
        throw codedError(TypeErrorCtor, 'ERR_INVALID_RETURN_VALUE',
          `Expected instance of Promise to be returned from the "promiseFn" function but got ${determineSpecificType(resultPromise)}.`);
      }
    } else if (checkIsPromise(promiseFn)) {
      resultPromise = promiseFn;
    } else {
      throw ERR_INVALID_ARG_TYPE('promiseFn', ['Function', 'Promise'], promiseFn);
    }
    try {
      await resultPromise;
    } catch (e) {
      return e;
    }
    return NO_EXCEPTION_SENTINEL;
  }

  function expectsError(stackStartFn, actual, error, message) {
    if (typeof error === 'string') {
      if (arguments.length === 4) {
        throw ERR_INVALID_ARG_TYPE('error', ['Object', 'Error', 'Function', 'RegExp'], error);
      }
      if (typeof actual === 'object' && actual !== null) {
        if (actual.message === error) {
          throw codedError(TypeErrorCtor, 'ERR_AMBIGUOUS_ARGUMENT',
            `The "error/message" argument is ambiguous. The error message "${actual.message}" is identical to the message.`);
        }
      } else if (actual === error) {
        throw codedError(TypeErrorCtor, 'ERR_AMBIGUOUS_ARGUMENT',
          `The "error/message" argument is ambiguous. The error "${actual}" is identical to the message.`);
      }
      message = error;
      error = undefined;
    } else if (error != null && typeof error !== 'object' && typeof error !== 'function') {
      throw ERR_INVALID_ARG_TYPE('error', ['Object', 'Error', 'Function', 'RegExp'], error);
    }
    if (actual === NO_EXCEPTION_SENTINEL) {
      let details = '';
      if (error && error.name) details += ` (${error.name})`;
      details += message ? `: ${message}` : '.';
      const fnType = stackStartFn === assert.rejects ? 'rejection' : 'exception';
      innerFail({
        actual: undefined, expected: error, operator: stackStartFn.name,
        message: `Missing expected ${fnType}${details}`, stackStartFn,
      });
    }
    if (!error) return;
    expectedException(actual, error, message, stackStartFn);
  }

  function hasMatchingError(actual, expected) {
    if (typeof expected !== 'function') {
      if (types.isRegExp(expected)) return RegExpPrototypeExec(expected, String(actual)) !== null;
      throw ERR_INVALID_ARG_TYPE('expected', ['Function', 'RegExp'], expected);
    }
    if (expected.prototype !== undefined && actual instanceof expected) return true;
    if (isPrototypeOf(ErrorCtor, expected)) return false;
    return ReflectApply(expected, {}, [actual]) === true;
  }

  function expectsNoError(stackStartFn, actual, error, message) {
    if (actual === NO_EXCEPTION_SENTINEL) return;
    if (typeof error === 'string') {
      message = error;
      error = undefined;
    }
    if (!error || hasMatchingError(actual, error)) {
      const details = message ? `: ${message}` : '.';
      const fnType = stackStartFn === assert.doesNotReject ? 'rejection' : 'exception';
      innerFail({
        actual, expected: error, operator: stackStartFn.name,
        message: `Got unwanted ${fnType}${details}\nActual message: "${actual && actual.message}"`, stackStartFn,
      });
    }
    throw actual;
  }

  assert.throws = function throws(promiseFn, ...args) {
    expectsError(throws, getActual(promiseFn), ...args);
  };
  assert.rejects = async function rejects(promiseFn, ...args) {
    expectsError(rejects, await waitForActual(promiseFn), ...args);
  };
  assert.doesNotThrow = function doesNotThrow(fn, ...args) {
    expectsNoError(doesNotThrow, getActual(fn), ...args);
  };
  assert.doesNotReject = async function doesNotReject(fn, ...args) {
    expectsNoError(doesNotReject, await waitForActual(fn), ...args);
  };

  assert.ifError = function ifError(err) {
    if (err === null || err === undefined) return;
    let message = 'ifError got unwanted exception: ';
    if (typeof err === 'object' && typeof err.message === 'string') {
      if (err.message.length === 0 && err.constructor) {
        message += err.constructor.name;
      } else {
        message += err.message;
      }
    } else {
      message += inspect(err);
    }
    const newErr = new AssertionError({ actual: err, expected: null, operator: 'ifError', message, stackStartFn: ifError });
    const origStack = err.stack;
    if (typeof origStack === 'string') {
      const start = origStack.indexOf('\n\tat');
      if (start !== -1) newErr.stack = newErr.stack.split('\n')[0] + origStack.slice(start);
    }
    throw newErr;
  };

  function internalMatch(string, regexp, message, fn) {
    if (!types.isRegExp(regexp)) throw ERR_INVALID_ARG_TYPE('regexp', 'RegExp', regexp);
    const match = fn === assert.match;
    if (typeof string !== 'string' || (RegExpPrototypeExec(regexp, string) !== null) !== match) {
      if (message instanceof ErrorCtor) throw message;
      const generatedMessage = !message;
      message = message || (typeof string !== 'string' ?
        'The "string" argument must be of type string. Received type ' + `${typeof string} (${inspect(string)})` :
        (match ? 'The input did not match the regular expression ' :
          'The input was expected to not match the regular expression ') +
          `${inspect(regexp)}. Input:\n\n${inspect(string)}\n`);
      const err = new AssertionError({ actual: string, expected: regexp, message, operator: fn.name, stackStartFn: fn });
      err.generatedMessage = generatedMessage;
      throw err;
    }
  }

  assert.match = function match(string, regexp, message) {
    internalMatch(string, regexp, message, match);
  };
  assert.doesNotMatch = function doesNotMatch(string, regexp, message) {
    internalMatch(string, regexp, message, doesNotMatch);
  };

  assert.CallTracker = deprecate(CallTracker, 'assert.CallTracker is deprecated.', 'DEP0173');

  function strict(...args) {
    innerOk(strict, args.length, ...args);
  }
  assert.strict = Object.assign(strict, assert, {
    equal: assert.strictEqual,
    deepEqual: assert.deepStrictEqual,
    notEqual: assert.notStrictEqual,
    notDeepEqual: assert.notDeepStrictEqual,
  });
  assert.strict.strict = assert.strict;
  return assert;
}

// CallTracker (deprecated in Node 20): counts calls of wrapped functions.
class CallTracker {
  constructor() {
    this._checks = new Map();
  }
  calls(fn, exact = 1) {
    if (typeof fn === 'number') {
      exact = fn;
      fn = () => {};
    } else if (fn === undefined) {
      fn = () => {};
    }
    validateFunction(fn, 'fn');
    validateInteger(exact, 'exact', 1);
    const ctx = { exact, actual: 0, calls: [], name: fn.name || 'calls', stack: new ErrorCtor() };
    const tracked = function (...args) {
      ctx.actual++;
      ctx.calls.push({ thisArg: this, arguments: args });
      return new.target ? Reflect.construct(fn, args, new.target) : ReflectApply(fn, this, args);
    };
    ObjectDefineProperty(tracked, 'length', { value: fn.length });
    ObjectDefineProperty(tracked, 'name', { value: fn.name });
    this._checks.set(tracked, ctx);
    return tracked;
  }
  getCalls(fn) {
    const ctx = this._checks.get(fn);
    if (ctx === undefined) throw ERR_INVALID_ARG_VALUE('fn', fn, 'is not a tracked function');
    return ctx.calls.slice();
  }
  reset(fn) {
    const list = fn === undefined ? [...this._checks.values()] : [this._checks.get(fn)];
    for (const ctx of list) {
      if (ctx === undefined) throw ERR_INVALID_ARG_VALUE('fn', fn, 'is not a tracked function');
      ctx.actual = 0;
      ctx.calls = [];
    }
  }
  report() {
    const errors = [];
    for (const ctx of this._checks.values()) {
      if (ctx.actual !== ctx.exact) {
        errors.push({
          message: `Expected the ${ctx.name} function to be executed ${ctx.exact} time(s) but was executed ${ctx.actual} time(s).`,
          actual: ctx.actual,
          expected: ctx.exact,
          operator: ctx.name,
          stack: ctx.stack,
        });
      }
    }
    return errors;
  }
  verify() {
    const errors = this.report();
    if (errors.length === 0) return;
    const message = errors.length === 1 ? errors[0].message : 'Functions were not called the expected number of times';
    throw new AssertionError({ message, details: errors });
  }
}
