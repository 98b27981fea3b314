'use strict';
// check-modules.cjs DIR: exit 0 if DIR/node_modules holds exactly the package
// versions DIR/package-lock.json pins, 1 (listing the differences) otherwise.
// Used by run.sh to decide whether `npm ci` is needed, without the network.

const fs = require('node:fs');
const path = require('node:path');

const dir = path.resolve(process.argv[2] || __dirname);
const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
const problems = [];
for (const [key, want] of Object.entries(lock.packages || {})) {
  if (key === '' || !key.startsWith('node_modules/')) continue;
  let have;
  try {
    have = JSON.parse(fs.readFileSync(path.join(dir, key, 'package.json'), 'utf8')).version;
  } catch {
    if (want.optional) continue;
    problems.push(`${key}: missing`);
    continue;
  }
  if (have !== want.version) problems.push(`${key}: have ${have}, want ${want.version}`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
