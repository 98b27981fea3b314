// Part 1: Buffer (a Uint8Array subclass, as in Node), the encodings (done
// in Go), TextEncoder/TextDecoder, atob/btoa and string_decoder.

const kMaxLength = 2 ** 32;
const kStringMaxLength = 2 ** 29 - 24;
let INSPECT_MAX_BYTES = 50;

class FastBuffer extends Uint8Array {
  // eslint-disable-next-line no-useless-constructor
  constructor(bufferOrLength, byteOffset, length) {
    super(bufferOrLength, byteOffset, length);
  }
}

function normalizeEncoding(enc) {
  if (enc == null || enc === 'utf8' || enc === 'utf-8') return 'utf8';
  switch (String(enc).toLowerCase()) {
    case 'utf8': case 'utf-8': return 'utf8';
    case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'ucs2';
    case 'latin1': case 'binary': return 'latin1';
    case 'base64': return 'base64';
    case 'base64url': return 'base64url';
    case 'hex': return 'hex';
    case 'ascii': return 'ascii';
    case '': return 'utf8';
  }
  return undefined;
}

function encodingOf(enc) {
  const e = normalizeEncoding(enc);
  if (e === undefined) throw ERR_UNKNOWN_ENCODING(enc);
  return e;
}

// view returns the ArrayBuffer window of a typed array or DataView, read
// through the builtin getters.
function viewArgs(v) {
  if (types.isDataView(v)) return [DataViewGetBuffer(v), DataViewGetByteOffset(v), DataViewGetByteLength(v)];
  return [TypedArrayGetBuffer(v), TypedArrayGetByteOffset(v), TypedArrayGetByteLength(v)];
}

function bytesToString(buf, start, end, enc) {
  const args = viewArgs(buf);
  return host.decode(args[0], args[1] + start, end - start, enc);
}

function stringToBytes(string, enc) {
  return new FastBuffer(host.encode(string, enc));
}

function Buffer(arg, encodingOrOffset, length) {
  if (typeof arg === 'number') {
    if (typeof encodingOrOffset === 'string') throw ERR_INVALID_ARG_TYPE('string', 'string', arg);
    return Buffer.alloc(arg);
  }
  return Buffer.from(arg, encodingOrOffset, length);
}
ObjectDefineProperty(Buffer, Symbol.species, { get() { return FastBuffer; }, configurable: true });
FastBuffer.prototype.constructor = Buffer;
Buffer.prototype = FastBuffer.prototype;
ObjectSetPrototypeOf(Buffer, Uint8Array);

function fromArrayLike(obj) {
  const len = obj.length;
  if (!(len > 0)) return new FastBuffer();
  const b = new FastBuffer(len);
  for (let i = 0; i < len; i++) b[i] = obj[i];
  return b;
}

function fromArrayBuffer(obj, byteOffset, length) {
  if (byteOffset === undefined) {
    byteOffset = 0;
  } else {
    byteOffset = +byteOffset;
    if (NumberIsNaN(byteOffset)) byteOffset = 0;
  }
  const maxLength = ArrayBufferGetByteLength(obj) - byteOffset;
  if (maxLength < 0) throw codedError(RangeErrorCtor, 'ERR_BUFFER_OUT_OF_BOUNDS', '"offset" is outside of buffer bounds');
  if (length === undefined) {
    length = maxLength;
  } else {
    length = +length;
    if (length > 0) {
      if (length > maxLength) throw codedError(RangeErrorCtor, 'ERR_BUFFER_OUT_OF_BOUNDS', '"length" is outside of buffer bounds');
    } else {
      length = 0;
    }
  }
  return new FastBuffer(obj, byteOffset, length);
}

function fromObject(obj) {
  if (obj.length !== undefined || types.isAnyArrayBuffer(obj.buffer)) {
    if (typeof obj.length !== 'number') return new FastBuffer();
    if (types.isUint8Array(obj)) {
      const b = new FastBuffer(TypedArrayGetLength(obj));
      b.set(obj);
      return b;
    }
    return fromArrayLike(obj);
  }
  if (obj.type === 'Buffer' && ArrayIsArray(obj.data)) return fromArrayLike(obj.data);
  return undefined;
}

Buffer.from = function from(value, encodingOrOffset, length) {
  if (typeof value === 'string') {
    return stringToBytes(value, encodingOf(typeof encodingOrOffset === 'string' ? encodingOrOffset : undefined));
  }
  if (typeof value === 'object' && value !== null) {
    if (types.isAnyArrayBuffer(value)) return fromArrayBuffer(value, encodingOrOffset, length);
    const valueOf = value.valueOf && value.valueOf();
    if (valueOf != null && valueOf !== value && (typeof valueOf === 'string' || typeof valueOf === 'object')) {
      return from(valueOf, encodingOrOffset, length);
    }
    const b = fromObject(value);
    if (b) return b;
    if (typeof value[Symbol.toPrimitive] === 'function') {
      const primitive = value[Symbol.toPrimitive]('string');
      if (typeof primitive === 'string') return from(primitive, encodingOrOffset);
    }
  }
  throw ERR_INVALID_ARG_TYPE('first argument', ['string', 'Buffer', 'ArrayBuffer', 'Array', 'Array-like Object'], value);
};

Buffer.of = function of(...items) {
  return fromArrayLike(items);
};

Buffer.alloc = function alloc(size, fill, encoding) {
  validateNumber(size, 'size', 0, kMaxLength);
  const b = new FastBuffer(size);
  if (fill !== undefined && fill !== 0 && size > 0) {
    return b.fill(fill, 0, size, typeof encoding === 'string' ? encoding : undefined);
  }
  return b;
};

Buffer.allocUnsafe = function allocUnsafe(size) {
  validateNumber(size, 'size', 0, kMaxLength);
  return new FastBuffer(size);
};

Buffer.allocUnsafeSlow = function allocUnsafeSlow(size) {
  validateNumber(size, 'size', 0, kMaxLength);
  return new FastBuffer(size);
};

Buffer.isBuffer = function isBuffer(b) {
  return b instanceof Buffer;
};

Buffer.isEncoding = function isEncoding(encoding) {
  return typeof encoding === 'string' && encoding.length !== 0 && normalizeEncoding(encoding) !== undefined;
};

function compareViews(a, b) {
  const x = viewArgs(a);
  const y = viewArgs(b);
  return host.compare(x[0], x[1], x[2], y[0], y[1], y[2]);
}

Buffer.compare = function compare(buf1, buf2) {
  if (!types.isUint8Array(buf1)) throw ERR_INVALID_ARG_TYPE('buf1', ['Buffer', 'Uint8Array'], buf1);
  if (!types.isUint8Array(buf2)) throw ERR_INVALID_ARG_TYPE('buf2', ['Buffer', 'Uint8Array'], buf2);
  if (buf1 === buf2) return 0;
  return compareViews(buf1, buf2);
};

function byteLength(string, encoding) {
  if (typeof string !== 'string') {
    if (types.isArrayBufferView(string) || types.isAnyArrayBuffer(string)) return string.byteLength;
    throw ERR_INVALID_ARG_TYPE('string', ['string', 'Buffer', 'ArrayBuffer'], string);
  }
  const len = string.length;
  if (len === 0) return 0;
  const enc = normalizeEncoding(encoding) || 'utf8';
  switch (enc) {
    case 'ascii': case 'latin1': return len;
    case 'ucs2': return len * 2;
    case 'hex': return len >>> 1;
    case 'base64': case 'base64url': {
      let bytes = len;
      if (string.charCodeAt(bytes - 1) === 0x3D) bytes--;
      if (bytes > 1 && string.charCodeAt(bytes - 1) === 0x3D) bytes--;
      return (bytes * 3) >>> 2;
    }
  }
  return ArrayBufferGetByteLength(host.encode(string, 'utf8'));
}
Buffer.byteLength = byteLength;

Buffer.concat = function concat(list, length) {
  if (!ArrayIsArray(list)) throw ERR_INVALID_ARG_TYPE('list', 'Array', list);
  if (list.length === 0) return new FastBuffer();
  if (length === undefined) {
    length = 0;
    for (let i = 0; i < list.length; i++) {
      if (list[i].length) length += list[i].length;
    }
  } else {
    validateInteger(length, 'length', 0, kMaxLength);
  }
  const buffer = new FastBuffer(length);
  let pos = 0;
  for (let i = 0; i < list.length; i++) {
    const buf = list[i];
    if (!types.isUint8Array(buf)) throw ERR_INVALID_ARG_TYPE(`list[${i}]`, ['Buffer', 'Uint8Array'], buf);
    const n = Math.min(TypedArrayGetLength(buf), length - pos);
    if (n <= 0) continue;
    buffer.set(n === TypedArrayGetLength(buf) ? buf : buf.subarray(0, n), pos);
    pos += n;
  }
  return buffer;
};

Buffer.poolSize = 8192;

const proto = Buffer.prototype;

function defineMethods(target, methods) {
  for (const name of Reflect.ownKeys(methods)) {
    ObjectDefineProperty(target, name, { value: methods[name], writable: true, enumerable: false, configurable: true });
  }
}

function adjustOffset(offset, length) {
  offset = Math.trunc(offset);
  if (offset === 0) return 0;
  if (offset < 0) {
    offset += length;
    return offset > 0 ? offset : 0;
  }
  if (offset < length) return offset;
  return NumberIsNaN(offset) ? 0 : length;
}

function toInteger(n, defaultVal) {
  n = +n;
  if (!NumberIsNaN(n) && n >= Number.MIN_SAFE_INTEGER && n <= Number.MAX_SAFE_INTEGER) {
    return ((n % 1) === 0 ? n : Math.floor(n));
  }
  return defaultVal;
}

function indexOfImpl(buffer, val, byteOffset, encoding, dir) {
  if (typeof byteOffset === 'string') {
    encoding = byteOffset;
    byteOffset = undefined;
  } else if (byteOffset > 0x7fffffff) {
    byteOffset = 0x7fffffff;
  } else if (byteOffset < -0x80000000) {
    byteOffset = -0x80000000;
  }
  byteOffset = +byteOffset;
  const len = buffer.length;
  if (NumberIsNaN(byteOffset)) byteOffset = dir ? 0 : len;
  let needle;
  if (typeof val === 'number') {
    needle = new FastBuffer(1);
    needle[0] = val >>> 0;
  } else if (typeof val === 'string') {
    needle = stringToBytes(val, encodingOf(encoding));
  } else if (types.isUint8Array(val)) {
    needle = val;
  } else {
    throw ERR_INVALID_ARG_TYPE('value', ['number', 'string', 'Buffer', 'Uint8Array'], val);
  }
  if (byteOffset < 0) byteOffset += len;
  if (dir) {
    if (byteOffset < 0) byteOffset = 0;
    if (needle.length === 0) return byteOffset <= len ? byteOffset : len;
  } else {
    if (byteOffset < 0) return -1;
    if (needle.length === 0) return byteOffset < len ? byteOffset : len;
  }
  const h = viewArgs(buffer);
  const n = viewArgs(needle);
  return host.indexOf(h[0], h[1], h[2], n[0], n[1], n[2], Math.trunc(byteOffset), !dir);
}

// utf8Prefix returns how many leading bytes of b (a UTF-8 encoding) fit in
// max without splitting a character.
function utf8Prefix(b, max) {
  if (b.length <= max) return b.length;
  let i = max;
  while (i > 0 && (b[i] & 0xc0) === 0x80) i--;
  return i;
}

defineMethods(proto, {
  toString(encoding, start, end) {
    const len = this.length;
    if (arguments.length === 0) return bytesToString(this, 0, len, 'utf8');
    if (start <= 0) start = 0;
    else if (start >= len) return '';
    else start = Math.trunc(start) || 0;
    if (end === undefined || end > len) end = len;
    else end = Math.trunc(end) || 0;
    if (end <= start) return '';
    return bytesToString(this, start, end, encoding === undefined ? 'utf8' : encodingOf(encoding));
  },
  toLocaleString(encoding, start, end) {
    return ReflectApply(proto.toString, this, arguments);
  },
  toJSON() {
    const data = new Array(this.length);
    for (let i = 0; i < this.length; ++i) data[i] = this[i];
    return { type: 'Buffer', data };
  },
  equals(otherBuffer) {
    if (!types.isUint8Array(otherBuffer)) throw ERR_INVALID_ARG_TYPE('otherBuffer', ['Buffer', 'Uint8Array'], otherBuffer);
    if (this === otherBuffer) return true;
    if (TypedArrayGetByteLength(this) !== TypedArrayGetByteLength(otherBuffer)) return false;
    return compareViews(this, otherBuffer) === 0;
  },
  compare(target, targetStart, targetEnd, sourceStart, sourceEnd) {
    if (!types.isUint8Array(target)) throw ERR_INVALID_ARG_TYPE('target', ['Buffer', 'Uint8Array'], target);
    if (arguments.length === 1) return compareViews(this, target);
    if (targetStart === undefined) targetStart = 0;
    else validateInteger(targetStart, 'targetStart', 0, kMaxLength);
    if (targetEnd === undefined) targetEnd = target.length;
    else validateInteger(targetEnd, 'targetEnd', 0, target.length);
    if (sourceStart === undefined) sourceStart = 0;
    else validateInteger(sourceStart, 'sourceStart', 0, kMaxLength);
    if (sourceEnd === undefined) sourceEnd = this.length;
    else validateInteger(sourceEnd, 'sourceEnd', 0, this.length);
    if (sourceStart >= sourceEnd) return (targetStart >= targetEnd ? 0 : -1);
    if (targetStart >= targetEnd) return 1;
    return compareViews(this.subarray(sourceStart, sourceEnd), target.subarray(targetStart, targetEnd));
  },
  indexOf(val, byteOffset, encoding) {
    return indexOfImpl(this, val, byteOffset, encoding, true);
  },
  lastIndexOf(val, byteOffset, encoding) {
    return indexOfImpl(this, val, byteOffset, encoding, false);
  },
  includes(val, byteOffset, encoding) {
    return this.indexOf(val, byteOffset, encoding) !== -1;
  },
  subarray(start, end) {
    const srcLength = this.length;
    start = adjustOffset(start, srcLength);
    end = end !== undefined ? adjustOffset(end, srcLength) : srcLength;
    const newLength = end > start ? end - start : 0;
    return new FastBuffer(this.buffer, this.byteOffset + start, newLength);
  },
  slice(start, end) {
    return this.subarray(start, end);
  },
  copy(target, targetStart, sourceStart, sourceEnd) {
    if (!types.isUint8Array(target)) throw ERR_INVALID_ARG_TYPE('target', ['Buffer', 'Uint8Array'], target);
    if (targetStart === undefined) {
      targetStart = 0;
    } else {
      targetStart = NumberIsInteger(targetStart) ? targetStart : toInteger(targetStart, 0);
      if (targetStart < 0) throw ERR_OUT_OF_RANGE('targetStart', '>= 0', targetStart);
    }
    if (sourceStart === undefined) {
      sourceStart = 0;
    } else {
      sourceStart = NumberIsInteger(sourceStart) ? sourceStart : toInteger(sourceStart, 0);
      if (sourceStart < 0 || sourceStart > this.length) {
        throw ERR_OUT_OF_RANGE('sourceStart', `>= 0 && <= ${this.length}`, sourceStart);
      }
    }
    if (sourceEnd === undefined) {
      sourceEnd = this.length;
    } else {
      sourceEnd = NumberIsInteger(sourceEnd) ? sourceEnd : toInteger(sourceEnd, 0);
      if (sourceEnd < 0) throw ERR_OUT_OF_RANGE('sourceEnd', '>= 0', sourceEnd);
    }
    if (targetStart >= target.length || sourceStart >= sourceEnd) return 0;
    if (sourceEnd > this.length) sourceEnd = this.length;
    const n = Math.min(sourceEnd - sourceStart, target.length - targetStart);
    Uint8Array.prototype.set.call(target, new Uint8Array(this.buffer, this.byteOffset + sourceStart, n), targetStart);
    return n;
  },
  write(string, offset, length, encoding) {
    validateString(string, 'string');
    if (offset === undefined) {
      offset = 0;
      length = this.length;
    } else if (length === undefined && typeof offset === 'string') {
      encoding = offset;
      length = this.length;
      offset = 0;
    } else {
      validateInteger(offset, 'offset', 0, this.length);
      const remaining = this.length - offset;
      if (length === undefined) {
        length = remaining;
      } else if (typeof length === 'string') {
        encoding = length;
        length = remaining;
      } else {
        validateInteger(length, 'length', 0, this.length);
        if (length > remaining) length = remaining;
      }
    }
    const enc = encodingOf(encoding);
    const bytes = stringToBytes(string, enc);
    let n = Math.min(bytes.length, length);
    if (enc === 'utf8') n = utf8Prefix(bytes, length);
    else if (enc === 'ucs2') n -= n % 2;
    this.set(n === bytes.length ? bytes : bytes.subarray(0, n), offset);
    return n;
  },
  fill(value, offset, end, encoding) {
    if (typeof value === 'string') {
      if (offset === undefined || typeof offset === 'string') {
        encoding = offset;
        offset = 0;
        end = this.length;
      } else if (typeof end === 'string') {
        encoding = end;
        end = this.length;
      }
      const enc = normalizeEncoding(encoding);
      if (enc === undefined) {
        validateString(encoding, 'encoding');
        throw ERR_UNKNOWN_ENCODING(encoding);
      }
      if (value.length === 0) {
        value = 0;
      } else {
        value = stringToBytes(value, enc);
        if (value.length === 0) throw ERR_INVALID_ARG_VALUE('value', value);
      }
    } else if (types.isUint8Array(value)) {
      if (value.length === 0) throw ERR_INVALID_ARG_VALUE('value', value);
    } else if (typeof value === 'boolean') {
      value = Number(value);
    }
    if (offset === undefined) {
      offset = 0;
      end = this.length;
    } else {
      validateInteger(offset, 'offset', 0, kMaxLength);
      if (end === undefined) end = this.length;
      else validateInteger(end, 'end', 0, this.length);
      if (offset >= end) return this;
    }
    if (typeof value === 'number') {
      Uint8Array.prototype.fill.call(this, value & 255, offset, end);
    } else {
      for (let i = offset, j = 0; i < end; i++, j = (j + 1) % value.length) this[i] = value[j];
    }
    return this;
  },
  swap16() {
    if (this.length % 2 !== 0) throw codedError(RangeErrorCtor, 'ERR_INVALID_BUFFER_SIZE', 'Buffer size must be a multiple of 16-bits');
    for (let i = 0; i < this.length; i += 2) { const t = this[i]; this[i] = this[i + 1]; this[i + 1] = t; }
    return this;
  },
  [Symbol.for('nodejs.util.inspect.custom')](recurseTimes, ctx) {
    const max = INSPECT_MAX_BYTES;
    const actualMax = Math.min(max, this.length);
    const remaining = this.length - max;
    let str = bytesToString(this, 0, actualMax, 'hex').replace(/(.{2})/g, '$1 ').trim();
    if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
    if (ctx) {
      let extras = false;
      const obj = { __proto__: null };
      const keys = ctx.showHidden ? ObjectGetOwnPropertyNames(this) : ObjectKeys(this);
      for (const key of keys) {
        if (/^(0|[1-9][0-9]*)$/.test(key)) continue;
        extras = true;
        obj[key] = this[key];
      }
      if (extras) {
        if (this.length !== 0) str += ', ';
        str += inspect(obj, { ...ctx, breakLength: Infinity, compact: true }).slice(27, -2);
      }
    }
    return `<${this.constructor.name} ${str}>`;
  },
});
proto.inspect = proto[Symbol.for('nodejs.util.inspect.custom')];
ObjectDefineProperty(proto, 'parent', {
  enumerable: true, configurable: true,
  get() { return this instanceof Buffer ? this.buffer : undefined; },
});
ObjectDefineProperty(proto, 'offset', {
  enumerable: true, configurable: true,
  get() { return this instanceof Buffer ? this.byteOffset : undefined; },
});

// Fixed-width reads and writes, through a DataView of the buffer's memory.
function dataView(buf) {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

function checkOffset(buf, offset, size) {
  if (offset === undefined) offset = 0;
  if (typeof offset !== 'number') throw ERR_INVALID_ARG_TYPE('offset', 'number', offset);
  if (!NumberIsInteger(offset)) throw ERR_OUT_OF_RANGE('offset', 'an integer', offset);
  if (offset < 0 || offset + size > buf.length) {
    if (buf.length - size < 0) {
      throw codedError(RangeErrorCtor, 'ERR_BUFFER_OUT_OF_BOUNDS', 'Attempt to access memory outside buffer bounds');
    }
    throw ERR_OUT_OF_RANGE('offset', `>= 0 and <= ${buf.length - size}`, offset);
  }
  return offset;
}

const fixedWidth = [
  ['UInt8', 1, 'Uint8', 0, 255], ['Int8', 1, 'Int8', -128, 127],
  ['UInt16', 2, 'Uint16', 0, 65535], ['Int16', 2, 'Int16', -32768, 32767],
  ['UInt32', 4, 'Uint32', 0, 4294967295], ['Int32', 4, 'Int32', -2147483648, 2147483647],
  ['Float', 4, 'Float32'], ['Double', 8, 'Float64'],
  ['BigUInt64', 8, 'BigUint64'], ['BigInt64', 8, 'BigInt64'],
];
for (const [name, size, dvName, min, max] of fixedWidth) {
  const get = DataView.prototype['get' + dvName];
  const put = DataView.prototype['set' + dvName];
  const ends = size === 1 ? [''] : ['LE', 'BE'];
  for (const end of ends) {
    const little = end === 'LE';
    const read = function (offset) {
      offset = checkOffset(this, offset, size);
      return ReflectApply(get, dataView(this), [offset, little]);
    };
    const write = function (value, offset) {
      offset = checkOffset(this, offset, size);
      if (min !== undefined && (value < min || value > max)) {
        throw ERR_OUT_OF_RANGE('value', `>= ${min} and <= ${max}`, value);
      }
      ReflectApply(put, dataView(this), [offset, value, little]);
      return offset + size;
    };
    const methods = { ['read' + name + end]: read, ['write' + name + end]: write };
    if (name.startsWith('UInt') || name.startsWith('BigUInt')) {
      const alias = name.replace('UInt', 'Uint');
      methods['read' + alias + end] = read;
      methods['write' + alias + end] = write;
    }
    defineMethods(proto, methods);
  }
}

const bufferModule = () => ({
  Buffer,
  SlowBuffer: Buffer.allocUnsafeSlow,
  atob: atobImpl,
  btoa: btoaImpl,
  kMaxLength,
  kStringMaxLength,
  constants: { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength },
  get INSPECT_MAX_BYTES() { return INSPECT_MAX_BYTES; },
  set INSPECT_MAX_BYTES(v) { validateNumber(v, 'INSPECT_MAX_BYTES', 0); INSPECT_MAX_BYTES = v; },
  isUtf8: (input) => {
    if (!types.isAnyArrayBuffer(input) && !types.isArrayBufferView(input)) {
      throw ERR_INVALID_ARG_TYPE('input', ['ArrayBuffer', 'Buffer', 'TypedArray'], input);
    }
    const a = types.isAnyArrayBuffer(input) ? [input, 0, ArrayBufferGetByteLength(input)] : viewArgs(input);
    const body = new FastBuffer(a[0], a[1], a[2]);
    return isValidUTF8(body, bytesToString(body, 0, body.length, 'utf8'));
  },
});
