// Part 8: DOMException, structuredClone, and the small modules:
// timers/promises, os, url, dotenv, crypto.

const domExceptionCodes = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
  SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
  TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};
const domExceptionState = new WeakMap();

class DOMException extends ErrorCtor {
  constructor(message = '', options = 'Error') {
    super(`${message}`);
    let name = 'Error';
    if (options !== null && typeof options === 'object') {
      if ('name' in options) name = `${options.name}`;
      if ('cause' in options) {
        ObjectDefineProperty(this, 'cause', { value: options.cause, writable: true, enumerable: false, configurable: true });
      }
    } else {
      name = `${options}`;
    }
    domExceptionState.set(this, { name, code: domExceptionCodes[name] || 0 });
    setStack(this, `${name}: ${message}`);
  }
  get name() { return domExceptionState.get(this).name; }
  get code() { return domExceptionState.get(this).code; }
}

function cloneError(value) {
  return new DOMException(`${typeof value === 'function' ? String(value) : typeof value === 'symbol' ? value.toString() : `#<${ObjectPrototypeToString(value).slice(8, -1)}>`} could not be cloned.`, 'DataCloneError');
}

const cloneableErrors = ['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'];

function structuredCloneImpl(value) {
  if (arguments.length === 0) throw codedError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'The value argument must be specified');
  const memo = new Map();
  let depth = 0;
  const clone = (v) => {
    if (typeof v === 'symbol' || typeof v === 'function') throw cloneError(v);
    if (v === null || typeof v !== 'object') return v;
    if (memo.has(v)) return memo.get(v);
    if (host.isProxy(v) || types.isPromise(v) || types.isWeakMap(v) || types.isWeakSet(v)) throw cloneError(v);
    if (++depth > kMaxDepth) throw tooDeep();
    try {
      return cloneObject(v);
    } finally {
      depth--;
    }
  };
  const cloneObject = (v) => {
    let out;
    if (types.isBoxedPrimitive(v)) {
      if (types.isSymbolObject(v)) throw cloneError(v);
      out = Object(v.valueOf());
      memo.set(v, out);
      return out;
    }
    if (types.isDate(v)) {
      out = new Date(DatePrototypeGetTime(v));
      memo.set(v, out);
      return out;
    }
    if (types.isRegExp(v)) {
      out = new RegExp(RegExpGetSource(v), RegExpGetFlags(v));
      memo.set(v, out);
      return out;
    }
    if (types.isAnyArrayBuffer(v)) {
      out = v.slice(0);
      memo.set(v, out);
      return out;
    }
    if (types.isDataView(v)) {
      out = new DataView(clone(DataViewGetBuffer(v)), DataViewGetByteOffset(v), DataViewGetByteLength(v));
      memo.set(v, out);
      return out;
    }
    if (types.isTypedArray(v)) {
      const Ctor = globalTypedArrays[TypedArrayGetToStringTag(v)];
      out = new Ctor(clone(TypedArrayGetBuffer(v)), TypedArrayGetByteOffset(v), TypedArrayGetLength(v));
      memo.set(v, out);
      return out;
    }
    if (types.isMap(v)) {
      out = new Map();
      memo.set(v, out);
      for (const [k, val] of Map.prototype.entries.call(v)) out.set(clone(k), clone(val));
      return out;
    }
    if (types.isSet(v)) {
      out = new Set();
      memo.set(v, out);
      for (const k of Set.prototype.values.call(v)) out.add(clone(k));
      return out;
    }
    if (isError(v)) {
      const name = cloneableErrors.includes(v.name) ? v.name : 'Error';
      out = new globalErrorCtors[name]();
      memo.set(v, out);
      const desc = ObjectGetOwnPropertyDescriptor(v, 'message');
      if (desc) ObjectDefineProperty(out, 'message', { value: `${v.message}`, writable: true, enumerable: false, configurable: true });
      ObjectDefineProperty(out, 'stack', { value: `${v.stack}`, writable: true, enumerable: false, configurable: true });
      if (hasOwn(v, 'cause')) ObjectDefineProperty(out, 'cause', { value: clone(v.cause), writable: true, enumerable: false, configurable: true });
      return out;
    }
    const cls = host.classOf(v);
    if (cls !== 'Object' && cls !== 'Array' && cls !== 'Arguments') throw cloneError(v);
    out = ArrayIsArray(v) ? new Array(v.length) : {};
    memo.set(v, out);
    for (const k of ObjectKeys(v)) out[k] = clone(v[k]);
    return out;
  };
  return clone(value);
}

const globalTypedArrays = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};
const globalErrorCtors = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

// ---- timers/promises ----

function checkAborted(signal) {
  if (signal !== undefined && signal !== null && signal.aborted) throw abortError(signal.reason);
}

function makeTimersPromises() {
  return {
    setTimeout(delay, value, options = {}) {
      return new PromiseCtor((resolve, reject) => {
        checkAborted(options && options.signal);
        const id = globalSetTimeout(() => resolve(value), delay);
        if (options && options.signal && typeof options.signal.addEventListener === 'function') {
          options.signal.addEventListener('abort', () => { globalClearTimeout(id); reject(abortError(options.signal.reason)); }, { once: true });
        }
      });
    },
    setImmediate(value, options = {}) {
      return new PromiseCtor((resolve) => {
        checkAborted(options && options.signal);
        globalSetImmediate(() => resolve(value));
      });
    },
    setInterval(delay, value) {
      let done = false;
      return {
        next: () => (done ? PromiseResolve({ value: undefined, done: true }) :
          new PromiseCtor((resolve) => globalSetTimeout(() => resolve({ value, done: false }), delay))),
        return: () => {
          done = true;
          return PromiseResolve({ value: undefined, done: true });
        },
        [SymbolAsyncIterator]() { return this; },
      };
    },
    scheduler: {
      wait: (delay, options) => new PromiseCtor((resolve) => globalSetTimeout(resolve, delay)),
      yield: () => new PromiseCtor((resolve) => globalSetImmediate(resolve)),
    },
  };
}

// ---- os ----

function makeOs() {
  const cpu = { model: 'cpu', speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } };
  return {
    EOL: '\n',
    devNull: '/dev/null',
    platform: () => 'linux',
    type: () => 'Linux',
    arch: () => 'x64',
    machine: () => 'x86_64',
    release: () => '',
    version: () => '',
    tmpdir: () => processCwd,
    homedir: () => processCwd,
    hostname: () => 'sandbox',
    cpus: () => [{ ...cpu, times: { ...cpu.times } }],
    availableParallelism: () => 1,
    endianness: () => 'LE',
    loadavg: () => [0, 0, 0],
    uptime: () => Math.floor(host.now() / 1000),
    totalmem: () => 0,
    freemem: () => 0,
    networkInterfaces: () => ({}),
    userInfo: () => ({ uid: 0, gid: 0, username: 'sandbox', homedir: processCwd, shell: null }),
    constants: { signals: {}, errno: {}, priority: {} },
  };
}

// ---- url ----

function fileURLToPath(p) {
  if (typeof p === 'string') p = new URL(p);
  else if (!(p instanceof URL)) throw ERR_INVALID_ARG_TYPE('path', ['string', 'URL'], p);
  if (p.protocol !== 'file:') throw codedError(TypeErrorCtor, 'ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file');
  if (p.hostname !== '') {
    throw codedError(TypeErrorCtor, 'ERR_INVALID_FILE_URL_HOST', 'File URL host must be "localhost" or empty on linux');
  }
  const pathname = p.pathname;
  for (let n = 0; n < pathname.length; n++) {
    if (pathname[n] === '%') {
      const third = pathname.codePointAt(n + 2) | 0x20;
      if (pathname[n + 1] === '2' && third === 102) {
        throw codedError(TypeErrorCtor, 'ERR_INVALID_FILE_URL_PATH', 'File URL path must not include encoded / characters');
      }
    }
  }
  return decodeURIComponent(pathname);
}

const pathEscapes = [['%', '%25'], ['\t', '%09'], ['\n', '%0A'], ['\r', '%0D'], [' ', '%20'], ['"', '%22'],
  ['#', '%23'], ['?', '%3F'], ['[', '%5B'], ['\\', '%5C'], [']', '%5D'], ['^', '%5E'], ['|', '%7C'], ['~', '%7E']];

function pathToFileURL(filepath) {
  validateString(filepath, 'path');
  let resolved = path.resolve(filepath);
  if (filepath.charCodeAt(filepath.length - 1) === SLASH && resolved[resolved.length - 1] !== '/') resolved += '/';
  for (const [ch, esc] of pathEscapes) if (resolved.includes(ch)) resolved = resolved.split(ch).join(esc);
  return new URL(`file://${resolved}`);
}

function makeUrl() {
  return {
    URL,
    URLSearchParams,
    fileURLToPath,
    pathToFileURL,
    format(u) {
      if (u instanceof URL) return u.href;
      if (typeof u === 'string') return new URL(u).href;
      throw ERR_INVALID_ARG_TYPE('urlObject', ['Object', 'string'], u);
    },
    domainToASCII: (d) => `${d}`.toLowerCase(),
    domainToUnicode: (d) => `${d}`,
    urlToHttpOptions(u) {
      return {
        protocol: u.protocol, hostname: u.hostname, hash: u.hash, search: u.search, pathname: u.pathname,
        path: `${u.pathname || ''}${u.search || ''}`, href: u.href, ...(u.port !== '' ? { port: Number(u.port) } : {}),
      };
    },
  };
}

// ---- dotenv: parameters come from Skriptable, so config() changes nothing ----

function makeDotenv() {
  const dotenv = {
    config: () => ({ parsed: {} }),
    configDotenv: () => ({ parsed: {} }),
    parse: (src) => parseEnv(types.isUint8Array(src) ? Buffer.from(src).toString() : `${src}`),
    populate: () => {},
  };
  return dotenv;
}

// ---- crypto ----

function toBytes(data, encoding, name) {
  if (typeof data === 'string') return stringToBytes(data, encodingOf(encoding));
  if (types.isArrayBufferView(data)) {
    const a = viewArgs(data);
    return new FastBuffer(a[0], a[1], a[2]);
  }
  if (types.isAnyArrayBuffer(data)) return new FastBuffer(data);
  throw ERR_INVALID_ARG_TYPE(name, ['string', 'Buffer', 'TypedArray', 'DataView'], data);
}

class Hash {
  constructor(alg, key) {
    validateString(alg, 'algorithm');
    this._alg = alg;
    this._key = key;
    this._chunks = [];
    this._done = false;
    if (host.hash(alg, new ArrayBuffer(0), 0, 0) === undefined) throw new ErrorCtor('Digest method not supported');
  }
  update(data, encoding) {
    if (this._done) throw codedError(ErrorCtor, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
    this._chunks.push(Buffer.from(toBytes(data, encoding, 'data')));
    return this;
  }
  digest(encoding) {
    if (this._done) throw codedError(ErrorCtor, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
    this._done = true;
    const data = Buffer.concat(this._chunks);
    const ab = this._key === undefined ?
      host.hash(this._alg, data.buffer, data.byteOffset, data.byteLength) :
      host.hmac(this._alg, data.buffer, data.byteOffset, data.byteLength, this._key.buffer, this._key.byteOffset, this._key.byteLength);
    const out = new FastBuffer(ab);
    return encoding === undefined || encoding === 'buffer' ? out : out.toString(encoding);
  }
  copy() {
    const h = new Hash(this._alg, this._key);
    h._chunks = this._chunks.slice();
    return h;
  }
}

function randomUUID() {
  const b = new Uint8Array(host.randomBytes(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = bytesToString(new FastBuffer(b.buffer), 0, 16, 'hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function getRandomValues(array) {
  if (!types.isTypedArray(array) || types.isFloat32Array(array) || types.isFloat64Array(array)) {
    throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
  }
  const n = TypedArrayGetByteLength(array);
  if (n > 65536) throw new DOMException(`The ArrayBufferView's byte length (${n}) exceeds the number of bytes of entropy available via this API (65536)`, 'QuotaExceededError');
  new Uint8Array(TypedArrayGetBuffer(array), TypedArrayGetByteOffset(array), n).set(new Uint8Array(host.randomBytes(n)));
  return array;
}

function randomBytes(size, cb) {
  validateNumber(size, 'size', 0, 2 ** 31 - 1);
  const out = new FastBuffer(size);
  for (let off = 0; off < size; off += 65536) {
    const n = Math.min(65536, size - off);
    out.set(new Uint8Array(host.randomBytes(n)), off);
  }
  if (typeof cb === 'function') {
    globalSetImmediate(() => cb(null, out));
    return undefined;
  }
  return out;
}

function makeCrypto() {
  const webcrypto = { getRandomValues, randomUUID };
  return {
    createHash: (alg) => new Hash(alg),
    createHmac: (alg, key) => new Hash(alg, Buffer.from(toBytes(key, 'utf8', 'key'))),
    randomUUID,
    randomBytes,
    randomInt(min, max, cb) {
      if (max === undefined || typeof max === 'function') {
        cb = max;
        max = min;
        min = 0;
      }
      validateInteger(min, 'min');
      validateInteger(max, 'max');
      if (max <= min) throw ERR_OUT_OF_RANGE('max', `greater than the value of "min" (${min})`, max);
      const b = new Uint8Array(host.randomBytes(6));
      let x = 0;
      for (const v of b) x = x * 256 + v;
      const n = min + Math.floor((x / 2 ** 48) * (max - min));
      if (typeof cb === 'function') {
        globalSetImmediate(() => cb(null, n));
        return undefined;
      }
      return n;
    },
    getRandomValues,
    timingSafeEqual(a, b) {
      if (!types.isArrayBufferView(a)) throw ERR_INVALID_ARG_TYPE('buf1', ['ArrayBuffer', 'Buffer', 'TypedArray', 'DataView'], a);
      if (!types.isArrayBufferView(b)) throw ERR_INVALID_ARG_TYPE('buf2', ['ArrayBuffer', 'Buffer', 'TypedArray', 'DataView'], b);
      if (a.byteLength !== b.byteLength) {
        throw codedError(RangeErrorCtor, 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', 'Input buffers must have the same byte length');
      }
      return compareViews(viewBytes(a), viewBytes(b)) === 0;
    },
    getHashes: () => ['md5', 'sha1', 'sha256', 'sha384', 'sha512'],
    webcrypto,
  };
}
