// page.evaluate: arguments, return values and errors.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  const show = (label, v) => console.log(label, typeof v, JSON.stringify(v), v);
  show('number', await page.evaluate(() => 1 + 2));
  show('string', await page.evaluate(() => 'a' + 'b'));
  show('undefined', await page.evaluate(() => undefined));
  show('null', await page.evaluate(() => null));
  show('NaN', await page.evaluate(() => NaN));
  show('-0', Object.is(await page.evaluate(() => -0), -0));
  show('Infinity', await page.evaluate(() => -Infinity));
  show('bigint', await page.evaluate(() => 12345678901234567890n));
  show('array', await page.evaluate(() => [1, 'two', [3], { four: 4 }]));
  show('object', await page.evaluate(() => ({ a: 1, b: { c: [true, false] }, u: undefined })));
  show('date', (await page.evaluate(() => new Date(Date.UTC(2020, 0, 2)))).toISOString());
  show('regexp', await page.evaluate(() => /ab+c/gi));
  show('map', await page.evaluate(() => new Map([[1, 2]])));
  show('function', await page.evaluate(() => function f() {}));
  show('promise', await page.evaluate(() => Promise.resolve(42)));
  show('args', await page.evaluate((a, b, c) => [a + b, c.x, typeof c.y], 40, 2, { x: 'x', y: undefined }));
  show('string fn', await page.evaluate('1 + 41'));
  show('string expr obj', await page.evaluate('({ a: 1 })'));
  show('arrow body', await page.evaluate((x) => (x * 2), 21));
  show('date arg', await page.evaluate((d) => d instanceof Date ? 'date' : typeof d, new Date(0)));
  show('nested undefined arg', await page.evaluate((o) => Object.keys(o), { a: undefined, b: 1 }));
  for (const fn of [
    () => { throw new Error('boom'); },
    () => { throw new TypeError('bad type'); },
    () => { throw 'a string'; },
    () => Promise.reject(new RangeError('later')),
    () => { undefinedVariable.x = 1; },
  ]) {
    try {
      await page.evaluate(fn);
    } catch (e) {
      console.log('threw', e.name, JSON.stringify(e.message.split('\n')[0]));
    }
  }
  await browser.close();
})();
