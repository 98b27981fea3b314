'use strict';
// Preload that runs an unmodified Puppeteer script with the puppeteer-core
// pinned in this directory and the system Chromium, launched the way
// Skriptable launches it.
//
//   node --require /path/to/testdata/node/shim.cjs script.js   (or script.mjs)
//
// What it does:
//   * require('puppeteer') and require('puppeteer-core') (and their subpaths)
//     resolve to this directory's puppeteer-core, wherever the script lives;
//   * `import ... from 'puppeteer'` / 'puppeteer-core' in ES modules resolves
//     to a generated module that re-exports that same CommonJS instance
//     (registered with module.register(), see esm-hooks.mjs);
//   * puppeteer.launch(options) always launches SKRIPTABLE_CHROMIUM (default
//     /usr/lib/chromium/chromium) headless, with the fixed argument list below,
//     no slowMo and no devtools, whatever the script asked for.
// Nothing here touches the network.

const Module = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const CHROMIUM = process.env.SKRIPTABLE_CHROMIUM || '/usr/lib/chromium/chromium';

// The Chromium flags Skriptable passes (on top of Puppeteer's defaults),
// plus a host resolver rule that keeps Chromium from sending any DNS query:
// even with the flags above, Chromium 156 looks up accounts.google.com,
// clients2.google.com and update.googleapis.com shortly after start. Every
// page these scripts visit is on 127.0.0.1 (or 127.0.0.2, the cross-site
// origin of the OOPIF scripts), which the rule leaves alone.
const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE 127.0.0.2',
]);

const harnessRequire = Module.createRequire(path.join(__dirname, 'package.json'));
let corePath;
try {
  corePath = harnessRequire.resolve('puppeteer-core');
} catch (err) {
  process.stderr.write(
    `shim.cjs: puppeteer-core is not installed in ${__dirname}; ` +
      `run: (cd ${__dirname} && PUPPETEER_SKIP_DOWNLOAD=1 npm ci)\n`,
  );
  throw err;
}

const PACKAGE_RE = /^(puppeteer|puppeteer-core)(\/.*)?$/;

// mapRequest returns the file a puppeteer specifier stands for, or undefined.
function mapRequest(request) {
  const m = PACKAGE_RE.exec(request);
  if (!m) return undefined;
  if (!m[2]) return corePath;
  return harnessRequire.resolve('puppeteer-core' + m[2]);
}

const originalResolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveFilename(request, parent, isMain, options) {
  if (typeof request === 'string') {
    const mapped = mapRequest(request);
    if (mapped !== undefined) return mapped;
  }
  return originalResolveFilename.call(this, request, parent, isMain, options);
};

const core = require(corePath);
const puppeteer = core.default;
const originalLaunch = puppeteer.launch; // bound to the instance by PuppeteerNode

// enforce rewrites launch options the way Skriptable does.
function enforce(options) {
  const o = { ...(options || {}) };
  o.executablePath = CHROMIUM;
  o.headless = true;
  o.devtools = false;
  o.slowMo = 0;
  o.args = [...CHROMIUM_ARGS];
  o.browser = 'chrome';
  delete o.channel;
  delete o.protocol; // always CDP
  delete o.ignoreDefaultArgs; // keep Puppeteer's own defaults (headless, etc.)
  return o;
}

function launch(options) {
  return originalLaunch(enforce(options));
}

function executablePath() {
  return CHROMIUM;
}

puppeteer.launch = launch;
core.launch = launch;
puppeteer.executablePath = executablePath;
core.executablePath = executablePath;

// ES modules do not go through Module._resolveFilename: install resolve/load
// hooks that map the same specifiers. The names of the CommonJS exports are
// passed along so the generated module can re-export every one of them.
// Registering starts the loader thread (about 0.1 s), so it is skipped when
// the entry script is plainly CommonJS without import(); set
// SKRIPTABLE_SHIM_ESM=1 to always register, 0 to never.
if (typeof Module.register === 'function' && needsESMHooks(process.argv[1])) {
  const names = Object.keys(core).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
  Module.register('./esm-hooks.mjs', pathToFileURL(__filename), {
    data: { corePath, names, harnessURL: pathToFileURL(path.join(__dirname, 'package.json')).href },
  });
}

// needsESMHooks reports whether the entry script may load Puppeteer through
// the ES module loader: an .mjs file, a .js file in a "type": "module"
// package, or a file that uses import/export syntax or import().
function needsESMHooks(entry) {
  const force = process.env.SKRIPTABLE_SHIM_ESM;
  if (force === '1') return true;
  if (force === '0') return false;
  if (!entry) return true; // -e, -p, stdin: cannot tell
  const ext = path.extname(entry);
  if (ext === '.mjs' || ext === '.mts') return true;
  if (ext === '.cjs' || ext === '.cts') return false;
  let source;
  try {
    source = require('node:fs').readFileSync(entry, 'utf8');
  } catch {
    return true;
  }
  if (/^\s*(import\s*[\w{*'"]|export\s)|\bimport\s*\(/m.test(source)) return true;
  return nearestPackageType(path.dirname(entry)) === 'module';
}

function nearestPackageType(dir) {
  const fs = require('node:fs');
  for (;;) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      return pkg.type;
    } catch (err) {
      if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR') return undefined;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
