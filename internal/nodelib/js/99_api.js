// Part 10: what the Go side calls: module(name) builds (once) and returns
// a module's exports; installGlobals(global) adds the globals.

const moduleCache = { __proto__: null };

const moduleBuilders = {
  __proto__: null,
  assert: makeAssert,
  'assert/strict': () => api.module('assert').strict,
  path: () => path,
  'path/posix': () => api.module('path'),
  util: makeUtil,
  fs: makeFs,
  'fs/promises': () => api.module('fs').promises,
  events: makeEvents,
  'timers/promises': makeTimersPromises,
  dotenv: makeDotenv,
  'dotenv/config': () => ({}),
  os: makeOs,
  url: makeUrl,
  buffer: bufferModule,
  timers: () => ({
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
    setImmediate: globalThis.setImmediate,
    clearImmediate: globalThis.clearImmediate,
    promises: api.module('timers/promises'),
  }),
  string_decoder: () => ({ StringDecoder }),
  crypto: makeCrypto,
};

function defineGlobal(g, name, value) {
  ObjectDefineProperty(g, name, { value, writable: true, enumerable: false, configurable: true });
}

const api = {
  module(name) {
    if (moduleCache[name] !== undefined) return moduleCache[name];
    const build = moduleBuilders[name];
    if (build === undefined) return undefined;
    const exports = build();
    moduleCache[name] = exports;
    return exports;
  },

  installGlobals(g) {
    if (Symbol.asyncIterator === undefined) {
      ObjectDefineProperty(Symbol, 'asyncIterator', { value: SymbolAsyncIterator, writable: false, enumerable: false, configurable: false });
    }
    defineGlobal(g, 'Buffer', Buffer);
    defineGlobal(g, 'TextEncoder', TextEncoder);
    defineGlobal(g, 'TextDecoder', TextDecoder);
    defineGlobal(g, 'atob', atobImpl);
    defineGlobal(g, 'btoa', btoaImpl);
    defineGlobal(g, 'structuredClone', structuredCloneImpl);
    if (g.DOMException === undefined) defineGlobal(g, 'DOMException', DOMException);
    if (g.performance === undefined) {
      const timeOrigin = Date.now() - host.now();
      defineGlobal(g, 'performance', {
        now: () => host.now(),
        timeOrigin,
        toJSON() { return { timeOrigin }; },
      });
    }
    if (g.crypto === undefined) {
      defineGlobal(g, 'crypto', { getRandomValues, randomUUID });
    }
    const proc = g.process;
    if (proc !== null && typeof proc === 'object') {
      if (proc.nextTick === undefined) {
        proc.nextTick = function nextTick(fn, ...args) {
          validateFunction(fn, 'callback');
          queueMicrotask(() => ReflectApply(fn, undefined, args));
        };
      }
      if (proc.hrtime === undefined) {
        const hrtime = function hrtime(prev) {
          const ms = host.now();
          let sec = Math.floor(ms / 1000);
          let ns = Math.floor((ms - sec * 1000) * 1e6);
          if (ArrayIsArray(prev)) {
            sec -= prev[0];
            ns -= prev[1];
            if (ns < 0) {
              sec--;
              ns += 1e9;
            }
          }
          return [sec, ns];
        };
        hrtime.bigint = () => BigInt(Math.floor(host.now() * 1e6));
        proc.hrtime = hrtime;
      }
      if (proc.emitWarning === undefined) {
        proc.emitWarning = (warning, type, code) => {
          if (type !== null && typeof type === 'object') {
            code = type.code;
            type = type.type;
          }
          emitWarning(isError(warning) ? warning.message : `${warning}`, typeof type === 'string' ? type : 'Warning', code);
        };
      }
    }
    // util.promisify(setTimeout) and friends resolve after the delay, as
    // in Node.
    const timersPromises = api.module('timers/promises');
    for (const [name, fn] of [['setTimeout', timersPromises.setTimeout], ['setImmediate', timersPromises.setImmediate]]) {
      const timer = g[name];
      if (typeof timer === 'function') {
        ObjectDefineProperty(timer, kCustomPromisifiedSymbol, { value: fn, writable: true, enumerable: false, configurable: true });
      }
    }
    const testGlobals = makeTestGlobals();
    for (const name of ObjectKeys(testGlobals)) defineGlobal(g, name, testGlobals[name]);
  },
};
