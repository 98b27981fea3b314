// Part 9b: jest's expect with the common matchers, asymmetric matchers,
// .not, .resolves and .rejects. Messages follow jest's layout (without
// colours and without jest's line diff).

const kAsymmetric = Symbol.for('jest.asymmetricMatcher');

// pretty prints values the way jest's messages show them
// (pretty-format's compact form).
function pretty(value, depth = 0, seen = []) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined': return 'undefined';
    case 'string': return JSONStringify(value);
    case 'number': return ObjectIs(value, -0) ? '-0' : `${value}`;
    case 'bigint': return `${value}n`;
    case 'boolean': return `${value}`;
    case 'symbol': return value.toString();
    case 'function': return `[Function ${value.name || 'anonymous'}]`;
  }
  if (value[kAsymmetric] !== undefined && typeof value.toAsymmetricMatcher === 'function') return value.toAsymmetricMatcher();
  if (seen.includes(value)) return '[Circular]';
  if (types.isDate(value)) return NumberIsNaN(DatePrototypeGetTime(value)) ? 'Date { NaN }' : value.toISOString();
  if (types.isRegExp(value)) return `${value}`;
  if (isError(value)) return `[${value.name}: ${value.message}]`;
  const name = (value.constructor && value.constructor.name) || 'Object';
  if (depth >= 10) return ArrayIsArray(value) ? `[${name}]` : `[${name}]`;
  const next = [...seen, value];
  const p = (v) => pretty(v, depth + 1, next);
  if (ArrayIsArray(value)) return `[${value.map(p).join(', ')}]`;
  if (types.isTypedArray(value)) return `${name} [${Array.from(value, p).join(', ')}]`;
  if (types.isMap(value)) return `Map {${[...Map.prototype.entries.call(value)].map(([k, v]) => `${p(k)} => ${p(v)}`).join(', ')}}`;
  if (types.isSet(value)) return `Set {${[...Set.prototype.values.call(value)].map(p).join(', ')}}`;
  const keys = [...ObjectKeys(value).sort(), ...ObjectGetOwnPropertySymbols(value).filter((s) => propertyIsEnumerable(value, s))];
  const body = keys.map((k) => `${typeof k === 'symbol' ? k.toString() : JSONStringify(k)}: ${p(value[k])}`).join(', ');
  return `${name === 'Object' ? '' : `${name} `}{${body}}`;
}

class AsymmetricMatcher {
  constructor(sample, inverse = false) {
    this.sample = sample;
    this.inverse = inverse;
    this[kAsymmetric] = true;
  }
}

function asymmetric(name, test, describe) {
  const make = (inverse) => (sample) => {
    const m = new AsymmetricMatcher(sample, inverse);
    m.asymmetricMatch = (other) => test(sample, other) !== inverse;
    m.toAsymmetricMatcher = () => `${inverse ? 'Not' : ''}${describe(sample)}`;
    m.toString = () => name;
    return m;
  };
  return make;
}

function isAsymmetric(v) {
  return v !== null && typeof v === 'object' && typeof v.asymmetricMatch === 'function' && v[kAsymmetric] !== undefined;
}

let equalsDepth = 0;

// equals is jest's recursive equality: toEqual ignores undefined
// properties; strict (toStrictEqual) also compares types and sparseness.
function equals(a, b, strict, path = new Map()) {
  if (isAsymmetric(a)) return a.asymmetricMatch(b);
  if (isAsymmetric(b)) return b.asymmetricMatch(a);
  if (ObjectIs(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    if (typeof a === 'number' && typeof b === 'number') return NumberIsNaN(a) && NumberIsNaN(b);
    return false;
  }
  const tag = ObjectPrototypeToString(a);
  if (tag !== ObjectPrototypeToString(b)) return false;
  if (strict && ObjectGetPrototypeOf(a) !== ObjectGetPrototypeOf(b)) return false;
  if (types.isBoxedPrimitive(a)) return ObjectIs(a.valueOf(), b.valueOf());
  if (types.isDate(a)) return ObjectIs(DatePrototypeGetTime(a), DatePrototypeGetTime(b));
  if (types.isRegExp(a)) return RegExpGetSource(a) === RegExpGetSource(b) && RegExpGetFlags(a) === RegExpGetFlags(b);
  if (isError(a) && isError(b)) return a.message === b.message && (!strict || a.name === b.name);
  // path maps each object being compared on the way down to its
  // counterpart: meeting one again is a cycle, equal if both sides cycle
  // back to the same place.
  if (path.has(a)) return path.get(a) === b;
  if (++equalsDepth > kMaxDepth) {
    equalsDepth = 0;
    throw tooDeep();
  }
  path.set(a, b);
  try {
    return equalObjects(a, b, strict, path);
  } finally {
    path.delete(a);
    if (equalsDepth > 0) equalsDepth--;
  }
}

function equalObjects(a, b, strict, path) {
  if (types.isSet(a)) {
    if (!types.isSet(b) || a.size !== b.size) return false;
    for (const x of a) {
      if (b.has(x)) continue;
      let found = false;
      for (const y of b) if (equals(x, y, strict, path)) { found = true; break; }
      if (!found) return false;
    }
    return true;
  }
  if (types.isMap(a)) {
    if (!types.isMap(b) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (b.has(k)) {
        if (!equals(v, b.get(k), strict, path)) return false;
        continue;
      }
      let found = false;
      for (const [k2, v2] of b) {
        if (equals(k, k2, strict, path) && equals(v, v2, strict, path)) { found = true; break; }
      }
      if (!found) return false;
    }
    return true;
  }
  if (ArrayIsArray(a) || types.isTypedArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (strict && hasOwn(a, i) !== hasOwn(b, i)) return false;
      if (!equals(a[i], b[i], strict, path)) return false;
    }
    if (types.isTypedArray(a)) return true;
  }
  const keysOf = (o) => {
    const ks = ObjectKeys(o).filter((k) => !(ArrayIsArray(o) && isIndexKey(k)));
    for (const s of ObjectGetOwnPropertySymbols(o)) if (propertyIsEnumerable(o, s)) ks.push(s);
    return strict ? ks : ks.filter((k) => o[k] !== undefined);
  };
  const ka = keysOf(a);
  const kb = keysOf(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!hasOwn(b, k) && !(k in b)) return false;
    if (!equals(a[k], b[k], strict, path)) return false;
  }
  return true;
}

// subsetEquals is toMatchObject's check: every property of expected
// matches in actual, recursively.
function subsetEquals(actual, expected, seen = new Set()) {
  if (isAsymmetric(expected)) return expected.asymmetricMatch(actual);
  if (expected === null || typeof expected !== 'object' || types.isDate(expected) || types.isRegExp(expected) ||
      types.isMap(expected) || types.isSet(expected) || types.isTypedArray(expected)) {
    return equals(actual, expected, false);
  }
  if (actual === null || typeof actual !== 'object') return false;
  if (seen.has(expected)) return true;
  if (seen.size > kMaxDepth) throw tooDeep();
  seen.add(expected);
  try {
    if (ArrayIsArray(expected)) {
      if (!ArrayIsArray(actual) || actual.length !== expected.length) return false;
      return expected.every((v, i) => subsetEquals(actual[i], v, seen));
    }
    return ObjectKeys(expected).every((k) => k in Object(actual) && subsetEquals(actual[k], expected[k], seen));
  } finally {
    seen.delete(expected);
  }
}

function getPath(obj, pathArg) {
  const parts = ArrayIsArray(pathArg) ? pathArg.map(String) :
    `${pathArg}`.replace(/\[(\d+)\]/g, '.$1').split('.').filter((s) => s !== '');
  let cur = obj;
  for (let i = 0; i < parts.length; i++) {
    if (cur === null || cur === undefined || !(parts[i] in Object(cur))) return { found: false, value: undefined };
    cur = cur[parts[i]];
  }
  return { found: true, value: cur };
}
