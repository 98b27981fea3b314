// Module customization hooks registered by shim.cjs (module.register, which
// runs them on the loader thread). They make
//
//   import puppeteer from 'puppeteer';
//   import { launch, TimeoutError } from 'puppeteer-core';
//
// load a generated module that re-exports the CommonJS puppeteer-core instance
// shim.cjs already patched, so ES modules and require() share one Puppeteer
// (same launch override, same error classes for instanceof).

const SHIM_URL = 'skriptable-shim:puppeteer';
const PACKAGE_RE = /^(puppeteer|puppeteer-core)(\/.*)?$/;

let corePath;
let names = [];
let harnessURL;

export async function initialize(data) {
  corePath = data.corePath;
  names = data.names;
  harnessURL = data.harnessURL;
}

export async function resolve(specifier, context, nextResolve) {
  const m = PACKAGE_RE.exec(specifier);
  if (m) {
    if (!m[2]) {
      return { url: SHIM_URL, format: 'module', shortCircuit: true };
    }
    // Subpaths resolve inside this directory's puppeteer-core.
    return nextResolve('puppeteer-core' + m[2], { ...context, parentURL: harnessURL });
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url !== SHIM_URL) {
    return nextLoad(url, context);
  }
  const source = [
    "import { createRequire } from 'node:module';",
    `const core = createRequire(${JSON.stringify(corePath)})(${JSON.stringify(corePath)});`,
    'export default core.default;',
    names.length ? `export const { ${names.join(', ')} } = core;` : '',
    '',
  ].join('\n');
  return { format: 'module', source, shortCircuit: true };
}
