// Part 7b: the fs module's callback and promise forms, and minimal
// write/read streams.

// callbackArity is each callback form's parameter count (with the
// callback last, after an optional options argument when hasOptions).
const callbackArity = {
  writeFile: [4, true], appendFile: [4, true], readFile: [3, true], mkdir: [3, true], readdir: [3, true],
  unlink: [2, false], rm: [3, true], rmdir: [3, true], stat: [3, true], lstat: [3, true], access: [3, true],
  copyFile: [4, true], rename: [3, false],
};

function makeCallbackOp(name, sync) {
  const [arity, hasOptions] = callbackArity[name];
  return {
    [name](...args) {
      let cb = args[args.length - 1];
      if (typeof cb !== 'function') {
        // What Node names as the callback when none is given.
        cb = args[arity - 1] || (hasOptions ? args[arity - 2] : undefined);
        throw ERR_INVALID_ARG_TYPE('cb', 'Function', cb);
      }
      args.pop();
      let result;
      let error = null;
      try {
        result = ReflectApply(sync, undefined, args);
      } catch (e) {
        error = e;
      }
      globalSetImmediate(() => {
        if (error) cb(error);
        else cb(null, result);
      });
    },
  }[name];
}

function makePromiseOp(name, sync) {
  return {
    async [name](...args) {
      return ReflectApply(sync, undefined, args);
    },
  }[name];
}

let fsPromises;

function makeFsPromises() {
  if (fsPromises) return fsPromises;
  fsPromises = { constants: fsConstants };
  for (const name of ObjectKeys(syncOps)) fsPromises[name] = makePromiseOp(name, syncOps[name]);
  return fsPromises;
}

// WriteStream collects what is written and hands it to the output
// directory in one write when the stream ends.
class WriteStream extends EventEmitter {
  constructor(p, options) {
    super();
    const opts = getOptions(options, { flags: 'w', encoding: 'utf8' });
    this.path = toPath(p);
    guard(this.path, 'open');
    this.flags = opts.flags;
    this.bytesWritten = 0;
    this.pending = false;
    this.writable = true;
    this.destroyed = false;
    this._chunks = [];
    this._encoding = opts.encoding;
    globalSetImmediate(() => { this.emit('open', 3); this.emit('ready'); });
  }
  write(chunk, encoding, cb) {
    if (typeof encoding === 'function') {
      cb = encoding;
      encoding = undefined;
    }
    if (!this.writable) {
      const err = codedError(ErrorCtor, 'ERR_STREAM_WRITE_AFTER_END', 'write after end');
      globalSetImmediate(() => { if (cb) cb(err); this.emit('error', err); });
      return false;
    }
    const bytes = dataBytes(chunk, encoding || this._encoding);
    this._chunks.push(Buffer.from(bytes));
    this.bytesWritten += bytes.length;
    if (cb) globalSetImmediate(() => cb(null));
    return true;
  }
  end(chunk, encoding, cb) {
    if (typeof chunk === 'function') {
      cb = chunk;
      chunk = undefined;
    } else if (typeof encoding === 'function') {
      cb = encoding;
      encoding = undefined;
    }
    if (chunk !== undefined && chunk !== null) this.write(chunk, encoding);
    if (!this.writable) return this;
    this.writable = false;
    let error = null;
    try {
      const data = Buffer.concat(this._chunks);
      this._chunks = [];
      hostWrite(this.path, data, String(this.flags).startsWith('a'));
    } catch (e) {
      error = e;
    }
    globalSetImmediate(() => {
      if (error) {
        this.emit('error', error);
        if (cb) cb(error);
        return;
      }
      this.emit('finish');
      if (cb) cb();
      this.destroyed = true;
      this.emit('close');
    });
    return this;
  }
  close(cb) {
    return this.end(cb);
  }
  destroy(err) {
    this.writable = false;
    this.destroyed = true;
    globalSetImmediate(() => {
      if (err) this.emit('error', err);
      this.emit('close');
    });
    return this;
  }
}

// ReadStream delivers a file of the output directory in one chunk.
class ReadStream extends EventEmitter {
  constructor(p, options) {
    super();
    const opts = getOptions(options, { encoding: null });
    this.path = toPath(p);
    this.bytesRead = 0;
    this.readable = true;
    globalSetImmediate(() => {
      let data;
      try {
        data = readFileSync(this.path);
      } catch (e) {
        this.emit('error', e);
        this.emit('close');
        return;
      }
      this.emit('open', 3);
      this.emit('ready');
      this.bytesRead = data.length;
      if (data.length > 0) this.emit('data', opts.encoding ? data.toString(opts.encoding) : data);
      this.readable = false;
      this.emit('end');
      this.emit('close');
    });
  }
  pipe(dest) {
    this.on('data', (chunk) => dest.write(chunk));
    this.on('end', () => { if (typeof dest.end === 'function') dest.end(); });
    return dest;
  }
  setEncoding() { return this; }
  destroy() { this.readable = false; return this; }
}

function makeFs() {
  const fs = {
    constants: fsConstants,
    existsSync,
    exists(p, cb) {
      validateFunction(cb, 'cb');
      const result = existsSync(p);
      globalSetImmediate(() => cb(result));
    },
    createWriteStream: (p, options) => new WriteStream(p, options),
    createReadStream: (p, options) => new ReadStream(p, options),
    Dirent,
    Stats,
    WriteStream,
    ReadStream,
    F_OK: 0,
    R_OK: 4,
    W_OK: 2,
    X_OK: 1,
  };
  for (const name of ObjectKeys(syncOps)) {
    fs[name + 'Sync'] = syncOps[name];
    fs[name] = makeCallbackOp(name, syncOps[name]);
  }
  ObjectDefineProperty(fs, 'promises', {
    enumerable: true, configurable: true,
    get() { return makeFsPromises(); },
  });
  return fs;
}
