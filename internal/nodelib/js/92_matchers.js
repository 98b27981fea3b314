// Part 9c: expect()'s matchers. Each takes the received value and the
// arguments and returns { pass, message }, with this = { isNot, promise }.

function hint(ctx, name, expectedArg = 'expected', comment = '') {
  return `expect(received)${ctx.promise ? `.${ctx.promise}` : ''}${ctx.isNot ? '.not' : ''}.${name}(${expectedArg})` +
    (comment ? ` // ${comment}` : '');
}

function matcherError(ctx, name, expectedArg, text) {
  const err = new ErrorCtor(`${hint(ctx, name, expectedArg)}\n\nMatcher error: ${text}`);
  return setStack(err, `Error: ${err.message}`);
}

function typeLabel(v) {
  if (ArrayIsArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  return 'value';
}

const eq = (label, value) => `${label}${pretty(value)}`;

function compareMatcher(name, op, test) {
  return function (received, expected) {
    if (typeof received !== 'number' && typeof received !== 'bigint') {
      throw matcherError(this, name, 'expected', `received value must be a number or bigint\n\nReceived has value: ${pretty(received)}`);
    }
    if (typeof expected !== 'number' && typeof expected !== 'bigint') {
      throw matcherError(this, name, 'expected', `expected value must be a number or bigint\n\nExpected has value: ${pretty(expected)}`);
    }
    const pass = test(received, expected);
    return {
      pass,
      message: () => `${hint(this, name)}\n\nExpected:${this.isNot ? ' not' : ''} ${op} ${pretty(expected)}\n` +
        `Received:${' '.repeat(this.isNot ? 6 : 2)}${' '.repeat(op.length)}${pretty(received)}`,
    };
  };
}

function thrownDetails(thrown) {
  if (isError(thrown)) return `Error name:    ${JSONStringify(thrown.name)}\nError message: ${JSONStringify(thrown.message)}`;
  return `Thrown value: ${pretty(thrown)}`;
}

const matchers = {
  toBe(received, expected) {
    const pass = ObjectIs(received, expected);
    return {
      pass,
      message: () => {
        const h = hint(this, 'toBe', 'expected', 'Object.is equality');
        if (pass) return `${h}\n\nExpected: not ${pretty(expected)}`;
        const same = pretty(expected) === pretty(received);
        return `${h}\n\nExpected: ${pretty(expected)}\nReceived: ${same ? 'serializes to the same string' : pretty(received)}` +
          (same || equals(received, expected, false) ? '\n\nIf it should pass with deep equality, replace "toBe" with "toStrictEqual"' : '');
      },
    };
  },
  toEqual(received, expected) {
    const pass = equals(received, expected, false);
    return {
      pass,
      message: () => `${hint(this, 'toEqual', 'expected', 'deep equality')}\n\n` +
        (pass ? `Expected: not ${pretty(expected)}` + (pretty(expected) !== pretty(received) ? `\nReceived:     ${pretty(received)}` : '') :
          `Expected: ${pretty(expected)}\nReceived: ${pretty(received)}`),
    };
  },
  toStrictEqual(received, expected) {
    const pass = equals(received, expected, true);
    return {
      pass,
      message: () => `${hint(this, 'toStrictEqual', 'expected', 'deep equality')}\n\n` +
        (pass ? `Expected: not ${pretty(expected)}` :
          `Expected: ${pretty(expected)}\nReceived: ${pretty(received) === pretty(expected) ? 'serializes to the same string' : pretty(received)}`),
    };
  },
  toBeTruthy(received) {
    return { pass: Boolean(received), message: () => `${hint(this, 'toBeTruthy', '')}\n\nReceived: ${pretty(received)}` };
  },
  toBeFalsy(received) {
    return { pass: !received, message: () => `${hint(this, 'toBeFalsy', '')}\n\nReceived: ${pretty(received)}` };
  },
  toBeDefined(received) {
    return { pass: received !== undefined, message: () => `${hint(this, 'toBeDefined', '')}\n\nReceived: ${pretty(received)}` };
  },
  toBeUndefined(received) {
    return { pass: received === undefined, message: () => `${hint(this, 'toBeUndefined', '')}\n\nReceived: ${pretty(received)}` };
  },
  toBeNull(received) {
    return { pass: received === null, message: () => `${hint(this, 'toBeNull', '')}\n\nReceived: ${pretty(received)}` };
  },
  toBeNaN(received) {
    return { pass: NumberIsNaN(received), message: () => `${hint(this, 'toBeNaN', '')}\n\nReceived: ${pretty(received)}` };
  },
  toContain(received, expected) {
    if (received === null || received === undefined) {
      throw matcherError(this, 'toContain', 'expected', `received value must not be null nor undefined\n\nReceived has value: ${pretty(received)}`);
    }
    if (typeof received === 'string') {
      const pass = received.includes(`${expected}`);
      return {
        pass,
        message: () => `${hint(this, 'toContain', 'expected', 'indexOf')}\n\n` +
          `Expected substring: ${this.isNot ? 'not ' : ''}${pretty(expected)}\nReceived string:    ${this.isNot ? '    ' : ''}${pretty(received)}`,
      };
    }
    if (typeof received[Symbol.iterator] !== 'function') {
      throw matcherError(this, 'toContain', 'expected', `received value must not be null nor undefined\n\nReceived has value: ${pretty(received)}`);
    }
    const items = Array.from(received);
    const pass = items.some((item) => item === expected || (NumberIsNaN(item) && NumberIsNaN(expected)));
    return {
      pass,
      message: () => `${hint(this, 'toContain', 'expected', 'indexOf')}\n\n` +
        `Expected value: ${this.isNot ? 'not ' : ''}${pretty(expected)}\nReceived ${typeLabel(received)}: ${this.isNot ? '    ' : ''}${pretty(received)}`,
    };
  },
  toContainEqual(received, expected) {
    if (received === null || received === undefined || typeof received[Symbol.iterator] !== 'function') {
      throw matcherError(this, 'toContainEqual', 'expected', `received value must not be null nor undefined\n\nReceived has value: ${pretty(received)}`);
    }
    const pass = Array.from(received).some((item) => equals(item, expected, false));
    return {
      pass,
      message: () => `${hint(this, 'toContainEqual', 'expected', 'deep equality')}\n\n` +
        `Expected value: ${this.isNot ? 'not ' : ''}${pretty(expected)}\nReceived ${typeLabel(received)}: ${this.isNot ? '    ' : ''}${pretty(received)}`,
    };
  },
  toHaveLength(received, expected) {
    if (received === null || received === undefined || typeof received.length !== 'number') {
      throw matcherError(this, 'toHaveLength', 'expected', `received value must have a length property whose value must be a number\n\nReceived has value: ${pretty(received)}`);
    }
    const pass = received.length === expected;
    return {
      pass,
      message: () => `${hint(this, 'toHaveLength')}\n\nExpected length: ${this.isNot ? 'not ' : ''}${pretty(expected)}\n` +
        (pass ? '' : `Received length: ${pretty(received.length)}\n`) + `Received ${typeLabel(received)}:  ${pretty(received)}`,
    };
  },
  toHaveProperty(received, propertyPath, ...rest) {
    if (received === null || received === undefined) {
      throw matcherError(this, 'toHaveProperty', 'path', `received value must not be null nor undefined\n\nReceived has value: ${pretty(received)}`);
    }
    const hasValue = rest.length > 0;
    const { found, value } = getPath(received, propertyPath);
    const pass = found && (!hasValue || equals(value, rest[0], false));
    const pathText = pretty(propertyPath);
    return {
      pass,
      message: () => `${hint(this, 'toHaveProperty', hasValue ? 'path, value' : 'path')}\n\nExpected path: ${pathText}\n` +
        (hasValue ? `\nExpected value: ${this.isNot ? 'not ' : ''}${pretty(rest[0])}\n` : '') +
        (found ? `Received value: ${pretty(value)}` : `Received path: []\n\nReceived value: ${pretty(received)}`),
    };
  },
  toMatch(received, expected) {
    if (typeof received !== 'string') {
      throw matcherError(this, 'toMatch', 'expected', `received value must be a string\n\nReceived has value: ${pretty(received)}`);
    }
    const isRe = types.isRegExp(expected);
    const pass = isRe ? RegExpPrototypeExec(new RegExp(RegExpGetSource(expected), RegExpGetFlags(expected).replace('g', '')), received) !== null :
      received.includes(`${expected}`);
    return {
      pass,
      message: () => `${hint(this, 'toMatch')}\n\n` + (isRe ?
        `Expected pattern: ${this.isNot ? 'not ' : ''}${pretty(expected)}\nReceived string:  ${this.isNot ? '    ' : ''}${pretty(received)}` :
        `Expected substring: ${this.isNot ? 'not ' : ''}${pretty(expected)}\nReceived string:    ${this.isNot ? '    ' : ''}${pretty(received)}`),
    };
  },
  toMatchObject(received, expected) {
    if (received === null || typeof received !== 'object') {
      throw matcherError(this, 'toMatchObject', 'expected', `received value must be a non-null object\n\nReceived has value: ${pretty(received)}`);
    }
    const pass = subsetEquals(received, expected);
    return {
      pass,
      message: () => `${hint(this, 'toMatchObject')}\n\nExpected: ${this.isNot ? 'not ' : ''}${pretty(expected)}\nReceived: ${this.isNot ? '    ' : ''}${pretty(received)}`,
    };
  },
  toBeGreaterThan: compareMatcher('toBeGreaterThan', '>', (a, b) => a > b),
  toBeGreaterThanOrEqual: compareMatcher('toBeGreaterThanOrEqual', '>=', (a, b) => a >= b),
  toBeLessThan: compareMatcher('toBeLessThan', '<', (a, b) => a < b),
  toBeLessThanOrEqual: compareMatcher('toBeLessThanOrEqual', '<=', (a, b) => a <= b),
  toBeCloseTo(received, expected, precision = 2) {
    if (typeof received !== 'number') {
      throw matcherError(this, 'toBeCloseTo', 'expected, precision', `received value must be a number\n\nReceived has value: ${pretty(received)}`);
    }
    let pass;
    let expectedDiff = 0;
    let receivedDiff = 0;
    if (received === Infinity && expected === Infinity) pass = true;
    else if (received === -Infinity && expected === -Infinity) pass = true;
    else {
      expectedDiff = 10 ** -precision / 2;
      receivedDiff = Math.abs(expected - received);
      pass = receivedDiff < expectedDiff;
    }
    return {
      pass,
      message: () => `${hint(this, 'toBeCloseTo', 'expected, precision')}\n\nExpected: ${this.isNot ? 'not ' : ''}${pretty(expected)}\n` +
        `Received: ${this.isNot ? '    ' : ''}${pretty(received)}\n\nExpected precision:    ${precision}\n` +
        `Expected difference: ${this.isNot ? '>=' : '<'} ${expectedDiff}\nReceived difference:   ${receivedDiff}`,
    };
  },
  toBeInstanceOf(received, expected) {
    if (typeof expected !== 'function') {
      throw matcherError(this, 'toBeInstanceOf', 'expected', `expected value must be a function\n\nExpected has value: ${pretty(expected)}`);
    }
    const pass = received instanceof expected;
    const recvCtor = received !== null && received !== undefined ? Object(received).constructor : undefined;
    return {
      pass,
      message: () => `${hint(this, 'toBeInstanceOf')}\n\nExpected constructor: ${this.isNot ? 'not ' : ''}${expected.name || 'anonymous'}\n` +
        (recvCtor === undefined ? `Received value has no prototype\nReceived value: ${pretty(received)}` :
          `Received constructor: ${this.isNot ? '    ' : ''}${recvCtor.name || 'anonymous'}`),
    };
  },
  toThrow(received, expected) {
    let thrown;
    let didThrow = false;
    if (this.promise === 'rejects') {
      didThrow = true;
      thrown = received;
    } else {
      if (typeof received !== 'function') {
        throw matcherError(this, 'toThrow', 'expected', `received value must be a function\n\nReceived has value: ${pretty(received)}`);
      }
      try {
        received();
      } catch (e) {
        didThrow = true;
        thrown = e;
      }
    }
    const h = hint(this, 'toThrow', expected === undefined ? '' : 'expected');
    const msgOf = (t) => (isError(t) ? t.message : t !== null && typeof t === 'object' && typeof t.message === 'string' ? t.message : `${t}`);
    if (!didThrow) {
      return { pass: false, message: () => `${h}\n\n` + (expected === undefined ? '' : `Expected: ${pretty(expected)}\n\n`) + 'Received function did not throw' };
    }
    let pass;
    let detail;
    if (expected === undefined) {
      pass = true;
      detail = () => thrownDetails(thrown);
    } else if (typeof expected === 'string') {
      pass = msgOf(thrown).includes(expected);
      detail = () => `Expected substring: ${this.isNot ? 'not ' : ''}${pretty(expected)}\nReceived message:   ${this.isNot ? '    ' : ''}${pretty(msgOf(thrown))}`;
    } else if (types.isRegExp(expected)) {
      pass = RegExpPrototypeExec(expected, msgOf(thrown)) !== null;
      detail = () => `Expected pattern: ${this.isNot ? 'not ' : ''}${pretty(expected)}\nReceived message: ${this.isNot ? '    ' : ''}${pretty(msgOf(thrown))}`;
    } else if (typeof expected === 'function') {
      pass = thrown instanceof expected;
      const ctor = thrown !== null && thrown !== undefined ? Object(thrown).constructor : undefined;
      detail = () => `Expected constructor: ${this.isNot ? 'not ' : ''}${expected.name}\n` +
        (ctor ? `Received constructor: ${this.isNot ? '    ' : ''}${ctor.name}\n\n` : '') + `Received message: ${pretty(msgOf(thrown))}`;
    } else if (isAsymmetric(expected)) {
      pass = expected.asymmetricMatch(thrown);
      detail = () => `Expected asymmetric matcher: ${pretty(expected)}\n\n${thrownDetails(thrown)}`;
    } else if (expected !== null && typeof expected === 'object') {
      pass = msgOf(thrown) === expected.message;
      detail = () => `Expected message: ${this.isNot ? 'not ' : ''}${pretty(expected.message)}\nReceived message: ${this.isNot ? '    ' : ''}${pretty(msgOf(thrown))}`;
    } else {
      throw matcherError(this, 'toThrow', 'expected', `expected value must be a string or regular expression or class or error\n\nExpected has value: ${pretty(expected)}`);
    }
    return { pass, message: () => `${h}\n\n${detail()}` };
  },
};
matchers.toThrowError = matchers.toThrow;
