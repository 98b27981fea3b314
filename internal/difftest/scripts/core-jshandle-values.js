// jsonValue and evaluate serialization of many value kinds, and handle
// properties of arrays and nested objects.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/products');
  const values = await page.evaluate(() => ({
    n: 1.5, neg0: -0, s: 'x', b: true, nul: null, arr: [1, 'a', null], nested: { d: { e: [true] } },
    date: new Date(0), re: /ab+c/gi, undef: undefined, big: 12345678901234567890,
  }));
  console.log('object', JSON.stringify(values), Object.keys(values).join(','));
  console.log('date', values.date instanceof Date, typeof values.date, JSON.stringify(values.date));
  console.log('regexp', values.re instanceof RegExp, JSON.stringify(values.re));
  for (const expr of ['NaN', 'Infinity', '-Infinity', '-0', 'undefined', 'null', '10n', '"str"', '[1,[2,[3]]]', 'new Map([[1,2]])', 'new Set([1])']) {
    const v = await page.evaluate(expr);
    console.log('evaluate', expr, typeof v, Object.is(v, -0) ? '-0' : String(v));
  }
  const arr = await page.evaluateHandle(() => [10, 20, 30]);
  const props = await arr.getProperties();
  console.log('array props', [...props.keys()].join(','));
  console.log('length', await (await arr.getProperty('length')).jsonValue());
  const node = await page.evaluateHandle(() => document.body);
  console.log('element jsonValue', JSON.stringify(await node.jsonValue()));
  const args = await page.evaluate((a, b, c, d) => [typeof a, b === null, Array.isArray(c), d.k], 1, null, [1], { k: 'v' });
  console.log('args', args.join(','));
  const undef = await page.evaluate((x) => x === undefined, undefined);
  console.log('undefined arg', undef);
  await browser.close();
})();
