// gen.js records Node's output for every case in cases.js into golden.json.
// Run it with Node 20 (go test runs it when UPDATE_GOLDEN=1):
//   node internal/inspect/testdata/gen.js
'use strict';

const fs = require('fs');
const path = require('path');
const util = require('util');
const vm = require('vm');

// Promise.reject cases would otherwise end the process with an error.
process.on('unhandledRejection', () => {});

const casesPath = path.join(__dirname, 'cases.js');
vm.runInThisContext(fs.readFileSync(casesPath, 'utf8'), { filename: 'cases.js' });

const out = {};
for (const c of globalThis.cases) {
  if (Object.prototype.hasOwnProperty.call(out, c.name)) {
    throw new Error(`duplicate case name ${c.name}`);
  }
  if (c.args) {
    out[c.name] = util.format(...c.args());
  } else {
    out[c.name] = util.inspect(...c.inspect());
  }
}
const meta = { node: process.version };
fs.writeFileSync(path.join(__dirname, 'golden.json'),
  JSON.stringify({ meta, cases: out }, null, 2) + '\n');
console.log(`wrote ${Object.keys(out).length} cases (Node ${process.version})`);
