// Golden cases: each [name, fn] runs under node (gen.js) and under
// Skriptable (golden_test.go); the outputs must match. Keep the first
// lines stable: assert.ok messages quote this file's source.
const assert = require('assert');
const util = require('util');
const path = require('path');
const fs = require('fs');
const EventEmitter = require('events');
const strict = require('assert/strict');

const cases = [
  // ---- assert ----
  ['assert.ok false literal', () => { assert.ok(false); }],
  ['assert call falsy expr', () => { const title = 'Example'; assert(title.includes('Nope')); }],
  ['assert.ok multi-line', () => {
    const a = 1;
    assert.ok(a ===
      2);
  }],
  ['assert.ok no args', () => { assert.ok(); }],
  ['assert.ok message', () => { assert.ok(0, 'custom message'); }],
  ['assert.ok error message', () => { assert.ok(null, new TypeError('thrown as is')); }],
  ['assert.ok truthy', () => { assert.ok('x'); return 'ok'; }],
  ['strictEqual numbers', () => { assert.strictEqual(1, 2); }],
  ['strictEqual strings', () => { assert.strictEqual('hello world', 'hello there'); }],
  ['strictEqual long strings', () => { assert.strictEqual('a'.repeat(30) + 'b', 'a'.repeat(30) + 'c'); }],
  ['strictEqual objects', () => { assert.strictEqual({ a: 1 }, { a: 1 }); }],
  ['strictEqual objects differ', () => { assert.strictEqual({ a: 1 }, { a: 2 }); }],
  ['strictEqual message', () => { assert.strictEqual(1, 2, 'one is not two'); }],
  ['strictEqual zero', () => { assert.strictEqual(0, -0); }],
  ['strictEqual NaN', () => { assert.strictEqual(NaN, NaN); return 'ok'; }],
  ['strictEqual missing args', () => { assert.strictEqual(1); }],
  ['notStrictEqual', () => { assert.notStrictEqual(1, 1); }],
  ['notStrictEqual long', () => { assert.notStrictEqual('a long string value', 'a long string value'); }],
  ['notStrictEqual object', () => { const o = { a: 1 }; assert.notStrictEqual(o, o); }],
  ['equal loose pass', () => { assert.equal(1, '1'); assert.equal(NaN, NaN); return 'ok'; }],
  ['equal fail', () => { assert.equal(1, 2); }],
  ['notEqual fail', () => { assert.notEqual(1, '1'); }],
  ['deepEqual loose pass', () => { assert.deepEqual({ a: 1, b: [1, '2'] }, { a: '1', b: ['1', 2] }); return 'ok'; }],
  ['deepEqual fail', () => { assert.deepEqual({ a: 1 }, { a: 2 }); }],
  ['notDeepEqual fail', () => { assert.notDeepEqual({ a: 1 }, { a: 1 }); }],
  ['deepStrictEqual pass', () => {
    assert.deepStrictEqual({ a: [1, { b: new Date(5) }], m: new Map([[1, { x: 1 }]]), s: new Set([1, 'a']) },
      { a: [1, { b: new Date(5) }], m: new Map([[1, { x: 1 }]]), s: new Set(['a', 1]) });
    return 'ok';
  }],
  ['deepStrictEqual nested diff', () => {
    assert.deepStrictEqual({ name: 'x', items: [1, 2, 3], nested: { deep: true } }, { name: 'x', items: [1, 2, 4], nested: { deep: false } });
  }],
  ['deepStrictEqual types', () => { assert.deepStrictEqual({ a: 1 }, { a: '1' }); }],
  ['deepStrictEqual prototype', () => { assert.deepStrictEqual(Object.create(null), {}); }],
  ['deepStrictEqual -0', () => { assert.deepStrictEqual([0], [-0]); }],
  ['deepStrictEqual NaN', () => { assert.deepStrictEqual([NaN], [NaN]); return 'ok'; }],
  ['deepStrictEqual same structure', () => { assert.deepStrictEqual({ a: Symbol.for('s') }, { a: Symbol('s') }); }],
  ['deepStrictEqual long arrays', () => {
    const a = Array.from({ length: 30 }, (_, i) => i);
    const b = a.slice();
    b[15] = 'x';
    assert.deepStrictEqual(a, b);
  }],
  ['deepStrictEqual map diff', () => { assert.deepStrictEqual(new Map([['a', 1]]), new Map([['a', 2]])); }],
  ['deepStrictEqual regexp', () => { assert.deepStrictEqual(/a/g, /a/i); }],
  ['deepStrictEqual typed', () => { assert.deepStrictEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])); }],
  ['deepStrictEqual buffer vs uint8', () => { assert.deepStrictEqual(Buffer.from([1]), new Uint8Array([1])); }],
  ['deepStrictEqual message', () => { assert.deepStrictEqual([1], [2], 'lists differ'); }],
  ['deepStrictEqual errors', () => { assert.deepStrictEqual(new Error('a'), new Error('b')); }],
  ['deepStrictEqual circular', () => {
    const a = { x: 1 }; a.self = a;
    const b = { x: 1 }; b.self = b;
    assert.deepStrictEqual(a, b);
    return 'ok';
  }],
  ['deepStrictEqual sparse', () => { assert.deepStrictEqual([1, , 3], [1, undefined, 3]); }],
  ['deepStrictEqual symbols keys', () => {
    const s = Symbol('k');
    assert.deepStrictEqual({ [s]: 1 }, { [s]: 2 });
  }],
  ['deepStrictEqual boxed', () => { assert.deepStrictEqual(new Number(1), new Number(2)); }],
  ['notDeepStrictEqual fail', () => { assert.notDeepStrictEqual({ a: [1] }, { a: [1] }); }],
  ['notDeepStrictEqual multi', () => { assert.notDeepStrictEqual({ a: [1, 2], b: 'x' }, { a: [1, 2], b: 'x' }); }],
  ['throws pass', () => { assert.throws(() => { throw new TypeError('bad'); }, TypeError); return 'ok'; }],
  ['throws missing', () => { assert.throws(() => {}); }],
  ['throws missing message', () => { class MyError extends Error {} assert.throws(() => {}, MyError, 'should throw'); }],
  ['throws wrong class', () => { assert.throws(() => { throw new RangeError('r'); }, TypeError); }],
  ['throws regexp fail', () => { assert.throws(() => { throw new Error('abc'); }, /xyz/); }],
  ['throws object pass', () => { assert.throws(() => { throw new Error('abc'); }, { message: 'abc', name: 'Error' }); return 'ok'; }],
  ['throws object fail', () => { assert.throws(() => { const e = new Error('abc'); e.code = 'X'; throw e; }, { message: 'abc', code: 'Y' }); }],
  ['throws validation fn', () => { assert.throws(() => { throw new Error('v'); }, (e) => e.message === 'nope'); }],
  ['throws not a function', () => { assert.throws('nope'); }],
  ['throws string ambiguous', () => { assert.throws(() => { throw new Error('same'); }, 'same'); }],
  ['throws empty object', () => { assert.throws(() => { throw new Error('e'); }, {}); }],
  ['doesNotThrow fail', () => { assert.doesNotThrow(() => { throw new Error('oops'); }); }],
  ['doesNotThrow message', () => { assert.doesNotThrow(() => { throw new Error('oops'); }, 'it threw'); }],
  ['rejects pass', async () => { await assert.rejects(Promise.reject(new Error('no')), /no/); return 'ok'; }],
  ['rejects missing', async () => { await assert.rejects(Promise.resolve(1)); }],
  ['rejects fn not promise', async () => { await assert.rejects(() => 5); }],
  ['rejects bad arg', async () => { await assert.rejects(5); }],
  ['doesNotReject fail', async () => { await assert.doesNotReject(Promise.reject(new Error('nope'))); }],
  ['doesNotReject pass', async () => { await assert.doesNotReject(async () => 1); return 'ok'; }],
  ['match fail', () => { assert.match('abc', /x/); }],
  ['match non-string', () => { assert.match(123, /x/); }],
  ['match bad regexp', () => { assert.match('abc', 'x'); }],
  ['doesNotMatch fail', () => { assert.doesNotMatch('abc', /b/); }],
  ['fail no args', () => { assert.fail(); }],
  ['fail message', () => { assert.fail('boom'); }],
  ['fail error', () => { assert.fail(new TypeError('te')); }],
  ['ifError null', () => { assert.ifError(null); return 'ok'; }],
  ['ifError error', () => { assert.ifError(new Error('bad thing')); }],
  ['ifError string', () => { assert.ifError('str'); }],
  ['AssertionError class', () => {
    const e = new assert.AssertionError({ actual: 1, expected: 2, operator: 'strictEqual' });
    return [e.name, e.code, e.message, e.generatedMessage, e instanceof Error, String(e)];
  }],
  ['AssertionError custom message', () => {
    const e = new assert.AssertionError({ message: 'mine', actual: 'a', expected: 'b', operator: 'x' });
    return [e.message, e.generatedMessage, e.operator];
  }],
  ['AssertionError inspect', () => {
    try { assert.strictEqual('a\n'.repeat(20), 'b'); } catch (e) { return util.inspect(e).split('\n    at ')[0] + ' | ' + util.inspect(e).split('\n').filter((l) => !l.includes('    at ')).slice(-7).join('|'); }
  }],
  ['assert.strict identity', () => [assert.strict === strict, strict.equal === assert.strictEqual, strict.strict === strict, typeof strict]],
  ['strict.equal fail', () => { strict.equal(1, '1'); }],
  ['strict.deepEqual fail', () => { strict.deepEqual([1], ['1']); }],
  ['strict ok', () => { strict(false, 'strict says no'); }],
  ['assert keys', () => Object.keys(assert).sort()],

  // ---- util ----
  ['util.format', () => util.format('%s:%d:%i:%f:%j:%o:%O:%%', 'a', 4.5, 4.5, '1.5', { a: 1 }, [1], { b: 2 }, 'extra')],
  ['util.inspect', () => util.inspect({ a: { b: { c: { d: 1 } } }, s: 'x' }, { depth: 0 })],
  ['util.isDeepStrictEqual', () => [util.isDeepStrictEqual({ a: [1] }, { a: [1] }), util.isDeepStrictEqual([1], ['1']), util.isDeepStrictEqual(new Set([{}]), new Set([{}]))]],
  ['util.promisify', async () => {
    const fn = (a, b, cb) => setTimeout(() => cb(null, a + b), 1);
    const failing = (cb) => cb(new Error('cb failed'));
    const r = await util.promisify(fn)(2, 3);
    let err;
    try { await util.promisify(failing)(); } catch (e) { err = e.message; }
    return [r, err];
  }],
  ['util.promisify setTimeout', async () => {
    const sleep = util.promisify(setTimeout);
    const t0 = Date.now();
    const v = await sleep(20, 'value');
    return [v, Date.now() - t0 >= 15, sleep === util.promisify(setTimeout)];
  }],
  ['util.promisify custom', () => {
    const f = () => {};
    f[util.promisify.custom] = () => 'custom';
    return [util.promisify(f)(), util.promisify.custom === Symbol.for('nodejs.util.promisify.custom')];
  }],
  ['util.promisify bad', () => util.promisify(5)],
  ['util.callbackify', async () => {
    const cbf = util.callbackify(async (x) => x * 2);
    const cbfail = util.callbackify(async () => { throw new Error('cbx'); });
    const falsy = util.callbackify(() => Promise.reject(null));
    const r1 = await new Promise((res) => cbf(21, (e, v) => res([e, v])));
    const r2 = await new Promise((res) => cbfail((e) => res(e.message)));
    const r3 = await new Promise((res) => falsy((e) => res([e.message, e.code, e.reason])));
    return [r1, r2, r3, cbf.name, cbf.length];
  }],
  ['util.inherits', () => {
    function A() {}
    A.prototype.hi = () => 'hi';
    function B() {}
    util.inherits(B, A);
    return [new B().hi(), B.super_ === A, new B() instanceof A];
  }],
  ['util.inherits bad', () => { util.inherits(function () {}, null); }],
  ['util.deprecate', () => {
    const f = util.deprecate((x) => x + 1, 'f is old', 'DEP0999');
    return [f(1), f(2), typeof f];
  }],
  ['util.types', () => {
    const t = util.types;
    return [t.isPromise(Promise.resolve()), t.isPromise({ then() {} }), t.isDate(new Date()), t.isDate({}),
      t.isRegExp(/x/), t.isRegExp({}), t.isMap(new Map()), t.isSet(new Set()), t.isTypedArray(new Uint8Array(1)),
      t.isUint8Array(Buffer.alloc(1)), t.isArrayBuffer(new ArrayBuffer(1)), t.isNativeError(new TypeError()),
      t.isBoxedPrimitive(new String('')), t.isAsyncFunction(async () => {}), t.isGeneratorFunction(function* () {})];
  }],
  ['util misc', () => [util.isArray([]), util.stripVTControlCharacters('\u001b[31mred\u001b[39m'), util.toUSVString('a\ud800b'),
    util.styleText('red', 'x'), util.getSystemErrorName(-2), typeof util.TextEncoder, typeof util.debuglog('x')]],
  ['util.parseEnv', () => util.parseEnv('A=1\n# comment\nB="two words"\nexport C=three\nD=\'q\'\n')],

  // ---- path ----
  ['path.join', () => [path.join('/a/b', '../c', './d'), path.join('a', '', 'b/'), path.join(), path.join('..', 'x'), path.join('/', '..')]],
  ['path.normalize', () => ['/a//b/../c/.', 'a/./b/', '', './', '../../a', '/..', '//x'].map(path.normalize)],
  ['path.resolve', () => [path.resolve('/a', 'b', '../c'), path.resolve('/x', '/y', 'z'), path.resolve('out/shot.png'), path.resolve('')]],
  ['path.relative', () => [path.relative('/a/b/c', '/a/d'), path.relative('/a', '/a/b/c'), path.relative('/a/b', '/a/b'), path.relative('/', '/x'), path.relative('/a/bc', '/a/b')]],
  ['path.dirname', () => ['/a/b/c', '/a/b/', 'a', '/', '', '//a', 'a/b'].map(path.dirname)],
  ['path.basename', () => [path.basename('/a/b.html'), path.basename('/a/b.html', '.html'), path.basename('/a/b/'), path.basename('b.html', 'b.html'), path.basename('/a/b.html', 'html'), path.basename('')]],
  ['path.extname', () => ['index.html', 'index.', 'index', '.index', '.index.md', 'a/b.c/d', 'file.tar.gz', '..'].map(path.extname)],
  ['path.parse', () => ['/home/user/dir/file.txt', 'file', '/', './a.b', '.bashrc', ''].map(path.parse)],
  ['path.format', () => [path.format({ root: '/', dir: '/home', base: 'f.txt' }), path.format({ name: 'f', ext: 'txt' }), path.format({ root: '/', name: 'f', ext: '.md' })]],
  ['path misc', () => [path.sep, path.delimiter, path.isAbsolute('/x'), path.isAbsolute('x'), path.posix === path, path.toNamespacedPath('/a')]],
  ['path bad arg', () => path.join('a', 5)],
  ['path resolve bad arg', () => path.resolve(null)],

  // ---- Buffer ----
  ['Buffer.from string', () => [Buffer.from('héllo'), Buffer.from('héllo', 'latin1'), Buffer.from('68656c6c6f', 'hex'), Buffer.from('aGVsbG8', 'base64'), Buffer.from('aGV_-w', 'base64url')]],
  ['Buffer toString', () => {
    const b = Buffer.from([0xe2, 0x82, 0xac, 0xff, 0x41, 0xe9]);
    return ['utf8', 'hex', 'base64', 'base64url', 'latin1', 'ascii', 'ucs2', 'binary'].map((e) => b.toString(e));
  }],
  ['Buffer toString range', () => { const b = Buffer.from('hello world'); return [b.toString('utf8', 6), b.toString('utf8', 0, 5), b.toString(undefined, -1, 100), b.toString('utf8', 5, 2)]; }],
  ['Buffer utf8 invalid', () => [Buffer.from([0xe2, 0x82]).toString(), Buffer.from([0xf0, 0x9f, 0x98]).toString() + '|', Buffer.from([0xc0, 0x80, 0xed, 0xa0, 0x80]).toString(), Buffer.from('a\ud800b')]],
  ['Buffer base64 lenient', () => [Buffer.from('aGVs bG8=\n', 'base64').toString(), Buffer.from('aGVsbG8=extra', 'base64').toString(), Buffer.from('a', 'base64').length, Buffer.from('abz1', 'hex')]],
  ['Buffer.alloc', () => [Buffer.alloc(3), Buffer.alloc(4, 'ab'), Buffer.alloc(3, 1), Buffer.alloc(5, 'aGk=', 'base64'), Buffer.allocUnsafe(2).length]],
  ['Buffer.alloc bad', () => Buffer.alloc(-1)],
  ['Buffer.alloc string', () => Buffer.alloc('5')],
  ['Buffer.from array', () => [Buffer.from([1, 256, -1, 3.7]), Buffer.from(new Uint16Array([1, 258])), Buffer.from({ length: 2, 0: 9, 1: 8 }), Buffer.from({ type: 'Buffer', data: [1, 2] })]],
  ['Buffer.from arraybuffer shares', () => { const ab = new ArrayBuffer(4); const b = Buffer.from(ab, 1, 2); b[0] = 7; return [new Uint8Array(ab), b.length]; }],
  ['Buffer.from bad', () => Buffer.from(5)],
  ['Buffer.from null', () => Buffer.from(null)],
  ['Buffer.concat', () => [Buffer.concat([Buffer.from('ab'), new Uint8Array([99]), Buffer.from('d')]), Buffer.concat([Buffer.from('abc')], 2), Buffer.concat([Buffer.from('a')], 3), Buffer.concat([])]],
  ['Buffer.concat bad', () => Buffer.concat([Buffer.from('a'), 'b'])],
  ['Buffer statics', () => [Buffer.isBuffer(Buffer.alloc(1)), Buffer.isBuffer(new Uint8Array(1)), Buffer.byteLength('héllo'), Buffer.byteLength('aGk=', 'base64'), Buffer.byteLength('abcd', 'hex'), Buffer.isEncoding('UTF-8'), Buffer.isEncoding('nope'), Buffer.compare(Buffer.from('a'), Buffer.from('b')), Buffer.poolSize]],
  ['Buffer unknown encoding', () => Buffer.from('x', 'nope')],
  ['Buffer methods', () => {
    const b = Buffer.from('hello world');
    return [b.equals(Buffer.from('hello world')), b.indexOf('o'), b.lastIndexOf('o'), b.indexOf('o', 5), b.includes('wor'), b.indexOf(Buffer.from('ld')), b.indexOf(111),
      b.slice(0, 5).toString(), b.subarray(-5).toString(), b.compare(Buffer.from('hello')), b.toJSON().data.length, JSON.stringify(Buffer.from('hi'))];
  }],
  ['Buffer slice shares memory', () => { const b = Buffer.from('abc'); const s = b.slice(1); s[0] = 0x7a; return [b.toString(), s instanceof Buffer, s.constructor.name]; }],
  ['Buffer write/fill/copy', () => {
    const b = Buffer.alloc(8);
    const n = b.write('héllo', 1);
    const c = Buffer.alloc(4).fill('xy');
    const d = Buffer.from('abcdef');
    const t = Buffer.alloc(4);
    const copied = d.copy(t, 1, 2);
    return [n, b, c, copied, t, Buffer.alloc(3).fill(0x101)];
  }],
  ['Buffer read/write ints', () => {
    const b = Buffer.alloc(8);
    b.writeUInt32BE(0xdeadbeef, 0);
    b.writeInt16LE(-2, 4);
    b.writeUInt8(255, 6);
    return [b, b.readUInt32BE(0), b.readInt16LE(4), b.readUInt8(6), b.readUint16BE(0), b.readDoubleLE(0)];
  }],
  ['Buffer read out of range', () => Buffer.alloc(2).readUInt32LE(0)],
  ['Buffer inspect', () => [util.inspect(Buffer.alloc(60, 1)), util.inspect(Buffer.from('')), util.inspect(Object.assign(Buffer.from('a'), { extra: 1 }))]],
  ['Buffer instanceof', () => { const b = Buffer.from('x'); return [b instanceof Uint8Array, Object.getPrototypeOf(Buffer.prototype) === Uint8Array.prototype, b.map((x) => x + 1) instanceof Buffer, typeof Buffer, Buffer.name]; }],
  ['Buffer call without new', () => Buffer('abc').toString()],
  ['Buffer uint8array equals', () => [Buffer.from([1, 2]).equals(new Uint8Array([1, 2])), Buffer.from(new Uint8Array([5, 6]))]],
  ['Buffer equals bad', () => Buffer.from('a').equals('a')],
  ['Buffer large base64 roundtrip', () => {
    const b = Buffer.alloc(100000);
    for (let i = 0; i < b.length; i++) b[i] = (i * 31 + 7) & 255;
    const s = b.toString('base64');
    return [s.length, s.slice(0, 20), Buffer.from(s, 'base64').equals(b)];
  }],

  // ---- TextEncoder / TextDecoder / atob / btoa ----
  ['TextEncoder', () => { const e = new TextEncoder(); const d = new Uint8Array(3); return [e.encoding, e.encode('hé€'), e.encodeInto('hé€', d), d]; }],
  ['TextDecoder', () => {
    const d = new TextDecoder();
    const s = new TextDecoder('utf-8');
    const part1 = s.decode(new Uint8Array([0xe2, 0x82]), { stream: true });
    const part2 = s.decode(new Uint8Array([0xac]));
    return [d.encoding, d.decode(new Uint8Array([0xef, 0xbb, 0xbf, 104, 105])), d.decode(new Uint8Array(Buffer.from('héllo')).buffer), part1, part2, d.decode(new Uint8Array([0xff])), d.decode()];
  }],
  ['TextDecoder fatal', () => new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff]))],
  ['TextDecoder bad label', () => new TextDecoder('nope')],
  ['atob/btoa', () => [btoa('hello'), atob('aGVsbG8='), atob(' aGVs bG8 '), btoa(''), atob('YQ')]],
  ['atob invalid', () => atob('a')],
  ['atob invalid char', () => atob('a*bc')],
  ['btoa invalid', () => btoa('€')],

  // ---- structuredClone ----
  ['structuredClone', () => {
    const src = { a: [1, { b: new Date(0) }], m: new Map([[1, { x: 1 }]]), s: new Set([1]), r: /x/g, n: null, u: undefined, big: 10n, nested: { deep: { deeper: 'yes' } } };
    src.self = src;
    const c = structuredClone(src);
    return [c, c !== src, c.self === c, c.m.get(1) !== src.m.get(1), structuredClone(Buffer.from('hi')), structuredClone(new (class A { constructor() { this.q = 1; } })())];
  }],
  ['structuredClone error', () => { const e = structuredClone(new TypeError('te')); return [e instanceof TypeError, e.message]; }],
  ['structuredClone function', () => structuredClone({ f() {} })],
  ['structuredClone symbol', () => structuredClone(Symbol('x'))],
  ['structuredClone promise', () => structuredClone(Promise.resolve())],

  // ---- events ----
  ['EventEmitter basics', () => {
    const e = new EventEmitter();
    const log = [];
    const h = (x) => log.push('on:' + x);
    e.on('a', h);
    e.once('a', (x) => log.push('once:' + x));
    e.prependListener('a', (x) => log.push('first:' + x));
    e.emit('a', 1);
    e.emit('a', 2);
    e.off('a', h);
    const r = e.emit('a', 3);
    return [log, r, e.listenerCount('a'), e.emit('nothing'), e.eventNames()];
  }],
  ['EventEmitter inspect', () => { const e = new EventEmitter(); e.on('x', () => {}); e.once('y', function foo() {}); return [new EventEmitter(), e]; }],
  ['EventEmitter error', () => { new EventEmitter().emit('error', new Error('boom')); }],
  ['EventEmitter error non-error', () => { new EventEmitter().emit('error', 'boom'); }],
  ['EventEmitter error no arg', () => { new EventEmitter().emit('error'); }],
  ['EventEmitter bad listener', () => { new EventEmitter().on('x', 'nope'); }],
  ['EventEmitter removeAll', () => {
    const e = new EventEmitter();
    e.on('a', () => {}); e.on('a', () => {}); e.on('b', () => {});
    const before = [e.listenerCount('a'), e.listenerCount('b')];
    e.removeAllListeners('a');
    const mid = e.eventNames();
    e.removeAllListeners();
    return [before, mid, e.eventNames(), e.listeners('a')];
  }],
  ['EventEmitter subclass', () => {
    class My extends EventEmitter {}
    const m = new My();
    let got;
    m.on('evt', function (v) { got = [v, this === m]; });
    m.emit('evt', 'x');
    return [got, m instanceof EventEmitter, EventEmitter.EventEmitter === EventEmitter, EventEmitter.defaultMaxListeners, m.getMaxListeners()];
  }],
  ['EventEmitter inherits style', () => {
    function Old() { EventEmitter.call(this); }
    util.inherits(Old, EventEmitter);
    const o = new Old();
    let n = 0;
    o.on('t', () => n++);
    o.emit('t'); o.emit('t');
    return [n, Object.keys(o)];
  }],
  ['EventEmitter newListener/removeListener', () => {
    const e = new EventEmitter();
    const log = [];
    e.on('newListener', (name) => log.push('new:' + String(name)));
    e.on('removeListener', (name) => log.push('rm:' + String(name)));
    const f = () => {};
    e.on('x', f);
    e.off('x', f);
    return log;
  }],
  ['events.once', async () => {
    const e = new EventEmitter();
    setTimeout(() => e.emit('ready', 1, 2), 1);
    const args = await EventEmitter.once(e, 'ready');
    const e2 = new EventEmitter();
    setTimeout(() => e2.emit('error', new Error('once err')), 1);
    let err;
    try { await require('events').once(e2, 'ready'); } catch (x) { err = x.message; }
    return [args, err];
  }],
  ['events.on iterator', async () => {
    const e = new EventEmitter();
    setTimeout(() => { e.emit('d', 1); e.emit('d', 2); e.emit('d', 3); }, 1);
    const got = [];
    const it = require('events').on(e, 'd');
    for (;;) {
      const { value } = await it.next();
      got.push(value[0]);
      if (got.length === 3) break;
    }
    await it.return();
    return [got, e.listenerCount('d'), typeof it[Symbol.asyncIterator]];
  }],
  ['events module shape', () => { const ev = require('events'); return [typeof ev, ev === EventEmitter, typeof ev.once, typeof ev.on, ev.errorMonitor.toString()]; }],
  ['EventEmitter max listeners', () => {
    const e = new EventEmitter();
    e.setMaxListeners(1);
    return [e.getMaxListeners(), e.setMaxListeners(2) === e];
  }],

  // ---- timers/promises ----
  ['timers/promises', async () => {
    const tp = require('timers/promises');
    const v1 = await tp.setTimeout(5, 'later');
    const v2 = await tp.setImmediate('soon');
    return [v1, v2, typeof tp.setInterval];
  }],

  // ---- fs (inside the output directory) ----
  ['fs write/read', () => {
    fs.writeFileSync('note.txt', 'hello');
    fs.appendFileSync('note.txt', ' world');
    return [fs.readFileSync('note.txt', 'utf8'), fs.readFileSync('note.txt'), fs.readFileSync('note.txt', { encoding: 'hex' }), fs.existsSync('note.txt'), fs.existsSync('nope.txt')];
  }],
  ['fs write buffer', () => {
    fs.writeFileSync('bin.dat', Buffer.from([1, 2, 3]));
    fs.writeFileSync('u8.dat', new Uint8Array([4, 5]));
    fs.writeFileSync('b64.txt', 'aGk=', 'base64');
    return [fs.readFileSync('bin.dat'), fs.readFileSync('u8.dat'), fs.readFileSync('b64.txt', 'utf8')];
  }],
  ['fs read missing', () => fs.readFileSync('missing.txt')],
  ['fs read missing utf8', () => fs.readFileSync('missing.txt', 'utf8')],
  ['fs write bad data', () => fs.writeFileSync('x.txt', 5)],
  ['fs write object data', () => fs.writeFileSync('x.txt', { a: 1 })],
  ['fs read no path', () => fs.readFileSync()],
  ['fs read null bytes', () => fs.readFileSync('a\u0000b')],
  ['fs bad encoding', () => { fs.writeFileSync('enc.txt', 'x'); return fs.readFileSync('enc.txt', 'bogus'); }],
  ['fs wx flag', () => { fs.writeFileSync('wx.txt', 'a', { flag: 'wx' }); fs.writeFileSync('wx.txt', 'b', { flag: 'wx' }); }],
  ['fs mkdir', () => [fs.mkdirSync('d1/d2/d3', { recursive: true }), fs.mkdirSync('d1/d2/d3', { recursive: true }), fs.existsSync('d1/d2')]],
  ['fs mkdir exists', () => { fs.mkdirSync('dx'); fs.mkdirSync('dx'); }],
  ['fs readdir', () => {
    fs.mkdirSync('list', { recursive: true });
    fs.writeFileSync('list/b.txt', 'b');
    fs.writeFileSync('list/a.txt', 'a');
    return fs.readdirSync('list').sort();
  }],
  ['fs readdir missing', () => fs.readdirSync('no-such-dir')],
  ['fs unlink', () => { fs.writeFileSync('gone.txt', 'x'); fs.unlinkSync('gone.txt'); return fs.existsSync('gone.txt'); }],
  ['fs unlink missing', () => fs.unlinkSync('missing.txt')],
  ['fs rm', () => { fs.writeFileSync('rm.txt', 'x'); fs.rmSync('rm.txt'); fs.rmSync('missing.txt', { force: true }); return fs.existsSync('rm.txt'); }],
  ['fs rm missing', () => fs.rmSync('missing.txt')],
  ['fs stat', () => { fs.writeFileSync('st.txt', 'four'); const s = fs.statSync('st.txt'); return [s.size, s.isFile(), s.isDirectory(), fs.statSync('list').isDirectory(), fs.statSync('nope', { throwIfNoEntry: false })]; }],
  ['fs stat missing', () => fs.statSync('missing.txt')],
  ['fs access missing', () => fs.accessSync('missing.txt')],
  ['fs copy/rename', () => {
    fs.writeFileSync('src.txt', 'data');
    fs.copyFileSync('src.txt', 'copy.txt');
    fs.renameSync('copy.txt', 'moved.txt');
    return [fs.readFileSync('moved.txt', 'utf8'), fs.existsSync('copy.txt')];
  }],
  ['fs copy missing', () => fs.copyFileSync('missing.txt', 'b.txt')],
  ['fs rename missing', () => fs.renameSync('missing.txt', 'b.txt')],
  ['fs callbacks', async () => {
    const w = await new Promise((res) => fs.writeFile('cb.txt', 'via cb', (err) => res(err)));
    const r = await new Promise((res) => fs.readFile('cb.txt', 'utf8', (err, data) => res([err, data])));
    const m = await new Promise((res) => fs.readFile('missing.txt', (err, data) => res([err.code, err.syscall, data])));
    return [w, r, m];
  }],
  ['fs callback missing cb', () => fs.readFile('x')],
  ['fs promises', async () => {
    const fsp = require('fs/promises');
    await fsp.writeFile('p.txt', 'promised');
    await fsp.appendFile('p.txt', '!');
    const text = await fsp.readFile('p.txt', 'utf8');
    let err;
    try { await fsp.readFile('missing.txt'); } catch (e) { err = [e.code, e.message]; }
    await fsp.mkdir('pdir/sub', { recursive: true });
    await fsp.unlink('p.txt');
    return [text, err, fsp === fs.promises, fs.existsSync('p.txt')];
  }],
  ['fs write stream', async () => {
    const ws = fs.createWriteStream('stream.txt');
    ws.write('one ');
    ws.write(Buffer.from('two '));
    await new Promise((res) => ws.end('three', res));
    return fs.readFileSync('stream.txt', 'utf8');
  }],
  ['fs url path', () => { fs.writeFileSync(require('url').pathToFileURL('url.txt'), 'u'); return fs.readFileSync('url.txt', 'utf8'); }],
  ['fs constants', () => [fs.constants.F_OK, fs.constants.R_OK, fs.constants.W_OK, fs.constants.X_OK, fs.constants.COPYFILE_EXCL]],

  // ---- url / os / dotenv ----
  ['url module', () => {
    const url = require('url');
    return [url.URL === URL, url.URLSearchParams === URLSearchParams, url.fileURLToPath('file:///tmp/a%20b.txt'), url.pathToFileURL('/tmp/a b#c.txt').href, url.pathToFileURL('/x/dir/').href];
  }],
  ['fileURLToPath bad scheme', () => require('url').fileURLToPath('http://x/y')],
  ['fileURLToPath bad type', () => require('url').fileURLToPath(5)],
  ['fileURLToPath encoded slash', () => require('url').fileURLToPath('file:///a%2Fb')],
  ['os shape', () => { const os = require('os'); return [os.EOL, typeof os.platform(), typeof os.tmpdir(), typeof os.homedir(), typeof os.hostname(), Array.isArray(os.cpus())]; }],
  ['string_decoder', () => {
    const { StringDecoder } = require('string_decoder');
    const d = new StringDecoder('utf8');
    return [d.write(Buffer.from([0xe2, 0x82])), d.write(Buffer.from([0xac])), d.end(Buffer.from('!'))];
  }],
  ['crypto hash', () => {
    const c = require('crypto');
    return [c.createHash('sha256').update('abc').digest('hex'), c.createHash('md5').update('a').update(Buffer.from('b')).digest('base64'),
      c.createHmac('sha1', 'key').update('msg').digest('hex'), c.createHash('sha512').update('').digest().length,
      typeof c.randomUUID(), /^[0-9a-f-]{36}$/.test(c.randomUUID()), c.randomBytes(8).length, c.timingSafeEqual(Buffer.from('a'), Buffer.from('a'))];
  }],
  ['crypto bad digest', () => require('crypto').createHash('nope')],
  ['buffer module', () => { const b = require('buffer'); return [b.Buffer === Buffer, b.kMaxLength, b.constants.MAX_LENGTH, typeof b.atob]; }],

  // ---- more assert messages ----
  ['strictEqual multiline strings', () => { assert.strictEqual('line1\nline2\nline3\n', 'line1\nlineX\nline3\n'); }],
  ['strictEqual array vs array', () => { assert.strictEqual([1, 2, 3], [1, 2, 3]); }],
  ['strictEqual fn', () => { assert.strictEqual(function a() {}, function b() {}); }],
  ['strictEqual null undefined', () => { assert.strictEqual(null, undefined); }],
  ['strictEqual bigints', () => { assert.strictEqual(1n, 2n); }],
  ['strictEqual short vs long', () => { assert.strictEqual('a', 'a very long string that goes on'); }],
  ['deepStrictEqual big objects', () => {
    const mk = (v) => ({ id: 1, name: 'product', price: 9.99, tags: ['a', 'b', 'c'], stock: { warehouse: 10, store: v }, active: true, created: 'yesterday', extra1: 1, extra2: 2, extra3: 3, extra4: 4 });
    assert.deepStrictEqual(mk(1), mk(2));
  }],
  ['deepStrictEqual many lines', () => {
    const a = Array.from({ length: 120 }, (_, i) => ({ i }));
    const b = a.map((x) => ({ ...x }));
    b[3].i = 'three';
    b[100].i = 'hundred';
    assert.deepStrictEqual(a, b);
  }],
  ['deepStrictEqual extra key', () => { assert.deepStrictEqual({ a: 1, b: 2 }, { a: 1 }); }],
  ['deepStrictEqual missing key', () => { assert.deepStrictEqual({ a: 1 }, { a: 1, b: 2 }); }],
  ['deepStrictEqual class instances', () => { class A { constructor() { this.x = 1; } } assert.deepStrictEqual(new A(), { x: 1 }); }],
  ['deepStrictEqual dates', () => { assert.deepStrictEqual(new Date(0), new Date(1)); }],
  ['deepStrictEqual set objects', () => { assert.deepStrictEqual(new Set([{ a: 1 }, { b: 2 }]), new Set([{ b: 2 }, { a: 1 }])); return 'ok'; }],
  ['deepStrictEqual map object keys', () => { assert.deepStrictEqual(new Map([[{ k: 1 }, 'v']]), new Map([[{ k: 1 }, 'v']])); return 'ok'; }],
  ['deepEqual loose set', () => { assert.deepEqual(new Set([1, '2']), new Set(['1', 2])); return 'ok'; }],
  ['deepEqual loose map', () => { assert.deepEqual(new Map([[1, 'a']]), new Map([['1', 'a']])); return 'ok'; }],
  ['deepEqual null undefined', () => { assert.deepEqual({ a: null }, { a: undefined }); return 'ok'; }],
  ['deepEqual different types', () => { assert.deepEqual([1], { 0: 1, length: 1 }); }],
  ['deepEqual errors', () => { assert.deepEqual(new Error('x'), new TypeError('x')); }],
  ['deepEqual long message', () => { assert.deepEqual({ s: 'x'.repeat(600) }, { s: 'y' }); }],
  ['notDeepEqual loose', () => { assert.notDeepEqual([1, 2], ['1', '2']); }],
  ['notDeepEqual unequal', () => { assert.notDeepEqual({ a: 1 }, { a: 2 }); return 'ok'; }],
  ['equal objects', () => { assert.equal({ a: 1 }, { a: 1 }); }],
  ['notEqual message', () => { assert.notEqual(1, 1, new RangeError('custom error')); }],
  ['equal message', () => { assert.equal(1, 2, 'should be equal'); }],
  ['throws class message', () => { assert.throws(() => { throw new TypeError('abc'); }, RangeError); }],
  ['throws non-error thrown', () => { assert.throws(() => { throw 'a string'; }, TypeError); }],
  ['throws error instance', () => { assert.throws(() => { throw new TypeError('abc'); }, new TypeError('abd')); }],
  ['throws primitive thrown with object', () => { assert.throws(() => { throw 5; }, { message: 'x' }); }],
  ['throws regex in object', () => { assert.throws(() => { throw new Error('hello world'); }, { message: /hello/ }); return 'ok'; }],
  ['doesNotThrow matching class', () => { assert.doesNotThrow(() => { throw new TypeError('t'); }, TypeError, 'msg'); }],
  ['doesNotThrow other class', () => { assert.doesNotThrow(() => { throw new TypeError('t'); }, RangeError); }],
  ['rejects validation object', async () => { await assert.rejects(async () => { throw new Error('nope'); }, { message: 'yes' }); }],
  ['rejects class', async () => { await assert.rejects(Promise.reject(new TypeError('t')), TypeError); return 'ok'; }],
  ['match long', () => { assert.match('x'.repeat(100), /y/); }],
  ['fail two args', () => { assert.fail(1, 2); }],
  ['fail four args', () => { assert.fail(1, 2, undefined, '>'); }],
  ['ok in nested fn', () => {
    const check = (v) => assert(v > 10, undefined);
    check(5);
  }],
  ['ok with await', async () => { const v = await Promise.resolve(0); assert.ok(v); }],
  ['AssertionError bad options', () => new assert.AssertionError()],
  ['AssertionError details', () => { const e = new assert.AssertionError({ message: 'm', details: [{ message: 'd', actual: 1, expected: 2, operator: 'x', stack: 's' }] }); return Object.keys(e); }],
  ['CallTracker', () => {
    const tracker = new assert.CallTracker();
    const f = tracker.calls(function work() {}, 2);
    f();
    const report = tracker.report().map((r) => [r.message, r.actual, r.expected, r.operator]);
    let verify;
    try { tracker.verify(); } catch (e) { verify = e.message; }
    return [report, verify, tracker.getCalls(f).length];
  }],

  // ---- more util ----
  ['util.format more', () => [util.format('%s', { a: { b: { c: 1 } } }), util.format('%s', [1, [2]]), util.format('%d', '0x10'), util.format('%i', 2.9),
    util.format('%s', null, undefined), util.format(1, 'a', { b: 2 }), util.format('%c', 'css'), util.format('no args %s'), util.format('%o', 'str'), util.format('%s', 5n), util.format('%s', Symbol('s'))]],
  ['util.formatWithOptions', () => util.formatWithOptions({ depth: 0 }, '%O', { a: { b: 1 } })],
  ['util.inspect options', () => [util.inspect('str'), util.inspect(new Map([[1, { a: [1, 2] }]]), { depth: 0 }), util.inspect({ b: 1, a: 2 }, { sorted: true }),
    util.inspect([1, 2, 3], { maxArrayLength: 1 }), util.inspect('x'.repeat(20), { maxStringLength: 5 }), util.inspect({ a: 1 }, { compact: false })]],
  ['util.inspect custom', () => {
    class P { [util.inspect.custom](depth, opts) { return 'P<' + depth + '>'; } }
    return [util.inspect(new P()), util.inspect({ p: new P() })];
  }],
  ['util.callbackify bad', () => util.callbackify('x')],
  ['util.deprecate code type', () => util.deprecate(() => {}, 'm', 5)],
  ['util.types.isBoxedPrimitive', () => [util.types.isBoxedPrimitive(Object(1n)), util.types.isBoxedPrimitive(Object(Symbol())), util.types.isBoxedPrimitive(1), util.types.isNumberObject(new Number(1)), util.types.isStringObject('s')]],
  ['util.isDeepStrictEqual misc', () => [util.isDeepStrictEqual(new Date(1), new Date(1)), util.isDeepStrictEqual(/a/g, /a/g), util.isDeepStrictEqual([1, 2], [1, 2, 3]),
    util.isDeepStrictEqual({ a: undefined }, {}), util.isDeepStrictEqual(new Number(1), new Number(1)), util.isDeepStrictEqual(Buffer.from('a'), Buffer.from('a')),
    util.isDeepStrictEqual(new Error('x'), new Error('x')), util.isDeepStrictEqual(new URL('http://a/'), new URL('http://a/')), util.isDeepStrictEqual(new URL('http://a/'), new URL('http://b/'))]],

  // ---- more Buffer ----
  ['Buffer indexOf edge', () => {
    const b = Buffer.from('abcabc');
    return [b.indexOf(''), b.indexOf('', 10), b.lastIndexOf('abc'), b.lastIndexOf('abc', 2), b.indexOf('c', -2), b.indexOf('z'), b.lastIndexOf(''), b.indexOf(97, 1), b.includes(Buffer.from('ca'))];
  }],
  ['Buffer indexOf bad', () => Buffer.from('a').indexOf({})],
  ['Buffer write encodings', () => {
    const b = Buffer.alloc(6);
    return [b.write('ff00', 'hex'), b, b.write('aGk=', 2, 'base64'), b, b.write('€', 5), b];
  }],
  ['Buffer fill variants', () => [Buffer.alloc(5).fill('abc', 1), Buffer.alloc(4).fill('00ff', 'hex'), Buffer.alloc(3).fill(Buffer.from([1, 2])), Buffer.alloc(2).fill(true)]],
  ['Buffer fill bad encoding', () => Buffer.alloc(2).fill('a', 'nope')],
  ['Buffer compare ranges', () => { const a = Buffer.from('abcdef'); const b = Buffer.from('cd'); return [a.compare(b, 0, 2, 2, 4), a.compare(b), b.compare(a), Buffer.compare(a, a)]; }],
  ['Buffer copy bad', () => Buffer.from('a').copy('x')],
  ['Buffer toJSON roundtrip', () => Buffer.from(JSON.parse(JSON.stringify(Buffer.from('hey'))))],
  ['Buffer from string object', () => [Buffer.from(new String('abc')), Buffer.from({ [Symbol.toPrimitive]: () => 'prim' })]],
  ['Buffer ucs2', () => [Buffer.from('hé€', 'utf16le'), Buffer.from([0x68, 0, 0xe9, 0, 0xac, 0x20, 0x41]).toString('ucs2')]],
  ['Buffer float/double', () => { const b = Buffer.alloc(12); b.writeFloatLE(1.5, 0); b.writeDoubleBE(-2.25, 4); return [b, b.readFloatLE(0), b.readDoubleBE(4)]; }],
  ['Buffer write int range', () => Buffer.alloc(2).writeUInt8(300, 0)],
  ['Buffer bigint', () => { const b = Buffer.alloc(8); b.writeBigUInt64LE(2n ** 63n); return [b, b.readBigUInt64LE(), b.readBigInt64LE()]; }],
  ['Buffer byteLength types', () => [Buffer.byteLength(new ArrayBuffer(7)), Buffer.byteLength(new Uint16Array(3)), Buffer.byteLength('€€'), Buffer.byteLength('€', 'latin1')]],
  ['Buffer byteLength bad', () => Buffer.byteLength(5)],
  ['Buffer swap16', () => Buffer.from([1, 2, 3, 4]).swap16()],
  ['Buffer parent/offset', () => { const b = Buffer.from(new ArrayBuffer(8), 2, 4); return [b.offset, b.parent.byteLength, b.byteOffset]; }],
  ['Buffer toString unknown', () => Buffer.from('a').toString('nope')],
  ['Buffer isUtf8', () => { const { isUtf8 } = require('buffer'); return [isUtf8(Buffer.from('héllo')), isUtf8(Buffer.from([0xff])), isUtf8(Buffer.from('\ufffd'))]; }],

  // ---- more path ----
  ['path edge joins', () => [path.join('a/', '/b/'), path.join('/a/', '..', '..', 'b'), path.join('a', '..'), path.join('.', '.'), path.normalize('a/b/../../..'), path.normalize('./a/')]],
  ['path relative edge', () => [path.relative('/a/b', '/a/b/c/d'), path.relative('/a/b/c', '/a'), path.relative('/a/b', '/c/d'), path.relative('a', 'b'), path.relative('', '')]],
  ['path basename ext edge', () => [path.basename('a.txt', '.txt'), path.basename('.txt', '.txt'), path.basename('dir/a.txt/', '.txt'), path.basename('aaa', 'a'), path.extname('a.b.'), path.extname('/a.b/c')]],
  ['path parse edge', () => ['//a//b.c', 'a/', '../x.y', '/.hidden', 'a..'].map(path.parse)],
  ['path format bad', () => path.format(null)],
  ['path basename bad suffix', () => path.basename('a', 5)],
  ['path dirname bad', () => path.dirname(undefined)],

  // ---- more events ----
  ['EventEmitter listeners', () => {
    const e = new EventEmitter();
    const f = () => {};
    e.once('x', f);
    e.on('x', f);
    return [e.listeners('x').map((l) => l === f), e.rawListeners('x').map((l) => l === f), e.listenerCount('x', f), EventEmitter.listenerCount(e, 'x')];
  }],
  ['EventEmitter prependOnce order', () => {
    const e = new EventEmitter();
    const log = [];
    e.on('x', () => log.push(1));
    e.prependOnceListener('x', () => log.push(0));
    e.emit('x'); e.emit('x');
    return log;
  }],
  ['EventEmitter remove during emit', () => {
    const e = new EventEmitter();
    const log = [];
    const b = () => log.push('b');
    e.on('x', () => { log.push('a'); e.off('x', b); });
    e.on('x', b);
    e.emit('x');
    e.emit('x');
    return log;
  }],
  ['EventEmitter error context', () => {
    try { new EventEmitter().emit('error', { code: 42 }); } catch (e) { return [e.message, e.code, e.context]; }
  }],
  ['EventEmitter setMaxListeners bad', () => new EventEmitter().setMaxListeners(-1)],
  ['EventEmitter errorMonitor', () => {
    const e = new EventEmitter();
    const seen = [];
    e.on(EventEmitter.errorMonitor, (err) => seen.push(err.message));
    e.on('error', (err) => seen.push('handled ' + err.message));
    e.emit('error', new Error('m'));
    return seen;
  }],

  // ---- misc globals ----
  ['TextEncoder/Decoder roundtrip', () => { const s = 'Grüße 🎉'; return [new TextDecoder().decode(new TextEncoder().encode(s)) === s, new TextEncoder().encode(s).length, new TextDecoder('utf-16le').decode(Buffer.from('hi', 'utf16le'))]; }],
  ['TextDecoder ignoreBOM', () => [new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])).length, new TextDecoder().decode(new DataView(new Uint8Array([65, 66]).buffer))]],
  ['structuredClone typed', () => { const u = new Uint16Array([1, 2, 3]); const c = structuredClone({ u, ab: u.buffer }); return [c.u, c.u.buffer === c.ab, c.u.buffer !== u.buffer]; }],
  ['structuredClone getters', () => structuredClone({ get g() { return 42; } })],
  ['structuredClone no args', () => structuredClone()],
  ['timers/promises scheduler', async () => { const tp = require('timers/promises'); await tp.scheduler.wait(1); return typeof tp.scheduler.yield; }],
  ['timers module', () => { const t = require('timers'); return [t.setTimeout === setTimeout, typeof t.setImmediate, typeof t.clearInterval]; }],
  ['crypto randomInt', () => { const c = require('crypto'); const vals = Array.from({ length: 50 }, () => c.randomInt(3, 6)); return [vals.every((v) => v >= 3 && v < 6 && Number.isInteger(v)), typeof c.randomInt(10)]; }],
  ['crypto hash copy', () => { const c = require('crypto'); const h = c.createHash('sha1').update('a'); const h2 = h.copy(); h2.update('b'); return [h.digest('hex'), h2.digest('hex')]; }],
  ['crypto digest twice', () => { const h = require('crypto').createHash('sha1'); h.digest(); h.digest(); }],
  ['crypto getRandomValues', () => { const a = new Uint32Array(4); const r = require('crypto').getRandomValues(a); return [r === a, a.length]; }],

  // ---- more fs ----
  ['fs readdir withFileTypes', () => {
    fs.mkdirSync('typed/sub', { recursive: true });
    fs.writeFileSync('typed/f.txt', 'x');
    fs.writeFileSync('typed/sub/g.txt', 'y');
    return fs.readdirSync('typed', { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1)).map((d) => [d.name, d.isFile(), d.isDirectory()]);
  }],
  ['fs mkdir absolute', () => { const p = path.join(process.cwd(), 'absdir', 'x'); return [fs.mkdirSync(p, { recursive: true }), fs.existsSync(p)]; }],
  ['fs mkdir bad options', () => fs.mkdirSync('q', { recursive: 'yes' })],
  ['fs exists callback', async () => [await new Promise((r) => fs.exists('note.txt', r)), await new Promise((r) => fs.exists('nope.txt', r))]],
  ['fs append callback', async () => {
    await new Promise((r, j) => fs.appendFile('app.txt', 'a', (e) => (e ? j(e) : r())));
    await new Promise((r, j) => fs.appendFile('app.txt', Buffer.from('b'), (e) => (e ? j(e) : r())));
    return fs.readFileSync('app.txt', 'latin1');
  }],
  ['fs promises stat/access', async () => {
    const fsp = require('fs').promises;
    const st = await fsp.stat('note.txt');
    let err;
    try { await fsp.access('missing.txt'); } catch (e) { err = e.message; }
    return [st.size, st.isFile(), err, typeof fsp.constants.F_OK];
  }],
  ['fs readFile encoding option object', () => fs.readFileSync('note.txt', { encoding: 'base64' })],
  ['fs write with encoding option', () => { fs.writeFileSync('enc2.txt', '68690a', { encoding: 'hex' }); return fs.readFileSync('enc2.txt', 'utf8'); }],
  ['fs callback error object', async () => new Promise((r) => fs.unlink('missing.txt', (e) => r([e.code, e.errno, e.syscall, e.path, e.message, Object.keys(e)])))],
];

module.exports = cases;
