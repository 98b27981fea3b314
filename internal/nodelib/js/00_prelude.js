// Part 0: builtins taken before any user code runs, type checks, and
// Node's coded errors (ERR_INVALID_ARG_TYPE and friends) with Node's texts.

const inspect = host.inspect;
const format = host.format;

const ObjectKeys = Object.keys;
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectIs = Object.is;
const ArrayIsArray = Array.isArray;
const NumberIsNaN = Number.isNaN;
const NumberIsInteger = Number.isInteger;
const uncurry = Function.prototype.bind.bind(Function.prototype.call);
const hasOwn = uncurry(Object.prototype.hasOwnProperty);
const propertyIsEnumerable = uncurry(Object.prototype.propertyIsEnumerable);
const ObjectPrototypeToString = uncurry(Object.prototype.toString);
const isPrototypeOf = uncurry(Object.prototype.isPrototypeOf);
const ReflectApply = Reflect.apply;
const PromiseCtor = Promise;
const PromiseResolve = Promise.resolve.bind(Promise);
const PromiseThen = uncurry(Promise.prototype.then);
const RegExpPrototypeExec = uncurry(RegExp.prototype.exec);
const DatePrototypeGetTime = uncurry(Date.prototype.getTime);
const ErrorCtor = Error;
const TypeErrorCtor = TypeError;
const RangeErrorCtor = RangeError;
const JSONStringify = JSON.stringify;
// The engine has no Symbol.asyncIterator; esbuild's lowering of for await
// falls back to Symbol.for('Symbol.asyncIterator'), and so do we (and
// installGlobals defines Symbol.asyncIterator as that symbol).
const SymbolAsyncIterator = Symbol.asyncIterator || Symbol.for('Symbol.asyncIterator');
const globalSetTimeout = globalThis.setTimeout;
const globalClearTimeout = globalThis.clearTimeout;
const globalSetImmediate = globalThis.setImmediate;
const consoleError = globalThis.console && globalThis.console.error;
const processCwd = (function () {
  try {
    const cwd = globalThis.process.cwd();
    return typeof cwd === 'string' && cwd !== '' ? cwd : '/';
  } catch (e) {
    return '/';
  }
})();

function getterOf(proto, key) {
  return uncurry(ObjectGetOwnPropertyDescriptor(proto, key).get);
}

const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayGetToStringTag = getterOf(TypedArrayPrototype, Symbol.toStringTag);
const TypedArrayGetBuffer = getterOf(TypedArrayPrototype, 'buffer');
const TypedArrayGetByteOffset = getterOf(TypedArrayPrototype, 'byteOffset');
const TypedArrayGetByteLength = getterOf(TypedArrayPrototype, 'byteLength');
const TypedArrayGetLength = getterOf(TypedArrayPrototype, 'length');
const ArrayBufferGetByteLength = getterOf(ArrayBuffer.prototype, 'byteLength');
const DataViewGetByteLength = getterOf(DataView.prototype, 'byteLength');
const DataViewGetBuffer = getterOf(DataView.prototype, 'buffer');
const DataViewGetByteOffset = getterOf(DataView.prototype, 'byteOffset');
const MapGetSize = getterOf(Map.prototype, 'size');
const SetGetSize = getterOf(Set.prototype, 'size');
const RegExpGetSource = getterOf(RegExp.prototype, 'source');
const RegExpGetFlags = getterOf(RegExp.prototype, 'flags');

// brand makes a type check from a builtin that throws for other objects.
// The tag check first keeps ordinary objects off the throwing path, which
// costs a stack capture (expensive deep inside a recursive comparison);
// the builtin then confirms, since a tag can be faked.
function brand(tag, fn) {
  return function (value) {
    if (value === null || typeof value !== 'object' || ObjectPrototypeToString(value) !== tag) return false;
    try {
      fn(value);
      return true;
    } catch (e) {
      return false;
    }
  };
}

const types = {
  isDate: (v) => host.classOf(v) === 'Date',
  isRegExp: (v) => host.classOf(v) === 'RegExp',
  isNativeError: (v) => host.classOf(v) === 'Error',
  isPromise: (v) => host.isPromise(v),
  isProxy: (v) => host.isProxy(v),
  isMap: brand('[object Map]', MapGetSize),
  isSet: brand('[object Set]', SetGetSize),
  isWeakMap: brand('[object WeakMap]', (v) => WeakMap.prototype.has.call(v, {})),
  isWeakSet: brand('[object WeakSet]', (v) => WeakSet.prototype.has.call(v, {})),
  isArrayBuffer: brand('[object ArrayBuffer]', ArrayBufferGetByteLength),
  isAnyArrayBuffer: brand('[object ArrayBuffer]', ArrayBufferGetByteLength),
  isSharedArrayBuffer: () => false,
  isDataView: brand('[object DataView]', DataViewGetByteLength),
  isTypedArray: (v) => TypedArrayGetToStringTag(v) !== undefined,
  isUint8Array: (v) => TypedArrayGetToStringTag(v) === 'Uint8Array',
  isArrayBufferView: (v) => TypedArrayGetToStringTag(v) !== undefined || types.isDataView(v),
  isNumberObject: (v) => host.classOf(v) === 'Number',
  isStringObject: (v) => host.classOf(v) === 'String',
  isBooleanObject: (v) => host.classOf(v) === 'Boolean',
  isBigIntObject: brand('[object BigInt]', uncurry(BigInt.prototype.valueOf)),
  isSymbolObject: brand('[object Symbol]', uncurry(Symbol.prototype.valueOf)),
  isAsyncFunction: (v) => typeof v === 'function' && isPrototypeOf(ObjectGetPrototypeOf(async function () {}), v),
  isGeneratorFunction: (v) => typeof v === 'function' && isPrototypeOf(ObjectGetPrototypeOf(function* () {}), v),
  isGeneratorObject: (v) => host.classOf(v) === 'Generator',
  isMapIterator: (v) => ObjectPrototypeToString(v) === '[object Map Iterator]',
  isSetIterator: (v) => ObjectPrototypeToString(v) === '[object Set Iterator]',
  isArgumentsObject: (v) => host.classOf(v) === 'Arguments',
  isModuleNamespaceObject: (v) => ObjectPrototypeToString(v) === '[object Module]',
  isExternal: () => false,
  isKeyObject: () => false,
  isCryptoKey: () => false,
  isWeakRef: () => false,
};
types.isBoxedPrimitive = (v) => types.isNumberObject(v) || types.isStringObject(v) ||
  types.isBooleanObject(v) || types.isBigIntObject(v) || types.isSymbolObject(v);
for (const name of ['Int8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
  types['is' + name] = (v) => TypedArrayGetToStringTag(v) === name;
}

function isError(e) {
  return types.isNativeError(e) || e instanceof ErrorCtor;
}

// ---- Node's coded errors ----

const kInternalFrame = 'skriptable:internal/';

// ownFrames returns the stack lines (after the header) of err that belong
// to the script, dropping the library's own frames and Go frames.
function ownFrames(stack) {
  if (typeof stack !== 'string') return '';
  const at = stack.indexOf('\n\tat ');
  if (at < 0) return '';
  const lines = stack.slice(at + 1).split('\n');
  const keep = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '' || line.includes(kInternalFrame)) continue;
    if (line.endsWith('(native)')) {
      // Go functions, and builtins (Reflect.apply, ...) the library called
      // the script's code through.
      if (line.includes('/') || (i + 1 < lines.length && lines[i + 1].includes(kInternalFrame))) continue;
    }
    keep.push(line);
  }
  dropTrailingNative(keep);
  return keep.length > 0 ? '\n' + keep.join('\n') : '';
}

// cleanStack is stack (in the engine's format) without the library's
// frames.
function cleanStack(stack) {
  if (typeof stack !== 'string') return '';
  const at = stack.indexOf('\n\tat ');
  return (at < 0 ? stack.replace(/\n+$/, '') : stack.slice(0, at)) + ownFrames(stack);
}

// dropTrailingNative removes the frames of builtins (Reflect.apply, ...)
// through which the library called the script's code: after the library's
// own frames are dropped, they are left at the bottom of the stack.
function dropTrailingNative(lines) {
  while (lines.length > 0 && lines[lines.length - 1].endsWith('(native)')) lines.pop();
}

// setStack gives err a stack that starts with header and lists the
// script's frames only, the way Node hides its internals.
function setStack(err, header) {
  let stack;
  try {
    stack = err.stack;
  } catch (e) {
    stack = '';
  }
  ObjectDefineProperty(err, 'stack', {
    value: header + ownFrames(stack),
    writable: true, enumerable: false, configurable: true,
  });
  return err;
}

function codedError(Base, code, message) {
  const err = new Base(message);
  ObjectDefineProperty(err, 'toString', {
    value: function toString() { return `${this.name} [${code}]: ${this.message}`; },
    writable: true, enumerable: false, configurable: true,
  });
  err.code = code;
  setStack(err, `${err.name} [${code}]: ${message}`);
  return err;
}

const classRegExp = /^[A-Z][a-zA-Z0-9]*$/;
const kTypes = ['string', 'function', 'number', 'object', 'Function', 'Object', 'boolean', 'bigint', 'symbol'];

function formatList(array, type = 'and') {
  switch (array.length) {
    case 0: return '';
    case 1: return `${array[0]}`;
    case 2: return `${array[0]} ${type} ${array[1]}`;
    case 3: return `${array[0]}, ${array[1]}, ${type} ${array[2]}`;
    default:
      return `${array.slice(0, -1).join(', ')}, ${type} ${array[array.length - 1]}`;
  }
}

function determineSpecificType(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  const type = typeof value;
  switch (type) {
    case 'bigint':
      return `type bigint (${value}n)`;
    case 'number':
      if (value === 0) return 1 / value === -Infinity ? 'type number (-0)' : 'type number (0)';
      if (value !== value) return 'type number (NaN)';
      if (value === Infinity) return 'type number (Infinity)';
      if (value === -Infinity) return 'type number (-Infinity)';
      return `type number (${value})`;
    case 'boolean':
      return value ? 'type boolean (true)' : 'type boolean (false)';
    case 'symbol':
      return `type symbol (${String(value)})`;
    case 'function':
      return `function ${value.name}`;
    case 'object':
      if (value.constructor && 'name' in value.constructor) {
        return `an instance of ${value.constructor.name}`;
      }
      return `${inspect(value, { depth: -1 })}`;
    case 'string':
      if (value.length > 28) value = `${value.slice(0, 25)}...`;
      if (value.indexOf("'") === -1) return `type string ('${value}')`;
      return `type string (${JSONStringify(value)})`;
    default:
      value = inspect(value, { colors: false });
      if (value.length > 28) value = `${value.slice(0, 25)}...`;
      return `type ${type} (${value})`;
  }
}

function ERR_INVALID_ARG_TYPE(name, expected, actual) {
  if (!ArrayIsArray(expected)) expected = [expected];
  let msg = 'The ';
  if (name.endsWith(' argument')) {
    msg += `${name} `;
  } else {
    msg += `"${name}" ${name.includes('.') ? 'property' : 'argument'} `;
  }
  msg += 'must be ';
  const typeList = [];
  const instances = [];
  const other = [];
  for (const value of expected) {
    if (kTypes.includes(value)) typeList.push(value.toLowerCase());
    else if (classRegExp.test(value)) instances.push(value);
    else other.push(value);
  }
  if (instances.length > 0) {
    const pos = typeList.indexOf('object');
    if (pos !== -1) {
      typeList.splice(pos, 1);
      instances.push('Object');
    }
  }
  if (typeList.length > 0) {
    msg += `${typeList.length > 1 ? 'one of type' : 'of type'} ${formatList(typeList, 'or')}`;
    if (instances.length > 0 || other.length > 0) msg += ' or ';
  }
  if (instances.length > 0) {
    msg += `an instance of ${formatList(instances, 'or')}`;
    if (other.length > 0) msg += ' or ';
  }
  if (other.length > 0) {
    if (other.length > 1) {
      msg += `one of ${formatList(other, 'or')}`;
    } else {
      if (other[0].toLowerCase() !== other[0]) msg += 'an ';
      msg += `${other[0]}`;
    }
  }
  msg += `. Received ${determineSpecificType(actual)}`;
  return codedError(TypeErrorCtor, 'ERR_INVALID_ARG_TYPE', msg);
}

function ERR_INVALID_ARG_VALUE(name, value, reason = 'is invalid', Base = TypeErrorCtor) {
  let inspected = inspect(value);
  if (inspected.length > 128) inspected = `${inspected.slice(0, 128)}...`;
  const type = name.includes('.') ? 'property' : 'argument';
  return codedError(Base, 'ERR_INVALID_ARG_VALUE', `The ${type} '${name}' ${reason}. Received ${inspected}`);
}

function addNumericalSeparator(val) {
  let res = '';
  let i = val.length;
  const start = val[0] === '-' ? 1 : 0;
  for (; i >= start + 4; i -= 3) res = `_${val.slice(i - 3, i)}${res}`;
  return `${val.slice(0, i)}${res}`;
}

function ERR_OUT_OF_RANGE(str, range, input) {
  let received;
  if (NumberIsInteger(input) && Math.abs(input) > 2 ** 32) {
    received = addNumericalSeparator(String(input));
  } else if (typeof input === 'bigint') {
    received = String(input);
    if (input > 2n ** 32n || input < -(2n ** 32n)) received = addNumericalSeparator(received);
    received += 'n';
  } else {
    received = inspect(input);
  }
  return codedError(RangeErrorCtor, 'ERR_OUT_OF_RANGE',
    `The value of "${str}" is out of range. It must be ${range}. Received ${received}`);
}

function ERR_MISSING_ARGS(...args) {
  const wrap = (a) => `"${a}"`;
  const list = args.map((a) => (ArrayIsArray(a) ? a.map(wrap).join(' or ') : wrap(a)));
  return codedError(TypeErrorCtor, 'ERR_MISSING_ARGS',
    `The ${formatList(list)} argument${args.length > 1 ? 's' : ''} must be specified`);
}

function ERR_UNKNOWN_ENCODING(enc) {
  return codedError(TypeErrorCtor, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${enc}`);
}

function validateFunction(value, name) {
  if (typeof value !== 'function') throw ERR_INVALID_ARG_TYPE(name, 'Function', value);
}

function validateString(value, name) {
  if (typeof value !== 'string') throw ERR_INVALID_ARG_TYPE(name, 'string', value);
}

function validateObject(value, name) {
  if (value === null || ArrayIsArray(value) || (typeof value !== 'object' && typeof value !== 'function')) {
    throw ERR_INVALID_ARG_TYPE(name, 'Object', value);
  }
}

function validateNumber(value, name, min, max) {
  if (typeof value !== 'number') throw ERR_INVALID_ARG_TYPE(name, 'number', value);
  if ((min != null && value < min) || (max != null && value > max) ||
      ((min != null || max != null) && NumberIsNaN(value))) {
    throw ERR_OUT_OF_RANGE(name,
      `${min != null ? `>= ${min}` : ''}${min != null && max != null ? ' && ' : ''}${max != null ? `<= ${max}` : ''}`,
      value);
  }
}

function validateInteger(value, name, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  if (typeof value !== 'number') throw ERR_INVALID_ARG_TYPE(name, 'number', value);
  if (!NumberIsInteger(value)) throw ERR_OUT_OF_RANGE(name, 'an integer', value);
  if (value < min || value > max) throw ERR_OUT_OF_RANGE(name, `>= ${min} && <= ${max}`, value);
}

// warned keys of emitWarning, so each deprecation is printed once.
const warnedOnce = new Set();
let warnedAny = false;

// emitWarning prints like Node's process.emitWarning does on stderr.
function emitWarning(message, type = 'Warning', code) {
  const key = code || message;
  if (warnedOnce.has(key)) return;
  warnedOnce.add(key);
  let text = `(node:1) ${code ? `[${code}] ` : ''}${type}: ${message}`;
  if (!warnedAny) {
    const flag = type === 'DeprecationWarning' ? '--trace-deprecation' : '--trace-warnings';
    text += `\n(Use \`node ${flag} ...\` to show where the warning was created)`;
  }
  warnedAny = true;
  if (typeof consoleError === 'function') ReflectApply(consoleError, undefined, [text]);
}

// Depth guard for the library's recursive walks (deep equality, cloning):
// sobek cannot catch a stack overflow, so hostile nesting must stop first.
const kMaxDepth = 1000;

function tooDeep() {
  return new RangeErrorCtor('Maximum call stack size exceeded');
}
