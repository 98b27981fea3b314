// Invalid selectors and wrong argument types get Puppeteer's errors.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/select-selectors.html');
  const form = await page.$('#form');
  const bad = ['##bad', '', 'div,', '"quoted"', 'div::-p-text(', '::-p-nope(x)', 'aria/[foo="x"]', 'aria/Name[level="2"]', 'xpath/!!', 'xpath/', 'pierce/', 'pierce/##', 'div ::-p-xpath(!!)', '#form ::-p-aria([bad="x"])', 'a(b)::-p-text(x)'];
  const calls = {
    $: (s) => page.$(s),
    $$: (s) => page.$$(s),
    $eval: (s) => page.$eval(s, (e) => e.id),
    $$eval: (s) => page.$$eval(s, (es) => es.length),
    click: (s) => page.click(s),
    'element.$': (s) => form.$(s),
    'element.$$': (s) => form.$$(s),
  };
  for (const sel of bad) {
    const seen = new Map();
    for (const [name, fn] of Object.entries(calls)) {
      let out;
      try {
        const r = await fn(sel);
        out = 'ok ' + (Array.isArray(r) ? r.length : r);
      } catch (e) {
        out = e.name + ': ' + e.message.split('\n')[0];
      }
      seen.set(out, [...(seen.get(out) || []), name]);
    }
    for (const [out, names] of seen) console.log(JSON.stringify(sel), names.join(','), '->', out);
  }
  // Selectors that match nothing where an element is required.
  for (const [what, fn] of [
    ['$eval text/', () => page.$eval('text/No such text', (e) => e)],
    ['click aria/', () => page.click('aria/No such name')],
    ['focus P', () => page.focus('div ::-p-text(No such text)')],
    ['hover pierce', () => page.hover('pierce/.nothing')],
    ['type xpath', () => page.type('xpath///nothing', 'abc')],
    ['element $eval', () => form.$eval('>>> .nothing', (e) => e)],
  ]) {
    try {
      await fn();
      console.log(what, 'ok');
    } catch (e) {
      console.log(what, '->', e.name + ': ' + e.message);
    }
  }
  // Wrong argument types.
  for (const [what, fn] of [
    ['$(123)', () => page.$(123)],
    ['$$(null)', () => page.$$(null)],
    ['click()', () => page.click()],
    ['waitForSelector({})', () => page.waitForSelector({})],
    ['focus(true)', () => page.focus(true)],
    ['element.$(5)', () => form.$(5)],
    ['element.waitForSelector()', () => form.waitForSelector()],
    ['$eval(undefined)', () => page.$eval(undefined, (e) => e)],
    ['tap(null)', () => page.tap(null)],
  ]) {
    try {
      await fn();
      console.log(what, 'ok');
    } catch (e) {
      console.log(what, '->', e.name + ': ' + e.message);
    }
  }
  await browser.close();
})();
