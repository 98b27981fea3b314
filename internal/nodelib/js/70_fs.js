// Part 7: the fs module, confined to the run's output directory through
// the host FS bridge. Sync, callback and promise forms share one
// implementation; errors have Node's codes, texts and properties.

const uvErrors = {
  ENOENT: [-2, 'no such file or directory'],
  EEXIST: [-17, 'file already exists'],
  EACCES: [-13, 'permission denied'],
  EISDIR: [-21, 'illegal operation on a directory'],
  ENOTDIR: [-20, 'not a directory'],
  ENOTEMPTY: [-39, 'directory not empty'],
  EIO: [-5, 'i/o error'],
  ENOSYS: [-38, 'function not implemented'],
};

function uvException(code, syscall, path, dest, detail) {
  const [errno, desc] = uvErrors[code] || uvErrors.EIO;
  let message = `${code}: ${detail || desc}, ${syscall}`;
  if (path !== undefined) message += ` '${path}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  const err = new ErrorCtor(message);
  err.errno = errno;
  err.code = code;
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  if (dest !== undefined) err.dest = dest;
  return setStack(err, `Error: ${message}`);
}

// checkResult throws the error a host fs call reported, if any.
function checkResult(r, syscall, path, dest) {
  if (r !== null && typeof r === 'object' && !ArrayIsArray(r) && typeof r.code === 'string' && !types.isAnyArrayBuffer(r)) {
    throw uvException(r.code, syscall, path, dest, r.detail);
  }
  return r;
}

function toPath(p, name = 'path') {
  if (typeof p === 'string') {
    // handled below
  } else if (types.isUint8Array(p)) {
    p = Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString();
  } else if (p instanceof URL) {
    p = fileURLToPath(p);
  } else {
    throw ERR_INVALID_ARG_TYPE(name, ['string', 'Buffer', 'URL'], p);
  }
  if (p.includes('\u0000')) {
    throw ERR_INVALID_ARG_VALUE(name, p, 'must be a string, Uint8Array, or URL without null bytes');
  }
  return p;
}

// inside tells whether p stays inside the run's output directory (the
// working directory); the host FS checks again, this gives the clear error.
function inside(p) {
  const abs = path.resolve(p);
  return abs === processCwd || abs.startsWith(processCwd === '/' ? '/' : processCwd + '/');
}

function outsideError(p, syscall) {
  const err = uvException('EACCES', syscall, p);
  err.message += ": the path is outside the run's output directory";
  return setStack(err, `Error: ${err.message}`);
}

function guard(p, syscall) {
  if (!inside(p)) throw outsideError(p, syscall);
}

function getOptions(options, defaults) {
  if (options == null || typeof options === 'function') return defaults;
  if (typeof options === 'string') return { ...defaults, encoding: options };
  if (typeof options !== 'object') throw ERR_INVALID_ARG_TYPE('options', ['string', 'Object'], options);
  return { ...defaults, ...options };
}

function checkEncoding(encoding) {
  if (encoding && encoding !== 'buffer' && normalizeEncoding(encoding) === undefined) {
    throw ERR_INVALID_ARG_VALUE('encoding', encoding, 'is invalid encoding');
  }
}

function dataBytes(data, encoding) {
  if (typeof data === 'string') return stringToBytes(data, normalizeEncoding(encoding) || 'utf8');
  if (types.isArrayBufferView(data)) {
    const a = viewArgs(data);
    return new Uint8Array(a[0], a[1], a[2]);
  }
  throw ERR_INVALID_ARG_TYPE('data', ['string', 'Buffer', 'TypedArray', 'DataView'], data);
}

function hostWrite(p, bytes, append, syscall = 'open') {
  checkResult(host.fsWrite(p, bytes.buffer, bytes.byteOffset, bytes.byteLength, append), syscall, p);
}

function writeFileSync(file, data, options) {
  const opts = getOptions(options, { encoding: 'utf8', flag: 'w' });
  checkEncoding(opts.encoding);
  const p = toPath(file, 'path');
  const bytes = dataBytes(data, opts.encoding);
  guard(p, 'open');
  const flag = String(opts.flag || 'w');
  if (flag.includes('x') && host.fsExists(p)) throw uvException('EEXIST', 'open', p);
  hostWrite(p, bytes, flag.startsWith('a'));
}

function appendFileSync(file, data, options) {
  const opts = getOptions(options, { encoding: 'utf8', flag: 'a' });
  checkEncoding(opts.encoding);
  const p = toPath(file, 'path');
  const bytes = dataBytes(data, opts.encoding);
  guard(p, 'open');
  hostWrite(p, bytes, true);
}

function readFileSync(file, options) {
  const opts = getOptions(options, { flag: 'r' });
  checkEncoding(opts.encoding);
  const p = toPath(file, 'path');
  guard(p, 'open');
  const buf = new FastBuffer(checkResult(host.fsRead(p), 'open', p));
  if (opts.encoding && opts.encoding !== 'buffer') return buf.toString(opts.encoding);
  return buf;
}

function existsSync(p) {
  try {
    p = toPath(p);
  } catch (e) {
    return false;
  }
  return inside(p) && host.fsExists(p);
}

function mkdirSync(p, options) {
  let recursive = false;
  if (typeof options === 'number' || typeof options === 'string') {
    // mode only
  } else if (options != null) {
    validateObject(options, 'options');
    if (options.recursive !== undefined && typeof options.recursive !== 'boolean') {
      throw ERR_INVALID_ARG_TYPE('options.recursive', 'boolean', options.recursive);
    }
    recursive = Boolean(options.recursive);
  }
  p = toPath(p);
  guard(p, 'mkdir');
  if (host.fsExists(p)) {
    if (recursive) return undefined;
    throw uvException('EEXIST', 'mkdir', p);
  }
  if (!recursive) {
    checkResult(host.fsMkdir(p), 'mkdir', p);
    return undefined;
  }
  // Create each missing directory from the top; return the first created,
  // spelled like the argument, as Node does.
  const parts = p.split('/');
  let first;
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    if (prefix === '' || prefix === '.' || prefix === '..' || !inside(prefix)) continue;
    if (host.fsExists(prefix) && i < parts.length) continue;
    if (path.relative(processCwd, path.resolve(prefix)) === '') continue;
    checkResult(host.fsMkdir(prefix), 'mkdir', p);
    if (first === undefined) first = path.isAbsolute(p) ? path.resolve(prefix) : prefix;
  }
  return first;
}

class Dirent {
  constructor(name, dir, isDir) {
    this.name = name;
    this.parentPath = dir;
    this.path = dir;
    this[kDirentType] = isDir ? 2 : 1;
  }
  isFile() { return this[kDirentType] === 1; }
  isDirectory() { return this[kDirentType] === 2; }
  isSymbolicLink() { return false; }
  isBlockDevice() { return false; }
  isCharacterDevice() { return false; }
  isFIFO() { return false; }
  isSocket() { return false; }
}
const kDirentType = Symbol('type');

function isDirectory(p) {
  const r = host.fsReadDir(p);
  return ArrayIsArray(r);
}

function readdirSync(p, options) {
  const opts = getOptions(options, { encoding: 'utf8', withFileTypes: false });
  p = toPath(p);
  guard(p, 'scandir');
  const names = checkResult(host.fsReadDir(p), 'scandir', p);
  if (opts.withFileTypes) return names.map((n) => new Dirent(n, p, isDirectory(path.join(p, n))));
  if (opts.encoding === 'buffer') return names.map((n) => Buffer.from(n));
  return names;
}

function unlinkSync(p) {
  p = toPath(p);
  guard(p, 'unlink');
  if (!host.fsExists(p)) throw uvException('ENOENT', 'unlink', p);
  checkResult(host.fsRemove(p), 'unlink', p);
}

function rmSync(p, options) {
  const opts = getOptions(options, { force: false, recursive: false });
  p = toPath(p);
  guard(p, 'rm');
  if (!host.fsExists(p)) {
    if (opts.force) return;
    throw uvException('ENOENT', 'lstat', p);
  }
  if (!opts.recursive && isDirectory(p)) {
    const err = new ErrorCtor(`Path is a directory: rm returned EISDIR (is a directory) ${p}`);
    err.code = 'ERR_FS_EISDIR';
    err.info = { code: 'EISDIR', message: 'is a directory', path: p, syscall: 'rm', errno: 21 };
    err.errno = 21;
    err.syscall = 'rm';
    err.path = p;
    throw setStack(err, `SystemError [ERR_FS_EISDIR]: ${err.message}`);
  }
  checkResult(host.fsRemove(p), 'rm', p);
}

function rmdirSync(p) {
  p = toPath(p);
  guard(p, 'rmdir');
  if (!host.fsExists(p)) throw uvException('ENOENT', 'rmdir', p);
  checkResult(host.fsRemove(p), 'rmdir', p);
}

class Stats {
  constructor(size, isDir) {
    const now = Date.now();
    this.dev = 0;
    this.mode = isDir ? 16877 : 33188;
    this.nlink = 1;
    this.uid = 0;
    this.gid = 0;
    this.rdev = 0;
    this.blksize = 4096;
    this.ino = 0;
    this.size = size;
    this.blocks = Math.ceil(size / 512);
    this.atimeMs = now;
    this.mtimeMs = now;
    this.ctimeMs = now;
    this.birthtimeMs = now;
    this.atime = new Date(now);
    this.mtime = new Date(now);
    this.ctime = new Date(now);
    this.birthtime = new Date(now);
  }
  isFile() { return (this.mode & 0o170000) === 0o100000; }
  isDirectory() { return (this.mode & 0o170000) === 0o040000; }
  isSymbolicLink() { return false; }
  isBlockDevice() { return false; }
  isCharacterDevice() { return false; }
  isFIFO() { return false; }
  isSocket() { return false; }
}

function statSync(p, options, syscall = 'stat') {
  p = toPath(p);
  guard(p, syscall);
  if (!host.fsExists(p)) {
    if (options && options.throwIfNoEntry === false) return undefined;
    throw uvException('ENOENT', syscall, p);
  }
  if (isDirectory(p)) return new Stats(4096, true);
  const r = host.fsRead(p);
  return new Stats(types.isAnyArrayBuffer(r) ? ArrayBufferGetByteLength(r) : 0, false);
}

function accessSync(p, mode) {
  p = toPath(p);
  guard(p, 'access');
  if (!host.fsExists(p)) throw uvException('ENOENT', 'access', p);
}

function copyFileSync(src, dest, mode) {
  src = toPath(src, 'src');
  dest = toPath(dest, 'dest');
  guard(src, 'copyfile');
  guard(dest, 'copyfile');
  if (!host.fsExists(src)) throw uvException('ENOENT', 'copyfile', src, dest);
  if ((mode & 1) && host.fsExists(dest)) throw uvException('EEXIST', 'copyfile', src, dest);
  const data = new Uint8Array(checkResult(host.fsRead(src), 'copyfile', src, dest));
  checkResult(host.fsWrite(dest, data.buffer, 0, data.length, false), 'copyfile', src, dest);
}

function renameSync(oldPath, newPath) {
  oldPath = toPath(oldPath, 'oldPath');
  newPath = toPath(newPath, 'newPath');
  guard(oldPath, 'rename');
  guard(newPath, 'rename');
  if (!host.fsExists(oldPath)) throw uvException('ENOENT', 'rename', oldPath, newPath);
  const data = new Uint8Array(checkResult(host.fsRead(oldPath), 'rename', oldPath, newPath));
  checkResult(host.fsWrite(newPath, data.buffer, 0, data.length, false), 'rename', oldPath, newPath);
  checkResult(host.fsRemove(oldPath), 'rename', oldPath, newPath);
}

const fsConstants = {
  UV_FS_SYMLINK_DIR: 1, UV_FS_SYMLINK_JUNCTION: 2, O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2,
  UV_DIRENT_UNKNOWN: 0, UV_DIRENT_FILE: 1, UV_DIRENT_DIR: 2, UV_DIRENT_LINK: 3, UV_DIRENT_FIFO: 4,
  UV_DIRENT_SOCKET: 5, UV_DIRENT_CHAR: 6, UV_DIRENT_BLOCK: 7, S_IFMT: 61440, S_IFREG: 32768,
  S_IFDIR: 16384, S_IFCHR: 8192, S_IFBLK: 24576, S_IFIFO: 4096, S_IFLNK: 40960, S_IFSOCK: 49152,
  O_CREAT: 64, O_EXCL: 128, UV_FS_O_FILEMAP: 0, O_NOCTTY: 256, O_TRUNC: 512, O_APPEND: 1024,
  O_DIRECTORY: 65536, O_NOATIME: 262144, O_NOFOLLOW: 131072, O_SYNC: 1052672, O_DSYNC: 4096,
  O_DIRECT: 16384, O_NONBLOCK: 2048, S_IRWXU: 448, S_IRUSR: 256, S_IWUSR: 128, S_IXUSR: 64,
  S_IRWXG: 56, S_IRGRP: 32, S_IWGRP: 16, S_IXGRP: 8, S_IRWXO: 7, S_IROTH: 4, S_IWOTH: 2,
  S_IXOTH: 1, F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1, UV_FS_COPYFILE_EXCL: 1, COPYFILE_EXCL: 1,
  UV_FS_COPYFILE_FICLONE: 2, COPYFILE_FICLONE: 2, UV_FS_COPYFILE_FICLONE_FORCE: 4, COPYFILE_FICLONE_FORCE: 4,
};

const syncOps = {
  writeFile: writeFileSync,
  appendFile: appendFileSync,
  readFile: readFileSync,
  mkdir: mkdirSync,
  readdir: readdirSync,
  unlink: unlinkSync,
  rm: rmSync,
  rmdir: rmdirSync,
  stat: statSync,
  lstat: (p, options) => statSync(p, options, 'lstat'),
  access: accessSync,
  copyFile: copyFileSync,
  rename: renameSync,
};
