// Node modules scripts use beside Puppeteer: assert, path, util, fs, Buffer, URL, TextEncoder.
const assert = require('assert');
const path = require('path');
const util = require('util');
const fs = require('fs');
const puppeteer = require('puppeteer');
(async () => {
  assert.strictEqual(1 + 1, 2);
  assert.deepStrictEqual({ a: [1] }, { a: [1] });
  try {
    assert.strictEqual(1, 2, 'numbers differ');
  } catch (e) {
    console.log('assert', e.name, e.code, e.message);
  }
  try {
    assert.ok(0);
  } catch (e) {
    console.log('assert.ok', e.name, e.code, JSON.stringify(e.message.split('\n')[0]));
  }
  console.log('path', path.join('a', '..', 'b', 'c.png'), path.basename('/x/y.js', '.js'), path.extname('a.tar.gz'), path.resolve('/a', 'b'));
  console.log('basename of __filename', path.basename(__filename));
  console.log('util.format', util.format('%s is %d years and %j', 'Ada', 36, { x: 1 }));
  console.log('util.inspect', util.inspect({ a: [1, { b: new Map([[1, 'x']]) }], s: 'str' }, { depth: 4 }));
  const sleep = util.promisify((ms, cb) => setTimeout(() => cb(null, ms), ms));
  console.log('promisify', await sleep(5));
  fs.writeFileSync('notes.txt', 'hello\n');
  fs.appendFileSync('notes.txt', 'world\n');
  console.log('read back', JSON.stringify(fs.readFileSync('notes.txt', 'utf8')), fs.existsSync('notes.txt'), fs.existsSync('nope.txt'));
  fs.mkdirSync('sub/dir', { recursive: true });
  await fs.promises.writeFile('sub/dir/data.json', JSON.stringify({ ok: true }));
  console.log('promises read', await fs.promises.readFile('sub/dir/data.json', 'utf8'));
  const b = Buffer.from('héllo');
  console.log('buffer', b.length, b.toString('base64'), b.toString('hex'), Buffer.concat([b, Buffer.from('!')]).toString());
  const u = new URL('/p?q=1#h', 'http://example.test:8080');
  u.searchParams.append('r', 'two words');
  console.log('url', u.href, u.host, u.pathname, [...u.searchParams.keys()].join(','));
  console.log('text encoder', new TextEncoder().encode('é').length, new TextDecoder().decode(new Uint8Array([104, 105])));
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  const shot = await page.screenshot();
  fs.writeFileSync('shot.png', shot);
  console.log('typeof process.env.BASE_URL', typeof process.env.BASE_URL, process.env.NOT_SET);
  await browser.close();
})();
