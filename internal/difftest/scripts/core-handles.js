// JSHandle and ElementHandle basics.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/products');
  const obj = await page.evaluateHandle(() => ({ a: 1, b: 'two', c: [3] }));
  console.log('jsonValue', JSON.stringify(await obj.jsonValue()));
  const a = await obj.getProperty('a');
  console.log('getProperty', await a.jsonValue(), a.asElement());
  const props = await obj.getProperties();
  console.log('getProperties', [...props.keys()].join(','));
  console.log('toString', obj.toString(), a.toString());
  const win = await page.evaluateHandle(() => window);
  console.log('window handle', win.toString());
  const el = await page.evaluateHandle(() => document.querySelector('#title'));
  console.log('element', el.asElement() !== null, el.toString());
  console.log('handle as argument', await page.evaluate((e, suffix) => e.textContent + suffix, el, '?'));
  console.log('handle evaluate', await obj.evaluate((o, k) => o[k], 'b'));
  const arr = await obj.evaluateHandle((o) => o.c);
  console.log('evaluateHandle', JSON.stringify(await arr.jsonValue()));
  await obj.dispose();
  try {
    await obj.evaluate((o) => o);
  } catch (e) {
    console.log('after dispose:', e.message);
  }
  const fn = await page.evaluateHandle(() => (x) => x * 2);
  console.log('function handle', fn.toString(), await page.evaluate((f) => f(21), fn));
  const item = await page.$('.product');
  console.log('isVisible', await item.isVisible(), 'isHidden', await item.isHidden());
  const box = await item.boundingBox();
  console.log('box', Math.round(box.width), Math.round(box.height), box.x >= 0);
  const frame = item.frame ? item.frame === page.mainFrame() : 'n/a';
  console.log('frame', frame);
  console.log('remoteObject', obj.remoteObject().type, item.remoteObject().subtype);
  await browser.close();
})();
