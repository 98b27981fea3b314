// Part 4: the util module.

const kCustomPromisifiedSymbol = Symbol.for('nodejs.util.promisify.custom');
const kCustomPromisifyArgsSymbol = Symbol('customPromisifyArgs');

function promisify(original) {
  validateFunction(original, 'original');
  if (original[kCustomPromisifiedSymbol]) {
    const fn = original[kCustomPromisifiedSymbol];
    validateFunction(fn, 'util.promisify.custom');
    return ObjectDefineProperty(fn, kCustomPromisifiedSymbol, {
      value: fn, enumerable: false, writable: false, configurable: true,
    });
  }
  const argumentNames = original[kCustomPromisifyArgsSymbol];
  function fn(...args) {
    return new PromiseCtor((resolve, reject) => {
      args.push((err, ...values) => {
        if (err) return reject(err);
        if (argumentNames !== undefined && values.length > 1) {
          const obj = {};
          for (let i = 0; i < argumentNames.length; i++) obj[argumentNames[i]] = values[i];
          resolve(obj);
        } else {
          resolve(values[0]);
        }
      });
      ReflectApply(original, this, args);
    });
  }
  ObjectSetPrototypeOf(fn, ObjectGetPrototypeOf(original));
  ObjectDefineProperty(fn, kCustomPromisifiedSymbol, {
    value: fn, enumerable: false, writable: false, configurable: true,
  });
  const descriptors = Object.getOwnPropertyDescriptors(original);
  for (const d of Object.values(descriptors)) ObjectSetPrototypeOf(d, null);
  return Object.defineProperties(fn, descriptors);
}
promisify.custom = kCustomPromisifiedSymbol;

function callbackify(original) {
  validateFunction(original, 'original');
  function callbackified(...args) {
    const maybeCb = args.pop();
    validateFunction(maybeCb, 'last argument');
    const cb = maybeCb.bind(this);
    PromiseThen(ReflectApply(original, this, args),
      (ret) => { globalSetImmediate(() => cb(null, ret)); },
      (rej) => {
        if (!rej) {
          const err = codedError(ErrorCtor, 'ERR_FALSY_VALUE_REJECTION', 'Promise was rejected with falsy value');
          err.reason = rej;
          rej = err;
        }
        globalSetImmediate(() => cb(rej));
      });
  }
  const descriptors = Object.getOwnPropertyDescriptors(original);
  if (typeof descriptors.length.value === 'number') descriptors.length.value++;
  if (typeof descriptors.name.value === 'string') descriptors.name.value += 'Callbackified';
  for (const d of Object.values(descriptors)) ObjectSetPrototypeOf(d, null);
  Object.defineProperties(callbackified, descriptors);
  return callbackified;
}

function inherits(ctor, superCtor) {
  if (ctor === undefined || ctor === null) throw ERR_INVALID_ARG_TYPE('ctor', 'Function', ctor);
  if (superCtor === undefined || superCtor === null) throw ERR_INVALID_ARG_TYPE('superCtor', 'Function', superCtor);
  if (superCtor.prototype === undefined) {
    throw ERR_INVALID_ARG_TYPE('superCtor.prototype', 'Object', superCtor.prototype);
  }
  ObjectDefineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
  ObjectSetPrototypeOf(ctor.prototype, superCtor.prototype);
}

function deprecate(fn, msg, code) {
  if (code !== undefined) validateString(code, 'code');
  let warned = false;
  function deprecated(...args) {
    if (!warned) {
      warned = true;
      emitWarning(msg, 'DeprecationWarning', code);
    }
    if (new.target) return Reflect.construct(fn, args, new.target);
    return ReflectApply(fn, this, args);
  }
  ObjectSetPrototypeOf(deprecated, fn);
  if (fn.prototype) deprecated.prototype = fn.prototype;
  return deprecated;
}

function formatWithOptions(inspectOptions, ...args) {
  validateObject(inspectOptions, 'inspectOptions');
  const defaults = inspect.defaultOptions;
  const saved = { ...defaults };
  try {
    inspect.defaultOptions = inspectOptions;
    return ReflectApply(format, undefined, args);
  } finally {
    for (const k of ObjectKeys(saved)) defaults[k] = saved[k];
  }
}

const ansiPattern = new RegExp('[\\u001B\\u009B][[\\]()#;?]*' +
  '(?:(?:(?:(?:;[-a-zA-Z\\d\\/\\#&.:=?%@~_]+)*' +
  '|[a-zA-Z\\d]+(?:;[-a-zA-Z\\d\\/\\#&.:=?%@~_]*)*)?' +
  '(?:\\u0007|\\u001B\\u005C|\\u009C))' +
  '|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?' +
  '[\\dA-PR-TZcf-ntqry=><~]))', 'g');

function stripVTControlCharacters(str) {
  validateString(str, 'str');
  return str.replace(ansiPattern, '');
}

function styleText(fmt, text, { validateStream = true } = {}) {
  validateString(text, 'text');
  const codesOf = (key) => {
    const codes = inspect.colors[key];
    if (codes == null) {
      const allowed = ObjectKeys(inspect.colors).map((v) => `'${v}'`).join(', ');
      throw ERR_INVALID_ARG_VALUE('format', key, `must be one of: ${allowed}`);
    }
    return codes;
  };
  if (ArrayIsArray(fmt)) {
    let left = '';
    let right = '';
    for (const key of fmt) {
      const codes = codesOf(key);
      left += `\u001b[${codes[0]}m`;
      right = `\u001b[${codes[1]}m${right}`;
    }
    return `${left}${text}${right}`;
  }
  const codes = codesOf(fmt);
  // Node colours only for a terminal; a run's output never is one.
  if (validateStream) return text;
  return `\u001b[${codes[0]}m${text}\u001b[${codes[1]}m`;
}

// parseEnv reads dotenv syntax: KEY=value lines, # comments, optional
// "export ", quoted values (double quotes expand \n).
function parseEnv(content) {
  validateString(content, 'content');
  const out = {};
  const lineRe = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/mg;
  const lines = content.replace(/\r\n?/mg, '\n');
  let match;
  while ((match = lineRe.exec(lines)) !== null) {
    const key = match[1];
    let value = (match[2] || '').trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2');
    if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    out[key] = value;
  }
  return out;
}

const errnoNames = {
  __proto__: null, '-2': 'ENOENT', '-13': 'EACCES', '-17': 'EEXIST', '-5': 'EIO', '-20': 'ENOTDIR',
  '-21': 'EISDIR', '-39': 'ENOTEMPTY', '-38': 'ENOSYS', '-22': 'EINVAL', '-1': 'EPERM',
};

function makeUtil() {
  const isPrimitive = (arg) => arg === null || (typeof arg !== 'object' && typeof arg !== 'function');
  const util = {
    callbackify,
    debug: debuglog,
    debuglog,
    deprecate,
    format,
    formatWithOptions,
    getSystemErrorName(err) {
      validateNumber(err, 'err');
      if (err >= 0 || !NumberIsInteger(err)) throw ERR_OUT_OF_RANGE('err', 'a negative integer', err);
      return errnoNames[err] || `Unknown system error ${err}`;
    },
    inherits,
    inspect,
    isArray: ArrayIsArray,
    isBoolean: (arg) => typeof arg === 'boolean',
    isBuffer: (b) => b instanceof Buffer,
    isDeepStrictEqual: (a, b) => isDeepStrictEqual(a, b),
    isNull: (arg) => arg === null,
    isNullOrUndefined: (arg) => arg === null || arg === undefined,
    isNumber: (arg) => typeof arg === 'number',
    isString: (arg) => typeof arg === 'string',
    isSymbol: (arg) => typeof arg === 'symbol',
    isUndefined: (arg) => arg === undefined,
    isRegExp: types.isRegExp,
    isObject: (arg) => arg !== null && typeof arg === 'object',
    isDate: types.isDate,
    isError,
    isFunction: (arg) => typeof arg === 'function',
    isPrimitive,
    log(...args) {
      const d = new Date();
      const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
      const pad = (n) => String(n).padStart(2, '0');
      const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
      globalThis.console.log('%s - %s', `${d.getDate()} ${months[d.getMonth()]} ${time}`, ReflectApply(format, undefined, args));
    },
    promisify,
    stripVTControlCharacters,
    styleText,
    toUSVString,
    types: { ...types },
    parseEnv,
    TextEncoder,
    TextDecoder,
  };
  return util;
}

function toUSVString(input) {
  const s = `${input}`;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += s[i] + s[i + 1];
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += '\ufffd';
    } else {
      out += s[i];
    }
  }
  return out;
}

function debuglog(section, cb) {
  const logger = function debug() {};
  logger.enabled = false;
  return logger;
}
