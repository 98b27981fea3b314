// Runs the golden cases (cases.js) and returns { name: text } where text
// is what the case returned (util.inspect'ed) or what it threw (name,
// code, message and own properties, without the stack). Used by gen.js
// under node and by the Go test in Skriptable's runtime.
async function runCases(list) {
  const util = require('util');
  const cwd = process.cwd();
  const clean = (s) => s.split(cwd).join('<cwd>');
  const describeError = (e) => {
    if (!(e instanceof Error)) return 'throws ' + util.inspect(e);
    const props = {};
    // Errors inside are shown without their stacks, which differ.
    for (const k of Object.keys(e)) props[k] = e[k] instanceof Error ? `[${e[k].name}: ${e[k].message}]` : e[k];
    let head = `throws ${e.name}${e.code !== undefined ? ` [${e.code}]` : ''}: ${e.message}`;
    if (Object.keys(props).length > 0) head += '\n' + util.inspect(props, { depth: 2 });
    return head;
  };
  const results = {};
  for (const [name, fn] of list) {
    if (Object.prototype.hasOwnProperty.call(results, name)) throw new Error('duplicate case ' + name);
    let text;
    try {
      const v = await fn();
      text = typeof v === 'string' ? v : util.inspect(v, { depth: 4 });
    } catch (e) {
      text = describeError(e);
    }
    results[name] = clean(text);
  }
  return results;
}
if (typeof module === 'object' && module !== null) module.exports = runCases;
