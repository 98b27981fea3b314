// Console messages (type, text, args as JSHandles, location, stackTrace),
// browser log entries, and uncaught page errors ('pageerror').
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  const base = process.env.BASE_URL;
  const short = s => String(s).split(base).join('BASE');
  const msgs = [];
  const errors = [];
  page.on('console', m => msgs.push(m));
  page.on('pageerror', e => errors.push(e));
  await page.goto(base + '/net/console');
  await new Promise(r => setTimeout(r, 300));
  for (const m of msgs) {
    const loc = m.location();
    console.log(m.type(), JSON.stringify(m.text()), m.args().length, m.args() === m.args(),
      short(loc.url), loc.lineNumber, loc.columnNumber, m.stackTrace().length);
  }
  const first = msgs[0];
  const vals = [];
  for (const h of first.args()) vals.push(await h.jsonValue().then(v => typeof v === 'bigint' ? 'bigint' : JSON.stringify(v), e => 'error: ' + e.message));
  console.log('values', vals.join(' '));
  const warnObj = await msgs.find(m => m.type() === 'warn').args()[1].jsonValue();
  console.log('warn object', JSON.stringify(warnObj));
  const el = msgs[msgs.length - 1].args()[0];
  console.log('element', el.constructor.name, await el.evaluate(e => e.tagName));
  console.log('stack of error', JSON.stringify(msgs.find(m => m.type() === 'error').stackTrace().map(s => [short(s.url), s.lineNumber])));
  for (const e of errors) {
    if (e instanceof Error) console.log('pageerror', e.name, JSON.stringify(e.message), e instanceof Error, short(e.stack.split('\n').slice(0, 2).join(' / ')));
    else console.log('pageerror value', typeof e, e);
  }

  // From evaluate, a browser log entry for a failed load, and only with a listener.
  msgs.length = 0;
  await page.evaluate(() => { console.log('from evaluate', { x: [1] }); console.table([1]); console.count(); console.assert(false, 'asserted'); });
  await page.evaluate(u => { const i = new Image(); i.src = u; return new Promise(r => { i.onerror = r; }); }, base + '/status/404');
  await new Promise(r => setTimeout(r, 200));
  for (const m of msgs) {
    const loc = m.location();
    const where = m.args().length ? [loc.lineNumber, loc.columnNumber].join(':') : JSON.stringify(loc).replace(base, 'BASE');
    console.log('later', m.type(), short(m.text()), where, m.args().length);
  }
  page.removeAllListeners('console');
  await page.evaluate(() => console.log('nobody listens'));
  await browser.close();
})();
