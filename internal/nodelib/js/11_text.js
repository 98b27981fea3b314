// Part 1b: atob/btoa, TextEncoder/TextDecoder and string_decoder, on the
// Go encodings of part 1.

// isValidUTF8 tells whether text, the UTF-8 decoding of bytes, is exact
// (re-encoding gives the bytes back).
function isValidUTF8(bytes, text) {
  const again = stringToBytes(text, 'utf8');
  return again.length === bytes.length && compareViews(again, bytes) === 0;
}

// ---- atob / btoa ----

function atobImpl(input) {
  if (arguments.length === 0) throw ERR_MISSING_ARGS('input');
  const result = host.atob(`${input}`);
  if (result === -2) throw new DOMException('Invalid character', 'InvalidCharacterError');
  if (result === -1) throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
  return result;
}

function btoaImpl(input) {
  if (arguments.length === 0) throw ERR_MISSING_ARGS('input');
  const result = host.btoa(`${input}`);
  if (result === -1) throw new DOMException('Invalid character', 'InvalidCharacterError');
  return result;
}

// ---- TextEncoder / TextDecoder ----

class TextEncoder {
  get encoding() { return 'utf-8'; }
  encode(input = '') {
    return new Uint8Array(host.encode(`${input}`, 'utf8'));
  }
  encodeInto(src, dest) {
    validateString(src, 'src');
    if (!types.isUint8Array(dest)) throw ERR_INVALID_ARG_TYPE('dest', 'Uint8Array', dest);
    const bytes = new Uint8Array(host.encode(src, 'utf8'));
    const written = utf8Prefix(bytes, dest.length);
    dest.set(bytes.subarray(0, written));
    const read = host.decode(bytes.buffer, 0, written, 'utf8').length;
    return { read, written };
  }
  [Symbol.for('nodejs.util.inspect.custom')](depth, opts) {
    return `${this.constructor.name} { encoding: 'utf-8' }`;
  }
}

const decoderLabels = {
  'utf-8': 'utf-8', utf8: 'utf-8', 'unicode-1-1-utf-8': 'utf-8',
  'utf-16le': 'utf-16le', 'utf-16': 'utf-16le',
  latin1: 'latin1', 'iso-8859-1': 'latin1', ascii: 'latin1', 'us-ascii': 'latin1', 'windows-1252': 'latin1',
};

// incompleteTail is how many bytes at the end of b start a UTF-8 sequence
// that more input could complete.
function incompleteTail(b) {
  const n = b.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const c = b[n - k];
    if ((c & 0xc0) === 0x80) continue;
    const need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

const decoderState = new WeakMap();

class TextDecoder {
  constructor(encoding = 'utf-8', options = {}) {
    const label = `${encoding}`.trim().toLowerCase();
    const enc = decoderLabels[label];
    if (enc === undefined) {
      throw codedError(RangeErrorCtor, 'ERR_ENCODING_NOT_SUPPORTED', `The "${encoding}" encoding is not supported`);
    }
    if (options !== null && typeof options !== 'object' && options !== undefined) {
      throw ERR_INVALID_ARG_TYPE('options', 'object', options);
    }
    decoderState.set(this, {
      encoding: enc,
      fatal: Boolean(options && options.fatal),
      ignoreBOM: Boolean(options && options.ignoreBOM),
      pending: new FastBuffer(0),
      bomSeen: false,
    });
  }
  get encoding() { return decoderState.get(this).encoding; }
  get fatal() { return decoderState.get(this).fatal; }
  get ignoreBOM() { return decoderState.get(this).ignoreBOM; }
  decode(input = new Uint8Array(0), options = {}) {
    const st = decoderState.get(this);
    if (st === undefined) throw codedError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type TextDecoder');
    let bytes;
    if (types.isAnyArrayBuffer(input)) bytes = new FastBuffer(input);
    else if (types.isArrayBufferView(input)) {
      const a = viewArgs(input);
      bytes = new FastBuffer(a[0], a[1], a[2]);
    } else {
      throw ERR_INVALID_ARG_TYPE('input', ['ArrayBuffer', 'ArrayBufferView'], input);
    }
    const stream = Boolean(options && options.stream);
    if (st.pending.length > 0) bytes = Buffer.concat([st.pending, bytes]);
    let keep = 0;
    if (stream) {
      keep = st.encoding === 'utf-8' ? incompleteTail(bytes) : st.encoding === 'utf-16le' ? bytes.length % 2 : 0;
    }
    st.pending = keep > 0 ? Buffer.from(bytes.subarray(bytes.length - keep)) : new FastBuffer(0);
    const body = bytes.subarray(0, bytes.length - keep);
    let text = bytesToString(body, 0, body.length, st.encoding === 'utf-8' ? 'utf8' : st.encoding === 'utf-16le' ? 'ucs2' : 'latin1');
    if (st.encoding === 'utf-8' && st.fatal && text.includes('\ufffd') && !isValidUTF8(body, text)) {
      st.pending = new FastBuffer(0);
      throw codedError(TypeErrorCtor, 'ERR_ENCODING_INVALID_ENCODED_DATA', 'The encoded data was not valid for encoding utf-8');
    }
    if (!st.bomSeen && text.length > 0) {
      st.bomSeen = true;
      if (!st.ignoreBOM && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!stream) st.bomSeen = false;
    return text;
  }
}

// string_decoder's StringDecoder, on the same streaming logic.
class StringDecoder {
  constructor(encoding) {
    this.encoding = encodingOf(encoding);
    this._pending = new FastBuffer(0);
  }
  write(buf) {
    if (typeof buf === 'string') return buf;
    if (!types.isArrayBufferView(buf)) throw ERR_INVALID_ARG_TYPE('buf', ['Buffer', 'TypedArray', 'DataView'], buf);
    let bytes = Buffer.concat([this._pending, Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)]);
    let keep = 0;
    if (this.encoding === 'utf8') keep = incompleteTail(bytes);
    else if (this.encoding === 'ucs2') keep = bytes.length % 2;
    else if (this.encoding === 'base64' || this.encoding === 'base64url') keep = bytes.length % 3;
    this._pending = Buffer.from(bytes.subarray(bytes.length - keep));
    bytes = bytes.subarray(0, bytes.length - keep);
    return bytes.toString(this.encoding);
  }
  end(buf) {
    let out = buf === undefined ? '' : this.write(buf);
    if (this._pending.length > 0) out += this._pending.toString(this.encoding);
    this._pending = new FastBuffer(0);
    return out;
  }
}
