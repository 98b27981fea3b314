// Regenerates golden.json: runs cases.js under node (in a scratch working
// directory, since the fs cases write files) and records each result.
// Run by the Go test with UPDATE_GOLDEN=1; CI never needs node.
'use strict';
const fs = require('fs');
const path = require('path');

const here = __dirname;
const runCases = require(path.join(here, 'harness.js'));
const cases = require(path.join(here, 'cases.js'));

(async () => {
  // The same working directory as the Go test's, so that line breaks of
  // inspected paths agree.
  const dir = '/tmp/skriptable-golden';
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  process.chdir(dir);
  const results = await runCases(cases);
  process.chdir(here);
  fs.rmSync(dir, { recursive: true, force: true });
  const out = { meta: { node: process.version }, cases: results };
  fs.writeFileSync(path.join(here, 'golden.json'), JSON.stringify(out, null, 1) + '\n');
  console.log(`wrote ${Object.keys(results).length} cases with node ${process.version}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
